// Locations for "nearby": parsing `lat,lng`, the privacy grid every position is snapped
// to before it is stored or compared (cells of about 150 m, so no answer can place a user
// closer than that), the distance shown, and the Redis GEO index
//   dt:geo              GEO set: each located user's snapped position (member = user id)
//   dt:geo:g<G>:y<Y>    the same positions partitioned by gender G and five-year band of
//                       birth year Y (y0: no birthday), each user in exactly one, so a
//                       discovery deck searches only the people its preferences want
//   dt:geo:parts        set of the partition keys in use
// which MySQL's `location` and `user_info` tables can always rebuild. When a user last
// reported is part of their profile record (lib/domain/profile.h), read with it.
// Thread-safe given per-thread Db/Redis.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lib/core/context.h"
#include "lib/core/status.h"
#include "lib/domain/preload.h"
#include "lib/store/db.h"
#include "lib/store/redis.h"

namespace dt {

struct LatLng {
  double lat = 0;
  double lng = 0;
};

// "lat,lng" with lat in -85..85 and lng in -180..180; false when malformed or outside.
bool ParseLatLng(std::string_view text, LatLng* out);

// The centre of the grid cell holding `p`. Cells are kGridMeters tall and about as wide
// at every latitude.
constexpr double kGridMeters = 150.0;
LatLng SnapToGrid(const LatLng& p);

// Kilometres as shown: one decimal, never below 0.1.
double ShownDistance(double km);

// Days after which a report no longer counts (nearby lists only recent reporters).
constexpr int64_t kLocationMaxAgeDays = 30;

constexpr const char* kGeoKey = "dt:geo";

// The partition of a user of `gender` born on `birth` (yyyymmdd, 0 unknown), and of the
// band holding birth year `year` (0: unknown).
std::string GeoPartKey(int gender, int64_t birth);
std::string GeoBandKey(int gender, int year);

// Records a snapped position of `user` in the GEO index and in partition `part` (leaving
// any other partition it was in).
Status GeoIndexPut(Redis& redis, int64_t user, const LatLng& snapped, const std::string& part);

// Moves `user`, at the position the index holds, into partition `part` (after a change of
// gender or birthday); nothing when they have no position.
Status GeoIndexPlace(Redis& redis, int64_t user, const std::string& part);

// Records a snapped position of `user` in another GEO set, such as the running boosts'.
Status GeoSetPut(Redis& redis, const char* key, int64_t user, const LatLng& snapped);

// The indexed (snapped) position of `user`; *found false when they have none.
Status GeoPosition(Redis& redis, int64_t user, LatLng* out, bool* found);

// The caller's position, in the authenticator's round trip (user/recs), and its reading
// (the preloaded reply, or a round trip of its own when the route did not preload it).
extern const Preloader kPositionPreload;
Status LoadPosition(RequestContext& ctx, LatLng* out, bool* found);

// The distances in km from `from` to each of `to` in the index, in their order (-1 for
// one of them, or both, not in it).
Status GeoDistances(Redis& redis, int64_t from, const std::vector<int64_t>& to,
                    std::vector<double>* km);

// Removes `user` from the GEO index and its partitions (account deletion).
Status GeoIndexRemove(Redis& redis, int64_t user);

struct GeoHit {
  int64_t user;
  double km;
};

// The `count` users nearest to `centre` within `radius_km`, nearest first (of the index,
// or of another GEO set `key` such as the running boosts').
Status GeoSearch(Redis& redis, const LatLng& centre, double radius_km, size_t count,
                 std::vector<GeoHit>* hits, const char* key = nullptr);

// GeoSearch's command, for a caller that sends it in a pipeline of its own, and the
// reading of its reply.
std::vector<std::string> GeoSearchCommand(const LatLng& centre, double radius_km, size_t count,
                                          const char* key = nullptr);
void ReadGeoSearchReply(const redisReply* found, std::vector<GeoHit>* hits);

// Drops reports older than the age limit from MySQL and the index (a bounded batch per
// call): they count for nothing any more.
Status GeoPrune(Db& db, Redis& redis, int64_t now);

// Remakes the index and its partitions from MySQL's location and user_info tables, then
// swaps them in.
Status GeoRebuild(Db& db, Redis& redis, int64_t now);

}  // namespace dt
