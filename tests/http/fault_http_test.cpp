// Faults under load (make faults runs these alone; make test runs them too): MariaDB
// stopped and frozen, Redis stopped and frozen, a worker killed with SIGKILL, slow
// clients, a full disk for uploads. What must hold: answers are 0 or 901 (never a hang
// past the configured timeouts, never an HTML page), recovery without help, nothing
// half-applied, and only requests in flight lost when a worker dies.
#include <cppunit/extensions/HelperMacros.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <thread>

#include "lib/core/crypto.h"
#include "tests/http/http_support.h"

namespace dt {
namespace {

using Clock = std::chrono::steady_clock;

struct LoadStats {
  std::atomic<int> ok{0}, unavailable{0}, other{0};
  std::atomic<long> max_ms{0};
  std::string first_other;
};

// Runs `call` from `threads` threads until `stop`, recording outcomes.
std::vector<std::thread> StartLoad(int threads, std::atomic<bool>* stop, LoadStats* stats,
                                   std::function<Response(int thread, int i)> call) {
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([=] {
      for (int i = 0; !stop->load(); ++i) {
        const auto start = Clock::now();
        Response r = call(t, i);
        const long ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
        long seen = stats->max_ms.load();
        while (ms > seen && !stats->max_ms.compare_exchange_weak(seen, ms)) {
        }
        if (r.code() == 0) {
          ++stats->ok;
        } else if (r.code() == 901 && r.is_json) {
          ++stats->unavailable;
        } else if (stats->other++ == 0) {
          stats->first_other = std::to_string(r.status) + " " + r.body.substr(0, 200);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(15));
      }
    });
  }
  return pool;
}

// A program of the test stack frozen (SIGSTOP) until Thaw() or the end of the scope, so
// that whatever fails in a test, the next one finds it running.
class Frozen {
 public:
  explicit Frozen(const std::string& program) : pid_(TestStack::Get().Pid(program)) {
    CPPUNIT_ASSERT(pid_ > 0);
    CPPUNIT_ASSERT_EQUAL(0, kill(pid_, SIGSTOP));
  }
  ~Frozen() { Thaw(); }
  void Thaw() { kill(pid_, SIGCONT); }

