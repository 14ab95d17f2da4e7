// The App Store's JWS verification against tests/data/vectors/appstore (copied verbatim
// from the team's vectors, made with a test chain under a stand-in for Apple Root CA - G3):
// every JWS gives its expected result, and transaction_ok decodes to what it must.
#include <cppunit/extensions/HelperMacros.h>
#include <json/reader.h>

#include <fstream>
#include <memory>
#include <sstream>

#include "lib/core/keys.h"
#include "lib/domain/appstore.h"

namespace dt {
namespace {

std::string Read(const std::string& path) {
  std::ifstream in("tests/data/vectors/appstore/" + path, std::ios::binary);
  CPPUNIT_ASSERT_MESSAGE(path, in.good());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Json::Value Vectors() {
  const std::string text = Read("vectors.json");
  Json::Value v;
  std::string errors;
  std::unique_ptr<Json::CharReader> reader(Json::CharReaderBuilder().newCharReader());
  CPPUNIT_ASSERT(reader->parse(text.data(), text.data() + text.size(), &v, &errors));
  return v;
}

std::string Root() {
  std::string root;
  std::string error;
  CPPUNIT_ASSERT_MESSAGE(error, CertificateDerFromPem(Read("test_root_ca_g3.pem"), &root, &error));
  return root;
}

}  // namespace

class AppStoreTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(AppStoreTest);
  CPPUNIT_TEST(testVectors);
  CPPUNIT_TEST(testBase64Url);
  CPPUNIT_TEST(testMalformed);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testVectors() {
    const Json::Value v = Vectors();
    const std::string root = Root();
    const std::string bundle = v["bundle_id"].asString();
    int checked = 0;
    for (const std::string& name : v["expect"].getMemberNames()) {
      const std::string expected = v["expect"][name].asString();
      Json::Value payload;
      std::string why;
      const bool verified = VerifyAppleJws(v["jws"][name].asString(), root, &payload, &why);
      if (expected == "valid") {
        CPPUNIT_ASSERT_MESSAGE(name + ": " + why, verified);
        // A notification's own payload names the bundle in data; a transaction's in itself.
        const Json::Value& named = payload.isMember("data") ? payload["data"] : payload;
        CPPUNIT_ASSERT_EQUAL_MESSAGE(name, bundle, named["bundleId"].asString());
      } else if (expected == "invalid (bundleId)") {
        // Signed correctly; the bundle is someone else's app.
        CPPUNIT_ASSERT_MESSAGE(name + ": " + why, verified);
        CPPUNIT_ASSERT_MESSAGE(name, payload["bundleId"].asString() != bundle);
      } else {
        CPPUNIT_ASSERT_MESSAGE(name + " verified", !verified);
      }
      ++checked;
    }
    CPPUNIT_ASSERT_EQUAL(8, checked);
    Json::Value payload;
    std::string why;
    CPPUNIT_ASSERT(VerifyAppleJws(v["jws"]["transaction_ok"].asString(), root, &payload, &why));
    CPPUNIT_ASSERT(payload == v["decoded_transaction_ok"]);
  }

  void testBase64Url() {
    std::string out;
    CPPUNIT_ASSERT(Base64UrlDecode("Zm9vYmFy", &out) && out == "foobar");
    CPPUNIT_ASSERT(Base64UrlDecode("Zm9vYg", &out) && out == "foob");
    CPPUNIT_ASSERT(Base64UrlDecode("-_8", &out) && out == "\xfb\xff");
    for (const char* bad : {"Zm9vYg==", "Zm+v", "Zm/v", "Z", "Zm9 v"}) CPPUNIT_ASSERT_MESSAGE(bad, !Base64UrlDecode(bad, &out));
  }

  void testMalformed() {
    const std::string root = Root();
    Json::Value payload;
    std::string why;
    for (const char* bad : {"", "a.b", "a.b.c.d", "..", "eyJhbGciOiJFUzI1NiJ9.e30.", "eyJhbGciOiJub25lIn0.e30."}) {
      CPPUNIT_ASSERT_MESSAGE(bad, !VerifyAppleJws(bad, root, &payload, &why));
    }
    std::string none;
    CPPUNIT_ASSERT(!CertificateDerFromPem("not a certificate", &none, &why));
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(AppStoreTest, "unit");

}  // namespace dt
