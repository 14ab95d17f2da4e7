// The rate-limit scripts.
#include "lib/ratelimit.h"

#include <string_view>

namespace dt {
namespace {

// KEYS: counters; ARGV: limit1, window1, limit2, window2, ..., then "1" to count.
// Returns 0 when allowed, else the seconds until the first exhausted window ends.
const RedisScript kScript(R"lua(
local count = ARGV[#ARGV] == '1'
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
if count then
  for i, key in ipairs(KEYS) do
    if redis.call('INCR', key) == 1 then redis.call('EXPIRE', key, ARGV[2 * i]) end
  end
end
return 0
)lua");

const RedisScript kRefund(R"lua(
for _, key in ipairs(KEYS) do
  if tonumber(redis.call('GET', key) or '0') > 0 then redis.call('DECR', key) end
end
return 0
)lua");

Status Run(Redis& redis, const std::vector<RateRule>& rules, bool count) {
  std::vector<std::string_view> keys;
  std::vector<std::string> numbers;
  numbers.reserve(rules.size() * 2);
  for (const RateRule& r : rules) {
    keys.push_back(r.key);
    numbers.push_back(std::to_string(r.limit));
    numbers.push_back(std::to_string(r.window));
  }
  std::vector<std::string_view> args(numbers.begin(), numbers.end());
  args.push_back(count ? "1" : "0");
  RedisReply reply;
  RETURN_IF_ERROR(redis.Eval(kScript, keys, args, &reply));
  long long retry_after = reply.Integer();
  if (retry_after <= 0) return Status::Ok();
  Json::Value data(Json::objectValue);
  data["retry_after"] = static_cast<Json::Int64>(retry_after);
  return Status::Error(kTooMany, "too many requests.", data);
}

}  // namespace

Status RateLimitHit(Redis& redis, const std::vector<RateRule>& rules) {
  return Run(redis, rules, true);
}

Status RateLimitCheck(Redis& redis, const std::vector<RateRule>& rules) {
  return Run(redis, rules, false);
}

Status RateLimitRefund(Redis& redis, const std::vector<RateRule>& rules) {
  std::vector<std::string_view> keys;
  for (const RateRule& r : rules) keys.push_back(r.key);
  RedisReply reply;
  return redis.Eval(kRefund, keys, {}, &reply);
}

}  // namespace dt
