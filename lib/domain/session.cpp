// Session cache and token verification.
#include "lib/domain/session.h"

#include <algorithm>

#include "lib/core/args.h"
#include "lib/core/crypto.h"

namespace dt {
namespace {

// How long "no live session" is remembered in the cache; a login overwrites it.
constexpr int64_t kNoSessionTtl = 3600;

Status NoPermission() { return Status::Error(kNoPermission); }

}  // namespace

std::string SessionKey(int64_t user_id) { return "dt:sess:" + std::to_string(user_id); }

std::string NewToken() { return HexEncode(RandomBytes(16)); }

std::string TokenHash(std::string_view token) { return Sha256Hex(token); }

std::string SessionValue(int64_t expire, std::string_view hash) {
  if (hash.empty()) return {};
  return std::to_string(expire) + ":" + std::string(hash);
}

Status MatchSession(std::string_view value, std::string_view token, int64_t now) {
  size_t colon = value.find(':');
  int64_t expire;
  if (colon == std::string_view::npos || !ParseInt64(value.substr(0, colon), &expire)) {
    return NoPermission();
  }
  if (!ConstantTimeEquals(value.substr(colon + 1), TokenHash(token))) return NoPermission();
  if (now >= expire) return NoPermission();
  return Status::Ok();
}

Status CacheSession(Redis& redis, int64_t user_id, std::string_view hash, int64_t expire,
                    int64_t now) {
  std::string value = SessionValue(expire, hash);
  int64_t ttl = hash.empty() ? kNoSessionTtl : std::max<int64_t>(1, expire - now);
  RedisReply reply;
  return redis.Command(&reply, "SET %s %b EX %lld", SessionKey(user_id).c_str(), value.data(),
                       value.size(), static_cast<long long>(ttl));
}

Status VerifyToken(Db& db, Redis& redis, int64_t user_id, std::string_view token, int64_t now,
                   const RedisReply& cached) {
  if (token.empty()) return NoPermission();
  if (cached.IsString()) return MatchSession(cached.Str(), token, now);
  const std::string key = SessionKey(user_id);

  Row row;
  bool found = false;
  RETURN_IF_ERROR(
      db.QueryRow("SELECT token, UNIX_TIMESTAMP(expired_time) FROM user_auth"
                  " WHERE user_id = ? AND login_type = 'phone'",
                  {user_id}, &row, &found));
  std::string value;
  int64_t ttl = kNoSessionTtl;
  if (found && !row.IsNull(0) && !row.Str(0).empty() && row.Int(1) > now) {
    value = SessionValue(row.Int(1), row.Str(0));
    ttl = row.Int(1) - now;
  }
  // Caching the answer is best effort: with Redis down the read answers from MySQL.
  RedisReply set;
  Status cached_now = redis.Command(&set, "SET %s %b NX EX %lld", key.c_str(), value.data(),
                                    value.size(), static_cast<long long>(ttl));
  if (!cached_now.ok() && cached_now.code() != kUnavailable) return cached_now;
  return MatchSession(value, token, now);
}

}  // namespace dt
