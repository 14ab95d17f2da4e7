// Discovery (API.md "Discovery"): what the caller looks for (stored per user; a user who
// never said gets defaults from their own profile, lib/domain/discovery.h), and the deck
// of recommendations it shapes.
#include <algorithm>
#include <cmath>
#include <unordered_set>

#include "handlers/handlers.h"
#include "lib/core/args.h"
#include "lib/core/clock.h"
#include "lib/core/context.h"
#include "lib/core/crypto.h"
#include "lib/domain/discovery.h"
#include "lib/domain/geo.h"
#include "lib/domain/guard.h"
#include "lib/domain/hot.h"
#include "lib/domain/profile.h"
#include "lib/domain/push.h"
#include "lib/domain/visibility.h"

namespace dt {
namespace {

// The discovery preferences and, beside them, what the caller wants of pushes
// (lib/domain/push.h).
Reply PreferencesReply(const Preferences& p, const PushSettings& push) {
  JsonWriter data;
  WritePreferences(p, &data);
  if (push.quiet_start >= 0) {
    data.Str("quietStart", FormatClock(push.quiet_start))
        .Str("quietEnd", FormatClock(push.quiet_end));
  } else {
    data.Null("quietStart").Null("quietEnd");
  }
  data.Int("tzOffset", push.tz_offset).Bool("showPreview", push.show_preview);
  return Reply::Ok(data);
}

Reply HandleShowPreferences(RequestContext& ctx) {
  Preferences p;
  RETURN_IF_ERROR(
      LoadPreferences(ctx.db, ctx.redis, ctx.config(), ctx.user_id, ctx.clock().NowSeconds(), &p));
  PushSettings push;
  RETURN_IF_ERROR(LoadPushSettings(ctx.db, ctx.user_id, &push));
  return PreferencesReply(p, push);
}

// The push settings given: quietStart and quietEnd together ("HH:MM" of the caller's day
// at tzOffset; equal ones turn quiet hours off), tzOffset, showPreview.
Status ReadPushSettings(RequestContext& ctx, PushSettings* push) {
  const Args& a = ctx.args;
  RETURN_IF_ERROR(LoadPushSettings(ctx.db, ctx.user_id, push));
  if (a.Has("quietStart") != a.Has("quietEnd")) {
    return Status::Error(kBadParam,
                         a.Has("quietStart") ? "quietEnd is missing." : "quietStart is missing.");
  }
  if (a.Has("quietStart")) {
    int start = 0, end = 0;
    if (!ParseClock(a.Text("quietStart"), &start))
      return Status::Error(kBadParam, "quietStart is invalid.");
    if (!ParseClock(a.Text("quietEnd"), &end))
      return Status::Error(kBadParam, "quietEnd is invalid.");
    push->quiet_start = start == end ? -1 : start;
    push->quiet_end = start == end ? -1 : end;
  }
  if (a.Has("tzOffset")) push->tz_offset = static_cast<int>(a.Int("tzOffset"));
  if (a.Has("showPreview")) push->show_preview = a.Int("showPreview") == 1;
  return Status::Ok();
}

// Each parameter is optional and changes only its own preference; ageMin <= ageMax is
// checked against what the other one is, given or kept.
Reply HandleUpdatePreferences(RequestContext& ctx) {
  const Args& a = ctx.args;
  const bool discovery =
      a.Has("ageMin") || a.Has("ageMax") || a.Has("distanceKm") || a.Has("genders");
  const bool pushes =
      a.Has("quietStart") || a.Has("quietEnd") || a.Has("tzOffset") || a.Has("showPreview");
  if (!discovery && !pushes) return Status::Error(kBadParam, "no preference given.");
  const int64_t now = ctx.clock().NowSeconds();
  Preferences p;
  RETURN_IF_ERROR(LoadPreferences(ctx.db, ctx.redis, ctx.config(), ctx.user_id, now, &p));
  PushSettings push;
  RETURN_IF_ERROR(ReadPushSettings(ctx, &push));  // refused before anything is stored
  if (!discovery) {
    RETURN_IF_ERROR(SavePushSettings(ctx.db, ctx.user_id, push, now));
    return PreferencesReply(p, push);
  }
  if (a.Has("genders") && !ParseGenders(a.Text("genders"), &p.genders)) {
    return Status::Error(kBadParam, "genders is invalid.");
  }
  if (a.Has("ageMin")) p.age_min = static_cast<int>(a.Int("ageMin"));
  if (a.Has("ageMax")) p.age_max = static_cast<int>(a.Int("ageMax"));
  if (a.Has("distanceKm")) p.distance_km = static_cast<int>(a.Int("distanceKm"));
  if (p.age_min > p.age_max) {
    return Status::Error(kBadParam, a.Has("ageMax") ? "ageMax is invalid." : "ageMin is invalid.");
  }
  RETURN_IF_ERROR(SavePreferences(ctx.db, ctx.user_id, p, now));
  if (pushes) RETURN_IF_ERROR(SavePushSettings(ctx.db, ctx.user_id, push, now));
  RETURN_IF_ERROR(InvalidateProfile(ctx.redis, ctx.user_id));  // the record carries them
  RETURN_IF_ERROR(DropDeckPool(ctx.redis, ctx.user_id));
  p.saved = true;
  return PreferencesReply(p, push);
}

// How long a deck remembers whom it showed, how far it looks, how old a superlike may be.
constexpr int kDeckSeconds = 3600;
constexpr size_t kMaxJudged = 1000;  // candidates looked at for one page, at most
// The first search's radius: a grid cell in the whole index; four times that (a sixteenth
// of the members per area, about what a partition holds) in partitions. Both just under a
// step of Redis's geohash box sizes (handlers/nearby.cpp).
constexpr double kFirstRadiusKm = 0.152, kFirstPartRadiusKm = 0.611;
constexpr int64_t kSuperlikeDays = 30;
constexpr int kMaxSuperlikers = 20;  // of the newest, each page looks at

struct Candidate {
  int64_t user = 0;
  double km = -1;  // < 0: not from the location index
  bool superliked_me = false;
  int64_t boost_end = 0;  // a running boost's end, else 0
  double views = 0;       // the hot ranking's, over its window
  ProfileRecord record;
  double score = 0;  // without the boost
};

using Hits = std::vector<std::pair<int64_t, double>>;  // user, km (< 0: none)

// The score of API.md "Discovery" but the boost's (added when a page is served, the boost
// running then): superlikers first, then nearness, popularity and recent activity.
double BaseScore(const Candidate& c, const Preferences& mine, int64_t now) {
  double s = c.superliked_me ? 1000 : 0;
  if (c.km >= 0) s += 100 * std::max(0.0, 1 - c.km / mine.distance_km);
  s += 50 * std::min(1.0, std::log10(1 + c.views) / 4);
  const int64_t idle = now - c.record.located_at;
  if (c.record.located_at > 0 && idle < 86400) {
    s += 30;
  } else if (c.record.located_at > 0 && idle < 7 * 86400) {
    s += 15;
  }
  return s;
}
constexpr double kBoostScore = 500;

std::vector<std::string_view> Words(const std::vector<std::string>& words) {
  return std::vector<std::string_view>(words.begin(), words.end());
}

// One page of the caller's deck: the best-scored of the nearest people (or, for a caller
// with no recent location, the most popular) the deck has not shown yet, who fit the
// caller's preferences and whose preferences the caller fits. The deck (a Redis set of
// whom it showed, named by the cursor) is what makes pages never repeat anyone.
//
// A page is served from the caller's pool (lib/domain/discovery.h) when there is one: the
// pool, whom the caller liked since, the running boosts, the caller's record and hidden set
// come with the authenticator's round trip; one pipeline reads the records of the pool's
// next people (and of running boosts not in it, with their distances) and whether the deck
// showed them; one remembers the page. Without a pool, or when this deck has used it up, a
// build makes a new one (Build, docs/performance.md "Discovery").
class Deck {
 public:
  Deck(RequestContext& ctx, std::string key) : ctx_(ctx), key_(std::move(key)) {}

