// The auth module through nginx: SMS codes, rate limits, login/registration, token
// rotation and logout, checked against what MySQL and Redis hold afterwards.
#include <cppunit/extensions/HelperMacros.h>


#include "lib/clock.h"
#include "lib/session.h"
#include "tests/http/http_support.h"

namespace dt {
namespace {

std::string RedisString(const char* format, const std::string& arg) {
  RedisReply reply;
  TestStack::Get().redis().Command(&reply, format, arg.c_str());
  return std::string(reply.Str());
}

long long RedisInt(const char* format, const std::string& arg) {
  RedisReply reply;
  TestStack::Get().redis().Command(&reply, format, arg.c_str());
  return reply.Integer();
}

void RedisSet(const std::string& key, const std::string& value, int ttl) {
  RedisReply reply;
  TestStack::Get().redis().Command(&reply, "SET %s %s EX %d", key.c_str(), value.c_str(), ttl);
}

Response SendSms(const std::string& phone) {
  return Call("POST", "/api/auth/sendsms", {{"phone", phone}});
}

Response LoginWith(const std::string& phone, const std::string& code) {
  return Call("POST", "/api/auth/login", {{"phone", phone}, {"code", code}});
}

std::string WrongCode(const std::string& code) {
  std::string wrong = code;
  wrong[0] = code[0] == '9' ? '0' : static_cast<char>(code[0] + 1);
  return wrong;
}

}  // namespace

class AuthHttpTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(AuthHttpTest);
  CPPUNIT_TEST(testSendSmsStoresCode);
  CPPUNIT_TEST(testSendSmsValidatesPhone);
  CPPUNIT_TEST(testSendSmsOncePerMinute);
  CPPUNIT_TEST(testNewCodeReplacesTheOldOne);
  CPPUNIT_TEST(testSendSmsHourDayAndIpLimits);
  CPPUNIT_TEST(testLoginRegistersUser);
  CPPUNIT_TEST(testCodeIsSingleUse);
  CPPUNIT_TEST(testFiveWrongCodesKillTheCode);
  CPPUNIT_TEST(testFourWrongCodesThenRight);
  CPPUNIT_TEST(testLoginWithoutOrWithMalformedCode);
  CPPUNIT_TEST(testReloginRotatesToken);
  CPPUNIT_TEST(testLogoutKillsToken);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testSendSmsStoresCode() {
    std::string phone = "+86" + NewPhone();
    Response r = SendSms(phone);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
    CPPUNIT_ASSERT_EQUAL(std::string("success"), r.msg());
    CPPUNIT_ASSERT_EQUAL(phone, r.data()["phone"].asString());
    std::string code = r.data()["code"].asString();
    TestStack::Get().secrets_seen.push_back(code);
    CPPUNIT_ASSERT_EQUAL(size_t{6}, code.size());
    CPPUNIT_ASSERT(code.find_first_not_of("0123456789") == std::string::npos);
    CPPUNIT_ASSERT_EQUAL(code, RedisString("HGET dt:sms:code:%s code", phone));
    long long ttl = RedisInt("TTL dt:sms:code:%s", phone);
    CPPUNIT_ASSERT(ttl > 290 && ttl <= 300);
    // The log sender's outbox has it (and the request log does not: see LogTest).
    const std::string outbox = ReadBinary(TestStack::Get().config().sms_outbox);
    CPPUNIT_ASSERT(outbox.find("to=" + phone + " code=" + code) != std::string::npos);
  }

  void testSendSmsValidatesPhone() {
    const struct {
      const char* phone;
      const char* msg;
    } cases[] = {
        {"", "phone is none."},
        {"12ab5678", "phone is invalid."},
        {"12345", "phone is invalid."},
        {"123456789012345678901", "phone is invalid."},
        {"86+13900000000", "phone is invalid."},
        {"139 0000 0000", "phone is invalid."},
    };
    for (const auto& c : cases) {
      Response r = SendSms(c.phone);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(c.phone, 300, r.code());
      CPPUNIT_ASSERT_EQUAL_MESSAGE(c.phone, std::string(c.msg), r.msg());
    }
    CPPUNIT_ASSERT_EQUAL(300, Call("POST", "/api/auth/sendsms", {}).code());
  }

  void testSendSmsOncePerMinute() {
    std::string phone = NewPhone();
    Response first = SendSms(phone);
    CPPUNIT_ASSERT_EQUAL(0, first.code());
    std::string code = first.data()["code"].asString();
    Response second = SendSms(phone);
    CPPUNIT_ASSERT_EQUAL(429L, second.status);
    CPPUNIT_ASSERT_EQUAL(429, second.code());
    int retry = second.data()["retry_after"].asInt();
    CPPUNIT_ASSERT(retry >= 1 && retry <= 60);
    CPPUNIT_ASSERT_EQUAL(std::to_string(retry), second.headers["retry-after"]);
    // The refused request replaced nothing: the first code still logs in.
    CPPUNIT_ASSERT_EQUAL(code, RedisString("HGET dt:sms:code:%s code", phone));
    CPPUNIT_ASSERT_EQUAL(0, LoginWith(phone, code).code());
  }

