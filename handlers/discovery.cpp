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
#include "lib/domain/visibility.h"

namespace dt {
namespace {

Reply PreferencesReply(const Preferences& p) {
  JsonWriter data;
  WritePreferences(p, &data);
  return Reply::Ok(data);
}

Reply HandleShowPreferences(RequestContext& ctx) {
  Preferences p;
  RETURN_IF_ERROR(
      LoadPreferences(ctx.db, ctx.redis, ctx.config(), ctx.user_id, ctx.clock().NowSeconds(), &p));
  return PreferencesReply(p);
}

// Each parameter is optional and changes only its own preference; ageMin <= ageMax is
// checked against what the other one is, given or kept.
Reply HandleUpdatePreferences(RequestContext& ctx) {
  const Args& a = ctx.args;
  if (!a.Has("ageMin") && !a.Has("ageMax") && !a.Has("distanceKm") && !a.Has("genders")) {
    return Status::Error(kBadParam, "no preference given.");
  }
  const int64_t now = ctx.clock().NowSeconds();
  Preferences p;
  RETURN_IF_ERROR(LoadPreferences(ctx.db, ctx.redis, ctx.config(), ctx.user_id, now, &p));
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
  RETURN_IF_ERROR(InvalidateProfile(ctx.redis, ctx.user_id));  // the record carries them
  p.saved = true;
  return PreferencesReply(p);
}

// How long a deck remembers whom it showed, how far it looks, how old a superlike may be.
constexpr int kDeckSeconds = 3600;
constexpr size_t kMaxJudged = 1000;  // candidates looked at for one page, at most
constexpr double kFirstRadiusKm =
    0.152;  // the first search's (a grid cell); doubled up to distanceKm
constexpr int64_t kSuperlikeDays = 30;

struct Candidate {
  int64_t user = 0;
  double km = -1;  // < 0: not from the location index
  bool superliked_me = false;
  bool boosted = false;
  ProfileRecord record;
  double score = 0;
};

using Hits = std::vector<std::pair<int64_t, double>>;  // user, km (< 0: none)

// The score of API.md "Discovery": superlikers first, then running boosts, then
// nearness, popularity and recent activity.
double Score(const Candidate& c, const Preferences& mine, double views, int64_t now) {
  double s = (c.superliked_me ? 1000 : 0) + (c.boosted ? 500 : 0);
  if (c.km >= 0) s += 100 * std::max(0.0, 1 - c.km / mine.distance_km);
  s += 50 * std::min(1.0, std::log10(1 + views) / 4);
  const int64_t idle = now - c.record.located_at;
  if (c.record.located_at > 0 && idle < 86400) {
    s += 30;
  } else if (c.record.located_at > 0 && idle < 7 * 86400) {
    s += 15;
  }
  return s;
}

// One page of the caller's deck: the best-scored of the nearest people (or, for a caller
// with no recent location, the most popular) the deck has not shown yet, who fit the
// caller's preferences and whose preferences the caller fits. The deck (a Redis set of
// whom it showed, named by the cursor) is what makes pages never repeat anyone.
class Deck {
 public:
  Deck(RequestContext& ctx, std::string key) : ctx_(ctx), key_(std::move(key)) {}

