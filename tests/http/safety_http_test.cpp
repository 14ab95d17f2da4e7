// Blocks, reports and review through nginx: a block hides both users from each other in
// every route (one test per route) and stops messages both ways; unblock restores; the
// report threshold hides a user from third parties until an operator decides.
#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "tests/http/http_support.h"

namespace dt {
namespace {

std::string Id(const Caller& c) { return std::to_string(c.user_id); }

Response Block(const Caller& by, const Caller& whom) {
  return Call("POST", "/api/user/block", {{"peerId", Id(whom)}}, by);
}

Response Unblock(const Caller& by, const Caller& whom) {
  return Call("POST", "/api/user/unblock", {{"peerId", Id(whom)}}, by);
}

int ShowCode(const Caller& viewer, const Caller& peer) {
  return Call("GET", "/api/user/show", {{"peerId", Id(peer)}}, viewer).code();
}

std::string Located(const Caller& c, double lat, double lng) {
  char buf[64];
  snprintf(buf, sizeof buf, "%.6f,%.6f", lat, lng);
  CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/location", {{"latlng", buf}}, c).code());
  return buf;
}

std::string Dtadmin(const std::string& args) { return RunCommand(ToolCommand("dtadmin", args)); }

void MakeVip(const Caller& c) {
  CheckDb(TestStack::Get().db().Exec(
      "INSERT INTO vip_info (user_id, vip_deadline) VALUES (?, UTC_TIMESTAMP() + INTERVAL 30 DAY)"
      " ON DUPLICATE KEY UPDATE vip_deadline = VALUES(vip_deadline)", {c.user_id}));
  RedisReply r;
  TestStack::Get().redis().Command(&r, "DEL dt:profile:%lld", static_cast<long long>(c.user_id));
}

Response SendText(const Caller& from, const Caller& to, const std::string& text) {
  return Call("POST", "/api/message/send", {{"peerId", Id(to)}, {"msgType", "text"}, {"content", text}}, from);
}

// The `nickname` and `avatar` of the item of `list` whose `key` is `id` ("<absent>" when
// not listed).
std::pair<std::string, std::string> NameIn(const Response& r, const char* key, const Caller& who) {
  for (const Json::Value& item : r.data()["list"]) {
    if (item[key].asInt64() == who.user_id) return {item["nickname"].asString(), item["avatar"].asString()};
  }
  return {"<absent>", "<absent>"};
}

// A user who may put others under review with their reports: the account is older than
// [safety] reporter_min_days and has a match (with `friend_`).
Caller EstablishedUser(const Caller& friend_) {
  Caller user = Login(NewPhone());
  const int days = TestStack::Get().config().reporter_min_days + 1;
  CPPUNIT_ASSERT(TestStack::Get().db().Exec("UPDATE user_info SET create_time = create_time - INTERVAL ? DAY WHERE id = ?",
                                            {int64_t{days}, user.user_id}).ok());
  CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/like", {{"peerId", Id(friend_)}, {"action", "like"}}, user).code());
  Response match = Call("POST", "/api/user/like", {{"peerId", Id(user)}, {"action", "like"}}, friend_);
  CPPUNIT_ASSERT(match.data()["matched"].asBool());
  return user;
}

}  // namespace

class BlockHttpTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(BlockHttpTest);
  CPPUNIT_TEST(testShowAndAlbum);
  CPPUNIT_TEST(testHotList);
  CPPUNIT_TEST(testSearch);
  CPPUNIT_TEST(testNearby);
  CPPUNIT_TEST(testVisitors);
  CPPUNIT_TEST(testContactsAndUnread);
  CPPUNIT_TEST(testMatches);
  CPPUNIT_TEST(testMessagesBothWays);
  CPPUNIT_TEST(testNoVisitOrLikeRecorded);
  CPPUNIT_TEST(testBlockListAndValidation);
  CPPUNIT_TEST(testListedRelationsShowOnlyVisibleProfiles);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testShowAndAlbum() {
    Caller a = Login(NewPhone()), b = Login(NewPhone());
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/album/add", {{"url", UploadedUrl("image")}}, a).code());
    CPPUNIT_ASSERT_EQUAL(0, ShowCode(b, a));
    CPPUNIT_ASSERT_EQUAL(0, Block(a, b).code());
    CPPUNIT_ASSERT_EQUAL(0, Block(a, b).code());  // idempotent
    CPPUNIT_ASSERT_EQUAL(501, ShowCode(b, a));
    CPPUNIT_ASSERT_EQUAL(501, ShowCode(a, b));
    CPPUNIT_ASSERT_EQUAL(501, Call("GET", "/api/album/list", {{"peerId", Id(a)}}, b).code());
    CPPUNIT_ASSERT_EQUAL(0, Unblock(a, b).code());
    CPPUNIT_ASSERT_EQUAL(0, ShowCode(b, a));
    CPPUNIT_ASSERT_EQUAL(0, ShowCode(a, b));
    CPPUNIT_ASSERT_EQUAL(1u, Call("GET", "/api/album/list", {{"peerId", Id(a)}}, b).data()["list"].size());
  }

