// The App Store's signed data (StoreKit 2 transactions, renewal infos, App Store Server
// Notifications V2): compact JWS with ES256 and the signing chain in the header's `x5c`,
// verified offline with OpenSSL against a configured root (Apple Root CA - G3 in
// production):
//   - the header's `alg` is ES256 (nothing else, `none` least of all);
//   - `x5c` (standard base64 DER, leaf first) chains to the root, now (the payload's
//     signedDate is not trusted before the signature is), through leaf, intermediate and
//     root and no other;
//   - the intermediate carries Apple's OID 1.2.840.113635.100.6.2.1 and the leaf
//     1.2.840.113635.100.6.11.1;
//   - the signature (r||s, 64 bytes, base64url) verifies over "header.payload" with the
//     leaf's key.
// Only then is the payload parsed and returned. Pure functions; thread-safe.
#pragma once

#include <json/value.h>

#include <string>
#include <string_view>

namespace dt {

class AppleRoot {
 public:
  AppleRoot() = default;
  // From a PEM file's text; false (and *error) when it is not one certificate.
  static bool FromPem(std::string_view pem, AppleRoot* out, std::string* error);
  bool loaded() const { return !der_.empty(); }
  const std::string& der() const { return der_; }

 private:
  std::string der_;  // the certificate, DER
};

// Verifies `jws` as above; on success *payload is its payload object. False (and *why,
// without secrets) otherwise.
bool VerifyAppleJws(std::string_view jws, const AppleRoot& root, Json::Value* payload,
                    std::string* why);

// base64url without padding (RFC 7515), as JWS writes its parts; false on anything else.
bool Base64UrlDecode(std::string_view text, std::string* bytes);

}  // namespace dt
