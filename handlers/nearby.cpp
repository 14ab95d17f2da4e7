// Nearby (API.md "Profile": user/location, user/nearby/list) on the Redis GEO index.
// Positions are snapped to the privacy grid before they are stored or compared; answers
// carry distances rounded to 0.1 km, never coordinates of others.
#include <unordered_set>

#include "handlers/handlers.h"
#include "lib/core/args.h"
#include "lib/core/context.h"
#include "lib/domain/discovery.h"
#include "lib/domain/geo.h"
#include "lib/domain/guard.h"
#include "lib/domain/profile.h"
#include "lib/domain/visibility.h"

namespace dt {
namespace {

// The search starts small and widens: GEOSEARCH costs what the radius holds, so a dense
// city answers a first page from a few hundred metres, a village after a few doublings.
// Redis picks its geohash box size from the radius, a step at every 20037.726 km / 2^k;
// a radius just under a step (152.87 m, doubled 305.7 m, ...) scans boxes a quarter the
// area of one just over it (docs/performance.md has the measurement).
constexpr double kFirstRadius = 0.152;  // km
constexpr size_t kMargin = 2;           // candidates fetched beyond those still needed
// How deep a client may page: every user before the page is judged, so the depth bounds
// a request's work (API.md: page * pageCount at most this).
constexpr int64_t kMaxDepth = 500;

// `latlng`, "lat,lng" in degrees: 502 when missing or invalid.
bool LatLngArg(const RequestContext&, ArgValue* value) {
  LatLng p;
  if (!ParseLatLng(value->text, &p)) return false;
  value->x = p.lat;
  value->y = p.lng;
  return true;
}

ArgSpec LatLngSpec() {
  return TextArg("latlng").As(LatLngArg).Refuse(kBadLatLng, DefaultMessage(kBadLatLng));
}

LatLng LatLngOf(const Args& args) {
  const ArgValue& v = args.Value("latlng");
  return {v.x, v.y};
}

std::string FormatLatLng(const LatLng& p) {
  char buf[64];
  snprintf(buf, sizeof buf, "%.6f,%.6f", p.lat, p.lng);
  return buf;
}

Reply HandleLocation(RequestContext& ctx) {
  const LatLng cell = SnapToGrid(LatLngOf(ctx.args));  // the raw report is kept nowhere
  const int64_t now = ctx.clock().NowSeconds();
  RETURN_IF_ERROR(ctx.db.Exec(
      "INSERT INTO location (user_id, ip_addr, longitude, latitude, update_time)"
      " VALUES (?, ?, ?, ?, FROM_UNIXTIME(?)) ON DUPLICATE KEY UPDATE ip_addr = VALUES(ip_addr),"
      " longitude = VALUES(longitude), latitude = VALUES(latitude), update_time = "
      "VALUES(update_time)",
      {ctx.user_id, ctx.env.client_ip, cell.lng, cell.lat, now}));
  ProfileRecord me;
  bool found = false;
  RETURN_IF_ERROR(LoadOwnProfile(ctx, &me, &found));
  if (!found) return Status::Error(kNoUser);
  RETURN_IF_ERROR(GeoIndexPut(ctx.redis, ctx.user_id, cell, GeoPartKey(me.gender, me.birth)));
  RETURN_IF_ERROR(InvalidateProfile(ctx.redis, ctx.user_id));  // the record holds the report time
  RETURN_IF_ERROR(DropDeckPool(ctx.redis, ctx.user_id));       // its recs were of another place
  JsonWriter data;
  data.Str("latlng", FormatLatLng(cell));
  return Reply::Ok(data);
}

struct Match {
  int64_t user;
  double km;
  ProfileRecord record;
};

// Judges `hits` in order: recent reporters other than the caller, visible and not hidden
// from the caller, of `gender`.
Status Judge(RequestContext& ctx, const std::vector<GeoHit>& hits, const HiddenSet& hidden,
             int64_t gender, int64_t now, std::vector<Match>* matched) {
  std::vector<int64_t> ids;
  for (const GeoHit& h : hits) ids.push_back(h.user);
  std::unordered_map<int64_t, ProfileRecord> records;
  RETURN_IF_ERROR(
      LoadProfiles(ctx.db, ctx.redis, ctx.config(), ids, &records, ProfileParts::kCard));
  const int64_t oldest = now - kLocationMaxAgeDays * 86400;
  for (const GeoHit& h : hits) {
    if (h.user == ctx.user_id || hidden.Contains(h.user)) continue;
    auto it = records.find(h.user);
    if (it == records.end() || it->second.located_at < oldest) continue;
    if (!ProfileVisibleTo(it->second, ctx.user_id)) continue;
    if (gender >= 0 && it->second.gender != gender) continue;
    matched->push_back({h.user, h.km, std::move(it->second)});
  }
  return Status::Ok();
}

struct NearbyQuery {
  LatLng centre;  // the caller's position, snapped
  double radius = 10;
  int64_t gender = -1;
  Page page;
  // The page and one more (has_next), and the first search for them.
  size_t need() const { return static_cast<size_t>(page.offset() + page.count + 1); }
  double first_radius() const { return std::min(radius, kFirstRadius); }
  size_t first_count() const { return need() + kMargin; }
};

Status ParseNearbyQuery(const Args& args, NearbyQuery* q) {
  q->radius = args.Decimal("radius");
  q->gender = args.Has("gender") ? args.Int("gender") : -1;
  q->page = PageOf(args);
  if (q->page.offset() + q->page.count > kMaxDepth) return InvalidParam("page");
  q->centre = SnapToGrid(LatLngOf(args));
  return Status::Ok();
}

// The first GEOSEARCH goes in the authenticator's round trip (a preloader): a nearby page
// in a dense city then costs two round trips to Redis instead of three.
bool FirstSearchCommand(const Args& args, int64_t, std::vector<std::string>* argv) {
  NearbyQuery q;
  if (!ParseNearbyQuery(args, &q).ok()) return false;  // the handler answers the error
  *argv = GeoSearchCommand(q.centre, q.first_radius(), q.first_count());
  return true;
}

const Preloader kFirstSearchPreload{"nearby-first-search", FirstSearchCommand};

Reply HandleNearby(RequestContext& ctx) {
  NearbyQuery q;
  RETURN_IF_ERROR(ParseNearbyQuery(ctx.args, &q));
  const int64_t now = ctx.clock().NowSeconds();
  HiddenSet hidden;
  RETURN_IF_ERROR(LoadHidden(ctx, HiddenScope::kListings, &hidden));

  // Widen the search (and the number of candidates) until the page and one more are
  // filled or the radius is exhausted, so filters never make a page short.
  const size_t need = q.need();
  std::vector<Match> matched;
  std::unordered_set<int64_t> judged;
  double r = q.first_radius();
  size_t count = q.first_count();
  const Preloaded::Entry* pre = PreloadedOf(ctx).Find(kFirstSearchPreload);
  bool preloaded = pre && pre->answered && pre->reply.get() &&
                   pre->reply.get()->type != REDIS_REPLY_ERROR &&
                   pre->command == GeoSearchCommand(q.centre, r, count);
  while (matched.size() < need) {
    std::vector<GeoHit> hits;
    if (preloaded) {
      ReadGeoSearchReply(pre->reply.get(), &hits);
      preloaded = false;
    } else {
      RETURN_IF_ERROR(GeoSearch(ctx.redis, q.centre, r, count, &hits));
    }
    std::vector<GeoHit> fresh;
    for (const GeoHit& h : hits) {
      if (judged.insert(h.user).second) fresh.push_back(h);
    }
    // Judged in chunks no larger than what is still missing (plus the margin), nearest
    // first, so a page costs about its own size in profile reads.
    for (size_t i = 0; i < fresh.size() && matched.size() < need;) {
      const size_t take = std::min(fresh.size() - i, need - matched.size() + kMargin);
      std::vector<GeoHit> chunk(fresh.begin() + i, fresh.begin() + i + take);
      RETURN_IF_ERROR(Judge(ctx, chunk, hidden, q.gender, now, &matched));
      i += take;
    }
    if (matched.size() >= need) break;
    if (hits.size() >= count) {
      count *= 2;  // more candidates within this radius
    } else if (r < q.radius) {
      r = std::min(q.radius, r * 2);
    } else {
      break;  // everyone within the radius has been judged
    }
  }

  JsonWriter data;
  data.Array("list");
  const Page& page = q.page;
  for (size_t i = page.offset();
       i < matched.size() && i < static_cast<size_t>(page.offset() + page.count); ++i) {
    data.Object();
    WriteProfile(matched[i].record, ProfileView::kListItem, now, &data);
    data.Fixed("distance", ShownDistance(matched[i].km), 1).End();
  }
  data.End();
  data.Bool("has_next", matched.size() > static_cast<size_t>(page.offset() + page.count));
  return Reply::Ok(data);
}

}  // namespace

std::vector<Route> NearbyRoutes() {
  return {
      Post("/api/user/location", HandleLocation)
          .Auth(kAppToken)
          .Accepts({LatLngSpec()})
          .Preload({&kProfilePreload}),
      Get("/api/user/nearby/list", HandleNearby)
          .Auth(kAppToken)
          .Accepts({LatLngSpec(), DecimalArg("radius", 0, 100, true).OrDecimal(10),
                    IntArg("gender", 0, 2).Optional()})
          .Paged(50, 10)
          .Preload({&kHiddenPreload, &kFirstSearchPreload}),
  };
}

}  // namespace dt
