// The view script and the visit queue's flush.
#include "lib/domain/visits.h"

#include <map>
#include <string>
#include <utility>

#include "lib/core/args.h"
#include "lib/core/log.h"
#include "lib/domain/hot.h"

namespace dt {
namespace {

constexpr const char* kQueue = "dt:visits";

// KEYS: queue, then the hot ranking's seen, day and week keys; ARGV: the visit entry,
// then the ranking's member, seconds to midnight and day set TTL. The view counts for
// the ranking once per viewer per user per day; every view is a visit.
const RedisScript kRecordView(R"lua(
redis.call('RPUSH', KEYS[1], ARGV[1])
if redis.call('SET', KEYS[2], 1, 'NX', 'EX', ARGV[3]) then
  redis.call('ZINCRBY', KEYS[3], 1, ARGV[2])
  redis.call('EXPIRE', KEYS[3], ARGV[4])
  redis.call('ZADD', KEYS[4], 'XX', 'INCR', 1, ARGV[2])
end
return 0
)lua");

// KEYS: queue; ARGV: how many. Takes a batch off the head, atomically.
const RedisScript kTake(R"lua(
local batch = redis.call('LRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)
if #batch > 0 then redis.call('LTRIM', KEYS[1], #batch, -1) end
return batch
)lua");

}  // namespace

Status RecordView(Redis& redis, int64_t user, int64_t viewer, int64_t now) {
  const HotViewKeys hot = HotKeysForView(user, viewer, now);
  const std::string entry =
      std::to_string(user) + ":" + std::to_string(viewer) + ":" + std::to_string(now);
  RedisReply reply;
  return redis.Eval(kRecordView, {kQueue, hot.seen, hot.day, hot.week},
                    {entry, hot.member, hot.seen_ttl, hot.day_ttl}, &reply);
}

Status FlushVisits(Db& db, Redis& redis, int max) {
  // One flush at a time, across workers: a flush that finds the queue empty has then not
  // overtaken another's batch still on its way to MySQL, so the visitor list that flushes
  // first sees every visit queued before it. A lost connection releases the lock.
  Row row;
  bool found = false;
  RETURN_IF_ERROR(db.QueryRow("SELECT GET_LOCK('dt_visits_flush', 5)", {}, &row, &found));
  if (row.Int(0) != 1) return Status::Unavailable("visits: flush lock busy");
  struct Release {
    Db& db;
    ~Release() {
      Row r;
      bool f = false;
      db.QueryRow("SELECT RELEASE_LOCK('dt_visits_flush')", {}, &r, &f);
    }
  } release{db};
  RedisReply batch;
  RETURN_IF_ERROR(redis.Eval(kTake, {kQueue}, {std::to_string(max)}, &batch));
  if (batch.size() == 0) return Status::Ok();
  // The latest visit of each (user, visitor) pair in the batch.
  std::map<std::pair<int64_t, int64_t>, int64_t> latest;
  for (size_t i = 0; i < batch.size(); ++i) {
    const redisReply* e = batch.Element(i);
    std::string_view entry(e->str, e->len);
    size_t a = entry.find(':'), b = entry.rfind(':');
    int64_t user, viewer, when;
    if (a == b || !ParseInt64(entry.substr(0, a), &user) ||
        !ParseInt64(entry.substr(a + 1, b - a - 1), &viewer) ||
        !ParseInt64(entry.substr(b + 1), &when)) {
      continue;
    }
    int64_t& t = latest[{user, viewer}];
    t = std::max(t, when);
  }
  std::string rows = "[";
  for (const auto& [pair, when] : latest) {
    if (rows.size() > 1) rows += ',';
    rows += "[" + std::to_string(pair.first) + "," + std::to_string(pair.second) + "," +
            std::to_string(when) + "]";
  }
  rows += "]";
  // Accounts deleted meanwhile get no visits back.
  Status s = db.Exec(
      "INSERT INTO visitor (user_id, visitor_id, visit_time, status)"
      " SELECT j.u, j.v, FROM_UNIXTIME(j.t), 0 FROM JSON_TABLE(?, '$[*]' COLUMNS"
      " (u INT UNSIGNED PATH '$[0]', v INT UNSIGNED PATH '$[1]', t BIGINT PATH '$[2]')) AS j"
      " JOIN user_info a ON a.id = j.u AND a.status <> 'deleted'"
      " JOIN user_info b ON b.id = j.v AND b.status <> 'deleted'"
      " ON DUPLICATE KEY UPDATE visit_time = GREATEST(visitor.visit_time, VALUES(visit_time)),"
      " status = 0",
      {rows});
  if (!s.ok()) {
    // Back to the queue for the next try (the flush keeps the latest time of a pair).
    std::vector<std::string> entries;
    for (size_t i = 0; i < batch.size(); ++i)
      entries.emplace_back(batch.Element(i)->str, batch.Element(i)->len);
    std::vector<std::string_view> argv = {"RPUSH", kQueue};
    argv.insert(argv.end(), entries.begin(), entries.end());
    RedisReply back;
    if (!redis.CommandArgv(argv, &back).ok()) LogError("visits: %zu visits lost", entries.size());
  }
  return s;
}

}  // namespace dt
