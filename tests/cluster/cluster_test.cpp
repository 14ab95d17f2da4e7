// make cluster-test's load and its verdict. scripts/cluster.sh builds the hosts (network
// namespaces: nginx, two worker hosts, a MariaDB primary and replica, Redis primary and
// replica with three Sentinels) and runs `dt_tests --cluster` on the nginx host; this test
// keeps a steady mixed load going through nginx (messages sent both ways, searches and
// product lists read from the replica, profiles shown from Redis) and, between phases,
// asks the script to break one piece (DT_CLUSTER_HOOK):
//   1. all up                 no request may fail
//   2. worker host 1 killed   only requests in flight on it may fail (one per client thread)
//   3. Redis primary killed   failures only 901, and only until Sentinel's failover is done
//   4. MySQL replica killed   reads go to the primary: nothing fails
// It prints what each phase sent and what failed, and checks that every acknowledged
// message is in the primary (0 lost). Before the phases: live events cross nginx hosts (a
// subscriber held by the second nginx gets a message sent, and published, through the
// first, by way of nchan's Redis).
#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <thread>

#include "tests/http/http_support.h"

namespace dt {
namespace {

constexpr int kThreads = 8;

using Clock = std::chrono::steady_clock;

struct Phase {
  Phase(const char* n, const char* h, int s) : name(n), hook(h), seconds(s) {}
  const char* name;
  const char* hook;  // what scripts/cluster.sh breaks before the phase ("" for nothing)
  int seconds;
  std::atomic<int64_t> sent{0};
  std::atomic<int64_t> failed{0};
  std::mutex mutex;
  std::map<std::string, int64_t> failures;  // "HTTP 503 code 901" -> count
  double last_failure_s = -1;               // seconds into the phase
  Clock::time_point start;
};

std::string Hook(const std::string& what) {
  const char* hook = getenv("DT_CLUSTER_HOOK");
  CPPUNIT_ASSERT_MESSAGE("DT_CLUSTER_HOOK is not set (run make cluster-test)", hook != nullptr);
  return RunCommand(std::string(hook) + " " + what);
}

}  // namespace

class ClusterTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ClusterTest);
  CPPUNIT_TEST(testEventsCrossNginxHosts);
  CPPUNIT_TEST(testFailuresStayInTheirPhase);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testEventsCrossNginxHosts() {
    const char* web2 = getenv("DT_CLUSTER_WEB2");
    CPPUNIT_ASSERT_MESSAGE("DT_CLUSTER_WEB2 is not set (run make cluster-test)", web2 != nullptr);
    Caller a = Login(NewPhone()), b = Login(NewPhone());
    std::string url = SignedUrl("/api/events", {}, b);
    url.replace(0, TestStack::Get().url().size(), web2);  // b's stream is held by the second nginx
    const std::string out = TestStack::Get().VarPath("log/events-web2.out");
    RunCommand("(curl -s -N -m 4 -H 'Accept: text/event-stream' '" + url + "' > " + out +
               " 2>&1) < /dev/null > /dev/null 2>&1 &");
    for (int i = 0; i < 100 && ReadBinary(out).find(": hi") == std::string::npos; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    const auto sent_at = Clock::now();
    Response sent = Call("POST", "/api/message/send",
                         {{"peerId", std::to_string(b.user_id)}, {"msgType", "text"}, {"content", "across hosts"}}, a);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(sent.body, 0, sent.code());
    std::string got;
    for (int i = 0; i < 80 && got.find("across hosts") == std::string::npos; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
      got = ReadBinary(out);
    }
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - sent_at).count();
    printf("\n     live events: a message sent through nginx 1 reached a stream on nginx 2 in %.0f ms\n", ms);
    CPPUNIT_ASSERT_MESSAGE(got, got.find("\"message_id\":" + std::to_string(sent.data()["message_id"].asInt64())) !=
                                    std::string::npos);
  }

  void testFailuresStayInTheirPhase() {
    Phase phases[] = {
        {"all up", "", 8},
        {"worker host 1 killed", "stop-worker-host", 8},
        {"Redis primary killed", "stop-redis-primary", 25},
        {"MySQL replica killed", "stop-mysql-replica", 8},
    };
    constexpr int kPhases = sizeof phases / sizeof phases[0];
    std::atomic<int> current{-1};
    std::atomic<bool> stop{false};
    std::mutex acked_mutex;
    std::vector<int64_t> acked;  // message ids the server acknowledged

    std::vector<std::pair<Caller, Caller>> pairs;
    for (int t = 0; t < kThreads; ++t) pairs.emplace_back(Login(NewPhone()), Login(NewPhone()));

    auto client = [&](int t) {
      const Caller& a = pairs[t].first;
      const Caller& b = pairs[t].second;
      for (int64_t i = 0; !stop.load(); ++i) {
        const int p = current.load();
        if (p < 0) {
          std::this_thread::sleep_for(std::chrono::milliseconds(5));
          continue;
        }
        Response r;
        bool is_send = false;
        switch (i % 4) {
          case 0: {  // both ways, so that neither waits for a reply
            const Caller& from = (i / 4) % 2 ? b : a;
            const Caller& to = (i / 4) % 2 ? a : b;
            r = Call("POST", "/api/message/send",
                     {{"peerId", std::to_string(to.user_id)}, {"msgType", "text"},
                      {"content", "cluster " + std::to_string(i)}},
                     from);
            is_send = true;
            break;
          }
          case 1: r = Call("GET", "/api/user/search", {{"pageCount", "5"}}, a); break;
          case 2: r = Call("GET", "/api/vip/products", {}, b); break;
          default: r = Call("GET", "/api/user/show", {}, a); break;
        }
        Phase& phase = phases[current.load()];  // the phase the answer came in
        phase.sent.fetch_add(1);
        if (r.status == 200 && r.code() == 0) {
          if (is_send) {
            std::lock_guard<std::mutex> lock(acked_mutex);
            acked.push_back(r.data()["message_id"].asInt64());
          }
          continue;
        }
        phase.failed.fetch_add(1);
        std::lock_guard<std::mutex> lock(phase.mutex);
        phase.failures["HTTP " + std::to_string(r.status) + " code " + std::to_string(r.code())]++;
        phase.last_failure_s = std::chrono::duration<double>(Clock::now() - phase.start).count();
      }
    };
    std::vector<std::thread> pool;
    for (int t = 0; t < kThreads; ++t) pool.emplace_back(client, t);

    std::string replica_report;
    for (int p = 0; p < kPhases; ++p) {
      // The phase begins as its piece is broken: what fails meanwhile is its own.
      phases[p].start = Clock::now();
      current.store(p);
      if (*phases[p].hook) {
        const std::string out = Hook(phases[p].hook);
        if (out.find("replica_selects=") != std::string::npos) replica_report = out;
      }
      std::this_thread::sleep_for(std::chrono::seconds(phases[p].seconds));
    }
    stop.store(true);
    for (std::thread& t : pool) t.join();

    // Every acknowledged message is in the primary.
    int64_t found = 0;
    for (size_t i = 0; i < acked.size(); i += 500) {
      std::vector<int64_t> chunk(acked.begin() + i, acked.begin() + std::min(acked.size(), i + 500));
      found += Count("SELECT COUNT(*) FROM message m JOIN JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT PATH '$')) j"
                     " ON m.id = j.id",
                     {IdList(chunk)});
    }
    const int64_t lost = static_cast<int64_t>(acked.size()) - found;

    printf("\n     %-24s %8s %8s  %s\n", "phase", "sent", "failed", "failures (last one, s into the phase)");
    for (Phase& phase : phases) {
      std::string what;
      for (const auto& [kind, n] : phase.failures) what += kind + " x" + std::to_string(n) + "; ";
      if (phase.last_failure_s >= 0) what += "(last at " + std::to_string(phase.last_failure_s).substr(0, 4) + " s)";
      printf("     %-24s %8lld %8lld  %s\n", phase.name, static_cast<long long>(phase.sent.load()),
             static_cast<long long>(phase.failed.load()), what.c_str());
    }
    printf("     acknowledged messages: %zu, in the primary: %lld, lost: %lld\n", acked.size(),
           static_cast<long long>(found), static_cast<long long>(lost));
    printf("     the replica before it was killed: %s\n", replica_report.c_str());

    CPPUNIT_ASSERT_EQUAL_MESSAGE("lost acknowledged messages", int64_t{0}, lost);
    CPPUNIT_ASSERT(!acked.empty());
    for (Phase& phase : phases) CPPUNIT_ASSERT_MESSAGE(phase.name, phase.sent.load() > 100);
    CPPUNIT_ASSERT_EQUAL_MESSAGE("failures with everything up", int64_t{0}, phases[0].failed.load());
    CPPUNIT_ASSERT_MESSAGE("more failures than requests in flight when worker host 1 died",
                           phases[1].failed.load() <= kThreads);
    for (const auto& [kind, n] : phases[2].failures) {
      CPPUNIT_ASSERT_MESSAGE("a failure other than 901 during the Redis failover: " + kind,
                             kind.find("code 901") != std::string::npos);
    }
    CPPUNIT_ASSERT_MESSAGE("still failing 15 s after the Redis primary died (no failover?)",
                           phases[2].last_failure_s < 15);
    CPPUNIT_ASSERT_EQUAL_MESSAGE("failures after the replica died", int64_t{0}, phases[3].failed.load());
    long long selects = 0;
    sscanf(replica_report.c_str() + replica_report.find('=') + 1, "%lld", &selects);
    CPPUNIT_ASSERT_MESSAGE("the replica served no reads: " + replica_report, selects > 100);
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(ClusterTest, "cluster");

}  // namespace dt
