// The gateways' cryptography; see keys.h.
#include "lib/core/keys.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

namespace dt {
namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};

bool Check(EVP_PKEY* key, std::string* error) {
  if (!key) {
    *error = "not a PEM key";
    return false;
  }
  if (EVP_PKEY_base_id(key) != EVP_PKEY_RSA) {
    *error = "not an RSA key";
    return false;
  }
  if (EVP_PKEY_bits(key) < 2048) {
    *error = "an RSA key under 2048 bits";
    return false;
  }
  return true;
}

std::shared_ptr<EVP_PKEY> Own(EVP_PKEY* key) {
  return std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free);
}

}  // namespace

bool RsaKey::Adopt(evp_pkey_st* key, bool has_private, RsaKey* out, std::string* error) {
  std::shared_ptr<EVP_PKEY> owned = Own(key);
  if (!Check(key, error)) return false;
  out->key_ = std::move(owned);
  out->has_private_ = has_private;
  return true;
}

bool RsaKey::FromPrivatePem(std::string_view pem, RsaKey* out, std::string* error) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return Adopt(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr, true,
               out, error);
}

bool RsaKey::FromPublicPem(std::string_view pem, RsaKey* out, std::string* error) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return Adopt(bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr) : nullptr, false,
               out, error);
}

bool RsaKey::FromPublicBase64(std::string_view der_base64, RsaKey* out, std::string* error) {
  std::string der;
  if (!Base64Decode(der_base64, &der)) {
    *error = "not base64";
    return false;
  }
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  return Adopt(d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())), false, out, error);
}

bool RsaKey::SamePublicKey(const RsaKey& other) const {
  return key_ && other.key_ && EVP_PKEY_eq(key_.get(), other.key_.get()) == 1;
}

namespace {

// SHA-256 signature of `data` with `key` as OpenSSL writes it (PKCS#1 v1.5 for RSA, the
// DER ECDSA-Sig-Value for EC); empty if it cannot sign.
std::string DigestSign(EVP_PKEY* key, std::string_view data) {
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  size_t length = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &length,
                     reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1) {
    return "";
  }
  std::string signature(length, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                     reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1) {
    return "";
  }
  signature.resize(length);
  return signature;
}

// Whether `signature` (as DigestSign writes it) is `key`'s over `data`.
bool DigestVerify(EVP_PKEY* key, std::string_view data, std::string_view signature) {
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  return ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) == 1 &&
         EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                          signature.size(), reinterpret_cast<const unsigned char*>(data.data()),
                          data.size()) == 1;
}

}  // namespace

std::string RsaSha256SignBase64(const RsaKey& key, std::string_view data) {
  if (!key.has_private()) return "";
  const std::string signature = DigestSign(key.get(), data);
  return signature.empty() ? "" : Base64Encode(signature);
}

bool RsaSha256VerifyBase64(const RsaKey& key, std::string_view data,
                           std::string_view signature_base64) {
  std::string signature;
  return key.loaded() && Base64Decode(signature_base64, &signature) &&
         DigestVerify(key.get(), data, signature);
}

namespace {

struct SigFree {
  void operator()(ECDSA_SIG* s) const { ECDSA_SIG_free(s); }
};

bool IsP256(EVP_PKEY* key) {
  char group[32] = {0};
  size_t length = 0;
  return EVP_PKEY_base_id(key) == EVP_PKEY_EC &&
         EVP_PKEY_get_utf8_string_param(key, "group", group, sizeof(group), &length) == 1 &&
         std::string_view(group, length) == SN_X9_62_prime256v1;
}

}  // namespace

bool EcKey::Adopt(evp_pkey_st* key, bool up_ref, bool has_private, EcKey* out, std::string* error) {
  if (!key) {
    *error = "not a PEM key";
    return false;
  }
  if (up_ref) EVP_PKEY_up_ref(key);
  std::shared_ptr<EVP_PKEY> owned = Own(key);
  if (!IsP256(key)) {
    *error = "not a P-256 key";
    return false;
  }
  out->key_ = std::move(owned);
  out->has_private_ = has_private;
  return true;
}

bool EcKey::FromPrivatePem(std::string_view pem, EcKey* out, std::string* error) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return Adopt(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr, false,
               true, out, error);
}

bool EcKey::FromPublic(evp_pkey_st* key, EcKey* out, std::string* error) {
  return Adopt(key, true, false, out, error);
}

std::string Es256Sign(const EcKey& key, std::string_view data) {
  if (!key.has_private()) return "";
  const std::string der = DigestSign(key.get(), data);
  if (der.empty()) return "";
  // OpenSSL writes the DER ECDSA-Sig-Value; JWS wants the two integers side by side.
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  std::unique_ptr<ECDSA_SIG, SigFree> sig(
      d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  std::string raw(64, '\0');
  unsigned char* out = reinterpret_cast<unsigned char*>(raw.data());
  if (!sig || BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), out, 32) != 32 ||
      BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), out + 32, 32) != 32) {
    return "";
  }
  return raw;
}