  Status Page(size_t page_count, std::vector<Candidate>* page, bool* more) {
    now_ = ctx_.clock().NowSeconds();
    today_ = UtcYmd(now_);
    ProfileRecord me;
    bool found = false;
    RETURN_IF_ERROR(LoadProfile(ctx_.db, ctx_.redis, ctx_.config(), ctx_.user_id, &me, &found));
    if (!found) return Status::Error(kNoUser);
    mine_ = RecordPreferences(me, today_);
    my_gender_ = me.gender;
    my_age_ = AgeOn(me.birth, today_);
    RETURN_IF_ERROR(LoadHidden(ctx_, HiddenScope::kHotList, &hidden_));
    bool located = false;
    RETURN_IF_ERROR(GeoPosition(ctx_.redis, ctx_.user_id, &centre_, &located));
    located = located && me.located_at >= now_ - kLocationMaxAgeDays * 86400;

    // The window: a page and a half and one (the score reorders within it; one more
    // tells whether there is a next page); superlikers and boosts always in.
    const size_t window = page_count + page_count / 2 + 1;
    // Candidates are judged by their records as they are found (`pending`), and by the
    // deck's and the likes' checks (a round trip each) once enough fit.
    std::vector<Candidate> pending, accepted;
    RETURN_IF_ERROR(AddSuperlikers(located, &pending));
    if (located) RETURN_IF_ERROR(AddBoosted(&pending));
    // Like the nearby list: a small radius first, widened while it holds too few (a
    // search over a whole city's radius costs Redis every member in it), the count
    // raised while the radius has more than were asked.
    size_t count = window * 3;
    double radius = std::min<double>(mine_.distance_km, kFirstRadiusKm);
    int64_t hot_offset = 0;
    bool exhausted = false;
    for (;;) {
      const bool stop = exhausted || judged_.size() >= kMaxJudged;
      if (stop || accepted.size() + pending.size() >= window) {
        RETURN_IF_ERROR(Exclude(&pending, &accepted));
        if (stop || accepted.size() >= window) break;
      }
      Hits hits;
      if (located) {
        std::vector<GeoHit> geo;
        RETURN_IF_ERROR(GeoSearch(ctx_.redis, centre_, radius, count, &geo));
        for (const GeoHit& h : geo) hits.emplace_back(h.user, h.km);
        if (geo.size() >= count) {
          count *= 2;  // more within this radius
        } else if (radius < mine_.distance_km) {
          radius = std::min<double>(mine_.distance_km, radius * 2);
        } else {
          exhausted = true;  // everyone within the distance has been looked at
        }
      } else {
        std::vector<int64_t> ids, excluded = hidden_.ids;
        excluded.push_back(ctx_.user_id);
        int64_t total = 0;
        RETURN_IF_ERROR(
            HotPage(ctx_.redis, excluded, hot_offset, static_cast<int64_t>(count), &ids, &total));
        hot_offset += static_cast<int64_t>(ids.size());
        exhausted = ids.size() < count;
        for (int64_t id : ids) hits.emplace_back(id, -1.0);
      }
      Hits fresh;
      for (const auto& h : hits) {
        if (judged_.insert(h.first).second) fresh.push_back(h);
      }
      RETURN_IF_ERROR(Judge(fresh, &pending));
    }
    RETURN_IF_ERROR(Rank(&accepted));
    // More: the window held more than a page, or the search stopped at its bound before
    // it ran out of people (a short page, and the cursor goes on from it).
    *more = accepted.size() > page_count || !exhausted;
    if (accepted.size() > page_count) accepted.resize(page_count);
    *page = std::move(accepted);
    return Remember(*page);
  }

 private:
  // Who superliked the caller in the last 30 days and has no answer from them yet.
  Status AddSuperlikers(bool located, std::vector<Candidate>* fit) {
    std::vector<Row> rows;
    RETURN_IF_ERROR(ctx_.db.Query(
        "SELECT l.user_id FROM user_like l WHERE l.peer_id = ? AND l.action = 2"
        " AND l.update_time >= FROM_UNIXTIME(?) AND NOT EXISTS (SELECT 1 FROM user_like m"
        " WHERE m.user_id = ? AND m.peer_id = l.user_id) ORDER BY l.update_time DESC LIMIT 20",
        {ctx_.user_id, now_ - kSuperlikeDays * 86400, ctx_.user_id}, &rows));
    Hits hits;
    for (const Row& r : rows) {
      if (judged_.insert(r.Int(0)).second) hits.emplace_back(r.Int(0), -1.0);
      superlikers_.insert(r.Int(0));
    }
    const size_t first = fit->size();
    RETURN_IF_ERROR(Judge(hits, fit));
    if (!located || fit->size() == first) return Status::Ok();
    // Shown wherever they are, with how far that is when both are in the index.
    std::vector<int64_t> users;
    for (size_t i = first; i < fit->size(); ++i) users.push_back((*fit)[i].user);
    std::vector<double> km;
    RETURN_IF_ERROR(GeoDistances(ctx_.redis, ctx_.user_id, users, &km));
    for (size_t i = 0; i < km.size(); ++i) (*fit)[first + i].km = km[i];
    return Status::Ok();
  }

  // The running boosts within the caller's distance (their own small GEO set, so that
  // a boost is found however many people are nearer).
  Status AddBoosted(std::vector<Candidate>* fit) {
    std::vector<GeoHit> geo;
    RETURN_IF_ERROR(GeoSearch(ctx_.redis, centre_, mine_.distance_km, 50, &geo, kBoostGeoKey));
    std::vector<int64_t> users;
    for (const GeoHit& h : geo) users.push_back(h.user);
    std::vector<int64_t> ends;
    RETURN_IF_ERROR(BoostEnds(ctx_.redis, users, now_, &ends));
    Hits hits;
    for (size_t i = 0; i < geo.size(); ++i) {
      if (ends[i] == 0 || !judged_.insert(geo[i].user).second) continue;
      hits.emplace_back(geo[i].user, geo[i].km);
      boosted_.insert(geo[i].user);
    }
    return Judge(hits, fit);
  }

