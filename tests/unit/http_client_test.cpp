// lib/outbound/http_client against servers on loopback made here: a plain HTTP server
// thread that records what it received and answers what it is told (or nothing), and
// `openssl s_server` with a certificate made for the test, for the TLS checks.
#include <arpa/inet.h>
#include <cppunit/extensions/HelperMacros.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

#include "lib/outbound/http_client.h"
#include "tests/unit/listen_socket.h"

namespace dt {
namespace {

// A one-connection HTTP server on 127.0.0.1 (or a unix socket): it reads one request and
// writes `answer` (nothing when empty: it holds the connection until stopped).
class OneShotServer {
 public:
  explicit OneShotServer(std::string answer, std::string unix_path = "")
      : answer_(std::move(answer)), unix_path_(std::move(unix_path)) {
    fd_ = unix_path_.empty() ? ListenLoopback(&port_) : ListenUnix(unix_path_);
    thread_ = std::thread([this] { Serve(); });
  }
  ~OneShotServer() {
    shutdown(fd_, SHUT_RDWR);
    if (conn_ >= 0) shutdown(conn_, SHUT_RDWR);
    thread_.join();
    close(fd_);
    if (!unix_path_.empty()) unlink(unix_path_.c_str());
  }

  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  // What the client sent (complete once Send has returned).
  const std::string& received() const { return received_; }

 private:
  void Serve() {
    conn_ = accept(fd_, nullptr, nullptr);
    if (conn_ < 0) return;
    char buf[4096];
    size_t want = std::string::npos;
    while (received_.size() < want) {
      const ssize_t n = read(conn_, buf, sizeof buf);
      if (n <= 0) break;
      received_.append(buf, n);
      const size_t end = received_.find("\r\n\r\n");
      if (end != std::string::npos && want == std::string::npos) {
        const size_t cl = received_.find("Content-Length: ");
        want = end + 4 + (cl != std::string::npos && cl < end ? std::stoul(received_.substr(cl + 16)) : 0);
      }
    }
    if (!answer_.empty()) {
      (void)!write(conn_, answer_.data(), answer_.size());
      close(conn_);
      conn_ = -1;
      return;
    }
    while (read(conn_, buf, sizeof buf) > 0) {  // holds on until the client or ~ gives up
    }
  }

  std::string answer_, unix_path_;
  int fd_ = -1, conn_ = -1, port_ = 0;
  std::string received_;
  std::thread thread_;
};

int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

class HttpClientTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(HttpClientTest);
  CPPUNIT_TEST(testRequestAndResponse);
  CPPUNIT_TEST(testRedirectsAreNotFollowed);
  CPPUNIT_TEST(testUnixSocket);
  CPPUNIT_TEST(testRefusedAndTimeout);
  CPPUNIT_TEST(testResponseBound);
  CPPUNIT_TEST(testTlsIsVerified);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override { InitOutbound(); }

  void testRequestAndResponse() {
    OneShotServer server(
        "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nWechatpay-Serial: 5157F09E\r\n"
        "Content-Length: 21\r\nConnection: close\r\n\r\n{\"prepay_id\":\"wx26\"}\n");
    HttpClient client;
    HttpRequest req;
    req.method = "POST";
    req.url = server.url("/v3/pay/transactions/app");
    req.headers = {{"Authorization", "WECHATPAY2-SHA256-RSA2048 mchid=\"1900009191\""},
                   {"Content-Type", "application/json"}};
    req.body = "{\"appid\":\"wxd678efh567hg6787\"}";
    HttpResponse resp;
    Status s = client.Send(req, &resp);
    CPPUNIT_ASSERT_MESSAGE(s.msg(), s.ok());
    CPPUNIT_ASSERT_EQUAL(201L, resp.status);
    CPPUNIT_ASSERT_EQUAL(std::string("{\"prepay_id\":\"wx26\"}\n"), resp.body);
    CPPUNIT_ASSERT(resp.Header("wechatpay-serial") && *resp.Header("wechatpay-serial") == "5157F09E");
    CPPUNIT_ASSERT(!resp.Header("x-missing"));
    const std::string& got = server.received();
    CPPUNIT_ASSERT_MESSAGE(got, got.rfind("POST /v3/pay/transactions/app HTTP/1.1\r\n", 0) == 0);
    CPPUNIT_ASSERT(got.find("\r\nAuthorization: WECHATPAY2-SHA256-RSA2048 mchid=\"1900009191\"\r\n") != std::string::npos);
    CPPUNIT_ASSERT(got.find("Expect:") == std::string::npos);
    CPPUNIT_ASSERT(got.size() > req.body.size() && got.substr(got.size() - req.body.size()) == req.body);
  }

  void testRedirectsAreNotFollowed() {
    OneShotServer server("HTTP/1.1 302 Found\r\nLocation: http://203.0.113.1/\r\nContent-Length: 0\r\n\r\n");
    HttpClient client;
    HttpRequest req;
    req.url = server.url("/");
    HttpResponse resp;
    CPPUNIT_ASSERT(client.Send(req, &resp).ok());
    CPPUNIT_ASSERT_EQUAL(302L, resp.status);
    CPPUNIT_ASSERT(server.received().rfind("GET / HTTP/1.1\r\n", 0) == 0);
  }

