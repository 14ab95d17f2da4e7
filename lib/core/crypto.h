// Thin wrappers over OpenSSL: digests as lowercase hex, random bytes and numbers, and
// constant-time comparison. Thread-safe (OpenSSL 3 needs no locking setup).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX

namespace dt {

std::string HexEncode(std::string_view bytes);

std::string Md5Hex(std::string_view data);
std::string Sha256Hex(std::string_view data);
std::string HmacSha256Hex(std::string_view key, std::string_view data);
// The 32 bytes themselves (keys derived by chained HMACs, Tencent Cloud's TC3).
std::string HmacSha256(std::string_view key, std::string_view data);

// The SHA-256 of a file's contents, read in pieces; false when it cannot be read.
bool Sha256FileHex(const std::string& path, std::string* hex);

// An MD5 over data that arrives in pieces (an upload streamed to disk). Move-only.
class Md5Stream {
 public:
  Md5Stream();
  ~Md5Stream();
  Md5Stream(Md5Stream&&) noexcept;
  Md5Stream& operator=(Md5Stream&&) noexcept;
  Md5Stream(const Md5Stream&) = delete;
  Md5Stream& operator=(const Md5Stream&) = delete;

  void Update(std::string_view data);
  // The digest of everything so far, as Md5Hex would give it; ends the stream.
  std::string FinalHex();

 private:
  ::evp_md_ctx_st* ctx_;
};

// Cryptographically random bytes (RAND_bytes); throws std::runtime_error if the
// generator fails, which the dispatcher turns into a 900.
std::string RandomBytes(size_t n);

// A uniform random integer in [0, bound), without modulo bias.
uint32_t RandomBelow(uint32_t bound);

// Equal contents, in time that depends only on the lengths (CRYPTO_memcmp).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace dt
