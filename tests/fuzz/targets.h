// The fuzz targets: each feeds arbitrary bytes to one parser of lib/ and must neither
// crash nor trip a sanitizer. Linked into the libFuzzer binaries (make fuzz) and into the
// test runner, which replays the committed seeds and regression inputs (FuzzReplayTest).
#pragma once

#include <cstddef>
#include <cstdint>

namespace dt {

// The request parser: the first byte picks GET (query only), urlencoded POST, multipart
// POST with a fixed boundary, or multipart with the content type taken from the input.
int FuzzParams(const uint8_t* data, size_t size);

// The signature canonicaliser and its inputs (timestamp, nonce).
int FuzzSign(const uint8_t* data, size_t size);

// The config parser.
int FuzzConfig(const uint8_t* data, size_t size);

// The upload type sniffer, and the other small parsers of client text (lat,lng, money).
int FuzzMedia(const uint8_t* data, size_t size);

// Alipay's notify: the form decoded, its sign content, the RSA2 check (the vectors' key).
int FuzzAlipay(const uint8_t* data, size_t size);

// WeChat Pay's notify: the body parsed and its resource opened (the vectors' APIv3 key),
// the signature check, and the exact-bytes member extraction of gateway answers.
int FuzzWechat(const uint8_t* data, size_t size);

// The App Store's JWS: header, base64url, JSON, the DER chain in x5c, the signature.
int FuzzAppstore(const uint8_t* data, size_t size);

}  // namespace dt
