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
