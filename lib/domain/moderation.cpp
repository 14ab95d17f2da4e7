// Review, clear and ban.
#include "lib/domain/moderation.h"

#include "lib/core/log.h"

#include "lib/domain/hot.h"
#include "lib/domain/profile.h"
#include "lib/domain/session.h"

namespace dt {

Status AfterStatusChange(Db& db, Redis& redis, int64_t user, int64_t now) {
  RETURN_IF_ERROR(InvalidateProfile(redis, user));
  Row row;
  bool found = false;
  RETURN_IF_ERROR(
      db.QueryRow("SELECT authority = 1 AND status = 'active' FROM user_info WHERE id = ?", {user},
                  &row, &found));
  return HotSetVisible(redis, user, found && row.Int(0) == 1, now);
}

Status ReviewIfReported(Db& db, Redis& redis, int64_t user, const ReviewRule& rule, int64_t now,
                        bool* now_under_review) {
  *now_under_review = false;
  // The open reports whose reporter is established: old enough, and with a match or
  // enough messages sent (the contact rows count them).
  Row count;
  bool found = false;
  RETURN_IF_ERROR(db.QueryRow(
      "SELECT COUNT(*) FROM user_report r JOIN user_info u ON u.id = r.reporter_id"
      " WHERE r.reported_id = ? AND r.handled = 0 AND u.create_time <= FROM_UNIXTIME(?) - INTERVAL "
      "? DAY"
      " AND (EXISTS (SELECT 1 FROM user_like a JOIN user_like b ON b.user_id = a.peer_id"
      "              AND b.peer_id = a.user_id AND b.action >= 1 WHERE a.user_id = r.reporter_id "
      "AND a.action >= 1)"
      "      OR (SELECT COALESCE(SUM(c.sent), 0) FROM contacts c WHERE c.user_id = r.reporter_id) "
      ">= ?)",
      {user, now, int64_t{rule.reporter_days}, int64_t{rule.reporter_messages}}, &count, &found));
  if (count.Int(0) < rule.threshold) return Status::Ok();
  uint64_t changed = 0;
  RETURN_IF_ERROR(
      db.Exec("UPDATE user_info SET status = 'review' WHERE id = ? AND status = 'active'", {user},
              &changed));
  *now_under_review = changed == 1;
  if (!*now_under_review) return Status::Ok();
  return AfterStatusChange(db, redis, user, now);
}

Status ListUnderReview(Db& db, std::vector<UnderReview>* out) {
  std::vector<Row> rows;
  RETURN_IF_ERROR(
      db.Query("SELECT u.id, u.nickname, COUNT(r.id) FROM user_info u"
               " LEFT JOIN user_report r ON r.reported_id = u.id AND r.handled = 0"
               " WHERE u.status = 'review' GROUP BY u.id, u.nickname ORDER BY u.id",
               {}, &rows));
  for (const Row& r : rows) out->push_back({r.Int(0), r.Str(1), r.Int(2)});
  return Status::Ok();
}

Status ClearReview(Db& db, Redis& redis, int64_t user, int64_t now) {
  uint64_t changed = 0;
  RETURN_IF_ERROR(InTransaction(db, [&]() -> Status {
    RETURN_IF_ERROR(
        db.Exec("UPDATE user_info SET status = 'active' WHERE id = ? AND status = 'review'", {user},
                &changed));
    if (changed == 0) return Status::Error(kNotFound, "user is not under review.");
    return db.Exec("UPDATE user_report SET handled = 1 WHERE reported_id = ?", {user});
  }));
  return AfterStatusChange(db, redis, user, now);
}

Status Ban(Db& db, Redis& redis, int64_t user, int64_t now) {
  uint64_t changed = 0;
  RETURN_IF_ERROR(InTransaction(db, [&]() -> Status {
    RETURN_IF_ERROR(
        db.Exec("UPDATE user_info SET status = 'banned' WHERE id = ? AND status <> 'deleted'",
                {user}, &changed));
    if (changed == 0) {
      Row row;
      bool found = false;
      RETURN_IF_ERROR(
          db.QueryRow("SELECT status FROM user_info WHERE id = ?", {user}, &row, &found));
      if (!found || row.Str(0) == "deleted") return Status::Error(kNotFound, "no such user.");
    }
    return Status::Ok();
  }));
  // Every session ends at once (a banned user cannot log in again).
  RETURN_IF_ERROR(EndSessions(db, redis, user, 0, 0));
  return AfterStatusChange(db, redis, user, now);
}

int CountWords(Redis& redis, const Config& config, const char* kind, std::string_view text) {
  if (!config.words || text.empty()) return 0;
  const int n = config.words->Count(text);
  if (n == 0) return 0;
  RedisReply reply;
  Status s = redis.CommandArgv({"HINCRBY", "dt:words:hits", kind, std::to_string(n)}, &reply);
  if (!s.ok()) LogError("words: %d %s match(es) not counted: %s", n, kind, s.msg().c_str());
  return n;
}

}  // namespace dt
