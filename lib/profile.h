// Profiles: the one way any module reads a user's profile (user_info with labels, photos
// and VIP deadline), through a Redis cache-aside (dt:profile:<uid>, [cache] profile_ttl),
// and the one way a write invalidates it. A version counter per user
// (dt:profile:ver:<uid>) keeps a reader that raced a writer from caching what it read
// before the write, so a read after a write is never stale. The cached record holds
// private fields (phone, email); ProfileJson is the only way out and it strips them for
// everyone but the owner. Functions are thread-safe given per-thread Db/Redis.
#pragma once

#include <json/value.h>

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "lib/config.h"
#include "lib/db.h"
#include "lib/redis.h"
#include "lib/status.h"

namespace dt {

// A profile record as cached: user_id, nickname, phone, email, gender, birthday, avatar,
// height, sexual, education, salary, emotion, authority, status (active, review, banned,
// deleted), vip_deadline (Unix seconds, 0 for never), labels [{label_id,name}],
// photos [{photo_id,url}].
using ProfileRecord = Json::Value;

// The records of `ids` that exist, keyed by id (cache first, MySQL for the rest, in one
// batch per table).
Status LoadProfiles(Db& db, Redis& redis, const Config& config, const std::vector<int64_t>& ids,
                    std::unordered_map<int64_t, ProfileRecord>* out);

// One record; *found false when the user does not exist.
Status LoadProfile(Db& db, Redis& redis, const Config& config, int64_t id, ProfileRecord* out,
                   bool* found);

// After any write to the user's profile, labels, album or VIP state.
Status InvalidateProfile(Redis& redis, int64_t id);

enum class ProfileView {
  kSelf,      // everything, phone, email and authority included
  kPeer,      // what others see: no phone, email or authority
  kListItem,  // a list entry: as kPeer without labels and photos
};

// The API's JSON of a record for `view`, with is_vip decided at `now`.
Json::Value ProfileJson(const ProfileRecord& record, ProfileView view, int64_t now);

// The cache key of a user's record ("dt:profile:<uid>"), and the parse of its value.
std::string ProfileKey(int64_t id);
bool ParseProfileRecord(std::string_view json, ProfileRecord* out);

// Whether the record alone lets `viewer` see its owner in a listing: the owner (unless
// deleted), or anyone when the owner is active with authority 1. Blocks, reports and
// authority 2 need the database: see lib/visibility.h.
bool ProfileVisibleTo(const ProfileRecord& record, int64_t viewer);

}  // namespace dt
