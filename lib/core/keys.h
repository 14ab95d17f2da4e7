// The public-key cryptography of the outside parties, over OpenSSL: RSA keys from PEM,
// SHA256withRSA (RSASSA-PKCS1-v1_5, which Alipay calls RSA2 and WeChat Pay APIv3 uses),
// P-256 keys and ES256 as JWS writes it (the App Store's signed data, APNs' provider
// tokens), AES-256-GCM (WeChat Pay's notify resources), standard base64 and base64url. Keys are
// immutable once loaded and may be shared between threads; the functions are thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>

struct evp_pkey_st;  // OpenSSL's EVP_PKEY

namespace dt {

// A loaded key (private, or public only). Copies share the key.
class RsaKey {
 public:
  RsaKey() = default;

  // From PEM text: a private key (PKCS#8 "PRIVATE KEY" or PKCS#1 "RSA PRIVATE KEY"), or a
  // public key ("PUBLIC KEY"); false (and *error says why) when it is neither, or not RSA of
  // at least 2048 bits.
  static bool FromPrivatePem(std::string_view pem, RsaKey* out, std::string* error);
  static bool FromPublicPem(std::string_view pem, RsaKey* out, std::string* error);
  // Alipay's consoles hand keys out as bare base64 of the DER, without PEM armour.
  static bool FromPublicBase64(std::string_view der_base64, RsaKey* out, std::string* error);

  bool loaded() const { return key_ != nullptr; }
  bool has_private() const { return has_private_; }
  // Whether the two keys have the same public half (a private key and its public key).
  bool SamePublicKey(const RsaKey& other) const;

  evp_pkey_st* get() const { return key_.get(); }

 private:
  // Takes ownership of `key` (null: none was read) if it is an RSA key of 2048+ bits.
  static bool Adopt(evp_pkey_st* key, bool has_private, RsaKey* out, std::string* error);

  std::shared_ptr<evp_pkey_st> key_;
  bool has_private_ = false;
};

// A loaded P-256 (prime256v1) key, private or public only. Copies share the key.
class EcKey {
 public:
  EcKey() = default;

  // From PEM text: a private key (PKCS#8 "PRIVATE KEY" or SEC 1 "EC PRIVATE KEY"); false
  // (and *error) when it is none, or not on P-256.
  static bool FromPrivatePem(std::string_view pem, EcKey* out, std::string* error);
  // Shares `key` (a certificate's, X509_get0_pubkey) when it is on P-256; false otherwise.
  static bool FromPublic(evp_pkey_st* key, EcKey* out, std::string* error);

  bool loaded() const { return key_ != nullptr; }
  bool has_private() const { return has_private_; }
  evp_pkey_st* get() const { return key_.get(); }

 private:
  static bool Adopt(evp_pkey_st* key, bool up_ref, bool has_private, EcKey* out,
                    std::string* error);

  std::shared_ptr<evp_pkey_st> key_;
  bool has_private_ = false;
};

// ES256 (RFC 7518 3.4): ECDSA P-256 with SHA-256 of `data`, the signature as r||s (64
// bytes, each half big-endian and zero-padded); empty if the key cannot sign.
std::string Es256Sign(const EcKey& key, std::string_view data);
// Whether `raw` (r||s, 64 bytes) is an ES256 signature of `data` by `key`.
bool Es256Verify(const EcKey& key, std::string_view data, std::string_view raw);

// SHA256withRSA of `data` with a private key, base64; empty if the key cannot sign.
std::string RsaSha256SignBase64(const RsaKey& key, std::string_view data);

// Whether `signature_base64` is a SHA256withRSA signature of `data` by `key`'s public half.
bool RsaSha256VerifyBase64(const RsaKey& key, std::string_view data,
                           std::string_view signature_base64);

// AES-256-GCM: `sealed` is the ciphertext followed by its 16-byte tag; false when the key
// is not 32 bytes or the tag does not match (tampered, or another key, nonce or aad).
bool Aes256GcmOpen(std::string_view key, std::string_view nonce, std::string_view aad,
                   std::string_view sealed, std::string* plain);
// The other way (the tests' fake gateway seals notifies as WeChat Pay does).
bool Aes256GcmSeal(std::string_view key, std::string_view nonce, std::string_view aad,
                   std::string_view plain, std::string* sealed);

// The DER of the (first) certificate of PEM text; false (and *error) when there is none.
bool CertificateDerFromPem(std::string_view pem, std::string* der, std::string* error);

std::string Base64Encode(std::string_view bytes);
// Standard base64 with padding; false on anything else (whitespace included).
bool Base64Decode(std::string_view text, std::string* bytes);

// base64url without padding (RFC 7515 2), as JWS and JWT write their parts.
std::string Base64UrlEncode(std::string_view bytes);
// Only that: '+', '/', '=' and anything else outside the alphabet are refused.
bool Base64UrlDecode(std::string_view text, std::string* bytes);

}  // namespace dt
