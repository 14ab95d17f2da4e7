// Push's pure parts: quiet hours, clock parsing, token shapes, and the provider tokens as
// APNs and Google check them (the dev keys of config/dev/push/).
#include <cppunit/extensions/HelperMacros.h>
#include <json/reader.h>

#include <fstream>
#include <memory>
#include <sstream>

#include "lib/core/config.h"
#include "lib/core/keys.h"
#include "lib/domain/push.h"
#include "lib/outbound/push.h"

namespace dt {
namespace {

Json::Value JwtPart(const std::string& jwt, int index) {
  size_t start = 0;
  for (int i = 0; i < index; ++i) start = jwt.find('.', start) + 1;
  const size_t end = jwt.find('.', start);
  std::string json;
  Base64UrlDecode(jwt.substr(start, end == std::string::npos ? std::string::npos : end - start), &json);
  Json::Value v;
  std::string errors;
  std::unique_ptr<Json::CharReader> reader(Json::CharReaderBuilder().newCharReader());
  reader->parse(json.data(), json.data() + json.size(), &v, &errors);
  return v;
}

}  // namespace

class PushTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PushTest);
  CPPUNIT_TEST(testQuietHours);
  CPPUNIT_TEST(testClock);
  CPPUNIT_TEST(testTokenShapes);
  CPPUNIT_TEST(testApnsProviderTokenIsReusedThenRenewed);
  CPPUNIT_TEST(testFcmGrantAssertion);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testQuietHours() {
    const int64_t midnight = 1796083200;  // 2026-12-01 00:00 UTC
    PushSettings s;
    CPPUNIT_ASSERT_EQUAL(int64_t{0}, QuietUntil(s, midnight));  // none
    s.quiet_start = 22 * 60;
    s.quiet_end = 7 * 60;  // across midnight
    CPPUNIT_ASSERT_EQUAL(midnight + 7 * 3600, QuietUntil(s, midnight));
    CPPUNIT_ASSERT_EQUAL(midnight + 7 * 3600, QuietUntil(s, midnight + 3 * 3600 + 59));
    CPPUNIT_ASSERT_EQUAL(midnight + 31 * 3600, QuietUntil(s, midnight + 22 * 3600));
    CPPUNIT_ASSERT_EQUAL(int64_t{0}, QuietUntil(s, midnight + 7 * 3600));  // the end is out
    CPPUNIT_ASSERT_EQUAL(int64_t{0}, QuietUntil(s, midnight + 12 * 3600));
    // In UTC+8, 22:00-07:00 local is 14:00-23:00 UTC.
    s.tz_offset = 480;
    CPPUNIT_ASSERT_EQUAL(int64_t{0}, QuietUntil(s, midnight + 13 * 3600));
    CPPUNIT_ASSERT_EQUAL(midnight + 23 * 3600, QuietUntil(s, midnight + 14 * 3600 + 30));
    s.tz_offset = 0;
    s.quiet_start = 13 * 60;  // within a day
    s.quiet_end = 14 * 60 + 30;
    CPPUNIT_ASSERT_EQUAL(midnight + 14 * 3600 + 1800, QuietUntil(s, midnight + 13 * 3600 + 600));
    CPPUNIT_ASSERT_EQUAL(int64_t{0}, QuietUntil(s, midnight + 15 * 3600));
  }

  void testClock() {
    int m = -1;
    CPPUNIT_ASSERT(ParseClock("00:00", &m) && m == 0);
    CPPUNIT_ASSERT(ParseClock("23:59", &m) && m == 1439);
    for (const char* bad : {"24:00", "7:00", "07:60", "07-00", "07:001", "", "aa:bb"}) CPPUNIT_ASSERT_MESSAGE(bad, !ParseClock(bad, &m));
    CPPUNIT_ASSERT_EQUAL(std::string("07:05"), FormatClock(425));
  }

  void testTokenShapes() {
    CPPUNIT_ASSERT(ValidPushToken("apns", std::string(64, 'a')));
    CPPUNIT_ASSERT(!ValidPushToken("apns", std::string(63, 'a')));
    CPPUNIT_ASSERT(!ValidPushToken("apns", std::string(64, 'g')));
    CPPUNIT_ASSERT(!ValidPushToken("apns", std::string(202, 'a')));
    CPPUNIT_ASSERT(ValidPushToken("fcm", "cXk1:APA91bH-" + std::string(140, 'x')));
    CPPUNIT_ASSERT(!ValidPushToken("fcm", "short"));
    CPPUNIT_ASSERT(!ValidPushToken("fcm", std::string(30, 'x') + " "));
    CPPUNIT_ASSERT(!ValidPushToken("gcm", std::string(64, 'a')));
  }

  void testApnsProviderTokenIsReusedThenRenewed() {
    Config c;
    CPPUNIT_ASSERT(LoadConfig("config/test.ini", &c).ok());
    const int64_t now = 1796083200;
    const std::string first = ApnsProviderToken(c, now);
    CPPUNIT_ASSERT_EQUAL(std::string("ES256"), JwtPart(first, 0)["alg"].asString());
    CPPUNIT_ASSERT_EQUAL(c.apns_key_id, JwtPart(first, 0)["kid"].asString());
    CPPUNIT_ASSERT_EQUAL(c.apns_team_id, JwtPart(first, 1)["iss"].asString());
    CPPUNIT_ASSERT_EQUAL(now, JwtPart(first, 1)["iat"].asInt64());
    // r||s of 64 bytes, verified with the key's public half.
    std::string signature;
    CPPUNIT_ASSERT(Base64UrlDecode(first.substr(first.rfind('.') + 1), &signature));
    CPPUNIT_ASSERT_EQUAL(size_t{64}, signature.size());
    CPPUNIT_ASSERT(Es256Verify(c.apns_key, first.substr(0, first.rfind('.')), signature));
    // Reused for 40 minutes (Apple: not more often than every 20), then made anew.
    CPPUNIT_ASSERT_EQUAL(first, ApnsProviderToken(c, now + 39 * 60));
    const std::string second = ApnsProviderToken(c, now + 40 * 60);
    CPPUNIT_ASSERT(second != first);
    CPPUNIT_ASSERT_EQUAL(now + 40 * 60, JwtPart(second, 1)["iat"].asInt64());
  }

  void testFcmGrantAssertion() {
    Config c;
    CPPUNIT_ASSERT(LoadConfig("config/test.ini", &c).ok());
    CPPUNIT_ASSERT_EQUAL(std::string("datingtoday-test"), c.fcm_project_id);
    const std::string jwt = FcmGrantAssertion(c, 1796083200);
    const Json::Value claims = JwtPart(jwt, 1);
    CPPUNIT_ASSERT_EQUAL(std::string("RS256"), JwtPart(jwt, 0)["alg"].asString());
    CPPUNIT_ASSERT_EQUAL(c.fcm_client_email, claims["iss"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("https://www.googleapis.com/auth/firebase.messaging"), claims["scope"].asString());
    CPPUNIT_ASSERT_EQUAL(c.fcm_token_url, claims["aud"].asString());
    CPPUNIT_ASSERT_EQUAL(claims["iat"].asInt64() + 3600, claims["exp"].asInt64());
    std::string signature;
    CPPUNIT_ASSERT(Base64UrlDecode(jwt.substr(jwt.rfind('.') + 1), &signature));
    CPPUNIT_ASSERT(RsaSha256VerifyBase64(c.fcm_key, jwt.substr(0, jwt.rfind('.')), Base64Encode(signature)));
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(PushTest, "unit");

}  // namespace dt
