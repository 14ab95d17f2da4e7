// Sessions per device through nginx: a token per device, the limit, the session list,
// logout of one, revoking, and what ends them all (account deletion, a ban), with what
// MySQL user_session and the Redis session cache hold.
#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <thread>
#include <vector>

#include "lib/domain/session.h"
#include "tests/http/http_support.h"

namespace dt {
namespace {

// Lets `phone` have another code now (its minute, hour and day limits forgotten): these
// tests log one phone in many times.
void AllowAnotherCode(const std::string& phone) {
  RedisReply reply;
  for (const char* window : {"m", "h", "d"}) {
    TestStack::Get().redis().Command(&reply, "DEL dt:rl:sms:%s:%s", window, phone.c_str());
  }
}

// A login of `phone` from `device` (none: an old client's unnamed device).
Caller LoginOn(const std::string& phone, const std::string& device = "") {
  AllowAnotherCode(phone);
  const std::string code = RequestCode(phone);
  Caller app;
  app.appkey = "432ABZ";
  Fields fields = {{"phone", phone}, {"code", code}};
  if (!device.empty()) fields.push_back({"device", device});
  Response r = Call("POST", "/api/auth/login", fields, app);
  CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
  CPPUNIT_ASSERT(r.data()["session_id"].asInt64() > 0);
  Caller c;
  c.appkey = app.appkey;
  c.user_id = r.data()["user_id"].asInt64();
  c.token = r.data()["token"].asString();
  TestStack::Get().secrets_seen.push_back(c.token);
  return c;
}

// Whether the token still admits (a token route that changes nothing).
bool Alive(const Caller& c) {
  const int code = Call("GET", "/api/auth/sessions", {}, c).code();
  CPPUNIT_ASSERT(code == 0 || code == 504);
  return code == 0;
}

int64_t Sessions(const Caller& c) { return Count("SELECT COUNT(*) FROM user_session WHERE user_id = ?", {c.user_id}); }

}  // namespace

class SessionsHttpTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SessionsHttpTest);
  CPPUNIT_TEST(testEachDeviceHasItsOwnSession);
  CPPUNIT_TEST(testTheOldestEndsBeyondTheLimit);
  CPPUNIT_TEST(testListAndLogoutOfOne);
  CPPUNIT_TEST(testRevoke);
  CPPUNIT_TEST(testDeletionAndBanEndThemAll);
  CPPUNIT_TEST(testLastSeenUnderParallelRequests);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testEachDeviceHasItsOwnSession() {
    const std::string phone = NewPhone();
    Caller iphone = LoginOn(phone, "iPhone 15"), pixel = LoginOn(phone, "Pixel 8");
    CPPUNIT_ASSERT_EQUAL(iphone.user_id, pixel.user_id);
    CPPUNIT_ASSERT(Alive(iphone) && Alive(pixel));
    // Old clients name no device: one unnamed device, whose next login ends the last.
    Caller old1 = LoginOn(phone), old2 = LoginOn(phone);
    CPPUNIT_ASSERT(!Alive(old1));
    CPPUNIT_ASSERT(Alive(old2) && Alive(iphone) && Alive(pixel));
    // The same device again: its session is replaced.
    Caller iphone2 = LoginOn(phone, "iPhone 15");
    CPPUNIT_ASSERT(!Alive(iphone));
    CPPUNIT_ASSERT(Alive(iphone2) && Alive(pixel) && Alive(old2));
    CPPUNIT_ASSERT_EQUAL(int64_t{3}, Sessions(pixel));
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, Count("SELECT COUNT(*) FROM user_session WHERE user_id = ? AND device IS NULL", {pixel.user_id}));
    // A device name is 1-64 characters.
    Caller app;
    app.appkey = "432ABZ";
    AllowAnotherCode(phone);
    Response r = Call("POST", "/api/auth/login", {{"phone", phone}, {"code", RequestCode(phone)}, {"device", std::string(65, 'x')}}, app);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 300, r.code());
  }

  void testTheOldestEndsBeyondTheLimit() {
    const std::string phone = NewPhone();
    const int limit = TestStack::Get().config().max_sessions;
    std::vector<Caller> devices;
    for (int i = 0; i <= limit; ++i) devices.push_back(LoginOn(phone, "device " + std::to_string(i)));
    CPPUNIT_ASSERT(!Alive(devices[0]));
    for (int i = 1; i <= limit; ++i) CPPUNIT_ASSERT(Alive(devices[i]));
    CPPUNIT_ASSERT_EQUAL(int64_t{limit}, Sessions(devices[1]));
    RedisReply oldest, hlen;  // the cache: the live ones, and the ended one marked
    CheckDb(TestStack::Get().redis().Command(&oldest, "HGET dt:sessions:%lld %s", static_cast<long long>(devices[0].user_id),
                                             TokenHash(devices[0].token).c_str()));
    CPPUNIT_ASSERT_EQUAL(std::string("-"), std::string(oldest.Str()));
    CheckDb(TestStack::Get().redis().Command(&hlen, "HLEN dt:sessions:%lld", static_cast<long long>(devices[1].user_id)));
    CPPUNIT_ASSERT_EQUAL(static_cast<long long>(limit + 1), hlen.Integer());
  }

  void testListAndLogoutOfOne() {
    const std::string phone = NewPhone();
    Caller a = LoginOn(phone, "tablet"), b = LoginOn(phone);
    Response r = Call("GET", "/api/auth/sessions", {}, a);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
    const Json::Value& list = r.data()["list"];
    CPPUNIT_ASSERT_EQUAL(2u, list.size());
    CPPUNIT_ASSERT(list[0]["device"].isNull() && !list[0]["current"].asBool());  // newest first
    CPPUNIT_ASSERT_EQUAL(std::string("tablet"), list[1]["device"].asString());
    CPPUNIT_ASSERT(list[1]["current"].asBool());
    CPPUNIT_ASSERT_EQUAL(size_t{19}, list[1]["created"].asString().size());
    CPPUNIT_ASSERT_EQUAL(size_t{19}, list[1]["last_seen"].asString().size());
    CPPUNIT_ASSERT(!list[1].isMember("token"));
    // Logout ends this device's session only.
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/auth/logout", {}, a).code());
    CPPUNIT_ASSERT(!Alive(a));
    CPPUNIT_ASSERT(Alive(b));
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, Sessions(b));
    // Dead in MySQL too, when the cache is gone.
    RedisReply del;
    TestStack::Get().redis().Command(&del, "DEL dt:sessions:%lld", static_cast<long long>(a.user_id));
    CPPUNIT_ASSERT(!Alive(a));
    CPPUNIT_ASSERT(Alive(b));
  }

  void testRevoke() {
    const std::string phone = NewPhone();
    Caller a = LoginOn(phone, "a"), b = LoginOn(phone, "b"), c = LoginOn(phone, "c");
    Caller stranger = LoginOn(NewPhone(), "theirs");
    const int64_t b_id = Count("SELECT id FROM user_session WHERE user_id = ? AND device = 'b'", {a.user_id});
    const int64_t a_id = Count("SELECT id FROM user_session WHERE user_id = ? AND device = 'a'", {a.user_id});
    const int64_t theirs = Count("SELECT id FROM user_session WHERE user_id = ?", {stranger.user_id});
    Response r = Call("POST", "/api/auth/sessions/revoke", {{"sessionId", std::to_string(b_id)}}, a);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
    CPPUNIT_ASSERT_EQUAL(1, r.data()["ended"].asInt());
    CPPUNIT_ASSERT(!Alive(b) && Alive(a) && Alive(c));
    // Another user's session is not the caller's to end.
    CPPUNIT_ASSERT_EQUAL(508, Call("POST", "/api/auth/sessions/revoke", {{"sessionId", std::to_string(theirs)}}, a).code());
    CPPUNIT_ASSERT(Alive(stranger));
    CPPUNIT_ASSERT_EQUAL(508, Call("POST", "/api/auth/sessions/revoke", {{"sessionId", std::to_string(b_id)}}, a).code());
    // The current one is logout's; both or neither parameter is an error.
    CPPUNIT_ASSERT_EQUAL(300, Call("POST", "/api/auth/sessions/revoke", {{"sessionId", std::to_string(a_id)}}, a).code());
    CPPUNIT_ASSERT_EQUAL(300, Call("POST", "/api/auth/sessions/revoke", {}, a).code());
    CPPUNIT_ASSERT_EQUAL(300, Call("POST", "/api/auth/sessions/revoke", {{"sessionId", std::to_string(b_id)}, {"all", "1"}}, a).code());
    CPPUNIT_ASSERT_EQUAL(300, Call("POST", "/api/auth/sessions/revoke", {{"all", "2"}}, a).code());
    CPPUNIT_ASSERT(Alive(a) && Alive(c));
    // Every other.
    r = Call("POST", "/api/auth/sessions/revoke", {{"all", "1"}}, a);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
    CPPUNIT_ASSERT_EQUAL(1, r.data()["ended"].asInt());
    CPPUNIT_ASSERT(Alive(a) && !Alive(c));
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, Sessions(a));
  }

  void testDeletionAndBanEndThemAll() {
    const std::string phone = NewPhone();
    Caller a = LoginOn(phone, "a"), b = LoginOn(phone, "b");
    AllowAnotherCode(phone);
    Response r = Call("POST", "/api/account/delete", {{"code", RequestCode(phone)}}, a);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
    CPPUNIT_ASSERT(!Alive(a) && !Alive(b));
    CPPUNIT_ASSERT_EQUAL(int64_t{0}, Sessions(a));

    const std::string other = NewPhone();
    Caller c = LoginOn(other, "c"), d = LoginOn(other, "d");
    const std::string out = RunCommand(ToolCommand("dtadmin", "review ban " + std::to_string(c.user_id)));
    CPPUNIT_ASSERT_MESSAGE(out, out.find("done") != std::string::npos);
    CPPUNIT_ASSERT(!Alive(c) && !Alive(d));
    CPPUNIT_ASSERT_EQUAL(int64_t{0}, Sessions(c));
  }

  // A session last seen long ago, asked for by many requests at once: each is admitted
  // (they may all write last_seen, in the same second) and last_seen is now.
  void testLastSeenUnderParallelRequests() {
    Caller a = LoginOn(NewPhone(), "busy");
    CheckDb(TestStack::Get().db().Exec("UPDATE user_session SET last_seen = UTC_TIMESTAMP() - INTERVAL 1 HOUR"
                                       " WHERE user_id = ?", {a.user_id}));
    RedisReply del;
    TestStack::Get().redis().Command(&del, "DEL dt:sessions:%lld", static_cast<long long>(a.user_id));
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 12; ++i) {
      threads.emplace_back([&] {
        if (Call("GET", "/api/auth/sessions", {}, a).code() == 0) ++ok;
      });
    }
    for (std::thread& t : threads) t.join();
    CPPUNIT_ASSERT_EQUAL(12, ok.load());
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, Count("SELECT COUNT(*) FROM user_session WHERE user_id = ?"
                                           " AND last_seen >= UTC_TIMESTAMP() - INTERVAL 1 MINUTE", {a.user_id}));
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(SessionsHttpTest, "http");

}  // namespace dt
