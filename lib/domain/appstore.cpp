// The App Store's JWS verification; see appstore.h.
#include "lib/domain/appstore.h"

#include <json/writer.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "lib/core/crypto.h"
#include "lib/core/json_read.h"
#include "lib/core/keys.h"
#include "lib/core/log.h"
#include "lib/core/metrics.h"
#include "lib/domain/profile.h"

namespace dt {
namespace {

constexpr const char* kIntermediateOid = "1.2.840.113635.100.6.2.1";  // Apple WWDR CA
constexpr const char* kLeafOid = "1.2.840.113635.100.6.11.1";         // App Store signing

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct StoreFree {
  void operator()(X509_STORE* s) const { X509_STORE_free(s); }
};
struct StoreCtxFree {
  void operator()(X509_STORE_CTX* c) const { X509_STORE_CTX_free(c); }
};
struct StackFree {
  void operator()(STACK_OF(X509) * s) const { sk_X509_free(s); }
};
struct ObjFree {
  void operator()(ASN1_OBJECT* o) const { ASN1_OBJECT_free(o); }
};
using UniqueX509 = std::unique_ptr<X509, X509Free>;

UniqueX509 FromDer(std::string_view der) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  UniqueX509 cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (cert && p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) cert.reset();
  return cert;
}

bool HasExtension(X509* cert, const char* oid) {
  std::unique_ptr<ASN1_OBJECT, ObjFree> obj(OBJ_txt2obj(oid, 1));
  return obj && X509_get_ext_by_OBJ(cert, obj.get(), -1) >= 0;
}

bool Fail(std::string* why, const std::string& reason) {
  *why = reason;
  return false;
}

}  // namespace

bool VerifyAppleJws(std::string_view jws, std::string_view root_der, Json::Value* payload,
                    std::string* why) {
  const size_t dot1 = jws.find('.');
  const size_t dot2 = dot1 == std::string_view::npos ? dot1 : jws.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || jws.find('.', dot2 + 1) != std::string_view::npos) {
    return Fail(why, "not a compact JWS");
  }
  const std::string_view header_part = jws.substr(0, dot1);
  const std::string_view payload_part = jws.substr(dot1 + 1, dot2 - dot1 - 1);
  const std::string_view signature_part = jws.substr(dot2 + 1);
  std::string header_text, payload_text, raw_signature;
  Json::Value header, body;
  if (!Base64UrlDecode(header_part, &header_text) || !ParseJsonObject(header_text, &header)) {
    return Fail(why, "the header is not base64url JSON");
  }
  if (!header["alg"].isString() || header["alg"].asString() != "ES256") {
    return Fail(why, "alg is not ES256");
  }
  const Json::Value& x5c = header["x5c"];
  if (!x5c.isArray() || x5c.size() < 2 || x5c.size() > 4) return Fail(why, "x5c is not a chain");
  if (!Base64UrlDecode(payload_part, &payload_text) || !ParseJsonObject(payload_text, &body)) {
    return Fail(why, "the payload is not base64url JSON");
  }
  if (!Base64UrlDecode(signature_part, &raw_signature))
    return Fail(why, "the signature is not base64url");

  std::vector<UniqueX509> chain;
  for (const Json::Value& entry : x5c) {
    std::string der;
    if (!entry.isString() || !Base64Decode(entry.asString(), &der))
      return Fail(why, "an x5c entry is not base64");
    chain.push_back(FromDer(der));
    if (!chain.back()) return Fail(why, "an x5c entry is not a certificate");
  }
  UniqueX509 anchor = FromDer(root_der);
  std::unique_ptr<X509_STORE, StoreFree> store(X509_STORE_new());
  std::unique_ptr<STACK_OF(X509), StackFree> untrusted(sk_X509_new_null());
  if (!anchor || !store || !untrusted || X509_STORE_add_cert(store.get(), anchor.get()) != 1) {
    return Fail(why, "the configured root");
  }
  for (size_t i = 1; i < chain.size(); ++i) sk_X509_push(untrusted.get(), chain[i].get());
  std::unique_ptr<X509_STORE_CTX, StoreCtxFree> ctx(X509_STORE_CTX_new());
  if (!ctx || X509_STORE_CTX_init(ctx.get(), store.get(), chain[0].get(), untrusted.get()) != 1) {
    return Fail(why, "openssl: verify context");
  }
  // At the current time, not at the payload's (unverified) signedDate: StoreKit and the
  // App Store sign what they hand out with a chain valid then.
  if (X509_verify_cert(ctx.get()) != 1) {
    return Fail(why, std::string("the chain: ") +
                         X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get())));
  }
  // The chain OpenSSL built must be x5c's own: leaf, its intermediate, the root.
  STACK_OF(X509)* built = X509_STORE_CTX_get0_chain(ctx.get());
  if (!built || sk_X509_num(built) != 3 || X509_cmp(sk_X509_value(built, 1), chain[1].get()) != 0) {
    return Fail(why, "the chain is not leaf, intermediate, root");
  }
  if (!HasExtension(chain[1].get(), kIntermediateOid))
    return Fail(why, "the intermediate lacks Apple's OID");
  if (!HasExtension(chain[0].get(), kLeafOid)) return Fail(why, "the leaf lacks Apple's OID");

  EcKey key;
  std::string error;
  if (!EcKey::FromPublic(X509_get0_pubkey(chain[0].get()), &key, &error)) {
    return Fail(why, "the leaf's key: " + error);
  }
  const std::string signed_text = std::string(header_part) + "." + std::string(payload_part);
  if (!Es256Verify(key, signed_text, raw_signature)) {
    return Fail(why, "the signature does not verify");
  }
  *payload = std::move(body);
  return true;
}

