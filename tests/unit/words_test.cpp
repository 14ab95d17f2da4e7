// The word filter's normalisation and matching (lib/core/words.h), and the list of
// config/words.txt.
#include <cppunit/extensions/HelperMacros.h>

#include <fstream>
#include <sstream>

#include "lib/core/words.h"

namespace dt {

class WordsTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(WordsTest);
  CPPUNIT_TEST(testDisguisesAreFound);
  CPPUNIT_TEST(testInnocentTextIsNot);
  CPPUNIT_TEST(testMaskKeepsTheRest);
  CPPUNIT_TEST(testTheShippedList);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testDisguisesAreFound() {
    const WordFilter f = WordFilter::FromList("# comment\n\nfuck\n加微信\nsend money\n");
    CPPUNIT_ASSERT_EQUAL(size_t{3}, f.size());
    for (const char* text : {"fuck", "FuCk", "ｆｕｃｋ", "ＦＵＣＫ", "f.u.c.k", "f u c k", "f-u_c*k", "f\u200Buck",
                             "you fuck!", "加微信", "加 微 信", "加·微·信", "加、微。信", "sendmoney", "Send  Money!",
                             "ｓｅｎｄ　ｍｏｎｅｙ"}) {
      CPPUNIT_ASSERT_EQUAL_MESSAGE(text, 1, f.Count(text));
    }
    CPPUNIT_ASSERT_EQUAL(2, f.Count("fuckfuck"));
    CPPUNIT_ASSERT_EQUAL(2, f.Count("fuck, 加微信"));
  }

  void testInnocentTextIsNot() {
    const WordFilter f = WordFilter::FromList("fuck\n加微信\n");
    for (const char* text : {"", "fork", "fuk", "f", "微信", "加油", "hello there", "\xff\xfe\x80", "f\xe4"}) {
      CPPUNIT_ASSERT_EQUAL_MESSAGE(text, 0, f.Count(text));
    }
    CPPUNIT_ASSERT_EQUAL(0, WordFilter::FromList("").Count("fuck"));
    CPPUNIT_ASSERT_EQUAL(0, WordFilter::FromList("...\n").Count("..."));  // a word of nothing
  }

  void testMaskKeepsTheRest() {
    const WordFilter f = WordFilter::FromList("fuck\n加微信\n");
    int n = 0;
    CPPUNIT_ASSERT_EQUAL(std::string("you *******!"), f.Mask("you f.u.c.k!", &n));
    CPPUNIT_ASSERT_EQUAL(1, n);
    CPPUNIT_ASSERT_EQUAL(std::string("你好****你好 ***吧"), f.Mask("你好ｆｕｃｋ你好 加微信吧", &n));
    CPPUNIT_ASSERT_EQUAL(2, n);
    CPPUNIT_ASSERT_EQUAL(std::string("nothing here"), f.Mask("nothing here", &n));
    CPPUNIT_ASSERT_EQUAL(0, n);
  }

  void testTheShippedList() {
    std::ifstream in("config/words.txt");
    std::stringstream text;
    text << in.rdbuf();
    const WordFilter f = WordFilter::FromList(text.str());
    CPPUNIT_ASSERT(f.size() >= 10);
    CPPUNIT_ASSERT_EQUAL(1, f.Count("WeChat-me: abc123"));
    CPPUNIT_ASSERT_EQUAL(1, f.Count("先加我微信"));
    CPPUNIT_ASSERT_EQUAL(0, f.Count("我们周末去看电影吧"));
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(WordsTest, "unit");

}  // namespace dt
