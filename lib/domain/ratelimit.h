// Fixed-window rate limits kept in Redis: a rule is a counter key, a limit and a window.
// Several rules are checked and counted in one atomic script, so a refused request
// counts against none of them. Thread-safe given a per-thread Redis.
#pragma once

#include <string>
#include <vector>

#include "lib/core/config.h"
#include "lib/core/router.h"
#include "lib/core/status.h"
#include "lib/store/redis.h"

namespace dt {

struct RateRule {
  std::string key;  // e.g. "dt:rl:sms:phone:m:<phone>"
  int limit;        // hits allowed per window
  int window;       // seconds, from the window's first hit
};

// Counts one hit on every rule when none is exhausted; otherwise counts nothing and
// returns 429 with data {retry_after} (seconds until the exhausted window ends).
Status RateLimitHit(Redis& redis, const std::vector<RateRule>& rules);

// The rule of a route's per-user limit (Route::rate, [limits]) for `user`:
// dt:rl:<class>:<uid> with the configured limit and window.
RateRule RouteRateRule(RateClass rate, const Config& config, int64_t user);

// Takes back one hit of RateLimitHit (what it counted did not happen after all).
Status RateLimitRefund(Redis& redis, const std::vector<RateRule>& rules);

}  // namespace dt