  void testHotList() {
    Caller a = Login(NewPhone()), b = Login(NewPhone());
    CPPUNIT_ASSERT(InHotList(a, b.user_id) && InHotList(b, a.user_id));
    const int64_t total = Call("GET", "/api/user/hot/list", {}, a).data()["total"].asInt64();
    CPPUNIT_ASSERT_EQUAL(0, Block(b, a).code());
    CPPUNIT_ASSERT(!InHotList(a, b.user_id));
    CPPUNIT_ASSERT(!InHotList(b, a.user_id));
    CPPUNIT_ASSERT_EQUAL(total - 1, Call("GET", "/api/user/hot/list", {}, a).data()["total"].asInt64());
    CPPUNIT_ASSERT_EQUAL(0, Unblock(b, a).code());
    CPPUNIT_ASSERT(InHotList(a, b.user_id) && InHotList(b, a.user_id));
  }

  void testSearch() {
    const std::string tag = "blk" + NewPhone().substr(6);
    Caller a = Login(NewPhone()), b = Login(NewPhone());
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/update", {{"nickname", tag + "a"}}, a).code());
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/update", {{"nickname", tag + "b"}}, b).code());
    auto found = [&](const Caller& who) {
      return Call("GET", "/api/user/search", {{"keyword", tag}}, who).data()["total"].asInt();
    };
    CPPUNIT_ASSERT_EQUAL(1, found(a));
    CPPUNIT_ASSERT_EQUAL(0, Block(a, b).code());
    CPPUNIT_ASSERT_EQUAL(0, found(a));
    CPPUNIT_ASSERT_EQUAL(0, found(b));
    CPPUNIT_ASSERT_EQUAL(0, Unblock(a, b).code());
    CPPUNIT_ASSERT_EQUAL(1, found(b));
  }

  void testNearby() {
    Caller a = Login(NewPhone()), b = Login(NewPhone());
    const std::string here = Located(a, 45.1, -30.2);
    Located(b, 45.101, -30.2);
    auto sees = [&](const Caller& who) {
      return ListHas(Call("GET", "/api/user/nearby/list", {{"latlng", here}}, who), "user_id",
                     who.user_id == a.user_id ? b.user_id : a.user_id);
    };
    CPPUNIT_ASSERT(sees(a) && sees(b));
    CPPUNIT_ASSERT_EQUAL(0, Block(a, b).code());
    CPPUNIT_ASSERT(!sees(a) && !sees(b));
    CPPUNIT_ASSERT_EQUAL(0, Unblock(a, b).code());
    CPPUNIT_ASSERT(sees(a) && sees(b));
  }

  void testVisitors() {
    Caller a = Login(NewPhone()), b = Login(NewPhone());
    MakeVip(a);
    CPPUNIT_ASSERT_EQUAL(0, ShowCode(b, a));
    Response before = Call("GET", "/api/visitor/list", {}, a);
    CPPUNIT_ASSERT(ListHas(before, "visitor_id", b.user_id));
    CPPUNIT_ASSERT_EQUAL(0, Block(a, b).code());
    Response after = Call("GET", "/api/visitor/list", {}, a);
    CPPUNIT_ASSERT(!ListHas(after, "visitor_id", b.user_id));
    CPPUNIT_ASSERT_EQUAL(0, after.data()["total"].asInt());
    CPPUNIT_ASSERT_EQUAL(0, Unblock(a, b).code());
    CPPUNIT_ASSERT(ListHas(Call("GET", "/api/visitor/list", {}, a), "visitor_id", b.user_id));
  }