bool AppleJwsPayload(std::string_view jws, Json::Value* payload) {
  const size_t dot1 = jws.find('.');
  const size_t dot2 = dot1 == std::string_view::npos ? dot1 : jws.find('.', dot1 + 1);
  std::string text;
  return dot2 != std::string_view::npos &&
         Base64UrlDecode(jws.substr(dot1 + 1, dot2 - dot1 - 1), &text) &&
         ParseJsonObject(text, payload);
}

std::string MintAppleJws(std::string_view payload, const EcKey& leaf_key,
                         const std::vector<std::string>& chain_der) {
  Json::Value header(Json::objectValue);
  header["alg"] = "ES256";
  header["x5c"] = Json::Value(Json::arrayValue);
  for (const std::string& der : chain_der) header["x5c"].append(Base64Encode(der));
  Json::StreamWriterBuilder compact;
  compact["indentation"] = "";
  const std::string signing_input =
      Base64UrlEncode(Json::writeString(compact, header)) + "." + Base64UrlEncode(payload);
  const std::string signature = Es256Sign(leaf_key, signing_input);
  return signature.empty() ? "" : signing_input + "." + Base64UrlEncode(signature);
}

bool ReadAppStoreTransaction(const Json::Value& p, AppStoreTransaction* out, std::string* why) {
  *out = AppStoreTransaction();
  for (const char* field :
       {"transactionId", "originalTransactionId", "bundleId", "productId", "environment"}) {
    if (!p[field].isString() || p[field].asString().empty() || p[field].asString().size() > 64) {
      *why = std::string(field) + " is missing";
      return false;
    }
  }
  if (!p["purchaseDate"].isIntegral()) {
    *why = "purchaseDate is missing";
    return false;
  }
  out->transaction_id = p["transactionId"].asString();
  out->original_transaction_id = p["originalTransactionId"].asString();
  out->bundle_id = p["bundleId"].asString();
  out->product_id = p["productId"].asString();
  out->environment = p["environment"].asString();
  out->app_account_token = p.get("appAccountToken", "").asString();
  out->purchase_ms = p["purchaseDate"].asInt64();
  if (p["expiresDate"].isIntegral()) out->expires_ms = p["expiresDate"].asInt64();
  if (p["revocationDate"].isIntegral()) out->revocation_ms = p["revocationDate"].asInt64();
  return true;
}

