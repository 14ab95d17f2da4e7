// make test runs make cluster-test's scenario too (it needs root, for the network
// namespaces; CI runs as root): scripts/cluster.sh with the build under test, and its
// verdict (ClusterTest in cluster_test.cpp) must be a pass. Its output is kept in
// var/test/log/cluster.log.
#include <cppunit/extensions/HelperMacros.h>
#include <unistd.h>

#include <cstdio>

#include "tests/http/http_support.h"

namespace dt {

class ClusterRunTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ClusterRunTest);
  CPPUNIT_TEST(testClusterScenario);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testClusterScenario() {
    if (geteuid() != 0) {
      printf("     (skipped: make cluster-test needs root for its network namespaces)\n");
      return;
    }
    char self[4096];
    const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    CPPUNIT_ASSERT(n > 0);
    self[n] = '\0';
    const std::string log = TestStack::Get().VarPath("log/cluster.log");
    const char* worker = getenv("WORKER");
    const std::string out = RunCommand("TESTS=" + std::string(self) + " WORKER=" + (worker ? worker : "build/datingtoday") +
                                       " scripts/cluster.sh run > " + log + " 2>&1; echo exit=$?");
    const std::string report = ReadBinary(log);
    CPPUNIT_ASSERT_MESSAGE(report.substr(report.size() > 3000 ? report.size() - 3000 : 0),
                           out.find("exit=0") != std::string::npos &&
                               report.find("2 passed, 0 failed") != std::string::npos);
    // The live events' line and the phases' table, in the suite's output.
    const size_t events = report.find("     live events:");
    if (events != std::string::npos) printf("%s", report.substr(events, report.find('\n', events) - events + 1).c_str());
    const size_t table = report.find("     phase");
    if (table != std::string::npos) printf("%s", report.substr(table, report.find("\n\n", table) - table + 1).c_str());
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(ClusterRunTest, "stack");

}  // namespace dt
