// UTF-8 validation, table-driven.
#include <cppunit/extensions/HelperMacros.h>

#include "lib/core/utf8.h"

namespace dt {

class Utf8Test : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(Utf8Test);
  CPPUNIT_TEST(testValidity);
  CPPUNIT_TEST(testLengthAndControls);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testValidity() {
    struct {
      std::string s;
      bool valid;
    } cases[] = {
        {"", true},
        {"plain ascii", true},
        {"小明💕", true},
        {"\xC2\x80", true},
        {"\xEF\xBF\xBF", true},
        {"\xF4\x8F\xBF\xBF", true},   // U+10FFFF
        {"\x80", false},              // lone continuation
        {"\xC0\xAF", false},          // overlong '/'
        {"\xC1\xBF", false},
        {"\xE0\x80\xAF", false},      // overlong
        {"\xED\xA0\x80", false},      // surrogate
        {"\xF4\x90\x80\x80", false},  // above U+10FFFF
        {"\xF5\x80\x80\x80", false},
        {"\xE5\xB0", false},          // truncated
        {"abc\xF0\x9F\x92", false},   // truncated emoji
        {"\xFF", false},
    };
    for (const auto& c : cases) {
      CPPUNIT_ASSERT_EQUAL_MESSAGE(c.s, c.valid, IsValidUtf8(c.s));
    }
  }

  void testLengthAndControls() {
    CPPUNIT_ASSERT_EQUAL(size_t{3}, Utf8Length("小明💕"));
    CPPUNIT_ASSERT_EQUAL(size_t{0}, Utf8Length(""));
    CPPUNIT_ASSERT(HasControlChars("a\nb"));
    CPPUNIT_ASSERT(HasControlChars(std::string("a\0b", 3)));
    CPPUNIT_ASSERT(HasControlChars("a\x7f"));
    CPPUNIT_ASSERT(!HasControlChars("小明 ok"));
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(Utf8Test, "unit");

}  // namespace dt
