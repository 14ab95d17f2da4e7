// The hot ranking's Redis scripts.
#include "lib/domain/hot.h"

#include <cstdio>
#include <string>

namespace dt {
namespace {

constexpr int kWindowDays = 7;
constexpr const char* kWeek = "dt:hot:week";
constexpr const char* kRolled = "dt:hot:rolled";
constexpr int kRollChunkSize = 500;  // members subtracted per script call
constexpr int kRollChunksPerRun = 200;

std::string Member(int64_t user) {
  char buf[24];
  snprintf(buf, sizeof buf, "%010lld", static_cast<long long>(user));
  return buf;
}

std::string DayKey(int64_t day) { return "dt:hot:day:" + std::to_string(day); }

// KEYS: target set, then the window's day sets; ARGV: members. Adds each member that
// is not there yet with its views over those days.
const RedisScript kAddVisible(R"lua(
for _, member in ipairs(ARGV) do
  local views = 0
  for i = 2, #KEYS do
    views = views + tonumber(redis.call('ZSCORE', KEYS[i], member) or '0')
  end
  redis.call('ZADD', KEYS[1], 'NX', views, member)
end
return 0
)lua");

// KEYS: week; ARGV: offset, count, then the members to leave out (the caller, hidden
// users). Returns {total, members...}: the page of the ranking without those members,
// at exact offsets (each left-out member ranked before the page shifts it by one).
const RedisScript kPage(R"lua(
local offset = tonumber(ARGV[1])
local count = tonumber(ARGV[2])
local skip = {}
local ranks = {}
for i = 3, #ARGV do
  local rank = redis.call('ZREVRANK', KEYS[1], ARGV[i])
  if rank and not skip[ARGV[i]] then
    skip[ARGV[i]] = true
    ranks[#ranks + 1] = rank
  end
end
table.sort(ranks)
local start = offset
local after = 0
for _, rank in ipairs(ranks) do
  if rank <= start then start = start + 1 else after = after + 1 end
end
local out = {redis.call('ZCARD', KEYS[1]) - #ranks}
if count > 0 then
  for _, m in ipairs(redis.call('ZREVRANGE', KEYS[1], start, start + count + after - 1)) do
    if not skip[m] and #out <= count then out[#out + 1] = m end
  end
end
return out
)lua");

// KEYS: day set leaving the window, week, rolled; ARGV: the day, chunk size.
// Returns 1 when the day is done.
const RedisScript kRollDay(R"lua(
local popped = redis.call('ZPOPMAX', KEYS[1], ARGV[2])
for i = 1, #popped, 2 do
  redis.call('ZADD', KEYS[2], 'XX', 'INCR', -tonumber(popped[i + 1]), popped[i])
end
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('SET', KEYS[3], ARGV[1])
  return 1
end
return 0
)lua");

std::vector<std::string> WindowKeys(int64_t now) {
  std::vector<std::string> keys;
  const int64_t today = DayNumber(now);
  for (int i = 0; i < kWindowDays; ++i) keys.push_back(DayKey(today - i));
  return keys;
}

Status AddVisible(Redis& redis, const std::string& target, const std::vector<std::string>& members,
                  int64_t now) {
  std::vector<std::string> keys = {target};
  for (std::string& k : WindowKeys(now)) keys.push_back(std::move(k));
  RedisReply reply;
  return redis.Eval(kAddVisible, std::vector<std::string_view>(keys.begin(), keys.end()),
                    std::vector<std::string_view>(members.begin(), members.end()), &reply);
}

}  // namespace

int64_t DayNumber(int64_t unix_seconds) {
  return unix_seconds >= 0 ? unix_seconds / 86400 : (unix_seconds - 86399) / 86400;
}

HotViewKeys HotKeysForView(int64_t user, int64_t viewer, int64_t now) {
  const int64_t day = DayNumber(now);
  HotViewKeys k;
  k.seen = "dt:hot:seen:" + std::to_string(day) + ":" + std::to_string(user) + ":" +
           std::to_string(viewer);
  k.day = DayKey(day);
  k.week = kWeek;
  k.member = Member(user);
  k.seen_ttl = std::to_string((day + 1) * 86400 - now);
  // A day set must outlive the window by enough for the rollover to subtract it.
  k.day_ttl = std::to_string((kWindowDays + 2) * 86400);
  return k;
}

Status HotSetVisible(Redis& redis, int64_t user, bool visible, int64_t now) {
  if (visible) return AddVisible(redis, kWeek, {Member(user)}, now);
  RedisReply reply;
  return redis.Command(&reply, "ZREM %s %s", kWeek, Member(user).c_str());
}

std::vector<std::string> HotScoresCommand(const std::vector<int64_t>& users) {
  std::vector<std::string> words = {"ZMSCORE", kWeek};
  for (int64_t u : users) words.push_back(Member(u));
  return words;
}

void ReadHotScores(const RedisReply& reply, size_t n, std::vector<double>* scores) {
  scores->assign(n, 0);
  for (size_t i = 0; i < n && i < reply.size(); ++i) {
    const redisReply* s = reply.Element(i);
    if (s && s->type == REDIS_REPLY_STRING) (*scores)[i] = std::strtod(s->str, nullptr);
  }
}

Status HotPage(Redis& redis, const std::vector<int64_t>& excluded, int64_t offset, int64_t count,
               std::vector<int64_t>* ids, int64_t* total) {
  return RankingPage(redis, kWeek, excluded, offset, count, ids, total);
}

Status RankingPage(Redis& redis, const std::string& key, const std::vector<int64_t>& excluded,
                   int64_t offset, int64_t count, std::vector<int64_t>* ids, int64_t* total) {
  std::vector<std::string> args = {std::to_string(offset), std::to_string(count)};
  for (int64_t id : excluded) args.push_back(Member(id));
  RedisReply reply;
  RETURN_IF_ERROR(
      redis.Eval(kPage, {key}, std::vector<std::string_view>(args.begin(), args.end()), &reply));
  if (reply.size() == 0) return Status::Internal("hot page: bad reply");
  *total = reply.Element(0)->integer;
  for (size_t i = 1; i < reply.size(); ++i) {
    const redisReply* m = reply.Element(i);
    ids->push_back(std::stoll(std::string(m->str, m->len)));
  }
  return Status::Ok();
}

Status HotRollover(Redis& redis, int64_t now) {
  RedisReply reply;
  RETURN_IF_ERROR(redis.Command(&reply, "SET dt:hot:lock 1 NX EX 120"));
  if (reply.IsNil()) return Status::Ok();  // another worker is at it
  const int64_t target = DayNumber(now) - kWindowDays;
  RETURN_IF_ERROR(redis.Command(&reply, "GET %s", kRolled));
  int64_t rolled = reply.IsNil() ? target : std::stoll(std::string(reply.Str()));
  if (reply.IsNil())
    RETURN_IF_ERROR(redis.Command(&reply, "SET %s %lld", kRolled, static_cast<long long>(target)));
  for (int chunks = 0; rolled < target && chunks < kRollChunksPerRun; ++chunks) {
    const int64_t day = rolled + 1;
    RETURN_IF_ERROR(redis.Eval(kRollDay, {DayKey(day), kWeek, kRolled},
                               {std::to_string(day), std::to_string(kRollChunkSize)}, &reply));
    if (reply.Integer() == 1) rolled = day;
  }
  return redis.Command(&reply, "DEL dt:hot:lock");
}

Status HotRebuild(Db& db, Redis& redis, int64_t now) {
  const std::string building = "dt:hot:week:rebuild";
  RedisReply reply;
  RETURN_IF_ERROR(redis.Command(&reply, "DEL %s", building.c_str()));
  int64_t after = 0;
  for (;;) {
    std::vector<Row> rows;
    RETURN_IF_ERROR(db.Query(
        // Listed as HotSetVisible keeps them: active with authority 1 (a banned or reviewed
        // user keeps their authority; found when the review tests first banned one).
        "SELECT id FROM user_info WHERE authority = 1 AND status = 'active' AND id > ? ORDER BY id "
        "LIMIT 5000",
        {after}, &rows));
    if (rows.empty()) break;
    std::vector<std::string> members;
    members.reserve(rows.size());
    for (const Row& row : rows) members.push_back(Member(row.Int(0)));
    after = rows.back().Int(0);
    RETURN_IF_ERROR(AddVisible(redis, building, members, now));
  }
  // An empty rebuild leaves no key to rename: then the ranking is empty.
  RETURN_IF_ERROR(redis.Command(&reply, "EXISTS %s", building.c_str()));
  if (reply.Integer() == 1) {
    RETURN_IF_ERROR(redis.Command(&reply, "RENAME %s %s", building.c_str(), kWeek));
  } else {
    RETURN_IF_ERROR(redis.Command(&reply, "DEL %s", kWeek));
  }
  return redis.Command(&reply, "SET %s %lld", kRolled,
                       static_cast<long long>(DayNumber(now) - kWindowDays));
}

}  // namespace dt
