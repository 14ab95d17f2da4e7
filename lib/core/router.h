// Route and Router: the one declarative table of the API. Each handler file exports its
// rows; a row says who admits a request (its authenticator), the parameters it accepts
// (lib/core/args.h), its body limit, its per-user rate limit and the first Redis reads its
// handler will want (preloaders), and the dispatcher enforces it, so no handler re-checks
// any of that. Rows are written with the builders below:
//     Get("/api/user/show", HandleShow)
//         .Auth(kAppToken)
//         .Accepts({IdArg("peerId").OrCaller()})
//         .Preload({&kProfilePreload})
// Immutable after construction; safe to share.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lib/core/args.h"
#include "lib/core/reply.h"

namespace dt {

struct RequestContext;
struct Route;
struct Preloader;  // lib/domain/preload.h: core only carries them

using Handler = Reply (*)(RequestContext& ctx);

// Who admits a request of a route: the app signature with or without a login token
// (lib/domain/guard.h), a payment gateway's signed notify (lib/domain/pay.h), ... The
// dispatcher runs it after parsing and before the handler; on success it has set
// RequestContext::user_id where it establishes a caller.
struct Authenticator {
  const char* name;  // docs/openapi.yaml's x-auth: "signed", "token", "gateway"
  Status (*admit)(const Route& route, RequestContext& ctx);
  std::vector<const char*> params;  // the parameters it reads (appkey, sign, ...)
};

// Which configured body limit applies to a route.
enum class BodyLimit {
  kForm,    // [server] body_limit
  kUpload,  // [server] upload_limit; file parts are spooled to disk
  kJson,    // [server] body_limit; an application/json body kept as it is (RequestContext::body)
};

// A per-user request limit of a route ([limits] in the config), counted by the
// authenticator for the verified caller: 429 with retry_after beyond it.
enum class RateClass {
  kNone,
  kUpload,  // [limits] upload_per_hour
  kOrder,   // [limits] order_per_hour
  kReport,  // [limits] report_per_day
  kSearch,  // [limits] search_per_minute
  kLike,    // [limits] like_per_minute
  kTyping,  // [limits] typing_per_minute
};

struct Route {
  const char* method = nullptr;  // "GET" or "POST"
  const char* path = nullptr;
  Handler handler = nullptr;
  const Authenticator* auth = nullptr;  // nullptr: anyone (health)
  std::vector<ArgSpec> args;            // parsed into ctx.args before the handler runs
  BodyLimit body = BodyLimit::kForm;
  RateClass rate = RateClass::kNone;
  std::vector<const Preloader*> preload;  // sent in the authenticator's Redis round trip
  // A gateway's route: its replies, errors included, turned into the gateway's own form
  // (e.g. Alipay's plain "success"/"failure") by this, after the handler.
  Reply (*reply_form)(Reply reply) = nullptr;

  Route& Auth(const Authenticator& a) {
    auth = &a;
    return *this;
  }
  Route& Accepts(std::initializer_list<ArgSpec> specs) {
    args.insert(args.end(), specs);
    return *this;
  }
  // `page` and `pageCount` (lib/core/args.h PageArgs).
  Route& Paged(int64_t max_count, int64_t default_count) {
    for (ArgSpec& s : PageArgs(max_count, default_count)) args.push_back(std::move(s));
    return *this;
  }
  Route& RepliesAs(Reply (*form)(Reply reply)) {
    reply_form = form;
    return *this;
  }
  Route& JsonBody() {
    body = BodyLimit::kJson;
    return *this;
  }
  Route& Upload() {
    body = BodyLimit::kUpload;
    return *this;
  }
  Route& Rate(RateClass r) {
    rate = r;
    return *this;
  }
  Route& Preload(std::initializer_list<const Preloader*> p) {
    preload.insert(preload.end(), p);
    return *this;
  }
};

inline Route Get(const char* path, Handler handler) {
  Route r;
  r.method = "GET";
  r.path = path;
  r.handler = handler;
  return r;
}
inline Route Post(const char* path, Handler handler) {
  Route r = Get(path, handler);
  r.method = "POST";
  return r;
}

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
