// The reply writer (escaping, money, numbers, envelope, text-built objects and arrays)
// and money parsing.
#include <cppunit/extensions/HelperMacros.h>

#include "lib/core/args.h"
#include "lib/core/reply.h"

namespace dt {

class JsonTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(JsonTest);
  CPPUNIT_TEST(testEscaping);
  CPPUNIT_TEST(testNumbersAndMoney);
  CPPUNIT_TEST(testEnvelope);
  CPPUNIT_TEST(testBuiltObjectsAndArrays);
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
    for (const auto& c : cases) CPPUNIT_ASSERT_EQUAL(c.out, RenderJson(Json::Value(c.in)));
  }

  void testNumbersAndMoney() {
    Json::Value v(Json::objectValue);
    v["b"] = 1.1;
    v["a"] = static_cast<Json::Int64>(-5);
    v["fee"] = Money(3000);
    v["odd"] = Money(1);
    v["big"] = Money(99999999999);
    v["t"] = true;
    v["n"] = Json::Value();
    v["arr"] = Json::Value(Json::arrayValue);
    v["arr"].append(0.5);
    CPPUNIT_ASSERT_EQUAL(std::string("{\"a\":-5,\"arr\":[0.5],\"b\":1.1,\"big\":999999999.99,"
                                     "\"fee\":30.00,\"n\":null,\"odd\":0.01,\"t\":true}"),
                         RenderJson(v));
  }

  void testEnvelope() {
    Json::Value data(Json::objectValue);
    data["x"] = 1;
    CPPUNIT_ASSERT_EQUAL(std::string("{\"code\":0,\"msg\":\"success\",\"data\":{\"x\":1}}"),
                         RenderReply(Reply::Ok(data)));
    CPPUNIT_ASSERT_EQUAL(std::string("{\"code\":300,\"msg\":\"phone is \\\"none\\\".\"}"),
                         RenderReply(Status::Error(300, "phone is \"none\".")));
    CPPUNIT_ASSERT_EQUAL(std::string("{\"code\":404,\"msg\":\"no such api.\"}"),
                         RenderReply(Status::Error(kNoRoute)));
  }

  void testBuiltObjectsAndArrays() {
    JsonArray empty;
    CPPUNIT_ASSERT_EQUAL(size_t{0}, empty.size());
    CPPUNIT_ASSERT_EQUAL(std::string("[]"), RenderJson(empty.Close()));
    JsonArray list;
    JsonObject first;
    first.Int("id", -7).Str("name", "小\"明\n").Null("url").Bool("read", false);
    list.Add(first.Close());
    list.Add(JsonObject().Int("id", 2).Close());
    CPPUNIT_ASSERT_EQUAL(size_t{2}, list.size());
    Json::Value data(Json::objectValue);
    data["list"] = list.Close();
    data["has_more"] = true;
    CPPUNIT_ASSERT_EQUAL(std::string("{\"code\":0,\"msg\":\"success\",\"data\":{\"has_more\":true,"
                                     "\"list\":[{\"id\":-7,\"name\":\"小\\\"明\\n\",\"url\":null,"
                                     "\"read\":false},{\"id\":2}]}}"),
                         RenderReply(Reply::Ok(data)));
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
