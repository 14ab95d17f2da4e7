// Login sessions: token generation, the Redis session cache (dt:sess:<uid>, MySQL
// user_auth is the record) and token verification. A token is never stored: MySQL and
// Redis hold its SHA-256, so a leaked table or cache holds no usable token.
// Functions are thread-safe given a Db/Redis owned by the calling thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "lib/core/clock.h"
#include "lib/core/status.h"
#include "lib/store/db.h"
#include "lib/store/redis.h"

namespace dt {

// 32 lowercase hex characters from 16 random bytes (the old service's token shape).
std::string NewToken();

// What is stored for a token: its SHA-256 in hex.
std::string TokenHash(std::string_view token);

// The session cache value for a live session ("<expire_unix>:<hash>"), and the empty
// value that records "no live session" (after logout, or for a user without one).
std::string SessionValue(int64_t expire, std::string_view hash);

// Decides a token against a session cache value at time `now`: OK, or 504.
Status MatchSession(std::string_view value, std::string_view token, int64_t now);

// Writes the session cache after a login (`hash`, `expire`) or a logout (hash empty).
Status CacheSession(Redis& redis, int64_t user_id, std::string_view hash, int64_t expire,
                    int64_t now);

// The session cache key of a user ("dt:sess:<uid>").
std::string SessionKey(int64_t user_id);

// The guard's token check, given the reply of GET SessionKey(user_id) (the guard fetches
// it in the same round trip as the nonce): the cache decides when it has an entry; else
// MySQL user_auth does, and the entry is filled with SET NX, so it never overwrites a
// newer login or logout.
Status VerifyToken(Db& db, Redis& redis, int64_t user_id, std::string_view token, int64_t now,
                   const RedisReply& cached);

}  // namespace dt
