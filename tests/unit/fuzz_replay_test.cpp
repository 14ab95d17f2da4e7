// Replays every committed fuzz input (tests/fuzz/seeds/<target>/ and the regression
// inputs of crashes found and fixed, tests/fuzz/regressions/<target>/) through the fuzz
// targets, in the ordinary build: a fixed crash stays fixed.
#include <cppunit/extensions/HelperMacros.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "tests/fuzz/targets.h"

namespace dt {

class FuzzReplayTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(FuzzReplayTest);
  CPPUNIT_TEST(testReplayCommittedInputs);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testReplayCommittedInputs() {
    namespace fs = std::filesystem;
    const struct {
      const char* name;
      int (*target)(const uint8_t*, size_t);
    } targets[] = {{"params", FuzzParams}, {"sign", FuzzSign}, {"config", FuzzConfig}, {"media", FuzzMedia},
                   {"alipay", FuzzAlipay}, {"wechat", FuzzWechat},
                   {"appstore", FuzzAppstore}};
    size_t replayed = 0;
    for (const auto& t : targets) {
      for (const char* kind : {"seeds", "regressions"}) {
        const fs::path dir = fs::path("tests/fuzz") / kind / t.name;
        if (!fs::exists(dir)) continue;
        for (const auto& entry : fs::directory_iterator(dir)) {
          std::ifstream in(entry.path(), std::ios::binary);
          const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
          t.target(reinterpret_cast<const uint8_t*>(data.data()), data.size());
          ++replayed;
        }
      }
    }
    CPPUNIT_ASSERT(replayed >= 8);  // the seeds are there
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(FuzzReplayTest, "unit");

}  // namespace dt
