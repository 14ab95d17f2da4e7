// The visibility rules of lib/visibility.h.
#include "lib/visibility.h"

#include <algorithm>

#include "lib/args.h"
#include "lib/cache.h"

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

void TakeHiddenReply(const RedisReply& reply, Prefetched* p) {
  const redisReply* value = reply.size() == 2 ? reply.Element(0) : nullptr;
  const redisReply* version = reply.size() == 2 ? reply.Element(1) : nullptr;
  p->has_hidden = value && value->type == REDIS_REPLY_STRING;
  if (p->has_hidden) p->hidden.assign(value->str, value->len);
  if (version && version->type == REDIS_REPLY_STRING)
    p->hidden_version.assign(version->str, version->len);
}

Status LoadHidden(RequestContext& ctx, HiddenScope scope, HiddenSet* out) {
  const int64_t now = ctx.clock().NowSeconds();
  Prefetched& p = ctx.prefetched;
  bool fill = true;
  if (!p.hidden_wanted) {  // not fetched by the guard: one round trip of our own
    RedisReply reply;
    Status looked = ctx.redis.CommandArgv(
        {"MGET", HiddenKey(ctx.user_id), HiddenVersionKey(ctx.user_id)}, &reply);
    if (!looked.ok() && looked.code() != kUnavailable) return looked;
    fill = looked.ok();  // Redis down: MySQL answers and nothing is cached
    p.hidden_wanted = true;
    TakeHiddenReply(reply, &p);
  }
  if (!p.has_hidden) {
    RETURN_IF_ERROR(ReadHidden(ctx.db, ctx.user_id, now, &p.hidden));
    p.has_hidden = true;
    if (fill)
      RETURN_IF_ERROR(CacheFillIfUnchanged(
          ctx.redis,
          {{HiddenKey(ctx.user_id), HiddenVersionKey(ctx.user_id), p.hidden_version, p.hidden}},
          ctx.config().profile_ttl));
  }
  DecodeHidden(p.hidden, scope, now, out);
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
  return db.QueryRow("SELECT 1 FROM user_like WHERE user_id = ? AND peer_id = ? AND action = 1",
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
