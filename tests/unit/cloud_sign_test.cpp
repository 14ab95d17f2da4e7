// The SMS providers' request signatures (lib/outbound/cloud_sign.h) against the worked
// examples of the providers' own documentation, step by step: canonical request, string
// to sign, signature, Authorization.
#include <cppunit/extensions/HelperMacros.h>

#include "lib/core/crypto.h"
#include "lib/core/request_params.h"
#include "lib/outbound/cloud_sign.h"
#include "lib/outbound/sms_senders.h"

namespace dt {

class CloudSignTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(CloudSignTest);
  CPPUNIT_TEST(testAlibabaV3Example);
  CPPUNIT_TEST(testAlibabaPercentEncoding);
  CPPUNIT_TEST(testTencentV3Example);
  CPPUNIT_TEST(testTencentV3ExampleWithAction);
  CPPUNIT_TEST(testOutcomes);
  CPPUNIT_TEST_SUITE_END();

 public:
  // Alibaba Cloud, "Request syntax and signature method V3" (V3版本请求体&签名机制),
  // https://www.alibabacloud.com/help/en/sdk/product-overview/v3-request-structure-and-signature,
  // section "Fixed parameter values": RunInstances with an empty body.
  void testAlibabaV3Example() {
    const std::string hashed = Sha256Hex("");
    CPPUNIT_ASSERT_EQUAL(std::string("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"), hashed);
    const SignedFields query = {{"RegionId", "cn-shanghai"}, {"ImageId", "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd"}};
    const SignedFields headers = {
        {"host", "ecs.cn-shanghai.aliyuncs.com"},
        {"x-acs-action", "RunInstances"},
        {"x-acs-version", "2014-05-26"},
        {"x-acs-date", "2023-10-26T10:22:32Z"},
        {"x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d"},
        {"x-acs-content-sha256", hashed},
    };
    const CloudSignature s = Acs3Sign("POST", "/", query, headers, hashed, "YourAccessKeyId", "YourAccessKeySecret");
    CPPUNIT_ASSERT_EQUAL(std::string("POST\n/\n"
                                     "ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai\n"
                                     "host:ecs.cn-shanghai.aliyuncs.com\n"
                                     "x-acs-action:RunInstances\n"
                                     "x-acs-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
                                     "x-acs-date:2023-10-26T10:22:32Z\n"
                                     "x-acs-signature-nonce:3156853299f313e23d1673dc12e1703d\n"
                                     "x-acs-version:2014-05-26\n"
                                     "\n"
                                     "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version\n"
                                     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
                         s.canonical_request);
    CPPUNIT_ASSERT_EQUAL(std::string("ACS3-HMAC-SHA256\n7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259"),
                         s.string_to_sign);
    CPPUNIT_ASSERT_EQUAL(std::string("06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"), s.signature);
    CPPUNIT_ASSERT_EQUAL(std::string("ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;"
                                     "x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,"
                                     "Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"),
                         s.authorization);
  }

  // The same page: RFC 3986, space %20, '*' %2A, '~' kept; UTF-8 byte by byte.
  void testAlibabaPercentEncoding() {
    CPPUNIT_ASSERT_EQUAL(std::string("%20a%21%2A%27%28%29~%2B"), PercentEncode(" a!*'()~+"));
    CPPUNIT_ASSERT_EQUAL(std::string("%7B%22code%22%3A%221234%22%7D"), PercentEncode("{\"code\":\"1234\"}"));
    CPPUNIT_ASSERT_EQUAL(std::string("%E9%98%BF%E9%87%8C"), PercentEncode("阿里"));
    CPPUNIT_ASSERT_EQUAL(std::string("A=1&B=%20&a=2"), AcsCanonicalQuery({{"a", "2"}, {"B", " "}, {"A", "1"}}));
  }

  // Tencent Cloud API 3.0, "签名方法 v3" (Signature v3), the DescribeInstances example with
  // the keys AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE / Gu5t9xGARNpq86cd98joQYCN3EXAMPLE,
  // https://cloud.tencent.com/document/product/215/36792 (also /document/api/400/37390).
  void testTencentV3Example() {
    const std::string payload = "{\"Limit\": 1, \"Filters\": [{\"Values\": [\"\\u672a\\u547d\\u540d\"], \"Name\": \"instance-name\"}]}";
    const SignedFields headers = {{"Content-Type", "application/json; charset=utf-8"}, {"Host", "cvm.tencentcloudapi.com"}};
    const CloudSignature s = Tc3Sign("POST", "/", "", headers, payload, "cvm", 1551113065,
                                     "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE");
    CPPUNIT_ASSERT_EQUAL(std::string("POST\n/\n\n"
                                     "content-type:application/json; charset=utf-8\n"
                                     "host:cvm.tencentcloudapi.com\n"
                                     "\n"
                                     "content-type;host\n"
                                     "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"),
                         s.canonical_request);
    CPPUNIT_ASSERT_EQUAL(std::string("TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n"
                                     "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"),
                         s.string_to_sign);
    CPPUNIT_ASSERT_EQUAL(std::string("72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"), s.signature);
    CPPUNIT_ASSERT_EQUAL(std::string("TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/"
                                     "tc3_request, SignedHeaders=content-type;host, "
                                     "Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"),
                         s.authorization);
  }

  // The current version of the same page signs x-tc-action too, its value lower-cased
  // ("describeinstances"), with the example keys AKID + 32 '*' and 32 '*'.
  void testTencentV3ExampleWithAction() {
    const std::string payload = "{\"Limit\": 1, \"Filters\": [{\"Values\": [\"\\u672a\\u547d\\u540d\"], \"Name\": \"instance-name\"}]}";
    const SignedFields headers = {{"Content-Type", "application/json; charset=utf-8"},
                                  {"Host", "cvm.tencentcloudapi.com"},
                                  {"X-TC-Action", "DescribeInstances"}};
    const CloudSignature s = Tc3Sign("POST", "/", "", headers, payload, "cvm", 1551113065, "AKID" + std::string(32, '*'),
                                     std::string(32, '*'));
    CPPUNIT_ASSERT_EQUAL(std::string("TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n"
                                     "7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84"),
                         s.string_to_sign);
    CPPUNIT_ASSERT_EQUAL(std::string("10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f"), s.signature);
  }

  // How each provider's documented codes are judged (their SendSms and error-code pages).
  void testOutcomes() {
    CPPUNIT_ASSERT(AliyunOutcome("OK") == SmsOutcome::kSent);
    CPPUNIT_ASSERT(AliyunOutcome("isv.MOBILE_NUMBER_ILLEGAL") == SmsOutcome::kBadNumber);
    for (const char* code : {"isv.BUSINESS_LIMIT_CONTROL", "isp.SYSTEM_ERROR", "Throttling.User", "SignatureDoesNotMatch", "ok"}) {
      CPPUNIT_ASSERT_MESSAGE(code, AliyunOutcome(code) == SmsOutcome::kFailed);
    }
    CPPUNIT_ASSERT(TencentOutcome("Ok") == SmsOutcome::kSent);
    CPPUNIT_ASSERT(TencentOutcome("InvalidParameterValue.IncorrectPhoneNumber") == SmsOutcome::kBadNumber);
    CPPUNIT_ASSERT(TencentOutcome("FailedOperation.PhoneNumberInBlacklist") == SmsOutcome::kBadNumber);
    for (const char* code : {"LimitExceeded.PhoneNumberDailyLimit", "RequestLimitExceeded", "InternalError.Timeout",
                             "AuthFailure.SignatureFailure", "OK"}) {
      CPPUNIT_ASSERT_MESSAGE(code, TencentOutcome(code) == SmsOutcome::kFailed);
    }
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(CloudSignTest, "unit");

}  // namespace dt
