// Formats log lines into a stack buffer, escaped by Clean, and writes each with one write(2).
#include "lib/core/log.h"

#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

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

// The one escaping of everything that reaches a log line: control characters (a line
// break would start a forged line) and the backslash (so that an escape is never
// ambiguous) become \xNN; at most `max` bytes of `s` are looked at.
std::string Clean(std::string_view s, size_t max = std::string_view::npos) {
  s = s.substr(0, max);
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7F || c == '\\') {
      static const char kHex[] = "0123456789abcdef";
      out.append("\\x").push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

void WriteLine(char* buf, size_t n, size_t size) {
  if (n >= size) n = size - 1;
  buf[n++] = '\n';
  ssize_t ignored = write(2, buf, n);
  (void)ignored;
}

// Writes whole lines in chunks of at most PIPE_BUF bytes: a pipe write that size is atomic,
// so an error line written meanwhile by another thread never lands inside one.
void WriteLines(const std::string& text) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = std::min(text.size(), start + 4096);
    if (end < text.size()) {
      size_t newline = text.rfind('\n', end - 1);
      if (newline != std::string::npos && newline >= start) end = newline + 1;
    }
    ssize_t ignored = write(2, text.data() + start, end - start);
    (void)ignored;
    start = end;
  }
}

// One thread's gathered access lines. Its lock is taken by that thread and, every 50 ms,
// by the flusher: never contended on the request path in practice.
struct LineBuffer {
  std::mutex mutex;
  std::string text;
};

std::atomic<bool> gathering{false};
std::mutex registry_mutex;
std::vector<LineBuffer*>* registry = new std::vector<LineBuffer*>;  // never freed: outlives threads

LineBuffer* ThreadBuffer() {
  thread_local LineBuffer* buffer = [] {
    auto* b = new LineBuffer;
    std::lock_guard<std::mutex> lock(registry_mutex);
    registry->push_back(b);
    return b;
  }();
  return buffer;
}

void LogV(const char* level, std::string_view request_id, const char* format, va_list ap) {
  char buf[4608];  // room for the message escaped (up to 4 bytes a byte)
  size_t n = FormatNow(buf, sizeof buf);
  if (request_id.empty()) {
    n += snprintf(buf + n, sizeof buf - n, " %s ", level);
  } else {
    const std::string rid = Clean(request_id, 64);
    n += snprintf(buf + n, sizeof buf - n, " %s rid=%s ", level, rid.c_str());
  }
  // The message is formatted first, then escaped whole: the values printf put in it are
  // what a client sent (a trade_no, a phone) and may hold line breaks.
  char message[1024];
  vsnprintf(message, sizeof message, format, ap);
  const std::string clean = Clean(message);
  if (n < sizeof buf) n += snprintf(buf + n, sizeof buf - n, "%s", clean.c_str());
  WriteLine(buf, n, sizeof buf);
}

}  // namespace

void LogAccess(const AccessRecord& r) {
  char buf[2048];
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
  if (!gathering.load(std::memory_order_relaxed)) {
    WriteLine(buf, n, sizeof buf);
    return;
  }
  if (n >= sizeof buf) n = sizeof buf - 1;
  buf[n++] = '\n';
  LineBuffer* b = ThreadBuffer();
  std::string overflow;
  {
    std::lock_guard<std::mutex> lock(b->mutex);
    b->text.append(buf, n);
    if (b->text.size() > (1 << 16)) overflow.swap(b->text);  // the flusher fell behind
  }
  if (!overflow.empty()) WriteLines(overflow);
}

void FlushLogs() {
  std::vector<LineBuffer*> buffers;
  {
    std::lock_guard<std::mutex> lock(registry_mutex);
    buffers = *registry;
  }
  std::string text;
  for (LineBuffer* b : buffers) {
    std::lock_guard<std::mutex> lock(b->mutex);
    text += b->text;
    b->text.clear();
  }
  if (!text.empty()) WriteLines(text);
}

void StartLogFlusher() {
  if (gathering.exchange(true)) return;
  std::thread([] {
    for (;;) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      FlushLogs();
    }
  }).detach();
}

RequestLogScope::RequestLogScope(std::string_view request_id) { current_request_id = request_id; }

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
