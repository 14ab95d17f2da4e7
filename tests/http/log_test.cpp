// Last of all: what the run left in the logs. No token or SMS code handed out during the
// run may appear in the request log or nginx's access log, and the workers' log must hold
// no sanitizer report (it matters for `make test ASAN=1`).
#include <cppunit/extensions/HelperMacros.h>
#include <unistd.h>

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
  CPPUNIT_TEST(testRequestIdInBothLogs);
  CPPUNIT_TEST(testClientTextCannotForgeLines);
  CPPUNIT_TEST(testLegacyAppsWarnedAtStart);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testLogsHoldNoSecrets() {
    TestStack& stack = TestStack::Get();
    // Secrets of its own, so that the test checks something when it runs alone (T=LogTest):
    // a login (a code and a token), then a signed request whose line both logs must hold.
    Caller me = Login(NewPhone());
    const std::string id = Call("GET", "/api/user/show", {}, me).headers["x-request-id"];
    std::string worker, access;
    for (int i = 0; i < 40; ++i) {  // both logs are written in batches (nginx: 1 s)
      worker = ReadBinary(stack.VarPath("log/worker.log"));
      access = ReadBinary(stack.VarPath("log/nginx-access.log"));
      if (worker.find("rid=" + id) != std::string::npos && access.find(id) != std::string::npos) break;
      usleep(100 * 1000);
    }
    CPPUNIT_ASSERT(worker.find("rid=" + id) != std::string::npos);
    CPPUNIT_ASSERT(access.find(id) != std::string::npos);
    CPPUNIT_ASSERT(stack.secrets_seen.size() >= 2);
    for (const std::string& secret : stack.secrets_seen) {
      if (secret.size() < 6) continue;
      // SMS codes are 6 digits: look for them as words, not as parts of ids or numbers.
      CPPUNIT_ASSERT_MESSAGE("worker log holds " + secret, !HoldsWord(worker, secret));
      CPPUNIT_ASSERT_MESSAGE("access log holds " + secret, !HoldsWord(access, secret));
    }
    CPPUNIT_ASSERT(access.find("sign=") == std::string::npos);
  }

  // The id a client sees in X-Request-Id finds the request's lines in nginx's access log
  // and in the workers' log (both are written in batches: wait for them).
  void testRequestIdInBothLogs() {
    TestStack& stack = TestStack::Get();
    const std::string id = Raw("GET", "/api/no/such/route").headers["x-request-id"];
    CPPUNIT_ASSERT_EQUAL(size_t{32}, id.size());
    bool in_worker = false, in_nginx = false;
    for (int i = 0; i < 40 && !(in_worker && in_nginx); ++i) {
      usleep(100 * 1000);
      in_worker = ReadBinary(stack.VarPath("log/worker.log")).find("rid=" + id) != std::string::npos;
      in_nginx = ReadBinary(stack.VarPath("log/nginx-access.log")).find(id) != std::string::npos;
    }
    CPPUNIT_ASSERT_MESSAGE("worker log", in_worker);
    CPPUNIT_ASSERT_MESSAGE("nginx access log", in_nginx);
  }

  // Found by review (issue 16, item 10): an app kept on its weak secret (legacy = 1, the
  // old service's 432ABZ in the test config) is named at every start.
  void testLegacyAppsWarnedAtStart() {
    const std::string worker = ReadBinary(TestStack::Get().VarPath("log/worker.log"));
    CPPUNIT_ASSERT(worker.find("info warning: [app.432ABZ] legacy = 1: its secret (11 bytes) is weak") != std::string::npos);
    CPPUNIT_ASSERT(worker.find("[app.HM256K] legacy") == std::string::npos);
  }

  void testNoSanitizerReports() {
    const std::string worker = ReadBinary(TestStack::Get().VarPath("log/worker.log"));
    for (const char* marker : {"AddressSanitizer", "LeakSanitizer", "runtime error:"}) {
      CPPUNIT_ASSERT_MESSAGE(marker, worker.find(marker) == std::string::npos);
    }
  }

  // Found by review (issue 16, item 9): a trade_no holding a line break wrote a forged
  // line into worker.log, unsigned. Every value is escaped on its way into a line.
  void testClientTextCannotForgeLines() {
    TestStack& stack = TestStack::Get();
    const std::string forged = "2026-01-01T00Z error FORGED-" + NewNonce().substr(0, 8);  // within %.64s
    Response r = PayNotify("x\n" + forged + "\r\\n", "30.00", "t", 0, "not-the-pay-key-000");
    CPPUNIT_ASSERT_EQUAL(500, r.code());  // refused, and logged
    std::string log;
    for (int i = 0; i < 40 && log.find(forged) == std::string::npos; ++i) {
      usleep(100 * 1000);
      log = ReadBinary(stack.VarPath("log/worker.log"));
    }
    const size_t at = log.find(forged);
    CPPUNIT_ASSERT(at != std::string::npos);
    CPPUNIT_ASSERT(log.compare(at - 5, 5, "x\\x0a") == 0);  // the line break, escaped
    CPPUNIT_ASSERT(log.find("\n" + forged) == std::string::npos);
    CPPUNIT_ASSERT(log.find(forged + "\\x0d\\x5cn") != std::string::npos);
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(LogTest, "final");

}  // namespace dt
