// The parameter declarations of lib/core/args.h and their parsing: what each takes and
// what it refuses.
#include <cppunit/extensions/HelperMacros.h>

#include <stdexcept>

#include "lib/core/args.h"
#include "lib/core/context.h"
#include "lib/core/phone.h"
#include "lib/domain/sms.h"
#include "lib/store/db.h"
#include "lib/store/replica.h"
#include "lib/store/redis.h"

namespace dt {
namespace {

using Fields = std::vector<std::pair<const char*, const char*>>;

class FixedClock : public Clock {
 public:
  double Now() const override { return 1750000000; }
};

// ParseArgs of `fields` against `specs`, in a context of a default config (its connections
// are never opened: parsing reads none).
Status Parse(const std::vector<ArgSpec>& specs, const Fields& fields, Args* out) {
  static const Config config;
  static FixedClock clock;
  static const SmsSenders sms;  // none: parsing sends nothing
  static const Services services{config, clock, sms};
  static thread_local Db db(config);
  static thread_local ReadDb reads(config, db);
  static thread_local Redis redis(config);
  Params params;
  for (const auto& [k, v] : fields) params.Add(k, v);
  static const RequestEnv env;
  RequestContext ctx{env, params, {}, db, reads, redis, services};
  return ParseArgs(specs, ctx, out);
}

}  // namespace

class ArgsTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ArgsTest);
  CPPUNIT_TEST(testParseInt64);
  CPPUNIT_TEST(testDeclaredInts);
  CPPUNIT_TEST(testDeclaredTexts);
  CPPUNIT_TEST(testDeclaredDecimalsAndIdLists);
  CPPUNIT_TEST(testCallerIds);
  CPPUNIT_TEST(testConverters);
  CPPUNIT_TEST(testUndeclaredReadThrows);
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

  // Each type, its range, required or not, and the messages of a refusal.
  void testDeclaredInts() {
    const std::vector<ArgSpec> specs = {IntArg("n", 1, 10), IntArg("m", 1, 10).Or(7)};
    Args args;
    CPPUNIT_ASSERT(Parse(specs, {{"n", "5"}}, &args).ok());
    CPPUNIT_ASSERT_EQUAL(int64_t{5}, args.Int("n"));
    CPPUNIT_ASSERT(args.Has("n") && !args.Has("m"));
    CPPUNIT_ASSERT_EQUAL(int64_t{7}, args.Int("m"));  // the default
    CPPUNIT_ASSERT(Parse(specs, {{"n", "5"}, {"m", ""}}, &args).ok());  // empty is absent
    CPPUNIT_ASSERT_EQUAL(int64_t{7}, args.Int("m"));
    for (const char* bad : {"0", "11", "x", "5.0", "-1", " 5"}) {
      Status s = Parse(specs, {{"n", bad}}, &args);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(bad, std::string("n is invalid."), s.msg());
      CPPUNIT_ASSERT_EQUAL(int{kBadParam}, s.code());
      CPPUNIT_ASSERT(!args.ok());
    }
    CPPUNIT_ASSERT_EQUAL(std::string("n is none."), Parse(specs, {}, &args).msg());
    CPPUNIT_ASSERT_EQUAL(std::string("n is none."), Parse(specs, {{"n", ""}}, &args).msg());
    CPPUNIT_ASSERT_EQUAL(std::string("m is invalid."), Parse(specs, {{"n", "1"}, {"m", "99"}}, &args).msg());
    // The first refusal in declaration order; a refusal with its own code.
    const std::vector<ArgSpec> coded = {IntArg("a", 0, 2).Optional().KeepEmpty().Refuse(kBadProfileField),
                                        IntArg("b", 0, 2)};
    Status s = Parse(coded, {{"a", ""}}, &args);  // kept empty: a value, and not a number
    CPPUNIT_ASSERT_EQUAL(int{kBadProfileField}, s.code());
    CPPUNIT_ASSERT_EQUAL(std::string("a is invalid."), s.msg());
    CPPUNIT_ASSERT_EQUAL(std::string("b is none."), Parse(coded, {{"a", "1"}}, &args).msg());
  }

  void testDeclaredTexts() {
    const std::vector<ArgSpec> specs = {
        TextArg("k").Optional().MaxLength(3).NoControls(), TextArg("c").OneOf({"x", "y"}).Optional(),
        TextArg("b").Optional().MaxBytes(3), TextArg("e").Optional().KeepEmpty()};
    Args args;
    CPPUNIT_ASSERT(Parse(specs, {{"k", "\xe4\xbd\xa0\xe5\xa5\xbd!"}, {"c", "y"}, {"e", ""}}, &args).ok());
    CPPUNIT_ASSERT_EQUAL(std::string("\xe4\xbd\xa0\xe5\xa5\xbd!"), args.Text("k"));  // 3 code points
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, args.Value("c").i);  // the choice's index
    CPPUNIT_ASSERT(args.Has("e") && args.Text("e").empty() && !args.Has("b"));
    CPPUNIT_ASSERT_EQUAL(std::string(), args.Text("b"));
    for (auto bad : {std::pair{"k", "abcd"}, {"k", "a\x01"}, {"c", "z"}, {"b", "\xe4\xbd\xa0!"}}) {
      CPPUNIT_ASSERT_EQUAL_MESSAGE(bad.second, std::string(bad.first) + " is invalid.",
                                   Parse(specs, {bad}, &args).msg());
    }
  }

  void testDeclaredDecimalsAndIdLists() {
    const std::vector<ArgSpec> specs = {DecimalArg("r", 0, 100, true).OrDecimal(10),
                                        IdListArg("ids").KeepEmpty()};
    Args args;
    CPPUNIT_ASSERT(Parse(specs, {{"ids", "3,1,3,7"}}, &args).ok());
    CPPUNIT_ASSERT_EQUAL(10.0, args.Decimal("r"));
    CPPUNIT_ASSERT((args.Ids("ids") == std::vector<int64_t>{3, 1, 7}));  // distinct, in order
    CPPUNIT_ASSERT(Parse(specs, {{"r", "100"}, {"ids", ""}}, &args).ok());
    CPPUNIT_ASSERT(args.Has("ids") && args.Ids("ids").empty());
    for (auto bad : {std::pair{"r", "0"}, {"r", "100.5"}, {"r", "-1"}, {"ids", "1,"}, {"ids", "0"},
                     {"ids", "4294967296"}, {"ids", "1,,2"}}) {
      Fields f = {bad};
      if (std::string(bad.first) == "r") f.push_back({"ids", "1"});
      CPPUNIT_ASSERT_EQUAL_MESSAGE(bad.second, std::string(bad.first) + " is invalid.", Parse(specs, f, &args).msg());
    }
    CPPUNIT_ASSERT_EQUAL(std::string("ids is none."), Parse(specs, {}, &args).msg());
  }

  // The caller-relative rules apply once the caller is known.
  void testCallerIds() {
    const std::vector<ArgSpec> specs = {IdArg("peerId").NotCaller(), IdArg("owner").OrCaller()};
    Args args;
    CPPUNIT_ASSERT(Parse(specs, {{"peerId", "8"}}, &args).ok());
    CPPUNIT_ASSERT(ResolveCaller(7, &args).ok());
    CPPUNIT_ASSERT_EQUAL(int64_t{8}, args.Int("peerId"));
    CPPUNIT_ASSERT_EQUAL(int64_t{7}, args.Int("owner"));
    CPPUNIT_ASSERT(Parse(specs, {{"peerId", "7"}}, &args).ok());
    CPPUNIT_ASSERT_EQUAL(std::string("peerId is invalid."), ResolveCaller(7, &args).msg());
    CPPUNIT_ASSERT(!Parse(specs, {{"peerId", "4294967296"}}, &args).ok());  // over INT UNSIGNED
    CPPUNIT_ASSERT(Parse(specs, {{"peerId", "4294967295"}}, &args).ok());
    CPPUNIT_ASSERT(!Parse(specs, {{"peerId", "8"}, {"owner", "0"}}, &args).ok());
  }

  // A converter rewrites what it accepts (a phone becomes E.164) and refuses the rest.
  void testConverters() {
    const std::vector<ArgSpec> specs = {TextArg("phone").As(MobileArg)};
    Args args;
    CPPUNIT_ASSERT(Parse(specs, {{"phone", "139 6666 0001"}}, &args).ok());
    CPPUNIT_ASSERT_EQUAL(std::string("+8613966660001"), args.Text("phone"));
    CPPUNIT_ASSERT_EQUAL(std::string("phone is invalid."), Parse(specs, {{"phone", "12345"}}, &args).msg());
  }

  // A handler that reads what its row did not declare is a programming error.
  void testUndeclaredReadThrows() {
    const std::vector<ArgSpec> specs = {IntArg("n", 1, 10), TextArg("t")};
    Args args;
    CPPUNIT_ASSERT(Parse(specs, {{"n", "1"}, {"t", "x"}}, &args).ok());
    CPPUNIT_ASSERT_THROW(args.Int("other"), std::logic_error);
    CPPUNIT_ASSERT_THROW(args.Int("t"), std::logic_error);  // of another type
    CPPUNIT_ASSERT_THROW(args.Text("n"), std::logic_error);
    CPPUNIT_ASSERT_THROW(Args().Has("n"), std::logic_error);
  }

  void testPage() {
    const std::vector<ArgSpec> specs = PageArgs(50, 10);
    Args args;
    CPPUNIT_ASSERT(Parse(specs, {}, &args).ok());
    Page page = PageOf(args);
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, page.page);
    CPPUNIT_ASSERT_EQUAL(int64_t{10}, page.count);
    CPPUNIT_ASSERT(Parse(specs, {{"page", "3"}, {"pageCount", "20"}}, &args).ok());
    page = PageOf(args);
    CPPUNIT_ASSERT_EQUAL(int64_t{40}, page.offset());
    CPPUNIT_ASSERT_EQUAL(int64_t{21}, page.limit());  // one more row tells has_next
    CPPUNIT_ASSERT_EQUAL(size_t{20}, page.Shown(21));
    CPPUNIT_ASSERT_EQUAL(size_t{5}, page.Shown(5));
    CPPUNIT_ASSERT(page.HasNext(21) && !page.HasNext(20));
    for (auto bad : {std::pair{"page", "0"}, {"pageCount", "51"}, {"pageCount", "0"}, {"page", "1000001"}}) {
      CPPUNIT_ASSERT_MESSAGE(bad.first, !Parse(specs, {bad}, &args).ok());
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
