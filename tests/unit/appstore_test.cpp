// The App Store's JWS verification against tests/data/vectors/appstore (copied verbatim
// from the team's vectors, made with a test chain under a stand-in for Apple Root CA - G3):
// every JWS gives its expected result, and transaction_ok decodes to what it must.
#include <cppunit/extensions/HelperMacros.h>
#include <json/reader.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

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
  CPPUNIT_TEST(testEs256);
  CPPUNIT_TEST(testMintedVerifies);
  CPPUNIT_TEST(testDevChainIsTheVectors);
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
    CPPUNIT_ASSERT_EQUAL(std::string("-_8"), Base64UrlEncode("\xfb\xff"));
    CPPUNIT_ASSERT_EQUAL(std::string("Zm9vYg"), Base64UrlEncode("foob"));
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

  // ES256 as JWS writes it: 64 bytes r||s, verified by the public half only, and by
  // nothing else (another key, other data, a flipped bit); only P-256 keys load.
  void testEs256() {
    EcKey leaf, other, wrong;
    std::string error;
    CPPUNIT_ASSERT_MESSAGE(error, EcKey::FromPrivatePem(Read("test_chain/leaf.key"), &leaf, &error));
    EVP_PKEY* generated = EVP_EC_gen("P-256");
    CPPUNIT_ASSERT(generated);
    CPPUNIT_ASSERT_MESSAGE(error, EcKey::FromPublic(generated, &other, &error));
    EVP_PKEY_free(generated);  // `other` holds its own reference
    // The test intermediate's key is P-384, as Apple's is: not an ES256 key.
    CPPUNIT_ASSERT(!EcKey::FromPrivatePem(Read("test_chain/inter.key"), &wrong, &error));
    CPPUNIT_ASSERT_EQUAL(std::string("not a P-256 key"), error);
    const std::string signature = Es256Sign(leaf, "header.payload");
    CPPUNIT_ASSERT_EQUAL(size_t{64}, signature.size());
    CPPUNIT_ASSERT(Es256Verify(leaf, "header.payload", signature));
    CPPUNIT_ASSERT(!Es256Verify(leaf, "header.payloaD", signature));
    CPPUNIT_ASSERT(!Es256Verify(other, "header.payload", signature));
    std::string flipped = signature;
    flipped[10] = static_cast<char>(flipped[10] ^ 1);
    CPPUNIT_ASSERT(!Es256Verify(leaf, "header.payload", flipped));
    CPPUNIT_ASSERT(!Es256Verify(leaf, "header.payload", signature.substr(0, 63)));
    CPPUNIT_ASSERT(!Es256Verify(wrong, "header.payload", signature));  // no key
    CPPUNIT_ASSERT(Es256Sign(wrong, "x").empty());
    std::ifstream rsa("config/dev/alipay/merchant_private_key.pem");
    std::stringstream pem;
    pem << rsa.rdbuf();
    CPPUNIT_ASSERT(!pem.str().empty());
    CPPUNIT_ASSERT(!EcKey::FromPrivatePem(pem.str(), &wrong, &error));
    CPPUNIT_ASSERT_EQUAL(std::string("not a P-256 key"), error);
  }

  // config/dev/appstore (dtcurl's chain, the dev config's root) is the vectors' own.
  void testDevChainIsTheVectors() {
    for (const char* name : {"test_root_ca_g3.pem", "test_chain/leaf.key", "test_chain/leaf.pem", "test_chain/inter.pem"}) {
      std::ifstream in(std::string("config/dev/appstore/") + name, std::ios::binary);
      std::stringstream copy;
      copy << in.rdbuf();
      CPPUNIT_ASSERT_MESSAGE(name, !copy.str().empty() && copy.str() == Read(name));
    }
  }

  // What MintAppleJws signs with the test chain, VerifyAppleJws accepts, payload intact;
  // the same minted with the leaf's certificate swapped for the intermediate's does not.
  void testMintedVerifies() {
    EcKey leaf;
    std::string error, leaf_der, inter_der;
    CPPUNIT_ASSERT(EcKey::FromPrivatePem(Read("test_chain/leaf.key"), &leaf, &error));
    CPPUNIT_ASSERT(CertificateDerFromPem(Read("test_chain/leaf.pem"), &leaf_der, &error));
    CPPUNIT_ASSERT(CertificateDerFromPem(Read("test_chain/inter.pem"), &inter_der, &error));
    const std::string jws = MintAppleJws("{\"bundleId\":\"com.datingtoday.app\",\"n\":1}", leaf, {leaf_der, inter_der, Root()});
    Json::Value payload;
    std::string why;
    CPPUNIT_ASSERT_MESSAGE(why, VerifyAppleJws(jws, Root(), &payload, &why));
    CPPUNIT_ASSERT_EQUAL(1, payload["n"].asInt());
    Json::Value read;
    CPPUNIT_ASSERT(AppleJwsPayload(jws, &read) && read == payload);
    CPPUNIT_ASSERT(!AppleJwsPayload("a.b", &read));
    const std::string swapped = MintAppleJws("{}", leaf, {inter_der, inter_der, Root()});
    CPPUNIT_ASSERT(!VerifyAppleJws(swapped, Root(), &payload, &why));
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(AppStoreTest, "unit");

}  // namespace dt
