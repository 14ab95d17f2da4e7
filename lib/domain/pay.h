// Payment gateways' authenticators: what admits a gateway's notify to its route, in the
// gateway's own protocol. The sandbox gateway (development, dtcurl pay) signs its form
// fields with HMAC-SHA256 under [pay] key (API.md "VIP", pay/notify); the real gateways
// (Alipay, WeChat Pay, the App Store) add theirs here. Thread-safe.
#pragma once

#include "lib/core/router.h"

namespace dt {

// The sandbox gateway's notify: trade_no, total_fee, transaction_id, timestamp, nonce_str
// present (300), sign = hex(HMAC_SHA256([pay] key, every other field's sorted k=v joined
// by '&')) compared in constant time (500), timestamp integer seconds (300) within
// [server] timestamp_window (506). Nonces are not remembered: a repeated notify is
// harmless by design (the handler is idempotent).
extern const Authenticator kSandboxGateway;

// Alipay's notify: sign_type RSA2 and `sign` Alipay's (SHA256withRSA with [pay.alipay]
// alipay_public_key over every other parameter but sign_type, decoded, sorted, those with
// empty values left out: lib/domain/alipay.h). Refused 500 (and logged) otherwise, or
// when the alipay channel is not configured. Notifies carry no timestamp window: Alipay
// resends the same one for a day.
extern const Authenticator kAlipayNotify;

// WeChat Pay's notify (a JSON body): Wechatpay-Serial the configured WeChat Pay public
// key's id, Wechatpay-Timestamp within 5 minutes, and Wechatpay-Signature that key's
// SHA256withRSA over "timestamp\nnonce\nbody\n" (the raw body bytes). Refused 500 (506
// for the time) and logged otherwise, or when the wechat channel is not configured.
extern const Authenticator kWechatNotify;

}  // namespace dt
