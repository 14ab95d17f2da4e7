// Review, clear and ban.
#include "lib/domain/moderation.h"

#include <algorithm>

#include "lib/core/clock.h"
#include "lib/core/json_writer.h"

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

namespace {

// A user's moderated state, as the audit log keeps it (with the decision's reason, if any).
struct UserState {
  std::string status;
  int64_t ban_until = 0;  // 0: none or for good
  std::string Json(const std::string& reason = "") const {
    JsonWriter w;
    w.Str("status", status);
    if (ban_until > 0) {
      w.Str("ban_until", FormatUtc(ban_until));
    } else {
      w.Null("ban_until");
    }
    if (!reason.empty()) w.Str("reason", reason);
    return w.Close();
  }
};

// The user's state, locked for the transaction's change: 508 for no such (or a deleted) user.
Status LockUser(Db& db, int64_t user, UserState* out) {
  Row row;
  bool found = false;
  RETURN_IF_ERROR(
      db.QueryRow("SELECT status, COALESCE(UNIX_TIMESTAMP(ban_until), 0) FROM user_info WHERE id = "
                  "? FOR UPDATE",
                  {user}, &row, &found));
  if (!found || row.Str(0) == "deleted") return Status::Error(kNotFound, "no such user.");
  out->status = row.Str(0);
  out->ban_until = row.Int(1);
  return Status::Ok();
}

// Sets the user's status (and ban end, 0: none) and audits the change, in one transaction;
// `allowed` says from which statuses (508 otherwise, with `refusal`).
Status ChangeStatus(Db& db, const Actor& actor, const char* action, int64_t user,
                    const std::vector<std::string>& allowed, const char* refusal,
                    const std::string& to, int64_t ban_until, const std::string& reason,
                    bool handle_reports, int64_t now) {
  return InTransaction(db, [&]() -> Status {
    UserState before;
    RETURN_IF_ERROR(LockUser(db, user, &before));
    if (std::find(allowed.begin(), allowed.end(), before.status) == allowed.end()) {
      return Status::Error(kNotFound, refusal);
    }
    RETURN_IF_ERROR(
        db.Exec("UPDATE user_info SET status = ?, ban_until = IF(? = 0, NULL, FROM_UNIXTIME(?)) "
                "WHERE id = ?",
                {to, ban_until, ban_until, user}));
    if (handle_reports) {
      RETURN_IF_ERROR(db.Exec("UPDATE user_report SET handled = 1 WHERE reported_id = ?", {user}));
    }
    const UserState after{to, ban_until};
    return Audit(db, actor, action, "user", user, before.Json(), after.Json(reason), now);
  });
}

}  // namespace

Status Audit(Db& db, const Actor& actor, const char* action, const char* target_type,
             int64_t target_id, const std::string& before, const std::string& after, int64_t now) {
  return db.Exec(
      "INSERT INTO audit_log (operator_id, actor, action, target_type, target_id, before_state,"
      " after_state, client_ip, create_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, FROM_UNIXTIME(?))",
      {actor.operator_id > 0 ? Arg(actor.operator_id) : Arg(nullptr), actor.name,
       std::string(action), std::string(target_type), target_id, before, after, actor.ip, now});
}

Status WarnUser(Db& db, Redis& redis, const Actor& actor, int64_t user, const std::string& reason,
                int64_t now) {
  RETURN_IF_ERROR(InTransaction(db, [&]() -> Status {
    UserState state;
    RETURN_IF_ERROR(LockUser(db, user, &state));
    Row count;
    bool found = false;
    RETURN_IF_ERROR(
        db.QueryRow("SELECT COUNT(*) FROM user_warning WHERE user_id = ?", {user}, &count, &found));
    RETURN_IF_ERROR(db.Exec(
        "INSERT INTO user_warning (user_id, reason, operator_id, create_time)"
        " VALUES (?, ?, ?, FROM_UNIXTIME(?))",
        {user, reason, actor.operator_id > 0 ? Arg(actor.operator_id) : Arg(nullptr), now}));
    JsonWriter before, after;
    before.Int("warnings", count.Int(0));
    after.Int("warnings", count.Int(0) + 1).Str("reason", reason);
    return Audit(db, actor, "user.warn", "user", user, before.Close(), after.Close(), now);
  }));
  return InvalidateProfile(redis, user);  // the owner's profile shows the warning
}

Status HideUser(Db& db, Redis& redis, const Actor& actor, int64_t user, const std::string& reason,
                int64_t now) {
  RETURN_IF_ERROR(ChangeStatus(db, actor, "user.hide", user, {"active"}, "user is not active.",
                               "review", 0, reason, false, now));
  return AfterStatusChange(db, redis, user, now);
}

