// lib/outbound/nchan_client against a scripted server made here (a unix socket or TCP on
// 127.0.0.1): it reads requests one by one, records them and the connections they came
// on, and answers each with the next of its script (closing after it when told to, or
// never answering).
#include <arpa/inet.h>
#include <cppunit/extensions/HelperMacros.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "lib/outbound/nchan_client.h"
#include "tests/unit/listen_socket.h"

namespace dt {
namespace {

struct Step {
  std::string answer;  // empty: hold the connection, answer nothing
  bool close_after = false;
};

class ScriptServer {
 public:
  ScriptServer(std::vector<Step> script, bool tcp) : script_(std::move(script)) {
    if (tcp) {
      int port = 0;
      fd_ = ListenLoopback(&port);
      address_ = "http://127.0.0.1:" + std::to_string(port);
    } else {
      path_ = "/tmp/dt-nchan-test-" + std::to_string(getpid()) + ".sock";
      fd_ = ListenUnix(path_);
      address_ = "unix:" + path_;
    }
    thread_ = std::thread([this] { Serve(); });
  }
  ~ScriptServer() {
    stop_ = true;
    thread_.join();
    close(fd_);
    if (!path_.empty()) unlink(path_.c_str());
  }

  const std::string& address() const { return address_; }
  int connections() const { return connections_; }
  std::vector<std::string> requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

 private:
  bool Readable(int fd) {
    pollfd p{fd, POLLIN, 0};
    return poll(&p, 1, 20) > 0;
  }

  void Serve() {
    size_t next = 0;
    while (!stop_) {
      if (!Readable(fd_)) continue;
      const int conn = accept(fd_, nullptr, nullptr);
      if (conn < 0) continue;
      ++connections_;
      std::string in;
      bool open = true;
      while (open && !stop_) {
        if (!Readable(conn)) continue;
        char buf[4096];
        const ssize_t n = read(conn, buf, sizeof buf);
        if (n <= 0) break;
        in.append(buf, n);
        for (;;) {  // every whole request received so far
          const size_t end = in.find("\r\n\r\n");
          if (end == std::string::npos) break;
          const size_t cl = in.find("Content-Length: ");
          const size_t want = end + 4 + (cl < end ? std::stoul(in.substr(cl + 16)) : 0);
          if (in.size() < want) break;
          {
            std::lock_guard<std::mutex> lock(mu_);
            requests_.push_back(in.substr(0, want));
          }
          in.erase(0, want);
          const Step step = next < script_.size() ? script_[next++] : Step{};
          if (step.answer.empty()) {
            while (!stop_) std::this_thread::sleep_for(std::chrono::milliseconds(5));
            open = false;
            break;
          }
          (void)!write(conn, step.answer.data(), step.answer.size());
          if (step.close_after) {
            open = false;
            break;
          }
        }
      }
      close(conn);
    }
  }

  std::vector<Step> script_;
  std::string path_, address_;
  int fd_ = -1;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::mutex mu_;
  std::vector<std::string> requests_;
  std::thread thread_;
};

const char kAccepted[] =
    "HTTP/1.1 202 Accepted\r\nContent-Type: text/plain\r\nContent-Length: 20\r\n\r\n"
    "queued messages: 1\r\n";

}  // namespace

class NchanClientTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(NchanClientTest);
  CPPUNIT_TEST(testKeepsOneConnection);
  CPPUNIT_TEST(testChunkedAndUntilClose);
  CPPUNIT_TEST(testConnectionClosedWhileIdleIsRetriedOnce);
  CPPUNIT_TEST(testTcpWithPrefix);
  CPPUNIT_TEST(testFailures);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testKeepsOneConnection() {
    ScriptServer server({{kAccepted}, {"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"}}, false);
    NchanClient client(server.address(), 1000);
    int status = 0;
    CPPUNIT_ASSERT(client.Exchange("POST", "/dt-publish/user/7", "X-EventSource-Event: message\r\n", "{\"a\":1}", &status).ok());
    CPPUNIT_ASSERT_EQUAL(202, status);
    CPPUNIT_ASSERT(client.Exchange("DELETE", "/dt-publish/user/7", "", "", &status).ok());
    CPPUNIT_ASSERT_EQUAL(404, status);
    CPPUNIT_ASSERT_EQUAL(1, server.connections());
    const auto requests = server.requests();
    CPPUNIT_ASSERT_EQUAL(size_t{2}, requests.size());
    CPPUNIT_ASSERT_EQUAL(std::string("POST /dt-publish/user/7 HTTP/1.1\r\nHost: nchan\r\nContent-Length: 7\r\n"
                                     "X-EventSource-Event: message\r\n\r\n{\"a\":1}"),
                         requests[0]);
    CPPUNIT_ASSERT_EQUAL(std::string("DELETE /dt-publish/user/7 HTTP/1.1\r\nHost: nchan\r\nContent-Length: 0\r\n\r\n"),
                         requests[1]);
  }

