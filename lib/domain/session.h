// Login sessions, one per device: token generation, MySQL user_session (the record: a row
// per session, up to [server] max_sessions per user), the Redis session cache
// (dt:sessions:<uid>, a hash of the user's live sessions keyed by their token's hash)
// and token verification. A token is never stored: MySQL and Redis hold its SHA-256, so a
// leaked table or cache holds no usable token. A client that names no device has one
// unnamed device: its next login ends the last one, as a login always did.
// Functions are thread-safe given a Db/Redis owned by the calling thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lib/core/clock.h"
#include "lib/core/status.h"
#include "lib/store/db.h"
#include "lib/store/redis.h"

namespace dt {

// 32 lowercase hex characters from 16 random bytes (the old service's token shape).
std::string NewToken();

// What is stored for a token: its SHA-256 in hex.
std::string TokenHash(std::string_view token);

// The session cache key of a user ("dt:sessions:<uid>"): field TokenHash(token), value
// SessionValue.
std::string SessionKey(int64_t user_id);

// A live session as the cache holds it.
struct SessionEntry {
  int64_t id = 0;
  int64_t expire = 0;     // Unix seconds
  int64_t last_seen = 0;  // Unix seconds, as last written to MySQL
};
std::string SessionValue(const SessionEntry& s);
bool ParseSessionValue(std::string_view value, SessionEntry* out);

// How stale last_seen may get before a request writes it again.
constexpr int64_t kLastSeenEvery = 300;

// The guard's token check, given the reply of HGET SessionKey(user_id) TokenHash(token)
// (fetched in the same round trip as the nonce): the cache decides when it has the
// session; else MySQL does, and fills it. OK with the session's id, or 504.
Status VerifyToken(Db& db, Redis& redis, int64_t user_id, std::string_view token, int64_t now,
                   const RedisReply& cached, int64_t* session_id);

// In the login's transaction: a new session for `user` on `device` (empty: the unnamed
// one), replacing that device's session, and ending the oldest beyond `max_sessions`.
// The ended sessions' hashes in *ended (for EndCachedSessions after the commit).
Status StartSession(Db& db, int64_t user, std::string_view hash, std::string_view device,
                    int64_t now, int64_t expire, int max_sessions, SessionEntry* started,
                    std::vector<std::string>* ended);

// After the commit: the cache learns the new session and forgets the ended ones.
Status CacheSessionStart(Redis& redis, int64_t user, std::string_view hash,
                         const SessionEntry& started, const std::vector<std::string>& ended,
                         int64_t now);

// Ends `user`'s sessions in MySQL and the cache: the one `only` (0: all of them), or all
// but `except` (when non-zero). *ended counts them.
Status EndSessions(Db& db, Redis& redis, int64_t user, int64_t only, int64_t except,
                   int* ended = nullptr);

}  // namespace dt
