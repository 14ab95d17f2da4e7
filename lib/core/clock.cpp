// Wall-clock time and the API's UTC time format.
#include "lib/core/clock.h"

#include <ctime>

#include <chrono>
#include <cstdio>

namespace dt {

double SystemClock::Now() const {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

std::string FormatUtc(int64_t unix_seconds, const char* format) {
  time_t t = static_cast<time_t>(unix_seconds);
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[64];
  strftime(buf, sizeof buf, format, &tm);
  return buf;
}

bool ParseUtc(const std::string& text, int64_t* unix_seconds) {
  struct tm tm = {};
  char tail;
  if (sscanf(text.c_str(), "%4d-%2d-%2d %2d:%2d:%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
             &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &tail) != 6) {
    return false;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  *unix_seconds = static_cast<int64_t>(timegm(&tm));
  return true;
}

}  // namespace dt
