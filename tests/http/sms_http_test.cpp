// SMS through nginx to the local fakes of Aliyun and Tencent Cloud (tools/fake_sms.cpp in
// fakegate, which check every call's signature as the providers document it): each sender
// delivers; the second takes over when the first is down, slow or throttled; none
// delivering is 901 with the budgets intact; a bad number is 300 without failover; the
// breaker opens and closes; the prefix cap, the country list and the global budget.
// The test config: senders aliyun, tencent; breaker_failures 2, breaker_seconds 2.
#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <ctime>
#include <thread>

#include "lib/core/clock.h"
#include "lib/core/crypto.h"
#include "tests/http/http_support.h"

namespace dt {
namespace {

// http://127.0.0.1:PORT of the fakes (where [sms.aliyun] endpoint points).
std::string FakeBase() {
  const std::string& url = TestStack::Get().config().aliyun_endpoint;
  return url.substr(0, url.find('/', url.find("://") + 3));
}

void SetMode(const std::string& provider, const std::string& mode) {
  const std::string out = RunCommand("curl -s -d provider=" + provider + " -d mode=" + mode + " " + FakeBase() +
                                     "/control/sms/mode");
  CPPUNIT_ASSERT_EQUAL_MESSAGE(out, provider + " " + mode + "\n", out);
}

// What the fakes accepted: lines "provider +number template code".
std::string Sent() { return RunCommand("curl -s " + FakeBase() + "/control/sms/sent"); }

bool Has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string Today() { return FormatUtc(time(nullptr), "%Y%m%d"); }

std::string RedisText(const char* format, const std::string& a, const std::string& b = "") {
  RedisReply reply;
  CheckDb(TestStack::Get().redis().Command(&reply, format, a.c_str(), b.c_str()));
  return reply.IsString() ? std::string(reply.Str()) : reply.IsInteger() ? std::to_string(reply.Integer()) : "";
}

int64_t DayCounter(const std::string& field) {
  return atoll(RedisText("HGET dt:sms:day:%s %s", Today(), field).c_str());
}

void SetDayCounter(const std::string& field, int64_t value) {
  RedisReply reply;
  CheckDb(TestStack::Get().redis().Command(&reply, "HSET dt:sms:day:%s %s %lld", Today().c_str(), field.c_str(),
                                           static_cast<long long>(value)));
}

int64_t Stat(const std::string& field) { return atoll(RedisText("HGET dt:sms:stats:%s %s", Today(), field).c_str()); }

Response SendSms(const std::string& phone) {
  Caller app;
  return Call("POST", "/api/auth/sendsms", {{"phone", phone}}, app);
}

// A number of a prefix no other test uses (+86 137 00..), fresh each call.
std::string PrefixPhone() {
  static int n = 0;
  char buf[32];
  snprintf(buf, sizeof buf, "+8613700%02u%04d", RandomBelow(100), ++n);
  return buf;
}

}  // namespace

class SmsHttpTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SmsHttpTest);
  CPPUNIT_TEST(testEachSenderDelivers);
  CPPUNIT_TEST(testInternationalTemplates);
  CPPUNIT_TEST(testSlowPrimary);
  CPPUNIT_TEST(testNoSenderKeepsTheBudgets);
  CPPUNIT_TEST(testBadNumberIsNotRetried);
  CPPUNIT_TEST(testBreakerOpensAndCloses);
  CPPUNIT_TEST(testPrefixCap);
  CPPUNIT_TEST(testGlobalBudget);
  CPPUNIT_TEST(testCountries);
  CPPUNIT_TEST(testStatsCommand);
  CPPUNIT_TEST(testFakesRefuseWhatIsNotSigned);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override { Reset(); }
  void tearDown() override { Reset(); }

  // Aliyun first; the code it delivered logs in. Aliyun down: Tencent delivers.
  void testEachSenderDelivers() {
    const std::string phone = NewPhone();
    Response r = SendSms(phone);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
    const std::string code = r.data()["code"].asString();
    CPPUNIT_ASSERT_MESSAGE(Sent(), Has(Sent(), "aliyun " + phone + " SMS_154950909 " + code + "\n"));
    Caller app;
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/auth/login", {{"phone", phone}, {"code", code}}, app).code());
    SetMode("aliyun", "down");
    const std::string second = NewPhone();
    r = SendSms(second);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
    CPPUNIT_ASSERT_MESSAGE(Sent(), Has(Sent(), "tencent " + second + " 1110 " + r.data()["code"].asString() + "\n"));
    CPPUNIT_ASSERT(!Has(Sent(), "aliyun " + second));
  }

  // A number outside [sms] default_region (CN) goes with each sender's international template.
  void testInternationalTemplates() {
    Response r = SendSms("+85291234" + std::to_string(100 + RandomBelow(900)));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
    const std::string phone = r.data()["phone"].asString();
    CPPUNIT_ASSERT_MESSAGE(Sent(), Has(Sent(), "aliyun " + phone + " SMS_154950910 "));
    SetMode("aliyun", "throttle");
    AllowNextSms(phone);
    r = SendSms(phone);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
    CPPUNIT_ASSERT_MESSAGE(Sent(), Has(Sent(), "tencent " + phone + " 1111 " + r.data()["code"].asString()));
  }

  // Aliyun answers after 10 s: the call gives up at [sms] timeout_ms (3 s) and Tencent
  // delivers, the request well within its own time.
  void testSlowPrimary() {
    SetMode("aliyun", "slow");
    const std::string phone = NewPhone();
    const auto start = std::chrono::steady_clock::now();
    Response r = SendSms(phone);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
    CPPUNIT_ASSERT_MESSAGE(std::to_string(seconds), seconds < 6.0);
    CPPUNIT_ASSERT_MESSAGE(Sent(), Has(Sent(), "tencent " + phone + " 1110 " + r.data()["code"].asString()));
  }

  // Both down: 901, and neither the per-phone limit nor the budgets were spent.
  void testNoSenderKeepsTheBudgets() {
    SetMode("aliyun", "down");
    SetMode("tencent", "error");
    const std::string phone = PrefixPhone();
    const std::string prefix = "p:" + phone.substr(1, 7);
    const int64_t total = DayCounter("total"), in_prefix = DayCounter(prefix);
    Response r = SendSms(phone);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 901, r.code());
    CPPUNIT_ASSERT_EQUAL(total, DayCounter("total"));
    CPPUNIT_ASSERT_EQUAL(in_prefix, DayCounter(prefix));
    CPPUNIT_ASSERT_EQUAL(0LL, atoll(RedisText("GET dt:rl:sms:m:%s", phone).c_str()));  // refunded
    Reset();
    r = SendSms(phone);  // at once: the once-a-minute limit was not spent
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
    CPPUNIT_ASSERT_EQUAL(total + 1, DayCounter("total"));
  }

  // The provider says the number is bad: 300, and no other provider is asked.
  void testBadNumberIsNotRetried() {
    SetMode("aliyun", "badnumber");
    const std::string phone = NewPhone();
    const int64_t tencent_calls = Stat("tencent.sent") + Stat("tencent.failed");
    Response r = SendSms(phone);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 300, r.code());
    CPPUNIT_ASSERT_EQUAL(std::string("phone cannot receive SMS."), r.msg());
    CPPUNIT_ASSERT(!Has(Sent(), phone));
    CPPUNIT_ASSERT_EQUAL(tencent_calls, Stat("tencent.sent") + Stat("tencent.failed"));
  }

  // Two failures in a row open Aliyun's breaker: it is skipped (Tencent delivers, Aliyun
  // is not called) until breaker_seconds have passed; then one request tries it, and it
  // delivering closes the breaker.
  void testBreakerOpensAndCloses() {
    SetMode("aliyun", "error");
    for (int i = 0; i < 2; ++i) CPPUNIT_ASSERT_EQUAL(0, SendSms(NewPhone()).code());
    CPPUNIT_ASSERT(!RedisText("HGET dt:sms:breaker:%s %s", "aliyun", "open_until").empty());
    const int64_t failed = Stat("aliyun.failed"), skipped = Stat("aliyun.skipped");
    SetMode("aliyun", "up");  // back, but the breaker is still open
    const std::string phone = NewPhone();
    CPPUNIT_ASSERT_EQUAL(0, SendSms(phone).code());
    CPPUNIT_ASSERT_MESSAGE(Sent(), Has(Sent(), "tencent " + phone + " "));
    CPPUNIT_ASSERT_EQUAL(skipped + 1, Stat("aliyun.skipped"));
    CPPUNIT_ASSERT_EQUAL(failed, Stat("aliyun.failed"));
    std::this_thread::sleep_for(std::chrono::milliseconds(2300));
    const std::string later = NewPhone();
    CPPUNIT_ASSERT_EQUAL(0, SendSms(later).code());
    CPPUNIT_ASSERT_MESSAGE(Sent(), Has(Sent(), "aliyun " + later + " "));
    CPPUNIT_ASSERT_EQUAL(std::string(""), RedisText("HGET dt:sms:breaker:%s %s", "aliyun", "fails"));  // closed
  }

  // [sms] prefix_daily_limit per number prefix (7 digits of E.164) per UTC day: the day's
  // counter filled to one short of it, one more code goes and the next is 429 until the
  // day ends; another prefix is not touched, nor the refused number's other limits.
  void testPrefixCap() {
    const std::string phone = PrefixPhone();
    const std::string prefix = "p:" + phone.substr(1, 7);
    const int64_t cap = TestStack::Get().config().sms_prefix_daily_limit;
    const int64_t before = DayCounter(prefix);
    SetDayCounter(prefix, cap - 1);
    CPPUNIT_ASSERT_EQUAL(0, SendSms(phone).code());
    const std::string next = PrefixPhone();
    Response r = SendSms(next);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 429, r.code());
    const int64_t to_midnight = 86400 - time(nullptr) % 86400;
    CPPUNIT_ASSERT(std::llabs(r.data()["retry_after"].asInt64() - to_midnight) < 5);
    CPPUNIT_ASSERT_EQUAL(cap, DayCounter(prefix));
    CPPUNIT_ASSERT_EQUAL(0LL, atoll(RedisText("GET dt:rl:sms:m:%s", next).c_str()));  // refunded
    CPPUNIT_ASSERT_EQUAL(0, SendSms(NewPhone()).code());                          // another prefix
    SetDayCounter(prefix, before + 1);
    CPPUNIT_ASSERT_EQUAL(0, SendSms(next).code());
  }

  // [sms] daily_budget spent: 429 for everyone, and an alert line in the log.
  void testGlobalBudget() {
    const int64_t total = DayCounter("total");
    const int64_t budget = TestStack::Get().config().sms_daily_budget;
    SetDayCounter("total", budget);
    Response r = SendSms(NewPhone());
    SetDayCounter("total", total);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 429, r.code());
    const std::string log = ReadBinary(TestStack::Get().VarPath("log/worker.log"));
    CPPUNIT_ASSERT(Has(log, "ALERT sms: the daily budget of " + std::to_string(budget) + " codes is spent"));
    CPPUNIT_ASSERT_EQUAL(0, SendSms(NewPhone()).code());
  }

  // [sms] countries = CN, HK in the test config: a valid US mobile number is refused.
  void testCountries() {
    Response r = SendSms("+12025550" + std::to_string(100 + RandomBelow(900)));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 300, r.code());
    CPPUNIT_ASSERT_EQUAL(std::string("phone: SMS is not sent to this country."), r.msg());
  }

  void testStatsCommand() {
    CPPUNIT_ASSERT_EQUAL(0, SendSms(NewPhone()).code());
    const std::string out = RunCommand(ToolCommand("dtadmin", "sms-stats"));
    CPPUNIT_ASSERT_MESSAGE(out, Has(out, "day " + FormatUtc(time(nullptr), "%Y-%m-%d") + " (UTC)"));
    CPPUNIT_ASSERT_MESSAGE(out, Has(out, "sent\t") && Has(out, "aliyun.sent\t") && Has(out, "prefix +86139"));
    CPPUNIT_ASSERT_MESSAGE(out, Has(out, "breaker aliyun\tclosed") && Has(out, "breaker tencent\tclosed"));
    CPPUNIT_ASSERT(Has(RunCommand(ToolCommand("dtadmin", "sms-stats 2026-13-01")), "YYYY-MM-DD"));
  }

  // The fakes check the signature for real: a call signed with another secret, or not at
  // all, is refused in the provider's words (so the deliveries above prove our signing).
  void testFakesRefuseWhatIsNotSigned() {
    const Config& c = TestStack::Get().config();
    const std::string aliyun = RunCommand(
        "curl -s -X POST -H 'x-acs-action: SendSms' -H 'x-acs-version: 2017-05-25' -H 'Authorization: ACS3-HMAC-SHA256 "
        "Credential=" +
        c.aliyun_access_key_id +
        ",SignedHeaders=host;x-acs-action;x-acs-version,Signature=00' '" + c.aliyun_endpoint +
        "?PhoneNumbers=13800138000'");
    CPPUNIT_ASSERT_MESSAGE(aliyun, Has(aliyun, "\"Code\":\"SignatureDoesNotMatch\""));
    const std::string other = RunCommand("curl -s -X POST -H 'Authorization: ACS3-HMAC-SHA256 Credential=LTAIsomeoneelse,"
                                         "SignedHeaders=host,Signature=00' '" +
                                         c.aliyun_endpoint + "'");
    CPPUNIT_ASSERT_MESSAGE(other, Has(other, "InvalidAccessKeyId.NotFound"));
    const std::string tencent = RunCommand(
        "curl -s -X POST -H 'Content-Type: application/json; charset=utf-8' -H 'X-TC-Action: SendSms' "
        "-H 'X-TC-Timestamp: " +
        std::to_string(time(nullptr)) + "' -H 'Authorization: TC3-HMAC-SHA256 Credential=" + c.tencent_secret_id + "/" +
        FormatUtc(time(nullptr)).substr(0, 10) + "/sms/tc3_request, SignedHeaders=content-type;host, Signature=00' -d '{}' '" +
        c.tencent_endpoint + "'");
    CPPUNIT_ASSERT_MESSAGE(tencent, Has(tencent, "\"Code\":\"AuthFailure.SignatureFailure\""));
    CPPUNIT_ASSERT(!Has(Sent(), "13800138000"));
  }

 private:
  static void Reset() {
    SetMode("aliyun", "up");
    SetMode("tencent", "up");
    for (const char* name : {"aliyun", "tencent"}) {
      RedisReply reply;
      TestStack::Get().redis().Command(&reply, "DEL dt:sms:breaker:%s dt:sms:probe:%s", name, name);
    }
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(SmsHttpTest, "http");

}  // namespace dt
