// Route and Router: the one declarative table of the API. Each handler file exports its
// rows; the dispatcher enforces what a row says it needs (signature, token, body limit,
// per-user rate limit), so no handler re-checks them. Immutable after construction; safe to share.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lib/reply.h"

namespace dt {

struct RequestContext;
class Params;

using Handler = Reply (*)(RequestContext& ctx);

// A route's own first Redis read, when its parameters alone decide it: the guard sends it
// in its round trip (after the signature is verified; its reply is used only if the
// whole guard passes), saving the handler one round trip. Leaves *argv empty when the
// parameters are invalid (the handler then answers the error).
using Speculate = void (*)(const Params& params, std::vector<std::string>* argv);

enum RouteNeeds : unsigned {
  kPublic = 0,
  kSigned = 1u << 0,           // S: appkey, timestamp, nonce, sign
  kToken = 1u << 1 | kSigned,  // T: and a valid token for userId
  // With T: what the handler will read of the caller's caches, fetched by the guard in
  // its one round trip to Redis (RequestContext::prefetched).
  kWithProfile = 1u << 2,        // the caller's cached profile record
  kWithHidden = 1u << 3,         // the caller's cached hidden set (lib/visibility.h)
  kWithHiddenForPeer = 1u << 4,  // the same, only when the request names a peerId that is
                                 // not the caller's userId (user/show of oneself needs none)
};

// Which configured body limit applies to a route.
enum class BodyLimit {
  kForm,    // [server] body_limit
  kUpload,  // [server] upload_limit
};

// A per-user request limit of a route ([limits] in the config): the dispatcher counts every
// request of the verified caller and answers 429 with retry_after beyond it.
enum class RateClass {
  kNone,
  kUpload,  // [limits] upload_per_hour
  kOrder,   // [limits] order_per_hour
  kReport,  // [limits] report_per_day
  kSearch,  // [limits] search_per_minute
  kLike,    // [limits] like_per_minute
};

struct Route {
  const char* method;  // "GET" or "POST"
  const char* path;
  Handler handler;
  unsigned needs;
  BodyLimit body = BodyLimit::kForm;
  RateClass rate = RateClass::kNone;  // with T only
  Speculate speculate = nullptr;
};

class Router {
 public:
  explicit Router(std::vector<Route> routes);

  // The route for method + path; nullptr with *status 404 (no such path) or 405 (the
  // path exists with other methods).
  const Route* Find(std::string_view method, std::string_view path, Status* status) const;

 private:
  std::vector<Route> routes_;
  std::unordered_map<std::string, std::vector<size_t>> by_path_;
};

}  // namespace dt
