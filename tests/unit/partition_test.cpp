// lib/partition.h: a conversation has one shard whichever side asks, within range, the
// lower id's; users spread evenly over the shards.
#include <cppunit/extensions/HelperMacros.h>

#include <vector>

#include "lib/partition.h"

namespace dt {

class PartitionTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PartitionTest);
  CPPUNIT_TEST(testOneShardIsZero);
  CPPUNIT_TEST(testBothSidesAgree);
  CPPUNIT_TEST(testSpreadsEvenly);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testOneShardIsZero() {
    CPPUNIT_ASSERT_EQUAL(0, ConversationShard(7, 12345, 1));
    CPPUNIT_ASSERT_EQUAL(0, UserShard(99, 0));
  }

  void testBothSidesAgree() {
    for (int64_t a = 1; a < 200; ++a) {
      for (int64_t b = 1; b < 200; b += 7) {
        const int s = ConversationShard(a, b, 16);
        CPPUNIT_ASSERT_EQUAL(s, ConversationShard(b, a, 16));
        CPPUNIT_ASSERT(s >= 0 && s < 16);
        CPPUNIT_ASSERT_EQUAL(UserShard(a < b ? a : b, 16), s);  // the lower id's shard
      }
    }
  }

  void testSpreadsEvenly() {
    std::vector<int> per(10, 0);
    for (int64_t u = 1; u <= 100000; ++u) per[UserShard(u, 10)]++;
    for (int n : per) CPPUNIT_ASSERT_EQUAL(10000, n);
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(PartitionTest, "unit");

}  // namespace dt
