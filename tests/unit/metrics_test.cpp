// The worker's counters (lib/core/metrics.h): a route's requests from several threads
// summed in the snapshot, the histogram cumulative, the text format's families and
// escaping.
#include <cppunit/extensions/HelperMacros.h>

#include <thread>

#include "lib/core/metrics.h"

namespace dt {

class MetricsTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(MetricsTest);
  CPPUNIT_TEST(testRequestsFromThreadsAreSummed);
  CPPUNIT_TEST(testTextFormat);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testRequestsFromThreadsAreSummed() {
    static const char kRoute[] = "/test/metrics-unit";
    std::thread a([] {
      CountRequest(kRoute, 0, 0.003);
      CountRequest(kRoute, 0, 0.0005);
    });
    std::thread b([] { CountRequest(kRoute, 510, 3.0); });
    a.join();
    b.join();
    std::map<std::string, double> s = MetricsSnapshot();
    const std::string labels = "{route=\"/test/metrics-unit\"";
    CPPUNIT_ASSERT_EQUAL(2.0, s["dt_requests_total" + labels + ",code=\"0\"}"]);
    CPPUNIT_ASSERT_EQUAL(1.0, s["dt_requests_total" + labels + ",code=\"510\"}"]);
    CPPUNIT_ASSERT_EQUAL(1.0, s["dt_request_duration_seconds_bucket" + labels + ",le=\"0.001\"}"]);
    CPPUNIT_ASSERT_EQUAL(2.0, s["dt_request_duration_seconds_bucket" + labels + ",le=\"0.005\"}"]);
    CPPUNIT_ASSERT_EQUAL(2.0, s["dt_request_duration_seconds_bucket" + labels + ",le=\"2.5\"}"]);
    CPPUNIT_ASSERT_EQUAL(3.0, s["dt_request_duration_seconds_bucket" + labels + ",le=\"+Inf\"}"]);
    CPPUNIT_ASSERT_EQUAL(3.0, s["dt_request_duration_seconds_count" + labels + "}"]);
    CPPUNIT_ASSERT_DOUBLES_EQUAL(3.0035, s["dt_request_duration_seconds_sum" + labels + "}"], 1e-9);
    // Counted again later: cumulative.
    CountRequest(kRoute, 0, 0.02);
    CPPUNIT_ASSERT_EQUAL(3.0, MetricsSnapshot()["dt_requests_total" + labels + ",code=\"0\"}"]);
  }

  void testTextFormat() {
    const std::string text = RenderMetrics({
        {"dt_requests_total{route=\"/a\",code=\"0\"}", 5},
        {"dt_request_duration_seconds_bucket{route=\"/a\",le=\"+Inf\"}", 5},
        {"dt_request_duration_seconds_count{route=\"/a\"}", 5},
        {"dt_request_duration_seconds_sum{route=\"/a\"}", 0.25},
        {"dt_worker_processes", 2},
    });
    CPPUNIT_ASSERT_EQUAL(std::string("# TYPE dt_request_duration_seconds histogram\n"
                                     "dt_request_duration_seconds_bucket{route=\"/a\",le=\"+Inf\"} 5\n"
                                     "dt_request_duration_seconds_count{route=\"/a\"} 5\n"
                                     "dt_request_duration_seconds_sum{route=\"/a\"} 0.25\n"
                                     "# TYPE dt_requests_total counter\n"
                                     "dt_requests_total{route=\"/a\",code=\"0\"} 5\n"
                                     "# TYPE dt_worker_processes gauge\n"
                                     "dt_worker_processes 2\n"),
                         text);
    CPPUNIT_ASSERT_EQUAL(std::string("a\\\"b\\\\c\\nd"), MetricLabel("a\"b\\c\nd"));
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(MetricsTest, "unit");

}  // namespace dt
