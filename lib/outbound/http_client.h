// HttpClient: the server's calls to the outside world (payment gateways, SMS providers,
// push services, the live-events publisher), over libcurl. Every call has a connect and a
// total timeout; https verifies the peer's certificate chain and host name, always (a CA
// file may be configured for a private CA, e.g. the tests' fakes); only http and https,
// no redirects followed, and a bound on the response size. A failure to connect, a
// timeout or a TLS failure is Status::Unavailable (the caller answers 901 or retries
// later); any HTTP status is an answer, for the caller to judge.
//
// Thread-compatible: one client per thread (it keeps its connections alive between
// calls). curl_global_init must have run before the first client is made (InitOutbound,
// called by main before any thread starts).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lib/core/status.h"

namespace dt {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";  // GET, POST, PUT, DELETE
  std::string url;             // http:// or https://
  HttpHeaders headers;         // sent as given
  std::string body;            // sent when not empty (or when the method is POST/PUT)
};

struct HttpResponse {
  long status = 0;      // the HTTP status
  HttpHeaders headers;  // names lower-cased, in the order received
  std::string body;

  // The first header of that (lower-case) name, or nullptr.
  const std::string* Header(std::string_view name) const;
};

struct HttpOptions {
  int connect_timeout_ms = 2000;
  int timeout_ms = 5000;          // the whole call
  size_t max_response = 1 << 20;  // bytes of body; beyond, the call fails
  std::string ca_file;            // empty: the system's CA store
  std::string unix_socket;        // non-empty: connect there (the URL's host is a name)
  // HTTP/2 (APNs): negotiated by ALPN over https, spoken at once ("prior knowledge") over
  // http. (Debian 12's libcurl 7.88 fails the second request of a kept prior-knowledge
  // connection with "Error in the HTTP2 framing layer"; over TLS it reuses it well, which
  // is why the APNs fake speaks TLS.)
  bool http2 = false;
};

// The options of a call that must end within `timeout_ms` (a gateway's [pay] timeout_ms),
// connecting within 2 s of it.
HttpOptions WithTimeout(int timeout_ms);

// Once per process, before any thread.
void InitOutbound();

class HttpClient {
 public:
  explicit HttpClient(HttpOptions options = HttpOptions());
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends `request` and waits for the whole response (or the timeout).
  Status Send(const HttpRequest& request, HttpResponse* response);

  const HttpOptions& options() const { return options_; }

 private:
  struct Handle;
  HttpOptions options_;
  std::unique_ptr<Handle> handle_;
};

// The calling thread's client for `purpose` ("sms", "events"), made with `options` on the
// thread's first call (later calls' options are not looked at): for senders that are
// shared between threads while a client is not.
HttpClient& ThreadClient(const char* purpose, const HttpOptions& options);

}  // namespace dt