Status AppAccountToken(Db& db, int64_t user, std::string* token) {
  Row row;
  bool found = false;
  RETURN_IF_ERROR(db.QueryRow("SELECT app_account_token FROM appstore_account WHERE user_id = ?",
                              {user}, &row, &found));
  if (found) {
    *token = row.Str(0);
    return Status::Ok();
  }
  std::string bytes = RandomBytes(16);
  bytes[6] = static_cast<char>((bytes[6] & 0x0f) | 0x40);  // version 4
  bytes[8] = static_cast<char>((bytes[8] & 0x3f) | 0x80);  // RFC 4122 variant
  const std::string hex = HexEncode(bytes);
  const std::string uuid = hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) +
                           "-" + hex.substr(16, 4) + "-" + hex.substr(20);
  // Two first uses at once: one insert wins, and both read it.
  RETURN_IF_ERROR(
      db.Exec("INSERT IGNORE INTO appstore_account (user_id, app_account_token) VALUES (?, ?)",
              {user, uuid}));
  RETURN_IF_ERROR(db.QueryRow("SELECT app_account_token FROM appstore_account WHERE user_id = ?",
                              {user}, &row, &found));
  if (!found) return Status::Internal("appstore: no account token");
  *token = row.Str(0);
  return Status::Ok();
}

Status LoadAppStoreStanding(Db& db, int64_t user, int64_t now, AppStoreStanding* out) {
  *out = AppStoreStanding();
  Row row;
  bool found = false;
  RETURN_IF_ERROR(db.QueryRow(
      "SELECT a.app_account_token, a.auto_renew, EXISTS (SELECT 1 FROM appstore_transaction t"
      " WHERE t.user_id = a.user_id AND t.revoked = 0 AND t.expires_time > FROM_UNIXTIME(?))"
      " OR EXISTS (SELECT 1 FROM appstore_grace g WHERE g.user_id = a.user_id AND g.open = 1"
      " AND g.grace_until > FROM_UNIXTIME(?))"
      " FROM appstore_account a WHERE a.user_id = ?",
      {now, now, user}, &row, &found));
  if (!found) return AppAccountToken(db, user, &out->app_account_token);  // nothing bought yet
  out->app_account_token = row.Str(0);
  out->subscribed = row.Int(2) != 0;
  out->auto_renew = out->subscribed && row.Int(1) == 1;
  return Status::Ok();
}

Status AppStoreUser(Db& db, const AppStoreTransaction& t, int64_t* user, bool* found) {
  Row row;
  if (!t.app_account_token.empty()) {
    RETURN_IF_ERROR(db.QueryRow("SELECT user_id FROM appstore_account WHERE app_account_token = ?",
                                {t.app_account_token}, &row, found));
    if (*found) {
      *user = row.Int(0);
      return Status::Ok();
    }
  }
  RETURN_IF_ERROR(db.QueryRow(
      "SELECT user_id FROM appstore_transaction WHERE original_transaction_id = ? LIMIT 1",
      {t.original_transaction_id}, &row, found));
  if (*found) *user = row.Int(0);
  return Status::Ok();
}

namespace {

// Inside a transaction that holds the user's vip_info row: ends the open grace of the
// subscription `original`, taking back what of it is still ahead of `now`; *ahead is that.
Status CloseGrace(Db& db, std::string_view original, int64_t now, int64_t* ahead) {
  *ahead = 0;
  Row row;
  bool found = false;
  RETURN_IF_ERROR(
      db.QueryRow("SELECT user_id, UNIX_TIMESTAMP(grace_until), granted_seconds FROM appstore_grace"
                  " WHERE original_transaction_id = ? AND open = 1 FOR UPDATE",
                  {original}, &row, &found));
  if (!found) return Status::Ok();
  *ahead = std::min(row.Int(2), std::max<int64_t>(0, row.Int(1) - now));
  RETURN_IF_ERROR(
      db.Exec("UPDATE appstore_grace SET open = 0, update_time = FROM_UNIXTIME(?)"
              " WHERE original_transaction_id = ?",
              {now, original}));
  return db.Exec(
      "UPDATE vip_info SET vip_deadline = GREATEST(FROM_UNIXTIME(?), vip_deadline - INTERVAL ? "
      "SECOND) WHERE user_id = ?",
      {now, *ahead, row.Int(0)});
}

// Locks the user's vip_info row (made if missing) and reads its deadline: every change of
// VIP time here begins so, one lock order (vip_info, then the App Store's rows).
Status LockVipDeadline(Db& db, int64_t user, int64_t now, int64_t* deadline) {
  RETURN_IF_ERROR(
      db.Exec("INSERT IGNORE INTO vip_info (user_id, vip_deadline) VALUES (?, FROM_UNIXTIME(?))",
              {user, now}));
  Row row;
  bool found = false;
  RETURN_IF_ERROR(
      db.QueryRow("SELECT UNIX_TIMESTAMP(vip_deadline) FROM vip_info WHERE user_id = ? FOR UPDATE",
                  {user}, &row, &found));
  *deadline = found ? row.Int(0) : now;
  return Status::Ok();
}

void Uncache(Redis& redis, int64_t user) {
  if (!InvalidateProfile(redis, user).ok())
    LogError("appstore: profile cache of %lld not invalidated", static_cast<long long>(user));
}

}  // namespace

