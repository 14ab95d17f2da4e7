// Discovery (API.md "Discovery"): what a user looks for (preferences, MySQL
// user_preference, defaults from their own profile) and the daily quotas of likes and
// superlikes. Thread-safe given a Db/Redis owned by the calling thread.
//
// A quota's day is the last 24 hours, rolling, not a calendar day: the server knows no
// user's time zone, and a rolling window cannot be doubled by liking just before and
// after a midnight. Each quota is a Redis sorted set of the likes it counted (scored by
// their time in ms), checked and added to in one script, so that parallel likes at the
// limit take exactly what is left; a like that turns out not to count (the same person
// again, or the transaction failed) is given back.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lib/core/config.h"
#include "lib/core/json_writer.h"
#include "lib/core/status.h"
#include "lib/domain/preload.h"
#include "lib/domain/profile.h"
#include "lib/store/db.h"
#include "lib/store/redis.h"

namespace dt {

// Genders as in user_info.gender (0 unknown, 1 male, 2 female), as bits 1 << gender.
constexpr int kAllGenders = 7;

struct Preferences {
  int age_min = 18, age_max = 120;  // years, 18..120
  int distance_km = 50;             // 1..500
  int genders = kAllGenders;        // bits, 1..7
  bool saved = false;               // false: the defaults, nothing stored
};

// The defaults for a user of `gender`, orientation `sexual` (user_info: 0 unknown) and
// `age` (years; 0 when no birthday is known): five years either side of their age (all
// ages without one), 50 km, the gender they say they look for, or else the other one,
// or else everyone.
Preferences DefaultPreferences(int gender, int sexual, int age);

// Age in whole years on the UTC day `today` (yyyymmdd) of a birthday `birth` (yyyymmdd);
// 0 when the birthday is unknown.
int AgeOn(int64_t birth, int64_t today);
int64_t UtcYmd(int64_t now);

// The preferences of a profile record (its stored ones, or the defaults).
Preferences RecordPreferences(const ProfileRecord& r, int64_t today);

// Whether someone of `gender` and `age` (0: unknown) is what `p` looks for. An unknown
// age fits only preferences that take every age.
bool Fits(const Preferences& p, int gender, int age);

// The partitions of the location index (lib/domain/geo.h) that hold everyone `p` wants on
// `today` (yyyymmdd); the whole index when that is more than kMaxDeckParts of them (wide
// preferences: most people fit anyway, and one search costs Redis less than many).
constexpr size_t kMaxDeckParts = 8;
std::vector<std::string> DeckPartitions(const Preferences& p, int64_t today);

// The user's stored preferences, or their defaults (RecordPreferences of their profile
// record: the one place both are derived).
Status LoadPreferences(Db& db, Redis& redis, const Config& config, int64_t user, int64_t now,
                       Preferences* out);

Status SavePreferences(Db& db, int64_t user, const Preferences& p, int64_t now);

// The members of the API's preferences object into the object open in *w.
void WritePreferences(const Preferences& p, JsonWriter* w);

// "0,2" as bits (each of 0, 1, 2 at most once); false when it is not such a list.
bool ParseGenders(const std::string& text, int* bits);

// One like's claim on the caller's quotas: the likes of the last 24 hours (none for a
// VIP) and, for a superlike, the superlikes.
struct LikeClaim {
  std::string likes_key, superlikes_key;  // empty: not counted
  std::string member;                     // this like in both sets
  int likes_limit = 0, superlikes_limit = 0;
  int64_t likes_left = -1, superlikes_left = -1;  // after it; -1: not counted
};

// Takes the claim of `user` liking `peer` at `now_ms`: a like when `like` (not for a
// `vip`), a superlike when `superlike`. OK, or 429 with data {retry_after, quota} ("likes"
// or "superlikes") when a quota is used up, counting nothing.
Status TakeLikeQuota(Redis& redis, const Config& config, int64_t user, int64_t peer, bool like,
                     bool superlike, bool vip, int64_t now_ms, LikeClaim* claim);

// Gives back what of the claim did not count: the like (`likes`), the superlike, or both.
Status ReturnLikeQuota(Redis& redis, const LikeClaim& claim, bool likes, bool superlikes);

// Boosts. A running one is in Redis dt:boost (ZSET, user -> end, Unix seconds) and, for a
// user with a location, dt:geo:boost (GEO, the user's indexed position), where the decks
// look for them; MySQL user_boost is the record the once-per-period rule reads.
struct BoostState {
  int64_t running_until = 0;  // the running boost's end; 0: none
  int64_t next_at = 0;        // when the next may start; <= now: now
};
Status LoadBoost(Db& db, const Config& config, int64_t user, int64_t now, BoostState* out);

// Starts `user`'s boost at `now` (the caller checked VIP): 509 with data {next_at} while
// the period's boost was taken. Serialized per user by the VIP row's lock.
Status StartBoost(Db& db, Redis& redis, const Config& config, int64_t user, int64_t now,
                  BoostState* out);

// The running boosts among `users` (their ends, 0 for none), in their order: the command,
// for a caller's pipeline, and the reading of its reply at `now`.
std::vector<std::string> BoostEndsCommand(const std::vector<int64_t>& users);
void ReadBoostEnds(const RedisReply& reply, size_t n, int64_t now, std::vector<int64_t>* ends);

// The GEO set of running boosts the decks search, and dropping the ended ones (a task).
constexpr const char* kBoostGeoKey = "dt:geo:boost";
Status PruneBoosts(Redis& redis, int64_t now);

// Puts the boosts running at `now` (MySQL user_boost) back into dt:boost and, at the
// position the location index holds, dt:geo:boost: after a Redis was lost (dtadmin
// rebuild-geo, after the index).
Status RebuildBoosts(Db& db, Redis& redis, int64_t now);

// Deck pools. Building a page of recs (the search, the records of the people found, the
// likes in MySQL) costs several times what serving one does, so a build ranks a pool of
// people (at least kPoolSize) that the pages of every deck of the user are served from for
// [discovery] deck_pool_seconds, each page checked again against what changes fast (the
// records, the hidden set, the deck's shown set, whom the user liked since, running
// boosts):
//   dt:recs:pool:<uid>   string (FormatPool): the pool, best first; expires with its time
//   dt:recs:acted:<uid>  set: whom the user liked or superliked while a pool may predate it
// What changes what a pool should hold drops it (DropDeckPool): the user's preferences,
// location, profile or a rewind; a superlike the user receives.
constexpr size_t kPoolSize = 60;
struct PoolEntry {
  int64_t user = 0;
  double km = -1;    // < 0: not from the location index
  double score = 0;  // the score without the boost (API.md "Discovery")
  bool superliked_me = false;
};
std::string FormatPool(const std::vector<PoolEntry>& pool);
bool ParsePool(std::string_view text, std::vector<PoolEntry>* out);
std::string DeckPoolKey(int64_t user);
Status StoreDeckPool(Redis& redis, const Config& config, int64_t user,
                     const std::vector<PoolEntry>& pool);
Status DropDeckPool(Redis& redis, int64_t user);
// After `user` liked or superliked `peer`.
Status RememberLiked(Redis& redis, const Config& config, int64_t user, int64_t peer);

// In the authenticator's round trip of user/recs: the caller's pool, whom they liked since,
// and the running boosts (the 50 that end soonest; users, ends).
extern const Preloader kDeckPoolPreload;
extern const Preloader kLikedSincePreload;
extern const Preloader kRunningBoostsPreload;

// The quota sets' keys (the tests fill them).
std::string LikesQuotaKey(int64_t user);
std::string SuperlikesQuotaKey(int64_t user);

}  // namespace dt
