// dtcurl (tools/dtcurl.cpp), the README's way to try the API: what it sends passes the
// guard for an md5 app and an hmac-sha256 app, with UTF-8 values, a token, a file; the
// curl command it prints works too; its exit status says how the call went; `login`
// gives a shell the caller's token; `pay` plays the gateway (VipHttpTest); `appstore`
// plays StoreKit and the App Store with the test chain.
#include <cppunit/extensions/HelperMacros.h>

#include <unistd.h>

#include <ctime>

#include "tests/http/http_support.h"

namespace dt {

namespace {

// dtcurl beside the worker under test, with the test config, to the test stack.
std::string DtcurlCommand() { return ToolCommand("dtcurl", "-b " + TestStack::Get().url()); }

// Runs dtcurl with `args`; what it printed, then "exit=<status>".
std::string Dtcurl(const std::string& args) {
  return RunCommand("{ " + DtcurlCommand() + " " + args + "; echo exit=$?; }");
}

bool Has(const std::string& out, const std::string& part) { return out.find(part) != std::string::npos; }

}  // namespace

class DtcurlHttpTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(DtcurlHttpTest);
  CPPUNIT_TEST(testMd5AppWithUtf8);
  CPPUNIT_TEST(testPrintedCommandWorks);
  CPPUNIT_TEST(testHmacAppWithToken);
  CPPUNIT_TEST(testLoginThenTokenRoutes);
  CPPUNIT_TEST(testUploadSignsTheFilesMd5);
  CPPUNIT_TEST(testErrorsAndExitStatus);
  CPPUNIT_TEST(testAppStoreBuyAndNotify);
  CPPUNIT_TEST(testEventsPrintsTheStream);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testMd5AppWithUtf8() {
    const std::string phone = NewPhone();
    const std::string out = Dtcurl("POST /api/auth/sendsms phone=" + phone + " nickname=小明💕 'note=a b&c=d'");
    CPPUNIT_ASSERT_MESSAGE(out, Has(out, "\"code\": 0") && Has(out, phone) && Has(out, "exit=0"));
  }

  void testPrintedCommandWorks() {
    const std::string phone = NewPhone();
    const std::string printed = RunCommand(DtcurlCommand() + " --print POST /api/auth/sendsms phone=" + phone +
                                           " \"note=it's 小明\"");
    CPPUNIT_ASSERT_MESSAGE(printed, printed.compare(0, 5, "curl ") == 0);
    const std::string script = TestStack::Get().VarPath("run/printed.sh");
    const std::string out = RunCommand(DtcurlCommand() + " --print POST /api/auth/sendsms phone=" + NewPhone() +
                                       " \"note=it's 小明\" > " + script + " && sh " + script);
    CPPUNIT_ASSERT_MESSAGE(out, Has(out, "\"code\":0"));
  }

  void testHmacAppWithToken() {
    const Caller user = Login(NewPhone(), "HM256K");
    const std::string as_user = "-k HM256K -u " + std::to_string(user.user_id) + " -t " + user.token;
    std::string out = Dtcurl(as_user + " POST /api/auth/logout");
    CPPUNIT_ASSERT_MESSAGE(out, Has(out, "\"code\": 0") && Has(out, "exit=0"));
    out = Dtcurl(as_user + " POST /api/auth/logout");  // the token is gone
    CPPUNIT_ASSERT_MESSAGE(out, Has(out, "\"code\": 504") && Has(out, "exit=1"));
  }

  void testLoginThenTokenRoutes() {
    const std::string phone = NewPhone();
    const std::string out = RunCommand("eval \"$(" + DtcurlCommand() + " login " + phone + ")\" && " +
                                       DtcurlCommand() + " POST /api/user/update nickname=dtcurl小明 && " +
                                       DtcurlCommand() + " GET /api/user/show; echo exit=$?");
    CPPUNIT_ASSERT_MESSAGE(out, Has(out, "\"nickname\": \"dtcurl小明\"") && Has(out, phone) && Has(out, "exit=0"));
  }

  void testUploadSignsTheFilesMd5() {
    const Caller me = Login(NewPhone());
    const std::string out = Dtcurl("-u " + std::to_string(me.user_id) + " -t " + me.token +
                                   " POST /api/upload kind=image -F file=@tests/data/sample.png");
    CPPUNIT_ASSERT_MESSAGE(out, Has(out, "\"code\": 0") && Has(out, "exit=0"));
    // The stored file is the one sent.
    const size_t at = out.find("\"url\": \"");
    CPPUNIT_ASSERT_MESSAGE(out, at != std::string::npos);
    const size_t from = at + 8, to = out.find('"', from);
    const Response stored = Fetch(out.substr(from, to - from));
    CPPUNIT_ASSERT_EQUAL(200L, stored.status);
    CPPUNIT_ASSERT(stored.body == ReadBinary("tests/data/sample.png"));
  }

