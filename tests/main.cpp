// The test runner: the unit suites, then (when DT_TEST_URL names a running test stack)
// the black-box HTTP suites, then the check of the workers' log for sanitizer reports.
// Prints one line per test and ends with "N passed, N failed"; exit status 1 on failure.
//   dt_tests [--unit] [name-substring]
#include <cppunit/Exception.h>
#include <cppunit/SourceLine.h>
#include <cppunit/Test.h>
#include <cppunit/TestSuite.h>
#include <cppunit/TestFailure.h>
#include <cppunit/TestListener.h>
#include <cppunit/TestResult.h>
#include <cppunit/extensions/TestFactoryRegistry.h>
#include <cppunit/ui/text/TestRunner.h>
#include <curl/curl.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace {

class LineListener : public CppUnit::TestListener {
 public:
  void startTest(CppUnit::Test*) override { failed_ = false; }
  void addFailure(const CppUnit::TestFailure& failure) override {
    failed_ = true;
    const CppUnit::SourceLine& where = failure.sourceLine();
    std::string message = failure.thrownException()->message().details();
    std::string shortDesc = failure.thrownException()->message().shortDescription();
    printf("FAIL %s (%s:%d)\n     %s %s\n", failure.failedTestName().c_str(),
           where.fileName().c_str(), where.lineNumber(), shortDesc.c_str(), message.c_str());
  }
  void endTest(CppUnit::Test* test) override {
    if (failed_) {
      ++failed_count_;
    } else {
      ++passed_count_;
      printf("ok   %s\n", test->getName().c_str());
    }
    fflush(stdout);
  }
  int passed() const { return passed_count_; }
  int failed() const { return failed_count_; }

 private:
  bool failed_ = false;
  int passed_count_ = 0;
  int failed_count_ = 0;
};

// Collects the leaf tests of `test` whose names contain `filter` (owned by `test`).
void CollectMatching(CppUnit::Test* test, const std::string& filter,
                     std::vector<CppUnit::Test*>* out) {
  if (test->getChildTestCount() == 0) {
    if (filter.empty() || test->getName().find(filter) != std::string::npos) out->push_back(test);
    return;
  }
  for (int i = 0; i < test->getChildTestCount(); ++i) {
    CollectMatching(test->getChildTestAt(i), filter, out);
  }
}

}  // namespace

int main(int argc, char** argv) {
  bool unit_only = !getenv("DT_TEST_URL");
  bool cluster = false;  // make cluster-test (scripts/cluster.sh): only the cluster test
  std::string filter;
  for (int i = 1; i < argc; ++i) {
    if (!strcmp(argv[i], "--unit")) {
      unit_only = true;
    } else if (!strcmp(argv[i], "--cluster")) {
      cluster = true;
    } else {
      filter = argv[i];
    }
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);

  std::vector<const char*> registries = {"unit"};
  if (!unit_only) registries = {"unit", "http", "stack", "final"};
  if (cluster) registries = {"cluster"};
  std::vector<std::unique_ptr<CppUnit::Test>> trees;
  std::vector<CppUnit::Test*> tests;
  for (const char* name : registries) {
    trees.emplace_back(CppUnit::TestFactoryRegistry::getRegistry(name).makeTest());
    CollectMatching(trees.back().get(), filter, &tests);
  }
  if (unit_only) printf("(unit tests only: DT_TEST_URL is not set; `make test` runs them all)\n");

  CppUnit::TestResult result;
  LineListener listener;
  result.addListener(&listener);
  for (CppUnit::Test* test : tests) test->run(&result);
  curl_global_cleanup();
  printf("%d passed, %d failed\n", listener.passed(), listener.failed());
  return listener.failed() == 0 ? 0 : 1;
}
