// Path lookup in a hash map, then a scan of the (one or two) methods of that path.
#include "lib/core/router.h"

#include <stdexcept>

namespace dt {

Router::Router(std::vector<Route> routes) : routes_(std::move(routes)) {
  for (size_t i = 0; i < routes_.size(); ++i) {
    const Route& r = routes_[i];
    auto& slots = by_path_[r.path];
    for (size_t j : slots) {
      if (std::string_view(routes_[j].method) == r.method) {
        throw std::logic_error(std::string("route listed twice: ") + r.method + " " + r.path);
      }
    }
    slots.push_back(i);
  }
}

const Route* Router::Find(std::string_view method, std::string_view path, Status* status) const {
  auto it = by_path_.find(std::string(path));
  if (it == by_path_.end()) {
    *status = Status::Error(kNoRoute);
    return nullptr;
  }
  for (size_t i : it->second) {
    if (method == routes_[i].method) return &routes_[i];
  }
  *status = Status::Error(kBadMethod);
  return nullptr;
}

}  // namespace dt
