// WeChat Pay APIv3 signatures and resources; see wechatpay.h.
#include "lib/domain/wechatpay.h"

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

}  // namespace dt
