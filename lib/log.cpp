// Formats log lines into a stack buffer and writes each with one write(2).
#include "lib/log.h"

#include <sys/time.h>
#include <unistd.h>

#include <cstdarg>
#include <cstdio>
#include <ctime>
#include <string>

namespace dt {
namespace {

thread_local std::string_view current_request_id;

// "2026-11-27T16:55:02.123456Z"
size_t FormatNow(char* buf, size_t size) {
  struct timeval tv;
  gettimeofday(&tv, nullptr);
  struct tm tm;
  gmtime_r(&tv.tv_sec, &tm);
  size_t n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
  n += snprintf(buf + n, size - n, ".%06ldZ", static_cast<long>(tv.tv_usec));
  return n;
}

// Keeps a log line one line: control characters and quotes become '?'.
std::string Clean(std::string_view s, size_t max) {
  std::string out(s.substr(0, max));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F || c == '"') c = '?';
  }
  return out;
}

void WriteLine(char* buf, size_t n, size_t size) {
  if (n >= size) n = size - 1;
  buf[n++] = '\n';
  ssize_t ignored = write(2, buf, n);
  (void)ignored;
}

void LogV(const char* level, std::string_view request_id, const char* format, va_list ap) {
  char buf[2048];
  size_t n = FormatNow(buf, sizeof buf);
  if (request_id.empty()) {
    n += snprintf(buf + n, sizeof buf - n, " %s ", level);
  } else {
    n += snprintf(buf + n, sizeof buf - n, " %s rid=%.*s ", level,
                  static_cast<int>(request_id.size()), request_id.data());
  }
  if (n < sizeof buf) n += vsnprintf(buf + n, sizeof buf - n, format, ap);
  WriteLine(buf, n, sizeof buf);
}

}  // namespace

void LogAccess(const AccessRecord& r) {
  char buf[1024];
  size_t n = FormatNow(buf, sizeof buf);
  std::string path = Clean(r.path, 200);
  std::string method = Clean(r.method, 16);
  std::string rid = Clean(r.request_id, 64);
  std::string ip = Clean(r.client_ip, 64);
  n += snprintf(buf + n, sizeof buf - n,
                " access rid=%s method=%s path=%s ip=%s uid=%lld code=%d status=%d us=%lld",
                rid.c_str(), method.c_str(), path.c_str(), ip.c_str(),
                static_cast<long long>(r.user_id), r.code, r.http_status,
                static_cast<long long>(r.micros));
  WriteLine(buf, n, sizeof buf);
}

RequestLogScope::RequestLogScope(std::string_view request_id) {
  current_request_id = request_id;
}

RequestLogScope::~RequestLogScope() { current_request_id = {}; }

void LogError(const char* format, ...) {
  va_list ap;
  va_start(ap, format);
  LogV("error", current_request_id, format, ap);
  va_end(ap);
}

void LogInfo(const char* format, ...) {
  va_list ap;
  va_start(ap, format);
  LogV("info", {}, format, ap);
  va_end(ap);
}

}  // namespace dt
