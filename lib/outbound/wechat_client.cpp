// WeChat Pay APIv3 calls; see wechat_client.h.
#include "lib/outbound/wechat_client.h"

#include <json/value.h>

#include <algorithm>
#include <memory>

#include "lib/core/clock.h"
#include "lib/core/crypto.h"
#include "lib/core/json_read.h"
#include "lib/core/json_writer.h"
#include "lib/core/log.h"
#include "lib/domain/wechatpay.h"

namespace dt {
namespace {

std::string Nonce() { return HexEncode(RandomBytes(16)); }

}  // namespace

WechatClient::WechatClient(const Config& config)
    : config_(config), http_(WithTimeout(config.pay_timeout_ms)) {}

Status WechatClient::Call(const std::string& method, const std::string& path,
                          const std::string& body, HttpResponse* response) {
  const std::string timestamp = std::to_string(SystemClock().NowSeconds());
  const std::string nonce = Nonce();
  const std::string authorization = WechatAuthorization(
      config_.wechat_merchant_key, config_.wechat_mchid, config_.wechat_serial_no, timestamp, nonce,
      WechatRequestMessage(method, path, timestamp, nonce, body));
  if (authorization.empty()) return Status::Internal("wechat: the merchant key cannot sign");
  HttpRequest req;
  req.method = method;
  req.url = config_.wechat_base_url + path;
  req.headers = {{"Authorization", authorization}, {"Accept", "application/json"}};
  if (!body.empty()) req.headers.emplace_back("Content-Type", "application/json");
  req.body = body;
  RETURN_IF_ERROR(http_.Send(req, response));
  if (response->status >= 500) {
    LogError("wechat %s %s: HTTP %ld", method.c_str(), path.c_str(), response->status);
    return Status::Unavailable("wechat: HTTP " + std::to_string(response->status));
  }
  const std::string* serial = response->Header("wechatpay-serial");
  const std::string* ts = response->Header("wechatpay-timestamp");
  const std::string* rnonce = response->Header("wechatpay-nonce");
  const std::string* signature = response->Header("wechatpay-signature");
  if (!serial || *serial != config_.wechat_public_key_id || !ts || !rnonce || !signature ||
      !WechatSignatureVerifies(config_.wechat_public_key, *ts, *rnonce, response->body,
                               *signature)) {
    LogError("wechat %s %s: the answer is not signed by WeChat Pay", method.c_str(), path.c_str());
    return Status::Unavailable("wechat: unsigned answer");
  }
  return Status::Ok();
}

Status WechatClient::CreateAppOrder(std::string_view trade_no, int64_t cents,
                                    std::string_view description, std::string* prepay_id) {
  JsonWriter body;
  body.Str("appid", config_.wechat_appid).Str("mchid", config_.wechat_mchid);
  body.Str("description", description).Str("out_trade_no", trade_no);
  body.Str("notify_url", config_.wechat_notify_url);
  body.Object("amount").Int("total", cents).Str("currency", "CNY").End();
  HttpResponse resp;
  RETURN_IF_ERROR(Call("POST", "/v3/pay/transactions/app", body.Close(), &resp));
  Json::Value answer;
  if (resp.status != 200 || !ParseJsonObject(resp.body, &answer) ||
      !answer["prepay_id"].isString()) {
    LogError("wechat prepay %.64s: HTTP %ld %.200s", std::string(trade_no).c_str(), resp.status,
             resp.body.c_str());
    return Status::Unavailable("wechat: no prepay_id");
  }
  *prepay_id = answer["prepay_id"].asString();
  return Status::Ok();
}

Status WechatClient::Query(std::string_view trade_no, WechatTrade* trade) {
  *trade = WechatTrade();
  HttpResponse resp;
  RETURN_IF_ERROR(Call("GET",
                       "/v3/pay/transactions/out-trade-no/" + std::string(trade_no) +
                           "?mchid=" + config_.wechat_mchid,
                       "", &resp));
  Json::Value answer;
  if (!ParseJsonObject(resp.body, &answer)) return Status::Unavailable("wechat query: bad answer");
  if (resp.status == 404 || answer.get("code", "").asString() == "ORDER_NOT_EXIST")
    return Status::Ok();
  if (resp.status != 200)
    return Status::Unavailable("wechat query: HTTP " + std::to_string(resp.status));
  if (answer["mchid"].asString() != config_.wechat_mchid ||
      answer["appid"].asString() != config_.wechat_appid ||
      answer["out_trade_no"].asString() != trade_no) {
    return Status::Unavailable("wechat query: another merchant's order");
  }
  trade->exists = true;
  trade->trade_state = answer["trade_state"].asString();
  trade->transaction_id = answer.get("transaction_id", "").asString();
  trade->cents = answer["amount"]["total"].asInt64();
  return Status::Ok();
}

Status WechatClient::Close(std::string_view trade_no) {
  JsonWriter body;
  body.Str("mchid", config_.wechat_mchid);
  HttpResponse resp;
  RETURN_IF_ERROR(Call("POST",
                       "/v3/pay/transactions/out-trade-no/" + std::string(trade_no) + "/close",
                       body.Close(), &resp));
  if (resp.status == 204 || resp.status == 200) return Status::Ok();
  return Status::Unavailable("wechat close: HTTP " + std::to_string(resp.status));
}

Status WechatClient::Refund(std::string_view trade_no, int64_t refund_cents, int64_t total_cents,
                            std::string_view request_no) {
  JsonWriter body;
  body.Str("out_trade_no", trade_no).Str("out_refund_no", request_no);
  body.Str("notify_url", config_.wechat_notify_url);
  body.Object("amount")
      .Int("refund", refund_cents)
      .Int("total", total_cents)
      .Str("currency", "CNY")
      .End();
  HttpResponse resp;
  RETURN_IF_ERROR(Call("POST", "/v3/refund/domestic/refunds", body.Close(), &resp));
  Json::Value answer;
  if (resp.status == 200 && ParseJsonObject(resp.body, &answer) &&
      (answer["status"].asString() == "SUCCESS" || answer["status"].asString() == "PROCESSING")) {
    return Status::Ok();
  }
  LogError("wechat refund %.64s: HTTP %ld %.200s", std::string(trade_no).c_str(), resp.status,
           resp.body.c_str());
  return Status::Error(kOrderState, "wechat refused the refund.");
}

void WriteWechatPayParams(const Config& config, std::string_view prepay_id, int64_t now,
                          JsonWriter* w) {
  const std::string timestamp = std::to_string(now);
  const std::string noncestr = Nonce();
  w->Str("appid", config.wechat_appid).Str("partnerid", config.wechat_mchid);
  w->Str("prepayid", prepay_id).Str("package", "Sign=WXPay").Str("noncestr", noncestr);
  w->Str("timestamp", timestamp);
  w->Str("sign", WechatAppSign(config.wechat_merchant_key, config.wechat_appid, timestamp, noncestr,
                               prepay_id));
}

}  // namespace dt
