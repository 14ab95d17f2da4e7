// nginx in front of the workers, as configured in nginx/: the per-address limits of the SMS
// and upload routes, media folders, the production port-80 redirect.
#include <cppunit/extensions/HelperMacros.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/http/http_support.h"

namespace dt {
namespace {

// The second loopback address: another client to nginx, not exempt from its limits as
// the test runner's 127.0.0.1 is (nginx/dev.conf.in).
const char kOtherClient[] = "127.0.0.2";

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

class NginxHttpTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(NginxHttpTest);
  CPPUNIT_TEST(testSmsAndUploadLimitedPerAddress);
  CPPUNIT_TEST(testMediaFoldersAreJson404);
  CPPUNIT_TEST(testProductionRedirectKeepsTheMethod);
  CPPUNIT_TEST_SUITE_END();

 public:
  // Found by review (issue 16, item 3): nothing limited a flood of SMS or upload requests
  // from one address before it reached a worker. Now nginx answers 429 in the envelope
  // beyond a burst, counting unsigned requests too.
  void testSmsAndUploadLimitedPerAddress() {
    const std::string multipart = "--b\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nimage\r\n--b--\r\n";
    const struct {
      const char* target;
      std::string body, type;
    } routes[] = {{"/api/auth/sendsms", "phone=13900000000", "application/x-www-form-urlencoded"},
                  {"/api/upload", multipart, "multipart/form-data; boundary=b"}};
    for (const auto& route : routes) {
      int limited = 0, passed = 0;
      Response over;
      for (int i = 0; i < 20; ++i) {
        Response r = Raw("POST", route.target, route.body, route.type, kOtherClient);
        if (r.status == 429) {
          ++limited;
          over = r;
        } else {
          CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 300, r.code());  // appkey is none: reached a worker
          ++passed;
        }
      }
      CPPUNIT_ASSERT_MESSAGE(route.target, passed >= 10 && limited >= 5);
      CPPUNIT_ASSERT(over.is_json);
      CPPUNIT_ASSERT_EQUAL(429, over.code());
      CPPUNIT_ASSERT_EQUAL(1, over.data()["retry_after"].asInt());
      CPPUNIT_ASSERT_EQUAL(std::string("1"), over.headers["retry-after"]);
      CPPUNIT_ASSERT_EQUAL(size_t{32}, over.headers["x-request-id"].size());
      // Another address (here the exempt test runner) is not limited meanwhile.
      CPPUNIT_ASSERT_EQUAL(300, Raw("POST", route.target, route.body, route.type).code());
    }
    // The bucket refills: one a second for SMS.
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    CPPUNIT_ASSERT_EQUAL(300, Raw("POST", "/api/auth/sendsms", "phone=1", "application/x-www-form-urlencoded",
                                  kOtherClient).code());
  }

  // Found by review (item 12): a media folder answered nginx's HTML 403.
  void testMediaFoldersAreJson404() {
    const std::string media = TestStack::Get().config().media_url;  // http://127.0.0.1:18080/media/
    for (const std::string& url : {media, media + "image/", media + "image", media + ".incoming/",
                                   media + "image/00/"}) {
      Response r = Fetch(url);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(url, 404L, r.status);
      CPPUNIT_ASSERT_MESSAGE(url + " " + r.body, r.is_json);
      CPPUNIT_ASSERT_EQUAL(404, r.code());
    }
  }

  // Found by review (item 12): the production port-80 server answered 301, which clients
  // follow with a GET; 308 keeps the method and body. The server block of
  // nginx/datingtoday.conf is run as it is, on a test port.
  void testProductionRedirectKeepsTheMethod() {
    const std::string conf = ReadText("nginx/datingtoday.conf");
    const size_t listen = conf.find("    listen 80;");
    CPPUNIT_ASSERT(listen != std::string::npos);
    const size_t open = conf.rfind("server {", listen), close = conf.find("\n}", listen);
    std::string block = conf.substr(open, close + 2 - open);
    block.replace(block.find("    listen 80;"), strlen("    listen 80;"), "    listen 127.0.0.1:18099;");
    block.erase(block.find("    listen [::]:80;"), strlen("    listen [::]:80;"));
    const std::string dir = TestStack::Get().VarPath("nginx-redirect");
    RunCommand("mkdir -p " + dir + "/logs");
    std::ofstream(dir + "/nginx.conf")
        << (getuid() == 0 ? "user root;\n" : "") << "daemon off;\npid " << dir << "/nginx.pid;\nerror_log " << dir
        << "/error.log;\nevents {}\nhttp {\naccess_log off;\nclient_body_temp_path " << dir << ";\n" << block << "\n}\n";
    const pid_t pid = fork();
    if (pid == 0) {
      execlp("nginx", "nginx", "-p", dir.c_str(), "-c", (dir + "/nginx.conf").c_str(), nullptr);
      execl("/usr/sbin/nginx", "nginx", "-p", dir.c_str(), "-c", (dir + "/nginx.conf").c_str(), nullptr);
      _exit(127);
    }
    long status = 0;
    std::string location;
    for (int i = 0; i < 50 && status == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      std::string out = RunCommand("curl -s -o /dev/null -w '%{http_code} %{redirect_url}' -X POST -d a=1 "
                                   "-H 'Host: api.example.com' 'http://127.0.0.1:18099/api/auth/login?x=1'");
      if (out.rfind("000", 0) == 0) continue;
      status = std::stol(out.substr(0, 3));
      location = out.substr(4);
    }
    kill(pid, SIGTERM);
    waitpid(pid, nullptr, 0);
    CPPUNIT_ASSERT_EQUAL(308L, status);
    CPPUNIT_ASSERT_EQUAL(std::string("https://api.example.com/api/auth/login?x=1"), location);
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(NginxHttpTest, "http");

}  // namespace dt
