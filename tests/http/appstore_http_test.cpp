// In-app purchases through nginx: transactions minted here as StoreKit 2 signs them (ES256
// with the test chain of tests/data/vectors/appstore: its leaf key, under the stand-in
// root the test config trusts), verified by the server offline, credited once.
#include <cppunit/extensions/HelperMacros.h>
#include <json/reader.h>
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <ctime>
#include <fstream>
#include <memory>
#include <sstream>

#include "lib/core/clock.h"
#include "lib/core/json_writer.h"
#include "lib/core/keys.h"
#include "tests/http/http_support.h"

namespace dt {
namespace {

constexpr int64_t kDay = 86400;

std::string ReadVector(const std::string& path) {
  std::ifstream in("tests/data/vectors/appstore/" + path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string B64Url(std::string_view bytes) {
  std::string s = Base64Encode(bytes);
  for (char& c : s) c = c == '+' ? '-' : c == '/' ? '_' : c;
  while (!s.empty() && s.back() == '=') s.pop_back();
  return s;
}

std::string DerOf(const std::string& pem_path) {
  std::string der, error;
  CPPUNIT_ASSERT_MESSAGE(pem_path + ": " + error, CertificateDerFromPem(ReadVector(pem_path), &der, &error));
  return der;
}

// A compact JWS of `payload` as the App Store signs it: ES256 (r||s) by the test leaf key,
// x5c leaf, intermediate, root.
std::string Mint(const std::string& payload) {
  JsonWriter header;
  header.Str("alg", "ES256").Array("x5c");
  for (const char* cert : {"test_chain/leaf.pem", "test_chain/inter.pem", "test_root_ca_g3.pem"}) {
    header.Str(Base64Encode(DerOf(cert)));
  }
  header.End();
  const std::string signing_input = B64Url(header.Close()) + "." + B64Url(payload);
  const std::string pem = ReadVector("test_chain/leaf.key");
  std::unique_ptr<BIO, void (*)(BIO*)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())),
                                           [](BIO* b) { BIO_free(b); });
  std::unique_ptr<EVP_PKEY, void (*)(EVP_PKEY*)> key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr),
                                                     EVP_PKEY_free);
  CPPUNIT_ASSERT(key);
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> md(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  size_t length = 0;
  CPPUNIT_ASSERT(EVP_DigestSignInit(md.get(), nullptr, EVP_sha256(), nullptr, key.get()) == 1);
  CPPUNIT_ASSERT(EVP_DigestSign(md.get(), nullptr, &length, reinterpret_cast<const unsigned char*>(signing_input.data()),
                                signing_input.size()) == 1);
  std::string der(length, '\0');
  CPPUNIT_ASSERT(EVP_DigestSign(md.get(), reinterpret_cast<unsigned char*>(der.data()), &length,
                                reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size()) == 1);
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  std::unique_ptr<ECDSA_SIG, void (*)(ECDSA_SIG*)> sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(length)),
                                                       ECDSA_SIG_free);
  CPPUNIT_ASSERT(sig);
  unsigned char rs[64];
  BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), rs, 32);
  BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), rs + 32, 32);
  return signing_input + "." + B64Url(std::string_view(reinterpret_cast<const char*>(rs), 64));
}

struct Purchase {
  std::string transaction_id = "2000000" + std::to_string(time(nullptr)) + NewNonce().substr(0, 6);
  std::string product = "com.datingtoday.vip.monthly";
  std::string token;
  std::string bundle = "com.datingtoday.app";
  std::string environment = "Sandbox";
  int64_t purchase = time(nullptr);
  int64_t expires = time(nullptr) + 30 * kDay;
};

std::string SignedTransaction(const Purchase& p) {
  JsonWriter t;
  t.Str("transactionId", p.transaction_id).Str("originalTransactionId", p.transaction_id);
  t.Str("bundleId", p.bundle).Str("productId", p.product).Int("purchaseDate", p.purchase * 1000);
  t.Int("originalPurchaseDate", p.purchase * 1000).Int("expiresDate", p.expires * 1000).Int("quantity", 1);
  t.Str("type", "Auto-Renewable Subscription").Str("appAccountToken", p.token).Str("inAppOwnershipType", "PURCHASED");
  t.Int("signedDate", p.purchase * 1000).Str("environment", p.environment).Str("transactionReason", "PURCHASE");
  return Mint(t.Close());
}

