// Alipay's RSA2 sign content, order string and notify check; see alipay.h.
#include "lib/domain/alipay.h"

#include <algorithm>
#include <cstdio>

#include "lib/core/clock.h"
#include "lib/core/json_writer.h"
#include "lib/domain/payment.h"

namespace dt {
namespace {

constexpr int64_t kBeijingOffset = 8 * 3600;  // Alipay's times are UTC+8, no DST

const std::string* Find(const AlipayParams& params, std::string_view key) {
  for (const auto& [k, v] : params) {
    if (k == key) return &v;
  }
  return nullptr;
}

std::vector<const std::pair<std::string, std::string>*> Sorted(
    const AlipayParams& params, std::initializer_list<std::string_view> skip) {
  std::vector<const std::pair<std::string, std::string>*> out;
  for (const auto& p : params) {
    if (p.second.empty() || std::find(skip.begin(), skip.end(), p.first) != skip.end()) continue;
    out.push_back(&p);
  }
  std::sort(out.begin(), out.end(),
            [](const auto* a, const auto* b) { return a->first < b->first; });
  return out;
}

}  // namespace

std::string AlipaySignContent(const AlipayParams& params,
                              std::initializer_list<std::string_view> skip) {
  std::string out;
  for (const auto* p : Sorted(params, skip)) {
    if (!out.empty()) out += '&';
    out.append(p->first).append("=").append(p->second);
  }
  return out;
}

std::string FormEncode(std::string_view value) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size() * 3);
  for (unsigned char c : value) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '*') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string AlipayOrderString(const AlipayParams& params, const RsaKey& merchant_key) {
  const std::string sign = RsaSha256SignBase64(merchant_key, AlipaySignContent(params));
  if (sign.empty()) return "";
  std::string out;
  for (const auto* p : Sorted(params, {"sign"})) {
    out.append(p->first).append("=").append(FormEncode(p->second)).append("&");
  }
  return out + "sign=" + FormEncode(sign);
}

std::string AlipayAppOrder(const Config& config, std::string_view trade_no, int64_t cents,
                           std::string_view subject, int64_t now) {
  JsonWriter biz;
  biz.Str("out_trade_no", trade_no).Str("total_amount", YuanText(cents)).Str("subject", subject);
  biz.Str("product_code", "QUICK_MSECURITY_PAY").Str("timeout_express", "30m");
  const AlipayParams params = {
      {"app_id", config.alipay_app_id},
      {"method", "alipay.trade.app.pay"},
      {"format", "JSON"},
      {"charset", "utf-8"},
      {"sign_type", "RSA2"},
      {"timestamp", FormatUtc(now + kBeijingOffset)},
      {"version", "1.0"},
      {"notify_url", config.alipay_notify_url},
      {"biz_content", biz.Close()},
  };
  return AlipayOrderString(params, config.alipay_merchant_key);
}

bool AlipayNotifyVerifies(const AlipayParams& params, const RsaKey& alipay_public_key) {
  const std::string* sign = Find(params, "sign");
  if (!sign || sign->empty()) return false;
  return RsaSha256VerifyBase64(alipay_public_key, AlipaySignContent(params, {"sign", "sign_type"}),
                               *sign);
}

}  // namespace dt
