// The App Store's signed data (StoreKit 2 transactions, renewal infos, App Store Server
// Notifications V2): compact JWS with ES256 and the signing chain in the header's `x5c`,
// verified offline with OpenSSL against a configured root (Apple Root CA - G3 in
// production):
//   - the header's `alg` is ES256 (nothing else, `none` least of all);
//   - `x5c` (standard base64 DER, leaf first) chains to the root, now (the payload's
//     signedDate is not trusted before the signature is), through leaf, intermediate and
//     root and no other;
//   - the intermediate carries Apple's OID 1.2.840.113635.100.6.2.1 and the leaf
//     1.2.840.113635.100.6.11.1;
//   - the signature (r||s, 64 bytes, base64url) verifies over "header.payload" with the
//     leaf's key.
// Only then is the payload parsed and returned. Pure functions; thread-safe.
#pragma once

#include <json/value.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lib/core/keys.h"
#include "lib/core/status.h"
#include "lib/store/db.h"
#include "lib/store/redis.h"

namespace dt {

// Verifies `jws` as above against the root certificate `root_der` (DER; the config's
// [pay.appstore] root_ca, lib/core/keys.h CertificateDerFromPem); on success *payload is
// its payload object. False (and *why, without secrets) otherwise.
bool VerifyAppleJws(std::string_view jws, std::string_view root_der, Json::Value* payload,
                    std::string* why);

// The payload of a JWS VerifyAppleJws has accepted (a route's authenticator verified it,
// its handler reads it); false when it is not a compact JWS with a JSON object payload.
bool AppleJwsPayload(std::string_view jws, Json::Value* payload);

// The other way, as the App Store signs: a compact JWS of `payload` (JSON text) with
// header {"alg":"ES256","x5c":[chain_der...]} signed by `leaf_key`. For the tests and
// dtcurl, which sign with a test chain; empty if the key cannot sign.
std::string MintAppleJws(std::string_view payload, const EcKey& leaf_key,
                         const std::vector<std::string>& chain_der);

// What a verified transaction (JWSTransactionDecodedPayload) says, as this server uses it.
struct AppStoreTransaction {
  std::string transaction_id, original_transaction_id;
  std::string bundle_id, product_id, environment, app_account_token;
  int64_t purchase_ms = 0;
  int64_t expires_ms = 0;     // subscriptions; 0 when none
  int64_t revocation_ms = 0;  // refunded or revoked; 0 when not
};

// Reads a verified payload; false (and *why) when a field this server needs is missing.
bool ReadAppStoreTransaction(const Json::Value& payload, AppStoreTransaction* out,
                             std::string* why);

// The user's appAccountToken: a random UUID made on first use and kept.
Status AppAccountToken(Db& db, int64_t user, std::string* token);

// Credits a verified transaction of `user` for our `product_id` at `now`, once: the VIP
// time from now (or the later deadline) to its expiresDate, stacked as orders stack
// (max(now, deadline) + that time); a non-subscription gives the product's vip_time. The
// same transaction again changes nothing (*repeat). *deadline is the user's VIP deadline.
Status GrantAppStoreTransaction(Db& db, Redis& redis, int64_t user, int64_t product_id,
                                const AppStoreTransaction& t, int64_t now, bool* repeat,
                                int64_t* deadline);

// What vip/info tells of the App Store: the user's token (made on first use), whether an
// App Store subscription of theirs runs at `now` (a billing grace counts), and whether it
// renews.
struct AppStoreStanding {
  std::string app_account_token;
  bool subscribed = false;
  bool auto_renew = false;
};
Status LoadAppStoreStanding(Db& db, int64_t user, int64_t now, AppStoreStanding* out);

// The user a transaction belongs to: by its appAccountToken, else by an earlier
// transaction of the same subscription (originalTransactionId). *found false when none.
Status AppStoreUser(Db& db, const AppStoreTransaction& t, int64_t* user, bool* found);

// A refund or revocation: what `transaction_id` gave is taken back (never to before
// `now`), once, and a grace period of its subscription ends. *found false when it was
// never credited here.
Status RevokeAppStoreTransaction(Db& db, Redis& redis, std::string_view transaction_id, int64_t now,
                                 bool* found);

// Billing grace (DID_FAIL_TO_RENEW with subtype GRACE_PERIOD): the subscription
// `original_transaction_id` of `user` keeps VIP until `until`; the time that adds beyond
// the user's deadline (stacked like any other) is recorded, one grace per subscription,
// a later `until` extending it. *deadline is the user's VIP deadline after.
Status GrantAppStoreGrace(Db& db, Redis& redis, int64_t user,
                          std::string_view original_transaction_id, int64_t until, int64_t now,
                          int64_t* deadline);

// The grace of a subscription ends at `now` (GRACE_PERIOD_EXPIRED, EXPIRED, a refund): what
// of it is still ahead is taken back. A renewal of the subscription ends it the same way
// inside GrantAppStoreTransaction, so the renewal replaces the grace and does not stack on
// it. Nothing when there is no open grace.
Status EndAppStoreGrace(Db& db, Redis& redis, std::string_view original_transaction_id,
                        int64_t now);

}  // namespace dt
