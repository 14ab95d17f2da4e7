// The shape of the code, checked: every file of lib/, handlers/ and tools/ is as
// clang-format writes it with the repository's .clang-format (Debian's clang-format,
// installed by make deps; `scripts/format.sh` formats them), and no layer of lib/ uses
// one above it (scripts/layers.sh, over the archives of the build under test).
#include <cppunit/extensions/HelperMacros.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace dt {

class StyleTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(StyleTest);
  CPPUNIT_TEST(testFormatted);
  CPPUNIT_TEST(testLayers);
  CPPUNIT_TEST_SUITE_END();

  // What `command` printed (stderr too) and whether it exited 0.
  static bool Run(const std::string& command, std::string* out) {
    FILE* p = popen((command + " 2>&1").c_str(), "r");
    if (!p) return false;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out->append(buf, n);
    return pclose(p) == 0;
  }

 public:
  void testLayers() {
    const char* worker = getenv("WORKER");  // make test: build/asan/datingtoday or build/...
    std::string build = worker ? std::string(worker) : "build/datingtoday";
    build = build.substr(0, build.rfind('/'));
    std::string out;
    CPPUNIT_ASSERT_MESSAGE(out, Run("scripts/layers.sh " + build, &out));
  }

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
