// Health and faults of the real stack: Redis and MariaDB stopped and started under the
// running workers, the workers stopped (nginx answers in JSON) and one killed (supervisord
// restarts it). Runs after the other HTTP suites, since it stops parts of the stack.
#include <cppunit/extensions/HelperMacros.h>
#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "tests/http/http_support.h"

namespace dt {

class StackHttpTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(StackHttpTest);
  CPPUNIT_TEST(testHealthOk);
  CPPUNIT_TEST(testRedisRestartIsSurvived);
  CPPUNIT_TEST(testMysqlRestartIsSurvived);
  CPPUNIT_TEST(testWorkersDownStillJson);
  CPPUNIT_TEST(testKilledWorkerIsRestarted);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testHealthOk() {
    Response r = Raw("GET", "/api/health");
    CPPUNIT_ASSERT_EQUAL(200L, r.status);
    CPPUNIT_ASSERT_EQUAL(std::string("{\"code\":0,\"msg\":\"success\",\"data\":{\"mysql\":\"ok\",\"redis\":\"ok\"}}"),
                         r.body);
    CPPUNIT_ASSERT_EQUAL(std::string("no-store"), r.headers["cache-control"]);
  }

  void testRedisRestartIsSurvived() {
    TestStack& stack = TestStack::Get();
    Caller user = Login(NewPhone());
    CPPUNIT_ASSERT(stack.Supervisorctl("stop redis"));
    Response health = Raw("GET", "/api/health");
    CPPUNIT_ASSERT_EQUAL(503L, health.status);
    CPPUNIT_ASSERT_EQUAL(901, health.code());
    CPPUNIT_ASSERT_EQUAL(std::string("ok"), health.data()["mysql"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("down"), health.data()["redis"].asString());
    // Signed routes fail closed: no nonce can be recorded.
    Response sms = Call("POST", "/api/auth/sendsms", {{"phone", NewPhone()}});
    CPPUNIT_ASSERT_EQUAL(503L, sms.status);
    CPPUNIT_ASSERT_EQUAL(901, sms.code());
    CPPUNIT_ASSERT_EQUAL(901, Call("POST", "/api/auth/logout", {}, user).code());

    CPPUNIT_ASSERT(stack.Supervisorctl("start redis"));
    CPPUNIT_ASSERT(stack.WaitHealthy(20));
    // Back to normal: the session is rebuilt from MySQL, new logins work.
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/auth/logout", {}, user).code());
    Caller again = Login(NewPhone());
    CPPUNIT_ASSERT(again.user_id > user.user_id);
  }

  void testMysqlRestartIsSurvived() {
    TestStack& stack = TestStack::Get();
    std::string phone = NewPhone();
    std::string code = RequestCode(phone);
    CPPUNIT_ASSERT(stack.Supervisorctl("stop mariadb"));
    Response health = Raw("GET", "/api/health");
    CPPUNIT_ASSERT_EQUAL(503L, health.status);
    CPPUNIT_ASSERT_EQUAL(std::string("down"), health.data()["mysql"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("ok"), health.data()["redis"].asString());
    Response login = Call("POST", "/api/auth/login", {{"phone", phone}, {"code", code}});
    CPPUNIT_ASSERT_EQUAL(503L, login.status);
    CPPUNIT_ASSERT_EQUAL(901, login.code());

    CPPUNIT_ASSERT(stack.Supervisorctl("start mariadb"));
    CPPUNIT_ASSERT(stack.WaitHealthy(60));
    AllowNextSms(phone);
    Caller user = Login(phone);  // registers now: the failed attempt left nothing behind
    Row row;
    bool found = false;
    CheckDb(stack.db().QueryRow("SELECT COUNT(*) FROM user_info WHERE phone = ?", {phone}, &row, &found));
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, row.Int(0));
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/auth/logout", {}, user).code());
  }

  void testWorkersDownStillJson() {
    TestStack& stack = TestStack::Get();
    CPPUNIT_ASSERT(stack.Supervisorctl("stop worker:*"));
    Response r = Raw("GET", "/api/health");
    CPPUNIT_ASSERT_EQUAL(502L, r.status);
    CPPUNIT_ASSERT(r.is_json);
    CPPUNIT_ASSERT_EQUAL(901, r.code());
    CPPUNIT_ASSERT(stack.Supervisorctl("start worker:*"));
    CPPUNIT_ASSERT(stack.WaitHealthy(20));
  }

  void testKilledWorkerIsRestarted() {
    TestStack& stack = TestStack::Get();
    int pid = TestStack::Get().Pid("worker:worker_00");
    CPPUNIT_ASSERT(pid > 0);
    CPPUNIT_ASSERT_EQUAL(0, kill(pid, SIGKILL));
    int restarted = 0;
    for (int i = 0; i < 100 && (restarted == 0 || restarted == pid); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      restarted = TestStack::Get().Pid("worker:worker_00");
    }
    CPPUNIT_ASSERT(restarted > 0 && restarted != pid);
    CPPUNIT_ASSERT(stack.WaitHealthy(20));
    for (int i = 0; i < 20; ++i) CPPUNIT_ASSERT_EQUAL(200L, Raw("GET", "/api/health").status);
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(StackHttpTest, "stack");

}  // namespace dt
