// The request's preloaded replies, found by their preloader.
#include "lib/domain/preload.h"

namespace dt {

Preloaded::Entry* Preloaded::Find(const Preloader& p) {
  for (Entry& e : entries_) {
    if (e.preloader == &p) return &e;
  }
  return nullptr;
}

const Preloaded::Entry* Preloaded::Find(const Preloader& p) const {
  return const_cast<Preloaded*>(this)->Find(p);
}

Preloaded::Entry& Preloaded::Add(const Preloader& p, std::vector<std::string> command) {
  Entry& e = entries_.emplace_back();
  e.preloader = &p;
  e.command = std::move(command);
  return e;
}

Preloaded& NewPreloaded(RequestContext& ctx) {
  ctx.preloaded = {new Preloaded, [](Preloaded* p) { delete p; }};
  return *ctx.preloaded;
}

Preloaded& PreloadedOf(RequestContext& ctx) {
  return ctx.preloaded ? *ctx.preloaded : NewPreloaded(ctx);
}

}  // namespace dt
