// Discovery through nginx: preferences, superlikes and the daily quotas, who liked me, and
// a VIP's rewind, with what they store (MySQL user_preference and user_like, the quota
// sets in Redis).
#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <cmath>
#include <set>
#include <thread>
#include <vector>

#include "lib/core/clock.h"
#include "lib/domain/discovery.h"
#include "lib/domain/geo.h"
#include "tests/http/http_support.h"

namespace dt {
namespace {

std::string Id(const Caller& c) { return std::to_string(c.user_id); }

Response Like(const Caller& from, int64_t to, const char* action = "like") {
  return Call("POST", "/api/user/like", {{"peerId", std::to_string(to)}, {"action", action}}, from);
}

void MakeVip(const Caller& c) {
  CheckDb(TestStack::Get().db().Exec(
      "INSERT INTO vip_info (user_id, vip_deadline) VALUES (?, UTC_TIMESTAMP() + INTERVAL 30 DAY)"
      " ON DUPLICATE KEY UPDATE vip_deadline = VALUES(vip_deadline)",
      {c.user_id}));
  RedisReply r;
  TestStack::Get().redis().Command(&r, "DEL dt:profile:%lld", static_cast<long long>(c.user_id));
}

// Someone new to like.
int64_t NewUser() { return Login(NewPhone()).user_id; }

// Fills `key` (a quota set) with `n` likes made a minute ago.
void FillQuota(const std::string& key, int n) {
  const long long then = (static_cast<long long>(time(nullptr)) - 60) * 1000;
  std::vector<std::string> words = {"ZADD", key};
  for (int i = 0; i < n; ++i) {
    words.push_back(std::to_string(then));
    words.push_back("filled:" + std::to_string(i));
  }
  std::vector<std::string_view> argv(words.begin(), words.end());
  RedisReply r;
  CheckDb(TestStack::Get().redis().CommandArgv(argv, &r));
  CheckDb(TestStack::Get().redis().Command(&r, "EXPIRE %s 86400", key.c_str()));
}

long long ZCard(const std::string& key) {
  RedisReply reply;
  CheckDb(TestStack::Get().redis().Command(&reply, "ZCARD %s", key.c_str()));
  return reply.Integer();
}

int64_t Action(int64_t from, int64_t to) {
  return Count("SELECT COALESCE(MAX(action), -1) FROM user_like WHERE user_id = ? AND peer_id = ?", {from, to});
}

// The list's user ids, "3,1".
std::string Ids(const Response& r) {
  std::string ids;
  for (const Json::Value& item : r.data()["list"]) ids += (ids.empty() ? "" : ",") + item["user_id"].asString();
  return ids;
}


// A birthday `years` and a half ago.
std::string BirthdayYearsAgo(int years) {
  char birthday[16];
  const time_t when = time(nullptr) - static_cast<time_t>((years + 0.5) * 365.25 * 86400);
  strftime(birthday, sizeof birthday, "%Y-%m-%d", gmtime(&when));
  return birthday;
}

// A place of this test's own (no other test's users near it): a latitude in -50..50.
double OwnLatitude() {
  static unsigned n = 0;
  return -50 + static_cast<double>((static_cast<unsigned>(time(nullptr)) * 7919u + 104729u * ++n) % 100000) / 1000;
}

// A user of `gender` and `age` looking for `sexual`, located `km_north` of (lat, lng).
Caller Person(int gender, int sexual, int age, double lat, double lng, double km_north) {
  Caller c = Login(NewPhone());
  Response r = Call("POST", "/api/user/update",
                    {{"gender", std::to_string(gender)}, {"sexual", std::to_string(sexual)}, {"birthday", BirthdayYearsAgo(age)}}, c);
  CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
  char latlng[64];
  snprintf(latlng, sizeof latlng, "%.6f,%.6f", lat + km_north / 111.2, lng);
  r = Call("POST", "/api/user/location", {{"latlng", latlng}}, c);
  CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
  return c;
}

// `s` with every `from` replaced by `to`.
std::string Replace(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
  return s;
}

// The ids of a recs reply, "3,1".
std::string RecIds(const Response& r) {
  std::string ids;
  for (const Json::Value& item : r.data()["list"]) ids += (ids.empty() ? "" : ",") + item["user_id"].asString();
  return ids;
}

}  // namespace

class DiscoveryHttpTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(DiscoveryHttpTest);
  CPPUNIT_TEST(testPreferencesDefaultsAndUpdate);
  CPPUNIT_TEST(testPreferencesRefusals);
  CPPUNIT_TEST(testSuperlikeQuotaAndWhoLikedMe);
  CPPUNIT_TEST(testDailyLikeQuota);
  CPPUNIT_TEST(testParallelLikesAtTheLimit);
  CPPUNIT_TEST(testRewind);
  CPPUNIT_TEST(testLikesReceivedShowsOnlyUnansweredVisibleLikers);
  CPPUNIT_TEST(testRecsApplyBothSidesPreferencesAndExclusions);
  CPPUNIT_TEST(testRecsPagesNeverRepeat);
  CPPUNIT_TEST(testRecsWithoutLocationAreThePopularOnes);
  CPPUNIT_TEST(testRecsFollowProfileChangesAndRebuild);
  CPPUNIT_TEST(testPoolServesPagesCheckedAgain);
  CPPUNIT_TEST(testBoostPutsTheVipFirstForItsTime);
  CPPUNIT_TEST(testProductsListWhatVipBuys);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testPreferencesDefaultsAndUpdate() {
    Caller me = Login(NewPhone());
    Response r = Call("GET", "/api/user/preferences", {}, me);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
    CPPUNIT_ASSERT_EQUAL(18, r.data()["ageMin"].asInt());
    CPPUNIT_ASSERT_EQUAL(120, r.data()["ageMax"].asInt());
    CPPUNIT_ASSERT_EQUAL(50, r.data()["distanceKm"].asInt());
    CPPUNIT_ASSERT_EQUAL(3u, r.data()["genders"].size());  // no gender said: everyone
    CPPUNIT_ASSERT(!r.data()["saved"].asBool());
    // A man of 30 who looks for women: 25-35, women only.
    char birthday[16];
    const time_t thirty = time(nullptr) - static_cast<time_t>(30.5 * 365.25 * 86400);
    strftime(birthday, sizeof birthday, "%Y-%m-%d", gmtime(&thirty));
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/update", {{"gender", "1"}, {"sexual", "2"}, {"birthday", birthday}}, me).code());
    r = Call("GET", "/api/user/preferences", {}, me);
    CPPUNIT_ASSERT_EQUAL(25, r.data()["ageMin"].asInt());
    CPPUNIT_ASSERT_EQUAL(35, r.data()["ageMax"].asInt());
    CPPUNIT_ASSERT_EQUAL(1u, r.data()["genders"].size());
    CPPUNIT_ASSERT_EQUAL(2, r.data()["genders"][0].asInt());
    CPPUNIT_ASSERT_EQUAL(int64_t{0}, Count("SELECT COUNT(*) FROM user_preference WHERE user_id = ?", {me.user_id}));

    // One preference given: the others kept as they were (the defaults), all stored.
    r = Call("POST", "/api/user/preferences", {{"distanceKm", "10"}}, me);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
    CPPUNIT_ASSERT(r.data()["saved"].asBool());
    CPPUNIT_ASSERT_EQUAL(10, r.data()["distanceKm"].asInt());
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, Count("SELECT COUNT(*) FROM user_preference WHERE user_id = ? AND age_min = 25"
                                           " AND age_max = 35 AND distance_km = 10 AND genders = 4",
                                           {me.user_id}));
    r = Call("POST", "/api/user/preferences", {{"genders", "0,2,1"}, {"ageMin", "18"}, {"ageMax", "120"}}, me);
    CPPUNIT_ASSERT_EQUAL(0, r.code());
    CPPUNIT_ASSERT_EQUAL(3u, r.data()["genders"].size());
    r = Call("GET", "/api/user/preferences", {}, me);
    CPPUNIT_ASSERT(r.data()["saved"].asBool());
    CPPUNIT_ASSERT_EQUAL(18, r.data()["ageMin"].asInt());
    CPPUNIT_ASSERT_EQUAL(120, r.data()["ageMax"].asInt());
    CPPUNIT_ASSERT_EQUAL(10, r.data()["distanceKm"].asInt());
    CPPUNIT_ASSERT_EQUAL(int64_t{7}, Count("SELECT genders FROM user_preference WHERE user_id = ?", {me.user_id}));
  }

  void testPreferencesRefusals() {
    Caller me = Login(NewPhone());
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/preferences", {{"ageMin", "30"}, {"ageMax", "40"}}, me).code());
    const std::vector<std::pair<Fields, std::string>> refused = {
        {{}, "no preference given."},
        {{{"ageMin", "17"}}, "ageMin is invalid."},
        {{{"ageMax", "121"}}, "ageMax is invalid."},
        {{{"ageMin", "41"}}, "ageMin is invalid."},  // above the stored ageMax
        {{{"ageMin", "35"}, {"ageMax", "34"}}, "ageMax is invalid."},
        {{{"distanceKm", "0"}}, "distanceKm is invalid."},
        {{{"distanceKm", "501"}}, "distanceKm is invalid."},
        {{{"genders", "1,1"}}, "genders is invalid."},
        {{{"genders", "3"}}, "genders is invalid."},
        {{{"genders", "1,"}}, "genders is invalid."},
        {{{"genders", "1;2"}}, "genders is invalid."},
        {{{"genders", "0,1,2,0"}}, "genders is invalid."},
    };
    for (const auto& [fields, msg] : refused) {
      Response r = Call("POST", "/api/user/preferences", fields, me);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 300, r.code());
      CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, msg, r.msg());
    }
    // Nothing of them stored.
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, Count("SELECT COUNT(*) FROM user_preference WHERE user_id = ? AND age_min = 30"
                                           " AND age_max = 40 AND distance_km = 50",
                                           {me.user_id}));
  }

  void testSuperlikeQuotaAndWhoLikedMe() {
    Caller a = Login(NewPhone()), b = Login(NewPhone()), c = Login(NewPhone());
    Response r = Like(a, b.user_id, "superlike");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
    CPPUNIT_ASSERT_EQUAL(0, r.data()["superlikes_left"].asInt());
    CPPUNIT_ASSERT_EQUAL(int64_t{2}, Action(a.user_id, b.user_id));
    r = Like(a, c.user_id, "superlike");  // the day's one is spent
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 429, r.code());
    CPPUNIT_ASSERT_EQUAL(std::string("superlikes"), r.data()["quota"].asString());
    CPPUNIT_ASSERT(r.data()["retry_after"].asInt() > 86000 && r.data()["retry_after"].asInt() <= 86400);
    CPPUNIT_ASSERT_EQUAL(int64_t{-1}, Action(a.user_id, c.user_id));
    // Superliking b again, or liking them, is not a new superlike and keeps it.
    r = Like(a, b.user_id, "superlike");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
    CPPUNIT_ASSERT(!r.data().isMember("superlikes_left"));  // not counted
    CPPUNIT_ASSERT(r.data()["likes_left"].isNull());
    CPPUNIT_ASSERT_EQUAL(0, Like(a, b.user_id).code());
    CPPUNIT_ASSERT_EQUAL(int64_t{2}, Action(a.user_id, b.user_id));
    CPPUNIT_ASSERT_EQUAL(1LL, ZCard(SuperlikesQuotaKey(a.user_id)));
    CPPUNIT_ASSERT_EQUAL(0, Like(c, b.user_id).code());

    // b is not VIP: how many, and no one's id.
    r = Call("GET", "/api/user/likes/received", {}, b);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
    CPPUNIT_ASSERT_EQUAL(2, r.data()["count"].asInt());
    CPPUNIT_ASSERT_EQUAL(1, r.data()["superlikes"].asInt());
    CPPUNIT_ASSERT(!r.data().isMember("list"));
    // As a VIP: newest first, the superlike marked.
    MakeVip(b);
    r = Call("GET", "/api/user/likes/received", {}, b);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
    CPPUNIT_ASSERT_EQUAL(2u, r.data()["list"].size());
    CPPUNIT_ASSERT_EQUAL(c.user_id, r.data()["list"][0]["user_id"].asInt64());
    CPPUNIT_ASSERT(!r.data()["list"][0]["superlike"].asBool());
    CPPUNIT_ASSERT_EQUAL(a.user_id, r.data()["list"][1]["user_id"].asInt64());
    CPPUNIT_ASSERT(r.data()["list"][1]["superlike"].asBool());
    CPPUNIT_ASSERT_EQUAL(size_t{19}, r.data()["list"][1]["liked_at"].asString().size());
    CPPUNIT_ASSERT(!r.data()["list"][1].isMember("phone"));
    // A VIP has five a day and unlimited likes; a superlike answered is a match.
    MakeVip(a);
    r = Like(a, c.user_id, "superlike");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
    CPPUNIT_ASSERT(!r.data()["matched"].asBool());
    CPPUNIT_ASSERT_EQUAL(3, r.data()["superlikes_left"].asInt());
    CPPUNIT_ASSERT(r.data()["likes_left"].isNull());
    CPPUNIT_ASSERT(Like(b, a.user_id).data()["matched"].asBool());
    r = Call("GET", "/api/user/match/list", {}, a);
    CPPUNIT_ASSERT_EQUAL(1u, r.data()["list"].size());
    CPPUNIT_ASSERT_EQUAL(b.user_id, r.data()["list"][0]["user_id"].asInt64());
  }

  void testDailyLikeQuota() {
    Caller a = Login(NewPhone());
    const int limit = TestStack::Get().config().likes_per_day;
    FillQuota(LikesQuotaKey(a.user_id), limit - 2);
    const int64_t p1 = NewUser(), p2 = NewUser(), p3 = NewUser();
    Response r = Like(a, p1);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
    CPPUNIT_ASSERT_EQUAL(1, r.data()["likes_left"].asInt());
    r = Like(a, p1);  // the same person again: not counted
    CPPUNIT_ASSERT_EQUAL(0, r.code());
    CPPUNIT_ASSERT(r.data()["likes_left"].isNull());
    CPPUNIT_ASSERT_EQUAL(static_cast<long long>(limit - 1), ZCard(LikesQuotaKey(a.user_id)));
    CPPUNIT_ASSERT_EQUAL(0, Like(a, p3, "pass").code());  // passes are not counted
    CPPUNIT_ASSERT_EQUAL(0, Like(a, p2).data()["likes_left"].asInt());
    r = Like(a, p3);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 429, r.code());
    CPPUNIT_ASSERT_EQUAL(std::string("likes"), r.data()["quota"].asString());
    // The oldest counted like was a minute ago: it leaves the window in a day less that.
    CPPUNIT_ASSERT(r.data()["retry_after"].asInt() > 86280 && r.data()["retry_after"].asInt() <= 86340);
    CPPUNIT_ASSERT_EQUAL(int64_t{0}, Action(a.user_id, p3));  // still the pass
    CPPUNIT_ASSERT_EQUAL(static_cast<long long>(limit), ZCard(LikesQuotaKey(a.user_id)));
    CPPUNIT_ASSERT_EQUAL(429, Like(a, p3, "superlike").code());
    // Likes that left the window free their places.
    RedisReply drop;
    CheckDb(TestStack::Get().redis().Command(&drop, "ZREMRANGEBYRANK %s 0 0", LikesQuotaKey(a.user_id).c_str()));
    CPPUNIT_ASSERT_EQUAL(0, Like(a, p3).code());
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, Action(a.user_id, p3));
    // A VIP's likes are not counted.
    MakeVip(a);
    r = Like(a, NewUser());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
    CPPUNIT_ASSERT(r.data()["likes_left"].isNull());
  }

  // 20 likes of 20 people at once with 5 left: exactly 5 taken, and stored.
  void testParallelLikesAtTheLimit() {
    Caller a = Login(NewPhone());
    const int limit = TestStack::Get().config().likes_per_day;
    FillQuota(LikesQuotaKey(a.user_id), limit - 5);
    std::vector<int64_t> peers;
    for (int i = 0; i < 20; ++i) peers.push_back(NewUser());
    std::atomic<int> ok{0}, refused{0};
    std::vector<std::thread> threads;
    for (int64_t peer : peers) {
      threads.emplace_back([&, peer] {
        const int code = Like(a, peer).code();
        if (code == 0) ++ok;
        if (code == 429) ++refused;
      });
    }
    for (std::thread& t : threads) t.join();
    CPPUNIT_ASSERT_EQUAL(5, ok.load());
    CPPUNIT_ASSERT_EQUAL(15, refused.load());
    CPPUNIT_ASSERT_EQUAL(int64_t{5}, Count("SELECT COUNT(*) FROM user_like WHERE user_id = ?", {a.user_id}));
    CPPUNIT_ASSERT_EQUAL(static_cast<long long>(limit), ZCard(LikesQuotaKey(a.user_id)));
  }

  void testRewind() {
    Caller a = Login(NewPhone()), b = Login(NewPhone()), c = Login(NewPhone()), d = Login(NewPhone());
    CPPUNIT_ASSERT_EQUAL(0, Like(a, b.user_id, "pass").code());
    Response r = Call("POST", "/api/user/rewind", {}, a);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 510, r.code());  // VIP only
    CPPUNIT_ASSERT_EQUAL(int64_t{0}, Action(a.user_id, b.user_id));
    MakeVip(a);
    CPPUNIT_ASSERT_EQUAL(0, Like(a, c.user_id, "pass").code());
    CPPUNIT_ASSERT_EQUAL(0, Like(a, d.user_id).code());  // a like is not rewound
    CPPUNIT_ASSERT(!InHotList(a, c.user_id));
    CheckDb(TestStack::Get().db().Exec(
        "UPDATE user_like SET update_time = update_time - INTERVAL 1 SECOND WHERE user_id = ? AND peer_id = ?",
        {a.user_id, b.user_id}));
    r = Call("POST", "/api/user/rewind", {}, a);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
    CPPUNIT_ASSERT_EQUAL(c.user_id, r.data()["peer_id"].asInt64());
    CPPUNIT_ASSERT_EQUAL(int64_t{-1}, Action(a.user_id, c.user_id));  // exactly that pass undone
    CPPUNIT_ASSERT_EQUAL(int64_t{0}, Action(a.user_id, b.user_id));
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, Action(a.user_id, d.user_id));
    CPPUNIT_ASSERT(InHotList(a, c.user_id));  // c may appear again
    // A pass older than a day stays.
    CheckDb(TestStack::Get().db().Exec(
        "UPDATE user_like SET update_time = UTC_TIMESTAMP() - INTERVAL 25 HOUR WHERE user_id = ? AND peer_id = ?",
        {a.user_id, b.user_id}));
    r = Call("POST", "/api/user/rewind", {}, a);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 508, r.code());
    CPPUNIT_ASSERT_EQUAL(int64_t{0}, Action(a.user_id, b.user_id));
  }

  void testLikesReceivedShowsOnlyUnansweredVisibleLikers() {
    Caller me = Login(NewPhone());
    MakeVip(me);
    Caller fan = Login(NewPhone()), blocked = Login(NewPhone()), passed = Login(NewPhone()),
           hidden = Login(NewPhone()), matched = Login(NewPhone());
    for (const Caller* c : {&fan, &blocked, &passed, &hidden, &matched}) CPPUNIT_ASSERT_EQUAL(0, Like(*c, me.user_id).code());
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/block", {{"peerId", Id(blocked)}}, me).code());
    CPPUNIT_ASSERT_EQUAL(0, Like(me, passed.user_id, "pass").code());
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/update", {{"authority", "0"}}, hidden).code());
    CPPUNIT_ASSERT(Like(me, matched.user_id).data()["matched"].asBool());
    Response r = Call("GET", "/api/user/likes/received", {}, me);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
    CPPUNIT_ASSERT_EQUAL(Id(fan), Ids(r));
    CPPUNIT_ASSERT_EQUAL(1, r.data()["count"].asInt());
    CPPUNIT_ASSERT(!r.data()["has_next"].asBool());
    // Paged: one a page.
    Caller second = Login(NewPhone());
    CPPUNIT_ASSERT_EQUAL(0, Like(second, me.user_id).code());
    r = Call("GET", "/api/user/likes/received", {{"pageCount", "1"}}, me);
    CPPUNIT_ASSERT_EQUAL(Id(second), Ids(r));
    CPPUNIT_ASSERT(r.data()["has_next"].asBool());
    r = Call("GET", "/api/user/likes/received", {{"pageCount", "1"}, {"page", "2"}}, me);
    CPPUNIT_ASSERT_EQUAL(Id(fan), Ids(r));
    CPPUNIT_ASSERT_EQUAL(2, r.data()["count"].asInt());  // the counts come with every page
    // Past the last page: no one, and still the counts.
    r = Call("GET", "/api/user/likes/received", {{"pageCount", "1"}, {"page", "3"}}, me);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
    CPPUNIT_ASSERT_EQUAL(Json::ArrayIndex{0}, r.data()["list"].size());
    CPPUNIT_ASSERT_EQUAL(2, r.data()["count"].asInt());
    CPPUNIT_ASSERT(!r.data()["has_next"].asBool());
    CPPUNIT_ASSERT_EQUAL(300, Call("GET", "/api/user/likes/received", {{"pageCount", "51"}}, me).code());
  }

  void testRecsApplyBothSidesPreferencesAndExclusions() {
    const double lat = OwnLatitude(), lng = 100.5;
    // A man of 30 who looks for women (defaults: 25-35, women, 50 km).
    Caller me = Person(1, 2, 30, lat, lng, 0);
    Caller fits = Person(2, 1, 28, lat, lng, 1), nearer = Person(2, 1, 29, lat, lng, 0.5);
    Caller too_old = Person(2, 1, 40, lat, lng, 1), a_man = Person(1, 1, 28, lat, lng, 1);
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/preferences", {{"ageMin", "25"}}, too_old).code());
    Caller too_far = Person(2, 1, 28, lat, lng, 80);
    Caller wants_younger = Person(2, 1, 28, lat, lng, 1);
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/preferences", {{"ageMax", "29"}}, wants_younger).code());
    Caller wants_women = Person(2, 2, 28, lat, lng, 1);  // she looks for women
    Caller blocker = Person(2, 1, 28, lat, lng, 1), liked = Person(2, 1, 28, lat, lng, 1);
    Caller passed = Person(2, 1, 28, lat, lng, 1), hidden = Person(2, 1, 28, lat, lng, 1);
    Caller superliker = Person(2, 1, 31, lat, lng, 300);  // far, but she superliked me
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/block", {{"peerId", Id(me)}}, blocker).code());
    CPPUNIT_ASSERT_EQUAL(0, Like(me, liked.user_id).code());
    CPPUNIT_ASSERT_EQUAL(0, Like(me, passed.user_id, "pass").code());
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/update", {{"authority", "0"}}, hidden).code());
    CPPUNIT_ASSERT_EQUAL(0, Like(superliker, me.user_id, "superlike").code());

    Response r = Call("GET", "/api/user/recs", {}, me);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, Id(superliker) + "," + Id(nearer) + "," + Id(fits), RecIds(r));
    const Json::Value& first = r.data()["list"][0];
    CPPUNIT_ASSERT(first["superliked_me"].asBool());
    CPPUNIT_ASSERT(!r.data()["list"][1]["superliked_me"].asBool());
    CPPUNIT_ASSERT_MESSAGE(r.body, std::abs(first["distance"].asDouble() - 300) < 2);  // shown first wherever she is
    const double near = r.data()["list"][1]["distance"].asDouble(), far = r.data()["list"][2]["distance"].asDouble();
    CPPUNIT_ASSERT_MESSAGE(r.body, near >= 0.3 && near <= 0.7 && far >= 0.8 && far <= 1.2);  // the 150 m grid
    CPPUNIT_ASSERT(!r.data()["list"][2].isMember("phone"));
    CPPUNIT_ASSERT(r.data()["cursor"].isNull());  // nobody else

    // Wider preferences bring back who fits them; a like takes one out.
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/preferences", {{"ageMax", "45"}, {"distanceKm", "100"}, {"genders", "1,2"}}, me).code());
    r = Call("GET", "/api/user/recs", {}, me);
    const std::string ids = RecIds(r);
    for (const Caller* c : {&too_old, &a_man, &too_far, &fits}) CPPUNIT_ASSERT_MESSAGE(ids, ("," + ids + ",").find("," + Id(*c) + ",") != std::string::npos);
    for (const Caller* c : {&wants_younger, &wants_women, &blocker, &liked, &passed, &hidden, &me})
      CPPUNIT_ASSERT_MESSAGE(ids, ("," + ids + ",").find("," + Id(*c) + ",") == std::string::npos);
    CPPUNIT_ASSERT_EQUAL(0, Like(me, fits.user_id).code());
    r = Call("GET", "/api/user/recs", {}, me);
    CPPUNIT_ASSERT(("," + RecIds(r) + ",").find("," + Id(fits) + ",") == std::string::npos);
  }

  void testRecsPagesNeverRepeat() {
    const double lat = OwnLatitude(), lng = -60.25;
    Caller me = Person(2, 1, 30, lat, lng, 0);
    std::set<std::string> everyone;
    for (int i = 0; i < 7; ++i) everyone.insert(Id(Person(1, 2, 27 + i, lat, lng, 0.3 * (i + 1))));
    std::set<std::string> shown;
    std::string cursor;
    for (int page = 0; page < 3; ++page) {
      Fields fields = {{"pageCount", "3"}};
      if (!cursor.empty()) fields.push_back({"cursor", cursor});
      Response r = Call("GET", "/api/user/recs", fields, me);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
      CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, page < 2 ? 3u : 1u, r.data()["list"].size());
      for (const Json::Value& item : r.data()["list"]) CPPUNIT_ASSERT_MESSAGE(r.body, shown.insert(item["user_id"].asString()).second);
      if (page < 2) {
        CPPUNIT_ASSERT_EQUAL(size_t{16}, r.data()["cursor"].asString().size());
        CPPUNIT_ASSERT(cursor.empty() || cursor == r.data()["cursor"].asString());
        cursor = r.data()["cursor"].asString();
      } else {
        CPPUNIT_ASSERT(r.data()["cursor"].isNull());
      }
    }
    CPPUNIT_ASSERT(shown == everyone);
    // The deck is spent; a new one starts again.
    CPPUNIT_ASSERT_EQUAL(0u, Call("GET", "/api/user/recs", {{"cursor", cursor}}, me).data()["list"].size());
    CPPUNIT_ASSERT_EQUAL(3u, Call("GET", "/api/user/recs", {{"pageCount", "3"}}, me).data()["list"].size());
    for (const char* bad : {"xyz", "0123456789ABCDEF", "0123456789abcde"}) {
      Response r = Call("GET", "/api/user/recs", {{"cursor", bad}}, me);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 300, r.code());
    }
    CPPUNIT_ASSERT_EQUAL(300, Call("GET", "/api/user/recs", {{"pageCount", "51"}}, me).code());
    CPPUNIT_ASSERT_EQUAL(300, Call("GET", "/api/user/recs", {{"pageCount", "0"}}, me).code());
  }

  // The deck searches the index's partitions by gender and birth year: a change of either
  // moves the user, who is always in exactly one; rebuild-geo remakes them.
  void testRecsFollowProfileChangesAndRebuild() {
    const double lat = OwnLatitude(), lng = 20.75;
    Caller me = Person(1, 2, 30, lat, lng, 0);  // a man for women of 25-35
    Caller she = Person(2, 1, 50, lat, lng, 1);
    const std::string fifty = dt::GeoPartKey(2, std::stoll(Replace(BirthdayYearsAgo(50), "-", "")));
    CPPUNIT_ASSERT((GeoPartitionsHolding(she.user_id) == std::vector<std::string>{fifty}));
    CPPUNIT_ASSERT_EQUAL(std::string(), RecIds(Call("GET", "/api/user/recs", {}, me)));

    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/update", {{"birthday", BirthdayYearsAgo(29)}}, she).code());
    const std::string twenty_nine = dt::GeoPartKey(2, std::stoll(Replace(BirthdayYearsAgo(29), "-", "")));
    CPPUNIT_ASSERT((GeoPartitionsHolding(she.user_id) == std::vector<std::string>{twenty_nine}));
    CPPUNIT_ASSERT_EQUAL(Id(she), RecIds(Call("GET", "/api/user/recs", {}, me)));
    // Her next report keeps her where she is.
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/location", {{"latlng", std::to_string(lat + 2 / 111.2) + "," + std::to_string(lng)}}, she).code());
    CPPUNIT_ASSERT((GeoPartitionsHolding(she.user_id) == std::vector<std::string>{twenty_nine}));
    CPPUNIT_ASSERT_EQUAL(Id(she), RecIds(Call("GET", "/api/user/recs", {}, me)));

    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/update", {{"gender", "1"}}, she).code());
    CPPUNIT_ASSERT((GeoPartitionsHolding(she.user_id) == std::vector<std::string>{dt::GeoPartKey(1, std::stoll(Replace(BirthdayYearsAgo(29), "-", "")))}));
    CPPUNIT_ASSERT_EQUAL(std::string(), RecIds(Call("GET", "/api/user/recs", {}, me)));
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/update", {{"gender", "2"}}, she).code());

    // Partitions lost with Redis come back from MySQL.
    RedisReply reply;
    CheckDb(TestStack::Get().redis().Command(&reply, "DEL %s", twenty_nine.c_str()));
    CPPUNIT_ASSERT_EQUAL(std::string(), RecIds(Call("GET", "/api/user/recs", {}, me)));
    const std::string out = RunCommand(ToolCommand("dtadmin", "rebuild-geo"));
    CPPUNIT_ASSERT_MESSAGE(out, out.find("done") != std::string::npos);
    CPPUNIT_ASSERT((GeoPartitionsHolding(she.user_id) == std::vector<std::string>{twenty_nine}));
    CPPUNIT_ASSERT_EQUAL(Id(she), RecIds(Call("GET", "/api/user/recs", {}, me)));
  }

  // A build ranks a pool that the next decks are served from, each page checked again
  // against blocks, hidden profiles and likes made since; a superlike received drops it.
  void testPoolServesPagesCheckedAgain() {
    const double lat = OwnLatitude(), lng = -120.5;
    Caller me = Person(1, 2, 30, lat, lng, 0);
    std::vector<Caller> p;
    for (int i = 0; i < 6; ++i) p.push_back(Person(2, 1, 29, lat, lng, 0.5 * (i + 1)));
    std::string all;
    for (const Caller& c : p) all += (all.empty() ? "" : ",") + Id(c);
    CPPUNIT_ASSERT_EQUAL(all, RecIds(Call("GET", "/api/user/recs", {}, me)));
    RedisReply pool;
    CheckDb(TestStack::Get().redis().Command(&pool, "GET dt:recs:pool:%lld", static_cast<long long>(me.user_id)));
    std::vector<dt::PoolEntry> entries;
    CPPUNIT_ASSERT(pool.IsString() && dt::ParsePool(pool.Str(), &entries));
    CPPUNIT_ASSERT_EQUAL(size_t{6}, entries.size());
    CPPUNIT_ASSERT_EQUAL(p[0].user_id, entries[0].user);
    CPPUNIT_ASSERT(std::abs(entries[5].km - 3) < 0.2);

    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/block", {{"peerId", Id(me)}}, p[1]).code());
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/update", {{"authority", "0"}}, p[2]).code());
    CPPUNIT_ASSERT_EQUAL(0, Like(me, p[3].user_id).code());
    Caller newcomer = Person(2, 1, 29, lat, lng, 0.2);  // nearest of all, not in the pool yet
    Response r = Call("GET", "/api/user/recs", {{"pageCount", "1"}}, me);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, Id(p[0]), RecIds(r));
    const std::string cursor = r.data()["cursor"].asString();
    r = Call("GET", "/api/user/recs", {{"pageCount", "1"}, {"cursor", cursor}}, me);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, Id(p[4]), RecIds(r));

    // Her superlike drops the pool: the next build finds her, first.
    CPPUNIT_ASSERT_EQUAL(0, Like(newcomer, me.user_id, "superlike").code());
    CheckDb(TestStack::Get().redis().Command(&pool, "EXISTS dt:recs:pool:%lld", static_cast<long long>(me.user_id)));
    CPPUNIT_ASSERT_EQUAL(0LL, pool.Integer());
    r = Call("GET", "/api/user/recs", {}, me);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, Id(newcomer) + "," + Id(p[0]) + "," + Id(p[4]) + "," + Id(p[5]), RecIds(r));
    CPPUNIT_ASSERT(r.data()["list"][0]["superliked_me"].asBool());
  }

  // No location: the hot ranking's people who fit, no distance.
  void testRecsWithoutLocationAreThePopularOnes() {
    Caller me = Login(NewPhone());
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/update", {{"gender", "2"}, {"sexual", "1"}}, me).code());
    Caller popular = Login(NewPhone());
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/update", {{"gender", "1"}}, popular).code());
    for (int i = 0; i < 3; ++i) {
      CPPUNIT_ASSERT_EQUAL(0, Call("GET", "/api/user/show", {{"peerId", Id(popular)}}, Login(NewPhone())).code());
    }
    FlushQueuedVisits();
    Response r = Call("GET", "/api/user/recs", {{"pageCount", "50"}}, me);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
    CPPUNIT_ASSERT(r.data()["list"].size() > 0);
    bool seen = false;
    for (const Json::Value& item : r.data()["list"]) {
      CPPUNIT_ASSERT(item["distance"].isNull());
      CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 1, item["gender"].asInt());
      seen = seen || item["user_id"].asInt64() == popular.user_id;
    }
    CPPUNIT_ASSERT_MESSAGE(r.body, seen);
  }

  void testBoostPutsTheVipFirstForItsTime() {
    const double lat = OwnLatitude(), lng = 20.75;
    Caller viewer = Person(1, 2, 30, lat, lng, 0);
    Caller near1 = Person(2, 1, 30, lat, lng, 1), near2 = Person(2, 1, 30, lat, lng, 2);
    Caller booster = Person(2, 1, 30, lat, lng, 20);
    Response r = Call("GET", "/api/user/recs", {}, viewer);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, Id(near1) + "," + Id(near2) + "," + Id(booster), RecIds(r));

    CPPUNIT_ASSERT_EQUAL(510, Call("POST", "/api/user/boost", {}, booster).code());  // VIP only
    MakeVip(booster);
    r = Call("GET", "/api/vip/info", {}, booster);
    CPPUNIT_ASSERT_EQUAL(1, r.data()["boosts_left"].asInt());
    CPPUNIT_ASSERT(r.data()["boost_ends"].isNull());
    r = Call("POST", "/api/user/boost", {}, booster);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
    CPPUNIT_ASSERT_EQUAL(FormatUtc(time(nullptr) + 30 * 60).substr(0, 15), r.data()["boost_ends"].asString().substr(0, 15));
    CPPUNIT_ASSERT_EQUAL(FormatUtc(time(nullptr) + 30 * 86400).substr(0, 13), r.data()["next_boost"].asString().substr(0, 13));
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, Count("SELECT COUNT(*) FROM user_boost WHERE user_id = ? AND end_time > UTC_TIMESTAMP()", {booster.user_id}));
    r = Call("POST", "/api/user/boost", {}, booster);  // one per 30 days
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 509, r.code());
    CPPUNIT_ASSERT_EQUAL(size_t{19}, r.data()["next_at"].asString().size());
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, Count("SELECT COUNT(*) FROM user_boost WHERE user_id = ?", {booster.user_id}));
    r = Call("GET", "/api/vip/info", {}, booster);
    CPPUNIT_ASSERT_EQUAL(0, r.data()["boosts_left"].asInt());
    CPPUNIT_ASSERT_EQUAL(size_t{19}, r.data()["boost_ends"].asString().size());

    // The boosted one first, in a new deck and on its first page.
    r = Call("GET", "/api/user/recs", {{"pageCount", "1"}}, viewer);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, Id(booster), RecIds(r));
    r = Call("GET", "/api/user/recs", {}, viewer);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, Id(booster) + "," + Id(near1) + "," + Id(near2), RecIds(r));
    // Redis lost the running boosts: rebuild-geo puts them back from MySQL.
    RedisReply gone;
    CheckDb(TestStack::Get().redis().Command(&gone, "DEL dt:boost dt:geo:boost"));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, Id(near1) + "," + Id(near2) + "," + Id(booster),
                                 RecIds(Call("GET", "/api/user/recs", {}, viewer)));
    const std::string out = RunCommand(ToolCommand("dtadmin", "rebuild-geo"));
    CPPUNIT_ASSERT_MESSAGE(out, out.find("done") != std::string::npos);
    r = Call("GET", "/api/user/recs", {}, viewer);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, Id(booster) + "," + Id(near1) + "," + Id(near2), RecIds(r));
    // Its time over (as the clock would have it): back to its place.
    CheckDb(TestStack::Get().db().Exec("UPDATE user_boost SET start_time = start_time - INTERVAL 1 HOUR,"
                                       " end_time = end_time - INTERVAL 1 HOUR WHERE user_id = ?",
                                       {booster.user_id}));
    RedisReply reply;
    CheckDb(TestStack::Get().redis().Command(&reply, "ZADD dt:boost %lld %lld", static_cast<long long>(time(nullptr) - 60),
                                             static_cast<long long>(booster.user_id)));
    r = Call("GET", "/api/user/recs", {}, viewer);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, Id(near1) + "," + Id(near2) + "," + Id(booster), RecIds(r));
    CPPUNIT_ASSERT(Call("GET", "/api/vip/info", {}, booster).data()["boost_ends"].isNull());
  }

  void testProductsListWhatVipBuys() {
    Response r = Call("GET", "/api/vip/products", {});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
    CPPUNIT_ASSERT(r.data()["list"].size() >= 3);
    const Config& c = TestStack::Get().config();
    for (const Json::Value& p : r.data()["list"]) {
      const Json::Value& b = p["benefits"];
      CPPUNIT_ASSERT_MESSAGE(r.body, b["unlimited_likes"].asBool() && b["rewind"].asBool() &&
                                         b["likes_received"].asBool() && b["visitors"].asBool());
      CPPUNIT_ASSERT_EQUAL(c.vip_superlikes_per_day, b["superlikes_per_day"].asInt());
      CPPUNIT_ASSERT_EQUAL(c.superlikes_per_day, b["superlikes_per_day_without"].asInt());
      CPPUNIT_ASSERT_EQUAL(c.likes_per_day, b["likes_per_day_without"].asInt());
      CPPUNIT_ASSERT_EQUAL(c.boost_every_days, b["boost"]["every_days"].asInt());
      CPPUNIT_ASSERT_EQUAL(c.boost_minutes, b["boost"]["minutes"].asInt());
    }
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(DiscoveryHttpTest, "http");

}  // namespace dt