  Status Page(size_t page_count, std::vector<Candidate>* page, bool* more) {
    now_ = ctx_.clock().NowSeconds();
    today_ = UtcYmd(now_);
    ProfileRecord me;
    bool found = false;
    RETURN_IF_ERROR(LoadOwnProfile(ctx_, &me, &found));
    if (!found) return Status::Error(kNoUser);
    mine_ = RecordPreferences(me, today_);
    my_gender_ = me.gender;
    my_age_ = AgeOn(me.birth, today_);
    located_recently_ = me.located_at >= now_ - kLocationMaxAgeDays * 86400;
    RETURN_IF_ERROR(LoadHidden(ctx_, HiddenScope::kHotList, &hidden_));
    // The window: a page and a half and one (the score reorders within it; one more
    // tells whether there is a next page).
    window_ = page_count + page_count / 2 + 1;

    // A pool is ranked already: a page and one more of it.
    const size_t served = page_count + 1;
    std::vector<PoolEntry> pool;
    const bool pooled = ReadPreloaded(&pool);
    size_t next = 0;  // the pool's first entry not looked at
    // With no running boost to put first, the page is the pool's first people who pass:
    // they are remembered in the first pipeline, and the page costs no round trip of its
    // own unless one failed (one that failed is out of this deck anyway).
    const bool presume = std::none_of(boosts_.begin(), boosts_.end(),
                                      [this](const auto& b) { return !Skip(b.first); });
    for (bool first = true; pooled && accepted_.size() < served && (first || next < pool.size());
         first = false) {
      std::vector<PoolEntry> chunk;
      while (next < pool.size() && chunk.size() < served - accepted_.size()) {
        const PoolEntry& e = pool[next++];
        if (Skip(e.user)) continue;
        chunk.push_back(e);
      }
      std::vector<int64_t> presumed;
      for (size_t i = 0; presume && first && i < chunk.size() && i < page_count; ++i) {
        presumed.push_back(chunk[i].user);
      }
      RETURN_IF_ERROR(Serve(chunk, /*with_boosts=*/first, presumed));
    }
    bool exhausted = false;
    if (pooled && accepted_.size() >= served) {
      exhausted = next >= pool.size();  // perhaps: the next page builds to know
    } else {
      RETURN_IF_ERROR(Build(&exhausted));
    }
    // Best first (equal scores: the older account first).
    for (Candidate& c : accepted_) c.score += c.boost_end > now_ ? kBoostScore : 0;
    std::stable_sort(accepted_.begin(), accepted_.end(),
                     [](const Candidate& a, const Candidate& b) {
                       return a.score != b.score ? a.score > b.score : a.user < b.user;
                     });
    // More: the window held more than a page, or people are left (in the pool, or beyond
    // where a build stopped at its bound).
    *more = accepted_.size() > page_count || !exhausted;
    // One remembered early that a build's people moved off the page is not shown: out of
    // the deck's set again.
    std::vector<int64_t> displaced;
    for (size_t i = page_count; i < accepted_.size(); ++i) {
      if (remembered_.count(accepted_[i].user)) displaced.push_back(accepted_[i].user);
    }
    if (accepted_.size() > page_count) accepted_.resize(page_count);
    *page = std::move(accepted_);
    return Remember(*page, displaced);
  }

