// Aliyun's and Tencent Cloud's SendSms; see sms_senders.h.
#include "lib/outbound/sms_senders.h"

#include <memory>

#include "lib/core/clock.h"
#include "lib/core/crypto.h"
#include "lib/core/json_read.h"
#include "lib/core/json_writer.h"
#include "lib/core/phone.h"
#include "lib/outbound/cloud_sign.h"
#include "lib/outbound/http_client.h"

namespace dt {
namespace {

// The calling thread's client for the providers ([sms] timeouts and CA file).
HttpClient& SmsClient(const Config& config) {
  HttpOptions options;
  options.connect_timeout_ms = config.sms_connect_timeout_ms;
  options.timeout_ms = config.sms_timeout_ms;
  options.ca_file = config.sms_ca_file;
  options.max_response = 64 << 10;
  return ThreadClient("sms", options);
}

// "host[:port]" and "/path/" of an endpoint URL ("https://dysmsapi.aliyuncs.com/").
void SplitEndpoint(const std::string& url, std::string* host, std::string* path) {
  const size_t start = url.find("://") + 3;
  const size_t slash = url.find('/', start);
  *host = url.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
  *path = slash == std::string::npos ? "/" : url.substr(slash);
}

// The call itself; a transport failure or a 5xx is a failure before any body is judged.
bool Call(const Config& config, const HttpRequest& request, HttpResponse* response,
          SmsResult* failed) {
  Status sent = SmsClient(config).Send(request, response);
  if (!sent.ok()) {
    *failed = {SmsOutcome::kFailed, sent.msg()};
    return false;
  }
  if (response->status >= 500) {
    *failed = {SmsOutcome::kFailed, "HTTP " + std::to_string(response->status)};
    return false;
  }
  return true;
}

class AliyunSmsSender : public SmsSender {
 public:
  explicit AliyunSmsSender(const Config& config) : config_(config) {
    SplitEndpoint(config.aliyun_endpoint, &host_, &path_);
  }
  const std::string& name() const override { return name_; }

  SmsResult Send(const SmsMessage& m) override {
    const std::string& template_code =
        m.international ? config_.aliyun_international_template_code : config_.aliyun_template_code;
    if (template_code.empty()) return {SmsOutcome::kSkipped, "no international template"};
    // Mainland numbers as the national number, others as country code and number, no '+'.
    const std::string number =
        m.international ? std::string(m.phone.substr(1)) : NationalNumber(m.phone);
    JsonWriter param;
    param.Str("code", m.code);
    const SignedFields query = {{"PhoneNumbers", number},
                                {"SignName", config_.aliyun_sign_name},
                                {"TemplateCode", template_code},
                                {"TemplateParam", param.Close()}};
    const int64_t now = SystemClock().NowSeconds();
    const std::string hashed = Sha256Hex("");
    const SignedFields headers = {
        {"host", host_},
        {"x-acs-action", "SendSms"},
        {"x-acs-version", "2017-05-25"},
        {"x-acs-date", FormatUtc(now, "%Y-%m-%dT%H:%M:%SZ")},
        {"x-acs-signature-nonce", HexEncode(RandomBytes(16))},
        {"x-acs-content-sha256", hashed},
    };
    const CloudSignature sig =
        Acs3Sign("POST", path_, query, headers, hashed, config_.aliyun_access_key_id,
                 config_.aliyun_access_key_secret);
    HttpRequest request;
    request.method = "POST";
    request.url = config_.aliyun_endpoint + "?" + AcsCanonicalQuery(query);
    request.headers.assign(headers.begin(), headers.end());
    request.headers.emplace_back("Authorization", sig.authorization);
    HttpResponse response;
    SmsResult result;
    if (!Call(config_, request, &response, &result)) return result;
    Json::Value body;
    if (!ParseJsonObject(response.body, &body) || !body["Code"].isString()) {
      return {SmsOutcome::kFailed, "HTTP " + std::to_string(response.status) + ", no Code"};
    }
    const std::string code = body["Code"].asString();
    return {AliyunOutcome(code), code};
  }

