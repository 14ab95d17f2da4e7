// The gateways' cryptography against tests/data/vectors/ (copied verbatim from the team's
// shared vectors, made from the gateways' documentation with test keys, independently of
// this code; their README says what each must give): the exact signatures RSA PKCS#1 v1.5
// gives, notifies that must verify, and tampered ones that must not.
#include <cppunit/extensions/HelperMacros.h>
#include <json/reader.h>
#include <json/value.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "lib/core/keys.h"
#include "lib/core/request_params.h"
#include "lib/domain/alipay.h"
#include "lib/domain/wechatpay.h"
#include "lib/outbound/alipay_client.h"

namespace dt {
namespace {

std::string Read(const std::string& path) {
  std::ifstream in("tests/data/vectors/" + path, std::ios::binary);
  CPPUNIT_ASSERT_MESSAGE(path, in.good());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Json::Value ReadJson(const std::string& path) {
  const std::string text = Read(path);
  Json::Value v;
  std::string errors;
  std::unique_ptr<Json::CharReader> reader(Json::CharReaderBuilder().newCharReader());
  CPPUNIT_ASSERT_MESSAGE(path, reader->parse(text.data(), text.data() + text.size(), &v, &errors));
  return v;
}

RsaKey PrivateKey(const std::string& path) {
  RsaKey key;
  std::string error;
  CPPUNIT_ASSERT_MESSAGE(path + ": " + error, RsaKey::FromPrivatePem(Read(path), &key, &error));
  return key;
}

RsaKey PublicKey(const std::string& path) {
  RsaKey key;
  std::string error;
  CPPUNIT_ASSERT_MESSAGE(path + ": " + error, RsaKey::FromPublicPem(Read(path), &key, &error));
  return key;
}

// A form body as the dispatcher's parser gives it: decoded pairs, in order.
AlipayParams Form(const std::string& body) { return DecodeForm(body); }

}  // namespace

class GatewayVectorsTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(GatewayVectorsTest);
  CPPUNIT_TEST(testCopiesAreTheSharedVectors);
  CPPUNIT_TEST(testKeys);
  CPPUNIT_TEST(testBase64AndGcm);
  CPPUNIT_TEST(testAlipayAppOrder);
  CPPUNIT_TEST(testAlipayNotify);
  CPPUNIT_TEST(testWechatRequestAuthorization);
  CPPUNIT_TEST(testWechatAppPayParams);
  CPPUNIT_TEST(testWechatNotify);
  CPPUNIT_TEST(testRawJsonMember);
  CPPUNIT_TEST_SUITE_END();

 public:
  // tests/data/vectors/ is a verbatim copy of the team's ../shared/vectors/ (a fresh clone
  // has no ../shared): where the shared set is there, every file must be byte for byte
  // the same, so the copy cannot drift from the reference.
  void testCopiesAreTheSharedVectors() {
    const std::filesystem::path shared = "../shared/vectors";
    if (!std::filesystem::exists(shared)) return;
    int compared = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(shared)) {
      if (!entry.is_regular_file()) continue;
      const std::string relative = std::filesystem::relative(entry.path(), shared).string();
      std::ifstream in(entry.path(), std::ios::binary);
      std::stringstream reference;
      reference << in.rdbuf();
      CPPUNIT_ASSERT_MESSAGE(relative + " differs from ../shared/vectors", Read(relative) == reference.str());
      ++compared;
    }
    CPPUNIT_ASSERT(compared >= 20);
  }

  void testKeys() {
    const RsaKey merchant = PrivateKey("alipay/merchant_private_key.pem");
    CPPUNIT_ASSERT(merchant.has_private());
    CPPUNIT_ASSERT(merchant.SamePublicKey(PublicKey("alipay/merchant_public_key.pem")));
    CPPUNIT_ASSERT(!merchant.SamePublicKey(PublicKey("alipay/alipay_public_key.pem")));
    RsaKey key;
    std::string error;
    CPPUNIT_ASSERT(!RsaKey::FromPrivatePem("not a key", &key, &error));
    CPPUNIT_ASSERT(!RsaKey::FromPublicPem(Read("alipay/merchant_private_key.pem"), &key, &error));
    // Alipay's consoles give the public key as bare base64 of its DER.
    std::string pem = Read("alipay/alipay_public_key.pem"), bare;
    for (const std::string& line : {std::string("-----BEGIN PUBLIC KEY-----"), std::string("-----END PUBLIC KEY-----")}) {
      pem.erase(pem.find(line), line.size());
    }
    for (char c : pem) {
      if (c != '\n' && c != '\r') bare += c;
    }
    CPPUNIT_ASSERT_MESSAGE(error, RsaKey::FromPublicBase64(bare, &key, &error));
    CPPUNIT_ASSERT(key.SamePublicKey(PublicKey("alipay/alipay_public_key.pem")));
    CPPUNIT_ASSERT(RsaSha256SignBase64(key, "x").empty());  // a public key cannot sign
  }