 private:
  // The preloaded pool (false when there is none), whom the caller liked since and the
  // running boosts.
  bool ReadPreloaded(std::vector<PoolEntry>* pool) {
    Preloaded& preloaded = PreloadedOf(ctx_);
    const Preloaded::Entry* liked = preloaded.Find(kLikedSincePreload);
    if (liked && liked->answered) {
      for (size_t i = 0; i < liked->reply.size(); ++i) {
        liked_since_.insert(std::strtoll(liked->reply.Element(i)->str, nullptr, 10));
      }
    }
    const Preloaded::Entry* boosts = preloaded.Find(kRunningBoostsPreload);
    if (boosts && boosts->answered) {
      for (size_t i = 0; i + 1 < boosts->reply.size(); i += 2) {
        const int64_t end = std::strtoll(boosts->reply.Element(i + 1)->str, nullptr, 10);
        if (end > now_) boosts_[std::strtoll(boosts->reply.Element(i)->str, nullptr, 10)] = end;
      }
    }
    const Preloaded::Entry* entry = preloaded.Find(kDeckPoolPreload);
    return ctx_.config().deck_pool_seconds > 0 && liked && liked->answered && boosts &&
           boosts->answered && entry && entry->answered && entry->reply.IsString() &&
           ParsePool(entry->reply.Str(), pool);
  }

