// Grid snapping and the GEO index.
#include "lib/domain/geo.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace dt {
namespace {

constexpr const char* kGeo = "dt:geo";
constexpr double kMetersPerDegree = 111320.0;
constexpr double kPi = 3.14159265358979323846;

// A decimal number: optional '-', 1-3 digits, optional '.' and 1-15 digits.
bool ParseCoordinate(std::string_view s, double* out) {
  size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  size_t digits = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
  if (digits < 1 || digits > 3) return false;
  if (i < s.size() && s[i] == '.') {
    size_t frac = 0;
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++frac;
    if (frac < 1 || frac > 15) return false;
  }
  if (i != s.size()) return false;
  *out = strtod(std::string(s).c_str(), nullptr);
  return true;
}

std::string Format(double v) {
  char buf[32];
  snprintf(buf, sizeof buf, "%.7f", v);
  return buf;
}

}  // namespace

bool ParseLatLng(std::string_view text, LatLng* out) {
  size_t comma = text.find(',');
  if (comma == std::string_view::npos) return false;
  LatLng p;
  if (!ParseCoordinate(text.substr(0, comma), &p.lat) ||
      !ParseCoordinate(text.substr(comma + 1), &p.lng)) {
    return false;
  }
  if (p.lat < -85 || p.lat > 85 || p.lng < -180 || p.lng > 180) return false;
  *out = p;
  return true;
}

LatLng SnapToGrid(const LatLng& p) {
  const double dlat = kGridMeters / kMetersPerDegree;
  LatLng c;
  c.lat = (std::floor(p.lat / dlat) + 0.5) * dlat;
  // Columns as wide as the rows are tall, at the row's own latitude.
  const double dlng = dlat / std::cos(c.lat * kPi / 180.0);
  c.lng = (std::floor(p.lng / dlng) + 0.5) * dlng;
  if (c.lng > 180) c.lng -= dlng;
  if (c.lng < -180) c.lng += dlng;
  if (c.lat > 85) c.lat -= dlat;
  if (c.lat < -85) c.lat += dlat;
  return c;
}

double ShownDistance(double km) { return std::max(0.1, std::round(km * 10.0) / 10.0); }

Status GeoIndexPut(Redis& redis, int64_t user, const LatLng& snapped, const char* key) {
  RedisReply reply;
  return redis.CommandArgv(
      {"GEOADD", key ? key : kGeo, Format(snapped.lng), Format(snapped.lat), std::to_string(user)},
      &reply);
}

Status GeoDistances(Redis& redis, int64_t from, const std::vector<int64_t>& to,
                    std::vector<double>* km) {
  km->assign(to.size(), -1);
  if (to.empty()) return Status::Ok();
  const std::string me = std::to_string(from);
  std::vector<std::string> ids;
  for (int64_t id : to) ids.push_back(std::to_string(id));
  std::vector<std::vector<std::string_view>> commands;
  for (const std::string& id : ids) commands.push_back({"GEODIST", kGeo, me, id, "km"});
  std::vector<RedisReply> replies;
  RETURN_IF_ERROR(redis.Pipeline(commands, &replies));
  for (size_t i = 0; i < replies.size() && i < to.size(); ++i) {
    if (replies[i].IsString())
      (*km)[i] = std::strtod(std::string(replies[i].Str()).c_str(), nullptr);
  }
  return Status::Ok();
}

Status GeoPosition(Redis& redis, int64_t user, LatLng* out, bool* found) {
  RedisReply reply;
  RETURN_IF_ERROR(redis.CommandArgv({"GEOPOS", kGeo, std::to_string(user)}, &reply));
  const redisReply* r = reply.get();
  *found = r && r->type == REDIS_REPLY_ARRAY && r->elements == 1 &&
           r->element[0]->type == REDIS_REPLY_ARRAY && r->element[0]->elements == 2;
  if (*found) {
    out->lng = std::strtod(r->element[0]->element[0]->str, nullptr);
    out->lat = std::strtod(r->element[0]->element[1]->str, nullptr);
  }
  return Status::Ok();
}

