// Like, pass and match through nginx, and account deletion with what it leaves behind.
#include <cppunit/extensions/HelperMacros.h>

#include "tests/http/http_support.h"

namespace dt {
namespace {

std::string Id(const Caller& c) { return std::to_string(c.user_id); }

Response Like(const Caller& from, const Caller& to, const char* action = "like") {
  return Call("POST", "/api/user/like", {{"peerId", Id(to)}, {"action", action}}, from);
}

}  // namespace

class MatchHttpTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(MatchHttpTest);
  CPPUNIT_TEST(testLikeAnsweredIsAMatch);
  CPPUNIT_TEST(testPassHidesFromHotListFor30Days);
  CPPUNIT_TEST(testAuthorityTwoShowsToLikedUsersOnly);
  CPPUNIT_TEST(testValidation);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testLikeAnsweredIsAMatch() {
    Caller a = Login(NewPhone()), b = Login(NewPhone());
    Response first = Like(a, b);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(first.body, 0, first.code());
    CPPUNIT_ASSERT(first.data()["matched"].isBool() && !first.data()["matched"].asBool());
    CPPUNIT_ASSERT(!Like(a, b).data()["matched"].asBool());  // idempotent
    CPPUNIT_ASSERT_EQUAL(int64_t{0}, Count("SELECT COUNT(*) FROM contacts WHERE user_id IN (?, ?) AND peer_id IN (?, ?)",
                                           {a.user_id, b.user_id, a.user_id, b.user_id}));
    Response answer = Like(b, a);
    CPPUNIT_ASSERT(answer.data()["matched"].asBool());
    CPPUNIT_ASSERT(Like(b, a).data()["matched"].asBool());
    CPPUNIT_ASSERT(Like(a, b).data()["matched"].asBool());
    CPPUNIT_ASSERT_EQUAL(int64_t{2}, Count("SELECT COUNT(*) FROM contacts WHERE user_id IN (?, ?) AND peer_id IN (?, ?)",
                                           {a.user_id, b.user_id, a.user_id, b.user_id}));
    CPPUNIT_ASSERT_EQUAL(int64_t{2}, Count("SELECT COUNT(*) FROM user_like WHERE user_id IN (?, ?) AND peer_id IN (?, ?)",
                                           {a.user_id, b.user_id, a.user_id, b.user_id}));
    for (const auto& [me, peer] : {std::pair{a, b}, std::pair{b, a}}) {
      Response list = Call("GET", "/api/user/match/list", {}, me);
      CPPUNIT_ASSERT_EQUAL(1u, list.data()["list"].size());
      CPPUNIT_ASSERT_EQUAL(peer.user_id, list.data()["list"][0]["user_id"].asInt64());
      CPPUNIT_ASSERT_EQUAL(size_t{19}, list.data()["list"][0]["match_time"].asString().size());
      CPPUNIT_ASSERT(!list.data()["list"][0].isMember("phone"));
      Response contacts = Call("GET", "/api/contacts/list", {}, me);
      CPPUNIT_ASSERT_EQUAL(peer.user_id, contacts.data()["list"][0]["peer_id"].asInt64());
    }
    // Taking the like back (a pass) ends the match.
    CPPUNIT_ASSERT(!Like(a, b, "pass").data()["matched"].asBool());
    CPPUNIT_ASSERT_EQUAL(0u, Call("GET", "/api/user/match/list", {}, b).data()["list"].size());
  }

