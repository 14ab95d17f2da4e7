// The request signatures of the two clouds whose SMS we send, as their API documentation
// defines them (the unit tests check each against the documentation's worked example):
//   - Alibaba Cloud's V3 signature, ACS3-HMAC-SHA256 (Dysmsapi and every other API);
//   - Tencent Cloud API 3.0's signature v3, TC3-HMAC-SHA256.
// Both sign a canonical request (method, URI, query, the signed headers, the SHA-256 of
// the body); these functions return it, the string to sign and the signature, so a test
// can compare each step with the documentation. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dt {

struct CloudSignature {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;      // lower-case hex
  std::string authorization;  // the Authorization header's value
};

using SignedFields = std::vector<std::pair<std::string, std::string>>;

// The canonical query string of `query`: names and values percent-encoded as RFC 3986
// says (lib/core/request_params.h PercentEncode: a space %20, '*' %2A, '~' kept), sorted,
// joined by
// '=' and '&' (also what goes after the '?' of the request, so that the two agree).
std::string AcsCanonicalQuery(const SignedFields& query);

// ACS3-HMAC-SHA256 of a request: `query` its query parameters (not yet encoded), `headers`
// the headers to sign (host, every x-acs-* header, content-type when there is a body; any
// case, values as sent), `hashed_payload` the hex SHA-256 of the body (also sent as
// x-acs-content-sha256). Canonical request: method, `path`, the sorted encoded query, the
// sorted "name:value\n" headers (names lower-cased, values trimmed), the signed header
// names, the hashed payload; string to sign "ACS3-HMAC-SHA256\n" + hex SHA-256 of it;
// signature the hex HMAC-SHA256 of that with the AccessKey secret.
CloudSignature Acs3Sign(std::string_view method, std::string_view path, const SignedFields& query,
                        const SignedFields& headers, std::string_view hashed_payload,
                        std::string_view access_key_id, std::string_view access_key_secret);

// TC3-HMAC-SHA256 of a request to `service` (e.g. "sms") at `timestamp` (seconds; its UTC
// date is the credential's): `headers` the signed headers (content-type and host; names
// and values are lower-cased in the canonical request), `query` the canonical query string as sent
// ("" for POST), `body` the payload. String to sign
// "TC3-HMAC-SHA256\n<timestamp>\n<date>/<service>/tc3_request\n" + hex SHA-256 of the canonical
// request; the key HMAC("TC3" + secret, date), then the service, then "tc3_request".
CloudSignature Tc3Sign(std::string_view method, std::string_view path, std::string_view query,
                       const SignedFields& headers, std::string_view body, std::string_view service,
                       int64_t timestamp, std::string_view secret_id, std::string_view secret_key);

}  // namespace dt
