// Alibaba Cloud's and Tencent Cloud's request signatures; see cloud_sign.h.
#include "lib/outbound/cloud_sign.h"

#include <algorithm>
#include <cctype>

#include "lib/core/clock.h"
#include "lib/core/crypto.h"
#include "lib/core/request_params.h"

namespace dt {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Trim(std::string_view s) {
  const size_t first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return "";
  return std::string(s.substr(first, s.find_last_not_of(" \t") - first + 1));
}

// "name:value\n" of each header (sorted by lower-case name; values trimmed, and lower-cased
// too with `lower_values`, as TC3 does) and the names joined by ';'.
void CanonicalHeaders(const SignedFields& headers, bool lower_values, std::string* canonical,
                      std::string* names) {
  SignedFields sorted;
  for (const auto& [name, value] : headers) {
    sorted.emplace_back(Lower(name), lower_values ? Lower(Trim(value)) : Trim(value));
  }
  std::sort(sorted.begin(), sorted.end());
  for (const auto& [name, value] : sorted) {
    canonical->append(name).append(1, ':').append(value).append(1, '\n');
    if (!names->empty()) names->push_back(';');
    names->append(name);
  }
}

}  // namespace

std::string AcsCanonicalQuery(const SignedFields& query) {
  SignedFields encoded;
  for (const auto& [name, value] : query) {
    encoded.emplace_back(PercentEncode(name), PercentEncode(value));
  }
  std::sort(encoded.begin(), encoded.end());
  std::string canonical;
  for (const auto& [name, value] : encoded) {
    if (!canonical.empty()) canonical.push_back('&');
    canonical.append(name).append(1, '=').append(value);
  }
  return canonical;
}

CloudSignature Acs3Sign(std::string_view method, std::string_view path, const SignedFields& query,
                        const SignedFields& headers, std::string_view hashed_payload,
                        std::string_view access_key_id, std::string_view access_key_secret) {
  const std::string canonical_query = AcsCanonicalQuery(query);
  std::string canonical_headers, signed_headers;
  CanonicalHeaders(headers, false, &canonical_headers, &signed_headers);
  CloudSignature out;
  out.canonical_request = std::string(method) + "\n" + std::string(path) + "\n" + canonical_query +
                          "\n" + canonical_headers + "\n" + signed_headers + "\n" +
                          std::string(hashed_payload);
  out.string_to_sign = "ACS3-HMAC-SHA256\n" + Sha256Hex(out.canonical_request);
  out.signature = HmacSha256Hex(access_key_secret, out.string_to_sign);
  out.authorization = "ACS3-HMAC-SHA256 Credential=" + std::string(access_key_id) +
                      ",SignedHeaders=" + signed_headers + ",Signature=" + out.signature;
  return out;
}

CloudSignature Tc3Sign(std::string_view method, std::string_view path, std::string_view query,
                       const SignedFields& headers, std::string_view body, std::string_view service,
                       int64_t timestamp, std::string_view secret_id, std::string_view secret_key) {
  std::string canonical_headers, signed_headers;
  CanonicalHeaders(headers, true, &canonical_headers, &signed_headers);
  CloudSignature out;
  out.canonical_request = std::string(method) + "\n" + std::string(path) + "\n" +
                          std::string(query) + "\n" + canonical_headers + "\n" + signed_headers +
                          "\n" + Sha256Hex(body);
  const std::string date = FormatUtc(timestamp).substr(0, 10);  // 2019-02-25
  const std::string scope = date + "/" + std::string(service) + "/tc3_request";
  out.string_to_sign = "TC3-HMAC-SHA256\n" + std::to_string(timestamp) + "\n" + scope + "\n" +
                       Sha256Hex(out.canonical_request);
  const std::string secret_date = HmacSha256("TC3" + std::string(secret_key), date);
  const std::string secret_service = HmacSha256(secret_date, service);
  const std::string secret_signing = HmacSha256(secret_service, "tc3_request");
  out.signature = HmacSha256Hex(secret_signing, out.string_to_sign);
  out.authorization = "TC3-HMAC-SHA256 Credential=" + std::string(secret_id) + "/" + scope +
                      ", SignedHeaders=" + signed_headers + ", Signature=" + out.signature;
  return out;
}

}  // namespace dt
