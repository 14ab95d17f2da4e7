// Profiles: the one way any module reads a user's profile (user_info with labels, photos
// and VIP deadline), through a Redis cache-aside (dt:profile:<uid>, [cache] profile_ttl,
// versioned by lib/store/cache.h so a read after a write is never stale), and the one way a
// write invalidates it. A record keeps the few fields the rules need (status, authority,
// gender, VIP deadline) and its JSON already rendered in three parts, so that answering
// a profile or a list of them parses nothing. The private part (phone, email, authority)
// only ever leaves in the owner's own view. Thread-safe given per-thread Db/Redis.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lib/core/config.h"
#include "lib/core/json_writer.h"
#include "lib/core/status.h"
#include "lib/domain/preload.h"
#include "lib/store/db.h"
#include "lib/store/redis.h"

namespace dt {

struct ProfileRecord {
  int64_t user_id = 0;
  int gender = 0;
  int authority = 1;              // 0 hidden, 1 everyone, 2 users the owner liked
  std::string status = "active";  // active, review, banned, deleted
  int64_t vip_deadline = 0;       // Unix seconds, 0 for never
  int64_t located_at = 0;         // the last location report (Unix seconds), 0 for none
  // For discovery (lib/domain/discovery.h): the birthday as yyyymmdd (0 unknown), the
  // orientation, and the stored preferences (pref_genders 0: none stored, the defaults).
  int64_t birth = 0;
  int sexual = 0;
  int pref_age_min = 0, pref_age_max = 0, pref_distance_km = 0, pref_genders = 0;
  // The avatar others see (user_info.avatar), and in [moderation] photos = pre the owner's
  // new one waiting for review (shown to the owner only); the review state of the one the
  // owner sees ("approved", "pending"; "" without an avatar).
  std::string avatar;
  std::string avatar_pending;
  std::string avatar_state;
  // JSON members, without braces: what everyone sees of a list item (user_id, nickname,
  // birthday, gender, height, sexual, education, salary, emotion; the avatar is written
  // from the fields above) ...
  std::string card;
  // ... labels, the album as others see it (post: all but rejected photos; pre: approved
  // ones only) and as the owner does (every photo with its "state") ...
  std::string labels;
  std::string photos;
  std::string photos_approved;
  std::string photos_own;
  // ... and what only the owner sees (phone, email, authority, rejected_photos, warnings).
  std::string secret;
};

// How much of a cached record a reader takes: everything, or (for a list, whose items are
// ProfileView::kListItem) the rules' fields, the avatar and the card, without copying
// labels, photos and the private part. A card-only record must only be written as a list item.
enum class ProfileParts { kAll, kCard };

// The records of `ids` that exist, keyed by id (cache first, MySQL for the rest in one
// query).
Status LoadProfiles(Db& db, Redis& redis, const Config& config, const std::vector<int64_t>& ids,
                    std::unordered_map<int64_t, ProfileRecord>* out,
                    ProfileParts parts = ProfileParts::kAll);

// LoadProfiles in two halves, for a caller that sends the MGET in a pipeline of its own:
// the command, and the records from its reply (`looked`: the round trip's status; Redis
// down, MySQL answers).
std::vector<std::string> ProfilesCommand(const std::vector<int64_t>& ids);
Status LoadProfilesFrom(Db& db, Redis& redis, const Config& config, const std::vector<int64_t>& ids,
                        const Status& looked, const RedisReply& cached,
                        std::unordered_map<int64_t, ProfileRecord>* out,
                        ProfileParts parts = ProfileParts::kAll);

// One record; *found false when the user does not exist.
Status LoadProfile(Db& db, Redis& redis, const Config& config, int64_t id, ProfileRecord* out,
                   bool* found);

// The caller's own record: the authenticator's preloaded one (kProfilePreload) when the
// route preloads it and it was cached, else as LoadProfile.
Status LoadOwnProfile(RequestContext& ctx, ProfileRecord* out, bool* found);

// Whether `user` is VIP at `now` (their cached record); 501 for a user who does not exist.
Status UserIsVip(Db& db, Redis& redis, const Config& config, int64_t user, int64_t now, bool* vip);

// After any write to the user's profile, labels, album, status, VIP state or location.
Status InvalidateProfile(Redis& redis, int64_t id);

enum class ProfileView {
  kSelf,          // everything: the private part, vip_deadline, every photo with its state
  kPeer,          // what others see: no phone, email or authority; no rejected photo
  kPeerApproved,  // as kPeer under [moderation] photos = pre: approved photos only
  kListItem,      // a list entry: as kPeer without labels and photos
};

// The view of another user's profile under `config`'s photo review mode.
inline ProfileView PeerView(const Config& config) {
  return config.photos_pre ? ProfileView::kPeerApproved : ProfileView::kPeer;
}

// The members of the API's JSON object of a record for `view`, with is_vip decided at
// `now`, into the object open in *w (a list item may add its own after them).
void WriteProfile(const ProfileRecord& record, ProfileView view, int64_t now, JsonWriter* w);

// The caller's cached profile record, in the authenticator's round trip (user/show): its
// reply is a string when the record was cached, read with ParseProfileRecord.
extern const Preloader kProfilePreload;

// The cache key of a user's record ("dt:profile:<uid>"), and its stored form.
std::string ProfileKey(int64_t id);
std::string SerializeProfile(const ProfileRecord& record);
bool ParseProfileRecord(std::string_view stored, ProfileRecord* out,
                        ProfileParts parts = ProfileParts::kAll);

// Whether the record alone lets `viewer` see its owner in a listing: the owner (unless
// deleted), or anyone when the owner is active with authority 1. Blocks, reports and
// authority 2 need the database: see lib/domain/visibility.h.
bool ProfileVisibleTo(const ProfileRecord& record, int64_t viewer);

}  // namespace dt