Status GrantAppStoreGrace(Db& db, Redis& redis, int64_t user,
                          std::string_view original_transaction_id, int64_t until, int64_t now,
                          int64_t* deadline) {
  RETURN_IF_ERROR(InTransaction(db, [&]() -> Status {
    int64_t current = 0;
    RETURN_IF_ERROR(LockVipDeadline(db, user, now, &current));
    Row row;
    bool found = false;
    RETURN_IF_ERROR(
        db.QueryRow("SELECT UNIX_TIMESTAMP(grace_until), granted_seconds, open FROM appstore_grace"
                    " WHERE original_transaction_id = ? FOR UPDATE",
                    {original_transaction_id}, &row, &found));
    const bool open = found && row.Int(2) == 1;
    // An open grace extended to a later `until` gives only the difference.
    const int64_t from = open ? std::max(now, row.Int(0)) : now;
    const int64_t extra = std::max<int64_t>(0, until - from);
    *deadline = extra > 0 ? std::max(now, current) + extra : current;
    RETURN_IF_ERROR(
        db.Exec("INSERT INTO appstore_grace (original_transaction_id, user_id, grace_until,"
                " granted_seconds, open, update_time) VALUES (?, ?, FROM_UNIXTIME(?), ?, 1,"
                " FROM_UNIXTIME(?)) ON DUPLICATE KEY UPDATE user_id = VALUES(user_id),"
                " grace_until = VALUES(grace_until), granted_seconds = VALUES(granted_seconds),"
                " open = 1, update_time = VALUES(update_time)",
                {original_transaction_id, user, std::max(until, open ? row.Int(0) : until),
                 (open ? row.Int(1) : 0) + extra, now}));
    return db.Exec("UPDATE vip_info SET vip_deadline = FROM_UNIXTIME(?) WHERE user_id = ?",
                   {*deadline, user});
  }));
  Uncache(redis, user);
  return Status::Ok();
}

Status EndAppStoreGrace(Db& db, Redis& redis, std::string_view original_transaction_id,
                        int64_t now) {
  Row row;
  bool found = false;
  RETURN_IF_ERROR(db.QueryRow(
      "SELECT user_id FROM appstore_grace WHERE original_transaction_id = ? AND open = 1",
      {original_transaction_id}, &row, &found));
  if (!found) return Status::Ok();
  const int64_t user = row.Int(0);
  RETURN_IF_ERROR(InTransaction(db, [&]() -> Status {
    int64_t current = 0, ahead = 0;
    RETURN_IF_ERROR(LockVipDeadline(db, user, now, &current));
    return CloseGrace(db, original_transaction_id, now, &ahead);
  }));
  Uncache(redis, user);
  return Status::Ok();
}

