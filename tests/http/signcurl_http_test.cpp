// scripts/signcurl.sh, the README's signing helper: the commands it prints pass the guard
// for an md5 app and an hmac-sha256 app, with UTF-8 values.
#include <cppunit/extensions/HelperMacros.h>

#include <cstdio>

#include "tests/http/http_support.h"

namespace dt {
namespace {

// Runs the command signcurl.sh prints for `args` and returns what curl received.
std::string RunSigned(const std::string& args) {
  return RunCommand("eval \"$(scripts/signcurl.sh -c " + TestConfigPath() + " -b " +
                    TestStack::Get().url() + " " + args + ")\"");
}

}  // namespace

class SigncurlHttpTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SigncurlHttpTest);
  CPPUNIT_TEST(testMd5AppWithUtf8);
  CPPUNIT_TEST(testHmacAppWithToken);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testMd5AppWithUtf8() {
    std::string phone = NewPhone();
    std::string out = RunSigned("POST /api/auth/sendsms phone=" + phone + " nickname=小明💕 'note=a b&c=d'");
    CPPUNIT_ASSERT_MESSAGE(out, out.find("\"code\":0") != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE(out, out.find(phone) != std::string::npos);
  }

  void testHmacAppWithToken() {
    Caller user = Login(NewPhone(), "HM256K");
    std::string out = RunSigned("-k HM256K -u " + std::to_string(user.user_id) + " -t " +
                                user.token + " POST /api/auth/logout");
    CPPUNIT_ASSERT_MESSAGE(out, out.find("\"code\":0") != std::string::npos);
    out = RunSigned("-k HM256K -u " + std::to_string(user.user_id) + " -t " + user.token +
                    " POST /api/auth/logout");
    CPPUNIT_ASSERT_MESSAGE(out, out.find("\"code\":504") != std::string::npos);
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(SigncurlHttpTest, "http");

}  // namespace dt
