// WeChat Pay APIv3's protocol: the merchant's request signature and Authorization header,
// the app's payment parameters' sign, and the checks of a notify (the platform's
// signature over timestamp, nonce and body; the AES-256-GCM resource). Pure functions
// over immutable keys; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "lib/core/keys.h"

namespace dt {

// "METHOD\nPATH\nTIMESTAMP\nNONCE\nBODY\n": what a merchant's API call signs (PATH with its
// query string; BODY empty for a GET).
std::string WechatRequestMessage(std::string_view method, std::string_view path,
                                 std::string_view timestamp, std::string_view nonce,
                                 std::string_view body);

// The Authorization header of a merchant's call: WECHATPAY2-SHA256-RSA2048 with the
// signature of `message` by the merchant key; empty when the key cannot sign.
std::string WechatAuthorization(const RsaKey& merchant_key, std::string_view mchid,
                                std::string_view serial_no, std::string_view timestamp,
                                std::string_view nonce, std::string_view message);

// The `sign` of the app's payment parameters: over "appid\ntimestamp\nnoncestr\nprepayid\n".
std::string WechatAppSign(const RsaKey& merchant_key, std::string_view appid,
                          std::string_view timestamp, std::string_view noncestr,
                          std::string_view prepayid);

// Whether a notify's (or a response's) Wechatpay-Signature is the platform key's over
// "timestamp\nnonce\nbody\n" (the body's raw bytes).
bool WechatSignatureVerifies(const RsaKey& platform_key, std::string_view timestamp,
                             std::string_view nonce, std::string_view body,
                             std::string_view signature_base64);

// A notify's `resource` opened: AEAD_AES_256_GCM with the APIv3 key, its nonce and
// associated_data; `ciphertext_base64` is base64(ciphertext || tag). False when it does
// not open.
bool WechatOpenResource(std::string_view api_v3_key, std::string_view nonce,
                        std::string_view associated_data, std::string_view ciphertext_base64,
                        std::string* plain);

// A notify's body, its resource opened: a payment (TRANSACTION.*) or a refund (REFUND.*).
struct WechatNotify {
  std::string event_type;      // TRANSACTION.SUCCESS, REFUND.SUCCESS, ...
  std::string mchid, appid;    // appid: payments only
  std::string out_trade_no;    // ours
  std::string transaction_id;  // WeChat Pay's
  std::string trade_state;     // payments: SUCCESS, ...
  std::string out_refund_no;   // refunds: ours
  std::string refund_status;   // refunds: SUCCESS, CLOSED, ABNORMAL
  int64_t total = 0;           // amount.total, fen
  int64_t refund = 0;          // refunds: amount.refund, fen (this refund's)
};

// Parses a notify's raw body and opens its resource with the APIv3 key; false (and *why)
// when it is not a notify of that form or does not open.
bool ParseWechatNotify(std::string_view body, std::string_view api_v3_key, WechatNotify* out,
                       std::string* why);

}  // namespace dt
