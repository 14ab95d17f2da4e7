// RequestContext: everything a handler may use, built fresh for each accepted request and
// split by source: the FastCGI environment, the parameters, the authenticated caller, and
// the per-thread connections and process-wide services it borrows. Nothing in it survives
// the request. Used by one thread at a time.
//
// Core only carries the connections (lib/store) and the preloaded replies (lib/domain):
// it names their types and never calls them, so the layers link in their order.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lib/core/args.h"
#include "lib/core/clock.h"
#include "lib/core/config.h"
#include "lib/core/params.h"

namespace dt {

class Db;
class ReadDb;
class Redis;
class SmsSender;
using SmsSenders = std::vector<std::unique_ptr<SmsSender>>;  // lib/domain/sms.h
class Preloaded;                                             // lib/domain/preload.h

// From the FastCGI environment of the request (nginx's fastcgi_param lines).
struct RequestEnv {
  std::string_view method;
  std::string_view path;
  std::string_view client_ip;
  std::string_view request_id;
  int64_t content_length = 0;
  char** fcgi_env = nullptr;  // every FastCGI parameter, NAME=value (nginx's fastcgi_param)

  // A request header by its CGI name ("HTTP_WECHATPAY_SIGNATURE"); empty when absent.
  std::string_view Header(const char* cgi_name) const;
};

// Shared by every thread of the process; immutable or thread-safe.
struct Services {
  const Config& config;
  const Clock& clock;
  const SmsSenders& sms;  // in [sms] senders order
};

// One worker thread's connections (opened by the layers above core).
struct Connections {
  Db& db;         // the primary: every write, and every read that must see them
  ReadDb& reads;  // reads that tolerate replication lag (lib/store/replica.h)
  Redis& redis;
};

// The operator of a request to the operator API (lib/domain/operator.h), set by its
// authenticator; id 0 elsewhere.
struct OperatorCaller {
  int64_t id = 0;
  std::string name;
  int role = 0;            // OperatorRole bits
  int64_t expires = 0;     // the session's end, Unix seconds
  std::string token_hash;  // the session's key
};

struct RequestContext {
  const RequestEnv& env;
  const Params& params;
  // The body as it came, on a route that keeps it (BodyLimit::kJson); else empty.
  std::string_view body;
  Db& db;
  ReadDb& reads;
  Redis& redis;
  const Services& services;

  // The route's declared parameters, parsed (lib/core/args.h).
  Args args{};

  // Set by the route's authenticator: the verified caller (0 when there is none), and
  // the session their token is of (0 for routes without a token).
  int64_t user_id = 0;
  int64_t session_id = 0;
  OperatorCaller op{};

  // Set by the route's authenticator: what the row's preloaders brought back
  // (lib/domain/preload.h); empty for routes without any. Its deleter comes with it.
  std::unique_ptr<Preloaded, void (*)(Preloaded*)> preloaded{nullptr, nullptr};

  const Config& config() const { return services.config; }
  const Clock& clock() const { return services.clock; }
};

}  // namespace dt
