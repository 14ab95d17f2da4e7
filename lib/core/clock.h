// Clock: the one source of "now" for anything with a time window or an expiry, so that
// tests can inject a fixed time. SystemClock is thread-safe; FakeClock is for tests.
#pragma once

#include <cstdint>
#include <string>

namespace dt {

class Clock {
 public:
  virtual ~Clock() = default;
  // Unix time in seconds, with sub-second precision.
  virtual double Now() const = 0;
  int64_t NowSeconds() const { return static_cast<int64_t>(Now()); }
};

class SystemClock : public Clock {
 public:
  double Now() const override;
};

class FakeClock : public Clock {
 public:
  explicit FakeClock(double now) : now_(now) {}
  double Now() const override { return now_; }
  void Set(double now) { now_ = now; }
  void Advance(double seconds) { now_ += seconds; }

 private:
  double now_;
};

// "YYYY-MM-DD HH:MM:SS" in UTC, the time format of API.md section 1, or another
// strftime format.
std::string FormatUtc(int64_t unix_seconds, const char* format = "%Y-%m-%d %H:%M:%S");

// Parses "YYYY-MM-DD HH:MM:SS" (UTC); false when malformed.
bool ParseUtc(const std::string& text, int64_t* unix_seconds);

}  // namespace dt
