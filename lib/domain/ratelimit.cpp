// The rate-limit scripts.
#include "lib/domain/ratelimit.h"

#include <string_view>

namespace dt {
namespace {

// KEYS: counters; ARGV: limit1, window1, limit2, window2, ... Counts a hit on every
// counter and returns 0 when none is exhausted, else counts nothing and returns the
// seconds until the first exhausted window ends.
const RedisScript kHit(R"lua(
for i, key in ipairs(KEYS) do
  local n = tonumber(redis.call('GET', key) or '0')
  if n >= tonumber(ARGV[2 * i - 1]) then
    local ttl = redis.call('TTL', key)
    if ttl < 0 then
      redis.call('EXPIRE', key, ARGV[2 * i])
      ttl = tonumber(ARGV[2 * i])
    end
    if ttl < 1 then ttl = 1 end
    return ttl
  end
end
for i, key in ipairs(KEYS) do
  if redis.call('INCR', key) == 1 then redis.call('EXPIRE', key, ARGV[2 * i]) end
end
return 0
)lua");

const RedisScript kRefund(R"lua(
for _, key in ipairs(KEYS) do
  if tonumber(redis.call('GET', key) or '0') > 0 then redis.call('DECR', key) end
end
return 0
)lua");

}  // namespace

Status RateLimitHit(Redis& redis, const std::vector<RateRule>& rules) {
  std::vector<std::string_view> keys;
  std::vector<std::string> numbers;
  numbers.reserve(rules.size() * 2);
  for (const RateRule& r : rules) {
    keys.push_back(r.key);
    numbers.push_back(std::to_string(r.limit));
    numbers.push_back(std::to_string(r.window));
  }
  std::vector<std::string_view> args(numbers.begin(), numbers.end());
  RedisReply reply;
  RETURN_IF_ERROR(redis.Eval(kHit, keys, args, &reply));
  long long retry_after = reply.Integer();
  if (retry_after <= 0) return Status::Ok();
  JsonWriter data;
  data.Int("retry_after", retry_after);
  return Status::Error(kTooMany, "too many requests.", data.Close()).WithRetryAfter(retry_after);
}

RateRule RouteRateRule(RateClass rate, const Config& config, int64_t user) {
  const std::string uid = std::to_string(user);
  switch (rate) {
    case RateClass::kUpload: return {"dt:rl:upload:" + uid, config.upload_per_hour, 3600};
    case RateClass::kOrder: return {"dt:rl:order:" + uid, config.order_per_hour, 3600};
    case RateClass::kReport: return {"dt:rl:report:" + uid, config.report_per_day, 86400};
    case RateClass::kSearch: return {"dt:rl:search:" + uid, config.search_per_minute, 60};
    case RateClass::kLike: return {"dt:rl:like:" + uid, config.like_per_minute, 60};
    case RateClass::kTyping: return {"dt:rl:typing:" + uid, config.typing_per_minute, 60};
    case RateClass::kNone: break;
  }
  return {"", 0, 0};
}

Status RateLimitRefund(Redis& redis, const std::vector<RateRule>& rules) {
  std::vector<std::string_view> keys;
  for (const RateRule& r : rules) keys.push_back(r.key);
  RedisReply reply;
  return redis.Eval(kRefund, keys, {}, &reply);
}

}  // namespace dt