  // Whether `user` is out of this page before anything is read: the caller, hidden from
  // them, liked since the pool was built, or looked at already.
  bool Skip(int64_t user) const {
    return user == ctx_.user_id || hidden_.Contains(user) || liked_since_.count(user) > 0 ||
           judged_.count(user) > 0;
  }

  // One pipeline: the records of `ids` (into *records; MySQL for a miss), whether the deck
  // showed each (replies[1], read by Seen), then the `more` commands' replies.
  Status Read(const std::vector<int64_t>& ids, std::vector<std::vector<std::string>> more,
              std::vector<RedisReply>* replies,
              std::unordered_map<int64_t, ProfileRecord>* records) {
    std::vector<std::vector<std::string>> words = {ProfilesCommand(ids), {"SMISMEMBER", key_}};
    for (int64_t id : ids) words[1].push_back(std::to_string(id));
    for (auto& w : more) words.push_back(std::move(w));
    std::vector<std::vector<std::string_view>> commands;
    for (const auto& w : words) commands.push_back(Words(w));
    RETURN_IF_ERROR(ctx_.redis.Pipeline(commands, replies));
    return LoadProfilesFrom(ctx_.db, ctx_.redis, ctx_.config(), ids, Status::Ok(), (*replies)[0],
                            records, ProfileParts::kCard);
  }
  static bool Seen(const std::vector<RedisReply>& replies, size_t i) {
    return i < replies[1].size() && replies[1].Element(i)->integer == 1;
  }

  // Whether the record lets the deck show its owner: visible, a recent report when found
  // by distance, both sides' preferences.
  bool Shows(const ProfileRecord& r, double km) const {
    if (!ProfileVisibleTo(r, ctx_.user_id)) return false;
    if (km >= 0 && r.located_at < now_ - kLocationMaxAgeDays * 86400) return false;
    return Fits(mine_, r.gender, AgeOn(r.birth, today_)) &&
           Fits(RecordPreferences(r, today_), my_gender_, my_age_);
  }