  // Adds to *fit those of `hits` the records let the deck show (visible, both sides'
  // preferences), in their order.
  Status Judge(const Hits& hits, std::vector<Candidate>* fit) {
    std::vector<int64_t> ids;
    for (const auto& h : hits) {
      if (h.first != ctx_.user_id && !hidden_.Contains(h.first)) ids.push_back(h.first);
    }
    if (ids.empty()) return Status::Ok();
    std::unordered_map<int64_t, ProfileRecord> records;
    RETURN_IF_ERROR(LoadProfiles(ctx_.db, ctx_.redis, ctx_.config(), ids, &records));
    const int64_t oldest = now_ - kLocationMaxAgeDays * 86400;
    for (const auto& [user, km] : hits) {
      auto it = records.find(user);
      if (it == records.end() || !ProfileVisibleTo(it->second, ctx_.user_id)) continue;
      const ProfileRecord& r = it->second;
      if (km >= 0 && r.located_at < oldest) continue;  // an old report is not "nearby"
      if (!Fits(mine_, r.gender, AgeOn(r.birth, today_))) continue;
      if (!Fits(RecordPreferences(r, today_), my_gender_, my_age_)) continue;
      Candidate c;
      c.user = user;
      c.km = km;
      c.superliked_me = superlikers_.count(user) > 0;
      c.boosted = boosted_.count(user) > 0;
      c.record = std::move(it->second);
      fit->push_back(std::move(c));
    }
    return Status::Ok();
  }

  // Moves of *pending to *accepted those the deck has not shown and the caller has not
  // liked (a pass is in the hidden set); *pending is left empty.
  Status Exclude(std::vector<Candidate>* pending, std::vector<Candidate>* accepted) {
    if (pending->empty()) return Status::Ok();
    std::vector<int64_t> ids;
    for (const Candidate& c : *pending) ids.push_back(c.user);
    std::vector<std::string> words = {"SMISMEMBER", key_};
    for (int64_t id : ids) words.push_back(std::to_string(id));
    RedisReply seen;
    RETURN_IF_ERROR(
        ctx_.redis.CommandArgv(std::vector<std::string_view>(words.begin(), words.end()), &seen));
    std::unordered_set<int64_t> skip;
    for (size_t i = 0; i < ids.size() && i < seen.size(); ++i) {
      if (seen.Element(i)->integer == 1) skip.insert(ids[i]);
    }
    std::vector<Row> rows;
    RETURN_IF_ERROR(ctx_.db.Query(
        "SELECT l.peer_id FROM JSON_TABLE(?, '$[*]' COLUMNS (id INT UNSIGNED PATH '$')) AS j"
        " JOIN user_like l ON l.user_id = ? AND l.peer_id = j.id AND l.action >= 1",
        {IdList(ids), ctx_.user_id}, &rows));
    for (const Row& r : rows) skip.insert(r.Int(0));
    for (Candidate& c : *pending) {
      if (!skip.count(c.user)) accepted->push_back(std::move(c));
    }
    pending->clear();
    return Status::Ok();
  }

  // Scores and sorts, best first (equal scores: the older account first).
  Status Rank(std::vector<Candidate>* accepted) {
    std::vector<int64_t> users;
    for (const Candidate& c : *accepted) users.push_back(c.user);
    std::vector<double> views;
    RETURN_IF_ERROR(HotScores(ctx_.redis, users, &views));
    for (size_t i = 0; i < accepted->size(); ++i) {
      (*accepted)[i].score = Score((*accepted)[i], mine_, views[i], now_);
    }
    std::stable_sort(accepted->begin(), accepted->end(),
                     [](const Candidate& a, const Candidate& b) {
                       return a.score != b.score ? a.score > b.score : a.user < b.user;
                     });
    return Status::Ok();
  }

  // The page's people, never shown again by this deck; the deck lives an hour after its
  // last page.
  Status Remember(const std::vector<Candidate>& page) {
    std::vector<std::string> add = {"SADD", key_};
    for (const Candidate& c : page) add.push_back(std::to_string(c.user));
    const std::string ttl = std::to_string(kDeckSeconds);
    std::vector<std::vector<std::string_view>> commands;
    if (!page.empty()) commands.emplace_back(add.begin(), add.end());
    commands.push_back({"EXPIRE", key_, ttl});
    std::vector<RedisReply> replies;
    return ctx_.redis.Pipeline(commands, &replies);
  }

  RequestContext& ctx_;
  std::string key_;
  int64_t now_ = 0, today_ = 0;
  Preferences mine_;
  int my_gender_ = 0, my_age_ = 0;
  HiddenSet hidden_;
  LatLng centre_;
  std::unordered_set<int64_t> judged_, superlikers_, boosted_;
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
          .Accepts({IntArg("ageMin", 18, 120).Optional(), IntArg("ageMax", 18, 120).Optional(),
                    IntArg("distanceKm", 1, 500).Optional(),
                    TextArg("genders").MaxLength(5).Optional()}),
      Post("/api/user/boost", HandleBoost).Auth(kAppToken),
      Get("/api/user/recs", HandleRecs)
          .Auth(kAppToken)
          .Accepts({IntArg("pageCount", 1, 50).Or(20), TextArg("cursor").MaxLength(16).Optional()})
          .Preload({&kHiddenPreload}),
  };
}

}  // namespace dt
