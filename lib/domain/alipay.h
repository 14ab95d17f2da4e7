// Alipay's open API protocol (RSA2): what the server signs for the app's SDK, and how it
// checks what the gateway sends. Sign content: the parameters but `sign` (and, for a
// notify, `sign_type`), those with an empty value left out, sorted by key, joined
// `key=value&...` with raw (decoded) values; the signature is SHA256withRSA, base64.
// Pure functions over immutable keys; thread-safe.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lib/core/config.h"
#include "lib/core/keys.h"

namespace dt {

using AlipayParams = std::vector<std::pair<std::string, std::string>>;

// The sign content of `params`, leaving out the keys in `skip`.
std::string AlipaySignContent(const AlipayParams& params,
                              std::initializer_list<std::string_view> skip = {"sign"});

// The order string of an `alipay.trade.app.pay` request for the app's SDK: `params` signed
// with the merchant key, each value form-encoded, sorted, with `sign` last. Empty when the
// key cannot sign.
std::string AlipayOrderString(const AlipayParams& params, const RsaKey& merchant_key);

// Whether a notify's `sign` is Alipay's over its other parameters (sign and sign_type
// left out).
bool AlipayNotifyVerifies(const AlipayParams& params, const RsaKey& alipay_public_key);

// The order string of an app payment (alipay.trade.app.pay) of `cents` for our
// `trade_no`, under [pay.alipay], stamped `now` in Beijing time as Alipay reads it; the
// payment must happen within 30 minutes.
std::string AlipayAppOrder(const Config& config, std::string_view trade_no, int64_t cents,
                           std::string_view subject, int64_t now);

// `value` form-encoded as Alipay's SDKs do (application/x-www-form-urlencoded, UTF-8:
// letters, digits and "-_.*" as they are, space as '+', the rest %XX).
std::string FormEncode(std::string_view value);

}  // namespace dt
