// The workers' connection to nchan's publisher ([events] publisher): HTTP/1.1 over one
// kept-alive socket (a unix socket of the local nginx, or TCP to the nginx of a host that
// shares nchan's Redis), written and read directly rather than through libcurl. It is on
// the path of every message/send, read and match, and a profile of message/send showed
// libcurl's per-request work as the larger part of what publishing cost the workers;
// this client does only what nchan's publisher needs: one request at a time, the answer's
// status, its body by Content-Length, chunks or the connection's end. No TLS (the
// publisher is on a private address; the config refuses https), no redirects.
//
// A request on a kept connection that nginx closed while idle (its keepalive_timeout) is
// sent again once on a new connection, as browsers do: nothing of an answer had arrived,
// so nginx had not read it. Not thread-safe: one per thread.
#pragma once

#include <string>
#include <string_view>

#include "lib/core/status.h"

namespace dt {

class NchanClient {
 public:
  // `publisher` as [events] publisher says it: "unix:PATH" or "http://HOST[:PORT][/PREFIX]";
  // `timeout_ms` bounds the connect and, separately, each request's whole exchange.
  NchanClient(std::string publisher, int timeout_ms);
  ~NchanClient();
  NchanClient(const NchanClient&) = delete;
  NchanClient& operator=(const NchanClient&) = delete;

  // Sends `method` `path` (after the publisher's prefix) with `headers` ("Name: value\r\n"
  // lines) and `body`; the answer's HTTP status in *status (and, given `answer`, its body
  // as sent: a chunked one with its chunk lines). Unavailable when the publisher cannot be
  // reached or did not answer in time, Internal for an answer that is not HTTP.
  Status Exchange(std::string_view method, std::string_view path, std::string_view headers,
                  std::string_view body, int* status, std::string* answer = nullptr);

  // Bodies longer than this end the exchange (and the connection) as an error.
  static constexpr size_t kMaxBody = 64 << 10;

 private:
  enum class Outcome { kDone, kStale, kFailed };
  Status Connect(long long deadline_ms);
  Outcome Once(const std::string& request, long long deadline_ms, int* status, Status* error,
               std::string* answer);
  void Disconnect();

  std::string unix_path_;         // or TCP to:
  std::string host_name_, port_;  // getaddrinfo's
  std::string host_;              // the Host header
  std::string prefix_;            // the URL's path before every request's
  int timeout_ms_;
  int fd_ = -1;
};

}  // namespace dt
