// Safety (API.md "Safety and matching"): block, unblock, the block list, report. What a
// block or a report hides is decided in lib/domain/visibility.cpp, for every route at once.
#include <algorithm>

#include "handlers/handlers.h"
#include "lib/core/args.h"
#include "lib/core/context.h"
#include "lib/core/utf8.h"
#include "lib/domain/guard.h"
#include "lib/domain/moderation.h"
#include "lib/domain/visibility.h"

namespace dt {
namespace {

// peerId: another user that exists (deleted accounts do not).
Status RequirePeer(RequestContext& ctx, int64_t* peer) {
  *peer = ctx.args.Int("peerId");
  Row row;
  bool found = false;
  RETURN_IF_ERROR(
      ctx.db.QueryRow("SELECT status FROM user_info WHERE id = ?", {*peer}, &row, &found));
  if (!found || row.Str(0) == "deleted") return Status::Error(kNoUser);
  return Status::Ok();
}

Reply HandleBlock(RequestContext& ctx) {
  int64_t peer;
  RETURN_IF_ERROR(RequirePeer(ctx, &peer));
  RETURN_IF_ERROR(
      ctx.db.Exec("INSERT IGNORE INTO user_block (user_id, blocked_id, create_time) VALUES (?, ?, "
                  "FROM_UNIXTIME(?))",
                  {ctx.user_id, peer, ctx.clock().NowSeconds()}));
  RETURN_IF_ERROR(InvalidateHidden(ctx.redis, ctx.user_id));
  RETURN_IF_ERROR(InvalidateHidden(ctx.redis, peer));
  return Reply::Ok();
}

Reply HandleUnblock(RequestContext& ctx) {
  int64_t peer;
  RETURN_IF_ERROR(RequirePeer(ctx, &peer));
  RETURN_IF_ERROR(ctx.db.Exec("DELETE FROM user_block WHERE user_id = ? AND blocked_id = ?",
                              {ctx.user_id, peer}));
  RETURN_IF_ERROR(InvalidateHidden(ctx.redis, ctx.user_id));
  RETURN_IF_ERROR(InvalidateHidden(ctx.redis, peer));
  return Reply::Ok();
}

Reply HandleBlockList(RequestContext& ctx) {
  const Page page = PageOf(ctx.args);
  std::vector<Row> rows;
  RETURN_IF_ERROR(
      ctx.db.Query("SELECT b.blocked_id, u.nickname, u.avatar, b.create_time, u.status, u.authority"
                   " FROM user_block b JOIN user_info u ON u.id = b.blocked_id WHERE b.user_id = ?"
                   " ORDER BY b.create_time DESC, b.blocked_id DESC LIMIT ? OFFSET ?",
                   {ctx.user_id, page.limit(), page.offset()}, &rows));
  return PageReply(page, rows, [&](const Row& r, JsonWriter& list) {
    // The blocker sees whom they blocked, to unblock them, but no more of a profile than
    // anyone may (the one rule of lib/domain/visibility.h): a hidden, banned or deleted
    // user shows the placeholder.
    bool shown = false;
    RETURN_IF_ERROR(ListedFieldsVisible(ctx.db, r.Str(4), static_cast<int>(r.Int(5)), r.Int(0),
                                        ctx.user_id, &shown));
    list.Object().Int("user_id", r.Int(0));
    list.Str("nickname", shown ? r.Str(1) : kPlaceholderNickname)
        .Str("avatar", shown ? r.Str(2) : "");
    list.Str("block_time", r.Str(3)).End();
    return Status::Ok();
  });
}

Reply HandleReport(RequestContext& ctx) {
  int64_t peer;
  RETURN_IF_ERROR(RequirePeer(ctx, &peer));
  const std::string& reason = ctx.args.Text("reason");
  const std::string& detail = ctx.args.Text("detail");
  const int64_t now = ctx.clock().NowSeconds();
  // Kept as written (the operator reads what happened), counted.
  CountWords(ctx.redis, ctx.config(), "report", detail);
  // One report per pair: a repeat replaces it and counts again if it had been handled.
  RETURN_IF_ERROR(ctx.db.Exec(
      "INSERT INTO user_report (reporter_id, reported_id, reason, detail, handled, create_time, "
      "update_time)"
      " VALUES (?, ?, ?, ?, 0, FROM_UNIXTIME(?), FROM_UNIXTIME(?)) ON DUPLICATE KEY UPDATE"
      " reason = VALUES(reason), detail = VALUES(detail), handled = 0, update_time = "
      "VALUES(update_time)",
      {ctx.user_id, peer, reason, detail, now, now}));
  RETURN_IF_ERROR(InvalidateHidden(ctx.redis, ctx.user_id));
  bool under_review = false;
  const Config& c = ctx.config();
  RETURN_IF_ERROR(ReviewIfReported(
      ctx.db, ctx.redis, peer, {c.report_threshold, c.reporter_min_days, c.reporter_min_messages},
      now, &under_review));
  return Reply::Ok();
}

}  // namespace

std::vector<Route> SafetyRoutes() {
  return {
      Post("/api/user/block", HandleBlock).Auth(kAppToken).Accepts({IdArg("peerId").NotCaller()}),
      Post("/api/user/unblock", HandleUnblock)
          .Auth(kAppToken)
          .Accepts({IdArg("peerId").NotCaller()}),
      Get("/api/user/block/list", HandleBlockList).Auth(kAppToken).Paged(50, 20),
      Post("/api/user/report", HandleReport)
          .Auth(kAppToken)
          .Accepts({IdArg("peerId").NotCaller(),
                    TextArg("reason").OneOf(
                        {"spam", "fake", "harassment", "inappropriate", "underage", "other"}),
                    TextArg("detail").Optional().MaxLength(500)})
          .Rate(RateClass::kReport),
  };
}

}  // namespace dt
