// Sessions per device; see session.h.
#include "lib/domain/session.h"

#include <algorithm>

#include "lib/core/args.h"
#include "lib/core/crypto.h"

namespace dt {
namespace {

Status NoPermission() { return Status::Error(kNoPermission); }

// What an ended session's field holds: it stops a fill that read MySQL before the end
// from bringing the session back, and answers 504 without asking MySQL.
constexpr char kEnded[] = "-";

// KEYS: the user's key; ARGV: field, value, ttl, mode. Mode "new" sets the field (a login:
// a hash nobody had); "fill" sets it only when absent (a miss read from MySQL); "refresh"
// replaces it unless the session has ended meanwhile. The key lives as long as the
// session written (a key shorter-lived than another session is only a miss for that one).
const RedisScript kPut(R"lua(
local old = redis.call('HGET', KEYS[1], ARGV[1])
if ARGV[4] == 'fill' and old then return 0 end
if ARGV[4] == 'refresh' and old == '-' then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if redis.call('TTL', KEYS[1]) < tonumber(ARGV[3]) then redis.call('EXPIRE', KEYS[1], ARGV[3]) end
return 1
)lua");

// KEYS: the user's key; ARGV: the ended sessions' fields.
const RedisScript kEnd(R"lua(
for _, field in ipairs(ARGV) do redis.call('HSET', KEYS[1], field, '-') end
if redis.call('TTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], 3600) end
return 0
)lua");

Status PutCached(Redis& redis, int64_t user, std::string_view hash, const SessionEntry& s,
                 int64_t now, const char* mode) {
  const std::string key = SessionKey(user), value = SessionValue(s);
  const std::string ttl = std::to_string(std::max<int64_t>(1, s.expire - now));
  RedisReply reply;
  return redis.Eval(kPut, {key}, {hash, value, ttl, mode}, &reply);
}

Status Forget(Redis& redis, int64_t user, const std::vector<std::string>& hashes) {
  if (hashes.empty()) return Status::Ok();
  const std::string key = SessionKey(user);
  std::vector<std::string_view> fields(hashes.begin(), hashes.end());
  RedisReply reply;
  return redis.Eval(kEnd, {key}, fields, &reply);
}

}  // namespace

std::string SessionKey(int64_t user_id) { return "dt:sessions:" + std::to_string(user_id); }

std::string NewToken() { return HexEncode(RandomBytes(16)); }

std::string TokenHash(std::string_view token) { return Sha256Hex(token); }

std::string SessionValue(const SessionEntry& s) {
  return std::to_string(s.expire) + ":" + std::to_string(s.id) + ":" + std::to_string(s.last_seen);
}

bool ParseSessionValue(std::string_view value, SessionEntry* out) {
  const size_t a = value.find(':');
  const size_t b = a == std::string_view::npos ? a : value.find(':', a + 1);
  return b != std::string_view::npos && ParseInt64(value.substr(0, a), &out->expire) &&
         ParseInt64(value.substr(a + 1, b - a - 1), &out->id) &&
         ParseInt64(value.substr(b + 1), &out->last_seen);
}

Status VerifyToken(Db& db, Redis& redis, int64_t user_id, std::string_view token, int64_t now,
                   const RedisReply& cached, int64_t* session_id) {
  if (token.empty()) return NoPermission();
  const std::string hash = TokenHash(token);
  SessionEntry s;
  if (cached.IsString() && cached.Str() == kEnded) return NoPermission();
  bool known = cached.IsString() && ParseSessionValue(cached.Str(), &s);
  if (!known) {
    // Not cached (or Redis is down): MySQL decides, and the answer is cached when it is a
    // live session. A token nobody has is not remembered (a hash of guesses would grow).
    Row row;
    RETURN_IF_ERROR(db.QueryRow(
        "SELECT id, UNIX_TIMESTAMP(expired_time), UNIX_TIMESTAMP(last_seen) FROM user_session"
        " WHERE token = ? AND user_id = ?",
        {hash, user_id}, &row, &known));
    if (!known) return NoPermission();
    s.id = row.Int(0);
    s.expire = row.Int(1);
    s.last_seen = row.Int(2);
    if (now < s.expire) {
      Status put = PutCached(redis, user_id, hash, s, now, "fill");  // best effort
      if (!put.ok() && put.code() != kUnavailable) return put;
    }
  }
  if (now >= s.expire) return NoPermission();
  if (now - s.last_seen >= kLastSeenEvery) {  // "last seen" within five minutes
    s.last_seen = now;
    // Parallel requests of one session may all write it (the same second: no change);
    // one ended meanwhile is not revived, since the refresh leaves an ended field alone.
    RETURN_IF_ERROR(
        db.Exec("UPDATE user_session SET last_seen = FROM_UNIXTIME(?) WHERE id = ?", {now, s.id}));
    Status put = PutCached(redis, user_id, hash, s, now, "refresh");
    if (!put.ok() && put.code() != kUnavailable) return put;
  }
  *session_id = s.id;
  return Status::Ok();
}

Status StartSession(Db& db, int64_t user, std::string_view hash, std::string_view device,
                    int64_t now, int64_t expire, int max_sessions, SessionEntry* started,
                    std::vector<std::string>* ended) {
  ended->clear();
  // The device's session before (the unnamed device's when none is named) ends, and so
  // do the oldest of the others beyond the limit, this one included in the count.
  std::vector<Row> rows;
  RETURN_IF_ERROR(
      db.Query("SELECT id, token, device <=> NULLIF(?, '') FROM user_session WHERE user_id = ?"
               " ORDER BY create_time DESC, id DESC FOR UPDATE",
               {std::string(device), user}, &rows));
  std::vector<int64_t> ending;
  int kept = 1;  // the new one
  for (const Row& r : rows) {
    if (r.Int(2) == 1 || kept >= max_sessions) {
      ending.push_back(r.Int(0));
      ended->push_back(r.Str(1));
    } else {
      ++kept;
    }
  }
  for (int64_t id : ending) {
    RETURN_IF_ERROR(db.Exec("DELETE FROM user_session WHERE id = ?", {id}));
    // The push tokens a session registered end with it (lib/domain/push.h).
    RETURN_IF_ERROR(db.Exec("DELETE FROM push_device WHERE session_id = ?", {id}));
  }
  uint64_t id = 0;
  RETURN_IF_ERROR(db.Exec(
      "INSERT INTO user_session (user_id, token, device, create_time, last_seen, expired_time)"
      " VALUES (?, ?, NULLIF(?, ''), FROM_UNIXTIME(?), FROM_UNIXTIME(?), FROM_UNIXTIME(?))",
      {user, std::string(hash), std::string(device), now, now, expire}, nullptr, &id));
  started->id = static_cast<int64_t>(id);
  started->expire = expire;
  started->last_seen = now;
  return Status::Ok();
}

Status CacheSessionStart(Redis& redis, int64_t user, std::string_view hash,
                         const SessionEntry& started, const std::vector<std::string>& ended,
                         int64_t now) {
  RETURN_IF_ERROR(Forget(redis, user, ended));
  return PutCached(redis, user, hash, started, now, "new");
}

Status EndSessions(Db& db, Redis& redis, int64_t user, int64_t only, int64_t except, int* ended) {
  std::vector<Row> rows;
  RETURN_IF_ERROR(db.Query(
      "SELECT id, token FROM user_session WHERE user_id = ? AND (? = 0 OR id = ?) AND id <> ?",
      {user, only, only, except}, &rows));
  if (ended) *ended = static_cast<int>(rows.size());
  if (rows.empty()) return Status::Ok();
  std::vector<int64_t> ids;
  for (const Row& r : rows) ids.push_back(r.Int(0));
  RETURN_IF_ERROR(db.Exec(
      "DELETE s FROM user_session s JOIN JSON_TABLE(?, '$[*]' COLUMNS (id INT UNSIGNED PATH '$'))"
      " AS j ON s.id = j.id WHERE s.user_id = ?",
      {IdList(ids), user}));
  RETURN_IF_ERROR(db.Exec(
      "DELETE d FROM push_device d JOIN JSON_TABLE(?, '$[*]' COLUMNS (id INT UNSIGNED PATH '$'))"
      " AS j ON d.session_id = j.id WHERE d.user_id = ?",
      {IdList(ids), user}));
  std::vector<std::string> hashes;
  for (const Row& r : rows) hashes.push_back(r.Str(1));
  return Forget(redis, user, hashes);
}

}  // namespace dt