  // Accepts those of the pool's `chunk` (and, `with_boosts`, the running boosts within the
  // caller's distance) whom the records and the deck let it show.
  Status Serve(const std::vector<PoolEntry>& chunk, bool with_boosts,
               const std::vector<int64_t>& remember) {
    std::vector<int64_t> ids;
    for (const PoolEntry& e : chunk) ids.push_back(e.user);
    const size_t pooled = ids.size();
    if (with_boosts && located_recently_) {
      for (const auto& [user, end] : boosts_) {
        if (!Skip(user) && std::find(ids.begin(), ids.end(), user) == ids.end()) {
          ids.push_back(user);
        }
      }
    }
    for (int64_t id : ids) judged_.insert(id);
    if (ids.empty()) return Status::Ok();
    std::vector<std::vector<std::string>> more;
    const std::vector<int64_t> boosters(ids.begin() + pooled, ids.end());
    if (!boosters.empty()) {
      more.push_back(HotScoresCommand(boosters));
      for (int64_t id : boosters) {
        more.push_back(
            {"GEODIST", kGeoKey, std::to_string(ctx_.user_id), std::to_string(id), "km"});
      }
    }
    if (!remember.empty()) {  // after SMISMEMBER: the deck's check sees the set before
      more.push_back({"SADD", key_});
      for (int64_t id : remember) {
        more.back().push_back(std::to_string(id));
        remembered_.insert(id);
      }
      more.push_back({"EXPIRE", key_, std::to_string(kDeckSeconds)});
    }
    std::vector<RedisReply> replies;
    std::unordered_map<int64_t, ProfileRecord> records;
    RETURN_IF_ERROR(Read(ids, std::move(more), &replies, &records));
    std::vector<double> views;
    if (!boosters.empty()) ReadHotScores(replies[2], boosters.size(), &views);
    for (size_t i = 0; i < ids.size(); ++i) {
      auto it = records.find(ids[i]);
      if (Seen(replies, i) || it == records.end()) continue;
      Candidate c;
      c.user = ids[i];
      if (i < pooled) {
        c.km = chunk[i].km;
        c.score = chunk[i].score;
        c.superliked_me = chunk[i].superliked_me;
      } else {  // a boost: shown within the caller's distance, wherever the pool stopped
        const RedisReply& km = replies[3 + i - pooled];
        if (!km.IsString()) continue;
        c.km = std::strtod(std::string(km.Str()).c_str(), nullptr);
        if (c.km > mine_.distance_km) continue;
        c.views = views[i - pooled];
      }
      if (!Shows(it->second, c.km)) continue;
      auto boost = boosts_.find(c.user);
      c.boost_end = boost == boosts_.end() ? 0 : boost->second;
      c.record = std::move(it->second);
      if (i >= pooled) c.score = BaseScore(c, mine_, now_);
      accepted_.push_back(std::move(c));
    }
    return Status::Ok();
  }

