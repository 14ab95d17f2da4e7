// The Lua scripts' arithmetic against the test stack's real Redis, on keys of their own:
// the hot ranking's paging with members left out (every offset, count and excluded set
// over a small ranking, against the obvious computation), and the rate limits.
#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <random>

#include "lib/domain/hot.h"
#include "lib/domain/ratelimit.h"
#include "tests/http/http_support.h"

namespace dt {

class RedisScriptsTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(RedisScriptsTest);
  CPPUNIT_TEST(testRankingPageLeavesOutExactly);
  CPPUNIT_TEST(testRateLimitCountsOnlyWhatPasses);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testRankingPageLeavesOutExactly() {
    Redis& redis = TestStack::Get().redis();
    const std::string key = "dt:test:ranking:" + NewNonce();
    RedisReply reply;
    // Users 1..12, scores so that the ranking (highest first) is 12, 11, ..., 1.
    std::vector<int64_t> ranked;
    for (int64_t user = 12; user >= 1; --user) {
      char member[16];
      snprintf(member, sizeof member, "%010lld", static_cast<long long>(user));
      CheckDb(redis.Command(&reply, "ZADD %s %lld %s", key.c_str(), static_cast<long long>(user * 10), member));
      ranked.push_back(user);
    }
    std::mt19937 random(7);
    int checked = 0;
    for (int round = 0; round < 300; ++round) {
      std::vector<int64_t> excluded;
      for (int i = static_cast<int>(random() % 5); i > 0; --i) excluded.push_back(1 + random() % 14);  // 13, 14: unranked
      const int64_t offset = random() % 14, count = random() % 6;
      std::vector<int64_t> expected;
      for (int64_t user : ranked) {
        if (std::find(excluded.begin(), excluded.end(), user) == excluded.end()) expected.push_back(user);
      }
      const int64_t expected_total = static_cast<int64_t>(expected.size());
      expected.erase(expected.begin(), expected.begin() + std::min<size_t>(offset, expected.size()));
      if (expected.size() > static_cast<size_t>(count)) expected.resize(count);
      std::vector<int64_t> ids;
      int64_t total = -1;
      CheckDb(RankingPage(redis, key, excluded, offset, count, &ids, &total));
      CPPUNIT_ASSERT_EQUAL(expected_total, total);
      CPPUNIT_ASSERT_MESSAGE("offset " + std::to_string(offset) + " count " + std::to_string(count), ids == expected);
      ++checked;
    }
    CheckDb(redis.Command(&reply, "DEL %s", key.c_str()));
    CPPUNIT_ASSERT_EQUAL(300, checked);
  }

  void testRateLimitCountsOnlyWhatPasses() {
    Redis& redis = TestStack::Get().redis();
    const std::string a = "dt:test:rl:a:" + NewNonce(), b = "dt:test:rl:b:" + NewNonce();
    const std::vector<RateRule> rules = {{a, 3, 60}, {b, 5, 30}};
    for (int i = 0; i < 3; ++i) CheckDb(RateLimitHit(redis, rules));
    Status refused = RateLimitHit(redis, rules);  // a is exhausted: nothing counts
    CPPUNIT_ASSERT_EQUAL(int{kTooMany}, refused.code());
    const int64_t retry = refused.retry_after();
    CPPUNIT_ASSERT(retry >= 59 && retry <= 60);
    CPPUNIT_ASSERT_EQUAL("{\"retry_after\":" + std::to_string(retry) + "}", refused.detail());
    RedisReply reply;
    CheckDb(redis.Command(&reply, "GET %s", b.c_str()));
    CPPUNIT_ASSERT_EQUAL(std::string("3"), std::string(reply.Str()));
    CheckDb(redis.Command(&reply, "TTL %s", b.c_str()));
    CPPUNIT_ASSERT(reply.Integer() > 0 && reply.Integer() <= 30);  // the window starts at the first hit
    CheckDb(RateLimitRefund(redis, rules));
    CheckDb(RateLimitHit(redis, rules));  // room again after a refund
    CheckDb(redis.Command(&reply, "DEL %s %s", a.c_str(), b.c_str()));
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(RedisScriptsTest, "http");

}  // namespace dt
