// DecodeHidden (lib/domain/visibility.h): the cached hidden set read back per scope and time.
#include <cppunit/extensions/HelperMacros.h>

#include "lib/domain/visibility.h"

namespace dt {

class HiddenTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(HiddenTest);
  CPPUNIT_TEST(testScopesAndExpiry);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testScopesAndExpiry() {
    const int64_t now = 1000;
    const struct {
      const char* value;
      HiddenScope scope;
      std::vector<int64_t> ids;
    } cases[] = {
        {"", HiddenScope::kListings, {}},
        {"7", HiddenScope::kListings, {7}},
        {"9,3,5", HiddenScope::kListings, {3, 5, 9}},                 // sorted
        {"9,4:2000,3", HiddenScope::kListings, {3, 9}},               // a pass hides from hot only
        {"9,4:2000,3", HiddenScope::kHotList, {3, 4, 9}},
        {"4:1000,5:999,6:1001", HiddenScope::kHotList, {6}},          // expired passes are gone
        {"12,12", HiddenScope::kListings, {12, 12}},                  // a block both ways
    };
    for (const auto& c : cases) {
      HiddenSet set;
      set.ids = {42};  // replaced, not appended to
      DecodeHidden(c.value, c.scope, now, &set);
      CPPUNIT_ASSERT_MESSAGE(c.value, set.ids == c.ids);
      for (int64_t id : c.ids) CPPUNIT_ASSERT(set.Contains(id));
      CPPUNIT_ASSERT(!set.Contains(42));
    }
    HiddenSet set;
    DecodeHidden("3,5", HiddenScope::kListings, now, &set);
    CPPUNIT_ASSERT_EQUAL(std::string("[3,5]"), set.json());
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(HiddenTest, "unit");

}  // namespace dt
