// The request signature of API.md section 3, shared by the guard, the tests and the
// signing tools. Pure functions; thread-safe.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

#include "lib/core/params.h"

namespace dt {

enum class SignMethod { kMd5, kHmacSha256 };

// "k=v" for every parameter but those named in `excluded`, sorted bytewise as whole
// strings and joined with '&'.
std::string SortedPairs(const Params& params, std::initializer_list<std::string_view> excluded);

// SortedPairs without timestamp, nonce, appkey, sign and token: the msg of API.md section 3.
std::string CanonicalMessage(const Params& params);

// md5_hex(msg + token + timestamp + nonce + secret), or
// hex(HMAC_SHA256(secret, msg + token + timestamp + nonce)).
std::string ComputeSign(SignMethod method, std::string_view secret, std::string_view msg,
                        std::string_view token, std::string_view timestamp, std::string_view nonce);

// The sign of a whole parameter set, taking timestamp and nonce from it, and the token
// when `with_token` (routes marked T). A route without a token signs an empty token
// whatever `token` the request carries: otherwise the end of the last value in msg
// could be moved into the token and one sign would verify two parameter sets.
std::string SignParams(SignMethod method, std::string_view secret, const Params& params,
                       bool with_token);

}  // namespace dt
