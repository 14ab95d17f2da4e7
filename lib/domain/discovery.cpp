// Preferences and the like quotas; see discovery.h.
#include "lib/domain/discovery.h"

#include <time.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "lib/core/clock.h"
#include "lib/core/errors.h"
#include "lib/domain/geo.h"

namespace dt {
namespace {

constexpr int64_t kQuotaWindowMs = 86400 * 1000LL;

// KEYS: the quota sets to count in; ARGV: now (ms), window (ms), member, then a limit per
// key. Drops what left the window; when a set is at its limit, counts nothing and returns
// {seconds until its oldest leaves, the key's index}; else adds the member to each and
// returns {0, 0, what is left in each...}.
const RedisScript kTake(R"lua(
local now, window = tonumber(ARGV[1]), tonumber(ARGV[2])
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  if redis.call('ZCARD', key) >= tonumber(ARGV[3 + i]) then
    local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    local wait = 1
    if oldest[2] then wait = math.ceil((tonumber(oldest[2]) + window - now) / 1000) end
    if wait < 1 then wait = 1 end
    return {wait, i}
  end
end
local left = {0, 0}
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[3])
  redis.call('PEXPIRE', key, window)
  left[#left + 1] = tonumber(ARGV[3 + i]) - redis.call('ZCARD', key)
end
return left
)lua");

}  // namespace

constexpr const char* kBoostKey = "dt:boost";

Status LoadBoost(Db& db, const Config& config, int64_t user, int64_t now, BoostState* out) {
  Row row;
  bool found = false;
  RETURN_IF_ERROR(
      db.QueryRow("SELECT COALESCE(UNIX_TIMESTAMP(MAX(start_time)), 0), "
                  "COALESCE(UNIX_TIMESTAMP(MAX(end_time)), 0)"
                  " FROM user_boost WHERE user_id = ? AND start_time > FROM_UNIXTIME(?)",
                  {user, now - int64_t{config.boost_every_days} * 86400}, &row, &found));
  *out = BoostState();
  if (row.Int(0) > 0) out->next_at = row.Int(0) + int64_t{config.boost_every_days} * 86400;
  if (row.Int(1) > now) out->running_until = row.Int(1);
  return Status::Ok();
}

Status StartBoost(Db& db, Redis& redis, const Config& config, int64_t user, int64_t now,
                  BoostState* out) {
  RETURN_IF_ERROR(InTransaction(db, [&]() -> Status {
    Row row;
    bool found = false;
    RETURN_IF_ERROR(
        db.QueryRow("SELECT 1 FROM vip_info WHERE user_id = ? FOR UPDATE", {user}, &row, &found));
    RETURN_IF_ERROR(LoadBoost(db, config, user, now, out));
    if (out->next_at > now) {
      JsonWriter data;
      data.Str("next_at", FormatUtc(out->next_at));
      return Status::Error(kLimitReached, "boost used.", data.Close());
    }
    out->running_until = now + int64_t{config.boost_minutes} * 60;
    out->next_at = now + int64_t{config.boost_every_days} * 86400;
    return db.Exec(
        "INSERT INTO user_boost (user_id, start_time, end_time) VALUES (?, FROM_UNIXTIME(?),"
        " FROM_UNIXTIME(?))",
        {user, now, out->running_until});
  }));
  // Where the decks find it: its end, and the user's position (a GEOSEARCH of the few
  // boosted instead of everyone).
  RedisReply added;
  RETURN_IF_ERROR(redis.CommandArgv(
      {"ZADD", kBoostKey, std::to_string(out->running_until), std::to_string(user)}, &added));
  LatLng where;
  bool located = false;
  RETURN_IF_ERROR(GeoPosition(redis, user, &where, &located));
  return located ? GeoSetPut(redis, kBoostGeoKey, user, where) : Status::Ok();
}

std::vector<std::string> BoostEndsCommand(const std::vector<int64_t>& users) {
  std::vector<std::string> words = {"ZMSCORE", kBoostKey};
  for (int64_t u : users) words.push_back(std::to_string(u));
  return words;
}

void ReadBoostEnds(const RedisReply& reply, size_t n, int64_t now, std::vector<int64_t>* ends) {
  ends->assign(n, 0);
  for (size_t i = 0; i < n && i < reply.size(); ++i) {
    const redisReply* e = reply.Element(i);
    const int64_t end = e && e->type == REDIS_REPLY_STRING ? std::strtoll(e->str, nullptr, 10) : 0;
    if (end > now) (*ends)[i] = end;
  }
}

Status RebuildBoosts(Db& db, Redis& redis, int64_t now) {
  std::vector<Row> rows;
  RETURN_IF_ERROR(
      db.Query("SELECT user_id, UNIX_TIMESTAMP(MAX(end_time)) FROM user_boost"
               " WHERE end_time > FROM_UNIXTIME(?) GROUP BY user_id",
               {now}, &rows));
  for (const Row& r : rows) {
    RedisReply added;
    RETURN_IF_ERROR(redis.CommandArgv({"ZADD", kBoostKey, r.Str(1), r.Str(0)}, &added));
    LatLng where;
    bool located = false;
    RETURN_IF_ERROR(GeoPosition(redis, r.Int(0), &where, &located));
    if (located) RETURN_IF_ERROR(GeoSetPut(redis, kBoostGeoKey, r.Int(0), where));
  }
  return Status::Ok();
}

Status PruneBoosts(Redis& redis, int64_t now) {
  RedisReply ended;
  RETURN_IF_ERROR(redis.CommandArgv(
      {"ZRANGEBYSCORE", kBoostKey, "-inf", std::to_string(now), "LIMIT", "0", "500"}, &ended));
  if (ended.size() == 0) return Status::Ok();
  std::vector<std::string_view> zrem = {"ZREM", kBoostKey}, georem = {"ZREM", kBoostGeoKey};
  for (size_t i = 0; i < ended.size(); ++i) {
    const std::string_view id(ended.Element(i)->str, ended.Element(i)->len);
    zrem.push_back(id);
    georem.push_back(id);
  }
  std::vector<RedisReply> replies;
  return redis.Pipeline({zrem, georem}, &replies);
}

std::string DeckPoolKey(int64_t user) { return "dt:recs:pool:" + std::to_string(user); }

namespace {

std::string LikedSinceKey(int64_t user) { return "dt:recs:acted:" + std::to_string(user); }

bool PoolCommand(const Args&, int64_t user, std::vector<std::string>* argv) {
  if (user <= 0) return false;
  *argv = {"GET", DeckPoolKey(user)};
  return true;
}

bool LikedSinceCommand(const Args&, int64_t user, std::vector<std::string>* argv) {
  if (user <= 0) return false;
  *argv = {"SMEMBERS", LikedSinceKey(user)};
  return true;
}

bool RunningBoostsCommand(const Args&, int64_t, std::vector<std::string>* argv) {
  *argv = {"ZRANGE", kBoostKey, "(" + std::to_string(time(nullptr)),
           "+inf",   "BYSCORE", "LIMIT",
           "0",      "50",      "WITHSCORES"};
  return true;
}

}  // namespace

const Preloader kDeckPoolPreload{"deck-pool", PoolCommand};
const Preloader kLikedSincePreload{"liked-since", LikedSinceCommand};
const Preloader kRunningBoostsPreload{"running-boosts", RunningBoostsCommand};

// "p2;" then an entry per person, "user:metres:centiscore:superliked;" in integers (metres
// -1: no distance), so that a page reads its entries with no float parsing.
std::string FormatPool(const std::vector<PoolEntry>& pool) {
  std::string out = "p2;";
  char buf[96];
  for (const PoolEntry& e : pool) {
    snprintf(buf, sizeof buf, "%lld:%lld:%lld:%d;", static_cast<long long>(e.user),
             e.km < 0 ? -1LL : std::llround(e.km * 1000), std::llround(e.score * 100),
             e.superliked_me ? 1 : 0);
    out += buf;
  }
  return out;
}

bool ParsePool(std::string_view text, std::vector<PoolEntry>* out) {
  if (text.substr(0, 3) != "p2;") return false;
  const char* p = text.data() + 3;
  const char* end = text.data() + text.size();
  while (p < end) {
    int64_t v[4];
    for (int i = 0; i < 4; ++i) {
      auto [next, ec] = std::from_chars(p, end, v[i]);
      if (ec != std::errc() || next == end || *next != (i < 3 ? ':' : ';')) return false;
      p = next + 1;
    }
    if (v[0] <= 0) return false;
    PoolEntry e;
    e.user = v[0];
    e.km = v[1] < 0 ? -1 : static_cast<double>(v[1]) / 1000;
    e.score = static_cast<double>(v[2]) / 100;
    e.superliked_me = v[3] == 1;
    out->push_back(e);
  }
  return true;
}

Status StoreDeckPool(Redis& redis, const Config& config, int64_t user,
                     const std::vector<PoolEntry>& pool) {
  if (config.deck_pool_seconds == 0) return Status::Ok();
  RedisReply reply;
  return redis.CommandArgv(
      {"SET", DeckPoolKey(user), FormatPool(pool), "EX", std::to_string(config.deck_pool_seconds)},
      &reply);
}

Status DropDeckPool(Redis& redis, int64_t user) {
  RedisReply reply;
  return redis.CommandArgv({"DEL", DeckPoolKey(user)}, &reply);
}

Status RememberLiked(Redis& redis, const Config& config, int64_t user, int64_t peer) {
  if (config.deck_pool_seconds == 0) return Status::Ok();
  const std::string key = LikedSinceKey(user);
  // As long as a pool built before the like may be served, and the build's own time.
  const std::string ttl = std::to_string(config.deck_pool_seconds + 60);
  std::vector<RedisReply> replies;
  return redis.Pipeline({{"SADD", key, std::to_string(peer)}, {"EXPIRE", key, ttl}}, &replies);
}

std::string LikesQuotaKey(int64_t user) { return "dt:q:like:" + std::to_string(user); }
std::string SuperlikesQuotaKey(int64_t user) { return "dt:q:superlike:" + std::to_string(user); }

Preferences DefaultPreferences(int gender, int sexual, int age) {
  Preferences p;
  if (age >= 18) {
    p.age_min = std::max(18, age - 5);
    p.age_max = std::min(120, age + 5);
  }
  if (sexual == 1 || sexual == 2) {
    p.genders = 1 << sexual;
  } else if (gender == 1 || gender == 2) {
    p.genders = 1 << (3 - gender);
  }
  return p;
}

int64_t UtcYmd(int64_t now) {
  const time_t t = static_cast<time_t>(now);
  tm utc{};
  gmtime_r(&t, &utc);
  return (utc.tm_year + 1900) * 10000LL + (utc.tm_mon + 1) * 100 + utc.tm_mday;
}

int AgeOn(int64_t birth, int64_t today) {
  if (birth <= 0 || today < birth) return 0;
  return static_cast<int>((today - birth) / 10000);
}

Preferences RecordPreferences(const ProfileRecord& r, int64_t today) {
  if (r.pref_genders == 0) return DefaultPreferences(r.gender, r.sexual, AgeOn(r.birth, today));
  Preferences p;
  p.age_min = r.pref_age_min;
  p.age_max = r.pref_age_max;
  p.distance_km = r.pref_distance_km;
  p.genders = r.pref_genders;
  p.saved = true;
  return p;
}

bool Fits(const Preferences& p, int gender, int age) {
  if (gender < 0 || gender > 2 || !(p.genders & (1 << gender))) return false;
  if (age == 0) return p.age_min <= 18 && p.age_max >= 120;
  return age >= p.age_min && age <= p.age_max;
}

std::vector<std::string> DeckPartitions(const Preferences& p, int64_t today) {
  // Born after today's date p.age_max + 1 years ago and by p.age_min years ago.
  const int year = static_cast<int>(today / 10000);
  const int first = year - p.age_max - 1, last = year - p.age_min;
  std::vector<std::string> parts;
  for (int gender = 0; gender <= 2; ++gender) {
    if (!(p.genders & (1 << gender))) continue;
    for (int band = first - first % 5; band <= last; band += 5) {
      parts.push_back(GeoBandKey(gender, band));
    }
    if (Fits(p, gender, 0)) parts.push_back(GeoBandKey(gender, 0));
  }
  if (parts.size() > kMaxDeckParts) return {kGeoKey};
  return parts;
}

Status LoadPreferences(Db& db, Redis& redis, const Config& config, int64_t user, int64_t now,
                       Preferences* out) {
  ProfileRecord record;
  bool found = false;
  RETURN_IF_ERROR(LoadProfile(db, redis, config, user, &record, &found));
  if (!found) return Status::Error(kNoUser);
  *out = RecordPreferences(record, UtcYmd(now));
  return Status::Ok();
}

Status SavePreferences(Db& db, int64_t user, const Preferences& p, int64_t now) {
  return db.Exec(
      "INSERT INTO user_preference (user_id, age_min, age_max, distance_km, genders, update_time)"
      " VALUES (?, ?, ?, ?, ?, FROM_UNIXTIME(?)) ON DUPLICATE KEY UPDATE age_min = VALUES(age_min),"
      " age_max = VALUES(age_max), distance_km = VALUES(distance_km), genders = VALUES(genders),"
      " update_time = VALUES(update_time)",
      {user, int64_t{p.age_min}, int64_t{p.age_max}, int64_t{p.distance_km}, int64_t{p.genders},
       now});
}

void WritePreferences(const Preferences& p, JsonWriter* w) {
  w->Int("ageMin", p.age_min).Int("ageMax", p.age_max).Int("distanceKm", p.distance_km);
  w->Array("genders");
  for (int g = 0; g < 3; ++g) {
    if (p.genders & (1 << g)) w->Int(g);
  }
  w->End();
  w->Bool("saved", p.saved);
}

bool ParseGenders(const std::string& text, int* bits) {
  *bits = 0;
  size_t at = 0;
  while (at <= text.size()) {
    const size_t comma = std::min(text.find(',', at), text.size());
    if (comma - at != 1 || text[at] < '0' || text[at] > '2') return false;
    const int bit = 1 << (text[at] - '0');
    if (*bits & bit) return false;  // twice
    *bits |= bit;
    at = comma + 1;
  }
  return *bits != 0;
}

Status TakeLikeQuota(Redis& redis, const Config& config, int64_t user, int64_t peer, bool like,
                     bool superlike, bool vip, int64_t now_ms, LikeClaim* claim) {
  *claim = LikeClaim();
  claim->member = std::to_string(peer) + ":" + std::to_string(now_ms);
  std::vector<std::string_view> keys;
  std::vector<std::string> limits;
  if (like && !vip) {
    claim->likes_key = LikesQuotaKey(user);
    claim->likes_limit = config.likes_per_day;
    keys.push_back(claim->likes_key);
    limits.push_back(std::to_string(claim->likes_limit));
  }
  if (superlike) {
    claim->superlikes_key = SuperlikesQuotaKey(user);
    claim->superlikes_limit = vip ? config.vip_superlikes_per_day : config.superlikes_per_day;
    keys.push_back(claim->superlikes_key);
    limits.push_back(std::to_string(claim->superlikes_limit));
  }
  if (keys.empty()) return Status::Ok();
  const std::string now = std::to_string(now_ms), window = std::to_string(kQuotaWindowMs);
  std::vector<std::string_view> args = {now, window, claim->member};
  for (const std::string& l : limits) args.push_back(l);
  RedisReply reply;
  RETURN_IF_ERROR(redis.Eval(kTake, keys, args, &reply));
  const redisReply* r = reply.get();
  if (r == nullptr || r->type != REDIS_REPLY_ARRAY || r->elements < 2) {
    return Status::Internal("like quota: unexpected reply");
  }
  const long long wait = r->element[0]->integer;
  if (wait > 0) {
    const bool likes_full = !claim->likes_key.empty() && r->element[1]->integer == 1;
    JsonWriter data;
    data.Int("retry_after", wait).Str("quota", likes_full ? "likes" : "superlikes");
    claim->likes_key.clear();
    claim->superlikes_key.clear();
    return Status::Error(kTooMany,
                         likes_full ? "daily likes used up." : "daily superlikes used up.",
                         data.Close())
        .WithRetryAfter(wait);
  }
  size_t i = 2;
  if (!claim->likes_key.empty() && i < r->elements) claim->likes_left = r->element[i++]->integer;
  if (!claim->superlikes_key.empty() && i < r->elements) {
    claim->superlikes_left = r->element[i]->integer;
  }
  return Status::Ok();
}

Status ReturnLikeQuota(Redis& redis, const LikeClaim& claim, bool likes, bool superlikes) {
  Status s;
  RedisReply reply;
  if (likes && !claim.likes_key.empty()) {
    s = redis.CommandArgv({"ZREM", claim.likes_key, claim.member}, &reply);
  }
  if (superlikes && !claim.superlikes_key.empty()) {
    Status t = redis.CommandArgv({"ZREM", claim.superlikes_key, claim.member}, &reply);
    if (s.ok()) s = t;
  }
  return s;
}

}  // namespace dt
