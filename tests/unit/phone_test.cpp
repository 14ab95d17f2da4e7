// Phone numbers to E.164 (lib/core/phone.h): the spellings of one handset, and what is refused.
#include <cppunit/extensions/HelperMacros.h>

#include <cstring>

#include "lib/core/config.h"
#include "lib/core/phone.h"

namespace dt {

class PhoneTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PhoneTest);
  CPPUNIT_TEST(testSpellingsOfOneNumber);
  CPPUNIT_TEST(testRefused);
  CPPUNIT_TEST(testRegionsAndNationalNumbers);
  CPPUNIT_TEST(testTestNumbersConfig);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testSpellingsOfOneNumber() {
    for (const char* spelling : {"13966660001", "+8613966660001", "8613966660001", "008613966660001",
                                 "+86 139-6666-0001", "(+86) 139 6666 0001", "139.6666.0001", " 13966660001"}) {
      std::string e164;
      CPPUNIT_ASSERT_MESSAGE(spelling, NormalizeMobile(spelling, "CN", &e164));
      CPPUNIT_ASSERT_EQUAL_MESSAGE(spelling, std::string("+8613966660001"), e164);
    }
    std::string e164;
    CPPUNIT_ASSERT(NormalizeMobile("+1 (650) 253-0000", "CN", &e164));  // US: fixed line or mobile
    CPPUNIT_ASSERT_EQUAL(std::string("+16502530000"), e164);
    CPPUNIT_ASSERT(NormalizeMobile("07911 123456", "GB", &e164));  // another default region
    CPPUNIT_ASSERT_EQUAL(std::string("+447911123456"), e164);
  }

  void testRefused() {
    for (const char* text : {"", "+13966660001", "12345", "139666600011", "010-12345678", "13966660001 ext 5",
                             "1396666000a", "86+13966660001", "++8613966660001", "+", "1-800-FLOWERS",
                             "139666600010000000000000000000000"}) {
      std::string e164;
      CPPUNIT_ASSERT_MESSAGE(text, !NormalizeMobile(text, "CN", &e164));
    }
  }

  void testRegionsAndNationalNumbers() {
    CPPUNIT_ASSERT(KnownPhoneRegion("CN") && KnownPhoneRegion("US") && !KnownPhoneRegion("XX") &&
                   !KnownPhoneRegion("cn"));
    CPPUNIT_ASSERT_EQUAL(std::string("13966660001"), NationalNumber("+8613966660001"));
    CPPUNIT_ASSERT_EQUAL(std::string("6502530000"), NationalNumber("+16502530000"));
  }

  // [sms] default_region and test_numbers are checked at start-up like every key.
  void testTestNumbersConfig() {
    const std::string base =
        "[server]\nenvironment = development\n[mysql]\nuser = u\ndatabase = d\n[pay]\nkey = 3f9a0c27d41e8b65\n"
        "[media]\nroot = /tmp/m\nurl = http://x/media/\n[app.A1]\nsecret = 9b1d7e44a0c3f25e\n"
        "[sms]\noutbox = /tmp/outbox\n";
    Config c;
    Status s = ParseConfig(base + "test_numbers = 18922986865:97532, +86 139-6666-0001:12345678\n", &c);
    CPPUNIT_ASSERT_MESSAGE(s.msg(), s.ok());
    CPPUNIT_ASSERT_EQUAL(size_t{2}, c.sms_test_numbers.size());
    CPPUNIT_ASSERT_EQUAL(std::string("97532"), c.sms_test_numbers.at("+8618922986865"));
    CPPUNIT_ASSERT_EQUAL(std::string("12345678"), c.sms_test_numbers.at("+8613966660001"));
    CPPUNIT_ASSERT_EQUAL(std::string("CN"), c.sms_default_region);
    const struct {
      std::string extra;
      const char* must_name;
    } cases[] = {
        {"test_numbers = 18922986865:975\n", "[sms] test_numbers"},
        {"test_numbers = 18922986865:975321234\n", "[sms] test_numbers"},
        {"test_numbers = 12345:97532\n", "[sms] test_numbers"},
        {"test_numbers = 18922986865\n", "[sms] test_numbers"},
        {"test_numbers = 18922986865:97532, +8618922986865:1234\n", "[sms] test_numbers"},
        {"default_region = XX\n", "[sms] default_region"},
    };
    for (const auto& bad : cases) {
      Config config;
      s = ParseConfig(base + bad.extra, &config);
      CPPUNIT_ASSERT_MESSAGE(bad.extra, !s.ok() && s.msg().find(bad.must_name) != std::string::npos);
    }
    std::string production = base;
    production.replace(production.find("development"), strlen("development"), "production");
    s = ParseConfig(production + "test_numbers = 18922986865:97532\n", &c);
    CPPUNIT_ASSERT_MESSAGE(s.msg(), !s.ok() && s.msg().find("development only") != std::string::npos);
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(PhoneTest, "unit");

}  // namespace dt