  void testBase64AndGcm() {
    for (const std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
      std::string back;
      CPPUNIT_ASSERT(Base64Decode(Base64Encode(s), &back));
      CPPUNIT_ASSERT_EQUAL(s, back);
    }
    CPPUNIT_ASSERT_EQUAL(std::string("Zm9vYmFy"), Base64Encode("foobar"));
    std::string out;
    for (const char* bad : {"Zm9", "Zm9v YmFy", "Zm=v", "Z===", "Zm9v\n"}) CPPUNIT_ASSERT_MESSAGE(bad, !Base64Decode(bad, &out));
    const std::string key(32, 'k');
    std::string sealed, plain;
    CPPUNIT_ASSERT(Aes256GcmSeal(key, "nonce1234567", "aad", "hello", &sealed));
    CPPUNIT_ASSERT_EQUAL(size_t{5 + 16}, sealed.size());
    CPPUNIT_ASSERT(Aes256GcmOpen(key, "nonce1234567", "aad", sealed, &plain));
    CPPUNIT_ASSERT_EQUAL(std::string("hello"), plain);
    CPPUNIT_ASSERT(!Aes256GcmOpen(key, "nonce1234567", "other", sealed, &plain));
    sealed[0] ^= 1;
    CPPUNIT_ASSERT(!Aes256GcmOpen(key, "nonce1234567", "aad", sealed, &plain));
    CPPUNIT_ASSERT(!Aes256GcmOpen(std::string(16, 'k'), "nonce1234567", "aad", sealed, &plain));
  }

  void testAlipayAppOrder() {
    const Json::Value v = ReadJson("alipay/app_order.json");
    AlipayParams params;
    for (const std::string& k : v["params"].getMemberNames()) params.emplace_back(k, v["params"][k].asString());
    CPPUNIT_ASSERT_EQUAL(v["sign_content"].asString(), AlipaySignContent(params));
    const RsaKey merchant = PrivateKey("alipay/merchant_private_key.pem");
    CPPUNIT_ASSERT_EQUAL(v["expected_sign"].asString(), RsaSha256SignBase64(merchant, AlipaySignContent(params)));
    // The order string carries every parameter form-encoded, sorted, and the sign last.
    const std::string order = AlipayOrderString(params, merchant);
    CPPUNIT_ASSERT(order.rfind("app_id=2021000122600001&biz_content=%7B%22out_trade_no%22", 0) == 0);
    CPPUNIT_ASSERT(order.find("&timestamp=2026-12-01+15%3A04%3A00&version=1.0&sign=") != std::string::npos);
    const std::string tail = order.substr(order.find("&sign=") + 6);
    CPPUNIT_ASSERT_EQUAL(v["expected_sign"].asString(), DecodeForm("s=" + tail).at(0).second);
    CPPUNIT_ASSERT(AlipayOrderString(params, PublicKey("alipay/merchant_public_key.pem")).empty());
  }

  void testAlipayNotify() {
    const RsaKey alipay = PublicKey("alipay/alipay_public_key.pem");
    const AlipayParams ok = Form(Read("alipay/notify_ok.body"));
    std::string canonical = Read("alipay/notify_ok.canonical");
    while (!canonical.empty() && (canonical.back() == '\n' || canonical.back() == '\r')) canonical.pop_back();
    CPPUNIT_ASSERT_EQUAL(canonical, AlipaySignContent(ok, {"sign", "sign_type"}));
    CPPUNIT_ASSERT(AlipayNotifyVerifies(ok, alipay));
    CPPUNIT_ASSERT(!AlipayNotifyVerifies(Form(Read("alipay/notify_tampered.body")), alipay));
    CPPUNIT_ASSERT(!AlipayNotifyVerifies(ok, PublicKey("alipay/merchant_public_key.pem")));  // another key
    AlipayParams unsigned_notify = ok;
    for (auto& [k, val] : unsigned_notify) {
      if (k == "sign") val.clear();
    }
    CPPUNIT_ASSERT(!AlipayNotifyVerifies(unsigned_notify, alipay));
  }

