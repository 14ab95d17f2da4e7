// Alipay's open API gateway; see alipay_client.h.
#include "lib/outbound/alipay_client.h"

#include <json/value.h>

#include <memory>

#include "lib/core/args.h"
#include "lib/core/clock.h"
#include "lib/core/crypto.h"
#include "lib/core/json_read.h"
#include "lib/core/json_writer.h"
#include "lib/core/keys.h"
#include "lib/core/log.h"
#include "lib/domain/alipay.h"
#include "lib/domain/payment.h"

namespace dt {
namespace {

// The end of the JSON value starting at text[i] (one past it), or npos.
size_t ValueEnd(std::string_view text, size_t i) {
  if (i >= text.size()) return std::string_view::npos;
  if (text[i] == '"') {
    for (size_t j = i + 1; j < text.size(); ++j) {
      if (text[j] == '\\') {
        ++j;
      } else if (text[j] == '"') {
        return j + 1;
      }
    }
    return std::string_view::npos;
  }
  if (text[i] != '{' && text[i] != '[') return std::string_view::npos;
  int depth = 0;
  for (size_t j = i; j < text.size(); ++j) {
    const char c = text[j];
    if (c == '"') {
      const size_t end = ValueEnd(text, j);
      if (end == std::string_view::npos) return end;
      j = end - 1;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) return j + 1;
    }
  }
  return std::string_view::npos;
}

}  // namespace

bool RawJsonMember(std::string_view json, std::string_view key, std::string_view* value) {
  // Members of the top-level object only: walk it, skipping nested values whole.
  size_t i = json.find('{');
  if (i == std::string_view::npos) return false;
  ++i;
  while (i < json.size()) {
    while (i < json.size() && (json[i] == ' ' || json[i] == '\n' || json[i] == '\r' ||
                               json[i] == '\t' || json[i] == ',')) {
      ++i;
    }
    if (i >= json.size() || json[i] != '"') return false;
    const size_t name_end = ValueEnd(json, i);
    if (name_end == std::string_view::npos) return false;
    const std::string_view name = json.substr(i + 1, name_end - i - 2);
    i = json.find(':', name_end);
    if (i == std::string_view::npos) return false;
    ++i;
    while (i < json.size() && (json[i] == ' ' || json[i] == '\n' || json[i] == '\t')) ++i;
    size_t end = ValueEnd(json, i);
    if (end == std::string_view::npos) {  // a number, true, false or null
      end = json.find_first_of(",}", i);
      if (end == std::string_view::npos) return false;
    }
    if (name == key) {
      *value = json.substr(i, end - i);
      return true;
    }
    i = end;
  }
  return false;
}

AlipayClient::AlipayClient(const Config& config)
    : config_(config), http_(WithTimeout(config.pay_timeout_ms)) {}

Status AlipayClient::Call(std::string_view method, const std::string& biz_content,
                          std::string* response, std::string* code, std::string* sub_code) {
  const int64_t now = SystemClock().NowSeconds();
  AlipayParams params = {
      {"app_id", config_.alipay_app_id},
      {"method", std::string(method)},
      {"format", "JSON"},
      {"charset", "utf-8"},
      {"sign_type", "RSA2"},
      {"timestamp", FormatUtc(now + 8 * 3600)},
      {"version", "1.0"},
      {"biz_content", biz_content},
  };
  HttpRequest req;
  req.method = "POST";
  req.url = config_.alipay_gateway;
  req.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  req.body = AlipayOrderString(params, config_.alipay_merchant_key);
  if (req.body.empty()) return Status::Internal("alipay: the merchant key cannot sign");
  HttpResponse resp;
  RETURN_IF_ERROR(http_.Send(req, &resp));
  if (resp.status != 200) {
    LogError("alipay %.*s: HTTP %ld", static_cast<int>(method.size()), method.data(), resp.status);
    return Status::Unavailable("alipay: HTTP " + std::to_string(resp.status));
  }
  std::string key(method);
  for (char& c : key) c = c == '.' ? '_' : c;
  key += "_response";
  std::string_view object, sign;
  Json::Value signature;
  if (!RawJsonMember(resp.body, key, &object) || !RawJsonMember(resp.body, "sign", &sign) ||
      !ParseJson(sign, &signature) || !signature.isString() ||
      !RsaSha256VerifyBase64(config_.alipay_public_key, object, signature.asString())) {
    LogError("alipay %.*s: the response is not signed by Alipay", static_cast<int>(method.size()),
             method.data());
    return Status::Unavailable("alipay: unsigned response");
  }
  Json::Value parsed;
  if (!ParseJson(object, &parsed) || !parsed.isObject())
    return Status::Unavailable("alipay: bad response");
  *response = std::string(object);
  *code = parsed.get("code", "").asString();
  *sub_code = parsed.get("sub_code", "").asString();
  return Status::Ok();
}

Status AlipayClient::Query(std::string_view out_trade_no, AlipayTrade* trade) {
  JsonWriter biz;
  biz.Str("out_trade_no", out_trade_no);
  std::string response, code, sub_code;
  RETURN_IF_ERROR(Call("alipay.trade.query", biz.Close(), &response, &code, &sub_code));
  *trade = AlipayTrade();
  if (code != "10000") {
    if (sub_code == "ACQ.TRADE_NOT_EXIST") return Status::Ok();
    LogError("alipay query %.64s: %s %s", std::string(out_trade_no).c_str(), code.c_str(),
             sub_code.c_str());
    return Status::Unavailable("alipay query: " + code);
  }
  Json::Value r;
  ParseJson(response, &r);
  trade->exists = true;
  trade->trade_status = r.get("trade_status", "").asString();
  trade->trade_no = r.get("trade_no", "").asString();
  if (!ParseMoney(r.get("total_amount", "").asString(), &trade->cents)) {
    return Status::Unavailable("alipay query: bad total_amount");
  }
  return Status::Ok();
}

Status AlipayClient::Close(std::string_view out_trade_no) {
  JsonWriter biz;
  biz.Str("out_trade_no", out_trade_no);
  std::string response, code, sub_code;
  RETURN_IF_ERROR(Call("alipay.trade.close", biz.Close(), &response, &code, &sub_code));
  if (code == "10000" || sub_code == "ACQ.TRADE_NOT_EXIST") return Status::Ok();
  LogError("alipay close %.64s: %s %s", std::string(out_trade_no).c_str(), code.c_str(),
           sub_code.c_str());
  return Status::Unavailable("alipay close: " + code + " " + sub_code);
}

Status AlipayClient::Refund(std::string_view out_trade_no, int64_t cents,
                            std::string_view request_no) {
  JsonWriter biz;
  biz.Str("out_trade_no", out_trade_no)
      .Str("refund_amount", YuanText(cents))
      .Str("out_request_no", request_no);
  std::string response, code, sub_code;
  RETURN_IF_ERROR(Call("alipay.trade.refund", biz.Close(), &response, &code, &sub_code));
  if (code == "10000") return Status::Ok();
  LogError("alipay refund %.64s: %s %s", std::string(out_trade_no).c_str(), code.c_str(),
           sub_code.c_str());
  return Status::Error(kOrderState, "alipay refused the refund: " + sub_code);
}

}  // namespace dt
