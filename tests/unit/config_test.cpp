// Config validation: the committed configs load, and each kind of mistake is refused
// with a message naming the key.
#include <cppunit/extensions/HelperMacros.h>

#include "lib/config.h"

namespace dt {

const char kMinimal[] =
    "[mysql]\nuser = u\ndatabase = d\n"
    "[pay]\nkey = k\n"
    "[media]\nroot = /tmp/m\nurl = http://x/media/\n"
    "[sms]\noutbox = /tmp/outbox\n"
    "[app.A1]\nsecret = s\n";

class ConfigTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ConfigTest);
  CPPUNIT_TEST(testCommittedConfigsLoad);
  CPPUNIT_TEST(testMinimalAndDefaults);
  CPPUNIT_TEST(testMistakesNameTheKey);
  CPPUNIT_TEST(testReplicasAndSentinels);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testCommittedConfigsLoad() {
    for (const char* path : {"config/dev.ini", "config/test.ini", "config/datingtoday.ini.example"}) {
      Config c;
      Status s = LoadConfig(path, &c);
      CPPUNIT_ASSERT_MESSAGE(std::string(path) + ": " + s.msg(), s.ok());
    }
    Config dev;
    LoadConfig("config/dev.ini", &dev);
    CPPUNIT_ASSERT_EQUAL(std::string("1AE32B09224"), dev.apps.at("432ABZ").secret);
    CPPUNIT_ASSERT(dev.apps.at("432ABZ").method == SignMethod::kMd5);
    CPPUNIT_ASSERT_EQUAL(std::string("hmac-dev-secret-0001"), dev.apps.at("HM256K").secret);
    CPPUNIT_ASSERT(dev.apps.at("HM256K").method == SignMethod::kHmacSha256);
    CPPUNIT_ASSERT(dev.sms_echo);
    CPPUNIT_ASSERT_EQUAL(std::string("sandbox-pay-key"), dev.pay_key);
  }

  void testMinimalAndDefaults() {
    Config c;
    Status s = ParseConfig(kMinimal, &c);
    CPPUNIT_ASSERT_MESSAGE(s.msg(), s.ok());
    CPPUNIT_ASSERT_EQUAL(4, c.threads);
    CPPUNIT_ASSERT_EQUAL(300, c.timestamp_window);
    CPPUNIT_ASSERT_EQUAL(int64_t{1} << 20, c.body_limit);
    CPPUNIT_ASSERT(!c.sms_echo);
    CPPUNIT_ASSERT(c.apps.at("A1").method == SignMethod::kMd5);
  }

  void testReplicasAndSentinels() {
    Config none;
    CPPUNIT_ASSERT(ParseConfig(kMinimal, &none).ok());
    CPPUNIT_ASSERT(none.mysql_replicas.empty() && none.redis_sentinels.empty());
    Config c;
    Status s = ParseConfig(std::string(kMinimal) +
                               "[mysql.replica]\nhosts = 10.0.0.2, db-3.example:3307,/run/r.sock\n"
                               "[redis]\nsentinels = 10.0.0.9:26380, s2.example\nmaster_name = dtmaster\n",
                           &c);
    CPPUNIT_ASSERT_MESSAGE(s.msg(), s.ok());
    CPPUNIT_ASSERT_EQUAL(size_t{3}, c.mysql_replicas.size());
    CPPUNIT_ASSERT_EQUAL(std::string("10.0.0.2"), c.mysql_replicas[0].host);
    CPPUNIT_ASSERT_EQUAL(3306, c.mysql_replicas[0].port);
    CPPUNIT_ASSERT_EQUAL(std::string("db-3.example"), c.mysql_replicas[1].host);
    CPPUNIT_ASSERT_EQUAL(3307, c.mysql_replicas[1].port);
    CPPUNIT_ASSERT_EQUAL(std::string("/run/r.sock"), c.mysql_replicas[2].socket);
    CPPUNIT_ASSERT_EQUAL(size_t{2}, c.redis_sentinels.size());
    CPPUNIT_ASSERT_EQUAL(26380, c.redis_sentinels[0].port);
    CPPUNIT_ASSERT_EQUAL(26379, c.redis_sentinels[1].port);
    CPPUNIT_ASSERT_EQUAL(std::string("dtmaster"), c.redis_master_name);
  }

  void testMistakesNameTheKey() {
    struct {
      std::string text;
      const char* must_name;
    } cases[] = {
        {std::string(kMinimal) + "[server]\nthreads = 0\n", "[server] threads"},
        {std::string(kMinimal) + "[server]\nthreads = many\n", "[server] threads"},
        {std::string(kMinimal) + "[server]\nthreds = 4\n", "[server] threds"},
        {std::string(kMinimal) + "[server]\naccess_log = maybe\n", "[server] access_log"},
        {std::string(kMinimal) + "[server]\nthreads = 4\nthreads = 5\n", "[server] threads"},
        {std::string(kMinimal) + "[app.B]\nsign = md5\n", "[app.B] secret"},
        {std::string(kMinimal) + "[app.C]\nsecret = s\nsign = sha1\n", "[app.C] sign"},
        {std::string(kMinimal) + "[app.bad key]\nsecret = s\n", "[app.bad key]"},
        {std::string(kMinimal) + "[sms]\nprovider = carrier-pigeon\n", "[sms] provider"},
        {std::string(kMinimal) + "just words\n", "line"},
        {std::string(kMinimal) + "[mysql.replica]\nhosts = 10.0.0.2:99999\n", "[mysql.replica] hosts"},
        {std::string(kMinimal) + "[mysql.replica]\nhosts = 10.0.0.2,,10.0.0.3\n", "[mysql.replica] hosts"},
        {std::string(kMinimal) + "[mysql.replica]\nhosts = bad host\n", "[mysql.replica] hosts"},
        {std::string(kMinimal) + "[redis]\nsentinels = 10.0.0.5\n", "[redis] master_name"},
        {std::string(kMinimal) + "[redis]\nsentinels = :26379\nmaster_name = m\n", "[redis] sentinels"},
        {"[pay]\nkey = k\n[media]\nroot = r\nurl = u\n[sms]\noutbox = o\n[app.A]\nsecret = s\n"
         "[mysql]\nuser = u\n",
         "[mysql] database"},
        {"[mysql]\nuser = u\ndatabase = d\n[media]\nroot = r\nurl = u\n[sms]\noutbox = o\n"
         "[app.A]\nsecret = s\n",
         "[pay] key"},
        {"[mysql]\nuser = u\ndatabase = d\n[pay]\nkey = k\n[media]\nroot = r\nurl = u\n"
         "[sms]\noutbox = o\n",
         "[app."},
    };
    for (const auto& c : cases) {
      Config config;
      Status s = ParseConfig(c.text, &config);
      CPPUNIT_ASSERT_MESSAGE(c.must_name, !s.ok());
      CPPUNIT_ASSERT_MESSAGE(c.must_name + std::string(" not in: ") + s.msg(),
                             s.msg().find(c.must_name) != std::string::npos);
    }
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(ConfigTest, "unit");

}  // namespace dt