  void testErrorsAndExitStatus() {
    std::string out = Dtcurl("-s not-the-secret POST /api/auth/sendsms phone=" + NewPhone());
    CPPUNIT_ASSERT_MESSAGE(out, Has(out, "\"code\": 500") && Has(out, "exit=1"));
    out = Dtcurl("GET");
    CPPUNIT_ASSERT_MESSAGE(out, Has(out, "exit=2"));
    out = Dtcurl("-b http://127.0.0.1:1 GET /api/health");
    CPPUNIT_ASSERT_MESSAGE(out, Has(out, "exit=3"));
  }

  // A purchase minted and verified for the caller; its refund sent as the App Store would.
  void testAppStoreBuyAndNotify() {
    const Caller user = Login(NewPhone());
    const std::string as_user = "-u " + std::to_string(user.user_id) + " -t " + user.token;
    std::string out = Dtcurl(as_user + " appstore buy monthly");
    CPPUNIT_ASSERT_MESSAGE(out, Has(out, "\"code\": 0") && Has(out, "\"is_vip\": true") && Has(out, "exit=0"));
    CPPUNIT_ASSERT(std::llabs(VipDeadline(user.user_id) - (time(nullptr) + 30 * 86400)) < 5);
    const std::string key = "\"transaction_id\": \"";
    const size_t at = out.find(key);
    CPPUNIT_ASSERT(at != std::string::npos);
    const std::string id = out.substr(at + key.size(), out.find('"', at + key.size()) - at - key.size());
    CPPUNIT_ASSERT_MESSAGE(out, id.size() > 10);
    out = Dtcurl("appstore notify REFUND " + id);
    CPPUNIT_ASSERT_MESSAGE(out, Has(out, "HTTP 200") && Has(out, "exit=0"));
    CPPUNIT_ASSERT(VipDeadline(user.user_id) <= time(nullptr) + 1);
    out = Dtcurl("appstore notify TEST 0");
    CPPUNIT_ASSERT_MESSAGE(out, Has(out, "HTTP 200") && Has(out, "exit=0"));
    out = Dtcurl("appstore buy monthly");  // no caller
    CPPUNIT_ASSERT_MESSAGE(out, Has(out, "needs -t TOKEN -u USER") && Has(out, "exit=2"));
    out = Dtcurl("appstore sell");
    CPPUNIT_ASSERT_MESSAGE(out, Has(out, "exit=2"));
  }

  // events streams the caller's live events as EventSource text; a dead token is its JSON.
  void testEventsPrintsTheStream() {
    const Caller me = Login(NewPhone()), peer = Login(NewPhone());
    const std::string as_me = "-u " + std::to_string(me.user_id) + " -t " + me.token;
    const std::string file = TestStack::Get().VarPath("dtcurl-events.out");
    RunCommand("(timeout 8 " + DtcurlCommand() + " " + as_me + " events > " + file + " 2>&1) < /dev/null > /dev/null 2>&1 &");
    for (int i = 0; i < 100 && !Has(ReadBinary(file), ": hi"); ++i) usleep(50000);
    // Held by nchan (its channel counts the subscriber) before anything is sent to it.
    const std::string channel = "curl -s --unix-socket " + TestStack::Get().config().events_publisher.substr(5) +
                                " http://nchan/dt-publish/user/" + std::to_string(me.user_id);
    for (int i = 0; i < 100 && !Has(RunCommand(channel), "active subscribers: 1"); ++i) usleep(50000);
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/message/send",
                                 {{"peerId", std::to_string(me.user_id)}, {"msgType", "text"}, {"content", "to dtcurl"}}, peer)
                                .code());
    for (int i = 0; i < 100 && !Has(ReadBinary(file), "to dtcurl"); ++i) usleep(50000);
    const std::string out = ReadBinary(file);
    CPPUNIT_ASSERT_MESSAGE(out, Has(out, "event: message\n") && Has(out, "\"preview\":\"to dtcurl\""));
    std::string dead = Dtcurl("-u " + std::to_string(me.user_id) + " -t 0000 events");
    CPPUNIT_ASSERT_MESSAGE(dead, Has(dead, "\"code\":504") && Has(dead, "exit=1"));
    CPPUNIT_ASSERT(Has(Dtcurl("events"), "exit=2"));
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(DtcurlHttpTest, "http");

}  // namespace dt
