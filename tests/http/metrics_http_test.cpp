// GET /metrics on the operator address: the workers' counters summed across processes
// (through Redis), in Prometheus' text format; never on the public address; and every
// metric the Grafana dashboard in docs/ names is there.
#include <cppunit/extensions/HelperMacros.h>
#include <json/json.h>

#include <chrono>
#include <ctime>
#include <fstream>
#include <set>
#include <thread>

#include "tests/http/http_support.h"

namespace dt {
namespace {

// The value of one series in a /metrics body, -1 when it is not there.
double Value(const std::string& body, const std::string& series) {
  const size_t at = body.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return strtod(body.c_str() + at + 1 + series.size() + 1, nullptr);
}

std::string Metrics() {
  Response r = Fetch(TestStack::Get().operator_url() + "/metrics");
  CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200L, r.status);
  return r.body;
}

// Waits (up to 10 s: the processes write every 5 s) until `series` reaches `at_least`.
std::string MetricsWhen(const std::string& series, double at_least) {
  std::string body;
  for (int i = 0; i < 50; ++i) {
    body = Metrics();
    if (Value(body, series) >= at_least) return body;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  CPPUNIT_FAIL(series + " did not reach " + std::to_string(at_least) + ":\n" + body.substr(0, 2000));
  return body;
}

}  // namespace

class MetricsHttpTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(MetricsHttpTest);
  CPPUNIT_TEST(testRequestsAreCountedByRouteCodeAndTime);
  CPPUNIT_TEST(testOutsidePartiesOutcomesAreCounted);
  CPPUNIT_TEST(testSilentProcessesLeaveTheSums);
  CPPUNIT_TEST(testOnlyOnTheOperatorAddress);
  CPPUNIT_TEST(testEveryMetricOfTheDashboardExists);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testRequestsAreCountedByRouteCodeAndTime() {
    Caller c = Login(NewPhone());
    Caller wrong = c;
    wrong.token = std::string(32, 'f');
    const int code = Call("GET", "/api/user/show", {}, wrong).code();  // a token refused
    CPPUNIT_ASSERT(code > 0);
    const std::string ok = "dt_requests_total{route=\"/api/user/show\",code=\"0\"}";
    const std::string refused = "dt_requests_total{route=\"/api/user/show\",code=\"" + std::to_string(code) + "\"}";
    const std::string count = "dt_request_duration_seconds_count{route=\"/api/user/show\"}";
    const std::string body = MetricsWhen(refused, 1);
    const double ok_before = std::max(0.0, Value(body, ok)), refused_before = Value(body, refused);
    const double count_before = std::max(0.0, Value(body, count));
    for (int i = 0; i < 3; ++i) CPPUNIT_ASSERT_EQUAL(0, Call("GET", "/api/user/show", {}, c).code());
    CPPUNIT_ASSERT_EQUAL(code, Call("GET", "/api/user/show", {}, wrong).code());
    std::string after = MetricsWhen(refused, refused_before + 1);
    after = MetricsWhen(ok, ok_before + 3);
    CPPUNIT_ASSERT(Value(after, count) >= count_before + 4);
    // The histogram: cumulative buckets, +Inf equal to the count.
    const double inf = Value(after, "dt_request_duration_seconds_bucket{route=\"/api/user/show\",le=\"+Inf\"}");
    CPPUNIT_ASSERT_EQUAL(Value(after, count), inf);
    const double fast = Value(after, "dt_request_duration_seconds_bucket{route=\"/api/user/show\",le=\"0.001\"}");
    const double slower = Value(after, "dt_request_duration_seconds_bucket{route=\"/api/user/show\",le=\"0.01\"}");
    CPPUNIT_ASSERT(fast >= 0 && slower >= fast && inf >= slower);
    CPPUNIT_ASSERT(after.find("# TYPE dt_request_duration_seconds histogram\n") != std::string::npos);
    CPPUNIT_ASSERT(after.find("# TYPE dt_requests_total counter\n") != std::string::npos);
    // Every worker process of the test stack writes, and the tasks are counted.
    CPPUNIT_ASSERT(Value(after, "dt_worker_processes") >= 2);
    CPPUNIT_ASSERT(Value(after, "dt_task_runs_total{task=\"visits\"}") >= 1);
    CPPUNIT_ASSERT(Value(after, "dt_mysql_connects_total") >= 1);
    // nchan's own counters, from the publisher the workers use.
    CPPUNIT_ASSERT_EQUAL_MESSAGE(after.substr(0, 3000), 1.0, Value(after, "dt_nchan_up"));
    CPPUNIT_ASSERT(Value(after, "dt_nchan_subscribers") >= 0);
    CPPUNIT_ASSERT(Value(after, "dt_nchan_shared_memory_used_bytes") > 0);
  }

