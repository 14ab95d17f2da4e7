// OpenSSL EVP/HMAC/RAND calls behind a string interface.
#include "lib/core/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <utility>

namespace dt {
namespace {

struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

struct MacCtxFree {
  void operator()(EVP_MAC_CTX* ctx) const { EVP_MAC_CTX_free(ctx); }
};

// One HMAC-SHA256 context per thread, its digest set once; each use only sets the key
// (the one-shot HMAC() fetches the algorithms and makes a context on every call).
EVP_MAC_CTX* HmacSha256Context() {
  static EVP_MAC* mac = [] {
    EVP_MAC* m = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (!m) throw std::runtime_error("openssl: no HMAC");
    return m;  // kept for the life of the process
  }();
  thread_local std::unique_ptr<EVP_MAC_CTX, MacCtxFree> ctx = [] {
    std::unique_ptr<EVP_MAC_CTX, MacCtxFree> c(EVP_MAC_CTX_new(mac));
    char digest[] = "SHA256";
    const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", digest, 0),
                                 OSSL_PARAM_construct_end()};
    if (!c || EVP_MAC_CTX_set_params(c.get(), params) != 1)
      throw std::runtime_error("openssl: HMAC context");
    return c;
  }();
  return ctx.get();
}

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

Md5Stream::Md5Stream() : ctx_(EVP_MD_CTX_new()) {
  static const EVP_MD* md5 = Fetched("MD5");
  if (!ctx_ || EVP_DigestInit_ex(ctx_, md5, nullptr) != 1) {
    EVP_MD_CTX_free(ctx_);
    throw std::runtime_error("openssl digest failed");
  }
}

Md5Stream::~Md5Stream() { EVP_MD_CTX_free(ctx_); }

Md5Stream::Md5Stream(Md5Stream&& other) noexcept : ctx_(other.ctx_) { other.ctx_ = nullptr; }

Md5Stream& Md5Stream::operator=(Md5Stream&& other) noexcept {
  std::swap(ctx_, other.ctx_);
  return *this;
}

void Md5Stream::Update(std::string_view data) {
  if (!ctx_ || EVP_DigestUpdate(ctx_, data.data(), data.size()) != 1) {
    throw std::runtime_error("openssl digest failed");
  }
}

std::string Md5Stream::FinalHex() {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!ctx_ || EVP_DigestFinal_ex(ctx_, out, &len) != 1)
    throw std::runtime_error("openssl digest failed");
  return HexEncode(std::string_view(reinterpret_cast<char*>(out), len));
}

std::string Sha256Hex(std::string_view data) {
  static const EVP_MD* sha256 = Fetched("SHA256");
  return DigestHex(sha256, data);
}

bool Sha256FileHex(const std::string& path, std::string* hex) {
  static const EVP_MD* sha256 = Fetched("SHA256");
  std::unique_ptr<FILE, int (*)(FILE*)> file(fopen(path.c_str(), "rb"), fclose);
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  if (!file || !ctx || EVP_DigestInit_ex(ctx.get(), sha256, nullptr) != 1) return false;
  char buf[1 << 16];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, file.get())) > 0) {
    if (EVP_DigestUpdate(ctx.get(), buf, n) != 1) return false;
  }
  if (ferror(file.get())) return false;
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx.get(), out, &len) != 1) return false;
  *hex = HexEncode(std::string_view(reinterpret_cast<char*>(out), len));
  return true;
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  // EVP_MAC_init reads an empty key as "keep the last one"; HMAC pads keys with zero
  // bytes, so one zero byte is the same key as none.
  if (key.empty()) key = std::string_view("\0", 1);
  EVP_MAC_CTX* ctx = HmacSha256Context();
  unsigned char out[EVP_MAX_MD_SIZE];
  size_t len = 0;
  if (EVP_MAC_init(ctx, reinterpret_cast<const unsigned char*>(key.data()), key.size(), nullptr) !=
          1 ||
      EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1 ||
      EVP_MAC_final(ctx, out, &len, sizeof out) != 1) {
    throw std::runtime_error("openssl hmac failed");
  }
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string HmacSha256Hex(std::string_view key, std::string_view data) {
  return HexEncode(HmacSha256(key, data));
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
