// Config validation: the committed configs load, and each kind of mistake is refused
// with a message naming the key.
#include <cppunit/extensions/HelperMacros.h>

#include <cstring>
#include <fstream>
#include <sstream>

#include "lib/core/config.h"

namespace dt {

const char kMinimal[] =
    "[mysql]\nuser = u\ndatabase = d\n"
    "[pay]\nkey = 3f9a0c27d41e8b65\n"
    "[media]\nroot = /tmp/m\nurl = http://x/media/\n"
    "[sms]\noutbox = /tmp/outbox\n"
    "[app.A1]\nsecret = 9b1d7e44a0c3f25e\n";

class ConfigTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ConfigTest);
  CPPUNIT_TEST(testCommittedConfigsLoad);
  CPPUNIT_TEST(testMinimalAndDefaults);
  CPPUNIT_TEST(testMistakesNameTheKey);
  CPPUNIT_TEST(testReplicasAndSentinels);
  CPPUNIT_TEST(testExampleNeedsRealSecrets);
  CPPUNIT_TEST(testWeakSecretsRefused);
  CPPUNIT_TEST(testProductionRefusesDevelopmentFeatures);
  CPPUNIT_TEST(testGatewayKeysAreChecked);
  CPPUNIT_TEST_SUITE_END();

 public:
  // A gateway section: all its keys once one is given; key files that exist, are RSA
  // keys of the right kind, and a gateway key that is not the merchant's own.
  void testGatewayKeysAreChecked() {
    const std::string alipay =
        "[pay.alipay]\napp_id = 2021000122600001\nseller_id = 2088621955012345\n"
        "merchant_private_key = config/dev/alipay/merchant_private_key.pem\n"
        "alipay_public_key = config/dev/alipay/alipay_public_key.pem\n"
        "gateway = https://openapi.alipay.com/gateway.do\nnotify_url = https://api.example.com/api/vip/pay/alipay/notify\n";
    Config c;
    Status s = ParseConfig(std::string(kMinimal) + alipay, &c);
    CPPUNIT_ASSERT_MESSAGE(s.msg(), s.ok());
    CPPUNIT_ASSERT(c.alipay_merchant_key.has_private() && c.alipay_public_key.loaded());
    auto refused = [&](const std::string& text, const char* expected) {
      Config bad;
      Status st = ParseConfig(std::string(kMinimal) + text, &bad);
      CPPUNIT_ASSERT_MESSAGE(text, !st.ok());
      CPPUNIT_ASSERT_MESSAGE(st.msg(), st.msg().find(expected) != std::string::npos);
    };
    auto replaced = [&](const std::string& from, const std::string& to) {
      std::string t = alipay;
      t.replace(t.find(from), from.size(), to);
      return t;
    };
    refused(replaced("seller_id = 2088621955012345\n", ""), "[pay.alipay] seller_id is missing");
    refused(replaced("config/dev/alipay/merchant_private_key.pem", "config/dev/alipay/none.pem"),
            "[pay.alipay] merchant_private_key = 'config/dev/alipay/none.pem' cannot be read");
    refused(replaced("config/dev/alipay/merchant_private_key.pem", "config/dev/alipay/alipay_public_key.pem"),
            "is not a PEM key (a private key)");
    refused(replaced("config/dev/alipay/alipay_public_key.pem", "config/dev/alipay/merchant_public_key.pem"),
            "is the merchant's own public key");
    refused(replaced("https://openapi.alipay.com/gateway.do", "ftp://x"), "[pay.alipay] gateway = 'ftp://x' is not an https URL");
    refused("[pay.wechat]\nmchid = 1900000109\n", "[pay.wechat] appid is missing");
    const std::string wechat =
        "[pay.wechat]\nmchid = 1900000109\nappid = wx1\nserial_no = 5157\npublic_key_id = PUB_KEY_ID_1\n"
        "merchant_private_key = config/dev/wechatpay/merchant_private_key.pem\n"
        "public_key = config/dev/wechatpay/wechatpay_public_key.pem\n"
        "base_url = https://api.mch.weixin.qq.com\nnotify_url = https://api.example.com/n\napi_v3_key = ";
    CPPUNIT_ASSERT(ParseConfig(std::string(kMinimal) + wechat + "dtTestApiV3Key0123456789abcdefXY\n", &c).ok());
    refused(wechat + "short\n", "[pay.wechat] api_v3_key is not 32 bytes");
  }

  void testCommittedConfigsLoad() {
    for (const char* path : {"config/dev.ini", "config/test.ini"}) {
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
    CPPUNIT_ASSERT_EQUAL(std::string("sandbox-pay-key-0001"), dev.pay_key);
    CPPUNIT_ASSERT(dev.apps.at("432ABZ").legacy && !dev.apps.at("HM256K").legacy);
    CPPUNIT_ASSERT_EQUAL(std::string("development"), dev.environment);
  }

  // Found by review (issue 16, item 10): the example's `key = change-me` passed the check.
  // The example is refused until its placeholders are replaced, and then it loads.
  void testExampleNeedsRealSecrets() {
    std::ifstream in("config/datingtoday.ini.example");
    std::stringstream text;
    text << in.rdbuf();
    std::string example = text.str();
    Config c;
    Status s = ParseConfig(example, &c);
    CPPUNIT_ASSERT(!s.ok());
    CPPUNIT_ASSERT_MESSAGE(s.msg(), s.msg().find("placeholder") != std::string::npos);
    for (const char* placeholder : {"change-me-to-a-long-random-secret", "change-me"}) {
      for (size_t at; (at = example.find(placeholder)) != std::string::npos;) {
        example.replace(at, strlen(placeholder), "4c1f0a9e7d2b83561f0e");
      }
    }
    s = ParseConfig(example, &c);
    CPPUNIT_ASSERT_MESSAGE(s.msg(), s.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("production"), c.environment);
  }

  void testWeakSecretsRefused() {
    const struct {
      std::string section;  // replaces kMinimal's [pay] or [app.A1]
      const char* must_name;
    } cases[] = {
        {"[pay]\nkey = change-me\n", "[pay] key"},
        {"[pay]\nkey = sandbox-pay-key\n", "[pay] key"},  // 15 bytes
        {"[pay]\nkey = CHANGE_ME_please_0123456\n", "[pay] key"},
        {"[pay]\nkey = xxxxxxxxxxxxxxxxxxxxxxxx\n", "[pay] key"},
        {"[app.A1]\nsecret = change-me-to-a-long-random-secret\n", "[app.A1] secret"},
        {"[app.A1]\nsecret = 1AE32B09224\n", "[app.A1] secret"},
        {"[app.A1]\nsecret = your-secret-here-0001\n", "[app.A1] secret"},
        {"[app.A1]\nsecret = 1AE32B09224\nlegacy = yes\n", "[app.A1] legacy"},
    };
    for (const auto& c : cases) {
      std::string text = kMinimal;
      const std::string head = c.section.substr(0, c.section.find('\n') + 1);
      const size_t at = text.find(head);
      text.replace(at, text.find('\n', at + head.size()) + 1 - at, c.section);
      Config config;
      Status s = ParseConfig(text, &config);
      CPPUNIT_ASSERT_MESSAGE(c.section, !s.ok());
      CPPUNIT_ASSERT_MESSAGE(c.must_name + std::string(" not in: ") + s.msg(),
                             s.msg().find(c.must_name) != std::string::npos);
    }
    // The operator allow-list and the photo review mode are checked too.
    for (const auto& [text, must_name] :
         {std::pair<const char*, const char*>{"[operator]\nallow = 10.0.0.0/99\n", "[operator] allow"},
          {"[operator]\nallow = office\n", "[operator] allow"},
          {"[moderation]\nphotos = later\n", "[moderation] photos"}}) {
      Config config;
      Status s = ParseConfig(std::string(kMinimal) + text, &config);
      CPPUNIT_ASSERT_MESSAGE(s.msg(), s.msg().find(must_name) != std::string::npos);
    }
    // The old service's app, marked legacy, loads with its short secret.
    Config legacy;
    Status s = ParseConfig(std::string(kMinimal) + "[app.432ABZ]\nsecret = 1AE32B09224\nlegacy = 1\n", &legacy);
    CPPUNIT_ASSERT_MESSAGE(s.msg(), s.ok());
    CPPUNIT_ASSERT(legacy.apps.at("432ABZ").legacy);
    CPPUNIT_ASSERT(IsPlaceholderSecret("Change-Me") && IsPlaceholderSecret("") && !IsPlaceholderSecret("hmac-dev-secret-0001"));
  }

  void testProductionRefusesDevelopmentFeatures() {
    Config c;
    Status s = ParseConfig(std::string(kMinimal) + "[sms]\necho = 1\n", &c);
    CPPUNIT_ASSERT_MESSAGE(s.msg(), !s.ok() && s.msg().find("[sms] echo") != std::string::npos);
    CPPUNIT_ASSERT(ParseConfig(std::string(kMinimal) + "[server]\nenvironment = development\n[sms]\necho = 1\n", &c).ok());
    s = ParseConfig(std::string(kMinimal) + "[server]\nenvironment = staging\n", &c);
    CPPUNIT_ASSERT(!s.ok() && s.msg().find("[server] environment") != std::string::npos);
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
        {std::string(kMinimal) + "[sms]\nsenders = aliyun, pigeon\n", "[sms] senders"},
        {std::string(kMinimal) + "[sms]\nsenders = log, log\n", "[sms] senders"},
        {std::string(kMinimal) + "[sms]\nsenders = ,\n", "[sms] senders"},
        {std::string(kMinimal) + "[sms]\nprovider = log\nsenders = log\n", "[sms] provider"},
        {std::string(kMinimal) + "[sms]\nsenders = aliyun\n", "[sms.aliyun] access_key_id"},
        {std::string(kMinimal) + "[sms]\nsenders = tencent\n[sms.tencent]\nsecret_id = i\nsecret_key = k\n",
         "[sms.tencent] sdk_app_id"},
        {std::string(kMinimal) + "[sms]\ncountries = CN, XX\n", "[sms] countries"},
        {std::string(kMinimal) + "[sms]\ntimeout_ms = 10\n", "[sms] timeout_ms"},
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
