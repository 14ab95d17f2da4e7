// The visibility rules of lib/visibility.h.
#include "lib/visibility.h"

#include <algorithm>

namespace dt {

bool HiddenSet::Contains(int64_t id) const {
  return std::binary_search(ids.begin(), ids.end(), id);
}

Status LoadHidden(Db& db, int64_t viewer, HiddenScope scope, int64_t now, HiddenSet* out) {
  std::vector<Row> rows;
  RETURN_IF_ERROR(db.Query(
      "SELECT blocked_id FROM user_block WHERE user_id = ?"
      " UNION SELECT user_id FROM user_block WHERE blocked_id = ?"
      " UNION SELECT reported_id FROM user_report WHERE reporter_id = ?"
      " UNION SELECT peer_id FROM user_like"
      "  WHERE ? = 1 AND user_id = ? AND action = 0 AND update_time >= FROM_UNIXTIME(?)",
      {viewer, viewer, viewer, scope == HiddenScope::kHotList ? 1 : 0, viewer,
       now - kPassHidesDays * 86400},
      &rows));
  out->ids.clear();
  for (const Row& r : rows) out->ids.push_back(r.Int(0));
  std::sort(out->ids.begin(), out->ids.end());
  return Status::Ok();
}

Status LoadVisibleProfile(Db& db, Redis& redis, const Config& config, int64_t viewer,
                          int64_t peer, int64_t now, ProfileRecord* out) {
  bool found = false;
  RETURN_IF_ERROR(LoadProfile(db, redis, config, peer, out, &found));
  const Status not_found = Status::Error(kNoUser);
  if (!found) return not_found;
  if (peer == viewer) return ProfileVisibleTo(*out, viewer) ? Status::Ok() : not_found;
  if ((*out).get("status", "active").asString() != "active") return not_found;
  const int authority = (*out)["authority"].asInt();
  if (authority == 0) return not_found;
  HiddenSet hidden;
  RETURN_IF_ERROR(LoadHidden(db, viewer, HiddenScope::kListings, now, &hidden));
  if (hidden.Contains(peer)) return not_found;
  if (authority == 2) {  // only for users the owner has liked
    Row row;
    RETURN_IF_ERROR(db.QueryRow(
        "SELECT 1 FROM user_like WHERE user_id = ? AND peer_id = ? AND action = 1",
        {peer, viewer}, &row, &found));
    if (!found) return not_found;
  }
  return Status::Ok();
}

Status BlockedEitherWay(Db& db, int64_t a, int64_t b, bool* blocked) {
  Row row;
  RETURN_IF_ERROR(db.QueryRow(
      "SELECT 1 FROM user_block WHERE (user_id = ? AND blocked_id = ?)"
      " OR (user_id = ? AND blocked_id = ?) LIMIT 1",
      {a, b, b, a}, &row, blocked));
  return Status::Ok();
}

}  // namespace dt
