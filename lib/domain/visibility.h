// Who may see whom: the one place every listing and every single-profile route asks.
//   - the record: the owner always (until deleted); others only an active user with
//     authority 1 in listings (ProfileVisibleTo), or with authority 2 in show when the
//     owner has liked the viewer;
//   - the relations: a block either way hides both users from each other, a report hides
//     the reported user from the reporter, and in the hot list a pass hides the passed
//     user for 30 days (HiddenSet, bound into SQL listings as a JSON id list).
// A user's hidden set comes from MySQL (blocks, reports, passes) through a versioned Redis
// cache (dt:hidden:<uid>, lib/store/cache.h), usually preloaded by the authenticator
// (kHiddenPreload); every write to those tables invalidates it (InvalidateHidden).
// Thread-safe given per-thread Db/Redis.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lib/core/config.h"
#include "lib/core/context.h"
#include "lib/core/status.h"
#include "lib/domain/preload.h"
#include "lib/domain/profile.h"
#include "lib/store/db.h"
#include "lib/store/redis.h"

namespace dt {

enum class HiddenScope {
  kListings,  // blocks both ways, and users the viewer reported
  kHotList,   // those, and users the viewer passed on in the last 30 days
};

struct HiddenSet {
  std::vector<int64_t> ids;  // sorted
  bool Contains(int64_t id) const;
  // The ids as one bound parameter for JSON_TABLE (see IdList).
  std::string json() const { return IdList(ids); }
};

// The users hidden from the caller of `ctx` in `scope`.
Status LoadHidden(RequestContext& ctx, HiddenScope scope, HiddenSet* out);

// After a block, unblock, report, like or pass by `user` (or against them): their cached
// hidden set goes.
Status InvalidateHidden(Redis& redis, int64_t user);

std::string HiddenKey(int64_t user);
std::string HiddenVersionKey(int64_t user);

// The ids of the cached hidden-set value (comma-separated ids, "id:until" for passes,
// which hide from the hot list only, and only until that Unix time) for `scope` at `now`.
void DecodeHidden(const std::string& value, HiddenScope scope, int64_t now, HiddenSet* out);

// The caller's hidden set, in the authenticator's round trip (routes that list users);
// the same only when the request names a peerId that is not its userId (user/show).
// LoadHidden reads either's reply, or makes its own round trip.
extern const Preloader kHiddenPreload;
extern const Preloader kHiddenForPeerPreload;

// The one rule on a profile's own fields, for every route: an active user with authority 1
// is visible to everyone, with authority 2 only to users the owner has liked
// (`owner_liked_viewer`); anyone else (authority 0, under review, banned, deleted) to
// nobody but themself. Listings other than matches take authority 1 only (checking a like
// per item is not worth it there); relations (blocks, reports) come on top: HiddenSet.
bool FieldsVisible(const std::string& status, int authority, bool owner_liked_viewer);

// What a user is called where a relation to them stays listed although the viewer may not
// see their profile (a conversation in contacts/list, an entry of user/block/list): the
// name of a deleted account, with no avatar, whichever reason it is.
constexpr const char* kPlaceholderNickname = "deleted user";

// Whether `owner` has liked `viewer`: what authority 2 asks (a primary-key probe, made only
// for such owners: as a dependent subquery in a listing's SQL it cost far more).
Status OwnerLikedViewer(Db& db, int64_t owner, int64_t viewer, bool* liked);

// FieldsVisible for one listed user, asking OwnerLikedViewer only when authority is 2.
Status ListedFieldsVisible(Db& db, const std::string& status, int authority, int64_t owner,
                           int64_t viewer, bool* visible);

// The profile of `peer` when the caller of `ctx` may see it, else 501 (as if it did not
// exist).
Status LoadVisibleProfile(RequestContext& ctx, int64_t peer, ProfileRecord* out);

// The SQL condition "a blocked b, or b blocked a", for a statement's own query (binds a,
// b, b, a): compile-time text, so a route can ask it together with what else it reads.
// Two primary-key probes: MariaDB plans them for less than one subquery with an OR of the
// two pairs (or a row IN list), which it analyses as ranges on every execution
// (docs/performance.md).
#define DT_SQL_BLOCKED_EITHER_WAY                                                 \
  "(EXISTS (SELECT 1 FROM user_block b WHERE b.user_id = ? AND b.blocked_id = ?)" \
  " OR EXISTS (SELECT 1 FROM user_block b WHERE b.user_id = ? AND b.blocked_id = ?))"

// The SQL condition "`column` is none of the hidden ids", for a listing's own query (binds
// HiddenSet::json()).
#define DT_SQL_NOT_HIDDEN(column) \
  column " NOT IN (SELECT id FROM JSON_TABLE(?, '$[*]' COLUMNS (id INT UNSIGNED PATH '$')) AS h)"

constexpr int64_t kPassHidesDays = 30;

}  // namespace dt
