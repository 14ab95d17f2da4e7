// Last of all: what the run left in the logs. No token or SMS code handed out during the
// run may appear in the request log or nginx's access log, and the workers' log must hold
// no sanitizer report (it matters for `make test ASAN=1`).
#include <cppunit/extensions/HelperMacros.h>


#include "tests/http/http_support.h"

namespace dt {
namespace {

// Whether `text` holds `secret` as a whole word (not inside a longer id or number).
bool HoldsWord(const std::string& text, const std::string& secret) {
  for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 1)) {
    const bool starts = at == 0 || !isalnum(static_cast<unsigned char>(text[at - 1]));
    const size_t end = at + secret.size();
    const bool ends = end == text.size() || !isalnum(static_cast<unsigned char>(text[end]));
    if (starts && ends) return true;
  }
  return false;
}


}  // namespace

class LogTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(LogTest);
  CPPUNIT_TEST(testLogsHoldNoSecrets);
  CPPUNIT_TEST(testNoSanitizerReports);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testLogsHoldNoSecrets() {
    TestStack& stack = TestStack::Get();
    const std::string worker = ReadBinary(stack.VarPath("log/worker.log"));
    const std::string access = ReadBinary(stack.VarPath("log/nginx-access.log"));
    CPPUNIT_ASSERT(worker.find(" access ") != std::string::npos);  // there is a request log
    CPPUNIT_ASSERT(!access.empty());
    for (const std::string& secret : stack.secrets_seen) {
      if (secret.size() < 6) continue;
      // SMS codes are 6 digits: look for them as words, not as parts of ids or numbers.
      CPPUNIT_ASSERT_MESSAGE("worker log holds " + secret, !HoldsWord(worker, secret));
      CPPUNIT_ASSERT_MESSAGE("access log holds " + secret, !HoldsWord(access, secret));
    }
    CPPUNIT_ASSERT(access.find("sign=") == std::string::npos);
  }

  void testNoSanitizerReports() {
    const std::string worker = ReadBinary(TestStack::Get().VarPath("log/worker.log"));
    for (const char* marker : {"AddressSanitizer", "LeakSanitizer", "runtime error:"}) {
      CPPUNIT_ASSERT_MESSAGE(marker, worker.find(marker) == std::string::npos);
    }
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(LogTest, "final");

}  // namespace dt