  // A code asked for after the minute replaces the earlier one: only the newest logs in.
  void testNewCodeReplacesTheOldOne() {
    const std::string phone = NewPhone();
    const std::string first = RequestCode(phone);
    AllowNextSms(phone);
    std::string second = RequestCode(phone);
    for (int i = 0; second == first && i < 5; ++i) {  // one chance in a million: ask again
      AllowNextSms(phone);
      second = RequestCode(phone);
    }
    CPPUNIT_ASSERT(first != second);
    CPPUNIT_ASSERT_EQUAL(second, RedisString("HGET dt:sms:code:%s code", phone));
    CPPUNIT_ASSERT_EQUAL(503, LoginWith(phone, first).code());
    CPPUNIT_ASSERT_EQUAL(0, LoginWith(phone, second).code());
  }

  void testSendSmsHourDayAndIpLimits() {
    std::string phone = NewPhone();
    RedisSet("dt:rl:sms:h:" + phone, "5", 1800);
    Response r = SendSms(phone);
    CPPUNIT_ASSERT_EQUAL(429, r.code());
    int retry = r.data()["retry_after"].asInt();
    CPPUNIT_ASSERT(retry > 1700 && retry <= 1800);

    std::string phone2 = NewPhone();
    RedisSet("dt:rl:sms:d:" + phone2, "10", 80000);
    CPPUNIT_ASSERT_EQUAL(429, SendSms(phone2).code());
    RedisSet("dt:rl:sms:d:" + phone2, "9", 80000);
    CPPUNIT_ASSERT_EQUAL(0, SendSms(phone2).code());
    CPPUNIT_ASSERT_EQUAL(std::string("10"), RedisString("GET dt:rl:sms:d:%s", phone2));

    // The per-IP limit, for a phone that never asked before; nothing counted on refusal.
    const std::string ip_key = "dt:rl:sms:ip:127.0.0.1";
    std::string before = RedisString("GET %s", ip_key);
    RedisSet(ip_key, std::to_string(TestStack::Get().config().sms_ip_limit), 60);
    std::string phone3 = NewPhone();
    CPPUNIT_ASSERT_EQUAL(429, SendSms(phone3).code());
    CPPUNIT_ASSERT_EQUAL(0LL, RedisInt("EXISTS dt:rl:sms:m:%s", phone3));
    RedisSet(ip_key, before.empty() ? "0" : before, 3600);
    CPPUNIT_ASSERT_EQUAL(0, SendSms(phone3).code());
  }

