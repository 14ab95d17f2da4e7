// Linear lookups: a request carries at most a few dozen parameters.
#include "lib/core/params.h"

#include <unistd.h>

namespace dt {

SpooledFile::~SpooledFile() {
  if (!path_.empty()) unlink(path_.c_str());
}

SpooledFile& SpooledFile::operator=(SpooledFile&& other) noexcept {
  if (this != &other) {
    if (!path_.empty()) unlink(path_.c_str());
    path_ = std::move(other.path_);
    other.path_.clear();
  }
  return *this;
}

bool Params::Add(std::string key, std::string value) {
  if (Find(key) != nullptr) return false;
  entries_.emplace_back(std::move(key), std::move(value));
  return true;
}

const std::string* Params::Find(std::string_view key) const {
  for (const auto& [k, v] : entries_) {
    if (k == key) return &v;
  }
  return nullptr;
}

}  // namespace dt
