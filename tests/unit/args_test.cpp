// The parameter parsers of lib/core/args.h, table-driven: what each takes and what it refuses.
#include <cppunit/extensions/HelperMacros.h>

#include "lib/core/args.h"

namespace dt {
namespace {

Params Of(std::initializer_list<std::pair<const char*, const char*>> pairs) {
  Params p;
  for (const auto& [k, v] : pairs) p.Add(k, v);
  return p;
}

}  // namespace

class ArgsTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ArgsTest);
  CPPUNIT_TEST(testParseInt64);
  CPPUNIT_TEST(testRequireAndOptionalInt);
  CPPUNIT_TEST(testIds);
  CPPUNIT_TEST(testPage);
  CPPUNIT_TEST(testDecimalAndMoney);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testParseInt64() {
    const struct {
      const char* text;
      bool ok;
      int64_t value;
    } cases[] = {
        {"0", true, 0},          {"7", true, 7},        {"-12", true, -12},
        {"000123", true, 123},   {"999999999999999999", true, 999999999999999999},
        {"", false, 0},          {"-", false, 0},       {"+5", false, 0},
        {" 5", false, 0},        {"5 ", false, 0},      {"1e3", false, 0},
        {"0x10", false, 0},      {"1.0", false, 0},     {"1234567890123456789", false, 0},
    };
    for (const auto& c : cases) {
      int64_t v = -1;
      CPPUNIT_ASSERT_EQUAL_MESSAGE(c.text, c.ok, ParseInt64(c.text, &v));
      if (c.ok) CPPUNIT_ASSERT_EQUAL_MESSAGE(c.text, c.value, v);
    }
  }

  void testRequireAndOptionalInt() {
    int64_t v = 0;
    CPPUNIT_ASSERT(RequireInt(Of({{"n", "5"}}), "n", 1, 10, &v).ok() && v == 5);
    for (const char* bad : {"0", "11", "x", "5.0", "-1"}) {
      Status s = RequireInt(Of({{"n", bad}}), "n", 1, 10, &v);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(bad, std::string("n is invalid."), s.msg());
      CPPUNIT_ASSERT_EQUAL(int{kBadParam}, s.code());
    }
    CPPUNIT_ASSERT_EQUAL(std::string("n is none."), RequireInt(Of({}), "n", 1, 10, &v).msg());
    CPPUNIT_ASSERT_EQUAL(std::string("n is none."), RequireInt(Of({{"n", ""}}), "n", 1, 10, &v).msg());
    CPPUNIT_ASSERT(OptionalInt(Of({}), "n", 1, 10, 7, &v).ok() && v == 7);
    CPPUNIT_ASSERT(OptionalInt(Of({{"n", ""}}), "n", 1, 10, 7, &v).ok() && v == 7);  // empty is absent
    CPPUNIT_ASSERT(!OptionalInt(Of({{"n", "99"}}), "n", 1, 10, 7, &v).ok());
    std::string s;
    CPPUNIT_ASSERT(!RequireString(Of({{"k", ""}}), "k", &s).ok());
    CPPUNIT_ASSERT(RequireString(Of({{"k", " "}}), "k", &s).ok() && s == " ");
  }

  void testIds() {
    int64_t v = 0;
    CPPUNIT_ASSERT(RequireOtherUser(Of({{"peerId", "8"}}), 7, &v).ok() && v == 8);
    CPPUNIT_ASSERT_EQUAL(std::string("peerId is invalid."), RequireOtherUser(Of({{"peerId", "7"}}), 7, &v).msg());
    CPPUNIT_ASSERT(!RequireOtherUser(Of({{"peerId", "4294967296"}}), 7, &v).ok());  // over INT UNSIGNED
    CPPUNIT_ASSERT(RequireOtherUser(Of({{"peerId", "4294967295"}}), 7, &v).ok());
    CPPUNIT_ASSERT(OptionalId(Of({}), "peerId", 7, &v).ok() && v == 7);
    CPPUNIT_ASSERT(!OptionalId(Of({{"peerId", "0"}}), "peerId", 7, &v).ok());
  }

  void testPage() {
    Page page;
    CPPUNIT_ASSERT(RequirePage(Of({}), 50, 10, &page).ok());
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, page.page);
    CPPUNIT_ASSERT_EQUAL(int64_t{10}, page.count);
    CPPUNIT_ASSERT(RequirePage(Of({{"page", "3"}, {"pageCount", "20"}}), 50, 10, &page).ok());
    CPPUNIT_ASSERT_EQUAL(int64_t{40}, page.offset());
    CPPUNIT_ASSERT_EQUAL(int64_t{21}, page.limit());  // one more row tells has_next
    CPPUNIT_ASSERT_EQUAL(size_t{20}, page.Shown(21));
    CPPUNIT_ASSERT_EQUAL(size_t{5}, page.Shown(5));
    CPPUNIT_ASSERT(page.HasNext(21) && !page.HasNext(20));
    for (auto bad : {std::pair{"page", "0"}, {"pageCount", "51"}, {"pageCount", "0"}, {"page", "1000001"}}) {
      CPPUNIT_ASSERT_MESSAGE(bad.first, !RequirePage(Of({bad}), 50, 10, &page).ok());
    }
  }

  void testDecimalAndMoney() {
    double d = 0;
    for (const char* ok : {"0", "10", "0.5", "100.000000001", "123456789"}) CPPUNIT_ASSERT_MESSAGE(ok, ParseDecimal(ok, &d));
    for (const char* bad : {"", ".5", "5.", "-1", "1e2", " 1", "1,5", "1234567890", "0.1234567890", "0x1"}) {
      CPPUNIT_ASSERT_MESSAGE(bad, !ParseDecimal(bad, &d));
    }
    CPPUNIT_ASSERT(ParseDecimal("2.25", &d) && d == 2.25);
    const struct {
      const char* text;
      int64_t cents;
    } money[] = {{"30", 3000}, {"30.5", 3050}, {"30.00", 3000}, {"0.01", 1}, {"999999999.99", 99999999999}};
    for (const auto& m : money) {
      int64_t cents = -1;
      CPPUNIT_ASSERT_MESSAGE(m.text, ParseMoney(m.text, &cents));
      CPPUNIT_ASSERT_EQUAL_MESSAGE(m.text, m.cents, cents);
    }
    for (const char* bad : {"", "30.", "30.001", "-1", "1e3", "1000000000", "30,00", ".5", "29.999"}) {
      int64_t cents;
      CPPUNIT_ASSERT_MESSAGE(bad, !ParseMoney(bad, &cents));
    }
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(ArgsTest, "unit");

}  // namespace dt
