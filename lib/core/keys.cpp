// The gateways' cryptography; see keys.h.
#include "lib/core/keys.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
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

std::string RsaSha256SignBase64(const RsaKey& key, std::string_view data) {
  if (!key.has_private()) return "";
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  size_t length = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
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
  return Base64Encode(signature);
}

bool RsaSha256VerifyBase64(const RsaKey& key, std::string_view data,
                           std::string_view signature_base64) {
  std::string signature;
  if (!key.loaded() || !Base64Decode(signature_base64, &signature)) return false;
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  return ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) == 1 &&
         EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                          signature.size(), reinterpret_cast<const unsigned char*>(data.data()),
                          data.size()) == 1;
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

}  // namespace dt
