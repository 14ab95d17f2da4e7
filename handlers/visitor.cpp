// GET /api/visitor/list (API.md "Visitors"): who viewed me. A VIP gets the list, and the
// listed visits become read; anyone else gets 510 with the counts as a teaser.
#include "handlers/handlers.h"
#include "lib/core/args.h"
#include "lib/core/context.h"
#include "lib/domain/guard.h"
#include "lib/domain/profile.h"
#include "lib/domain/visibility.h"
#include "lib/domain/visits.h"

namespace dt {
namespace {

Reply HandleVisitors(RequestContext& ctx) {
  const Page page = PageOf(ctx.args);
  // The visits still queued count too; with Redis down they are counted once it is back.
  Status flushed = FlushVisits(ctx.db, ctx.redis);
  if (!flushed.ok() && flushed.code() != kUnavailable) return flushed;
  // Only visitors the caller may see count: a hidden, blocked or reported profile, or
  // one under review, leaves no trace here.
  HiddenSet hidden;
  RETURN_IF_ERROR(LoadHidden(ctx, HiddenScope::kListings, &hidden));
  const std::string hidden_ids = hidden.json();
  Row counts;
  bool found = false;
  // The visits listed, counted and paged (binds: caller, hidden ids).
#define DT_SHOWN_VISITS                                              \
  " FROM visitor v JOIN user_info u ON u.id = v.visitor_id"          \
  " WHERE v.user_id = ? AND u.authority = 1 AND u.status = 'active'" \
  " AND " DT_SQL_NOT_HIDDEN("v.visitor_id")
  RETURN_IF_ERROR(ctx.db.QueryRow("SELECT COUNT(*), COALESCE(SUM(v.status = 0), 0)" DT_SHOWN_VISITS,
                                  {ctx.user_id, hidden_ids}, &counts, &found));
  JsonWriter data;
  data.Int("total", counts.Int(0)).Int("unread", counts.Int(1));

  bool vip = false;
  RETURN_IF_ERROR(
      UserIsVip(ctx.db, ctx.redis, ctx.config(), ctx.user_id, ctx.clock().NowSeconds(), &vip));
  if (!vip) return Status::Error(kVipRequired, "vip required.", data.Close());

  std::vector<Row> rows;
  RETURN_IF_ERROR(ctx.db.Query(
      "SELECT v.visitor_id, u.nickname, u.avatar, v.visit_time, v.status" DT_SHOWN_VISITS
      " ORDER BY v.visit_time DESC, v.id DESC LIMIT ? OFFSET ?",
      {ctx.user_id, hidden_ids, page.limit(), page.offset()}, &rows));
#undef DT_SHOWN_VISITS
  std::vector<int64_t> unread;
  Reply reply = PageReply(
      page, rows,
      [&](const Row& r, JsonWriter& list) {
        list.Object().Int("visitor_id", r.Int(0)).Str("nickname", r.Str(1)).Str("avatar", r.Str(2));
        list.Str("visit_time", r.Str(3)).Int("status", r.Int(4)).End();  // as before this listing
        if (r.Int(4) == 0) unread.push_back(r.Int(0));
        return Status::Ok();
      },
      std::move(data));
  if (!unread.empty()) {
    RETURN_IF_ERROR(ctx.db.Exec(
        "UPDATE visitor v JOIN JSON_TABLE(?, '$[*]' COLUMNS (id INT UNSIGNED PATH '$')) AS j"
        " ON v.visitor_id = j.id SET v.status = 1 WHERE v.user_id = ? AND v.status = 0",
        {IdList(unread), ctx.user_id}));
  }
  return reply;
}

}  // namespace

std::vector<Route> VisitorRoutes() {
  return {
      Get("/api/visitor/list", HandleVisitors)
          .Auth(kAppToken)
          .Paged(50, 20)
          .Preload({&kHiddenPreload}),
  };
}

}  // namespace dt
