// The fuzz targets of tests/fuzz/targets.h.
#include "tests/fuzz/targets.h"

#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "lib/core/args.h"
#include "lib/core/cgi_input.h"
#include "lib/core/config.h"
#include "lib/domain/geo.h"
#include "lib/domain/guard.h"
#include "lib/core/keys.h"
#include "lib/domain/alipay.h"
#include "lib/domain/appstore.h"
#include "lib/domain/media.h"
#include "lib/domain/wechatpay.h"
#include "lib/outbound/alipay_client.h"
#include "lib/core/request_params.h"
#include "lib/core/sign.h"
#include "lib/core/utf8.h"

namespace dt {

int FuzzParams(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const int mode = data[0] % 4;
  std::string rest(reinterpret_cast<const char*>(data + 1), size - 1);
  std::string query, content_type = "application/x-www-form-urlencoded", body;
  const size_t split = rest.find('\n');
  query = rest.substr(0, split);
  body = split == std::string::npos ? std::string() : rest.substr(split + 1);
  const char* method = "POST";
  if (mode == 0) {
    method = "GET";
  } else if (mode == 2) {
    content_type = "multipart/form-data; boundary=XyZ";
  } else if (mode == 3) {
    const size_t line = body.find('\n');
    content_type = body.substr(0, line);
    body = line == std::string::npos ? std::string() : body.substr(line + 1);
  }
  StringInput input({{"REQUEST_METHOD", method}, {"QUERY_STRING", query}, {"CONTENT_TYPE", content_type}},
                    body);
  Params params;
  ParamLimits limits;
  if (ParseParams(input, limits, &params).ok()) {
    // Whatever was accepted is what the guard signs over.
    (void)CanonicalMessage(params);
    for (const auto& [k, v] : params.entries()) {
      if (!IsValidUtf8(k) || !IsValidUtf8(v)) __builtin_trap();  // accepted means valid
    }
  }
  return 0;
}

int FuzzSign(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  Params params;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('&', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view pair = text.substr(start, end - start);
    const size_t eq = pair.find('=');
    params.Add(std::string(pair.substr(0, eq)), eq == std::string_view::npos ? "" : std::string(pair.substr(eq + 1)));
    start = end + 1;
  }
  (void)SignParams(SignMethod::kMd5, "secret", params, true);
  (void)SignParams(SignMethod::kHmacSha256, "secret", params, false);
  double seconds;
  (void)ParseClientTimestamp(text, &seconds);
  (void)CheckTimestamp(text, 1700000000.0, 300);
  (void)ValidNonce(text);
  return 0;
}

namespace {

RsaKey PublicKeyFile(const char* path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  RsaKey key;
  std::string error;
  if (!RsaKey::FromPublicPem(text.str(), &key, &error)) __builtin_trap();  // run from the checkout
  return key;
}

}  // namespace

int FuzzAlipay(const uint8_t* data, size_t size) {
  static const RsaKey key = PublicKeyFile("tests/data/vectors/alipay/alipay_public_key.pem");
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  if (!ValidUrlencoded(body)) return 0;  // the dispatcher answers 400 before
  const AlipayParams params = DecodeForm(body);
  (void)AlipaySignContent(params, {"sign", "sign_type"});
  (void)AlipayNotifyVerifies(params, key);
  return 0;
}

int FuzzWechat(const uint8_t* data, size_t size) {
  static const RsaKey key = PublicKeyFile("tests/data/vectors/wechatpay/wechatpay_public_key.pem");
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  WechatNotify notify;
  std::string why;
  (void)ParseWechatNotify(body, "dtTestApiV3Key0123456789abcdefXY", &notify, &why);
  (void)WechatSignatureVerifies(key, "1796108646", "nonce", body, "c2lnbg==");
  std::string_view member;
  for (const char* name : {"alipay_trade_query_response", "sign", "code"}) (void)RawJsonMember(body, name, &member);
  return 0;
}

int FuzzAppstore(const uint8_t* data, size_t size) {
  static const std::string root = [] {
    std::ifstream in("tests/data/vectors/appstore/test_root_ca_g3.pem", std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    std::string r;
    std::string error;
    if (!CertificateDerFromPem(text.str(), &r, &error)) __builtin_trap();  // run from the checkout
    return r;
  }();
  Json::Value payload;
  std::string why;
  (void)VerifyAppleJws(std::string_view(reinterpret_cast<const char*>(data), size), root, &payload, &why);
  std::string bytes;
  (void)Base64UrlDecode(std::string_view(reinterpret_cast<const char*>(data), size), &bytes);
  return 0;
}

int FuzzConfig(const uint8_t* data, size_t size) {
  Config config;
  (void)ParseConfig(std::string_view(reinterpret_cast<const char*>(data), size), &config);
  return 0;
}

int FuzzMedia(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const MediaType* type = SniffMedia(bytes);
  if (type && MaxMediaSize(type->kind) <= 0) __builtin_trap();
  LatLng p;
  if (ParseLatLng(bytes, &p)) {
    const LatLng c = SnapToGrid(p);
    if (c.lat < -85 || c.lat > 85 || c.lng < -180 || c.lng > 180) __builtin_trap();
  }
  int64_t cents;
  if (ParseMoney(bytes, &cents) && cents < 0) __builtin_trap();
  (void)Utf8Prefix(bytes, 7);
  return 0;
}

}  // namespace dt