Status BanUser(Db& db, Redis& redis, const Actor& actor, int64_t user, int days,
               const std::string& reason, int64_t now) {
  const int64_t until = days > 0 ? now + int64_t{days} * 86400 : 0;
  RETURN_IF_ERROR(ChangeStatus(db, actor, "user.ban", user, {"active", "review", "banned"},
                               "no such user.", "banned", until, reason, true, now));
  // Every session ends at once (a banned user cannot log in again).
  RETURN_IF_ERROR(EndSessions(db, redis, user, 0, 0));
  return AfterStatusChange(db, redis, user, now);
}

Status ClearUser(Db& db, Redis& redis, const Actor& actor, int64_t user, int64_t now) {
  RETURN_IF_ERROR(InTransaction(db, [&]() -> Status {
    UserState before;
    RETURN_IF_ERROR(LockUser(db, user, &before));
    Row open;
    bool found = false;
    RETURN_IF_ERROR(
        db.QueryRow("SELECT COUNT(*) FROM user_report WHERE reported_id = ? AND handled = 0",
                    {user}, &open, &found));
    if (before.status != "review" && open.Int(0) == 0) {
      return Status::Error(kNotFound, "user is not under review and has no open reports.");
    }
    const std::string to = before.status == "review" ? "active" : before.status;
    RETURN_IF_ERROR(db.Exec("UPDATE user_info SET status = ? WHERE id = ?", {to, user}));
    RETURN_IF_ERROR(db.Exec("UPDATE user_report SET handled = 1 WHERE reported_id = ?", {user}));
    JsonWriter b, a;
    b.Str("status", before.status).Int("open_reports", open.Int(0));
    a.Str("status", to).Int("open_reports", 0);
    return Audit(db, actor, "user.clear", "user", user, b.Close(), a.Close(), now);
  }));
  return AfterStatusChange(db, redis, user, now);
}

Status UnbanUser(Db& db, Redis& redis, const Actor& actor, int64_t user, int64_t now) {
  RETURN_IF_ERROR(ChangeStatus(db, actor, "user.unban", user, {"banned"}, "user is not banned.",
                               "active", 0, "", false, now));
  return AfterStatusChange(db, redis, user, now);
}

Status LiftExpiredBans(Db& db, Redis& redis, int64_t now, int* lifted) {
  *lifted = 0;
  std::vector<Row> rows;
  RETURN_IF_ERROR(
      db.Query("SELECT id FROM user_info WHERE status = 'banned' AND ban_until <= FROM_UNIXTIME(?) "
               "LIMIT 100",
               {now}, &rows));
  const Actor expiry{0, "expiry", ""};
  for (const Row& r : rows) {
    Status s = UnbanUser(db, redis, expiry, r.Int(0), now);
    if (s.code() == kNotFound) continue;  // lifted or changed meanwhile
    RETURN_IF_ERROR(s);
    ++*lifted;
  }
  return Status::Ok();
}

Status ListReported(Db& db, const Page& page, int reporter_days, std::vector<ReportedUser>* out) {
  std::vector<Row> rows;
  RETURN_IF_ERROR(db.Query(
      "SELECT u.id, u.nickname, u.avatar, u.status, COUNT(*), MIN(r.create_time),"
      " GROUP_CONCAT(r.reason ORDER BY r.reason SEPARATOR ','),"
      " SUBSTRING_INDEX(GROUP_CONCAT(IF(r.detail = '', NULL, REPLACE(r.detail, '\x1e', ' '))"
      "   ORDER BY r.id DESC SEPARATOR '\x1e'), '\x1e', 3),"
      " SUM(ru.create_time <= NOW() - INTERVAL ? DAY)"
      " FROM user_report r JOIN user_info u ON u.id = r.reported_id"
      " JOIN user_info ru ON ru.id = r.reporter_id"
      " WHERE r.handled = 0 AND u.status <> 'deleted'"
      " GROUP BY u.id, u.nickname, u.avatar, u.status ORDER BY MIN(r.create_time), u.id"
      " LIMIT ? OFFSET ?",
      {int64_t{reporter_days}, page.limit(), page.offset()}, &rows));
  for (const Row& r : rows) {
    ReportedUser u;
    u.user_id = r.Int(0);
    u.nickname = r.Str(1);
    u.avatar = r.Str(2);
    u.status = r.Str(3);
    u.reports = r.Int(4);
    u.first_report = r.Str(5);
    u.established = r.Int(8);
    for (size_t start = 0; start <= r.Str(6).size() && !r.Str(6).empty();) {
      size_t comma = std::min(r.Str(6).find(',', start), r.Str(6).size());
      const std::string reason = r.Str(6).substr(start, comma - start);
      if (u.reasons.empty() || u.reasons.back().first != reason) u.reasons.emplace_back(reason, 0);
      ++u.reasons.back().second;
      start = comma + 1;
    }
    for (size_t start = 0; !r.IsNull(7) && start < r.Str(7).size();) {
      size_t sep = std::min(r.Str(7).find('\x1e', start), r.Str(7).size());
      u.details.push_back(r.Str(7).substr(start, sep - start));
      start = sep + 1;
    }
    out->push_back(std::move(u));
  }
  return Status::Ok();
}

