// Soak: mixed traffic (login, show, hot list, nearby, send, list, contacts, VIP notify)
// through nginx for DT_SOAK_SECONDS (make test: 20 s; make soak: 600 s) at a rate this
// machine sustains. It must end with no 5xx, every acknowledged message stored, worker
// memory flat (RSS at the end within 10% of after warm-up) and no file descriptor growth
// beyond the connections each worker thread keeps to the outside (one per client kind).
// On the sanitizer build (make test's default) RSS is not a leak signal: AddressSanitizer
// keeps freed memory in quarantine and grows its shadow, so memory is checked by make soak,
// which runs the plain build.
#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>

#include "tests/http/http_support.h"

namespace dt {
namespace {

struct WorkerUsage {
  int pid;
  long rss_kb;
  long fds;
};

// make test runs the worker of build/asan/ unless ASAN=0.
bool SanitizerWorker() {
  const char* worker = getenv("WORKER");
  return worker != nullptr && std::string(worker).find("asan/") != std::string::npos;
}

std::vector<WorkerUsage> Workers() {
  std::vector<WorkerUsage> out;
  for (const char* name : {"worker:worker_00", "worker:worker_01"}) {
    WorkerUsage w{TestStack::Get().Pid(name), 0, 0};
    std::string status = ReadBinary("/proc/" + std::to_string(w.pid) + "/status");
    size_t at = status.find("VmRSS:");
    if (at != std::string::npos) w.rss_kb = atol(status.c_str() + at + 6);
    // Called while the load threads run: it must not throw (a worker between two lives
    // shows as no fds, and the pid check at the end names it).
    std::error_code error;
    for (std::filesystem::directory_iterator e("/proc/" + std::to_string(w.pid) + "/fd", error), end;
         !error && e != end; e.increment(error)) {
      ++w.fds;
    }
    out.push_back(w);
  }
  return out;
}

// Workers(), with each worker's fewest fds over a second: a socket of a task that is
// talking to the fake gateway just then comes and goes; a leak stays.
std::vector<WorkerUsage> SettledWorkers() {
  std::vector<WorkerUsage> best = Workers();
  for (int i = 0; i < 5; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const std::vector<WorkerUsage> now = Workers();
    for (size_t w = 0; w < best.size() && w < now.size(); ++w) {
      if (now[w].pid == best[w].pid && now[w].fds < best[w].fds) best[w].fds = now[w].fds;
    }
  }
  return best;
}

}  // namespace

class SoakHttpTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SoakHttpTest);
  CPPUNIT_TEST(testMixedTraffic);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testMixedTraffic() {
    const int seconds = getenv("DT_SOAK_SECONDS") ? atoi(getenv("DT_SOAK_SECONDS")) : 20;
    const int kThreads = 6;
    std::atomic<long> requests{0}, server_errors{0}, refused{0};
    std::atomic<bool> stop{false};
    std::vector<std::atomic<long>> acked(kThreads * 2);
    std::vector<Caller> users;
    for (int i = 0; i < kThreads * 2; ++i) users.push_back(Login(NewPhone()));
    std::string first_error;
    std::mutex error_mutex;
    auto record = [&](const Response& r) {
      ++requests;
      if (r.status >= 500 || r.status <= 0) {
        if (server_errors++ == 0) {
          std::lock_guard<std::mutex> lock(error_mutex);
          first_error = std::to_string(r.status) + " " + r.body.substr(0, 200);
        }
      } else if (r.code() != 0) {
        ++refused;
      }
      return r;
    };
    std::vector<std::thread> pool;
    for (int t = 0; t < kThreads; ++t) {
      pool.emplace_back([&, t] {
        Caller a = users[2 * t], b = users[2 * t + 1];
        char here[64];
        snprintf(here, sizeof here, "%.4f,%.4f", 22.5 + t * 0.001, 114.05);
        record(Call("POST", "/api/user/location", {{"latlng", here}}, a));
        for (long i = 0; !stop.load(); ++i) {
          const bool a_sends = i % 2 == 0;
          const Caller& from = a_sends ? a : b;
          const Caller& to = a_sends ? b : a;
          if (record(Call("POST", "/api/message/send", {{"peerId", std::to_string(to.user_id)}, {"msgType", "text"},
                                                        {"content", "soak " + std::to_string(i)}}, from)).code() == 0) {
            ++acked[a_sends ? 2 * t : 2 * t + 1];
          }
          record(Call("GET", "/api/user/show", {}, a));
          record(Call("GET", "/api/user/show", {{"peerId", std::to_string(b.user_id)}}, a));
          record(Call("GET", "/api/user/hot/list", {}, b));
          record(Call("GET", "/api/user/nearby/list", {{"latlng", here}, {"radius", "5"}}, b));
          record(Call("GET", "/api/message/list", {{"peerId", std::to_string(b.user_id)}}, a));
          record(Call("GET", "/api/contacts/list", {}, b));
          if (i % 25 == 0) {  // a sign-up, and a purchase
            Response sms = record(Call("POST", "/api/auth/sendsms", {{"phone", NewPhone()}}));
            if (sms.code() == 0) {
              record(Call("POST", "/api/auth/login", {{"phone", sms.data()["phone"].asString()},
                                                       {"code", sms.data()["code"].asString()}}));
            }
            Response order = record(Call("POST", "/api/vip/order/create", {{"productId", "1"}}, a));
            if (order.code() == 0) record(PayNotify(order.data()["trade_no"].asString(), "30.00", "soak-" + order.data()["trade_no"].asString()));
          }
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
      });
    }
    const int warmup = std::max(5, seconds / 4);
    std::this_thread::sleep_for(std::chrono::seconds(warmup));
    const std::vector<WorkerUsage> warm = SettledWorkers();
    std::this_thread::sleep_for(std::chrono::seconds(seconds - warmup));
    stop = true;
    for (std::thread& t : pool) t.join();
    const std::vector<WorkerUsage> end = SettledWorkers();

    printf("     soak: %ds, %ld requests (%.0f/s), %ld 5xx, %ld refused; worker RSS %ld -> %ld KB, fds %ld -> %ld\n",
           seconds, requests.load(), requests.load() / static_cast<double>(seconds), server_errors.load(),
           refused.load(), warm[0].rss_kb + warm[1].rss_kb, end[0].rss_kb + end[1].rss_kb,
           warm[0].fds + warm[1].fds, end[0].fds + end[1].fds);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(first_error, 0L, server_errors.load());
    CPPUNIT_ASSERT_EQUAL(0L, refused.load());
    long acked_total = 0, stored_total = 0;
    for (int i = 0; i < kThreads * 2; ++i) {
      Row row;
      bool found = false;
      CheckDb(TestStack::Get().db().QueryRow("SELECT COUNT(*) FROM message WHERE from_uid = ?", {users[i].user_id}, &row, &found));
      CPPUNIT_ASSERT_EQUAL(acked[i].load(), static_cast<long>(row.Int(0)));
      acked_total += acked[i].load();
      stored_total += static_cast<long>(row.Int(0));
    }
    printf("     soak: %ld messages acknowledged, %ld stored\n", acked_total, stored_total);
    for (size_t w = 0; w < end.size(); ++w) {
      CPPUNIT_ASSERT_EQUAL(warm[w].pid, end[w].pid);  // no worker died
      if (!SanitizerWorker()) CPPUNIT_ASSERT_MESSAGE("RSS grew", end[w].rss_kb <= warm[w].rss_kb * 11 / 10);
      // Each worker thread keeps one connection per outbound client it has used (nchan's
      // publisher, the SMS providers): a thread that first publishes after the warm-up
      // adds its one. A leak grows with the requests (tens of thousands here), not so.
      const long kept = 2L * TestStack::Get().config().threads;
      CPPUNIT_ASSERT_MESSAGE("fds grew", end[w].fds <= warm[w].fds + 2 + kept);
    }
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(SoakHttpTest, "stack");

}  // namespace dt
