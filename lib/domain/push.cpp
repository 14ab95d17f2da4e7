// Push devices, settings and the queue; see push.h.
#include "lib/domain/push.h"

#include <cstdio>
#include <memory>

#include "lib/core/json_read.h"
#include "lib/core/json_writer.h"

namespace dt {
namespace {

constexpr const char* kDue = "dt:push:due";
constexpr const char* kRetry = "dt:push:retry";
constexpr int kPendingSeconds = 86400;  // what waits longer (quiet hours included) is dropped

std::string PendingKey(int64_t user) { return "dt:push:pending:" + std::to_string(user); }
std::string CoolKey(int64_t user) { return "dt:push:cool:" + std::to_string(user); }

// KEYS: pending, due, cool; ARGV: user, now (ms), kind, peer, type, text. Counts the item,
// keeps the latest's fields, and makes the user due now, or when their collapse window
// ends; a user already due keeps their time.
const RedisScript kQueue(R"lua(
redis.call('HINCRBY', KEYS[1], 'n', 1)
redis.call('HSET', KEYS[1], 'kind', ARGV[3], 'peer', ARGV[4], 'type', ARGV[5], 'text', ARGV[6])
redis.call('EXPIRE', KEYS[1], ARGV[7])
local cool = tonumber(redis.call('GET', KEYS[3]) or '0')
local now = tonumber(ARGV[2])
redis.call('ZADD', KEYS[2], 'NX', math.max(now, cool), ARGV[1])
return 1
)lua");

// KEYS: due; ARGV: now (ms), limit, collapse window (ms), its end (ms). Takes the due
// users' pending items and starts their collapse windows.
const RedisScript kTake(R"lua(
local users = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for _, u in ipairs(users) do
  redis.call('ZREM', KEYS[1], u)
  local key = 'dt:push:pending:' .. u
  local pending = redis.call('HGETALL', key)
  redis.call('DEL', key)
  if tonumber(ARGV[3]) > 0 then
    redis.call('SET', 'dt:push:cool:' .. u, ARGV[4], 'PX', ARGV[3])
  end
  out[#out + 1] = u
  out[#out + 1] = pending
end
return out
)lua");

// KEYS: pending, due; ARGV: user, due (ms), n, kind, peer, type, text, ttl. Items that
// came meanwhile are newer: their fields stay.
const RedisScript kPutBack(R"lua(
redis.call('HINCRBY', KEYS[1], 'n', ARGV[3])
if redis.call('HEXISTS', KEYS[1], 'kind') == 0 then
  redis.call('HSET', KEYS[1], 'kind', ARGV[4], 'peer', ARGV[5], 'type', ARGV[6], 'text', ARGV[7])
end
redis.call('EXPIRE', KEYS[1], ARGV[8])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
return 1
)lua");

// KEYS: retry; ARGV: now (ms), limit.
const RedisScript kTakeRetries(R"lua(
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, m in ipairs(due) do redis.call('ZREM', KEYS[1], m) end
return due
)lua");

bool AllOf(const std::string& s, bool (*ok)(char)) {
  for (char c : s) {
    if (!ok(c)) return false;
  }
  return true;
}

}  // namespace

bool PushEnabled(const Config& config) {
  return !config.apns_key_id.empty() || !config.fcm_project_id.empty();
}

bool ValidPushToken(const std::string& provider, const std::string& token) {
  if (provider == "apns") {
    return token.size() >= 16 && token.size() <= 200 && token.size() % 2 == 0 &&
           AllOf(token, [](char c) {
             return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
           });
  }
  if (provider == "fcm") {
    return token.size() >= 20 && token.size() <= 255 && AllOf(token, [](char c) {
             return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    c == '_' || c == '-' || c == ':' || c == '.';
           });
  }
  return false;
}

Status RegisterDevice(Db& db, int64_t user, int64_t session_id, const std::string& platform,
                      const std::string& provider, const std::string& token,
                      const std::string& app_version, int64_t now) {
  RETURN_IF_ERROR(db.Exec(
      "INSERT INTO push_device (user_id, session_id, platform, provider, token, app_version,"
      " create_time, update_time) VALUES (?, NULLIF(?, 0), ?, ?, ?, NULLIF(?, ''),"
      " FROM_UNIXTIME(?), FROM_UNIXTIME(?)) ON DUPLICATE KEY UPDATE user_id = VALUES(user_id),"
      " session_id = VALUES(session_id), platform = VALUES(platform),"
      " app_version = VALUES(app_version), update_time = VALUES(update_time)",
      {user, session_id, platform, provider, token, app_version, now, now}));
  return db.Exec(
      "DELETE FROM push_device WHERE user_id = ? AND id NOT IN (SELECT id FROM (SELECT id FROM"
      " push_device WHERE user_id = ? ORDER BY update_time DESC, id DESC LIMIT ?) AS newest)",
      {user, user, kMaxDevices});
}

Status UnregisterDevice(Db& db, int64_t user, const std::string& token, bool* found) {
  uint64_t affected = 0;
  RETURN_IF_ERROR(
      db.Exec("DELETE FROM push_device WHERE user_id = ? AND token = ?", {user, token}, &affected));
  *found = affected > 0;
  return Status::Ok();
}

Status ForgetDevice(Db& db, const std::string& provider, const std::string& token) {
  return db.Exec("DELETE FROM push_device WHERE provider = ? AND token = ?", {provider, token});
}

Status UserDevices(Db& db, int64_t user, std::vector<PushDevice>* out) {
  std::vector<Row> rows;
  RETURN_IF_ERROR(db.Query("SELECT provider, token FROM push_device WHERE user_id = ? ORDER BY id",
                           {user}, &rows));
  for (const Row& r : rows) out->push_back({r.Str(0), r.Str(1)});
  return Status::Ok();
}

Status LoadPushSettings(Db& db, int64_t user, PushSettings* out) {
  Row row;
  bool found = false;
  RETURN_IF_ERROR(db.QueryRow(
      "SELECT COALESCE(quiet_start, -1), COALESCE(quiet_end, -1), tz_offset, show_preview"
      " FROM push_setting WHERE user_id = ?",
      {user}, &row, &found));
  *out = PushSettings();
  if (found) {
    out->quiet_start = static_cast<int>(row.Int(0));
    out->quiet_end = static_cast<int>(row.Int(1));
    out->tz_offset = static_cast<int>(row.Int(2));
    out->show_preview = row.Int(3) == 1;
  }
  return Status::Ok();
}

Status SavePushSettings(Db& db, int64_t user, const PushSettings& s, int64_t now) {
  const bool quiet = s.quiet_start >= 0 && s.quiet_end >= 0;
  return db.Exec(
      "INSERT INTO push_setting (user_id, quiet_start, quiet_end, tz_offset, show_preview,"
      " update_time) VALUES (?, ?, ?, ?, ?, FROM_UNIXTIME(?)) ON DUPLICATE KEY UPDATE"
      " quiet_start = VALUES(quiet_start), quiet_end = VALUES(quiet_end),"
      " tz_offset = VALUES(tz_offset), show_preview = VALUES(show_preview),"
      " update_time = VALUES(update_time)",
      {user, quiet ? Arg(int64_t{s.quiet_start}) : Arg(nullptr),
       quiet ? Arg(int64_t{s.quiet_end}) : Arg(nullptr), int64_t{s.tz_offset},
       int64_t{s.show_preview ? 1 : 0}, now});
}

bool ParseClock(const std::string& text, int* minutes) {
  if (text.size() != 5 || text[2] != ':') return false;
  for (size_t i : {0, 1, 3, 4}) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  const int h = (text[0] - '0') * 10 + (text[1] - '0');
  const int m = (text[3] - '0') * 10 + (text[4] - '0');
  if (h > 23 || m > 59) return false;
  *minutes = h * 60 + m;
  return true;
}

std::string FormatClock(int minutes) {
  char buf[24];
  snprintf(buf, sizeof buf, "%02d:%02d", minutes / 60 % 24, minutes % 60);
  return buf;
}

int64_t QuietUntil(const PushSettings& s, int64_t now) {
  if (s.quiet_start < 0 || s.quiet_end < 0 || s.quiet_start == s.quiet_end) return 0;
  const int64_t local = now + int64_t{s.tz_offset} * 60;
  const int64_t of_day = ((local % 86400) + 86400) % 86400;
  const int minute = static_cast<int>(of_day / 60);
  const bool quiet = s.quiet_start < s.quiet_end ? minute >= s.quiet_start && minute < s.quiet_end
                                                 : minute >= s.quiet_start || minute < s.quiet_end;
  if (!quiet) return 0;
  const int minutes_left = (s.quiet_end - minute + 1440) % 1440;
  return now - of_day % 60 + int64_t{minutes_left} * 60;
}

Status QueuePush(Redis& redis, const Config& config, int64_t user, const PushItem& item,
                 int64_t now_ms) {
  if (!PushEnabled(config)) return Status::Ok();
  RedisReply reply;
  const std::string id = std::to_string(user), now = std::to_string(now_ms),
                    peer = std::to_string(item.peer), ttl = std::to_string(kPendingSeconds);
  return redis.Eval(kQueue, {PendingKey(user), kDue, CoolKey(user)},
                    {id, now, item.kind, peer, item.type, item.text, ttl}, &reply);
}

Status TakeDuePushes(Redis& redis, const Config& config, int64_t now_ms, int limit,
                     std::vector<PendingPush>* out) {
  RedisReply reply;
  const int64_t window = int64_t{config.push_collapse_seconds} * 1000;
  const std::string now = std::to_string(now_ms), n = std::to_string(limit),
                    cool = std::to_string(window), until = std::to_string(now_ms + window);
  RETURN_IF_ERROR(redis.Eval(kTake, {kDue}, {now, n, cool, until}, &reply));
  for (size_t i = 0; i + 1 < reply.size(); i += 2) {
    PendingPush p;
    p.user = std::strtoll(reply.Element(i)->str, nullptr, 10);
    const redisReply* fields = reply.Element(i + 1);
    for (size_t f = 0; f + 1 < fields->elements; f += 2) {
      const std::string name(fields->element[f]->str, fields->element[f]->len);
      std::string value(fields->element[f + 1]->str, fields->element[f + 1]->len);
      if (name == "n") p.count = atoi(value.c_str());
      if (name == "kind") p.last.kind = std::move(value);
      if (name == "peer") p.last.peer = std::strtoll(fields->element[f + 1]->str, nullptr, 10);
      if (name == "type") p.last.type = std::move(value);
      if (name == "text") p.last.text = std::move(value);
    }
    if (p.count > 0 && !p.last.kind.empty()) out->push_back(std::move(p));
  }
  return Status::Ok();
}

Status PutBackPush(Redis& redis, const PendingPush& p, int64_t due_ms) {
  RedisReply reply;
  const std::string id = std::to_string(p.user), due = std::to_string(due_ms),
                    n = std::to_string(p.count), peer = std::to_string(p.last.peer),
                    ttl = std::to_string(kPendingSeconds);
  return redis.Eval(kPutBack, {PendingKey(p.user), kDue},
                    {id, due, n, p.last.kind, peer, p.last.type, p.last.text, ttl}, &reply);
}

Status ScheduleRetry(Redis& redis, const PushRetry& r, int64_t due_ms) {
  JsonWriter w;
  w.Int("user", r.user)
      .Str("provider", r.provider)
      .Str("token", r.token)
      .Str("payload", r.payload)
      .Str("collapse", r.collapse)
      .Int("attempt", r.attempt);
  RedisReply reply;
  return redis.CommandArgv({"ZADD", kRetry, std::to_string(due_ms), w.Close()}, &reply);
}

Status TakeDueRetries(Redis& redis, int64_t now_ms, int limit, std::vector<PushRetry>* out) {
  RedisReply reply;
  const std::string now = std::to_string(now_ms), n = std::to_string(limit);
  RETURN_IF_ERROR(redis.Eval(kTakeRetries, {kRetry}, {now, n}, &reply));
  for (size_t i = 0; i < reply.size(); ++i) {
    Json::Value v;
    if (!ParseJsonObject(std::string(reply.Element(i)->str, reply.Element(i)->len), &v)) continue;
    PushRetry r;
    r.user = v["user"].asInt64();
    r.provider = v["provider"].asString();
    r.token = v["token"].asString();
    r.payload = v["payload"].asString();
    r.collapse = v["collapse"].asString();
    r.attempt = v["attempt"].asInt();
    out->push_back(std::move(r));
  }
  return Status::Ok();
}

}  // namespace dt
