// The SMS providers as fakegate plays them: Aliyun's Dysmsapi SendSms and Tencent Cloud's
// SMS SendSms, at the paths of the config's [sms.aliyun] and [sms.tencent] endpoints. Each
// call of ours is checked as the provider documents it (the signature recomputed from what
// arrived, the credential, the time and nonce, the action and version, then the sign
// name, the template for a domestic or an international number and the code parameter)
// and refused in the provider's own words; then it is answered as the mode says:
//   POST /control/sms/mode  provider=aliyun|tencent, mode=up|down|slow|throttle|badnumber|
//                           error: accepted; HTTP 503; accepted after 10 s; the provider's
//                           throttling code; its invalid-number code; its system error
//   GET  /control/sms/sent  what was accepted, a line each: provider, number, template, code
// A delivered code is also appended to the config's [sms] outbox as the log sender writes
// it (with " via=<provider>"), so a developer still reads codes locally.
#include <fcntl.h>
#include <json/reader.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "lib/core/clock.h"
#include "lib/core/crypto.h"
#include "lib/core/json_writer.h"
#include "lib/core/request_params.h"
#include "lib/outbound/cloud_sign.h"
#include "tools/fake_http.h"

namespace fake {
namespace {

struct SmsState {
  dt::Config config;
  std::string aliyun_path, tencent_path, outbox;
  std::mutex mu;
  std::map<std::string, std::string> mode = {{"aliyun", "up"}, {"tencent", "up"}};
  std::set<std::string> nonces;  // Aliyun's x-acs-signature-nonce, each once
  std::string sent;
  uint64_t serial = 0;
};

SmsState* s = nullptr;

std::string PathOf(const std::string& url) {
  const size_t start = url.find("://");
  const size_t slash = start == std::string::npos ? start : url.find('/', start + 3);
  return slash == std::string::npos ? "/" : url.substr(slash);
}

std::string Header(const Request& r, const std::string& name) {
  auto it = r.headers.find(name);
  return it == r.headers.end() ? "" : it->second;
}

std::string ModeOf(const std::string& provider) {
  std::lock_guard<std::mutex> lock(s->mu);
  return s->mode[provider];
}

std::string NextId() {
  std::lock_guard<std::mutex> lock(s->mu);
  return std::to_string(++s->serial);
}

void Deliver(const std::string& provider, const std::string& number, const std::string& tmpl,
             const std::string& code) {
  std::lock_guard<std::mutex> lock(s->mu);
  s->sent += provider + " " + number + " " + tmpl + " " + code + "\n";
  if (s->outbox.empty()) return;
  const int fd = open(s->outbox.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return;
  const std::string line = dt::FormatUtc(dt::SystemClock().NowSeconds()) + " to=" + number +
                           " code=" + code + " via=" + provider + "\n";
  if (write(fd, line.data(), line.size()) < 0) {
    // the outbox is a convenience; the sent list above is the record
  }
  close(fd);
}

// "key=value,key=value" (Aliyun's Authorization) or "key=value, key=value" (Tencent's).
std::map<std::string, std::string> AuthFields(const std::string& text) {
  std::map<std::string, std::string> out;
  std::istringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    const size_t first = item.find_first_not_of(' ');
    const size_t eq = item.find('=');
    if (first == std::string::npos || eq == std::string::npos) continue;
    out[item.substr(first, eq - first)] = item.substr(eq + 1);
  }
  return out;
}

bool ValidCode(const std::string& code) {
  return code.size() >= 4 && code.size() <= 8 &&
         code.find_first_not_of("0123456789") == std::string::npos;
}

void AliyunAnswer(int fd, int status, const std::string& code, const std::string& message) {
  dt::JsonWriter w;
  w.Str("Code", code).Str("Message", message);
  if (code == "OK") w.Str("BizId", "90061974693649" + NextId());
  w.Str("RequestId", "F655A8D5-B967-440B-8683-" + dt::HexEncode(dt::RandomBytes(6)));
  Answer(fd, status, "application/json;charset=utf-8", w.Close());
}

// Dysmsapi SendSms, ACS3-HMAC-SHA256.
void Aliyun(int fd, const Request& r) {
  const dt::Config& c = s->config;
  const std::string auth = Header(r, "authorization");
  const std::string prefix = "ACS3-HMAC-SHA256 ";
  if (auth.rfind(prefix, 0) != 0) {
    return AliyunAnswer(fd, 400, "MissingAuthorization", "Authorization is missing.");
  }
  std::map<std::string, std::string> f = AuthFields(auth.substr(prefix.size()));
  if (f["Credential"] != c.aliyun_access_key_id) {
    return AliyunAnswer(fd, 404, "InvalidAccessKeyId.NotFound",
                        "Specified access key is not found.");
  }
  // The signed headers as they arrived: host and every x-acs-* must be among them.
  dt::SignedFields headers;
  std::set<std::string> named;
  std::istringstream names(f["SignedHeaders"]);
  std::string name;
  while (std::getline(names, name, ';')) {
    named.insert(name);
    headers.emplace_back(name, Header(r, name));
  }
  for (const auto& [header, value] : r.headers) {
    if ((header == "host" || header.rfind("x-acs-", 0) == 0) && !named.count(header)) {
      return AliyunAnswer(fd, 400, "SignatureDoesNotMatch", header + " is not signed.");
    }
  }
  const std::string hashed = dt::Sha256Hex(r.body);
  if (Header(r, "x-acs-content-sha256") != hashed) {
    return AliyunAnswer(fd, 400, "SignatureDoesNotMatch",
                        "x-acs-content-sha256 is not the body's.");
  }
  const dt::CloudSignature expected =
      dt::Acs3Sign(r.method, r.path, dt::DecodeForm(r.query), headers, hashed,
                   c.aliyun_access_key_id, c.aliyun_access_key_secret);
  if (f["Signature"] != expected.signature ||
      r.query != dt::AcsCanonicalQuery(dt::DecodeForm(r.query))) {
    return AliyunAnswer(fd, 400, "SignatureDoesNotMatch",
                        "Specified signature does not match our calculation.");
  }
  // x-acs-date within 15 minutes, each nonce once.
  struct tm tm = {};
  const std::string date = Header(r, "x-acs-date");
  if (!strptime(date.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm) ||
      std::llabs(static_cast<long long>(timegm(&tm)) - dt::SystemClock().NowSeconds()) > 900) {
    return AliyunAnswer(fd, 400, "InvalidTimeStamp.Expired",
                        "Specified time stamp or date value is expired.");
  }
  {
    std::lock_guard<std::mutex> lock(s->mu);
    if (!s->nonces.insert(Header(r, "x-acs-signature-nonce")).second) {
      return AliyunAnswer(fd, 400, "SignatureNonceUsed",
                          "Specified signature nonce was used already.");
    }
  }
  if (Header(r, "x-acs-action") != "SendSms" || Header(r, "x-acs-version") != "2017-05-25") {
    return AliyunAnswer(fd, 404, "InvalidAction.NotFound", "Specified api is not found.");
  }
  std::map<std::string, std::string> p;
  for (const auto& [k, v] : dt::DecodeForm(r.query)) p[k] = v;
  const std::string number = p["PhoneNumbers"];
  const bool domestic = number.size() == 11 && number[0] == '1';
  const std::string& wanted =
      domestic ? c.aliyun_template_code : c.aliyun_international_template_code;
  if (p["SignName"] != c.aliyun_sign_name) {
    return AliyunAnswer(fd, 200, "isv.SMS_SIGNATURE_ILLEGAL", "该账号下找不到对应签名");
  }
  if (p["TemplateCode"] != wanted) {
    return AliyunAnswer(fd, 200,
                        domestic ? "isv.SMS_TEMPLATE_ILLEGAL" : "isv.DOMESTIC_NUMBER_NOT_SUPPORTED",
                        "该账号下找不到对应模板");
  }
  Json::Value param;
  std::string errors;
  std::unique_ptr<Json::CharReader> reader(Json::CharReaderBuilder().newCharReader());
  const std::string& text = p["TemplateParam"];
  if (!reader->parse(text.data(), text.data() + text.size(), &param, &errors) ||
      !param.isObject() || !param["code"].isString() || !ValidCode(param["code"].asString())) {
    return AliyunAnswer(fd, 200, "isv.INVALID_JSON_PARAM", "JSON参数不合法，只接受字符串值");
  }
  if (number.empty() || number.find_first_not_of("0123456789") != std::string::npos ||
      number.size() < 7 || number.size() > 15) {
    return AliyunAnswer(fd, 200, "isv.MOBILE_NUMBER_ILLEGAL", "手机号码格式错误");
  }
  const std::string mode = ModeOf("aliyun");
  if (mode == "down") return Answer(fd, 503, "text/plain", "Service Unavailable\n");
  if (mode == "throttle")
    return AliyunAnswer(fd, 200, "isv.BUSINESS_LIMIT_CONTROL", "触发云通信流控限制");
  if (mode == "badnumber")
    return AliyunAnswer(fd, 200, "isv.MOBILE_NUMBER_ILLEGAL", "手机号码格式错误");
  if (mode == "error") return AliyunAnswer(fd, 200, "isp.SYSTEM_ERROR", "系统错误，请重新调用");
  if (mode == "slow") std::this_thread::sleep_for(std::chrono::seconds(10));
  Deliver("aliyun", domestic ? "+86" + number : "+" + number, wanted, param["code"].asString());
  AliyunAnswer(fd, 200, "OK", "OK");
}

void TencentAnswer(int fd, const std::string& code, const std::string& message,
                   const std::string& number = "") {
  dt::JsonWriter w;
  w.Object("Response");
  if (number.empty()) {
    w.Object("Error").Str("Code", code).Str("Message", message).End();
  } else {
    w.Array("SendStatusSet").Object();
    w.Str("SerialNo", "5000:10457106691570536578" + NextId()).Str("PhoneNumber", number);
    w.Int("Fee", code == "Ok" ? 1 : 0).Str("SessionContext", "").Str("Code", code);
    w.Str("Message", message)
        .Str("IsoCode", number.rfind("+86", 0) == 0 ? "CN" : "DEF")
        .End()
        .End();
  }
  w.Str("RequestId", "a0aabda6-cf91-4f3e-a81f-" + dt::HexEncode(dt::RandomBytes(6))).End();
  Answer(fd, 200, "application/json", w.Close());
}

// SMS SendSms 2021-01-11, TC3-HMAC-SHA256.
void Tencent(int fd, const Request& r) {
  const dt::Config& c = s->config;
  const std::string auth = Header(r, "authorization");
  const std::string prefix = "TC3-HMAC-SHA256 ";
  if (auth.rfind(prefix, 0) != 0)
    return TencentAnswer(fd, "AuthFailure.SignatureFailure", "Authorization is invalid.");
  std::map<std::string, std::string> f = AuthFields(auth.substr(prefix.size()));
  const int64_t timestamp = atoll(Header(r, "x-tc-timestamp").c_str());
  const std::string date = dt::FormatUtc(timestamp).substr(0, 10);
  if (f["Credential"] != c.tencent_secret_id + "/" + date + "/sms/tc3_request") {
    return TencentAnswer(fd, "AuthFailure.SecretIdNotFound",
                         "The SecretId is not found or the credential scope is wrong.");
  }
  if (f["SignedHeaders"] != "content-type;host") {
    return TencentAnswer(fd, "AuthFailure.SignatureFailure",
                         "SignedHeaders must be content-type;host.");
  }
  const dt::CloudSignature expected =
      dt::Tc3Sign(r.method, r.path, r.query,
                  {{"content-type", Header(r, "content-type")}, {"host", Header(r, "host")}},
                  r.body, "sms", timestamp, c.tencent_secret_id, c.tencent_secret_key);
  if (f["Signature"] != expected.signature) {
    return TencentAnswer(fd, "AuthFailure.SignatureFailure",
                         "The provided credentials could not be validated. Please ensure your "
                         "signature is correct.");
  }
  if (std::llabs(timestamp - dt::SystemClock().NowSeconds()) > 300) {
    return TencentAnswer(fd, "AuthFailure.SignatureExpire", "Signature expired.");
  }
  if (Header(r, "x-tc-action") != "SendSms" || Header(r, "x-tc-version") != "2021-01-11") {
    return TencentAnswer(fd, "InvalidAction", "The action or version is not valid.");
  }
  if (Header(r, "x-tc-region").empty())
    return TencentAnswer(fd, "MissingParameter", "The Region parameter is missing.");
  if (Header(r, "content-type") != "application/json; charset=utf-8") {
    return TencentAnswer(fd, "InvalidParameter", "Content-Type must be application/json.");
  }
  Json::Value b;
  std::string errors;
  std::unique_ptr<Json::CharReader> reader(Json::CharReaderBuilder().newCharReader());
  if (!reader->parse(r.body.data(), r.body.data() + r.body.size(), &b, &errors) || !b.isObject() ||
      !b["PhoneNumberSet"].isArray() || b["PhoneNumberSet"].size() != 1 ||
      !b["TemplateParamSet"].isArray() || b["TemplateParamSet"].size() != 1) {
    return TencentAnswer(fd, "InternalError.JsonParseFail", "The body is not a SendSms request.");
  }
  const std::string number = b["PhoneNumberSet"][0].asString();
  const bool domestic = number.rfind("+86", 0) == 0;
  if (b["SmsSdkAppId"].asString() != c.tencent_sdk_app_id) {
    return TencentAnswer(fd, "InvalidParameterValue.SdkAppIdNotExist", "SdkAppId does not exist.");
  }
  if (b["SignName"].asString() != c.tencent_sign_name) {
    return TencentAnswer(fd, "FailedOperation.SignatureIncorrectOrUnapproved",
                         "The signature is not approved.");
  }
  const std::string& wanted =
      domestic ? c.tencent_template_id : c.tencent_international_template_id;
  if (b["TemplateId"].asString() != wanted) {
    return TencentAnswer(fd, "FailedOperation.TemplateIncorrectOrUnapproved",
                         "The template is not approved.");
  }
  const std::string code = b["TemplateParamSet"][0].asString();
  if (!ValidCode(code)) {
    return TencentAnswer(fd, "InvalidParameterValue.TemplateParameterFormatError",
                         "The code is not 0-6 digits.");
  }
  if (number.size() < 8 || number[0] != '+' ||
      number.find_first_not_of("0123456789", 1) != std::string::npos) {
    return TencentAnswer(fd, "InvalidParameterValue.IncorrectPhoneNumber", "手机号格式错误",
                         number.empty() ? "?" : number);
  }
  const std::string mode = ModeOf("tencent");
  if (mode == "down") return Answer(fd, 503, "text/plain", "Service Unavailable\n");
  if (mode == "throttle")
    return TencentAnswer(fd, "LimitExceeded.PhoneNumberDailyLimit",
                         "单个手机号日下发短信条数超过设定的上限", number);
  if (mode == "badnumber")
    return TencentAnswer(fd, "InvalidParameterValue.IncorrectPhoneNumber", "手机号格式错误",
                         number);
  if (mode == "error") return TencentAnswer(fd, "InternalError.OtherError", "其他错误");
  if (mode == "slow") std::this_thread::sleep_for(std::chrono::seconds(10));
  Deliver("tencent", number, wanted, code);
  TencentAnswer(fd, "Ok", "send success", number);
}

}  // namespace

void SmsInit(const dt::Config& config, const std::string& outbox) {
  static SmsState state;
  s = &state;
  state.config = config;
  state.aliyun_path = PathOf(config.aliyun_endpoint);
  state.tencent_path = PathOf(config.tencent_endpoint);
  state.outbox = outbox;
}

bool SmsServe(int fd, const Request& r) {
  if (!s) return false;
  if (r.method == "POST" && r.path == s->aliyun_path && !s->config.aliyun_access_key_id.empty()) {
    Aliyun(fd, r);
  } else if (r.method == "POST" && r.path == s->tencent_path &&
             !s->config.tencent_secret_id.empty()) {
    Tencent(fd, r);
  } else if (r.method == "POST" && r.path == "/control/sms/mode") {
    std::map<std::string, std::string> p;
    for (const auto& [k, v] : dt::DecodeForm(r.body.empty() ? r.query : r.body)) p[k] = v;
    const std::set<std::string> modes = {"up", "down", "slow", "throttle", "badnumber", "error"};
    if ((p["provider"] != "aliyun" && p["provider"] != "tencent") || !modes.count(p["mode"])) {
      Answer(fd, 400, "text/plain",
             "provider=aliyun|tencent mode=up|down|slow|throttle|badnumber|error\n");
    } else {
      std::lock_guard<std::mutex> lock(s->mu);
      s->mode[p["provider"]] = p["mode"];
      Answer(fd, 200, "text/plain", p["provider"] + " " + p["mode"] + "\n");
    }
  } else if (r.method == "GET" && r.path == "/control/sms/sent") {
    std::lock_guard<std::mutex> lock(s->mu);
    Answer(fd, 200, "text/plain", s->sent);
  } else {
    return false;
  }
  return true;
}

}  // namespace fake