  // The events publisher speaks HTTP over nginx's unix socket.
  void testUnixSocket() {
    const std::string path = "/tmp/dt-http-client-test-" + std::to_string(getpid()) + ".sock";
    OneShotServer server("HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\nok", path);
    HttpOptions options;
    options.unix_socket = path;
    HttpClient client(options);
    HttpRequest req;
    req.method = "POST";
    req.url = "http://nchan/pub/user/7";
    req.body = "{}";
    HttpResponse resp;
    Status s = client.Send(req, &resp);
    CPPUNIT_ASSERT_MESSAGE(s.msg(), s.ok());
    CPPUNIT_ASSERT_EQUAL(202L, resp.status);
    CPPUNIT_ASSERT(server.received().rfind("POST /pub/user/7 HTTP/1.1\r\nHost: nchan\r\n", 0) == 0);
  }

  void testRefusedAndTimeout() {
    HttpClient client;
    HttpRequest req;
    req.url = "http://127.0.0.1:" + std::to_string(FreePort()) + "/";
    HttpResponse resp;
    Status refused = client.Send(req, &resp);
    CPPUNIT_ASSERT(refused.kind() == StatusKind::kUnavailable);
    // A server that accepts and never answers: the call gives up at its timeout.
    OneShotServer silent("");
    HttpOptions options;
    options.timeout_ms = 300;
    HttpClient impatient(options);
    req.url = silent.url("/slow");
    const auto start = std::chrono::steady_clock::now();
    Status late = impatient.Send(req, &resp);
    CPPUNIT_ASSERT(late.kind() == StatusKind::kUnavailable);
    CPPUNIT_ASSERT_MESSAGE(std::to_string(SecondsSince(start)), SecondsSince(start) < 3);
  }

  void testResponseBound() {
    OneShotServer server("HTTP/1.1 200 OK\r\nContent-Length: 2048\r\n\r\n" + std::string(2048, 'x'));
    HttpOptions options;
    options.max_response = 1024;
    HttpClient client(options);
    HttpRequest req;
    req.url = server.url("/big");
    HttpResponse resp;
    Status s = client.Send(req, &resp);
    CPPUNIT_ASSERT(!s.ok());
    CPPUNIT_ASSERT(s.kind() == StatusKind::kInternal);
  }

  // A certificate the system does not trust is refused; with its CA configured it passes,
  // but only for the name (here the address) it was made for.
  void testTlsIsVerified() {
    const std::string dir = "/tmp/dt-tls-test-" + std::to_string(getpid());
    CPPUNIT_ASSERT_EQUAL(0, system(("mkdir -p " + dir).c_str()));
    // A self-signed certificate for `san`, served by openssl s_server on a free port.
    auto serve = [&](const std::string& name, const std::string& san, int* port) {
      const std::string make = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
                               " -days 1 -subj /CN=dt-test -addext subjectAltName=" + san + " -keyout " + dir +
                               "/" + name + ".key -out " + dir + "/" + name + ".pem > /dev/null 2>&1";
      CPPUNIT_ASSERT_EQUAL(0, system(make.c_str()));
      *port = FreePort();
      const std::string accept = "127.0.0.1:" + std::to_string(*port);
      const std::string cert = dir + "/" + name + ".pem", key = dir + "/" + name + ".key";
      const pid_t pid = fork();
      if (pid == 0) {
        execlp("openssl", "openssl", "s_server", "-quiet", "-www", "-accept", accept.c_str(), "-cert", cert.c_str(),
               "-key", key.c_str(), static_cast<char*>(nullptr));
        _exit(127);
      }
      return pid;
    };
    int good_port = 0, named_port = 0;
    const pid_t good = serve("good", "IP:127.0.0.1", &good_port);
    const pid_t named = serve("named", "DNS:gateway.example", &named_port);
    auto url = [](int port) { return "https://127.0.0.1:" + std::to_string(port) + "/"; };
    HttpOptions trusting;
    trusting.ca_file = dir + "/good.pem";
    HttpRequest req;
    req.url = url(good_port);
    HttpResponse resp;
    Status s;
    for (int i = 0; i < 50; ++i) {  // until s_server listens
      HttpClient client(trusting);
      s = client.Send(req, &resp);
      if (s.ok()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    CPPUNIT_ASSERT_MESSAGE(s.msg(), s.ok());
    CPPUNIT_ASSERT_EQUAL(200L, resp.status);
    HttpClient system_store;
    CPPUNIT_ASSERT(system_store.Send(req, &resp).kind() == StatusKind::kUnavailable);
    HttpOptions other_ca;
    other_ca.ca_file = dir + "/named.pem";
    HttpClient wrong_ca(other_ca);
    CPPUNIT_ASSERT(wrong_ca.Send(req, &resp).kind() == StatusKind::kUnavailable);
    // Trusted, but made for another name than the one called.
    req.url = url(named_port);
    Status mismatch;
    for (int i = 0; i < 50; ++i) {
      HttpClient client(other_ca);
      mismatch = client.Send(req, &resp);
      if (mismatch.msg().find("onnect") == std::string::npos) break;  // listening now
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    CPPUNIT_ASSERT(mismatch.kind() == StatusKind::kUnavailable);
    CPPUNIT_ASSERT_MESSAGE(mismatch.msg(), mismatch.msg().find("SSL") != std::string::npos);
    for (pid_t pid : {good, named}) {
      kill(pid, SIGTERM);
      waitpid(pid, nullptr, 0);
    }
    CPPUNIT_ASSERT_EQUAL(0, system(("rm -rf " + dir).c_str()));
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(HttpClientTest, "unit");

}  // namespace dt
