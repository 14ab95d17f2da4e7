// The code reads one way (STYLE.md): every file of lib/, handlers/ and tools/ is as
// clang-format writes it with the repository's .clang-format (Debian's clang-format,
// installed by make deps). Run `scripts/format.sh` to format them.
#include <cppunit/extensions/HelperMacros.h>

#include <cstdio>
#include <string>

namespace dt {

class StyleTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(StyleTest);
  CPPUNIT_TEST(testFormatted);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testFormatted() {
    FILE* p = popen("scripts/format.sh --check 2>&1", "r");
    CPPUNIT_ASSERT(p != nullptr);
    std::string out;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    const int rc = pclose(p);
    CPPUNIT_ASSERT_MESSAGE("not as clang-format writes it (run scripts/format.sh):\n" + out.substr(0, 2000),
                           rc == 0);
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(StyleTest, "unit");

}  // namespace dt