 private:
  const Config& config_;
  std::string name_ = "aliyun";
  std::string host_, path_;
};

class TencentSmsSender : public SmsSender {
 public:
  explicit TencentSmsSender(const Config& config) : config_(config) {
    SplitEndpoint(config.tencent_endpoint, &host_, &path_);
  }
  const std::string& name() const override { return name_; }

  SmsResult Send(const SmsMessage& m) override {
    const std::string& template_id =
        m.international ? config_.tencent_international_template_id : config_.tencent_template_id;
    if (template_id.empty()) return {SmsOutcome::kSkipped, "no international template"};
    JsonWriter body;
    body.Array("PhoneNumberSet").Str(m.phone).End();
    body.Str("SmsSdkAppId", config_.tencent_sdk_app_id).Str("SignName", config_.tencent_sign_name);
    body.Str("TemplateId", template_id).Array("TemplateParamSet").Str(m.code).End();
    const std::string payload = body.Close();
    const int64_t now = SystemClock().NowSeconds();
    const SignedFields signed_headers = {{"Content-Type", "application/json; charset=utf-8"},
                                         {"Host", host_}};
    const CloudSignature sig = Tc3Sign("POST", path_, "", signed_headers, payload, "sms", now,
                                       config_.tencent_secret_id, config_.tencent_secret_key);
    HttpRequest request;
    request.method = "POST";
    request.url = config_.tencent_endpoint;
    request.body = payload;
    request.headers.assign(signed_headers.begin(), signed_headers.end());
    request.headers.insert(request.headers.end(), {{"X-TC-Action", "SendSms"},
                                                   {"X-TC-Version", "2021-01-11"},
                                                   {"X-TC-Timestamp", std::to_string(now)},
                                                   {"X-TC-Region", config_.tencent_region},
                                                   {"Authorization", sig.authorization}});
    HttpResponse response;
    SmsResult result;
    if (!Call(config_, request, &response, &result)) return result;
    Json::Value answer;
    if (!ParseJsonObject(response.body, &answer) || !answer["Response"].isObject()) {
      return {SmsOutcome::kFailed, "HTTP " + std::to_string(response.status) + ", no Response"};
    }
    const Json::Value& r = answer["Response"];
    // A request-level error, or the status of our one number.
    const Json::Value& error = r["Error"];
    const Json::Value& status = r["SendStatusSet"];
    const std::string code = error.isObject()                         ? error["Code"].asString()
                             : status.isArray() && status.size() == 1 ? status[0]["Code"].asString()
                                                                      : "";
    if (code.empty()) return {SmsOutcome::kFailed, "no SendStatus"};
    return {TencentOutcome(code), code};
  }

 private:
  const Config& config_;
  std::string name_ = "tencent";
  std::string host_, path_;
};

}  // namespace

SmsOutcome AliyunOutcome(const std::string& code) {
  if (code == "OK") return SmsOutcome::kSent;
  if (code == "isv.MOBILE_NUMBER_ILLEGAL") return SmsOutcome::kBadNumber;
  return SmsOutcome::kFailed;
}

SmsOutcome TencentOutcome(const std::string& code) {
  if (code == "Ok") return SmsOutcome::kSent;
  if (code == "InvalidParameterValue.IncorrectPhoneNumber" ||
      code == "FailedOperation.PhoneNumberInBlacklist" ||
      code == "UnsupportedOperation.UnsuportedRegion") {
    return SmsOutcome::kBadNumber;
  }
  return SmsOutcome::kFailed;
}

SmsSenders MakeSmsSenders(const Config& config) {
  SmsSenders senders;
  for (const std::string& name : config.sms_senders) {
    if (name == "aliyun") {
      senders.push_back(std::make_unique<AliyunSmsSender>(config));
    } else if (name == "tencent") {
      senders.push_back(std::make_unique<TencentSmsSender>(config));
    } else {
      senders.push_back(std::make_unique<LogSmsSender>(config.sms_outbox));
    }
  }
  return senders;
}

}  // namespace dt