  // A new pool: at least kPoolSize people of the search (below) not looked at yet, ranked,
  // stored, and accepted for this page; *exhausted when the search reached everyone.
  Status Build(bool* exhausted) {
    bool located = false;
    RETURN_IF_ERROR(LoadPosition(ctx_, &centre_, &located));
    located = located && located_recently_;
    const std::vector<std::string> parts = DeckPartitions(mine_, today_);
    const size_t want = std::max(kPoolSize, window_);
    // Like the nearby list: a small radius first, widened while it holds too few (a
    // search over a whole city's radius costs Redis every member in it), the count
    // raised while a partition has more within it than were asked.
    const bool whole = parts.size() == 1 && parts[0] == kGeoKey;
    size_t count = (want * 3 / 2 + parts.size() - 1) / parts.size() + 1;  // a third more fit
    double radius =
        std::min<double>(mine_.distance_km, whole ? kFirstRadiusKm : kFirstPartRadiusKm);
    int64_t hot_offset = 0;
    bool first_check = true, first_search = true;
    for (;;) {
      const bool stop = *exhausted || judged_.size() >= kMaxJudged;
      if (stop || built_.size() + pending_.size() >= want) {
        RETURN_IF_ERROR(CheckLikes(first_check, located));
        first_check = false;
        if (stop || built_.size() >= want) break;
      }
      Hits hits;
      if (located) {
        std::vector<std::vector<std::string>> searches;
        for (const std::string& part : parts) {
          searches.push_back(GeoSearchCommand(centre_, radius, count, part.c_str()));
        }
        if (first_search) {  // the running boosts within the distance, however far
          searches.push_back(GeoSearchCommand(centre_, mine_.distance_km, 50, kBoostGeoKey));
        }
        std::vector<std::vector<std::string_view>> commands;
        for (const auto& search : searches) commands.push_back(Words(search));
        std::vector<RedisReply> replies;
        RETURN_IF_ERROR(ctx_.redis.Pipeline(commands, &replies));
        bool saturated = false;
        size_t found_here = 0;
        std::vector<GeoHit> geo;
        for (size_t i = 0; i < replies.size(); ++i) {
          const size_t before = geo.size();
          ReadGeoSearchReply(replies[i].get(), &geo);
          if (i < parts.size()) {
            found_here += geo.size() - before;
            saturated = saturated || geo.size() - before >= count;
          }
        }
        std::sort(geo.begin(), geo.end(),
                  [](const GeoHit& a, const GeoHit& b) { return a.km < b.km; });
        for (const GeoHit& h : geo) hits.emplace_back(h.user, h.km);
        first_search = false;
        const size_t have = built_.size() + pending_.size();
        if (saturated) {
          count *= 2;  // more within this radius
        } else if (radius < mine_.distance_km) {
          // A quarter of what is still needed or less: the area grows 16-fold, else 4-fold.
          const double grow = found_here * 4 <= want - std::min(want, have) ? 4 : 2;
          radius = std::min<double>(mine_.distance_km, radius * grow);
        } else {
          *exhausted = true;  // everyone within the distance has been looked at
        }
      } else {
        std::vector<int64_t> ids, excluded = hidden_.ids;
        excluded.push_back(ctx_.user_id);
        int64_t total = 0;
        const size_t n = want * 2;
        RETURN_IF_ERROR(
            HotPage(ctx_.redis, excluded, hot_offset, static_cast<int64_t>(n), &ids, &total));
        hot_offset += static_cast<int64_t>(ids.size());
        *exhausted = ids.size() < n;
        for (int64_t id : ids) hits.emplace_back(id, -1.0);
      }
      RETURN_IF_ERROR(Judge(hits, /*superlikers=*/false, located, &pending_));
    }
    std::vector<PoolEntry> pool;
    for (Candidate& c : built_) {
      // As the pool keeps it (two decimals), so that a page served from it orders the
      // same way.
      c.score = std::round(BaseScore(c, mine_, now_) * 100) / 100;
      pool.push_back({c.user, c.km, c.score, c.superliked_me});
    }
    std::stable_sort(pool.begin(), pool.end(), [](const PoolEntry& a, const PoolEntry& b) {
      return a.score != b.score ? a.score > b.score : a.user < b.user;
    });
    RETURN_IF_ERROR(StoreDeckPool(ctx_.redis, ctx_.config(), ctx_.user_id, pool));
    for (Candidate& c : built_) accepted_.push_back(std::move(c));
    return Status::Ok();
  }

  // Adds to *fit those of `hits` not looked at before whom the deck may show: not shown by
  // it yet, whom the records let it show; in their order. One pipeline reads all this
  // needs (and, for superlikers, found wherever they are, their distance when located).
  Status Judge(const Hits& hits, bool superlikers, bool located, std::vector<Candidate>* fit) {
    std::vector<int64_t> ids;
    std::vector<double> kms;
    for (const auto& [user, km] : hits) {
      if (Skip(user)) continue;
      judged_.insert(user);
      ids.push_back(user);
      kms.push_back(km);
    }
    if (ids.empty()) return Status::Ok();
    std::vector<std::vector<std::string>> more = {HotScoresCommand(ids), BoostEndsCommand(ids)};
    const std::string me = std::to_string(ctx_.user_id);
    if (superlikers && located) {
      for (int64_t id : ids) more.push_back({"GEODIST", kGeoKey, me, std::to_string(id), "km"});
    }
    std::vector<RedisReply> replies;
    std::unordered_map<int64_t, ProfileRecord> records;
    RETURN_IF_ERROR(Read(ids, std::move(more), &replies, &records));
    std::vector<double> views;
    ReadHotScores(replies[2], ids.size(), &views);
    std::vector<int64_t> ends;
    ReadBoostEnds(replies[3], ids.size(), now_, &ends);
    for (size_t i = 0; i < ids.size(); ++i) {
      auto it = records.find(ids[i]);
      if (Seen(replies, i) || it == records.end() || !Shows(it->second, kms[i])) continue;
      Candidate c;
      c.user = ids[i];
      c.km = kms[i];
      if (superlikers && located && replies[4 + i].IsString()) {
        c.km = std::strtod(std::string(replies[4 + i].Str()).c_str(), nullptr);
      }
      c.superliked_me = superlikers;
      c.boost_end = ends[i];
      c.views = views[i];
      c.record = std::move(it->second);
      fit->push_back(std::move(c));
    }
    return Status::Ok();
  }

