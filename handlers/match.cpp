// Matching (API.md "Safety and matching", "Discovery"): like, superlike or pass on a peer
// (within the daily quotas), the matches (likes answered by likes), which get a
// conversation at once, who liked me, and a VIP's rewind of a pass.
#include "handlers/handlers.h"
#include "lib/core/args.h"
#include "lib/core/context.h"
#include "lib/core/log.h"
#include "lib/domain/discovery.h"
#include "lib/domain/guard.h"
#include "lib/domain/profile.h"
#include "lib/domain/push.h"
#include "lib/domain/visibility.h"
#include "lib/outbound/events.h"

namespace dt {
namespace {

// user_like.action of an action parameter.
constexpr int kPass = 0, kLike = 1, kSuperlike = 2;

Reply HandleLike(RequestContext& ctx) {
  const int64_t peer = ctx.args.Int("peerId");
  const int64_t now = ctx.clock().NowSeconds();
  // Only someone the caller may see can be liked: blocks and reports leave no trace.
  ProfileRecord record;
  RETURN_IF_ERROR(LoadVisibleProfile(ctx, peer, &record));

  const std::string action_name(ctx.args.Text("action"));
  const int action = action_name == "superlike" ? kSuperlike
                     : action_name == "like"    ? kLike
                                                : kPass;
  // The quotas first (a like past them changes nothing), for what would be new: a like
  // of someone not liked now, a superlike of someone not superliked. What turns out not
  // to count after all (a parallel request changed the pair first) is given back below.
  LikeClaim claim;
  if (action != kPass) {
    Row row;
    bool found = false;
    RETURN_IF_ERROR(
        ctx.db.QueryRow("SELECT action FROM user_like WHERE user_id = ? AND peer_id = ?",
                        {ctx.user_id, peer}, &row, &found));
    const int now_action = found ? static_cast<int>(row.Int(0)) : -1;
    bool vip = false;
    RETURN_IF_ERROR(UserIsVip(ctx.db, ctx.redis, ctx.config(), ctx.user_id, now, &vip));
    RETURN_IF_ERROR(TakeLikeQuota(ctx.redis, ctx.config(), ctx.user_id, peer, now_action < kLike,
                                  action == kSuperlike && now_action != kSuperlike, vip,
                                  static_cast<int64_t>(ctx.clock().Now() * 1000), &claim));
  }
  bool matched = false;
  int before = -1;       // the pair's action before, -1: none
  uint64_t changed = 0;  // 0: the same action again (a match said before is not news)
  Status s = InTransaction(ctx.db, [&]() -> Status {
    before = -1;
    changed = 0;
    matched = false;
    // A new pair is a plain insert (no gap lock, so parallel likes of different people
    // never wait on each other); an existing one is locked and changed if need be. A like
    // of someone superliked keeps the superlike.
    RETURN_IF_ERROR(
        ctx.db.Exec("INSERT IGNORE INTO user_like (user_id, peer_id, action, update_time)"
                    " VALUES (?, ?, ?, FROM_UNIXTIME(?))",
                    {ctx.user_id, peer, int64_t{action}, now}, &changed));
    if (changed == 0) {
      Row row;
      bool found = false;
      RETURN_IF_ERROR(ctx.db.QueryRow(
          "SELECT action FROM user_like WHERE user_id = ? AND peer_id = ? FOR UPDATE",
          {ctx.user_id, peer}, &row, &found));
      before = found ? static_cast<int>(row.Int(0)) : -1;
      const int after = action == kLike && before == kSuperlike ? kSuperlike : action;
      if (after != before) {
        RETURN_IF_ERROR(
            ctx.db.Exec("UPDATE user_like SET action = ?, update_time = FROM_UNIXTIME(?)"
                        " WHERE user_id = ? AND peer_id = ?",
                        {int64_t{after}, now, ctx.user_id, peer}, &changed));
      }
    }
    if (action == kPass) return Status::Ok();
    Row row;
    RETURN_IF_ERROR(ctx.db.QueryRow(
        "SELECT 1 FROM user_like WHERE user_id = ? AND peer_id = ? AND action >= 1 FOR UPDATE",
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
  });
  if (!s.ok()) {
    ReturnLikeQuota(ctx.redis, claim, true, true);
    return s;
  }
  // A like counts once per person liked (a pass in between starts again), a superlike
  // once per person superliked.
  const bool like_counted = before < kLike, superlike_counted = before != kSuperlike;
  if (!like_counted || !superlike_counted) {
    ReturnLikeQuota(ctx.redis, claim, !like_counted, !superlike_counted);
    if (!like_counted) claim.likes_left = -1;
    if (!superlike_counted) claim.superlikes_left = -1;
  }
  RETURN_IF_ERROR(InvalidateHidden(ctx.redis, ctx.user_id));  // a pass hides, a like unhides
  // The caller's deck pool knows no like made after it was built; the peer's pool must put
  // a new superliker first (lib/domain/discovery.h).
  if (action != kPass) RETURN_IF_ERROR(RememberLiked(ctx.redis, ctx.config(), ctx.user_id, peer));
  if (action == kSuperlike) RETURN_IF_ERROR(DropDeckPool(ctx.redis, peer));
  const bool new_match = matched && before < kLike;
  if (new_match) {  // both learn it live (the like's answer tells the caller too)
    for (const auto& [user, other] : {std::pair{peer, ctx.user_id}, std::pair{ctx.user_id, peer}}) {
      JsonWriter event;
      event.Str("type", "match").Int("peer", other);
      QueueEvent(ctx.config(), user, "match", event.Close());
      Status queued = QueuePush(ctx.redis, ctx.config(), user, {"match", other, "", ""},
                                static_cast<int64_t>(ctx.clock().Now() * 1000));
      if (!queued.ok())
        LogError("push: not queued for user %lld: %s", static_cast<long long>(user),
                 queued.msg().c_str());
    }
  }
  JsonWriter data;
  data.Bool("matched", matched);
  if (claim.likes_left >= 0) {
    data.Int("likes_left", claim.likes_left);
  } else {
    data.Null("likes_left");  // not counted: a pass, a VIP's, the same person again
  }
  if (claim.superlikes_left >= 0) data.Int("superlikes_left", claim.superlikes_left);
  return Reply::Ok(data);
}

// A VIP takes back their last pass of the last 24 hours: that person may appear again.
Reply HandleRewind(RequestContext& ctx) {
  const int64_t now = ctx.clock().NowSeconds();
  bool vip = false;
  RETURN_IF_ERROR(UserIsVip(ctx.db, ctx.redis, ctx.config(), ctx.user_id, now, &vip));
  if (!vip) return Status::Error(kVipRequired, "vip required.");
  int64_t peer = 0;
  RETURN_IF_ERROR(InTransaction(ctx.db, [&]() -> Status {
    Row row;
    bool found = false;
    RETURN_IF_ERROR(ctx.db.QueryRow(
        "SELECT peer_id FROM user_like WHERE user_id = ? AND action = 0"
        " AND update_time >= FROM_UNIXTIME(?) ORDER BY update_time DESC, peer_id DESC LIMIT 1"
        " FOR UPDATE",
        {ctx.user_id, now - 86400}, &row, &found));
    if (!found) return Status::Error(kNotFound, "nothing to rewind.");
    peer = row.Int(0);
    return ctx.db.Exec("DELETE FROM user_like WHERE user_id = ? AND peer_id = ? AND action = 0",
                       {ctx.user_id, peer});
  }));
  RETURN_IF_ERROR(InvalidateHidden(ctx.redis, ctx.user_id));  // the pass hid them
  RETURN_IF_ERROR(DropDeckPool(ctx.redis, ctx.user_id));      // and the pool left them out
  JsonWriter data;
  data.Int("peer_id", peer);
  return Reply::Ok(data);
}

// Who liked the caller and has no answer yet (the caller neither liked nor passed them):
// people the caller may see, newest first. A VIP gets them; anyone else their number.
// (binds: caller, caller, hidden ids)
#define DT_SQL_LIKES_RECEIVED                                                                 \
  " FROM user_like l JOIN user_info u ON u.id = l.user_id AND u.status = 'active'"            \
  " AND u.authority <> 0 WHERE l.peer_id = ? AND l.action >= 1"                               \
  " AND NOT EXISTS (SELECT 1 FROM user_like m WHERE m.user_id = ? AND m.peer_id = l.user_id)" \
  " AND " DT_SQL_NOT_HIDDEN("l.user_id")

Reply HandleLikesReceived(RequestContext& ctx) {
  const Page page = PageOf(ctx.args);
  const int64_t now = ctx.clock().NowSeconds();
  HiddenSet hidden;
  RETURN_IF_ERROR(LoadHidden(ctx, HiddenScope::kListings, &hidden));
  const std::string hidden_ids = hidden.json();
  ProfileRecord own;
  bool found = false;
  RETURN_IF_ERROR(LoadOwnProfile(ctx, &own, &found));
  if (!found) return Status::Error(kNoUser);
  // A VIP's page carries the counts in each row (one statement: MariaDB plans every
  // execution anew, and planning costs as much as running this one); a page past the end,
  // and a non-VIP, count alone.
  const bool vip = own.vip_deadline > now;
  std::vector<Row> rows;
  if (vip) {
    RETURN_IF_ERROR(ctx.db.Query(
        "SELECT l.user_id, l.action, l.update_time, COUNT(*) OVER (), SUM(l.action = 2) OVER "
        "()" DT_SQL_LIKES_RECEIVED " ORDER BY l.update_time DESC, l.user_id DESC LIMIT ? OFFSET ?",
        {ctx.user_id, ctx.user_id, hidden_ids, page.limit(), page.offset()}, &rows));
  }
  int64_t count = 0, superlikes = 0;
  if (!rows.empty()) {
    count = rows[0].Int(3);
    superlikes = rows[0].Int(4);
  } else if (!vip || page.offset() > 0) {
    Row counts;
    RETURN_IF_ERROR(
        ctx.db.QueryRow("SELECT COUNT(*), COALESCE(SUM(l.action = 2), 0)" DT_SQL_LIKES_RECEIVED,
                        {ctx.user_id, ctx.user_id, hidden_ids}, &counts, &found));
    count = counts.Int(0);
    superlikes = counts.Int(1);
  }
  JsonWriter data;
  data.Int("count", count).Int("superlikes", superlikes);
  if (!vip) return Reply::Ok(data);
  std::vector<int64_t> ids;
  for (const Row& r : rows) ids.push_back(r.Int(0));
  std::unordered_map<int64_t, ProfileRecord> records;
  RETURN_IF_ERROR(
      LoadProfiles(ctx.db, ctx.redis, ctx.config(), ids, &records, ProfileParts::kCard));
  return PageReply(
      page, rows,
      [&](const Row& r, JsonWriter& list) {
        auto it = records.find(r.Int(0));
        if (it == records.end()) return Status::Ok();  // gone between the two reads
        list.Object();
        WriteProfile(it->second, ProfileView::kListItem, now, &list);
        list.Bool("superlike", r.Int(1) == kSuperlike).Str("liked_at", r.Str(2)).End();
        return Status::Ok();
      },
      std::move(data));
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
      " JOIN user_like b ON b.user_id = a.peer_id AND b.peer_id = a.user_id AND b.action >= 1"
      " JOIN user_info u ON u.id = a.peer_id AND u.status = 'active' AND u.authority <> 0"
      " WHERE a.user_id = ? AND a.action >= 1"
      " AND " DT_SQL_NOT_HIDDEN(
          "a.peer_id") " ORDER BY matched_at DESC, a.peer_id DESC LIMIT ? OFFSET ?",
      {ctx.user_id, hidden.json(), page.limit(), page.offset()}, &rows));
  std::vector<int64_t> ids;
  for (const Row& r : rows) ids.push_back(r.Int(0));
  std::unordered_map<int64_t, ProfileRecord> records;
  RETURN_IF_ERROR(
      LoadProfiles(ctx.db, ctx.redis, ctx.config(), ids, &records, ProfileParts::kCard));
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
          .Accepts(
              {IdArg("peerId").NotCaller(), TextArg("action").OneOf({"like", "pass", "superlike"})})
          .Rate(RateClass::kLike)
          .Preload({&kHiddenPreload}),
      Post("/api/user/rewind", HandleRewind).Auth(kAppToken).Rate(RateClass::kLike),
      Get("/api/user/likes/received", HandleLikesReceived)
          .Auth(kAppToken)
          .Paged(50, 20)
          .Preload({&kProfilePreload, &kHiddenPreload}),
      Get("/api/user/match/list", HandleMatches)
          .Auth(kAppToken)
          .Paged(50, 20)
          .Preload({&kHiddenPreload}),
  };
}

}  // namespace dt
