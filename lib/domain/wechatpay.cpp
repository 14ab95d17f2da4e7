// WeChat Pay APIv3 signatures and resources; see wechatpay.h.
#include "lib/domain/wechatpay.h"

#include <json/reader.h>
#include <json/value.h>

#include <memory>

namespace dt {

std::string WechatRequestMessage(std::string_view method, std::string_view path,
                                 std::string_view timestamp, std::string_view nonce,
                                 std::string_view body) {
  std::string out;
  out.reserve(method.size() + path.size() + timestamp.size() + nonce.size() + body.size() + 5);
  out.append(method).append("\n").append(path).append("\n").append(timestamp).append("\n");
  out.append(nonce).append("\n").append(body).append("\n");
  return out;
}

std::string WechatAuthorization(const RsaKey& merchant_key, std::string_view mchid,
                                std::string_view serial_no, std::string_view timestamp,
                                std::string_view nonce, std::string_view message) {
  const std::string signature = RsaSha256SignBase64(merchant_key, message);
  if (signature.empty()) return "";
  std::string out = "WECHATPAY2-SHA256-RSA2048 mchid=\"";
  out.append(mchid).append("\",nonce_str=\"").append(nonce).append("\",signature=\"");
  out.append(signature).append("\",timestamp=\"").append(timestamp).append("\",serial_no=\"");
  out.append(serial_no).append("\"");
  return out;
}

std::string WechatAppSign(const RsaKey& merchant_key, std::string_view appid,
                          std::string_view timestamp, std::string_view noncestr,
                          std::string_view prepayid) {
  std::string message;
  message.append(appid).append("\n").append(timestamp).append("\n").append(noncestr);
  message.append("\n").append(prepayid).append("\n");
  return RsaSha256SignBase64(merchant_key, message);
}

bool WechatSignatureVerifies(const RsaKey& platform_key, std::string_view timestamp,
                             std::string_view nonce, std::string_view body,
                             std::string_view signature_base64) {
  std::string message;
  message.reserve(timestamp.size() + nonce.size() + body.size() + 3);
  message.append(timestamp).append("\n").append(nonce).append("\n").append(body).append("\n");
  return RsaSha256VerifyBase64(platform_key, message, signature_base64);
}

bool WechatOpenResource(std::string_view api_v3_key, std::string_view nonce,
                        std::string_view associated_data, std::string_view ciphertext_base64,
                        std::string* plain) {
  std::string sealed;
  if (!Base64Decode(ciphertext_base64, &sealed)) return false;
  return Aes256GcmOpen(api_v3_key, nonce, associated_data, sealed, plain);
}

bool ParseWechatNotify(std::string_view body, std::string_view api_v3_key, WechatNotify* out,
                       std::string* why) {
  std::unique_ptr<Json::CharReader> reader(Json::CharReaderBuilder().newCharReader());
  std::string errors;
  Json::Value notify, plain;
  if (!reader->parse(body.data(), body.data() + body.size(), &notify, &errors) ||
      !notify.isObject() || !notify["resource"].isObject()) {
    *why = "not a notify";
    return false;
  }
  const Json::Value& r = notify["resource"];
  if (r["algorithm"].asString() != "AEAD_AES_256_GCM" || !r["ciphertext"].isString() ||
      !r["nonce"].isString()) {
    *why = "not an AEAD_AES_256_GCM resource";
    return false;
  }
  std::string text;
  if (!WechatOpenResource(api_v3_key, r["nonce"].asString(),
                          r.get("associated_data", "").asString(), r["ciphertext"].asString(),
                          &text)) {
    *why = "the resource does not open with the APIv3 key";
    return false;
  }
  if (!reader->parse(text.data(), text.data() + text.size(), &plain, &errors) ||
      !plain.isObject() || !plain["amount"].isObject()) {
    *why = "the resource is not a transaction or a refund";
    return false;
  }
  *out = WechatNotify();
  out->event_type = notify.get("event_type", "").asString();
  out->mchid = plain.get("mchid", "").asString();
  out->appid = plain.get("appid", "").asString();
  out->out_trade_no = plain.get("out_trade_no", "").asString();
  out->transaction_id = plain.get("transaction_id", "").asString();
  out->trade_state = plain.get("trade_state", "").asString();
  out->out_refund_no = plain.get("out_refund_no", "").asString();
  out->refund_status = plain.get("refund_status", "").asString();
  const Json::Value& amount = plain["amount"];
  if (!amount["total"].isIntegral() ||
      (amount.isMember("refund") && !amount["refund"].isIntegral())) {
    *why = "amount is not in fen";
    return false;
  }
  out->total = amount["total"].asInt64();
  out->refund = amount.get("refund", 0).asInt64();
  return true;
}

}  // namespace dt