  // Moves to built_ those of pending_ the caller has not liked (a pass is in the hidden
  // set). The first time, the same query brings who superliked the caller in the last 30
  // days with no answer from them yet: marked where they are among those, judged and
  // taken where not.
  Status CheckLikes(bool with_superlikers, bool located) {
    std::vector<int64_t> ids;
    for (const Candidate& c : pending_) ids.push_back(c.user);
    if (ids.empty() && !with_superlikers) return Status::Ok();
    std::vector<Row> rows;
    if (with_superlikers) {
      RETURN_IF_ERROR(ctx_.db.Query(
          "(SELECT 0, l.peer_id FROM JSON_TABLE(?, '$[*]' COLUMNS (id INT UNSIGNED PATH '$')) AS j"
          " JOIN user_like l ON l.user_id = ? AND l.peer_id = j.id AND l.action >= 1)"
          " UNION ALL (SELECT 1, l.user_id FROM user_like l WHERE l.peer_id = ? AND l.action = 2"
          " AND l.update_time >= FROM_UNIXTIME(?) AND NOT EXISTS (SELECT 1 FROM user_like m"
          " WHERE m.user_id = ? AND m.peer_id = l.user_id) ORDER BY l.update_time DESC LIMIT ?)",
          {IdList(ids), ctx_.user_id, ctx_.user_id, now_ - kSuperlikeDays * 86400, ctx_.user_id,
           kMaxSuperlikers},
          &rows));
    } else {
      RETURN_IF_ERROR(ctx_.db.Query(
          "SELECT 0, l.peer_id FROM JSON_TABLE(?, '$[*]' COLUMNS (id INT UNSIGNED PATH '$')) AS j"
          " JOIN user_like l ON l.user_id = ? AND l.peer_id = j.id AND l.action >= 1",
          {IdList(ids), ctx_.user_id}, &rows));
    }
    std::unordered_set<int64_t> liked, superlikers;
    Hits unseen;
    for (const Row& r : rows) {
      if (r.Int(0) == 0) {
        liked.insert(r.Int(1));
      } else {
        superlikers.insert(r.Int(1));
        unseen.emplace_back(r.Int(1), -1.0);
      }
    }
    for (Candidate& c : pending_) {
      if (liked.count(c.user)) continue;
      c.superliked_me = superlikers.count(c.user) > 0;
      built_.push_back(std::move(c));
    }
    pending_.clear();
    return Judge(unseen, /*superlikers=*/true, located, &built_);
  }

  // The page's people, never shown again by this deck; the deck lives an hour after its
  // last page.
  Status Remember(const std::vector<Candidate>& page, const std::vector<int64_t>& displaced) {
    std::vector<std::string> add = {"SADD", key_}, remove = {"SREM", key_};
    for (const Candidate& c : page) {
      if (!remembered_.count(c.user)) add.push_back(std::to_string(c.user));
    }
    for (int64_t id : displaced) remove.push_back(std::to_string(id));
    if (add.size() == 2 && remove.size() == 2 && !remembered_.empty()) {
      return Status::Ok();  // all of it, with the EXPIRE, went with the first pipeline
    }
    const std::string ttl = std::to_string(kDeckSeconds);
    std::vector<std::vector<std::string_view>> commands;
    if (add.size() > 2) commands.emplace_back(add.begin(), add.end());
    if (remove.size() > 2) commands.emplace_back(remove.begin(), remove.end());
    commands.push_back({"EXPIRE", key_, ttl});
    std::vector<RedisReply> replies;
    return ctx_.redis.Pipeline(commands, &replies);
  }