  // A chunked answer keeps the connection; one read to its end closes it, and the next
  // request connects again.
  void testChunkedAndUntilClose() {
    ScriptServer server({{"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n3;x=1\r\nabc\r\n0\r\n\r\n"},
                         {"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end", true},
                         {kAccepted}},
                        false);
    NchanClient client(server.address(), 1000);
    int status = 0;
    for (int expected : {201, 200, 202}) {
      CPPUNIT_ASSERT(client.Exchange("POST", "/p", "", "x", &status).ok());
      CPPUNIT_ASSERT_EQUAL(expected, status);
    }
    CPPUNIT_ASSERT_EQUAL(2, server.connections());
    CPPUNIT_ASSERT_EQUAL(size_t{3}, server.requests().size());
  }

  // nginx ends a kept connection after its keepalive_timeout: the next request finds it
  // closed before anything of an answer came, and goes again on a new connection, once.
  void testConnectionClosedWhileIdleIsRetriedOnce() {
    ScriptServer server({{kAccepted, true}, {kAccepted}}, false);
    NchanClient client(server.address(), 1000);
    int status = 0;
    CPPUNIT_ASSERT(client.Exchange("POST", "/p", "", "1", &status).ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CPPUNIT_ASSERT(client.Exchange("POST", "/p", "", "2", &status).ok());
    CPPUNIT_ASSERT_EQUAL(202, status);
    CPPUNIT_ASSERT_EQUAL(2, server.connections());
    CPPUNIT_ASSERT_EQUAL(size_t{2}, server.requests().size());
  }

  void testTcpWithPrefix() {
    ScriptServer server({{kAccepted}}, true);
    NchanClient client(server.address() + "/nchan/", 1000);
    int status = 0;
    CPPUNIT_ASSERT(client.Exchange("POST", "/dt-publish/user/1", "", "{}", &status).ok());
    CPPUNIT_ASSERT_EQUAL(202, status);
    const std::string host = server.address().substr(7);
    CPPUNIT_ASSERT_EQUAL(std::string("POST /nchan/dt-publish/user/1 HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: 2\r\n\r\n{}"),
                         server.requests().at(0));
  }

  void testFailures() {
    int status = 0;
    {  // nobody listening
      NchanClient client("unix:/tmp/dt-nchan-test-nobody.sock", 200);
      Status s = client.Exchange("POST", "/p", "", "", &status);
      CPPUNIT_ASSERT(s.kind() == StatusKind::kUnavailable);
    }
    {  // no answer: the timeout, and not retried
      ScriptServer server({{""}}, false);
      NchanClient client(server.address(), 200);
      const auto start = std::chrono::steady_clock::now();
      Status s = client.Exchange("POST", "/p", "", "", &status);
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
      CPPUNIT_ASSERT(s.kind() == StatusKind::kUnavailable);
      CPPUNIT_ASSERT_MESSAGE(std::to_string(ms), ms >= 190 && ms < 1000);
      CPPUNIT_ASSERT_EQUAL(size_t{1}, server.requests().size());
    }
    {  // not HTTP, a body cut short, a body too long
      ScriptServer server({{"SSH-2.0-OpenSSH\r\n\r\n", true},
                           {"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", true},
                           {"HTTP/1.1 200 OK\r\nContent-Length: 99999999\r\n\r\n", true}},
                          false);
      NchanClient client(server.address(), 500);
      CPPUNIT_ASSERT(client.Exchange("POST", "/p", "", "", &status).kind() == StatusKind::kInternal);
      CPPUNIT_ASSERT(client.Exchange("POST", "/p", "", "", &status).kind() == StatusKind::kUnavailable);
      CPPUNIT_ASSERT(client.Exchange("POST", "/p", "", "", &status).kind() == StatusKind::kInternal);
    }
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(NchanClientTest, "unit");

}  // namespace dt