  void testLoginRegistersUser() {
    std::string phone = NewPhone();
    std::string code = RequestCode(phone);
    const int64_t before = SystemClock().NowSeconds();
    Response r = LoginWith(phone, code);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
    const Json::Value& data = r.data();
    CPPUNIT_ASSERT(data["user_id"].isInt64() && data["user_id"].asInt64() > 0);
    int64_t uid = data["user_id"].asInt64();
    std::string token = data["token"].asString();
    TestStack::Get().secrets_seen.push_back(token);
    CPPUNIT_ASSERT_EQUAL(size_t{32}, token.size());
    CPPUNIT_ASSERT(token.find_first_not_of("0123456789abcdef") == std::string::npos);
    int64_t expire = 0;
    CPPUNIT_ASSERT(ParseUtc(data["expire_time"].asString(), &expire));
    CPPUNIT_ASSERT(expire >= before + 7 * 86400 && expire <= before + 7 * 86400 + 60);

    Db& db = TestStack::Get().db();
    Row row;
    bool found = false;
    CPPUNIT_ASSERT(db.QueryRow("SELECT nickname, phone, authority FROM user_info WHERE id = ?",
                               {uid}, &row, &found).ok());
    CPPUNIT_ASSERT(found);
    CPPUNIT_ASSERT_EQUAL("u-" + phone, row.Str(0));
    CPPUNIT_ASSERT_EQUAL(phone, row.Str(1));
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, row.Int(2));
    CPPUNIT_ASSERT(db.QueryRow("SELECT open_id, token, login_type, UNIX_TIMESTAMP(expired_time)"
                               " FROM user_auth WHERE user_id = ?",
                               {uid}, &row, &found).ok());
    CPPUNIT_ASSERT(found);
    CPPUNIT_ASSERT_EQUAL(phone, row.Str(0));
    CPPUNIT_ASSERT_EQUAL(TokenHash(token), row.Str(1));  // the hash, never the token
    CPPUNIT_ASSERT_EQUAL(std::string("phone"), row.Str(2));
    CPPUNIT_ASSERT_EQUAL(expire, row.Int(3));
    CPPUNIT_ASSERT_EQUAL(SessionValue(expire, TokenHash(token)),
                         RedisString("GET dt:sess:%s", std::to_string(uid)));
  }

  void testCodeIsSingleUse() {
    std::string phone = NewPhone();
    std::string code = RequestCode(phone);
    CPPUNIT_ASSERT_EQUAL(0, LoginWith(phone, code).code());
    CPPUNIT_ASSERT_EQUAL(0LL, RedisInt("EXISTS dt:sms:code:%s", phone));
    Response again = LoginWith(phone, code);
    CPPUNIT_ASSERT_EQUAL(503, again.code());
    CPPUNIT_ASSERT_EQUAL(std::string("sms code error."), again.msg());
  }

  void testFiveWrongCodesKillTheCode() {
    std::string phone = NewPhone();
    std::string code = RequestCode(phone);
    for (int i = 0; i < 5; ++i) CPPUNIT_ASSERT_EQUAL(503, LoginWith(phone, WrongCode(code)).code());
    CPPUNIT_ASSERT_EQUAL(0LL, RedisInt("EXISTS dt:sms:code:%s", phone));
    CPPUNIT_ASSERT_EQUAL(503, LoginWith(phone, code).code());
    Row row;
    bool found = true;
    TestStack::Get().db().QueryRow("SELECT id FROM user_info WHERE phone = ?", {phone}, &row, &found);
    CPPUNIT_ASSERT(!found);  // nobody was registered
  }

  void testFourWrongCodesThenRight() {
    std::string phone = NewPhone();
    std::string code = RequestCode(phone);
    for (int i = 0; i < 4; ++i) CPPUNIT_ASSERT_EQUAL(503, LoginWith(phone, WrongCode(code)).code());
    CPPUNIT_ASSERT_EQUAL(std::string("4"), RedisString("HGET dt:sms:code:%s tries", phone));
    CPPUNIT_ASSERT_EQUAL(0, LoginWith(phone, code).code());
  }

  void testLoginWithoutOrWithMalformedCode() {
    std::string phone = NewPhone();
    CPPUNIT_ASSERT_EQUAL(503, LoginWith(phone, "123456").code());  // no code was sent
    Response r = LoginWith(phone, "12ab56");
    CPPUNIT_ASSERT_EQUAL(300, r.code());
    CPPUNIT_ASSERT_EQUAL(std::string("code is invalid."), r.msg());
    CPPUNIT_ASSERT_EQUAL(300, LoginWith(phone, "1234567").code());
    r = Call("POST", "/api/auth/login", {{"phone", phone}});
    CPPUNIT_ASSERT_EQUAL(std::string("code is none."), r.msg());
  }

  void testReloginRotatesToken() {
    std::string phone = NewPhone();
    Caller first = Login(phone);
    AllowNextSms(phone);
    Caller second = Login(phone);
    CPPUNIT_ASSERT_EQUAL(first.user_id, second.user_id);
    CPPUNIT_ASSERT(first.token != second.token);
    Row row;
    bool found = false;
    TestStack::Get().db().QueryRow("SELECT COUNT(*) FROM user_info WHERE phone = ?", {phone}, &row,
                                   &found);
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, row.Int(0));
    CPPUNIT_ASSERT_EQUAL(504, Call("POST", "/api/auth/logout", {}, first).code());
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/auth/logout", {}, second).code());
  }

  void testLogoutKillsToken() {
    Caller user = Login(NewPhone());
    Response r = Call("POST", "/api/auth/logout", {}, user);
    CPPUNIT_ASSERT_EQUAL(0, r.code());
    CPPUNIT_ASSERT_EQUAL(504, Call("POST", "/api/auth/logout", {}, user).code());
    Row row;
    bool found = false;
    TestStack::Get().db().QueryRow("SELECT token FROM user_auth WHERE user_id = ?", {user.user_id},
                                   &row, &found);
    CPPUNIT_ASSERT(found && row.IsNull(0));
    CPPUNIT_ASSERT_EQUAL(std::string(), RedisString("GET dt:sess:%s", std::to_string(user.user_id)));
    // Still dead when the cache is gone and MySQL is asked.
    RedisReply del;
    TestStack::Get().redis().Command(&del, "DEL dt:sess:%lld", static_cast<long long>(user.user_id));
    CPPUNIT_ASSERT_EQUAL(504, Call("POST", "/api/auth/logout", {}, user).code());
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(AuthHttpTest, "http");

}  // namespace dt
