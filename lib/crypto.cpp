// OpenSSL EVP/HMAC/RAND calls behind a string interface.
#include "lib/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cstring>
#include <memory>
#include <stdexcept>

namespace dt {
namespace {

struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

// Algorithms fetched once (OpenSSL 3 looks an implicit EVP_md5() up again on every use),
// and one digest context per thread, reset between uses.
const EVP_MD* Fetched(const char* name) {
  EVP_MD* md = EVP_MD_fetch(nullptr, name, nullptr);
  if (!md) throw std::runtime_error(std::string("openssl: no ") + name);
  return md;  // kept for the life of the process
}

std::string DigestHex(const EVP_MD* md, std::string_view data) {
  thread_local std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!ctx || EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), out, &len) != 1) {
    throw std::runtime_error("openssl digest failed");
  }
  return HexEncode(std::string_view(reinterpret_cast<char*>(out), len));
}

}  // namespace

std::string HexEncode(std::string_view bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

std::string Md5Hex(std::string_view data) {
  static const EVP_MD* md5 = Fetched("MD5");
  return DigestHex(md5, data);
}

std::string Sha256Hex(std::string_view data) {
  static const EVP_MD* sha256 = Fetched("SHA256");
  return DigestHex(sha256, data);
}

std::string HmacSha256Hex(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
            reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len)) {
    throw std::runtime_error("openssl hmac failed");
  }
  return HexEncode(std::string_view(reinterpret_cast<char*>(out), len));
}

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    throw std::runtime_error("RAND_bytes failed");
  }
  return out;
}

uint32_t RandomBelow(uint32_t bound) {
  // Reject the top partial range so every value is equally likely.
  const uint32_t limit = UINT32_MAX - (UINT32_MAX % bound);
  for (;;) {
    std::string b = RandomBytes(4);
    uint32_t v;
    memcpy(&v, b.data(), 4);
    if (v < limit) return v % bound;
  }
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace dt
