// RequestContext: everything a handler may use, built fresh for each accepted request and
// split by source: the FastCGI environment, the parameters, the authenticated caller, and
// the per-thread connections and process-wide services it borrows. Nothing in it survives
// the request. Used by one thread at a time.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lib/clock.h"
#include "lib/config.h"
#include "lib/db.h"
#include "lib/params.h"
#include "lib/redis.h"
#include "lib/replica.h"

namespace dt {

class SmsSender;

// What the guard fetched from Redis in its round trip, for the handler to use.
struct Prefetched {
  bool profile_wanted = false;
  bool hidden_wanted = false;
  bool has_profile = false;    // the caller's profile record was cached...
  std::string profile;         // ...as this JSON
  bool has_hidden = false;     // the caller's hidden set was cached...
  std::string hidden;          // ...as this value
  std::string hidden_version;  // its version when fetched ("" when none)
  // The route's speculative read (Route::speculate): the command, and its reply once the
  // guard passed (has_extra false when it was not sent or failed).
  std::vector<std::string> extra_command;
  bool has_extra = false;
  RedisReply extra;
};

// From the FastCGI environment of the request (nginx's fastcgi_param lines).
struct RequestEnv {
  std::string_view method;
  std::string_view path;
  std::string_view client_ip;
  std::string_view request_id;
  int64_t content_length = 0;
};

// Shared by every thread of the process; immutable or thread-safe.
struct Services {
  const Config& config;
  const Clock& clock;
  SmsSender& sms;
};

struct RequestContext {
  const RequestEnv& env;
  const Params& params;
  Db& db;         // the primary: every write, and every read that must see them
  ReadDb& reads;  // reads that tolerate replication lag (lib/replica.h)
  Redis& redis;
  const Services& services;

  // Set by the guard: the verified caller of a token route (0 otherwise).
  int64_t user_id = 0;

  // Set by the guard for routes with kWithProfile / kWithHidden.
  Prefetched prefetched;

  const Config& config() const { return services.config; }
  const Clock& clock() const { return services.clock; }
};

}  // namespace dt
