// Logging to stderr, which supervisord captures: one line per request (LogAccess) and
// one line per fault (LogError). Lines are never split or interleaved. Access lines are
// written at once, or, once StartLogFlusher has run (the worker), gathered per thread and
// written every 50 ms in whole lines, so that supervisord reads a few large chunks rather
// than one write per request. Every value is escaped on its way into a line (control
// characters and the backslash as \xNN), so a client's text never starts a line of its own.
// Never pass a token, secret or SMS code here. Thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

namespace dt {

struct AccessRecord {
  std::string_view request_id;
  std::string_view method;
  std::string_view path;
  std::string_view client_ip;
  int64_t user_id = 0;  // 0 when the caller is not authenticated
  int code = 0;
  int http_status = 200;
  int64_t micros = 0;
};

void LogAccess(const AccessRecord& record);

// Starts the thread that writes gathered access lines every 50 ms.
void StartLogFlusher();

// Writes what is gathered now (before the process exits).
void FlushLogs();

// Names the request this thread is serving in the error lines written meanwhile.
class RequestLogScope {
 public:
  explicit RequestLogScope(std::string_view request_id);
  ~RequestLogScope();
  RequestLogScope(const RequestLogScope&) = delete;
  RequestLogScope& operator=(const RequestLogScope&) = delete;
};

// "<time> error rid=<id> <message>", printf-style; the request id is the one of the
// RequestLogScope alive on this thread, if any.
void LogError(const char* format, ...) __attribute__((format(printf, 1, 2)));

// Start-up and shutdown notes: "<time> info <message>".
void LogInfo(const char* format, ...) __attribute__((format(printf, 1, 2)));

}  // namespace dt