Status NotePhoto(Db& db, const std::string& url, int64_t owner, const char* used_as, int64_t now,
                 std::string* state) {
  RETURN_IF_ERROR(
      db.Exec("INSERT IGNORE INTO photo_review (url, owner_id, used_as, create_time)"
              " VALUES (?, ?, ?, FROM_UNIXTIME(?))",
              {url, owner, std::string(used_as), now}));
  Row row;
  bool found = false;
  RETURN_IF_ERROR(db.QueryRow("SELECT state FROM photo_review WHERE url = ?", {url}, &row, &found));
  *state = found ? row.Str(0) : "pending";
  return Status::Ok();
}

Status ListPendingPhotos(Db& db, const Page& page, std::vector<PendingPhoto>* out) {
  std::vector<Row> rows;
  RETURN_IF_ERROR(
      db.Query("SELECT p.id, p.owner_id, p.url, p.used_as, COALESCE(u.nickname, ''), p.create_time"
               " FROM photo_review p LEFT JOIN user_info u ON u.id = p.owner_id"
               " WHERE p.state = 'pending' ORDER BY p.id LIMIT ? OFFSET ?",
               {page.limit(), page.offset()}, &rows));
  for (const Row& r : rows) {
    out->push_back({r.Int(0), r.Int(1), r.Str(2), r.Str(3), r.Str(4), r.Str(5)});
  }
  return Status::Ok();
}

Status ReviewPhoto(Db& db, Redis& redis, const Actor& actor, int64_t photo_id, bool approve,
                   const std::string& reason, int64_t now) {
  std::vector<int64_t> touched;  // whose records show the photo
  RETURN_IF_ERROR(InTransaction(db, [&]() -> Status {
    touched.clear();
    Row row;
    bool found = false;
    RETURN_IF_ERROR(
        db.QueryRow("SELECT url, state, reason, owner_id FROM photo_review WHERE id = ? FOR UPDATE",
                    {photo_id}, &row, &found));
    if (!found) return Status::Error(kNotFound, "no such photo.");
    const std::string url = row.Str(0);
    const std::string to = approve ? "approved" : "rejected";
    std::vector<Row> users;
    RETURN_IF_ERROR(
        db.Query("SELECT id FROM user_info WHERE avatar = ? OR avatar_pending = ?"
                 " UNION SELECT user_id FROM user_album WHERE photo = ?",
                 {url, url, url}, &users));
    for (const Row& u : users) touched.push_back(u.Int(0));
    touched.push_back(row.Int(3));
    RETURN_IF_ERROR(
        db.Exec("UPDATE photo_review SET state = ?, reason = ?, operator_id = ?,"
                " review_time = FROM_UNIXTIME(?) WHERE id = ?",
                {to, approve ? std::string() : reason,
                 actor.operator_id > 0 ? Arg(actor.operator_id) : Arg(nullptr), now, photo_id}));
    if (approve) {  // a waiting avatar (pre) is the avatar now
      RETURN_IF_ERROR(
          db.Exec("UPDATE user_info SET avatar = avatar_pending, avatar_pending = '' WHERE "
                  "avatar_pending = ?",
                  {url}));
    } else {  // no one's avatar any more: it reverts to none
      RETURN_IF_ERROR(db.Exec("UPDATE user_info SET avatar = '' WHERE avatar = ?", {url}));
      RETURN_IF_ERROR(
          db.Exec("UPDATE user_info SET avatar_pending = '' WHERE avatar_pending = ?", {url}));
    }
    JsonWriter b, a;
    b.Str("state", row.Str(1)).Str("reason", row.Str(2));
    a.Str("state", to).Str("reason", approve ? "" : reason);
    return Audit(db, actor, approve ? "photo.approve" : "photo.reject", "photo", photo_id,
                 b.Close(), a.Close(), now);
  }));
  for (int64_t user : touched) RETURN_IF_ERROR(InvalidateProfile(redis, user));
  return Status::Ok();
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