  RequestContext& ctx_;
  std::string key_;
  int64_t now_ = 0, today_ = 0;
  Preferences mine_;
  int my_gender_ = 0, my_age_ = 0;
  bool located_recently_ = false;
  size_t window_ = 0;
  HiddenSet hidden_;
  LatLng centre_;
  std::unordered_set<int64_t> judged_, liked_since_;
  std::unordered_set<int64_t> remembered_;       // added to the deck's set already
  std::unordered_map<int64_t, int64_t> boosts_;  // running: user -> end
  // Of a build: found and fitting, not yet checked against the caller's likes; checked.
  std::vector<Candidate> pending_, built_;
  std::vector<Candidate> accepted_;  // for this page
};

Reply HandleBoost(RequestContext& ctx) {
  const int64_t now = ctx.clock().NowSeconds();
  bool vip = false;
  RETURN_IF_ERROR(UserIsVip(ctx.db, ctx.redis, ctx.config(), ctx.user_id, now, &vip));
  if (!vip) return Status::Error(kVipRequired, "vip required.");
  BoostState boost;
  RETURN_IF_ERROR(StartBoost(ctx.db, ctx.redis, ctx.config(), ctx.user_id, now, &boost));
  JsonWriter data;
  data.Str("boost_ends", FormatUtc(boost.running_until))
      .Str("next_boost", FormatUtc(boost.next_at));
  return Reply::Ok(data);
}

bool IsDeckId(const std::string& s) {
  return s.size() == 16 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

Reply HandleRecs(RequestContext& ctx) {
  std::string deck = ctx.args.Text("cursor");
  if (!deck.empty() && !IsDeckId(deck)) return Status::Error(kBadParam, "cursor is invalid.");
  if (deck.empty()) deck = HexEncode(RandomBytes(8));
  Deck d(ctx, "dt:recs:" + std::to_string(ctx.user_id) + ":" + deck);
  std::vector<Candidate> page;
  bool more = false;
  RETURN_IF_ERROR(d.Page(static_cast<size_t>(ctx.args.Int("pageCount")), &page, &more));
  const int64_t now = ctx.clock().NowSeconds();
  JsonWriter data;
  data.Array("list");
  for (const Candidate& c : page) {
    data.Object();
    WriteProfile(c.record, ProfileView::kListItem, now, &data);
    if (c.km >= 0) {
      data.Fixed("distance", ShownDistance(c.km), 1);
    } else {
      data.Null("distance");
    }
    data.Bool("superliked_me", c.superliked_me).End();
  }
  data.End();
  if (more) {
    data.Str("cursor", deck);
  } else {
    data.Null("cursor");
  }
  return Reply::Ok(data);
}

}  // namespace

std::vector<Route> DiscoveryRoutes() {
  return {
      Get("/api/user/preferences", HandleShowPreferences).Auth(kAppToken),
      Post("/api/user/preferences", HandleUpdatePreferences)
          .Auth(kAppToken)
          .Accepts(
              {IntArg("ageMin", 18, 120).Optional(), IntArg("ageMax", 18, 120).Optional(),
               IntArg("distanceKm", 1, 500).Optional(), TextArg("genders").MaxLength(5).Optional(),
               TextArg("quietStart").MaxLength(5).Optional(),
               TextArg("quietEnd").MaxLength(5).Optional(),
               IntArg("tzOffset", -720, 840).Optional(), IntArg("showPreview", 0, 1).Optional()}),
      Post("/api/user/boost", HandleBoost).Auth(kAppToken),
      Get("/api/user/recs", HandleRecs)
          .Auth(kAppToken)
          .Accepts({IntArg("pageCount", 1, 50).Or(20), TextArg("cursor").MaxLength(16).Optional()})
          .Preload({&kProfilePreload, &kHiddenPreload, &kDeckPoolPreload, &kLikedSincePreload,
                    &kRunningBoostsPreload}),
  };
}

}  // namespace dt