  void testWechatRequestAuthorization() {
    const Json::Value v = ReadJson("wechatpay/request_auth.json");
    const std::string message = WechatRequestMessage(v["method"].asString(), v["url"].asString(), v["timestamp"].asString(),
                                                     v["nonce_str"].asString(), v["body"].asString());
    CPPUNIT_ASSERT_EQUAL(v["message"].asString(), message);
    const RsaKey merchant = PrivateKey("wechatpay/merchant_private_key.pem");
    CPPUNIT_ASSERT_EQUAL(v["expected_signature"].asString(), RsaSha256SignBase64(merchant, message));
    CPPUNIT_ASSERT_EQUAL(v["expected_authorization"].asString(),
                         WechatAuthorization(merchant, v["mchid"].asString(), v["serial_no"].asString(),
                                             v["timestamp"].asString(), v["nonce_str"].asString(), message));
  }

  void testWechatAppPayParams() {
    const Json::Value v = ReadJson("wechatpay/app_pay_params.json");
    const RsaKey merchant = PrivateKey("wechatpay/merchant_private_key.pem");
    CPPUNIT_ASSERT_EQUAL(v["expected_sign"].asString(),
                         WechatAppSign(merchant, v["appid"].asString(), v["timestamp"].asString(),
                                       v["noncestr"].asString(), v["prepayid"].asString()));
  }

  // Alipay signs the response object's bytes as they stand in the body.
  void testRawJsonMember() {
    const std::string body =
        "{\"alipay_trade_query_response\":{\"code\":\"10000\",\"msg\":\"Success\",\"x\":\"a}\\\"b\","
        "\"n\":{\"k\":[1,{\"y\":2}]}} ,\"sign\":\"c2lnbg==\",\"num\":12}";
    std::string_view v;
    CPPUNIT_ASSERT(RawJsonMember(body, "alipay_trade_query_response", &v));
    CPPUNIT_ASSERT_EQUAL(std::string("{\"code\":\"10000\",\"msg\":\"Success\",\"x\":\"a}\\\"b\",\"n\":{\"k\":[1,{\"y\":2}]}}"),
                         std::string(v));
    CPPUNIT_ASSERT(RawJsonMember(body, "sign", &v));
    CPPUNIT_ASSERT_EQUAL(std::string("\"c2lnbg==\""), std::string(v));
    CPPUNIT_ASSERT(RawJsonMember(body, "num", &v));
    CPPUNIT_ASSERT_EQUAL(std::string("12"), std::string(v));
    CPPUNIT_ASSERT(!RawJsonMember(body, "code", &v));  // nested members are not the top's
    CPPUNIT_ASSERT(!RawJsonMember("{\"a\":\"unterminated", "a", &v));
    CPPUNIT_ASSERT(!RawJsonMember("not json", "a", &v));
  }

  void testWechatNotify() {
    const RsaKey platform = PublicKey("wechatpay/wechatpay_public_key.pem");
    const Json::Value ok = ReadJson("wechatpay/notify_ok.json");
    const Json::Value& h = ok["headers"];
    CPPUNIT_ASSERT(WechatSignatureVerifies(platform, h["Wechatpay-Timestamp"].asString(), h["Wechatpay-Nonce"].asString(),
                                           ok["body"].asString(), h["Wechatpay-Signature"].asString()));
    CPPUNIT_ASSERT(!WechatSignatureVerifies(platform, h["Wechatpay-Timestamp"].asString(), "another-nonce",
                                            ok["body"].asString(), h["Wechatpay-Signature"].asString()));
    const Json::Value bad = ReadJson("wechatpay/notify_tampered.json");
    const Json::Value& bh = bad["headers"];
    CPPUNIT_ASSERT(!WechatSignatureVerifies(platform, bh["Wechatpay-Timestamp"].asString(), bh["Wechatpay-Nonce"].asString(),
                                            bad["body"].asString(), bh["Wechatpay-Signature"].asString()));
    // The resource opens with the APIv3 key into the documented transaction.
    Json::Value body;
    std::string errors;
    const std::string text = ok["body"].asString();
    std::unique_ptr<Json::CharReader> reader(Json::CharReaderBuilder().newCharReader());
    CPPUNIT_ASSERT(reader->parse(text.data(), text.data() + text.size(), &body, &errors));
    const Json::Value& r = body["resource"];
    std::string plain;
    CPPUNIT_ASSERT(WechatOpenResource(ok["api_v3_key"].asString(), r["nonce"].asString(), r["associated_data"].asString(),
                                      r["ciphertext"].asString(), &plain));
    Json::Value transaction;
    CPPUNIT_ASSERT(reader->parse(plain.data(), plain.data() + plain.size(), &transaction, &errors));
    CPPUNIT_ASSERT(transaction == ok["decrypted"]);
    CPPUNIT_ASSERT(!WechatOpenResource(std::string(32, 'x'), r["nonce"].asString(), r["associated_data"].asString(),
                                       r["ciphertext"].asString(), &plain));
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(GatewayVectorsTest, "unit");

}  // namespace dt