  void testContactsAndUnread() {
    Caller a = Login(NewPhone()), b = Login(NewPhone());
    CPPUNIT_ASSERT_EQUAL(0, SendText(a, b, "hello").code());
    CPPUNIT_ASSERT(ListHas(Call("GET", "/api/contacts/list", {}, b), "peer_id", a.user_id));
    CPPUNIT_ASSERT_EQUAL(1, Call("GET", "/api/message/unread", {}, b).data()["total"].asInt());
    CPPUNIT_ASSERT_EQUAL(0, Block(b, a).code());
    CPPUNIT_ASSERT(!ListHas(Call("GET", "/api/contacts/list", {}, b), "peer_id", a.user_id));
    CPPUNIT_ASSERT(!ListHas(Call("GET", "/api/contacts/list", {}, a), "peer_id", b.user_id));
    CPPUNIT_ASSERT_EQUAL(0, Call("GET", "/api/message/unread", {}, b).data()["total"].asInt());
    CPPUNIT_ASSERT_EQUAL(0, Unblock(b, a).code());
    CPPUNIT_ASSERT(ListHas(Call("GET", "/api/contacts/list", {}, b), "peer_id", a.user_id));
    CPPUNIT_ASSERT_EQUAL(1, Call("GET", "/api/message/unread", {}, b).data()["total"].asInt());
    // A sender under review (or banned) is visible to nobody: gone from the list and the
    // count until cleared.
    Db& db = TestStack::Get().db();
    CPPUNIT_ASSERT(db.Exec("UPDATE user_info SET status = 'review' WHERE id = ?", {a.user_id}).ok());
    CPPUNIT_ASSERT(!ListHas(Call("GET", "/api/contacts/list", {}, b), "peer_id", a.user_id));
    CPPUNIT_ASSERT_EQUAL(0, Call("GET", "/api/message/unread", {}, b).data()["total"].asInt());
    CPPUNIT_ASSERT(db.Exec("UPDATE user_info SET status = 'active' WHERE id = ?", {a.user_id}).ok());
    CPPUNIT_ASSERT(ListHas(Call("GET", "/api/contacts/list", {}, b), "peer_id", a.user_id));
    CPPUNIT_ASSERT_EQUAL(1, Call("GET", "/api/message/unread", {}, b).data()["total"].asInt());
  }

  void testMatches() {
    Caller a = Login(NewPhone()), b = Login(NewPhone());
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/like", {{"peerId", Id(b)}, {"action", "like"}}, a).code());
    CPPUNIT_ASSERT(Call("POST", "/api/user/like", {{"peerId", Id(a)}, {"action", "like"}}, b).data()["matched"].asBool());
    CPPUNIT_ASSERT(ListHas(Call("GET", "/api/user/match/list", {}, a), "user_id", b.user_id));
    CPPUNIT_ASSERT_EQUAL(0, Block(a, b).code());
    CPPUNIT_ASSERT(!ListHas(Call("GET", "/api/user/match/list", {}, a), "user_id", b.user_id));
    CPPUNIT_ASSERT(!ListHas(Call("GET", "/api/user/match/list", {}, b), "user_id", a.user_id));
    CPPUNIT_ASSERT_EQUAL(0, Unblock(a, b).code());
    CPPUNIT_ASSERT(ListHas(Call("GET", "/api/user/match/list", {}, b), "user_id", a.user_id));
  }

