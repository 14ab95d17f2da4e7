// The guard's pure parts with an injected clock: timestamp formats and window edges,
// nonces, and session matching with expiry.
#include <cppunit/extensions/HelperMacros.h>

#include "lib/core/clock.h"
#include "lib/domain/guard.h"
#include "lib/domain/session.h"

namespace dt {

class GuardTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(GuardTest);
  CPPUNIT_TEST(testTimestampFormats);
  CPPUNIT_TEST(testWindowEdges);
  CPPUNIT_TEST(testNonces);
  CPPUNIT_TEST(testSessionMatchAndExpiry);
  CPPUNIT_TEST(testUtcFormat);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testTimestampFormats() {
    struct {
      const char* text;
      bool ok;
      double seconds;
    } cases[] = {
        {"1564486841", true, 1564486841.0},
        {"1564486841.415", true, 1564486841.415},
        {"1564486841415", true, 1564486841.415},
        {"0", true, 0},
        {"", false, 0},
        {"-1564486841", false, 0},
        {"1564486841.", false, 0},
        {".5", false, 0},
        {"15644868414150", false, 0},  // 14 digits
        {"1564486841415.5", false, 0},
        {"1e9", false, 0},
        {" 1564486841", false, 0},
        {"1564486841x", false, 0},
    };
    for (const auto& c : cases) {
      double s = -1;
      CPPUNIT_ASSERT_EQUAL_MESSAGE(c.text, c.ok, ParseClientTimestamp(c.text, &s));
      if (c.ok) CPPUNIT_ASSERT_DOUBLES_EQUAL_MESSAGE(c.text, c.seconds, s, 1e-6);
    }
  }

  void testWindowEdges() {
    FakeClock clock(1700000000.0);
    const int window = 300;
    auto code = [&](const std::string& ts) { return CheckTimestamp(ts, clock.Now(), window).code(); };
    CPPUNIT_ASSERT_EQUAL(0, code("1700000000"));
    CPPUNIT_ASSERT_EQUAL(0, code("1699999700"));              // exactly 300 s behind
    CPPUNIT_ASSERT_EQUAL(0, code("1700000300"));              // exactly 300 s ahead
    CPPUNIT_ASSERT_EQUAL(int{kBadTimestamp}, code("1699999699"));
    CPPUNIT_ASSERT_EQUAL(int{kBadTimestamp}, code("1700000301"));
    CPPUNIT_ASSERT_EQUAL(int{kBadTimestamp}, code("1700000300.001"));
    CPPUNIT_ASSERT_EQUAL(0, code("1700000299.999"));
    CPPUNIT_ASSERT_EQUAL(0, code("1700000300000"));           // milliseconds, at the edge
    CPPUNIT_ASSERT_EQUAL(int{kBadTimestamp}, code("1700000300001"));
    CPPUNIT_ASSERT_EQUAL(int{kBadParam}, code("17e8"));
    clock.Advance(301);
    CPPUNIT_ASSERT_EQUAL(int{kBadTimestamp}, code("1700000000"));
  }

  void testNonces() {
    CPPUNIT_ASSERT(ValidNonce("34C2AF"));
    CPPUNIT_ASSERT(ValidNonce("a_b-C9"));
    CPPUNIT_ASSERT(ValidNonce(std::string(64, 'x')));
    CPPUNIT_ASSERT(!ValidNonce(std::string(65, 'x')));
    CPPUNIT_ASSERT(!ValidNonce(""));
    CPPUNIT_ASSERT(!ValidNonce("a b"));
    CPPUNIT_ASSERT(!ValidNonce("a:b"));
    CPPUNIT_ASSERT(!ValidNonce("小"));
  }

  void testSessionMatchAndExpiry() {
    const std::string token = NewToken();
    CPPUNIT_ASSERT_EQUAL(size_t{32}, token.size());
    CPPUNIT_ASSERT(token != NewToken());
    const std::string hash = TokenHash(token);
    CPPUNIT_ASSERT_EQUAL(size_t{64}, hash.size());
    CPPUNIT_ASSERT(hash.find(token) == std::string::npos);  // the token itself is not stored
    SessionEntry s;
    s.id = 42;
    s.expire = 1700000000 + 7 * 86400;
    s.last_seen = 1700000000;
    const std::string value = SessionValue(s);
    CPPUNIT_ASSERT(value.find(token) == std::string::npos);
    SessionEntry back;
    CPPUNIT_ASSERT(ParseSessionValue(value, &back));
    CPPUNIT_ASSERT_EQUAL(s.id, back.id);
    CPPUNIT_ASSERT_EQUAL(s.expire, back.expire);
    CPPUNIT_ASSERT_EQUAL(s.last_seen, back.last_seen);
    for (const char* bad : {"", "garbage", "1:2", "1:2:", "a:2:3", "1::3", "1:2:3x"}) {
      CPPUNIT_ASSERT_MESSAGE(bad, !ParseSessionValue(bad, &back));
    }
  }

  void testUtcFormat() {
    CPPUNIT_ASSERT_EQUAL(std::string("2023-11-14 22:13:20"), FormatUtc(1700000000));
    int64_t t = 0;
    CPPUNIT_ASSERT(ParseUtc("2023-11-14 22:13:20", &t));
    CPPUNIT_ASSERT_EQUAL(int64_t{1700000000}, t);
    CPPUNIT_ASSERT(!ParseUtc("2023-11-14", &t));
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(GuardTest, "unit");

}  // namespace dt
