// The visibility rules of lib/domain/visibility.h.
#include "lib/domain/visibility.h"

#include <algorithm>

#include "lib/core/args.h"
#include "lib/domain/preload.h"
#include "lib/store/cache.h"

namespace dt {

bool HiddenSet::Contains(int64_t id) const {
  return std::binary_search(ids.begin(), ids.end(), id);
}

std::string HiddenKey(int64_t user) { return "dt:hidden:" + std::to_string(user); }
std::string HiddenVersionKey(int64_t user) { return "dt:hidden:ver:" + std::to_string(user); }

namespace {

// The cached value: comma-separated ids hidden in every listing, and "id:until" for
// passes, hidden from the hot list until that Unix time.
Status ReadHidden(Db& db, int64_t viewer, int64_t now, std::string* value) {
  std::vector<Row> rows;
  RETURN_IF_ERROR(db.Query(
      "SELECT blocked_id, 0 FROM user_block WHERE user_id = ?"
      " UNION ALL SELECT user_id, 0 FROM user_block WHERE blocked_id = ?"
      " UNION ALL SELECT reported_id, 0 FROM user_report WHERE reporter_id = ?"
      " UNION ALL SELECT peer_id, UNIX_TIMESTAMP(update_time) + ? FROM user_like"
      "  WHERE user_id = ? AND action = 0 AND update_time >= FROM_UNIXTIME(?)",
      {viewer, viewer, viewer, kPassHidesDays * 86400, viewer, now - kPassHidesDays * 86400},
      &rows));
  value->clear();
  for (const Row& r : rows) {
    if (!value->empty()) value->push_back(',');
    value->append(r.Str(0));
    if (r.Int(1) != 0) value->append(":").append(r.Str(1));
  }
  return Status::Ok();
}

}  // namespace

void DecodeHidden(const std::string& value, HiddenScope scope, int64_t now, HiddenSet* out) {
  out->ids.clear();
  size_t start = 0;
  while (start < value.size()) {
    size_t end = value.find(',', start);
    if (end == std::string::npos) end = value.size();
    const std::string_view entry(value.data() + start, end - start);
    const size_t colon = entry.find(':');
    int64_t id = 0, until = 0;
    ParseInt64(entry.substr(0, colon), &id);
    if (colon == std::string_view::npos) {
      out->ids.push_back(id);
    } else if (scope == HiddenScope::kHotList && ParseInt64(entry.substr(colon + 1), &until) &&
               until > now) {
      out->ids.push_back(id);
    }
    start = end + 1;
  }
  std::sort(out->ids.begin(), out->ids.end());
}

namespace {

bool HiddenCommand(const Args&, int64_t user, std::vector<std::string>* argv) {
  if (user <= 0) return false;
  *argv = {"MGET", HiddenKey(user), HiddenVersionKey(user)};
  return true;
}

// Only for a request that names a peerId other than its userId (user/show of oneself
// needs no hidden set).
bool HiddenForPeerCommand(const Args& args, int64_t user, std::vector<std::string>* argv) {
  if (!args.Has("peerId") || args.Int("peerId") == user) return false;
  return HiddenCommand(args, user, argv);
}

}  // namespace

const Preloader kHiddenPreload{"hidden", HiddenCommand};
const Preloader kHiddenForPeerPreload{"hidden-for-peer", HiddenForPeerCommand};

Status LoadHidden(RequestContext& ctx, HiddenScope scope, HiddenSet* out) {
  const int64_t now = ctx.clock().NowSeconds();
  const int64_t me = ctx.user_id;
  Preloaded& pre = PreloadedOf(ctx);
  Preloaded::Entry* e = pre.Find(kHiddenPreload);
  if (!e) e = pre.Find(kHiddenForPeerPreload);
  bool fill = true;
  if (!e || !e->answered) {  // not preloaded (or Redis failed then): a round trip of our own
    if (!e) e = &pre.Add(kHiddenPreload, {"MGET", HiddenKey(me), HiddenVersionKey(me)});
    RedisReply reply;
    Status looked = ctx.redis.CommandArgv({e->command.begin(), e->command.end()}, &reply);
    if (!looked.ok() && looked.code() != kUnavailable) return looked;
    fill = looked.ok();  // Redis down: MySQL answers and nothing is cached
    e->reply.Reset(reply.Release());
    e->answered = true;
  }
  if (!e->has_memo) {
    // MGET hidden version: the cached set, or MySQL's (filled in unless a write came since).
    const RedisReply& r = e->reply;
    const redisReply* value = r.size() == 2 ? r.Element(0) : nullptr;
    const redisReply* version = r.size() == 2 ? r.Element(1) : nullptr;
    if (value && value->type == REDIS_REPLY_STRING) {
      e->memo.assign(value->str, value->len);
    } else {
      RETURN_IF_ERROR(ReadHidden(ctx.db, me, now, &e->memo));
      const std::string seen = version && version->type == REDIS_REPLY_STRING
                                   ? std::string(version->str, version->len)
                                   : std::string();
      if (fill) {
        RETURN_IF_ERROR(CacheFillIfUnchanged(ctx.redis,
                                             {{HiddenKey(me), HiddenVersionKey(me), seen, e->memo}},
                                             ctx.config().profile_ttl));
      }
    }
    e->has_memo = true;
  }
  DecodeHidden(e->memo, scope, now, out);
  return Status::Ok();
}

Status InvalidateHidden(Redis& redis, int64_t user) {
  return CacheInvalidate(redis, HiddenKey(user), HiddenVersionKey(user));
}

Status LoadVisibleProfile(RequestContext& ctx, int64_t peer, ProfileRecord* out) {
  bool found = false;
  RETURN_IF_ERROR(LoadProfile(ctx.db, ctx.redis, ctx.config(), peer, out, &found));
  const Status not_found = Status::Error(kNoUser);
  const int64_t viewer = ctx.user_id;
  if (!found) return not_found;
  if (peer == viewer) return ProfileVisibleTo(*out, viewer) ? Status::Ok() : not_found;
  if (!FieldsVisible(out->status, out->authority, true)) return not_found;
  HiddenSet hidden;
  RETURN_IF_ERROR(LoadHidden(ctx, HiddenScope::kListings, &hidden));
  if (hidden.Contains(peer)) return not_found;
  bool visible = false;  // authority 2: only for users the owner has liked
  RETURN_IF_ERROR(ListedFieldsVisible(ctx.db, out->status, out->authority, peer, viewer, &visible));
  return visible ? Status::Ok() : not_found;
}

bool FieldsVisible(const std::string& status, int authority, bool owner_liked_viewer) {
  return status == "active" && (authority == 1 || (authority == 2 && owner_liked_viewer));
}

Status OwnerLikedViewer(Db& db, int64_t owner, int64_t viewer, bool* liked) {
  Row row;
  return db.QueryRow("SELECT 1 FROM user_like WHERE user_id = ? AND peer_id = ? AND action >= 1",
                     {owner, viewer}, &row, liked);
}

Status ListedFieldsVisible(Db& db, const std::string& status, int authority, int64_t owner,
                           int64_t viewer, bool* visible) {
  bool liked = false;
  if (status == "active" && authority == 2)
    RETURN_IF_ERROR(OwnerLikedViewer(db, owner, viewer, &liked));
  *visible = FieldsVisible(status, authority, liked);
  return Status::Ok();
}

}  // namespace dt