  // SMS by sender (through the fake providers) and payments by channel and outcome.
  void testOutsidePartiesOutcomesAreCounted() {
    const std::string aliyun = "dt_sms_outcomes_total{sender=\"aliyun\",outcome=\"sent\"}";
    const std::string tencent = "dt_sms_outcomes_total{sender=\"tencent\",outcome=\"sent\"}";
    const std::string credited = "dt_payments_total{channel=\"sandbox\",outcome=\"credited\"}";
    const std::string repeat = "dt_payments_total{channel=\"sandbox\",outcome=\"repeat\"}";
    std::string body = MetricsWhen("dt_worker_processes", 1);
    auto sent = [&](const std::string& b) { return std::max(0.0, Value(b, aliyun)) + std::max(0.0, Value(b, tencent)); };
    const double sent_before = sent(body), credited_before = Value(body, credited), repeat_before = Value(body, repeat);
    CPPUNIT_ASSERT(credited_before >= 0 && repeat_before >= 0);  // there from the start, at 0 or more
    CPPUNIT_ASSERT(!RequestCode(NewPhone()).empty());
    Caller buyer = Login(NewPhone());  // a second code, sent the same way
    Response order = Call("POST", "/api/vip/order/create", {{"productId", "1"}}, buyer);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(order.body, 0, order.code());
    const std::string trade_no = order.data()["trade_no"].asString();
    CPPUNIT_ASSERT_EQUAL(0, PayNotify(trade_no, "30.00", "m-" + trade_no).code());
    CPPUNIT_ASSERT_EQUAL(0, PayNotify(trade_no, "30.00", "m-" + trade_no).code());  // resent
    body = MetricsWhen(repeat, repeat_before + 1);
    body = MetricsWhen(credited, credited_before + 1);
    CPPUNIT_ASSERT_MESSAGE(body.substr(0, 3000), sent(body) >= sent_before + 2);
  }

  // A process that stopped writing leaves the sums: its index entry older than 30 s is
  // dropped at the next scrape, its series are not added.
  void testSilentProcessesLeaveTheSums() {
    Redis& redis = TestStack::Get().redis();
    RedisReply r;
    const std::string gone = "dt:metrics:proc:gone-host:1";
    CheckDb(redis.CommandArgv({"HSET", gone, "dt_test_gone_total", "7"}, &r));
    CheckDb(redis.CommandArgv({"ZADD", "dt:metrics:procs", std::to_string(time(nullptr) - 31), gone}, &r));
    const std::string body = MetricsWhen("dt_worker_processes", 1);
    CPPUNIT_ASSERT_MESSAGE(body.substr(0, 2000), body.find("dt_test_gone_total") == std::string::npos);
    CheckDb(redis.CommandArgv({"ZSCORE", "dt:metrics:procs", gone}, &r));
    CPPUNIT_ASSERT(r.IsNil());
    // The live ones are listed, each with its hash.
    CheckDb(redis.CommandArgv({"ZCARD", "dt:metrics:procs"}, &r));
    const double listed = static_cast<double>(r.Integer());
    const double summed = Value(Metrics(), "dt_worker_processes");
    CPPUNIT_ASSERT(summed >= 2 && summed <= listed);
    CheckDb(redis.CommandArgv({"DEL", gone}, &r));
  }

  void testOnlyOnTheOperatorAddress() {
    Response r = Fetch(TestStack::Get().url() + "/metrics");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 404L, r.status);
    CPPUNIT_ASSERT(r.body.find("dt_requests_total") == std::string::npos);
    CPPUNIT_ASSERT_EQUAL(404L, Fetch(TestStack::Get().url() + "/api/admin/metrics").status);
    CPPUNIT_ASSERT_EQUAL(200L, Fetch(TestStack::Get().operator_url() + "/api/admin/metrics").status);
    r = Fetch(TestStack::Get().operator_url() + "/nginx_status");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200L, r.status);
    CPPUNIT_ASSERT_MESSAGE(r.body, r.body.find("Active connections:") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(404L, Fetch(TestStack::Get().url() + "/nginx_status").status);
  }

  void testEveryMetricOfTheDashboardExists() {
    std::ifstream in("docs/grafana-dashboard.json");
    Json::Value dashboard;
    Json::CharReaderBuilder builder;
    std::string errors;
    CPPUNIT_ASSERT_MESSAGE(errors, Json::parseFromStream(builder, in, &dashboard, &errors));
    std::set<std::string> named;
    auto word = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; };
    for (const Json::Value& panel : dashboard["panels"]) {
      for (const Json::Value& target : panel["targets"]) {
        const std::string expr = target["expr"].asString();
        for (size_t at = expr.find("dt_"); at != std::string::npos; at = expr.find("dt_", at + 1)) {
          if (at > 0 && word(expr[at - 1])) continue;  // inside another word
          size_t end = at;
          while (end < expr.size() && word(expr[end])) ++end;
          named.insert(expr.substr(at, end - at));
        }
      }
    }
    CPPUNIT_ASSERT(named.size() >= 10);
    const std::string body = MetricsWhen("dt_worker_processes", 1);
    for (const std::string& name : named) {
      const bool found = body.find("\n" + name + "{") != std::string::npos || body.find("\n" + name + " ") != std::string::npos;
      CPPUNIT_ASSERT_MESSAGE("the dashboard names " + name + ", which /metrics does not give", found);
    }
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(MetricsHttpTest, "http");

}  // namespace dt
