// Push notifications through the test stack: devices registered by the routes, pushes
// caused by messages and matches, sent by the workers' task to the local fakes of APNs
// (tools/fake_apns.js, HTTP/2) and FCM (tools/fake_fcm.cpp in fakegate), which check the
// provider tokens with the test keys and record what arrived. [push] collapse_seconds is
// 3 in the test config.
#include <cppunit/extensions/HelperMacros.h>
#include <json/reader.h>

#include <chrono>
#include <ctime>
#include <thread>

#include "lib/core/crypto.h"
#include "lib/domain/push.h"
#include "tests/http/http_support.h"

namespace dt {
namespace {

const std::string kApnsControl = "http://127.0.0.1:18086/control/apns/";
const std::string kFcmControl = "http://127.0.0.1:18088/control/fcm/";

std::string ApnsToken() { return HexEncode(RandomBytes(32)); }
std::string FcmToken() { return "fcm" + HexEncode(RandomBytes(20)) + ":APA91b" + HexEncode(RandomBytes(30)); }

void SetMode(const std::string& control, const std::string& token, const std::string& mode) {
  const std::string out = RunCommand("curl -s -X POST -d 'token=" + token + "&mode=" + mode + "' " + control + "mode");
  CPPUNIT_ASSERT_EQUAL_MESSAGE(out, mode + "\n", out);
}

// What the fake at `control` recorded for `token`, oldest first.
std::vector<Json::Value> Sent(const std::string& control, const std::string& token) {
  const std::string text = RunCommand("curl -s " + control + "sent");
  std::vector<Json::Value> out;
  size_t start = 0;
  while (start < text.size()) {
    const size_t end = text.find('\n', start);
    const std::string line = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    start = end == std::string::npos ? text.size() : end + 1;
    Json::Value v;
    std::string errors;
    std::unique_ptr<Json::CharReader> reader(Json::CharReaderBuilder().newCharReader());
    if (reader->parse(line.data(), line.data() + line.size(), &v, &errors) && v["token"].asString() == token) {
      out.push_back(v);
    }
  }
  return out;
}

// Waits (at most `seconds`) until the fake recorded `n` pushes to `token`.
std::vector<Json::Value> AwaitSent(const std::string& control, const std::string& token, size_t n, int seconds = 8) {
  std::vector<Json::Value> sent;
  for (int i = 0; i < seconds * 10; ++i) {
    sent = Sent(control, token);
    if (sent.size() >= n) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return sent;
}

void Sleep(double seconds) { std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int>(seconds * 1000))); }

Response Register(const Caller& c, const std::string& platform, const std::string& provider, const std::string& token) {
  return Call("POST", "/api/device/register", {{"platform", platform}, {"provider", provider}, {"deviceToken", token}, {"appVersion", "3.1.0 (77)"}}, c);
}

Response Send(const Caller& from, const Caller& to, const std::string& text) {
  Response r = Call("POST", "/api/message/send", {{"peerId", std::to_string(to.user_id)}, {"msgType", "text"}, {"content", text}}, from);
  CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
  return r;
}

std::string Nickname(const Caller& c) {
  return Call("GET", "/api/user/show", {{"peerId", std::to_string(c.user_id)}}, c).data()["nickname"].asString();
}

int64_t Devices(const std::string& token) {
  return Count("SELECT COUNT(*) FROM push_device WHERE token = ?", {token});
}

// A login of `phone` on the named `device`: a session of its own.
Caller LoginOnDevice(const std::string& phone, const std::string& device) {
  AllowNextSms(phone);
  Response r = Call("POST", "/api/auth/login", {{"phone", phone}, {"code", RequestCode(phone)}, {"device", device}});
  CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
  Caller c;
  c.user_id = r.data()["user_id"].asInt64();
  c.token = r.data()["token"].asString();
  TestStack::Get().secrets_seen.push_back(c.token);
  return c;
}

// Minutes of the UTC day now.
int NowMinute() { return static_cast<int>((time(nullptr) % 86400) / 60); }

}  // namespace

class PushHttpTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PushHttpTest);
  CPPUNIT_TEST(testRegisterValidatesAndMovesTokens);
  CPPUNIT_TEST(testOfflineMessagePushesOnceWithTheBadge);
  CPPUNIT_TEST(testQuickMessagesCollapse);
  CPPUNIT_TEST(testOpenStreamMeansNoPush);
  CPPUNIT_TEST(testQuietHoursHoldThePush);
  CPPUNIT_TEST(testInvalidTokensAreDeleted);
  CPPUNIT_TEST(testThrottledPushIsRetriedAfterRetryAfter);
  CPPUNIT_TEST(testLogoutRemovesTheSessionsToken);
  CPPUNIT_TEST(testMatchPushesBoth);
  CPPUNIT_TEST(testPushPreferences);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testRegisterValidatesAndMovesTokens() {
    Caller a = Login(NewPhone()), b = Login(NewPhone());
    const std::string token = ApnsToken();
    for (const Fields& bad : std::vector<Fields>{
             {{"platform", "android"}, {"provider", "apns"}, {"deviceToken", token}},
             {{"platform", "ios"}, {"provider", "apns"}, {"deviceToken", "not-hex-at-all-0000"}},
             {{"platform", "ios"}, {"provider", "apns"}, {"deviceToken", token + "0"}},
             {{"platform", "windows"}, {"provider", "fcm"}, {"deviceToken", FcmToken()}},
             {{"platform", "android"}, {"provider", "gcm"}, {"deviceToken", FcmToken()}},
             {{"platform", "android"}, {"provider", "fcm"}, {"deviceToken", "short"}},
             {{"platform", "android"}, {"provider", "fcm"}, {"deviceToken", FcmToken() + "/x"}},
             {{"platform", "android"}, {"provider", "fcm"}, {"deviceToken", FcmToken()}, {"appVersion", "1.0\x01"}},
             {{"platform", "ios"}, {"provider", "apns"}},
         }) {
      Response r = Call("POST", "/api/device/register", bad, a);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 300, r.code());
    }
    CPPUNIT_ASSERT_EQUAL(int64_t{0}, Count("SELECT COUNT(*) FROM push_device WHERE user_id = ?", {a.user_id}));

    Response r = Register(a, "ios", "apns", token);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
    CPPUNIT_ASSERT_EQUAL(std::string("apns"), r.data()["provider"].asString());
    CPPUNIT_ASSERT_EQUAL(a.user_id, Count("SELECT user_id FROM push_device WHERE token = ?", {token}));
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, Count("SELECT COUNT(*) FROM push_device WHERE token = ? AND app_version = '3.1.0 (77)'"
                                           " AND session_id IS NOT NULL", {token}));
    CPPUNIT_ASSERT_EQUAL(0, Register(a, "ios", "apns", token).code());  // again: one row
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, Devices(token));
    // Another account on the same phone: the token is theirs now.
    CPPUNIT_ASSERT_EQUAL(0, Register(b, "ios", "apns", token).code());
    CPPUNIT_ASSERT_EQUAL(b.user_id, Count("SELECT user_id FROM push_device WHERE token = ?", {token}));
    // a cannot take it away from b; b can.
    r = Call("POST", "/api/device/unregister", {{"deviceToken", token}}, a);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
    CPPUNIT_ASSERT(!r.data()["removed"].asBool());
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, Devices(token));
    r = Call("POST", "/api/device/unregister", {{"deviceToken", token}}, b);
    CPPUNIT_ASSERT(r.data()["removed"].asBool());
    CPPUNIT_ASSERT_EQUAL(int64_t{0}, Devices(token));
    CPPUNIT_ASSERT_EQUAL(300, Call("POST", "/api/device/unregister", {}, b).code());
    // A user keeps their ten newest.
    std::vector<std::string> tokens;
    for (int i = 0; i < 12; ++i) {
      tokens.push_back(FcmToken());
      CPPUNIT_ASSERT_EQUAL(0, Register(a, "android", "fcm", tokens.back()).code());
    }
    CPPUNIT_ASSERT_EQUAL(int64_t{10}, Count("SELECT COUNT(*) FROM push_device WHERE user_id = ?", {a.user_id}));
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, Devices(tokens.back()));
  }

  void testOfflineMessagePushesOnceWithTheBadge() {
    Caller a = Login(NewPhone()), b = Login(NewPhone());
    const std::string apns = ApnsToken(), fcm = FcmToken();
    CPPUNIT_ASSERT_EQUAL(0, Register(b, "ios", "apns", apns).code());
    CPPUNIT_ASSERT_EQUAL(0, Register(b, "android", "fcm", fcm).code());
    Send(a, b, "secret words");
    std::vector<Json::Value> sent = AwaitSent(kApnsControl, apns, 1);
    CPPUNIT_ASSERT_EQUAL(size_t{1}, sent.size());
    const Json::Value& p = sent[0];
    CPPUNIT_ASSERT_EQUAL(200, p["status"].asInt());
    CPPUNIT_ASSERT_EQUAL(Nickname(a), p["title"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("New message"), p["body"].asString());  // no previews by default
    CPPUNIT_ASSERT_EQUAL(1, p["badge"].asInt());
    CPPUNIT_ASSERT_EQUAL("chat-" + std::to_string(a.user_id), p["collapse_id"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("com.datingtoday.app"), p["topic"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("alert"), p["push_type"].asString());
    sent = AwaitSent(kFcmControl, fcm, 1);
    CPPUNIT_ASSERT_EQUAL(size_t{1}, sent.size());
    CPPUNIT_ASSERT_EQUAL(std::string("high"), sent[0]["priority"].asString());
    CPPUNIT_ASSERT_EQUAL("chat-" + std::to_string(a.user_id), sent[0]["collapse_key"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("1"), sent[0]["badge"].asString());
    // Once: nothing more arrives.
    Sleep(1.5);
    CPPUNIT_ASSERT_EQUAL(size_t{1}, Sent(kApnsControl, apns).size());
    // The badge counts what is unread everywhere: a second sender, after the window.
    Caller c = Login(NewPhone());
    Sleep(3);
    Send(c, b, "hi");
    sent = AwaitSent(kApnsControl, apns, 2);
    CPPUNIT_ASSERT_EQUAL(size_t{2}, sent.size());
    CPPUNIT_ASSERT_EQUAL(2, sent[1]["badge"].asInt());
    // Provider tokens (one per worker process, reused for 40 minutes: PushTest) within the
    // hour Apple allows.
    for (const Json::Value& s : sent) CPPUNIT_ASSERT(time(nullptr) - s["iat"].asInt64() < 3600);
  }

  void testQuickMessagesCollapse() {
    Caller a = Login(NewPhone()), b = Login(NewPhone());
    Send(b, a, "write as much as you like");  // (else a may send 3 before b answers)
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/preferences", {{"showPreview", "1"}}, b).code());
    const std::string apns = ApnsToken();
    CPPUNIT_ASSERT_EQUAL(0, Register(b, "ios", "apns", apns).code());
    Send(a, b, "first of ten");
    std::vector<Json::Value> sent = AwaitSent(kApnsControl, apns, 1);
    CPPUNIT_ASSERT_EQUAL(size_t{1}, sent.size());
    CPPUNIT_ASSERT_EQUAL(std::string("first of ten"), sent[0]["body"].asString());  // previews on
    for (int i = 2; i <= 10; ++i) Send(a, b, "message " + std::to_string(i));
    sent = AwaitSent(kApnsControl, apns, 2);
    CPPUNIT_ASSERT_EQUAL(size_t{2}, sent.size());
    CPPUNIT_ASSERT_EQUAL(std::string("10 new messages"), sent[1]["body"].asString());
    CPPUNIT_ASSERT_EQUAL(10, sent[1]["badge"].asInt());
    CPPUNIT_ASSERT_EQUAL(sent[0]["collapse_id"].asString(), sent[1]["collapse_id"].asString());
    CPPUNIT_ASSERT(sent[1]["at_ms"].asInt64() - sent[0]["at_ms"].asInt64() >= 2500);  // the window
    Sleep(4);
    CPPUNIT_ASSERT_EQUAL(size_t{2}, Sent(kApnsControl, apns).size());
  }

  void testOpenStreamMeansNoPush() {
    Caller a = Login(NewPhone()), b = Login(NewPhone());
    const std::string apns = ApnsToken();
    CPPUNIT_ASSERT_EQUAL(0, Register(b, "ios", "apns", apns).code());
    const std::string out = TestStack::Get().VarPath("push-stream-" + NewNonce() + ".out");
    RunCommand("(curl -s -N -m 4 -H 'Accept: text/event-stream' '" + SignedUrl("/api/events", {}, b) + "' > " + out +
               " 2>&1) < /dev/null > /dev/null 2>&1 &");
    const std::string info = "curl -s --unix-socket " + TestStack::Get().config().events_publisher.substr(5) +
                             " http://nchan/dt-publish/user/" + std::to_string(b.user_id);
    for (int i = 0; i < 50 && RunCommand(info).find("active subscribers: 1") == std::string::npos; ++i) Sleep(0.1);
    CPPUNIT_ASSERT(RunCommand(info).find("active subscribers: 1") != std::string::npos);
    Send(a, b, "seen live");
    Sleep(2);
    CPPUNIT_ASSERT_EQUAL(size_t{0}, Sent(kApnsControl, apns).size());
    CPPUNIT_ASSERT(ReadBinary(out).find("seen live") != std::string::npos);
    // The stream gone, the next one is pushed.
    for (int i = 0; i < 60 && RunCommand(info).find("active subscribers: 0") == std::string::npos; ++i) Sleep(0.1);
    Sleep(3);  // past the collapse window the first message opened
    Send(a, b, "now offline");
    CPPUNIT_ASSERT_EQUAL(size_t{1}, AwaitSent(kApnsControl, apns, 1).size());
  }

  void testQuietHoursHoldThePush() {
    Caller a = Login(NewPhone()), b = Login(NewPhone());
    const std::string apns = ApnsToken();
    CPPUNIT_ASSERT_EQUAL(0, Register(b, "ios", "apns", apns).code());
    // Quiet from an hour ago to an hour from now, in b's zone (UTC+8).
    const int local = (NowMinute() + 480) % 1440;
    const std::string start = FormatClock((local + 1380) % 1440), end = FormatClock((local + 60) % 1440);
    Response r = Call("POST", "/api/user/preferences", {{"quietStart", start}, {"quietEnd", end}, {"tzOffset", "480"}}, b);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
    CPPUNIT_ASSERT_EQUAL(start, r.data()["quietStart"].asString());
    CPPUNIT_ASSERT_EQUAL(480, r.data()["tzOffset"].asInt());
    Send(a, b, "at night");
    Sleep(2.5);
    CPPUNIT_ASSERT_EQUAL(size_t{0}, Sent(kApnsControl, apns).size());
    // Held until the quiet hours end.
    RedisReply due;
    CheckDb(TestStack::Get().redis().Command(&due, "ZSCORE dt:push:due %lld", static_cast<long long>(b.user_id)));
    CPPUNIT_ASSERT(due.IsString());
    const double wait = std::strtod(std::string(due.Str()).c_str(), nullptr) / 1000 - static_cast<double>(time(nullptr));
    CPPUNIT_ASSERT_MESSAGE(std::to_string(wait), wait > 3500 && wait <= 3600);
    // The morning (quiet hours over, the due time come): it goes, with what waited.
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/preferences", {{"quietStart", "00:00"}, {"quietEnd", "00:00"}}, b).code());
    Send(a, b, "and again");
    CheckDb(TestStack::Get().redis().Command(&due, "ZADD dt:push:due %lld %lld", static_cast<long long>(time(nullptr)) * 1000,
                                             static_cast<long long>(b.user_id)));
    std::vector<Json::Value> sent = AwaitSent(kApnsControl, apns, 1);
    CPPUNIT_ASSERT_EQUAL(size_t{1}, sent.size());
    CPPUNIT_ASSERT_EQUAL(std::string("2 new messages"), sent[0]["body"].asString());
  }

  void testInvalidTokensAreDeleted() {
    Caller a = Login(NewPhone()), b = Login(NewPhone());
    const std::string gone = ApnsToken(), bad = ApnsToken(), fcm_gone = FcmToken(), fcm_bad = FcmToken(), fine = FcmToken();
    for (const auto& [provider, token] : std::vector<std::pair<std::string, std::string>>{
             {"apns", gone}, {"apns", bad}, {"fcm", fcm_gone}, {"fcm", fcm_bad}, {"fcm", fine}}) {
      CPPUNIT_ASSERT_EQUAL(0, Register(b, provider == "apns" ? "ios" : "android", provider, token).code());
    }
    SetMode(kApnsControl, gone, "unregistered");
    SetMode(kApnsControl, bad, "baddevicetoken");
    SetMode(kFcmControl, fcm_gone, "unregistered");
    SetMode(kFcmControl, fcm_bad, "invalid");
    Send(a, b, "to every phone");
    CPPUNIT_ASSERT_EQUAL(size_t{1}, AwaitSent(kFcmControl, fine, 1).size());
    for (const std::string& token : {gone, bad, fcm_gone, fcm_bad}) {
      for (int i = 0; i < 50 && Devices(token) > 0; ++i) Sleep(0.1);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(token, int64_t{0}, Devices(token));
    }
    CPPUNIT_ASSERT_EQUAL(410, Sent(kApnsControl, gone)[0]["status"].asInt());
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, Devices(fine));
  }

  void testThrottledPushIsRetriedAfterRetryAfter() {
    Caller a = Login(NewPhone()), b = Login(NewPhone());
    const std::string fcm = FcmToken();
    CPPUNIT_ASSERT_EQUAL(0, Register(b, "android", "fcm", fcm).code());
    SetMode(kFcmControl, fcm, "throttle");  // 429 with Retry-After: 2, once
    Send(a, b, "busy");
    std::vector<Json::Value> sent = AwaitSent(kFcmControl, fcm, 2, 10);
    CPPUNIT_ASSERT_EQUAL(size_t{2}, sent.size());
    CPPUNIT_ASSERT_EQUAL(429, sent[0]["status"].asInt());
    CPPUNIT_ASSERT_EQUAL(200, sent[1]["status"].asInt());
    CPPUNIT_ASSERT(sent[1]["at_ms"].asInt64() - sent[0]["at_ms"].asInt64() >= 2000);
    CPPUNIT_ASSERT_EQUAL(sent[0]["body"].asString(), sent[1]["body"].asString());
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, Devices(fcm));
  }

  void testLogoutRemovesTheSessionsToken() {
    const std::string phone = NewPhone();
    Caller on_phone = LoginOnDevice(phone, "phone"), on_tablet = LoginOnDevice(phone, "tablet");
    Caller on_laptop = LoginOnDevice(phone, "laptop");
    const std::string t1 = ApnsToken(), t2 = ApnsToken(), t3 = FcmToken();
    CPPUNIT_ASSERT_EQUAL(0, Register(on_phone, "ios", "apns", t1).code());
    CPPUNIT_ASSERT_EQUAL(0, Register(on_tablet, "ios", "apns", t2).code());
    CPPUNIT_ASSERT_EQUAL(0, Register(on_laptop, "android", "fcm", t3).code());
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/auth/logout", {}, on_phone).code());
    CPPUNIT_ASSERT_EQUAL(int64_t{0}, Devices(t1));
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, Devices(t2));
    // Revoking every other session takes their tokens; the caller's own stays.
    Response r = Call("POST", "/api/auth/sessions/revoke", {{"all", "1"}}, on_laptop);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
    CPPUNIT_ASSERT_EQUAL(int64_t{0}, Devices(t2));
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, Devices(t3));
  }

  void testMatchPushesBoth() {
    Caller a = Login(NewPhone()), b = Login(NewPhone());
    const std::string ta = ApnsToken(), tb = FcmToken();
    CPPUNIT_ASSERT_EQUAL(0, Register(a, "ios", "apns", ta).code());
    CPPUNIT_ASSERT_EQUAL(0, Register(b, "android", "fcm", tb).code());
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/like", {{"peerId", std::to_string(b.user_id)}, {"action", "like"}}, a).code());
    Response r = Call("POST", "/api/user/like", {{"peerId", std::to_string(a.user_id)}, {"action", "like"}}, b);
    CPPUNIT_ASSERT(r.data()["matched"].asBool());
    std::vector<Json::Value> to_a = AwaitSent(kApnsControl, ta, 1), to_b = AwaitSent(kFcmControl, tb, 1);
    CPPUNIT_ASSERT_EQUAL(size_t{1}, to_a.size());
    CPPUNIT_ASSERT_EQUAL(size_t{1}, to_b.size());
    CPPUNIT_ASSERT_EQUAL(std::string("You have a new match"), to_a[0]["body"].asString());
    CPPUNIT_ASSERT_EQUAL(Nickname(b), to_a[0]["title"].asString());
    CPPUNIT_ASSERT_EQUAL(Nickname(a), to_b[0]["title"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("normal"), to_b[0]["priority"].asString());
  }

  void testPushPreferences() {
    Caller b = Login(NewPhone());
    Response r = Call("GET", "/api/user/preferences", {}, b);
    CPPUNIT_ASSERT(r.data()["quietStart"].isNull());
    CPPUNIT_ASSERT_EQUAL(0, r.data()["tzOffset"].asInt());
    CPPUNIT_ASSERT(!r.data()["showPreview"].asBool());
    for (const Fields& bad : std::vector<Fields>{{{"quietStart", "22:00"}},
                                                 {{"quietEnd", "07:00"}},
                                                 {{"quietStart", "24:00"}, {"quietEnd", "07:00"}},
                                                 {{"quietStart", "22:00"}, {"quietEnd", "7:00"}},
                                                 {{"tzOffset", "900"}},
                                                 {{"showPreview", "2"}},
                                                 {{"quietStart", "22:00"}, {"quietEnd", "07:00"}, {"ageMin", "10"}}}) {
      r = Call("POST", "/api/user/preferences", bad, b);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 300, r.code());
    }
    CPPUNIT_ASSERT_EQUAL(int64_t{0}, Count("SELECT COUNT(*) FROM push_setting WHERE user_id = ?", {b.user_id}));
    r = Call("POST", "/api/user/preferences", {{"quietStart", "22:30"}, {"quietEnd", "07:00"}, {"showPreview", "1"}}, b);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
    CPPUNIT_ASSERT_EQUAL(std::string("22:30"), r.data()["quietStart"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("07:00"), r.data()["quietEnd"].asString());
    CPPUNIT_ASSERT(r.data()["showPreview"].asBool());
    CPPUNIT_ASSERT_EQUAL(int64_t{1350}, Count("SELECT quiet_start FROM push_setting WHERE user_id = ?", {b.user_id}));
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, Count("SELECT show_preview FROM push_setting WHERE user_id = ?", {b.user_id}));
    CPPUNIT_ASSERT(!Call("GET", "/api/user/preferences", {}, b).data()["saved"].asBool());  // discovery's untouched
    r = Call("POST", "/api/user/preferences", {{"quietStart", "07:00"}, {"quietEnd", "07:00"}}, b);
    CPPUNIT_ASSERT(r.data()["quietStart"].isNull());
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(PushHttpTest, "http");

}  // namespace dt
