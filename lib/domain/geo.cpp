// Grid snapping and the GEO index.
#include "lib/domain/geo.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>

namespace dt {
namespace {

constexpr const char* kGeo = kGeoKey;
constexpr const char* kParts = "dt:geo:parts";
constexpr int kBandYears = 5;
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

// A position into dt:geo (ARGV 2, 3: lng, lat; empty: the one it holds) and into the
// partition KEYS[3], out of any other: a user already in KEYS[3] is in no other (every
// write goes through here or kRemove; a rebuild starts over), so the sweep of the others
// is only for a first report or a move.
const RedisScript kPlace(R"lua(
if ARGV[2] ~= '' then redis.call('GEOADD', KEYS[1], ARGV[2], ARGV[3], ARGV[1]) end
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score then return 0 end
if not redis.call('ZSCORE', KEYS[3], ARGV[1]) then
  for _, k in ipairs(redis.call('SMEMBERS', KEYS[2])) do
    if k ~= KEYS[3] then redis.call('ZREM', k, ARGV[1]) end
  end
  redis.call('SADD', KEYS[2], KEYS[3])
end
redis.call('ZADD', KEYS[3], score, ARGV[1])
return 1
)lua");

// ARGV's users out of dt:geo and every partition.
const RedisScript kRemove(R"lua(
redis.call('ZREM', KEYS[1], unpack(ARGV))
for _, k in ipairs(redis.call('SMEMBERS', KEYS[2])) do redis.call('ZREM', k, unpack(ARGV)) end
return 1
)lua");

// The rebuilt index (KEYS[1]) and partitions (ARGV, each built as "<key>:rebuild") in
// place of the old ones.
const RedisScript kSwap(R"lua(
for _, k in ipairs(redis.call('SMEMBERS', KEYS[3])) do redis.call('UNLINK', k) end
redis.call('UNLINK', KEYS[3])
for _, k in ipairs(ARGV) do
  redis.call('RENAME', k .. ':rebuild', k)
  redis.call('SADD', KEYS[3], k)
end
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('RENAME', KEYS[1], KEYS[2])
else
  redis.call('UNLINK', KEYS[2])
end
return 1
)lua");

Status Place(Redis& redis, int64_t user, const std::string& part, const std::string& lng,
             const std::string& lat) {
  RedisReply reply;
  const std::string id = std::to_string(user);
  return redis.Eval(kPlace, {kGeo, kParts, part}, {id, lng, lat}, &reply);
}

}  // namespace

std::string GeoBandKey(int gender, int year) {
  const int band = year > 0 ? year - year % kBandYears : 0;
  return "dt:geo:g" + std::to_string(gender) + ":y" + std::to_string(band);
}

std::string GeoPartKey(int gender, int64_t birth) {
  return GeoBandKey(gender, birth > 0 ? static_cast<int>(birth / 10000) : 0);
}

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

Status GeoIndexPut(Redis& redis, int64_t user, const LatLng& snapped, const std::string& part) {
  return Place(redis, user, part, Format(snapped.lng), Format(snapped.lat));
}

Status GeoIndexPlace(Redis& redis, int64_t user, const std::string& part) {
  return Place(redis, user, part, "", "");
}

Status GeoSetPut(Redis& redis, const char* key, int64_t user, const LatLng& snapped) {
  RedisReply reply;
  return redis.CommandArgv(
      {"GEOADD", key, Format(snapped.lng), Format(snapped.lat), std::to_string(user)}, &reply);
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

namespace {

bool ReadPosition(const redisReply* r, LatLng* out) {
  if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 1 ||
      r->element[0]->type != REDIS_REPLY_ARRAY || r->element[0]->elements != 2) {
    return false;
  }
  out->lng = std::strtod(r->element[0]->element[0]->str, nullptr);
  out->lat = std::strtod(r->element[0]->element[1]->str, nullptr);
  return true;
}

bool PositionCommand(const Args&, int64_t user, std::vector<std::string>* argv) {
  if (user <= 0) return false;
  *argv = {"GEOPOS", kGeo, std::to_string(user)};
  return true;
}

}  // namespace

const Preloader kPositionPreload{"position", PositionCommand};

Status GeoPosition(Redis& redis, int64_t user, LatLng* out, bool* found) {
  RedisReply reply;
  RETURN_IF_ERROR(redis.CommandArgv({"GEOPOS", kGeo, std::to_string(user)}, &reply));
  *found = ReadPosition(reply.get(), out);
  return Status::Ok();
}

Status LoadPosition(RequestContext& ctx, LatLng* out, bool* found) {
  const Preloaded::Entry* pre = PreloadedOf(ctx).Find(kPositionPreload);
  if (pre && pre->answered && pre->reply.get() && pre->reply.get()->type != REDIS_REPLY_ERROR) {
    *found = ReadPosition(pre->reply.get(), out);
    return Status::Ok();
  }
  return GeoPosition(ctx.redis, ctx.user_id, out, found);
}

Status GeoIndexRemove(Redis& redis, int64_t user) {
  RedisReply reply;
  return redis.Eval(kRemove, {kGeo, kParts}, {std::to_string(user)}, &reply);
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
  std::vector<std::string_view> users;
  for (const Row& r : rows) {
    ids.push_back(r.Int(0));
    users.push_back(r.Str(0));
  }
  RedisReply reply;
  RETURN_IF_ERROR(redis.Eval(kRemove, {kGeo, kParts}, users, &reply));
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
  std::set<std::string> parts;  // each made empty before its first member
  int64_t after = 0;
  for (;;) {
    std::vector<Row> rows;
    RETURN_IF_ERROR(db.Query(
        "SELECT l.user_id, l.longitude, l.latitude, u.gender,"
        " COALESCE(DATE_FORMAT(u.birthday, '%Y%m%d'), 0) FROM location l"
        " JOIN user_info u ON u.id = l.user_id"
        " WHERE l.user_id > ? AND l.update_time >= FROM_UNIXTIME(?) ORDER BY l.user_id LIMIT 5000",
        {after, now - kLocationMaxAgeDays * 86400}, &rows));
    if (rows.empty()) break;
    std::map<std::string, std::vector<std::string_view>> adds;
    std::vector<std::string_view> add = {"GEOADD", geo};
    for (const Row& r : rows) {
      add.insert(add.end(), {r.Str(1), r.Str(2), r.Str(0)});
      std::vector<std::string_view>& to =
          adds[GeoPartKey(static_cast<int>(r.Int(3)), r.Int(4)) + ":rebuild"];
      to.insert(to.end(), {r.Str(1), r.Str(2), r.Str(0)});
    }
    std::vector<std::vector<std::string_view>> commands = {add};
    for (auto& [key, members] : adds) {
      if (parts.insert(key.substr(0, key.size() - 8)).second) commands.push_back({"DEL", key});
      std::vector<std::string_view> part = {"GEOADD", key};
      part.insert(part.end(), members.begin(), members.end());
      commands.push_back(std::move(part));
    }
    std::vector<RedisReply> replies;
    RETURN_IF_ERROR(redis.Pipeline(commands, &replies));
    for (const RedisReply& r : replies) {
      if (r.get() && r.get()->type == REDIS_REPLY_ERROR) {
        return Status::Internal("rebuild-geo: " + std::string(r.get()->str, r.get()->len));
      }
    }
    after = rows.back().Int(0);
  }
  std::vector<std::string_view> names(parts.begin(), parts.end());
  return redis.Eval(kSwap, {geo, kGeo, kParts}, names, &reply);
}

}  // namespace dt