Status RevokeAppStoreTransaction(Db& db, Redis& redis, std::string_view transaction_id, int64_t now,
                                 bool* found) {
  Row row;
  RETURN_IF_ERROR(db.QueryRow(
      "SELECT user_id, original_transaction_id FROM appstore_transaction WHERE transaction_id = ?",
      {transaction_id}, &row, found));
  if (!*found) return Status::Ok();
  const int64_t user = row.Int(0);
  const std::string original = row.Str(1);
  RETURN_IF_ERROR(InTransaction(db, [&]() -> Status {
    int64_t current = 0;
    RETURN_IF_ERROR(LockVipDeadline(db, user, now, &current));
    Row granted;
    bool live = false;
    RETURN_IF_ERROR(
        db.QueryRow("SELECT granted_seconds FROM appstore_transaction"
                    " WHERE transaction_id = ? AND revoked = 0 FOR UPDATE",
                    {transaction_id}, &granted, &live));
    if (!live) return Status::Ok();  // revoked before
    RETURN_IF_ERROR(db.Exec("UPDATE appstore_transaction SET revoked = 1 WHERE transaction_id = ?",
                            {transaction_id}));
    RETURN_IF_ERROR(db.Exec(
        "UPDATE vip_info SET vip_deadline = GREATEST(FROM_UNIXTIME(?), vip_deadline - INTERVAL ? "
        "SECOND) WHERE user_id = ?",
        {now, granted.Int(0), user}));
    int64_t ahead = 0;
    return CloseGrace(db, original, now, &ahead);
  }));
  Uncache(redis, user);
  return Status::Ok();
}

Status GrantAppStoreTransaction(Db& db, Redis& redis, int64_t user, int64_t product_id,
                                const AppStoreTransaction& t, int64_t now, bool* repeat,
                                int64_t* deadline) {
  *repeat = false;
  const Status granted_status = InTransaction(db, [&]() -> Status {
    Row row;
    bool found = false;
    int64_t current = 0;
    RETURN_IF_ERROR(LockVipDeadline(db, user, now, &current));
    RETURN_IF_ERROR(db.QueryRow("SELECT user_id FROM appstore_transaction WHERE transaction_id = ?",
                                {t.transaction_id}, &row, &found));
    if (found) {
      *repeat = true;
      *deadline = current;
      return Status::Ok();
    }
    // A renewal (billing recovered) replaces the subscription's grace: what of the grace
    // is still ahead goes, the renewal's time comes instead.
    int64_t ahead = 0;
    RETURN_IF_ERROR(CloseGrace(db, t.original_transaction_id, now, &ahead));
    current = std::max(now, current - ahead);
    int64_t granted = 0;
    if (t.expires_ms > 0) {
      granted = std::max<int64_t>(0, t.expires_ms / 1000 - std::max(now, t.purchase_ms / 1000));
    } else {
      RETURN_IF_ERROR(
          db.QueryRow("SELECT vip_time FROM product WHERE id = ?", {product_id}, &row, &found));
      granted = found ? row.Int(0) * 86400 : 0;
    }
    *deadline = std::max(now, current) + granted;
    RETURN_IF_ERROR(
        db.Exec("INSERT INTO appstore_transaction (transaction_id, original_transaction_id, "
                "user_id, product_id,"
                " purchase_time, expires_time, granted_seconds, create_time) VALUES (?, ?, ?, ?, "
                "FROM_UNIXTIME(?),"
                " IF(? > 0, FROM_UNIXTIME(?), NULL), ?, FROM_UNIXTIME(?))",
                {t.transaction_id, t.original_transaction_id, user, product_id,
                 t.purchase_ms / 1000, t.expires_ms, t.expires_ms / 1000, granted, now}));
    return db.Exec("UPDATE vip_info SET vip_deadline = FROM_UNIXTIME(?) WHERE user_id = ?",
                   {*deadline, user});
  });
  const bool failed = !granted_status.ok() && (granted_status.kind() == StatusKind::kUnavailable ||
                                               granted_status.kind() == StatusKind::kInternal);
  CountEvent(std::string("dt_payments_total{channel=\"appstore\",outcome=\"") +
             (granted_status.ok() ? (*repeat ? "repeat" : "credited")
              : failed            ? "error"
                                  : "refused") +
             "\"}");
  RETURN_IF_ERROR(granted_status);
  Uncache(redis, user);
  return Status::Ok();
}

}  // namespace dt
