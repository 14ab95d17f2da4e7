// HTTP/1.1 to nchan's publisher; see nchan_client.h.
#include "lib/outbound/nchan_client.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <strings.h>
#include <chrono>
#include <cstdlib>
#include <cstring>

namespace dt {
namespace {

long long NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Waits until `fd` is ready for `events` or the deadline; false on the deadline.
bool Await(int fd, short events, long long deadline_ms) {
  for (;;) {
    const long long left = deadline_ms - NowMs();
    if (left <= 0) return false;
    pollfd p{fd, events, 0};
    const int n = poll(&p, 1, static_cast<int>(left));
    if (n > 0) return true;
    if (n < 0 && errno != EINTR) return false;
  }
}

// Connects the non-blocking `fd` to `addr` by the deadline.
bool ConnectBy(int fd, const sockaddr* addr, socklen_t len, long long deadline_ms) {
  if (connect(fd, addr, len) == 0) return true;
  if (errno != EINPROGRESS && errno != EINTR) return false;
  if (!Await(fd, POLLOUT, deadline_ms)) return false;
  int error = 0;
  socklen_t size = sizeof error;
  return getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size) == 0 && error == 0;
}

// The value of header `name` in the header block `head` (lines after the status line), or
// empty.
std::string_view HeaderValue(std::string_view head, const char* name) {
  const size_t name_len = strlen(name);
  size_t at = head.find("\r\n");
  while (at != std::string_view::npos && at + 2 < head.size()) {
    const size_t start = at + 2;
    size_t end = head.find("\r\n", start);
    if (end == std::string_view::npos) end = head.size();
    const std::string_view line = head.substr(start, end - start);
    if (line.size() > name_len && line[name_len] == ':' &&
        strncasecmp(line.data(), name, name_len) == 0) {
      std::string_view value = line.substr(name_len + 1);
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
        value.remove_prefix(1);
      while (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
        value.remove_suffix(1);
      return value;
    }
    at = end;
  }
  return {};
}

// How a chunked body that starts at `from` in `data` stands: its end, npos while more must
// be read, or 0 when it is not valid chunked encoding.
size_t ChunkedEnd(std::string_view data, size_t from, size_t* body_size) {
  size_t at = from;
  *body_size = 0;
  for (;;) {
    const size_t line_end = data.find("\r\n", at);
    if (line_end == std::string_view::npos) return std::string_view::npos;
    char* end = nullptr;
    const std::string line(data.substr(at, line_end - at));
    const unsigned long size = strtoul(line.c_str(), &end, 16);
    if (end == line.c_str() || size > NchanClient::kMaxBody) return 0;
    *body_size += size;
    if (*body_size > NchanClient::kMaxBody) return 0;
    at = line_end + 2;
    if (size == 0) {  // trailers, if any, then an empty line
      if (data.substr(at, 2) == "\r\n") return at + 2;
      const size_t blank = data.find("\r\n\r\n", at);
      return blank == std::string_view::npos ? std::string_view::npos : blank + 4;
    }
    if (data.size() < at + size + 2) return std::string_view::npos;
    if (data.substr(at + size, 2) != "\r\n") return 0;
    at += size + 2;
  }
}

}  // namespace

NchanClient::NchanClient(std::string publisher, int timeout_ms) : timeout_ms_(timeout_ms) {
  if (publisher.rfind("unix:", 0) == 0) {
    unix_path_ = publisher.substr(5);
    host_ = "nchan";
    return;
  }
  std::string rest = publisher.rfind("http://", 0) == 0 ? publisher.substr(7) : publisher;
  const size_t slash = rest.find('/');
  if (slash != std::string::npos) {
    prefix_ = rest.substr(slash);
    while (!prefix_.empty() && prefix_.back() == '/') prefix_.pop_back();
    rest.resize(slash);
  }
  host_ = rest;
  std::string name = rest;
  port_ = "80";
  const size_t bracket = rest.find(']');  // [v6]:port
  const size_t colon = rest.rfind(':');
  if (colon != std::string::npos && (bracket == std::string::npos || colon > bracket)) {
    port_ = rest.substr(colon + 1);
    name = rest.substr(0, colon);
  }
  if (name.size() >= 2 && name.front() == '[' && name.back() == ']')
    name = name.substr(1, name.size() - 2);
  host_name_ = name;
}

NchanClient::~NchanClient() { Disconnect(); }

void NchanClient::Disconnect() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

Status NchanClient::Connect(long long deadline_ms) {
  Disconnect();
  if (!unix_path_.empty()) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (unix_path_.size() >= sizeof addr.sun_path)
      return Status::Internal("publisher socket path too long");
    memcpy(addr.sun_path, unix_path_.data(), unix_path_.size());
    fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd_ >= 0 && ConnectBy(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr, deadline_ms)) {
      return Status::Ok();
    }
    const int error = errno;
    Disconnect();
    return Status::Unavailable("connect " + unix_path_ + ": " + strerror(error));
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const int rc = getaddrinfo(host_name_.c_str(), port_.c_str(), &hints, &found);
  if (rc != 0) return Status::Unavailable("resolve " + host_ + ": " + gai_strerror(rc));
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    fd_ = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd_ >= 0 && ConnectBy(fd_, a->ai_addr, a->ai_addrlen, deadline_ms)) {
      const int one = 1;
      setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      freeaddrinfo(found);
      return Status::Ok();
    }
    Disconnect();
  }
  freeaddrinfo(found);
  return Status::Unavailable("connect " + host_ + ": failed or timed out");
}

