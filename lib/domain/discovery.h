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
#include <vector>

#include "lib/core/config.h"
#include "lib/core/json_writer.h"
#include "lib/core/status.h"
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

// The running boosts among `users` (their ends, 0 for none), in their order.
Status BoostEnds(Redis& redis, const std::vector<int64_t>& users, int64_t now,
                 std::vector<int64_t>* ends);

// The GEO set of running boosts the decks search, and dropping the ended ones (a task).
constexpr const char* kBoostGeoKey = "dt:geo:boost";
Status PruneBoosts(Redis& redis, int64_t now);

// The quota sets' keys (the tests fill them).
std::string LikesQuotaKey(int64_t user);
std::string SuperlikesQuotaKey(int64_t user);

}  // namespace dt
