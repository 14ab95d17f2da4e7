// The operator API (docs/API.md "Operator API"): /api/admin/..., only on the operator
// address (lib/domain/operator.h), behind operators' own logins. The review queue (photos
// waiting, reported users), the decisions on them, users looked up, the audit log and the
// operators themselves. Every decision is one function of lib/domain/moderation.h, which
// dtadmin calls too, and each writes its audit row.
#include "handlers/handlers.h"
#include "lib/core/args.h"
#include "lib/core/context.h"
#include "lib/domain/moderation.h"
#include "lib/domain/operator.h"

namespace dt {
namespace {

Reply HandleLogin(RequestContext& ctx) {
  OperatorCaller op;
  std::string token;
  RETURN_IF_ERROR(OperatorLogin(ctx.db, ctx.redis, ctx.config(), ctx.args.Text("name"),
                                ctx.args.Text("password"), ctx.env.client_ip,
                                ctx.clock().NowSeconds(), &op, &token));
  JsonWriter data;
  data.Str("token", token).Str("name", op.name).Str("role", RoleName(op.role));
  data.Str("expires", FormatUtc(op.expires));
  return Reply::Ok(data);
}

Reply HandleLogout(RequestContext& ctx) {
  RETURN_IF_ERROR(OperatorLogout(ctx.db, ctx));
  return Reply::Ok();
}

Reply HandleMe(RequestContext& ctx) {
  JsonWriter data;
  data.Int("operator_id", ctx.op.id).Str("name", ctx.op.name).Str("role", RoleName(ctx.op.role));
  data.Str("expires", FormatUtc(ctx.op.expires));
  return Reply::Ok(data);
}

Reply HandlePhotos(RequestContext& ctx) {
  const Page page = PageOf(ctx.args);
  std::vector<PendingPhoto> photos;
  RETURN_IF_ERROR(ListPendingPhotos(ctx.db, page, &photos));
  JsonWriter data;
  data.Str("mode", ctx.config().photos);
  return PageReply(
      page, photos,
      [](const PendingPhoto& p, JsonWriter& list) {
        list.Object().Int("photo_id", p.photo_id).Str("url", p.url).Str("used_as", p.used_as);
        list.Int("owner_id", p.owner_id).Str("nickname", p.nickname);
        list.Str("create_time", p.create_time).End();
        return Status::Ok();
      },
      std::move(data));
}

Reply HandlePhotoReview(RequestContext& ctx) {
  const bool approve = ctx.args.Text("action") == "approve";
  const std::string& reason = ctx.args.Text("reason");
  if (!approve && reason.empty()) return MissingParam("reason");
  RETURN_IF_ERROR(ReviewPhoto(ctx.db, ctx.redis, ActorOf(ctx), ctx.args.Int("photoId"), approve,
                              reason, ctx.clock().NowSeconds()));
  return Reply::Ok();
}

Reply HandleReports(RequestContext& ctx) {
  const Page page = PageOf(ctx.args);
  std::vector<ReportedUser> users;
  RETURN_IF_ERROR(ListReported(ctx.db, page, ctx.config().reporter_min_days, &users));
  return PageReply(page, users, [](const ReportedUser& u, JsonWriter& list) {
    list.Object().Int("user_id", u.user_id).Str("nickname", u.nickname).Str("avatar", u.avatar);
    list.Str("status", u.status).Int("reports", u.reports).Int("established", u.established);
    list.Str("first_report", u.first_report).Array("reasons");
    for (const auto& [reason, count] : u.reasons) {
      list.Object().Str("reason", reason).Int("count", count).End();
    }
    list.End().Array("details");
    for (const std::string& d : u.details) list.Str(d);
    list.End().End();
    return Status::Ok();
  });
}

// A user as support sees them: the profile's fields, the moderated state, the counts.
#define DT_SQL_USER_LOOKUP                                                              \
  "SELECT id, nickname, phone, avatar, avatar_pending, status,"                         \
  " COALESCE(DATE_FORMAT(ban_until, '%Y-%m-%d %H:%i:%s'), ''), create_time,"            \
  " (SELECT COUNT(*) FROM user_report r WHERE r.reported_id = u.id AND r.handled = 0)," \
  " (SELECT COUNT(*) FROM user_warning w WHERE w.user_id = u.id),"                      \
  " (SELECT COUNT(*) FROM user_session s WHERE s.user_id = u.id) FROM user_info u WHERE "
constexpr const char* kUserById = DT_SQL_USER_LOOKUP "id = ?";
constexpr const char* kUserByPhone = DT_SQL_USER_LOOKUP "phone = ?";
#undef DT_SQL_USER_LOOKUP

Reply HandleUserShow(RequestContext& ctx) {
  int64_t user = ctx.args.Has("userId") ? ctx.args.Int("userId") : 0;
  if (ctx.args.Has("userId") == ctx.args.Has("phone")) {
    return Status::Error(kBadParam, "give one of userId and phone.");
  }
  Row row;
  bool found = false;
  RETURN_IF_ERROR(user > 0 ? ctx.db.QueryRow(kUserById, {user}, &row, &found)
                           : ctx.db.QueryRow(kUserByPhone, {ctx.args.Text("phone")}, &row, &found));
  if (!found) return Status::Error(kNoUser);
  JsonWriter data;
  data.Int("user_id", row.Int(0)).Str("nickname", row.Str(1)).Str("phone", row.Str(2));
  data.Str("avatar", row.Str(3)).Str("avatar_pending", row.Str(4)).Str("status", row.Str(5));
  data.Str("ban_until", row.Str(6)).Str("create_time", row.Str(7));
  data.Int("open_reports", row.Int(8)).Int("warnings", row.Int(9)).Int("sessions", row.Int(10));
  return Reply::Ok(data);
}

Reply HandleWarn(RequestContext& ctx) {
  RETURN_IF_ERROR(WarnUser(ctx.db, ctx.redis, ActorOf(ctx), ctx.args.Int("userId"),
                           ctx.args.Text("reason"), ctx.clock().NowSeconds()));
  return Reply::Ok();
}

Reply HandleHide(RequestContext& ctx) {
  RETURN_IF_ERROR(HideUser(ctx.db, ctx.redis, ActorOf(ctx), ctx.args.Int("userId"),
                           ctx.args.Text("reason"), ctx.clock().NowSeconds()));
  return Reply::Ok();
}

Reply HandleBan(RequestContext& ctx) {
  RETURN_IF_ERROR(BanUser(ctx.db, ctx.redis, ActorOf(ctx), ctx.args.Int("userId"),
                          static_cast<int>(ctx.args.Int("days")), ctx.args.Text("reason"),
                          ctx.clock().NowSeconds()));
  return Reply::Ok();
}

Reply HandleClear(RequestContext& ctx) {
  RETURN_IF_ERROR(
      ClearUser(ctx.db, ctx.redis, ActorOf(ctx), ctx.args.Int("userId"), ctx.clock().NowSeconds()));
  return Reply::Ok();
}

Reply HandleUnban(RequestContext& ctx) {
  RETURN_IF_ERROR(
      UnbanUser(ctx.db, ctx.redis, ActorOf(ctx), ctx.args.Int("userId"), ctx.clock().NowSeconds()));
  return Reply::Ok();
}

Reply HandleAudit(RequestContext& ctx) {
  const Page page = PageOf(ctx.args);
  const bool filtered = ctx.args.Has("targetType");
  if (filtered != ctx.args.Has("targetId")) {
    return Status::Error(kBadParam, "give targetType and targetId together.");
  }
  std::vector<Row> rows;
  RETURN_IF_ERROR(ctx.db.Query(
      "SELECT id, actor, action, target_type, target_id, before_state, after_state, client_ip,"
      " create_time FROM audit_log WHERE (? = 0 OR (target_type = ? AND target_id = ?))"
      " ORDER BY id DESC LIMIT ? OFFSET ?",
      {int64_t{filtered}, ctx.args.Text("targetType"), ctx.args.Int("targetId"), page.limit(),
       page.offset()},
      &rows));
  return PageReply(page, rows, [](const Row& r, JsonWriter& list) {
    list.Object().Int("audit_id", r.Int(0)).Str("actor", r.Str(1)).Str("action", r.Str(2));
    list.Str("target_type", r.Str(3)).Int("target_id", r.Int(4));
    list.Str("before", r.Str(5)).Str("after", r.Str(6)).Str("client_ip", r.Str(7));
    list.Str("create_time", r.Str(8)).End();
    return Status::Ok();
  });
}

Reply HandleOperators(RequestContext& ctx) {
  std::vector<Row> rows;
  RETURN_IF_ERROR(ctx.db.Query(
      "SELECT id, name, role, status, create_time FROM operator ORDER BY id", {}, &rows));
  JsonWriter data;
  data.Array("list");
  for (const Row& r : rows) {
    data.Object().Int("operator_id", r.Int(0)).Str("name", r.Str(1)).Str("role", r.Str(2));
    data.Str("status", r.Str(3)).Str("create_time", r.Str(4)).End();
  }
  data.End();
  return Reply::Ok(data);
}

Reply HandleOperatorAdd(RequestContext& ctx) {
  int64_t id = 0;
  RETURN_IF_ERROR(AddOperator(ctx.db, ctx.config(), ActorOf(ctx), ctx.args.Text("name"),
                              ctx.args.Text("role"), ctx.args.Text("password"),
                              ctx.clock().NowSeconds(), &id));
  JsonWriter data;
  data.Int("operator_id", id);
  return Reply::Ok(data);
}

Reply HandleOperatorDisable(RequestContext& ctx) {
  RETURN_IF_ERROR(
      DisableOperator(ctx.db, ActorOf(ctx), ctx.args.Text("name"), ctx.clock().NowSeconds()));
  return Reply::Ok();
}

// An operator's reason: shown to users (a rejected photo's) or kept in the audit log.
ArgSpec Reason() { return TextArg("reason").Length(1, 200).NoControls(); }

}  // namespace

std::vector<Route> AdminRoutes() {
  return {
      Post("/api/admin/login", HandleLogin)
          .Auth(kOperatorDoor)
          .Accepts({TextArg("name").Length(2, 32), TextArg("password").Length(1, 128)}),
      Post("/api/admin/logout", HandleLogout).Auth(kOperatorAny),
      Get("/api/admin/me", HandleMe).Auth(kOperatorAny),
      Get("/api/admin/photos", HandlePhotos).Auth(kOperatorReviewer).Paged(100, 50),
      Post("/api/admin/photo/review", HandlePhotoReview)
          .Auth(kOperatorReviewer)
          .Accepts({IdArg("photoId"), TextArg("action").OneOf({"approve", "reject"}),
                    TextArg("reason").MaxLength(200).NoControls().Optional()}),
      Get("/api/admin/reports", HandleReports).Auth(kOperatorReviewer).Paged(100, 50),
      Get("/api/admin/user", HandleUserShow)
          .Auth(kOperatorStaff)
          .Accepts({IdArg("userId").Optional(), TextArg("phone").Length(1, 32).Optional()}),
      Post("/api/admin/user/warn", HandleWarn)
          .Auth(kOperatorStaff)
          .Accepts({IdArg("userId"), Reason()}),
      Post("/api/admin/user/hide", HandleHide)
          .Auth(kOperatorReviewer)
          .Accepts({IdArg("userId"), Reason()}),
      Post("/api/admin/user/ban", HandleBan)
          .Auth(kOperatorReviewer)
          .Accepts({IdArg("userId"), IntArg("days", 0, 3650), Reason()}),
      Post("/api/admin/user/clear", HandleClear).Auth(kOperatorReviewer).Accepts({IdArg("userId")}),
      Post("/api/admin/user/unban", HandleUnban).Auth(kOperatorSupport).Accepts({IdArg("userId")}),
      Get("/api/admin/audit", HandleAudit)
          .Auth(kOperatorAdmin)
          .Accepts({TextArg("targetType").OneOf({"user", "photo", "operator"}).Optional(),
                    IdArg("targetId").Optional()})
          .Paged(100, 50),
      Get("/api/admin/operators", HandleOperators).Auth(kOperatorAdmin),
      Post("/api/admin/operator/add", HandleOperatorAdd)
          .Auth(kOperatorAdmin)
          .Accepts({TextArg("name").Length(2, 32),
                    TextArg("role").OneOf({"reviewer", "support", "admin"}),
                    TextArg("password").Length(12, 128)}),
      Post("/api/admin/operator/disable", HandleOperatorDisable)
          .Auth(kOperatorAdmin)
          .Accepts({TextArg("name").Length(2, 32)}),
  };
}

}  // namespace dt