NchanClient::Outcome NchanClient::Once(const std::string& request, long long deadline_ms,
                                       int* status, Status* error, std::string* answer) {
  for (size_t sent = 0; sent < request.size();) {
    const ssize_t n = send(fd_, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<size_t>(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (!Await(fd_, POLLOUT, deadline_ms)) {
        *error = Status::Unavailable("publisher: timed out sending");
        return Outcome::kFailed;
      }
    } else {
      *error = Status::Unavailable(std::string("publisher: send: ") + strerror(errno));
      return sent == 0 ? Outcome::kStale : Outcome::kFailed;
    }
  }
  enum class Body { kNone, kLength, kChunked, kUntilClose };
  std::string in;
  size_t head_end = std::string::npos, body_start = 0, length = 0;
  size_t answer_end = std::string::npos;
  Body body = Body::kNone;
  bool keep = true;
  char chunk[4096];
  while (answer_end == std::string::npos) {
    const ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (!Await(fd_, POLLIN, deadline_ms)) {
        *error =
            Status::Unavailable("publisher: no answer in " + std::to_string(timeout_ms_) + " ms");
        return Outcome::kFailed;
      }
      continue;
    }
    if (n <= 0) {
      if (n == 0 && body == Body::kUntilClose) {
        answer_end = in.size();
        keep = false;
        break;
      }
      *error =
          Status::Unavailable(n == 0 ? std::string("publisher: connection closed before an answer")
                                     : std::string("publisher: recv: ") + strerror(errno));
      return in.empty() ? Outcome::kStale : Outcome::kFailed;
    }
    in.append(chunk, static_cast<size_t>(n));
    if (head_end == std::string::npos) {
      head_end = in.find("\r\n\r\n");
      if (head_end == std::string::npos) {
        if (in.size() > 16384) {
          *error = Status::Internal("publisher: answer header too long");
          return Outcome::kFailed;
        }
        continue;
      }
      if (in.compare(0, 7, "HTTP/1.") != 0 || head_end < 12) {
        *error = Status::Internal("publisher: not an HTTP answer");
        return Outcome::kFailed;
      }
      *status = atoi(in.c_str() + 9);
      const std::string_view head(in.data(), head_end);
      keep = strncasecmp(std::string(HeaderValue(head, "Connection")).c_str(), "close", 5) != 0;
      body_start = head_end + 4;
      const std::string_view content_length = HeaderValue(head, "Content-Length");
      if (*status == 204 || *status == 304 || (*status >= 100 && *status < 200)) {
        body = Body::kNone;
      } else if (!content_length.empty()) {
        body = Body::kLength;
        length = strtoul(std::string(content_length).c_str(), nullptr, 10);
      } else if (strncasecmp(std::string(HeaderValue(head, "Transfer-Encoding")).c_str(), "chunked",
                             7) == 0) {
        body = Body::kChunked;
      } else {
        body = Body::kUntilClose;
      }
      if (body == Body::kLength && length > kMaxBody) {
        *error = Status::Internal("publisher: answer too long");
        return Outcome::kFailed;
      }
    }
    size_t body_size = 0;
    switch (body) {
      case Body::kNone: answer_end = body_start; break;
      case Body::kLength:
        if (in.size() >= body_start + length) answer_end = body_start + length;
        break;
      case Body::kChunked:
        answer_end = ChunkedEnd(in, body_start, &body_size);
        if (answer_end == 0) {
          *error = Status::Internal("publisher: bad chunked answer");
          return Outcome::kFailed;
        }
        break;
      case Body::kUntilClose: break;
    }
    if (answer_end == std::string::npos && in.size() - body_start > kMaxBody) {
      *error = Status::Internal("publisher: answer too long");
      return Outcome::kFailed;
    }
  }
  if (answer) answer->assign(in, body_start, answer_end - body_start);
  // Anything after the answer is not ours to read: a fresh connection next time.
  if (!keep || answer_end != in.size()) Disconnect();
  return Outcome::kDone;
}

Status NchanClient::Exchange(std::string_view method, std::string_view path,
                             std::string_view headers, std::string_view body, int* status,
                             std::string* answer) {
  std::string request;
  request.reserve(160 + headers.size() + body.size());
  request.append(method).append(" ").append(prefix_).append(path).append(" HTTP/1.1\r\nHost: ");
  request.append(host_).append("\r\nContent-Length: ").append(std::to_string(body.size()));
  request.append("\r\n").append(headers).append("\r\n").append(body);
  for (int attempt = 0;; ++attempt) {
    const long long deadline = NowMs() + timeout_ms_;
    const bool fresh = fd_ < 0;
    if (fresh) RETURN_IF_ERROR(Connect(deadline));
    Status error;
    *status = 0;
    const Outcome outcome = Once(request, deadline, status, &error, answer);
    if (outcome == Outcome::kDone) return Status::Ok();
    Disconnect();
    // A kept connection nginx had closed: once more on a new one.
    if (outcome != Outcome::kStale || fresh || attempt > 0) return error;
  }
}

}  // namespace dt
