// The reply writer (escaping, money, numbers, envelope, text-built objects and arrays)
// and money parsing.
#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "lib/core/args.h"
#include "lib/core/reply.h"

namespace dt {

class JsonTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(JsonTest);
  CPPUNIT_TEST(testEscaping);
  CPPUNIT_TEST(testNumbersAndMoney);
  CPPUNIT_TEST(testEnvelope);
  CPPUNIT_TEST(testBuiltObjectsAndArrays);
  CPPUNIT_TEST(testPageReply);
  CPPUNIT_TEST(testParseMoney);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testEscaping() {
    const struct {
      std::string in, out;
    } cases[] = {
        {"plain", "\"plain\""},
        {"q\"b\\s/", "\"q\\\"b\\\\s/\""},
        {"\n\r\t\b\f", "\"\\n\\r\\t\\b\\f\""},
        {std::string("\x01\x1f", 2), "\"\\u0001\\u001f\""},
        {"小明💕", "\"小明💕\""},
        {"bad\xFFutf8", "\"bad\xEF\xBF\xBDutf8\""},
    };
    for (const auto& c : cases) {
      JsonWriter w;
      w.Str("s", c.in);
      CPPUNIT_ASSERT_EQUAL("{\"s\":" + c.out + "}", w.Close());
    }
  }

  void testNumbersAndMoney() {
    JsonWriter w;
    w.Int("a", -5).Int("max", INT64_MAX).Money("fee", 3000).Money("odd", 1).Money("big", 99999999999);
    w.Money("neg", -5).Fixed("d", 2.25, 1).Fixed("inf", 1.0 / 0.0, 1).Bool("t", true).Null("n");
    w.Array("arr").Int(0).Str("x").End();
    CPPUNIT_ASSERT_EQUAL(std::string("{\"a\":-5,\"max\":9223372036854775807,\"fee\":30.00,\"odd\":0.01,"
                                     "\"big\":999999999.99,\"neg\":-0.05,\"d\":2.2,\"inf\":null,"
                                     "\"t\":true,\"n\":null,\"arr\":[0,\"x\"]}"),
                         w.Close());
  }

  void testEnvelope() {
    JsonWriter data;
    data.Int("x", 1);
    CPPUNIT_ASSERT_EQUAL(std::string("{\"code\":0,\"msg\":\"success\",\"data\":{\"x\":1}}"),
                         RenderReply(Reply::Ok(data)));
    CPPUNIT_ASSERT_EQUAL(std::string("{\"code\":0,\"msg\":\"success\",\"data\":{}}"), RenderReply(Reply::Ok()));
    CPPUNIT_ASSERT_EQUAL(std::string("{\"code\":300,\"msg\":\"phone is \\\"none\\\".\"}"),
                         RenderReply(Status::Error(300, "phone is \"none\".")));
    CPPUNIT_ASSERT_EQUAL(std::string("{\"code\":404,\"msg\":\"no such api.\"}"),
                         RenderReply(Status::Error(kNoRoute)));
    // An error's detail is its data; a 429 carries its Retry-After beside it.
    JsonWriter detail;
    detail.Int("retry_after", 7);
    Reply limited = Status::Error(kTooMany, "too many requests.", detail.Close()).WithRetryAfter(7);
    CPPUNIT_ASSERT_EQUAL(std::string("{\"code\":429,\"msg\":\"too many requests.\",\"data\":{\"retry_after\":7}}"),
                         RenderReply(limited));
    CPPUNIT_ASSERT_EQUAL(int64_t{7}, limited.status.retry_after());
  }

  // Nesting, commas, pre-rendered members, and the list page.
  void testBuiltObjectsAndArrays() {
    JsonWriter empty;
    empty.Array("list").End();
    CPPUNIT_ASSERT_EQUAL(std::string("{\"list\":[]}"), empty.Close());
    JsonWriter fragment(JsonWriter::Start::kMembers);
    CPPUNIT_ASSERT_EQUAL(std::string(), JsonWriter(JsonWriter::Start::kMembers).Close());
    fragment.Int("user_id", 1).Str("nickname", "x");
    const std::string members = fragment.Close();
    CPPUNIT_ASSERT_EQUAL(std::string("\"user_id\":1,\"nickname\":\"x\""), members);
    JsonWriter data;
    data.Array("list");
    data.Object().Int("id", -7).Str("name", "小\"明\n").Null("url").Bool("read", false).End();
    data.Object().Members(members).Members("").Bool("is_vip", false).End();
    data.Object().Object("inner").Array("a").Int(1).Int(2).End().End().End();
    data.End();
    data.Bool("has_more", true);
    CPPUNIT_ASSERT_EQUAL(std::string("{\"code\":0,\"msg\":\"success\",\"data\":{\"list\":[{\"id\":-7,"
                                     "\"name\":\"小\\\"明\\n\",\"url\":null,\"read\":false},"
                                     "{\"user_id\":1,\"nickname\":\"x\",\"is_vip\":false},"
                                     "{\"inner\":{\"a\":[1,2]}}],\"has_more\":true}}"),
                         RenderReply(Reply::Ok(data)));
    // Close() closes whatever is still open.
    JsonWriter open;
    open.Array("a").Object().Int("b", 1);
    CPPUNIT_ASSERT_EQUAL(std::string("{\"a\":[{\"b\":1}]}"), open.Close());
  }

  // PageReply: the shown rows, has_next from the one row more, members before the list,
  // a row left out, and a refusal that becomes the reply.
  void testPageReply() {
    struct FakePage {
      size_t count;
      size_t Shown(size_t rows) const { return std::min(rows, count); }
      bool HasNext(size_t rows) const { return rows > count; }
    };
    const std::vector<int> rows = {1, 2, 3};
    auto item = [](int r, JsonWriter& list) {
      if (r == 2) return Status::Ok();  // gone
      list.Object().Int("n", r).End();
      return Status::Ok();
    };
    JsonWriter before;
    before.Int("total", 9);
    CPPUNIT_ASSERT_EQUAL(std::string("{\"total\":9,\"list\":[{\"n\":1}],\"has_next\":true}"),
                         PageReply(FakePage{2}, rows, item, std::move(before)).data);
    CPPUNIT_ASSERT_EQUAL(std::string("{\"list\":[{\"n\":1},{\"n\":3}],\"has_next\":false}"),
                         PageReply(FakePage{3}, rows, item).data);
    Reply refused = PageReply(FakePage{3}, rows, [](int, JsonWriter&) { return Status::Error(kNoUser); });
    CPPUNIT_ASSERT_EQUAL(int{kNoUser}, refused.status.code());
    CPPUNIT_ASSERT(refused.data.empty());
  }

  void testParseMoney() {
    const struct {
      const char* text;
      bool ok;
      int64_t cents;
    } cases[] = {
        {"30.00", true, 3000}, {"30", true, 3000},   {"30.5", true, 3050}, {"0.01", true, 1},
        {"258.00", true, 25800}, {"30.001", false, 0}, {"-1", false, 0},   {"1e3", false, 0},
        {"", false, 0},        {".5", false, 0},     {"5.", false, 0},    {"3O", false, 0},
        {"1234567890", false, 0},
    };
    for (const auto& c : cases) {
      int64_t cents = -1;
      CPPUNIT_ASSERT_EQUAL_MESSAGE(c.text, c.ok, ParseMoney(c.text, &cents));
      if (c.ok) CPPUNIT_ASSERT_EQUAL_MESSAGE(c.text, c.cents, cents);
    }
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(JsonTest, "unit");

}  // namespace dt
