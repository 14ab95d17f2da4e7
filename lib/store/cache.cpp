// The two scripts of the versioned cache.
#include "lib/store/cache.h"

namespace dt {
namespace {

// KEYS: key, version key, ...; ARGV: ttl, then per pair the version seen and the value.
const RedisScript kFill(R"lua(
for i = 1, #KEYS, 2 do
  local now = redis.call('GET', KEYS[i + 1]) or ''
  if now == ARGV[i + 1] then redis.call('SET', KEYS[i], ARGV[i + 2], 'EX', ARGV[1]) end
end
return 0
)lua");

const RedisScript kInvalidate(R"lua(
redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], 86400)
redis.call('DEL', KEYS[1])
return 0
)lua");

}  // namespace

Status CacheFillIfUnchanged(Redis& redis, const std::vector<CacheFill>& fills, int ttl) {
  if (fills.empty()) return Status::Ok();
  std::vector<std::string_view> keys, args;
  const std::string ttl_text = std::to_string(ttl);
  args.push_back(ttl_text);
  for (const CacheFill& f : fills) {
    keys.push_back(f.key);
    keys.push_back(f.version_key);
    args.push_back(f.seen_version);
    args.push_back(f.value);
  }
  RedisReply reply;
  Status filled = redis.Eval(kFill, keys, args, &reply);
  return filled.code() == kUnavailable ? Status::Ok() : filled;  // the reader has its value
}

Status CacheInvalidate(Redis& redis, const std::string& key, const std::string& version_key) {
  RedisReply reply;
  return redis.Eval(kInvalidate, {key, version_key}, {}, &reply);
}

}  // namespace dt
