// Canonicalisation and the two sign methods.
#include "lib/core/sign.h"

#include <algorithm>
#include <vector>

#include "lib/core/crypto.h"

namespace dt {

std::string SortedPairs(const Params& params, std::initializer_list<std::string_view> excluded) {
  std::vector<std::string> pairs;
  pairs.reserve(params.size());
  for (const auto& [k, v] : params.entries()) {
    if (std::find(excluded.begin(), excluded.end(), k) != excluded.end()) continue;
    std::string kv;
    kv.reserve(k.size() + v.size() + 1);
    kv.append(k).append(1, '=').append(v);
    pairs.push_back(std::move(kv));
  }
  std::sort(pairs.begin(), pairs.end());  // std::string compares bytes as unsigned char
  std::string msg;
  for (size_t i = 0; i < pairs.size(); ++i) {
    if (i) msg.push_back('&');
    msg.append(pairs[i]);
  }
  return msg;
}

std::string CanonicalMessage(const Params& params) {
  return SortedPairs(params, {"timestamp", "nonce", "appkey", "sign", "token"});
}

std::string ComputeSign(SignMethod method, std::string_view secret, std::string_view msg,
                        std::string_view token, std::string_view timestamp,
                        std::string_view nonce) {
  std::string data;
  data.reserve(msg.size() + token.size() + timestamp.size() + nonce.size() + secret.size());
  data.append(msg).append(token).append(timestamp).append(nonce);
  if (method == SignMethod::kHmacSha256) return HmacSha256Hex(secret, data);
  data.append(secret);
  return Md5Hex(data);
}

std::string SignParams(SignMethod method, std::string_view secret, const Params& params,
                       bool with_token) {
  auto get = [&](std::string_view key) -> std::string_view {
    const std::string* v = params.Find(key);
    return v ? std::string_view(*v) : std::string_view();
  };
  return ComputeSign(method, secret, CanonicalMessage(params),
                     with_token ? get("token") : std::string_view(), get("timestamp"),
                     get("nonce"));
}

}  // namespace dt
