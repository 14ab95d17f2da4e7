// Preloaders: the first Redis reads of a request, declared in its route row and sent in the
// authenticator's one round trip to Redis (after the nonce and the session), so that a
// handler that would read them anyway spends no round trip of its own: the caller's cached
// profile (kProfilePreload, lib/domain/profile.h), the hidden set (kHiddenPreload,
// lib/domain/visibility.h), nearby's first GEOSEARCH (handlers/nearby.cpp). The module
// that reads a key defines its preloader; the authenticator knows none of them. A reply is
// handed over only once the whole authentication passed, so a request with a wrong token
// never sees one. Preloaders are immutable and thread-safe; a Preloaded is one request's.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "lib/core/context.h"
#include "lib/core/params.h"
#include "lib/store/redis.h"

namespace dt {

struct Preloader {
  const char* name;
  // The command for this request into *argv, or false to send nothing: e.g. the hidden set
  // of user/show when it names nobody else. `args` are the route's parameters, parsed
  // (never called when they were refused); `user` is the claimed caller (verified in the
  // same trip).
  bool (*command)(const Args& args, int64_t user, std::vector<std::string>* argv);
};

// What a request's preloaders brought back, and what their modules remembered of it.
class Preloaded {
 public:
  struct Entry {
    const Preloader* preloader = nullptr;
    std::vector<std::string> command;  // as sent
    RedisReply reply;                  // Redis's answer (an error or nil are answers too)
    bool answered = false;             // false: Redis was down or the reply never came
    // The module's own request-scoped memory of what it made of the reply (e.g. the hidden
    // set read from MySQL after a cache miss), so that a second use reads nothing again.
    std::string memo;
    bool has_memo = false;
  };

  // The entry of `p`, nullptr when this request did not send it.
  Entry* Find(const Preloader& p);
  const Entry* Find(const Preloader& p) const;

  // A new entry for `p` (the authenticator's, or a module's own round trip when `p` was
  // not preloaded, so that the request's next use finds it). References to entries stay
  // valid as more are added.
  Entry& Add(const Preloader& p, std::vector<std::string> command);

 private:
  std::deque<Entry> entries_;  // a route has one or two
};

// The Preloaded of `ctx`: the authenticator's, or an empty one made now (a route that
// preloads nothing).
Preloaded& PreloadedOf(RequestContext& ctx);

// Gives `ctx` a Preloaded of its own (the authenticator, before its round trip).
Preloaded& NewPreloaded(RequestContext& ctx);

}  // namespace dt