  void testPassHidesFromHotListFor30Days() {
    Caller a = Login(NewPhone()), c = Login(NewPhone());
    CPPUNIT_ASSERT(InHotList(a, c.user_id));
    CPPUNIT_ASSERT(!Like(a, c, "pass").data()["matched"].asBool());
    CPPUNIT_ASSERT_EQUAL(0, Like(a, c, "pass").code());
    CPPUNIT_ASSERT(!InHotList(a, c.user_id));
    CPPUNIT_ASSERT(InHotList(c, a.user_id));  // a pass hides only for the one who passed
    CPPUNIT_ASSERT_EQUAL(0, Call("GET", "/api/user/show", {{"peerId", Id(c)}}, a).code());
    CheckDb(TestStack::Get().db().Exec("UPDATE user_like SET update_time = UTC_TIMESTAMP() - INTERVAL 31 DAY"
                               " WHERE user_id = ? AND peer_id = ?", {a.user_id, c.user_id}));
    RedisReply forget;  // the change went around the API: drop the cached hidden set
    TestStack::Get().redis().Command(&forget, "DEL dt:hidden:%lld", static_cast<long long>(a.user_id));
    CPPUNIT_ASSERT(InHotList(a, c.user_id));
  }

  void testAuthorityTwoShowsToLikedUsersOnly() {
    Caller owner = Login(NewPhone()), liked = Login(NewPhone()), other = Login(NewPhone());
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/update", {{"authority", "2"}}, owner).code());
    CPPUNIT_ASSERT_EQUAL(0, Like(owner, liked).code());
    CPPUNIT_ASSERT_EQUAL(0, Call("GET", "/api/user/show", {{"peerId", Id(owner)}}, liked).code());
    CPPUNIT_ASSERT_EQUAL(501, Call("GET", "/api/user/show", {{"peerId", Id(owner)}}, other).code());
    CPPUNIT_ASSERT(Like(liked, owner).data()["matched"].asBool());
    CPPUNIT_ASSERT_EQUAL(1u, Call("GET", "/api/user/match/list", {}, liked).data()["list"].size());
  }

  void testValidation() {
    Caller a = Login(NewPhone()), b = Login(NewPhone());
    CPPUNIT_ASSERT_EQUAL(300, Like(a, b, "love").code());
    CPPUNIT_ASSERT_EQUAL(300, Like(a, a).code());
    CPPUNIT_ASSERT_EQUAL(300, Call("POST", "/api/user/like", {{"peerId", Id(b)}}, a).code());
    CPPUNIT_ASSERT_EQUAL(501, Call("POST", "/api/user/like", {{"peerId", "4000000000"}, {"action", "like"}}, a).code());
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/update", {{"authority", "0"}}, b).code());
    CPPUNIT_ASSERT_EQUAL(501, Like(a, b).code());
    CPPUNIT_ASSERT_EQUAL(300, Call("GET", "/api/user/match/list", {{"pageCount", "51"}}, a).code());
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(MatchHttpTest, "http");

class AccountHttpTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(AccountHttpTest);
  CPPUNIT_TEST(testWrongCodeDeletesNothing);
  CPPUNIT_TEST(testDeletionRemovesTheAccountEverywhere);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testWrongCodeDeletesNothing() {
    const std::string phone = NewPhone();
    Caller me = Login(phone);
    CPPUNIT_ASSERT_EQUAL(503, Call("POST", "/api/account/delete", {{"code", "000000"}}, me).code());
    AllowNextSms(phone);
    const std::string code = RequestCode(phone);
    const std::string wrong = code == "123456" ? "654321" : "123456";
    CPPUNIT_ASSERT_EQUAL(503, Call("POST", "/api/account/delete", {{"code", wrong}}, me).code());
    CPPUNIT_ASSERT_EQUAL(300, Call("POST", "/api/account/delete", {{"code", "12ab56"}}, me).code());
    CPPUNIT_ASSERT_EQUAL(300, Call("POST", "/api/account/delete", {}, me).code());
    CPPUNIT_ASSERT_EQUAL(0, Call("GET", "/api/user/show", {}, me).code());
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, Count("SELECT COUNT(*) FROM user_info WHERE id = ? AND status = 'active'", {me.user_id}));
  }