  void testMessagesBothWays() {
    Caller a = Login(NewPhone()), b = Login(NewPhone());
    CPPUNIT_ASSERT_EQUAL(0, SendText(a, b, "before").code());
    CPPUNIT_ASSERT_EQUAL(0, Block(b, a).code());
    Response r = SendText(a, b, "blocked?");
    CPPUNIT_ASSERT_EQUAL(513, r.code());
    CPPUNIT_ASSERT_EQUAL(513, SendText(b, a, "me neither").code());
    Row row;
    bool found = false;
    CheckDb(TestStack::Get().db().QueryRow("SELECT COUNT(*) FROM message WHERE from_uid IN (?, ?) AND to_uid IN (?, ?)",
                                   {a.user_id, b.user_id, a.user_id, b.user_id}, &row, &found));
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, row.Int(0));
    // The refused sends changed no count and were not counted against the rate limit.
    CheckDb(TestStack::Get().db().QueryRow("SELECT unread, sent FROM contacts WHERE user_id = ? AND peer_id = ?",
                                   {b.user_id, a.user_id}, &row, &found));
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, row.Int(0));
    CPPUNIT_ASSERT_EQUAL(int64_t{0}, row.Int(1));
    RedisReply counted;
    TestStack::Get().redis().Command(&counted, "GET dt:rl:msg:%lld:%lld", static_cast<long long>(a.user_id),
                                     static_cast<long long>(b.user_id));
    CPPUNIT_ASSERT_EQUAL(std::string("1"), std::string(counted.Str()));
    CPPUNIT_ASSERT_EQUAL(0, Unblock(b, a).code());
    CPPUNIT_ASSERT_EQUAL(0, SendText(b, a, "after").code());
  }

  void testNoVisitOrLikeRecorded() {
    Caller a = Login(NewPhone()), b = Login(NewPhone());
    CPPUNIT_ASSERT_EQUAL(0, Block(a, b).code());
    CPPUNIT_ASSERT_EQUAL(501, ShowCode(b, a));
    CPPUNIT_ASSERT_EQUAL(501, Call("POST", "/api/user/like", {{"peerId", Id(a)}, {"action", "like"}}, b).code());
    FlushQueuedVisits();
    Row row;
    bool found = false;
    CheckDb(TestStack::Get().db().QueryRow(
        "SELECT (SELECT COUNT(*) FROM visitor WHERE user_id = ? AND visitor_id = ?) + "
        "(SELECT COUNT(*) FROM user_like WHERE user_id = ? AND peer_id = ?)",
        {a.user_id, b.user_id, b.user_id, a.user_id}, &row, &found));
    CPPUNIT_ASSERT_EQUAL(int64_t{0}, row.Int(0));
  }

  // Found by review (issue 16, item 7): a hidden (authority 0 or 2), banned or deleted user
  // showed their name and avatar in a peer's contacts/list and in user/block/list. One rule
  // renders every profile: where the relation stays listed, the placeholder of a deleted
  // account stands in.
  void testListedRelationsShowOnlyVisibleProfiles() {
    Caller me = Login(NewPhone()), bob = Login(NewPhone()), carol = Login(NewPhone()), dave = Login(NewPhone());
    const std::string avatar = UploadedUrl("image");
    for (const Caller* c : {&bob, &carol, &dave}) {
      CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/update", {{"nickname", "named" + Id(*c)}, {"avatar", avatar}}, *c).code());
    }
    CPPUNIT_ASSERT_EQUAL(0, SendText(bob, me, "hi").code());
    CPPUNIT_ASSERT_EQUAL(0, SendText(dave, me, "hello").code());
    CPPUNIT_ASSERT_EQUAL(0, Block(me, carol).code());
    const std::pair<std::string, std::string> placeholder = {"deleted user", ""};
    auto contact = [&](const Caller& c) { return NameIn(Call("GET", "/api/contacts/list", {}, me), "peer_id", c); };
    auto blocked = [&](const Caller& c) { return NameIn(Call("GET", "/api/user/block/list", {}, me), "user_id", c); };
    const std::pair<std::string, std::string> bob_named = {"named" + Id(bob), avatar};
    CPPUNIT_ASSERT(contact(bob) == bob_named);
    CPPUNIT_ASSERT(blocked(carol) == std::make_pair("named" + Id(carol), avatar));
    // Hidden from everyone: the conversation stays, the name does not.
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/update", {{"authority", "0"}}, bob).code());
    CPPUNIT_ASSERT(contact(bob) == placeholder);
    // Only for users bob has liked: not for me until he likes me.
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/update", {{"authority", "2"}}, bob).code());
    CPPUNIT_ASSERT(contact(bob) == placeholder);
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/like", {{"peerId", Id(me)}, {"action", "like"}}, bob).code());
    CPPUNIT_ASSERT(contact(bob) == bob_named);
    // The block list: hidden and banned users show the placeholder too (a deleted account
    // takes its blocks with it; its conversations stay, under the placeholder).
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/update", {{"authority", "0"}}, carol).code());
    CPPUNIT_ASSERT(blocked(carol) == placeholder);
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/update", {{"authority", "1"}}, carol).code());
    CPPUNIT_ASSERT(Dtadmin("review ban " + Id(carol)).find("done") != std::string::npos);
    CPPUNIT_ASSERT(blocked(carol) == placeholder);
    Row phone;
    bool found = false;
    CheckDb(TestStack::Get().db().QueryRow("SELECT phone FROM user_info WHERE id = ?", {dave.user_id}, &phone, &found));
    AllowNextSms(phone.Str(0));
    const std::string code = RequestCode(phone.Str(0));
    CPPUNIT_ASSERT(contact(dave) == std::make_pair("named" + Id(dave), avatar));
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/account/delete", {{"code", code}}, dave).code());
    CPPUNIT_ASSERT(contact(dave) == placeholder);
    const std::string body = Call("GET", "/api/user/block/list", {}, me).body + Call("GET", "/api/contacts/list", {}, me).body;
    CPPUNIT_ASSERT(body.find("named" + Id(carol)) == std::string::npos && body.find("named" + Id(dave)) == std::string::npos);
  }

  void testBlockListAndValidation() {
    Caller a = Login(NewPhone()), b = Login(NewPhone()), c = Login(NewPhone());
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/update", {{"nickname", "blocked-b"}}, b).code());
    CPPUNIT_ASSERT_EQUAL(0, Block(a, b).code());
    CPPUNIT_ASSERT_EQUAL(0, Block(a, c).code());
    Response list = Call("GET", "/api/user/block/list", {}, a);
    CPPUNIT_ASSERT_EQUAL(2u, list.data()["list"].size());
    CPPUNIT_ASSERT(ListHas(list, "user_id", b.user_id));
    for (const Json::Value& item : list.data()["list"]) {
      if (item["user_id"].asInt64() == b.user_id) CPPUNIT_ASSERT_EQUAL(std::string("blocked-b"), item["nickname"].asString());
      CPPUNIT_ASSERT_EQUAL(size_t{19}, item["block_time"].asString().size());
    }
    CPPUNIT_ASSERT_EQUAL(0u, Call("GET", "/api/user/block/list", {}, b).data()["list"].size());
    CPPUNIT_ASSERT_EQUAL(0, Unblock(a, b).code());
    CPPUNIT_ASSERT_EQUAL(0, Unblock(a, b).code());  // idempotent
    CPPUNIT_ASSERT_EQUAL(1u, Call("GET", "/api/user/block/list", {}, a).data()["list"].size());
    for (const char* path : {"/api/user/block", "/api/user/unblock"}) {
      CPPUNIT_ASSERT_EQUAL_MESSAGE(path, 300, Call("POST", path, {{"peerId", Id(a)}}, a).code());
      CPPUNIT_ASSERT_EQUAL_MESSAGE(path, 501, Call("POST", path, {{"peerId", "4000000000"}}, a).code());
      CPPUNIT_ASSERT_EQUAL_MESSAGE(path, 300, Call("POST", path, {}, a).code());
    }
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(BlockHttpTest, "http");

class ReportHttpTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ReportHttpTest);
  CPPUNIT_TEST(testValidationAndRepeat);
  CPPUNIT_TEST(testReporterStopsSeeing);
  CPPUNIT_TEST(testThresholdReviewClearAndBan);
  CPPUNIT_TEST(testThrowawayReportersHideNobody);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testValidationAndRepeat() {
    Caller a = Login(NewPhone()), b = Login(NewPhone());
    CPPUNIT_ASSERT_EQUAL(300, Call("POST", "/api/user/report", {{"peerId", Id(b)}, {"reason", "ugly"}}, a).code());
    CPPUNIT_ASSERT_EQUAL(300, Call("POST", "/api/user/report", {{"peerId", Id(b)}}, a).code());
    CPPUNIT_ASSERT_EQUAL(300, Call("POST", "/api/user/report", {{"peerId", Id(b)}, {"reason", "spam"}, {"detail", std::string(501, 'd')}}, a).code());
    CPPUNIT_ASSERT_EQUAL(300, Call("POST", "/api/user/report", {{"peerId", Id(a)}, {"reason", "spam"}}, a).code());
    CPPUNIT_ASSERT_EQUAL(501, Call("POST", "/api/user/report", {{"peerId", "4000000000"}, {"reason", "spam"}}, a).code());
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/report", {{"peerId", Id(b)}, {"reason", "spam"}}, a).code());
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/report", {{"peerId", Id(b)}, {"reason", "fake"}, {"detail", "假照片"}}, a).code());
    std::vector<Row> rows;
    CheckDb(TestStack::Get().db().Query("SELECT reason, detail FROM user_report WHERE reporter_id = ? AND reported_id = ?",
                                {a.user_id, b.user_id}, &rows));
    CPPUNIT_ASSERT_EQUAL(size_t{1}, rows.size());
    CPPUNIT_ASSERT_EQUAL(std::string("fake"), rows[0].Str(0));
    CPPUNIT_ASSERT_EQUAL(std::string("假照片"), rows[0].Str(1));
    // Reporting again and again is one reporter: it never reaches the review threshold.
    for (int i = 0; i < TestStack::Get().config().report_threshold + 1; ++i) {
      CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/report", {{"peerId", Id(b)}, {"reason", "spam"}}, a).code());
    }
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, Count("SELECT COUNT(*) FROM user_report WHERE reported_id = ?", {b.user_id}));
    Row status;
    bool found = false;
    CheckDb(TestStack::Get().db().QueryRow("SELECT status FROM user_info WHERE id = ?", {b.user_id}, &status, &found));
    CPPUNIT_ASSERT_EQUAL(std::string("active"), status.Str(0));
  }

  void testReporterStopsSeeing() {
    Caller a = Login(NewPhone()), b = Login(NewPhone()), c = Login(NewPhone());
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/report", {{"peerId", Id(b)}, {"reason", "harassment"}}, a).code());
    CPPUNIT_ASSERT_EQUAL(501, ShowCode(a, b));
    CPPUNIT_ASSERT(!InHotList(a, b.user_id));
    CPPUNIT_ASSERT_EQUAL(0, ShowCode(c, b));  // one report hides b from the reporter only
    CPPUNIT_ASSERT_EQUAL(0, ShowCode(b, a));
  }

  void testThresholdReviewClearAndBan() {
    Caller target = Login(NewPhone()), third = Login(NewPhone());
    const std::string here = Located(target, 47.3, -25.1);
    const int threshold = TestStack::Get().config().report_threshold;
    Caller friend_ = Login(NewPhone());
    for (int i = 0; i < threshold; ++i) {
      CPPUNIT_ASSERT_EQUAL(0, ShowCode(third, target));
      Caller reporter = EstablishedUser(friend_);
      CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/report", {{"peerId", Id(target)}, {"reason", "fake"}}, reporter).code());
    }
    // Under review: hidden from everyone but themself.
    CPPUNIT_ASSERT_EQUAL(501, ShowCode(third, target));
    CPPUNIT_ASSERT(!InHotList(third, target.user_id));
    CPPUNIT_ASSERT(!ListHas(Call("GET", "/api/user/nearby/list", {{"latlng", here}}, third), "user_id", target.user_id));
    CPPUNIT_ASSERT_EQUAL(0, Call("GET", "/api/user/show", {}, target).code());
    Row row;
    bool found = false;
    CheckDb(TestStack::Get().db().QueryRow("SELECT status FROM user_info WHERE id = ?", {target.user_id}, &row, &found));
    CPPUNIT_ASSERT_EQUAL(std::string("review"), row.Str(0));
    std::string listed = Dtadmin("review list");
    CPPUNIT_ASSERT_MESSAGE(listed, listed.find(Id(target) + "\t" + std::to_string(threshold) + " reports") != std::string::npos);

    CPPUNIT_ASSERT(Dtadmin("review clear " + Id(target)).find("done") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(0, ShowCode(third, target));
    CPPUNIT_ASSERT(InHotList(third, target.user_id));
    CPPUNIT_ASSERT(Dtadmin("review list").find(Id(target) + "\t") == std::string::npos);
    CPPUNIT_ASSERT(Dtadmin("review clear " + Id(target)).find("failed") != std::string::npos);
    // An id that is not plainly digits names nobody: a typo must not hit another user.
    for (const char* typo : {"12x", "1e3", "-5", "99999999999999"}) {
      CPPUNIT_ASSERT_MESSAGE(typo, Dtadmin(std::string("review ban ") + typo).find("usage:") != std::string::npos);
    }

    CPPUNIT_ASSERT(Dtadmin("review ban " + Id(target)).find("done") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(501, ShowCode(third, target));
    CPPUNIT_ASSERT_EQUAL(504, Call("GET", "/api/user/show", {}, target).code());  // sessions revoked
    CheckDb(TestStack::Get().db().QueryRow("SELECT phone FROM user_info WHERE id = ?", {target.user_id}, &row, &found));
    const std::string phone = row.Str(0);
    AllowNextSms(phone);
    std::string code = RequestCode(phone);
    Response login = Call("POST", "/api/auth/login", {{"phone", phone}, {"code", code}});
    CPPUNIT_ASSERT_EQUAL(504, login.code());
    CPPUNIT_ASSERT_EQUAL(std::string("account is banned."), login.msg());
  }

  // Found by review (issue 16, item 5): reports from five brand-new accounts put anyone
  // under review, hidden from everyone. A report counts toward review only when its
  // reporter is established ([safety] reporter_min_days old, with a match or
  // reporter_min_messages sent); every reporter still stops seeing the reported user.
  void testThrowawayReportersHideNobody() {
    const Config& config = TestStack::Get().config();
    Caller target = Login(NewPhone()), third = Login(NewPhone()), friend_ = Login(NewPhone());
    Db& db = TestStack::Get().db();
    auto status = [&] {
      Row row;
      bool found = false;
      db.QueryRow("SELECT status FROM user_info WHERE id = ?", {target.user_id}, &row, &found);
      return row.Str(0);
    };
    std::vector<Caller> reporters;
    for (int i = 0; i < config.report_threshold + 2; ++i) {
      Caller fresh = Login(NewPhone());
      CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/report", {{"peerId", Id(target)}, {"reason", "fake"}}, fresh).code());
      CPPUNIT_ASSERT_EQUAL(501, ShowCode(fresh, target));  // the reporter stops seeing them
      reporters.push_back(fresh);
    }
    CPPUNIT_ASSERT_EQUAL(std::string("active"), status());
    CPPUNIT_ASSERT_EQUAL(0, ShowCode(third, target));
    // Old but without history, or with history but new: still not enough.
    Caller old_silent = Login(NewPhone());
    CPPUNIT_ASSERT(db.Exec("UPDATE user_info SET create_time = create_time - INTERVAL 400 DAY WHERE id = ?",
                           {old_silent.user_id}).ok());
    Caller new_chatty = Login(NewPhone());
    for (int i = 0; i < config.reporter_min_messages; ++i) {
      CPPUNIT_ASSERT_EQUAL(0, SendText(new_chatty, i % 2 ? friend_ : third, "hello " + std::to_string(i)).code());
      if (i == 1) CPPUNIT_ASSERT_EQUAL(0, SendText(third, new_chatty, "hi back").code());
      if (i == 2) CPPUNIT_ASSERT_EQUAL(0, SendText(friend_, new_chatty, "hi back").code());
    }
    for (const Caller* c : {&old_silent, &new_chatty}) {
      CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/report", {{"peerId", Id(target)}, {"reason", "spam"}}, *c).code());
    }
    CPPUNIT_ASSERT_EQUAL(std::string("active"), status());
    // Established reporters do count: messages sent are history too.
    CPPUNIT_ASSERT(db.Exec("UPDATE user_info SET create_time = create_time - INTERVAL 400 DAY WHERE id = ?",
                           {new_chatty.user_id}).ok());
    for (int i = 1; i < config.report_threshold; ++i) {
      Caller established = EstablishedUser(friend_);
      CPPUNIT_ASSERT_EQUAL(std::string("active"), status());
      CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/report", {{"peerId", Id(target)}, {"reason", "spam"}}, established).code());
    }
    CPPUNIT_ASSERT_EQUAL(std::string("review"), status());
    CPPUNIT_ASSERT_EQUAL(501, ShowCode(third, target));
    CPPUNIT_ASSERT(Dtadmin("review clear " + Id(target)).find("done") != std::string::npos);
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(ReportHttpTest, "http");

}  // namespace dt