Status GeoIndexRemove(Redis& redis, int64_t user) {
  RedisReply reply;
  return redis.CommandArgv({"ZREM", kGeo, std::to_string(user)}, &reply);
}

std::vector<std::string> GeoSearchCommand(const LatLng& centre, double radius_km, size_t count,
                                          const char* key) {
  char radius[32];
  snprintf(radius, sizeof radius, "%.6f", std::max(radius_km, 0.001));
  return {"GEOSEARCH",
          key ? key : kGeo,
          "FROMLONLAT",
          Format(centre.lng),
          Format(centre.lat),
          "BYRADIUS",
          radius,
          "km",
          "ASC",
          "COUNT",
          std::to_string(count),
          "WITHDIST"};
}

void ReadGeoSearchReply(const redisReply* found, std::vector<GeoHit>* hits) {
  if (!found || found->type != REDIS_REPLY_ARRAY) return;
  for (size_t i = 0; i < found->elements; ++i) {
    const redisReply* item = found->element[i];
    if (item->type != REDIS_REPLY_ARRAY || item->elements < 2) continue;
    hits->push_back({std::strtoll(item->element[0]->str, nullptr, 10),
                     std::strtod(item->element[1]->str, nullptr)});
  }
}

Status GeoSearch(Redis& redis, const LatLng& centre, double radius_km, size_t count,
                 std::vector<GeoHit>* hits, const char* key) {
  const std::vector<std::string> command = GeoSearchCommand(centre, radius_km, count, key);
  RedisReply found;
  RETURN_IF_ERROR(
      redis.CommandArgv(std::vector<std::string_view>(command.begin(), command.end()), &found));
  ReadGeoSearchReply(found.get(), hits);
  return Status::Ok();
}

Status GeoPrune(Db& db, Redis& redis, int64_t now) {
  std::vector<Row> rows;
  const int64_t cutoff = now - kLocationMaxAgeDays * 86400;
  RETURN_IF_ERROR(
      db.Query("SELECT user_id FROM location WHERE update_time < FROM_UNIXTIME(?) LIMIT 1000",
               {cutoff}, &rows));
  if (rows.empty()) return Status::Ok();
  std::vector<int64_t> ids;
  std::vector<std::string_view> argv = {"ZREM", kGeo};
  for (const Row& r : rows) {
    ids.push_back(r.Int(0));
    argv.push_back(r.Str(0));
  }
  RedisReply reply;
  RETURN_IF_ERROR(redis.CommandArgv(argv, &reply));
  // A report made meanwhile is newer than the cutoff and stays.
  return db.Exec(
      "DELETE l FROM location l JOIN JSON_TABLE(?, '$[*]' COLUMNS (id INT UNSIGNED PATH '$')) AS j"
      " ON l.user_id = j.id WHERE l.update_time < FROM_UNIXTIME(?)",
      {IdList(ids), cutoff});
}

Status GeoRebuild(Db& db, Redis& redis, int64_t now) {
  const std::string geo = std::string(kGeo) + ":rebuild";
  RedisReply reply;
  RETURN_IF_ERROR(redis.CommandArgv({"DEL", geo}, &reply));
  int64_t after = 0;
  for (;;) {
    std::vector<Row> rows;
    RETURN_IF_ERROR(db.Query(
        "SELECT user_id, longitude, latitude FROM location"
        " WHERE user_id > ? AND update_time >= FROM_UNIXTIME(?) ORDER BY user_id LIMIT 5000",
        {after, now - kLocationMaxAgeDays * 86400}, &rows));
    if (rows.empty()) break;
    std::vector<std::string_view> add = {"GEOADD", geo};
    for (const Row& r : rows) add.insert(add.end(), {r.Str(1), r.Str(2), r.Str(0)});
    RETURN_IF_ERROR(redis.CommandArgv(add, &reply));
    after = rows.back().Int(0);
  }
  RETURN_IF_ERROR(redis.CommandArgv({"EXISTS", geo}, &reply));
  if (reply.Integer() == 0) return redis.CommandArgv({"DEL", kGeo}, &reply);
  return redis.CommandArgv({"RENAME", geo, kGeo}, &reply);
}

}  // namespace dt