// A notification as the App Store sends it: its payload (with the signed parts in data)
// signed like a transaction.
std::string Notification(const std::string& type, const std::string& uuid, const std::string& part_name,
                         const std::string& part, const std::string& bundle = "com.datingtoday.app") {
  JsonWriter n;
  n.Str("notificationType", type).Str("notificationUUID", uuid).Object("data");
  n.Str("bundleId", bundle).Str("environment", "Sandbox");
  if (!part_name.empty()) n.Str(part_name, part);
  n.End().Str("version", "2.0").Int("signedDate", static_cast<int64_t>(time(nullptr)) * 1000);
  return Mint(n.Close());
}

// POSTs {"signedPayload": jws} to the notify route; the HTTP status.
long Notify(const std::string& jws) {
  JsonWriter body;
  body.Str("signedPayload", jws);
  const std::string file = TestStack::Get().VarPath("appstore-notify.json");
  {
    std::ofstream out(file, std::ios::binary);
    out << body.Close();
  }
  return atol(RunCommand("curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data-binary @" +
                         file + " '" + TestStack::Get().url() + "/api/vip/appstore/notify'")
                  .c_str());
}

// xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx, lower-case hex (a random UUID).
bool IsUuid4(const std::string& s) {
  if (s.size() != 36 || s[14] != '4' || std::string("89ab").find(s[19]) == std::string::npos) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (s[i] == '-')) return false;
    if (!dash && std::string("0123456789abcdef").find(s[i]) == std::string::npos) return false;
  }
  return true;
}

std::string TokenOf(const Caller& c) { return Call("GET", "/api/vip/info", {}, c).data()["app_account_token"].asString(); }

Response Verify(const Caller& c, const std::string& jws) {
  return Call("POST", "/api/vip/appstore/verify", {{"signedTransaction", jws}}, c);
}

}  // namespace

class AppStoreHttpTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(AppStoreHttpTest);
  CPPUNIT_TEST(testVipInfoGivesEachUserAToken);
  CPPUNIT_TEST(testPurchaseIsCreditedOnce);
  CPPUNIT_TEST(testAnotherAccountsTransactionIsRefused);
  CPPUNIT_TEST(testForeignAndForgedTransactionsAreRefused);
  CPPUNIT_TEST(testOrdersAndTheAppStoreStack);
  CPPUNIT_TEST(testRenewalAndRefundNotifications);
  CPPUNIT_TEST(testForgedNotificationsAreRefused);
  CPPUNIT_TEST(testRenewalStatusAndTest);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testVipInfoGivesEachUserAToken() {
    Caller a = Login(NewPhone()), b = Login(NewPhone());
    Response info = Call("GET", "/api/vip/info", {}, a);
    const std::string token = info.data()["app_account_token"].asString();
    CPPUNIT_ASSERT_MESSAGE(token, IsUuid4(token));
    CPPUNIT_ASSERT_EQUAL(token, TokenOf(a));  // stable
    CPPUNIT_ASSERT(token != TokenOf(b));
    CPPUNIT_ASSERT_EQUAL(std::string("order"), info.data()["source"].asString());
    CPPUNIT_ASSERT(!info.data()["auto_renew"].asBool());
    CPPUNIT_ASSERT(info.data()["expires"].isNull());
  }

  void testPurchaseIsCreditedOnce() {
    Caller me = Login(NewPhone());
    Purchase p;
    p.token = TokenOf(me);
    const std::string jws = SignedTransaction(p);
    Response r = Verify(me, jws);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
    CPPUNIT_ASSERT(r.data()["is_vip"].asBool());
    CPPUNIT_ASSERT_EQUAL(1, r.data()["product_id"].asInt());
    CPPUNIT_ASSERT_EQUAL(p.transaction_id, r.data()["transaction_id"].asString());
    const int64_t deadline = VipDeadline(me.user_id);
    CPPUNIT_ASSERT(std::llabs(deadline - p.expires) < 5);
    CPPUNIT_ASSERT_EQUAL(FormatUtc(deadline), r.data()["vip_deadline"].asString());
    // The same transaction again (the app retries): the same answer, nothing more.
    Response again = Verify(me, jws);
    CPPUNIT_ASSERT_EQUAL(0, again.code());
    CPPUNIT_ASSERT_EQUAL(r.data()["vip_deadline"].asString(), again.data()["vip_deadline"].asString());
    CPPUNIT_ASSERT_EQUAL(deadline, VipDeadline(me.user_id));
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, Count("SELECT COUNT(*) FROM appstore_transaction WHERE transaction_id = ?", {p.transaction_id}));
    Response info = Call("GET", "/api/vip/info", {}, me);
    CPPUNIT_ASSERT_EQUAL(std::string("appstore"), info.data()["source"].asString());
    CPPUNIT_ASSERT_EQUAL(FormatUtc(deadline), info.data()["expires"].asString());
  }

  // Bought by one account (its appAccountToken), presented by another: refused.
  void testAnotherAccountsTransactionIsRefused() {
    Caller buyer = Login(NewPhone()), other = Login(NewPhone());
    Purchase p;
    p.token = TokenOf(buyer);
    Response r = Verify(other, SignedTransaction(p));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 504, r.code());
    CPPUNIT_ASSERT_EQUAL(int64_t{0}, VipDeadline(other.user_id));
    CPPUNIT_ASSERT_EQUAL(int64_t{0}, Count("SELECT COUNT(*) FROM appstore_transaction WHERE transaction_id = ?", {p.transaction_id}));
    CPPUNIT_ASSERT_EQUAL(0, Verify(buyer, SignedTransaction(p)).code());  // the buyer's own
  }

  void testForeignAndForgedTransactionsAreRefused() {
    Caller me = Login(NewPhone());
    Purchase p;
    p.token = TokenOf(me);
    Purchase foreign = p, production = p, unknown = p;
    foreign.bundle = "com.example.other";
    production.environment = "Production";
    unknown.product = "com.datingtoday.coins.100";
    std::string tampered = SignedTransaction(p);
    const size_t dot = tampered.find('.');
    tampered[dot + 5] = tampered[dot + 5] == 'A' ? 'B' : 'A';
    Json::Value vectors;
    std::string errors;
    const std::string text = ReadVector("vectors.json");
    std::unique_ptr<Json::CharReader> reader(Json::CharReaderBuilder().newCharReader());
    CPPUNIT_ASSERT(reader->parse(text.data(), text.data() + text.size(), &vectors, &errors));
    const std::string rogue = vectors["jws"]["transaction_rogue_root"].asString();
    CPPUNIT_ASSERT(rogue.size() > 100);
    const struct {
      const char* what;
      std::string jws;
      int code;
    } cases[] = {
        {"another app's", SignedTransaction(foreign), 300},       {"another environment", SignedTransaction(production), 300},
        {"not one of our products", SignedTransaction(unknown), 508}, {"tampered", tampered, 300},
        {"under another root", rogue, 300},                 {"not a JWS", "hello", 300},
    };
    for (const auto& c : cases) {
      Response r = Verify(me, c.jws);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(std::string(c.what) + ": " + r.body, c.code, r.code());
    }
    CPPUNIT_ASSERT_EQUAL(int64_t{0}, VipDeadline(me.user_id));
  }

  // DID_RENEW extends to the new expiresDate; a resent notification changes nothing; a
  // REFUND takes back what that transaction gave, only that.
  void testRenewalAndRefundNotifications() {
    Caller me = Login(NewPhone());
    Purchase first;
    first.token = TokenOf(me);
    CPPUNIT_ASSERT_EQUAL(0, Verify(me, SignedTransaction(first)).code());
    Purchase renewal = first;
    renewal.transaction_id = first.transaction_id + "1";
    renewal.purchase = first.expires;
    renewal.expires = first.expires + 30 * kDay;
    const std::string renewed = SignedTransaction(renewal);
    const std::string uuid = "renew-" + NewNonce();
    CPPUNIT_ASSERT_EQUAL(200L, Notify(Notification("DID_RENEW", uuid, "signedTransactionInfo", renewed)));
    CPPUNIT_ASSERT(std::llabs(VipDeadline(me.user_id) - renewal.expires) < 5);
    CPPUNIT_ASSERT_EQUAL(200L, Notify(Notification("DID_RENEW", uuid, "signedTransactionInfo", renewed)));  // resent
    CPPUNIT_ASSERT(std::llabs(VipDeadline(me.user_id) - renewal.expires) < 5);
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, Count("SELECT COUNT(*) FROM appstore_notification WHERE notification_uuid = ?", {uuid}));
    // The renewal is refunded: its 30 days go, the first purchase's stay.
    CPPUNIT_ASSERT_EQUAL(200L, Notify(Notification("REFUND", "refund-" + NewNonce(), "signedTransactionInfo", renewed)));
    CPPUNIT_ASSERT(std::llabs(VipDeadline(me.user_id) - first.expires) < 5);
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, Count("SELECT revoked FROM appstore_transaction WHERE transaction_id = ?", {renewal.transaction_id}));
    CPPUNIT_ASSERT_EQUAL(200L, Notify(Notification("REFUND", "refund-" + NewNonce(), "signedTransactionInfo", renewed)));
    CPPUNIT_ASSERT(std::llabs(VipDeadline(me.user_id) - first.expires) < 5);  // once
  }

  // What does not verify is 4xx (the App Store should stop resending a forgery), and
  // changes nothing.
  void testForgedNotificationsAreRefused() {
    Caller me = Login(NewPhone());
    Purchase p;
    p.token = TokenOf(me);
    const std::string text = ReadVector("vectors.json");
    Json::Value vectors;
    std::string errors;
    std::unique_ptr<Json::CharReader> reader(Json::CharReaderBuilder().newCharReader());
    CPPUNIT_ASSERT(reader->parse(text.data(), text.data() + text.size(), &vectors, &errors));
    CPPUNIT_ASSERT_EQUAL(401L, Notify(vectors["jws"]["notification_rogue_outer"].asString()));
    CPPUNIT_ASSERT_EQUAL(401L, Notify(Notification("DID_RENEW", NewNonce(), "signedTransactionInfo", SignedTransaction(p),
                                                   "com.example.other")));
    CPPUNIT_ASSERT_EQUAL(401L, Notify(Notification("DID_RENEW", NewNonce(), "signedTransactionInfo",
                                                   vectors["jws"]["transaction_rogue_root"].asString())));
    CPPUNIT_ASSERT_EQUAL(401L, Notify("not a jws"));
    const std::string no_payload =
        RunCommand("curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data '{\"x\":1}' '" +
                   TestStack::Get().url() + "/api/vip/appstore/notify'");
    CPPUNIT_ASSERT_EQUAL(std::string("400"), no_payload);
    CPPUNIT_ASSERT_EQUAL(int64_t{0}, VipDeadline(me.user_id));
  }

  void testRenewalStatusAndTest() {
    Caller me = Login(NewPhone());
    Purchase p;
    p.token = TokenOf(me);
    CPPUNIT_ASSERT_EQUAL(0, Verify(me, SignedTransaction(p)).code());
    JsonWriter renewal;
    renewal.Str("originalTransactionId", p.transaction_id).Str("autoRenewProductId", p.product);
    renewal.Str("productId", p.product).Int("autoRenewStatus", 1).Str("environment", "Sandbox");
    renewal.Int("signedDate", static_cast<int64_t>(time(nullptr)) * 1000);
    CPPUNIT_ASSERT_EQUAL(200L, Notify(Notification("DID_CHANGE_RENEWAL_STATUS", NewNonce(), "signedRenewalInfo",
                                                   Mint(renewal.Close()))));
    CPPUNIT_ASSERT(Call("GET", "/api/vip/info", {}, me).data()["auto_renew"].asBool());
    CPPUNIT_ASSERT_EQUAL(200L, Notify(Notification("TEST", NewNonce(), "", "")));
  }

  // VIP from an order and from the App Store add up, as orders do among themselves.
  void testOrdersAndTheAppStoreStack() {
    Caller me = Login(NewPhone());
    const std::string trade_no = Call("POST", "/api/vip/order/create", {{"productId", "1"}}, me).data()["trade_no"].asString();
    CPPUNIT_ASSERT_EQUAL(0, PayNotify(trade_no, "30.00", "stack-" + trade_no).code());
    const int64_t after_order = VipDeadline(me.user_id);
    Purchase p;
    p.token = TokenOf(me);
    CPPUNIT_ASSERT_EQUAL(0, Verify(me, SignedTransaction(p)).code());
    CPPUNIT_ASSERT(std::llabs(VipDeadline(me.user_id) - (after_order + 30 * kDay)) < 5);
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(AppStoreHttpTest, "http");

}  // namespace dt
