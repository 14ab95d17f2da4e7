// The sandbox gateway's HMAC notify.
#include "lib/domain/pay.h"

#include <cstdlib>

#include "lib/core/args.h"
#include "lib/core/context.h"
#include "lib/core/crypto.h"
#include "lib/core/log.h"
#include "lib/core/sign.h"
#include "lib/domain/alipay.h"
#include "lib/domain/wechatpay.h"

namespace dt {
namespace {

// The gateway signs every field it sends (its row declares those the handler reads).
Status AdmitSandboxNotify(const Route&, RequestContext& ctx) {
  const Params& p = ctx.params;
  std::string field;
  for (const char* name : {"timestamp", "nonce_str", "sign"}) {
    RETURN_IF_ERROR(RequireString(p, name, &field));
  }
  const std::string expected = HmacSha256Hex(ctx.config().pay_key, SortedPairs(p, {"sign"}));
  if (!ConstantTimeEquals(expected, *p.Find("sign"))) {
    const std::string* trade_no = p.Find("trade_no");
    LogError("pay notify: bad signature for trade_no %.64s", trade_no ? trade_no->c_str() : "-");
    return Status::Error(kBadSign);
  }
  int64_t stamp;
  if (!ParseInt64(*p.Find("timestamp"), &stamp)) return InvalidParam("timestamp");
  if (std::llabs(ctx.clock().NowSeconds() - stamp) > ctx.config().timestamp_window) {
    return Status::Error(kBadTimestamp);
  }
  return Status::Ok();
}

Status AdmitAlipayNotify(const Route&, RequestContext& ctx) {
  const Config& config = ctx.config();
  if (config.alipay_app_id.empty()) return Status::Error(kNoRoute);
  const Params& p = ctx.params;
  const std::string* sign_type = p.Find("sign_type");
  if (!sign_type || *sign_type != "RSA2") {
    LogError("alipay notify: sign_type is not RSA2");
    return Status::Error(kBadSign);
  }
  if (!AlipayNotifyVerifies(p.entries(), config.alipay_public_key)) {
    const std::string* no = p.Find("out_trade_no");
    LogError("alipay notify: bad signature for out_trade_no %.64s", no ? no->c_str() : "-");
    return Status::Error(kBadSign);
  }
  return Status::Ok();
}

Status AdmitWechatNotify(const Route&, RequestContext& ctx) {
  const Config& config = ctx.config();
  if (config.wechat_mchid.empty()) return Status::Error(kNoRoute);
  const std::string_view serial = ctx.env.Header("HTTP_WECHATPAY_SERIAL");
  const std::string_view timestamp = ctx.env.Header("HTTP_WECHATPAY_TIMESTAMP");
  const std::string_view nonce = ctx.env.Header("HTTP_WECHATPAY_NONCE");
  const std::string_view signature = ctx.env.Header("HTTP_WECHATPAY_SIGNATURE");
  if (serial != config.wechat_public_key_id) {
    LogError("wechat notify: Wechatpay-Serial %.64s is not our WeChat Pay public key's",
             std::string(serial).c_str());
    return Status::Error(kBadSign);
  }
  int64_t stamp = 0;
  if (!ParseInt64(timestamp, &stamp) || std::llabs(ctx.clock().NowSeconds() - stamp) > 300) {
    LogError("wechat notify: Wechatpay-Timestamp %.20s out of 5 minutes",
             std::string(timestamp).c_str());
    return Status::Error(kBadTimestamp);
  }
  if (!WechatSignatureVerifies(config.wechat_public_key, timestamp, nonce, ctx.body, signature)) {
    LogError("wechat notify: bad signature");
    return Status::Error(kBadSign);
  }
  return Status::Ok();
}

}  // namespace

const Authenticator kWechatNotify{
    "wechat",
    AdmitWechatNotify,
    {"Wechatpay-Serial", "Wechatpay-Timestamp", "Wechatpay-Nonce", "Wechatpay-Signature"}};

const Authenticator kAlipayNotify{"alipay", AdmitAlipayNotify, {"sign", "sign_type"}};

const Authenticator kSandboxGateway{
    "gateway", AdmitSandboxNotify, {"timestamp", "nonce_str", "sign"}};

}  // namespace dt