bool Es256Verify(const EcKey& key, std::string_view data, std::string_view raw) {
  if (!key.loaded() || raw.size() != 64) return false;
  std::unique_ptr<ECDSA_SIG, SigFree> sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()), 32, nullptr);
  BIGNUM* s = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()) + 32, 32, nullptr);
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return false;
  }
  const int n = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (n <= 0) return false;
  std::string der(static_cast<size_t>(n), '\0');
  unsigned char* p = reinterpret_cast<unsigned char*>(der.data());
  if (i2d_ECDSA_SIG(sig.get(), &p) != n) return false;
  return DigestVerify(key.get(), data, der);
}

namespace {

constexpr size_t kGcmTag = 16;

bool Gcm(bool seal, std::string_view key, std::string_view nonce, std::string_view aad,
         std::string_view in, std::string* out) {
  if (key.size() != 32 || nonce.empty() || (!seal && in.size() < kGcmTag)) return false;
  const std::string_view body = seal ? in : in.substr(0, in.size() - kGcmTag);
  std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree> ctx(EVP_CIPHER_CTX_new());
  const auto* k = reinterpret_cast<const unsigned char*>(key.data());
  const auto* iv = reinterpret_cast<const unsigned char*>(nonce.data());
  int (*init)(EVP_CIPHER_CTX*, const EVP_CIPHER*, ENGINE*, const unsigned char*,
              const unsigned char*) = seal ? EVP_EncryptInit_ex : EVP_DecryptInit_ex;
  if (!ctx || init(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(nonce.size()),
                          nullptr) != 1 ||
      init(ctx.get(), nullptr, nullptr, k, iv) != 1) {
    return false;
  }
  int n = 0;
  auto update = seal ? EVP_EncryptUpdate : EVP_DecryptUpdate;
  if (!aad.empty() &&
      update(ctx.get(), nullptr, &n, reinterpret_cast<const unsigned char*>(aad.data()),
             static_cast<int>(aad.size())) != 1) {
    return false;
  }
  std::string result(body.size() + kGcmTag, '\0');
  auto* o = reinterpret_cast<unsigned char*>(result.data());
  if (update(ctx.get(), o, &n, reinterpret_cast<const unsigned char*>(body.data()),
             static_cast<int>(body.size())) != 1) {
    return false;
  }
  int total = n;
  if (seal) {
    if (EVP_EncryptFinal_ex(ctx.get(), o + total, &n) != 1) return false;
    total += n;
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kGcmTag, o + total) != 1) return false;
    result.resize(total + kGcmTag);
  } else {
    std::string tag(in.substr(in.size() - kGcmTag));
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kGcmTag, tag.data()) != 1 ||
        EVP_DecryptFinal_ex(ctx.get(), o + total, &n) != 1) {
      return false;  // the tag does not match
    }
    result.resize(total + n);
  }
  *out = std::move(result);
  return true;
}

}  // namespace

bool Aes256GcmOpen(std::string_view key, std::string_view nonce, std::string_view aad,
                   std::string_view sealed, std::string* plain) {
  return Gcm(false, key, nonce, aad, sealed, plain);
}

bool Aes256GcmSeal(std::string_view key, std::string_view nonce, std::string_view aad,
                   std::string_view plain, std::string* sealed) {
  return Gcm(true, key, nonce, aad, plain, sealed);
}

bool CertificateDerFromPem(std::string_view pem, std::string* der, std::string* error) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  X509* cert = bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr;
  const int n = cert ? i2d_X509(cert, nullptr) : 0;
  bool ok = n > 0;
  if (ok) {
    der->assign(static_cast<size_t>(n), '\0');
    unsigned char* p = reinterpret_cast<unsigned char*>(der->data());
    ok = i2d_X509(cert, &p) == n;
  }
  X509_free(cert);
  if (!ok) *error = "not a PEM certificate";
  return ok;
}

std::string Base64Encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(n > 0 ? n : 0);
  return out;
}

bool Base64Decode(std::string_view text, std::string* bytes) {
  if (text.size() % 4 != 0) return false;
  const size_t pad = text.find('=');
  if (pad != std::string_view::npos &&
      (text.size() - pad > 2 || text.find_first_not_of('=', pad) != std::string_view::npos)) {
    return false;  // padding only at the end, at most two
  }
  for (char c : text.substr(0, pad)) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '+' || c == '/';
    if (!ok) return false;
  }
  std::string out(text.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return false;
  size_t length = static_cast<size_t>(n);
  // EVP_DecodeBlock counts the padding as bytes: take them back off.
  if (!text.empty() && text.back() == '=') --length;
  if (text.size() >= 2 && text[text.size() - 2] == '=') --length;
  out.resize(length);
  *bytes = std::move(out);
  return true;
}

std::string Base64UrlEncode(std::string_view bytes) {
  std::string text = Base64Encode(bytes);
  for (char& c : text) c = c == '+' ? '-' : c == '/' ? '_' : c;
  while (!text.empty() && text.back() == '=') text.pop_back();
  return text;
}

bool Base64UrlDecode(std::string_view text, std::string* bytes) {
  if (text.size() % 4 == 1) return false;
  std::string standard;
  standard.reserve(text.size() + 3);
  for (char c : text) {
    if (c == '-') {
      standard += '+';
    } else if (c == '_') {
      standard += '/';
    } else if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      standard += c;
    } else {
      return false;  // '+', '/', '=' and anything else are not base64url
    }
  }
  while (standard.size() % 4 != 0) standard += '=';
  return Base64Decode(standard, bytes);
}

}  // namespace dt