  void testDeletionRemovesTheAccountEverywhere() {
    const std::string phone = NewPhone();
    Caller d = Login(phone), e = Login(NewPhone()), f = Login(NewPhone());
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/update", {{"nickname", "soon-gone"}, {"email", "gone@example.com"}}, d).code());
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/album/add", {{"url", UploadedUrl("image")}}, d).code());
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/labels", {{"labelIds", "1,2"}}, d).code());
    CheckDb(TestStack::Get().db().Exec(
        "INSERT INTO user_warning (user_id, reason, create_time) VALUES (?, 'a warning', NOW())", {d.user_id}));
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/device/register", {{"platform", "android"}, {"provider", "fcm"},
                                                                  {"deviceToken", "fcm-of-a-user-soon-gone-0123456789"}}, d).code());
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/preferences", {{"showPreview", "1"}}, d).code());
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/location", {{"latlng", "50.5,-20.5"}}, d).code());
    CPPUNIT_ASSERT_EQUAL(0, Like(d, e).code());
    CPPUNIT_ASSERT_EQUAL(0, Call("GET", "/api/user/show", {{"peerId", Id(e)}}, d).code());
    CPPUNIT_ASSERT_EQUAL(0, Call("GET", "/api/user/show", {{"peerId", Id(d)}}, e).code());
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/report", {{"peerId", Id(f)}, {"reason", "spam"}}, d).code());
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/block", {{"peerId", Id(f)}}, d).code());
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/message/send", {{"peerId", Id(e)}, {"msgType", "text"}, {"content", "from d"}}, d).code());
    Response order = Call("POST", "/api/vip/order/create", {{"productId", "1"}}, d);
    CPPUNIT_ASSERT_EQUAL(0, PayNotify(order.data()["trade_no"].asString(), "30.00", "d-paid").code());
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, Count("SELECT COUNT(*) FROM vip_info WHERE user_id = ?", {d.user_id}));
    // Listed everywhere before: what follows is the deletion's doing.
    CPPUNIT_ASSERT(InHotList(e, d.user_id));
    Response search = Call("GET", "/api/user/search", {{"keyword", "soon-gone"}}, e);
    CPPUNIT_ASSERT(ListHas(search, "user_id", d.user_id));
    CPPUNIT_ASSERT(ListHas(Call("GET", "/api/user/nearby/list", {{"latlng", "50.5,-20.5"}}, e), "user_id", d.user_id));

    AllowNextSms(phone);
    const std::string code = RequestCode(phone);
    Response r = Call("POST", "/api/account/delete", {{"code", code}}, d);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());

    // The token died at once, for every route.
    for (const char* path : {"/api/user/show", "/api/contacts/list", "/api/vip/info", "/api/user/hot/list"}) {
      CPPUNIT_ASSERT_EQUAL_MESSAGE(path, 504, Call("GET", path, {}, d).code());
    }
    // The stored data is gone; the row is a cleared tombstone; the phone is free.
    Row row;
    bool found = false;
    CheckDb(TestStack::Get().db().QueryRow("SELECT status, phone, email, nickname, avatar, authority FROM user_info WHERE id = ?",
                                   {d.user_id}, &row, &found));
    CPPUNIT_ASSERT_EQUAL(std::string("deleted"), row.Str(0));
    CPPUNIT_ASSERT(row.IsNull(1) && row.IsNull(2));
    CPPUNIT_ASSERT_EQUAL(std::string(""), row.Str(3));
    const struct {
      const char* sql;
      int args;
    } gone[] = {
        {"SELECT COUNT(*) FROM user_auth WHERE user_id = ?", 1},
        {"SELECT COUNT(*) FROM push_device WHERE user_id = ?", 1},
        {"SELECT COUNT(*) FROM push_setting WHERE user_id = ?", 1},
        {"SELECT COUNT(*) FROM user_album WHERE user_id = ?", 1},
        {"SELECT COUNT(*) FROM user_label WHERE user_id = ?", 1},
        {"SELECT COUNT(*) FROM location WHERE user_id = ?", 1},
        {"SELECT COUNT(*) FROM user_like WHERE user_id = ? OR peer_id = ?", 2},
        {"SELECT COUNT(*) FROM visitor WHERE user_id = ? OR visitor_id = ?", 2},
        {"SELECT COUNT(*) FROM user_report WHERE reporter_id = ?", 1},
        {"SELECT COUNT(*) FROM user_block WHERE user_id = ? OR blocked_id = ?", 2},
        {"SELECT COUNT(*) FROM contacts WHERE user_id = ?", 1},
        {"SELECT COUNT(*) FROM vip_info WHERE user_id = ?", 1},
        {"SELECT COUNT(*) FROM user_warning WHERE user_id = ?", 1},
    };
    for (const auto& g : gone) {
      int64_t n = g.args == 1 ? Count(g.sql, {d.user_id}) : Count(g.sql, {d.user_id, d.user_id});
      CPPUNIT_ASSERT_EQUAL_MESSAGE(g.sql, int64_t{0}, n);
    }
    // Orders are records of payment: kept.
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, Count("SELECT COUNT(*) FROM user_order WHERE user_id = ? AND pay = 1", {d.user_id}));
    RedisReply redis;
    TestStack::Get().redis().Command(&redis, "ZSCORE dt:geo %lld", static_cast<long long>(d.user_id));
    CPPUNIT_ASSERT(redis.IsNil());
    CPPUNIT_ASSERT(GeoPartitionsHolding(d.user_id).empty());
    TestStack::Get().redis().Command(&redis, "ZSCORE dt:hot:week %010lld", static_cast<long long>(d.user_id));
    CPPUNIT_ASSERT(redis.IsNil());
    // Others: no profile, no listing; the conversation stays, from a deleted user.
    CPPUNIT_ASSERT_EQUAL(501, Call("GET", "/api/user/show", {{"peerId", Id(d)}}, e).code());
    CPPUNIT_ASSERT_EQUAL(501, Call("GET", "/api/album/list", {{"peerId", Id(d)}}, e).code());
    CPPUNIT_ASSERT(!InHotList(e, d.user_id));
    search = Call("GET", "/api/user/search", {{"keyword", "soon-gone"}}, e);
    CPPUNIT_ASSERT(!ListHas(search, "user_id", d.user_id));
    CPPUNIT_ASSERT_EQUAL(0, search.data()["total"].asInt());
    CPPUNIT_ASSERT(!ListHas(Call("GET", "/api/user/nearby/list", {{"latlng", "50.5,-20.5"}}, e), "user_id", d.user_id));
    Response messages = Call("GET", "/api/message/list", {{"peerId", Id(d)}}, e);
    CPPUNIT_ASSERT_EQUAL(1u, messages.data()["list"].size());
    CPPUNIT_ASSERT_EQUAL(std::string("from d"), messages.data()["list"][0]["content"].asString());
    CPPUNIT_ASSERT_EQUAL(d.user_id, messages.data()["list"][0]["from_uid"].asInt64());
    Response contacts = Call("GET", "/api/contacts/list", {}, e);
    CPPUNIT_ASSERT_EQUAL(d.user_id, contacts.data()["list"][0]["peer_id"].asInt64());
    CPPUNIT_ASSERT_EQUAL(std::string("deleted user"), contacts.data()["list"][0]["nickname"].asString());
    CPPUNIT_ASSERT(contacts.body.find("soon-gone") == std::string::npos);
    CPPUNIT_ASSERT_EQUAL(508, Call("POST", "/api/message/send", {{"peerId", Id(d)}, {"msgType", "text"}, {"content", "hello?"}}, e).code());
    CPPUNIT_ASSERT_EQUAL(501, Call("POST", "/api/user/like", {{"peerId", Id(d)}, {"action", "like"}}, e).code());
    // The phone registers a new, empty account.
    AllowNextSms(phone);
    Caller again = Login(phone);
    CPPUNIT_ASSERT(again.user_id != d.user_id);
    Response fresh = Call("GET", "/api/user/show", {}, again);
    CPPUNIT_ASSERT_EQUAL("u-" + NationalOf(phone), fresh.data()["nickname"].asString());
    CPPUNIT_ASSERT_EQUAL(0u, fresh.data()["photos"].size());
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(AccountHttpTest, "http");

}  // namespace dt
