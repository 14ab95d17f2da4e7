// Matching (API.md "Safety and matching"): like or pass on a peer, and the matches (likes
// answered by likes), which get a conversation at once.
#include "handlers/handlers.h"
#include "lib/core/args.h"
#include "lib/core/context.h"
#include "lib/domain/guard.h"
#include "lib/domain/profile.h"
#include "lib/domain/visibility.h"
#include "lib/outbound/events.h"

namespace dt {
namespace {

Reply HandleLike(RequestContext& ctx) {
  const int64_t peer = ctx.args.Int("peerId");
  const int64_t now = ctx.clock().NowSeconds();
  // Only someone the caller may see can be liked: blocks and reports leave no trace.
  ProfileRecord record;
  RETURN_IF_ERROR(LoadVisibleProfile(ctx, peer, &record));

  const bool like = ctx.args.Text("action") == "like";
  bool matched = false;
  uint64_t changed = 0;  // 0: the same action again (a match said before is not news)
  RETURN_IF_ERROR(InTransaction(ctx.db, [&]() -> Status {
    RETURN_IF_ERROR(
        ctx.db.Exec("INSERT INTO user_like (user_id, peer_id, action, update_time) VALUES (?, ?, "
                    "?, FROM_UNIXTIME(?))"
                    " ON DUPLICATE KEY UPDATE update_time = IF(action = VALUES(action), "
                    "update_time, VALUES(update_time)),"
                    " action = VALUES(action)",
                    {ctx.user_id, peer, like ? 1 : 0, now}, &changed));
    if (!like) return Status::Ok();
    Row row;
    RETURN_IF_ERROR(ctx.db.QueryRow(
        "SELECT 1 FROM user_like WHERE user_id = ? AND peer_id = ? AND action = 1 FOR UPDATE",
        {peer, ctx.user_id}, &row, &matched));
    if (!matched) return Status::Ok();
    // A match opens the conversation on both sides (kept if it exists already).
    for (const auto& [user, other] : {std::pair{ctx.user_id, peer}, std::pair{peer, ctx.user_id}}) {
      RETURN_IF_ERROR(
          ctx.db.Exec("INSERT IGNORE INTO contacts (user_id, peer_id, creator_id, update_time, "
                      "create_time, last_msg)"
                      " VALUES (?, ?, ?, FROM_UNIXTIME(?), FROM_UNIXTIME(?), '')",
                      {user, other, ctx.user_id, now, now}));
    }
    return Status::Ok();
  }));
  RETURN_IF_ERROR(InvalidateHidden(ctx.redis, ctx.user_id));  // a pass hides, a like unhides
  if (matched && changed > 0) {  // both learn it live (the like's answer tells the caller too)
    for (const auto& [user, other] : {std::pair{peer, ctx.user_id}, std::pair{ctx.user_id, peer}}) {
      JsonWriter event;
      event.Str("type", "match").Int("peer", other);
      PublishEvent(ctx.config(), user, "match", event.Close());
    }
  }
  JsonWriter data;
  data.Bool("matched", matched);
  return Reply::Ok(data);
}

Reply HandleMatches(RequestContext& ctx) {
  const Page page = PageOf(ctx.args);
  const int64_t now = ctx.clock().NowSeconds();
  HiddenSet hidden;
  RETURN_IF_ERROR(LoadHidden(ctx, HiddenScope::kListings, &hidden));
  // A match shows the peer even with authority 2 (the peer has liked the caller), but
  // not a hidden (0), moderated or deleted one.
  std::vector<Row> rows;
  RETURN_IF_ERROR(ctx.db.Query(
      "SELECT a.peer_id, GREATEST(a.update_time, b.update_time) AS matched_at FROM user_like a"
      " JOIN user_like b ON b.user_id = a.peer_id AND b.peer_id = a.user_id AND b.action = 1"
      " JOIN user_info u ON u.id = a.peer_id AND u.status = 'active' AND u.authority <> 0"
      " WHERE a.user_id = ? AND a.action = 1"
      " AND " DT_SQL_NOT_HIDDEN(
          "a.peer_id") " ORDER BY matched_at DESC, a.peer_id DESC LIMIT ? OFFSET ?",
      {ctx.user_id, hidden.json(), page.limit(), page.offset()}, &rows));
  std::vector<int64_t> ids;
  for (const Row& r : rows) ids.push_back(r.Int(0));
  std::unordered_map<int64_t, ProfileRecord> records;
  RETURN_IF_ERROR(LoadProfiles(ctx.db, ctx.redis, ctx.config(), ids, &records));
  return PageReply(page, rows, [&](const Row& r, JsonWriter& list) {
    auto it = records.find(r.Int(0));
    if (it == records.end()) return Status::Ok();  // gone between the two reads
    list.Object();
    WriteProfile(it->second, ProfileView::kListItem, now, &list);
    list.Str("match_time", r.Str(1)).End();
    return Status::Ok();
  });
}

}  // namespace

std::vector<Route> MatchRoutes() {
  return {
      Post("/api/user/like", HandleLike)
          .Auth(kAppToken)
          .Accepts({IdArg("peerId").NotCaller(), TextArg("action").OneOf({"like", "pass"})})
          .Rate(RateClass::kLike)
          .Preload({&kHiddenPreload}),
      Get("/api/user/match/list", HandleMatches)
          .Auth(kAppToken)
          .Paged(50, 20)
          .Preload({&kHiddenPreload}),
  };
}

}  // namespace dt
