// The word list through the routes (config/words.txt in the test config, [moderation]
// message_words = mask): a nickname of it refused, a message masked where it is stored,
// a report kept and every match counted.
#include <cppunit/extensions/HelperMacros.h>

#include "tests/http/http_support.h"

namespace dt {
namespace {

long long Hits(const char* kind) {
  RedisReply reply;
  CheckDb(TestStack::Get().redis().Command(&reply, "HGET dt:words:hits %s", kind));
  return reply.IsString() ? std::stoll(std::string(reply.Str())) : 0;
}

}  // namespace

class WordsHttpTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(WordsHttpTest);
  CPPUNIT_TEST(testNicknameOfTheListIsRefused);
  CPPUNIT_TEST(testMessageIsMaskedWhereItIsStored);
  CPPUNIT_TEST(testReportIsKeptAndCounted);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testNicknameOfTheListIsRefused() {
    Caller me = Login(NewPhone());
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/update", {{"nickname", "小明"}}, me).code());
    const long long before = Hits("nickname");
    for (const char* bad : {"ｆｕｃｋ", "F.u.C.k boy", "加 微 信 abc"}) {
      Response r = Call("POST", "/api/user/update", {{"nickname", bad}, {"height", "180"}}, me);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 505, r.code());
      CPPUNIT_ASSERT(r.msg().find("nickname") != std::string::npos);
    }
    CPPUNIT_ASSERT_EQUAL(before + 3, Hits("nickname"));
    Response show = Call("GET", "/api/user/show", {{"peerId", std::to_string(me.user_id)}}, me);
    CPPUNIT_ASSERT_EQUAL(std::string("小明"), show.data()["nickname"].asString());
    CPPUNIT_ASSERT(show.data()["height"].isNull());  // nothing of the refused update stored
  }

  void testMessageIsMaskedWhereItIsStored() {
    Caller a = Login(NewPhone()), b = Login(NewPhone());
    const long long before = Hits("message");
    Response r = Call("POST", "/api/message/send", {{"peerId", std::to_string(b.user_id)}, {"msgType", "text"},
                                                     {"content", "hi, W.e.C.h.a.t me: abc123"}}, a);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
    const int64_t id = r.data()["message_id"].asInt64();
    Row row;
    bool found = false;
    CheckDb(TestStack::Get().db().QueryRow("SELECT content FROM message WHERE id = ?", {id}, &row, &found));
    CPPUNIT_ASSERT(found);
    CPPUNIT_ASSERT_EQUAL("hi, " + std::string(14, '*') + ": abc123", row.Str(0));  // "W.e.C.h.a.t me"
    r = Call("GET", "/api/message/list", {{"peerId", std::to_string(a.user_id)}}, b);
    CPPUNIT_ASSERT_EQUAL(row.Str(0), r.data()["list"][0]["content"].asString());
    CPPUNIT_ASSERT_EQUAL(before + 1, Hits("message"));
    // Innocent words pass as they are.
    r = Call("POST", "/api/message/send", {{"peerId", std::to_string(b.user_id)}, {"msgType", "text"},
                                            {"content", "周末一起去看电影吧"}}, a);
    CheckDb(TestStack::Get().db().QueryRow("SELECT content FROM message WHERE id = ?",
                                           {r.data()["message_id"].asInt64()}, &row, &found));
    CPPUNIT_ASSERT_EQUAL(std::string("周末一起去看电影吧"), row.Str(0));
  }

  void testReportIsKeptAndCounted() {
    Caller a = Login(NewPhone()), b = Login(NewPhone());
    const long long before = Hits("report");
    Response r = Call("POST", "/api/user/report", {{"peerId", std::to_string(b.user_id)}, {"reason", "spam"},
                                                    {"detail", "asked me to 加微信 and to send money"}}, a);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
    CPPUNIT_ASSERT_EQUAL(before + 2, Hits("report"));
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, Count("SELECT COUNT(*) FROM user_report WHERE reporter_id = ? AND detail = ?",
                                           {a.user_id, std::string("asked me to 加微信 and to send money")}));
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(WordsHttpTest, "http");

}  // namespace dt