 private:
  int pid_;
};

void Join(std::vector<std::thread>* pool) {
  for (std::thread& t : *pool) t.join();
}

void Sleep(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

}  // namespace

class FaultHttpTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(FaultHttpTest);
  CPPUNIT_TEST(testMysqlStoppedUnderLoad);
  CPPUNIT_TEST(testMysqlFrozenTimesOut);
  CPPUNIT_TEST(testRedisStoppedReadsGoOn);
  CPPUNIT_TEST(testRedisFrozenTimesOut);
  CPPUNIT_TEST(testWorkerKilledUnderLoad);
  CPPUNIT_TEST(testSlowClientsDoNotBlockWorkers);
  CPPUNIT_TEST(testDiskFullForUploads);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testMysqlStoppedUnderLoad() {
    TestStack& stack = TestStack::Get();
    const int kPairs = 4;
    std::vector<std::pair<Caller, Caller>> pairs;
    for (int i = 0; i < kPairs; ++i) {
      Caller a = Login(NewPhone()), b = Login(NewPhone());
      for (const auto& [from, to] : {std::pair{a, b}, std::pair{b, a}}) {
        CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/message/send", {{"peerId", std::to_string(to.user_id)},
                                     {"msgType", "text"}, {"content", "hi"}}, from).code());
      }
      pairs.emplace_back(a, b);
    }
    std::atomic<bool> stop{false};
    LoadStats stats;
    std::vector<std::atomic<int>> acked(kPairs), refused(kPairs);
    auto pool = StartLoad(kPairs, &stop, &stats, [&](int t, int i) {
      const Caller& from = i % 2 ? pairs[t].second : pairs[t].first;
      const Caller& to = i % 2 ? pairs[t].first : pairs[t].second;
      Response r = Call("POST", "/api/message/send", {{"peerId", std::to_string(to.user_id)},
                        {"msgType", "text"}, {"content", "load " + std::to_string(i)}}, from);
      if (r.code() == 0) ++acked[t];
      if (r.code() == 901) ++refused[t];
      return r;
    });
    Sleep(1000);
    CPPUNIT_ASSERT(stack.Supervisorctl("stop mariadb"));
    Sleep(2500);
    CPPUNIT_ASSERT(stack.Supervisorctl("start mariadb"));
    CPPUNIT_ASSERT(stack.WaitHealthy(60));
    const int ok_before = stats.ok.load();
    Sleep(1500);
    stop = true;
    Join(&pool);
    int total_acked = 0;
    for (const auto& n : acked) total_acked += n.load();
    printf("     mysql stopped 2.5 s under load: %d ok, %d answered 901, %d other, slowest %ld ms; %d acknowledged\n",
           stats.ok.load(), stats.unavailable.load(), stats.other.load(), stats.max_ms.load(), total_acked);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(stats.first_other, 0, stats.other.load());
    CPPUNIT_ASSERT(stats.unavailable > 0);       // the outage was seen...
    CPPUNIT_ASSERT(stats.ok.load() > ok_before);  // ...and recovered from without help
    CPPUNIT_ASSERT(stats.max_ms < 8000);          // connect 2 s + read 5 s at most
    // Nothing lost, nothing half-applied: every acknowledged message stored; beyond those,
    // only a send whose commit landed as the server went down (its answer lost, so 901)
    // may be stored; each pair's contact rows point at its last message.
    for (int t = 0; t < kPairs; ++t) {
      const int64_t a = pairs[t].first.user_id, b = pairs[t].second.user_id;
      const int64_t stored = Count("SELECT COUNT(*) FROM message WHERE uid_lo = ? AND uid_hi = ?",
                                   {std::min(a, b), std::max(a, b)}) - 2;
      CPPUNIT_ASSERT(stored >= acked[t].load());
      CPPUNIT_ASSERT(stored <= acked[t].load() + refused[t].load());
      CPPUNIT_ASSERT_EQUAL(int64_t{2},
                           Count("SELECT COUNT(*) FROM contacts c WHERE c.user_id IN (?, ?) AND c.peer_id IN (?, ?)"
                                 " AND c.last_msg_id = (SELECT MAX(id) FROM message WHERE uid_lo = ? AND uid_hi = ?)",
                                 {a, b, a, b, std::min(a, b), std::max(a, b)}));
    }
  }

  void testMysqlFrozenTimesOut() {
    TestStack& stack = TestStack::Get();
    Caller me = Login(NewPhone());
    Frozen mariadb("mariadb");
    const auto start = Clock::now();
    Response r = Call("GET", "/api/message/list", {{"peerId", "1"}}, me);
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    mariadb.Thaw();
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 901, r.code());
    CPPUNIT_ASSERT_EQUAL(503L, r.status);
    CPPUNIT_ASSERT_MESSAGE(std::to_string(seconds), seconds < stack.config().mysql_read_timeout + 2.5);
    CPPUNIT_ASSERT(stack.WaitHealthy(30));
    CPPUNIT_ASSERT_EQUAL(0, Call("GET", "/api/message/list", {{"peerId", "1"}}, me).code());
  }

  void testRedisStoppedReadsGoOn() {
    TestStack& stack = TestStack::Get();
    Caller buyer = Login(NewPhone());
    Caller friend_ = Login(NewPhone());
    Response order = Call("POST", "/api/vip/order/create", {{"productId", "1"}}, buyer);
    const std::string trade_no = order.data()["trade_no"].asString();
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/message/send", {{"peerId", std::to_string(friend_.user_id)},
                                                               {"msgType", "text"}, {"content", "before"}}, buyer).code());
    const int64_t messages = Count("SELECT COUNT(*) FROM message WHERE from_uid = ?", {buyer.user_id});
    CPPUNIT_ASSERT(stack.Supervisorctl("stop redis"));
    struct Restart {  // whatever fails below, the next test finds Redis running
      ~Restart() { TestStack::Get().Supervisorctl("start redis"); }
    } restart;

    // Login and every write fail closed: no nonce can be recorded, so no replay ruled out.
    for (const char* path : {"/api/auth/sendsms", "/api/auth/login"}) {
      Response r = Call("POST", path, {{"phone", NewPhone()}, {"code", "123456"}});
      CPPUNIT_ASSERT_EQUAL_MESSAGE(path, 901, r.code());
      CPPUNIT_ASSERT_EQUAL(503L, r.status);
    }
    CPPUNIT_ASSERT_EQUAL(901, Call("POST", "/api/message/send", {{"peerId", std::to_string(friend_.user_id)},
                                                                 {"msgType", "text"}, {"content", "during"}}, buyer).code());
    CPPUNIT_ASSERT_EQUAL(901, Call("POST", "/api/user/update", {{"nickname", "during"}}, buyer).code());
    // Reads go on from MySQL, the token checked there.
    Response me = Call("GET", "/api/user/show", {}, buyer);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(me.body, 0, me.code());
    CPPUNIT_ASSERT_EQUAL(buyer.user_id, me.data()["user_id"].asInt64());
    Caller forged = buyer;
    forged.token = std::string(32, 'a');
    CPPUNIT_ASSERT_EQUAL(504, Call("GET", "/api/user/show", {}, forged).code());
    Response list = Call("GET", "/api/message/list", {{"peerId", std::to_string(buyer.user_id)}}, friend_);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(list.body, 0, list.code());
    CPPUNIT_ASSERT_EQUAL(1u, list.data()["list"].size());
    CPPUNIT_ASSERT_EQUAL(std::string("before"), list.data()["list"][0]["content"].asString());
    Response contacts = Call("GET", "/api/contacts/list", {}, friend_);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(contacts.body, 0, contacts.code());
    CPPUNIT_ASSERT_EQUAL(buyer.user_id, contacts.data()["list"][0]["peer_id"].asInt64());
    CPPUNIT_ASSERT_EQUAL(3u, Call("GET", "/api/vip/products", {}).data()["list"].size());
    CPPUNIT_ASSERT(Call("GET", "/api/label/list", {}).data()["list"].size() >= 12);
    CPPUNIT_ASSERT_EQUAL(0, Call("GET", "/api/vip/order/list", {}, buyer).code());
    for (const char* path : {"/api/user/search", "/api/album/list", "/api/visitor/list", "/api/user/block/list",
                             "/api/user/match/list", "/api/message/unread", "/api/vip/info"}) {
      Response r = Call("GET", path, {}, buyer);
      // visitor/list answers 510 to a non-VIP: from MySQL all the same.
      CPPUNIT_ASSERT_MESSAGE(path + std::string(" ") + r.body, r.code() == 0 || r.code() == 510);
    }
    // What lives in Redis alone: the hot ranking, the nearby index, and the visit queue
    // behind showing someone else.
    CPPUNIT_ASSERT_EQUAL(901, Call("GET", "/api/user/hot/list", {}, buyer).code());
    CPPUNIT_ASSERT_EQUAL(901, Call("GET", "/api/user/nearby/list", {{"latlng", "30,120"}}, buyer).code());
    CPPUNIT_ASSERT_EQUAL(901, Call("GET", "/api/user/show", {{"peerId", std::to_string(friend_.user_id)}}, buyer).code());

    // The payment gateway's notify needs no Redis: the payment is recorded.
    Response paid = PayNotify(trade_no, "30.00", "redis-down");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(paid.body, 0, paid.code());
    CPPUNIT_ASSERT(Call("GET", "/api/vip/info", {}, buyer).data()["is_vip"].asBool());
    CPPUNIT_ASSERT(stack.Supervisorctl("start redis"));
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, Count("SELECT pay FROM user_order WHERE trade_no = ?", {trade_no}));
    CPPUNIT_ASSERT_EQUAL(messages, Count("SELECT COUNT(*) FROM message WHERE from_uid = ?", {buyer.user_id}));
    CPPUNIT_ASSERT(stack.WaitHealthy(20));
    CPPUNIT_ASSERT(Call("GET", "/api/vip/info", {}, buyer).data()["is_vip"].asBool());
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/message/send", {{"peerId", std::to_string(friend_.user_id)},
                                                               {"msgType", "text"}, {"content", "after"}}, buyer).code());
  }

  void testRedisFrozenTimesOut() {
    TestStack& stack = TestStack::Get();
    Caller me = Login(NewPhone());
    Frozen redis("redis");
    const double limit = stack.config().redis_timeout_ms / 1000.0 + 2;
    auto start = Clock::now();
    Response read = Call("GET", "/api/user/show", {}, me);
    const double read_seconds = std::chrono::duration<double>(Clock::now() - start).count();
    start = Clock::now();
    Response write = Call("POST", "/api/user/update", {{"nickname", "frozen"}}, me);
    const double write_seconds = std::chrono::duration<double>(Clock::now() - start).count();
    redis.Thaw();
    CPPUNIT_ASSERT_EQUAL_MESSAGE(read.body, 0, read.code());  // from MySQL, after one timeout
    CPPUNIT_ASSERT_MESSAGE(std::to_string(read_seconds), read_seconds < limit);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(write.body, 901, write.code());
    CPPUNIT_ASSERT_MESSAGE(std::to_string(write_seconds), write_seconds < limit);
    CPPUNIT_ASSERT(stack.WaitHealthy(20));
    CPPUNIT_ASSERT_EQUAL(0, Call("GET", "/api/user/show", {}, me).code());
  }

  void testWorkerKilledUnderLoad() {
    TestStack& stack = TestStack::Get();
    std::vector<Caller> users;
    for (int i = 0; i < 4; ++i) users.push_back(Login(NewPhone()));
    std::atomic<bool> stop{false};
    LoadStats stats;
    auto pool = StartLoad(4, &stop, &stats, [&](int t, int) { return Call("GET", "/api/user/show", {}, users[t]); });
    Sleep(800);
    const int pid = stack.Pid("worker:worker_00");
    CPPUNIT_ASSERT(pid > 0);
    CPPUNIT_ASSERT_EQUAL(0, kill(pid, SIGKILL));
    Sleep(2500);
    stop = true;
    Join(&pool);
    printf("     worker SIGKILLed under load: %d ok, %d answered 901, %d other\n", stats.ok.load(),
           stats.unavailable.load(), stats.other.load());
    // Only requests in flight in the killed process can fail (at most its threads).
    CPPUNIT_ASSERT_MESSAGE(stats.first_other, stats.other.load() == 0);
    CPPUNIT_ASSERT(stats.unavailable.load() <= stack.config().threads);
    CPPUNIT_ASSERT(stats.ok.load() > 50);
    int restarted = 0;
    for (int i = 0; i < 100 && (restarted == 0 || restarted == pid); ++i) {
      Sleep(100);
      restarted = stack.Pid("worker:worker_00");
    }
    CPPUNIT_ASSERT(restarted > 0 && restarted != pid);
  }

  void testSlowClientsDoNotBlockWorkers() {
    const std::string url = TestStack::Get().url();
    const int port = atoi(url.substr(url.rfind(':') + 1).c_str());
    std::vector<int> slow;
    for (int i = 0; i < 100; ++i) {
      int fd = socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in addr{};
      addr.sin_family = AF_INET;
      addr.sin_port = htons(static_cast<uint16_t>(port));
      addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      CPPUNIT_ASSERT_EQUAL(0, connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr));
      // Half a request: headers never finished, or a body that never comes.
      const std::string part = i % 2 ? "GET /api/health HTTP/1.1\r\nHost: x\r\nX-Slow: "
                                     : "POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: "
                                       "application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nphone=1";
      CPPUNIT_ASSERT(write(fd, part.data(), part.size()) == static_cast<ssize_t>(part.size()));
      slow.push_back(fd);
    }
    Sleep(300);
    long slowest_ms = 0;
    for (int i = 0; i < 40; ++i) {
      const auto start = Clock::now();
      Response r = Raw("GET", "/api/health");
      CPPUNIT_ASSERT_EQUAL(200L, r.status);
      const long ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
      slowest_ms = std::max(slowest_ms, ms);
      CPPUNIT_ASSERT(ms < 1000);
    }
    printf("     100 slow clients held open: 40 requests answered, slowest %ld ms\n", slowest_ms);
    for (int fd : slow) close(fd);
  }

  void testDiskFullForUploads() {
    namespace fs = std::filesystem;
    TestStack& stack = TestStack::Get();
    const std::string media = fs::absolute(stack.config().media_root).string();
    fs::create_directories(media);
    // A 64 KiB file system over the media root, when we may mount one (root, as in CI).
    if (mount("tmpfs", media.c_str(), "tmpfs", 0, "size=64k") != 0) {
      printf("     (skipped: cannot mount a small tmpfs here: %s)\n", strerror(errno));
      return;
    }
    struct Unmount {
      std::string path;
      ~Unmount() { umount2(path.c_str(), MNT_DETACH); }
    } unmount{media};
    Caller me = Login(NewPhone());
    std::string png = ReadBinary("tests/data/sample.png");
    png.resize(200 * 1024, '\0');  // a valid PNG start, larger than the disk
    Response r = CallMultipart("/api/upload", {{"kind", "image"}, {"md5", Md5Hex(png)}},
                               {{"file", "big.png", "image/png", png}}, me);
    size_t left = 0;
    for (const auto& entry : fs::recursive_directory_iterator(media)) left += entry.is_regular_file();
    umount2(media.c_str(), MNT_DETACH);
    unmount.path.clear();
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 901, r.code());
    CPPUNIT_ASSERT_EQUAL(std::string("media storage is full."), r.msg());
    CPPUNIT_ASSERT_EQUAL(size_t{0}, left);  // no partial file
    // With room again, the same upload works.
    png.resize(1024);
    CPPUNIT_ASSERT_EQUAL(0, CallMultipart("/api/upload", {{"kind", "image"}, {"md5", Md5Hex(png)}},
                                          {{"file", "a.png", "image/png", png}}, me).code());
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(FaultHttpTest, "stack");

}  // namespace dt
