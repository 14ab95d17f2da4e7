// In-app purchases through nginx: transactions and notifications minted here as StoreKit 2
// and the App Store sign them (ES256, x5c), under a chain made at test time with the
// openssl command (an intermediate and a leaf with Apple's OIDs, issued by the stand-in
// root of tests/data/vectors/appstore that the test config trusts), verified by the
// server offline, credited once.
#include <cppunit/extensions/HelperMacros.h>
#include <json/reader.h>

#include <ctime>
#include <fstream>
#include <memory>
#include <sstream>

#include "lib/core/clock.h"
#include "lib/core/json_writer.h"
#include "lib/core/keys.h"
#include "lib/domain/appstore.h"
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

std::string DerOfPem(const std::string& pem) {
  std::string der, error;
  CPPUNIT_ASSERT_MESSAGE(error, CertificateDerFromPem(pem, &der, &error));
  return der;
}

// A signing chain: the leaf's key and x5c's certificates (DER, leaf first).
struct Chain {
  EcKey leaf_key;
  std::vector<std::string> der;
};

// Issues a P-256 key and certificate NAME under ISSUER (its .pem and .key) in `dir`, with
// the extensions of section NAME of ext.cnf; the certificate's PEM text.
std::string Issue(const std::string& dir, const std::string& name, const std::string& issuer_pem,
                  const std::string& issuer_key, const std::string& section, int serial) {
  const std::string base = dir + "/" + name;
  RunCommand("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " + base + ".key && openssl req -new -key " +
             base + ".key -subj '/CN=DatingToday test " + name + "' -out " + base + ".csr && openssl x509 -req -in " + base +
             ".csr -CA " + issuer_pem + " -CAkey " + issuer_key + " -set_serial " + std::to_string(serial) +
             " -days 2 -extfile " + dir + "/ext.cnf -extensions " + section + " -out " + base + ".pem");
  std::ifstream in(base + ".pem");
  std::stringstream ss;
  ss << in.rdbuf();
  CPPUNIT_ASSERT_MESSAGE(base + ".pem was not made", ss.str().find("BEGIN CERTIFICATE") != std::string::npos);
  return ss.str();
}

// The chains, made once per run: `apple` as the App Store's (intermediate with OID
// 1.2.840.113635.100.6.2.1, leaf with 1.2.840.113635.100.6.11.1), and `plain`, whose leaf
// lacks Apple's OID.
struct Chains {
  Chain apple, plain;
};

const Chains& TestChains() {
  static const Chains chains = [] {
    const std::string dir = TestStack::Get().VarPath("appstore-chain");
    RunCommand("mkdir -p " + dir);
    {
      std::ofstream ext(dir + "/ext.cnf");
      ext << "[inter]\nbasicConstraints = critical, CA:TRUE, pathlen:0\nkeyUsage = critical, keyCertSign, cRLSign\n"
             "1.2.840.113635.100.6.2.1 = DER:05:00\n"
             "[leaf]\nbasicConstraints = critical, CA:FALSE\nkeyUsage = critical, digitalSignature\n"
             "1.2.840.113635.100.6.11.1 = DER:05:00\n"
             "[plain]\nbasicConstraints = critical, CA:FALSE\nkeyUsage = critical, digitalSignature\n";
    }
    const std::string root = "tests/data/vectors/appstore/test_root_ca_g3.pem";
    const std::string inter = Issue(dir, "inter", root, "tests/data/vectors/appstore/test_chain/root.key", "inter", 1001);
    const std::string leaf = Issue(dir, "leaf", dir + "/inter.pem", dir + "/inter.key", "leaf", 1002);
    const std::string plain = Issue(dir, "plain", dir + "/inter.pem", dir + "/inter.key", "plain", 1003);
    Chains c;
    std::string error;
    CPPUNIT_ASSERT_MESSAGE(error, EcKey::FromPrivatePem(ReadBinary(dir + "/leaf.key"), &c.apple.leaf_key, &error));
    CPPUNIT_ASSERT_MESSAGE(error, EcKey::FromPrivatePem(ReadBinary(dir + "/plain.key"), &c.plain.leaf_key, &error));
    c.apple.der = {DerOfPem(leaf), DerOfPem(inter), DerOfPem(ReadVector("test_root_ca_g3.pem"))};
    c.plain.der = {DerOfPem(plain), c.apple.der[1], c.apple.der[2]};
    return c;
  }();
  return chains;
}

// A compact JWS of `payload` as the App Store signs it.
std::string Mint(const std::string& payload, const Chain& chain = TestChains().apple) {
  const std::string jws = MintAppleJws(payload, chain.leaf_key, chain.der);
  CPPUNIT_ASSERT(!jws.empty());
  return jws;
}

struct Purchase {
  std::string transaction_id = "2000000" + std::to_string(time(nullptr)) + NewNonce().substr(0, 6);
  std::string original = transaction_id;  // the subscription's first transaction
  std::string product = "com.datingtoday.vip.monthly";
  std::string token;
  std::string bundle = "com.datingtoday.app";
  std::string environment = "Sandbox";
  int64_t purchase = time(nullptr);
  int64_t expires = time(nullptr) + 30 * kDay;
};

std::string SignedTransaction(const Purchase& p, const Chain& chain = TestChains().apple) {
  JsonWriter t;
  t.Str("transactionId", p.transaction_id).Str("originalTransactionId", p.original);
  t.Str("bundleId", p.bundle).Str("productId", p.product).Int("purchaseDate", p.purchase * 1000);
  t.Int("originalPurchaseDate", p.purchase * 1000).Int("expiresDate", p.expires * 1000).Int("quantity", 1);
  t.Str("type", "Auto-Renewable Subscription").Str("appAccountToken", p.token).Str("inAppOwnershipType", "PURCHASED");
  t.Int("signedDate", p.purchase * 1000).Str("environment", p.environment).Str("transactionReason", "PURCHASE");
  return Mint(t.Close(), chain);
}

// A subscription's signed renewal info (JWSRenewalInfoDecodedPayload); grace_until 0: none.
std::string RenewalInfo(const Purchase& p, int auto_renew, int64_t grace_until = 0) {
  JsonWriter r;
  r.Str("originalTransactionId", p.original).Str("autoRenewProductId", p.product).Str("productId", p.product);
  r.Int("autoRenewStatus", auto_renew).Str("environment", "Sandbox").Str("appAccountToken", p.token);
  if (grace_until > 0) r.Int("gracePeriodExpiresDate", grace_until * 1000).Bool("isInBillingRetryPeriod", true);
  r.Int("signedDate", static_cast<int64_t>(time(nullptr)) * 1000);
  return Mint(r.Close());
}

// A notification as the App Store sends it: its payload (with the signed parts in data)
// signed like a transaction.
std::string Notification(const std::string& type, const std::string& uuid, const std::string& part_name,
                         const std::string& part, const std::string& bundle = "com.datingtoday.app",
                         const std::string& subtype = "") {
  JsonWriter n;
  n.Str("notificationType", type);
  if (!subtype.empty()) n.Str("subtype", subtype);
  n.Str("notificationUUID", uuid).Object("data");
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
  CPPUNIT_TEST(testGracePeriodThenExpiry);
  CPPUNIT_TEST(testRenewalDuringGraceReplacesIt);
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
        {"a leaf without Apple's OID", SignedTransaction(p, TestChains().plain), 300},
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
    CPPUNIT_ASSERT_EQUAL(200L, Notify(Notification("DID_CHANGE_RENEWAL_STATUS", NewNonce(), "signedRenewalInfo",
                                                   RenewalInfo(p, 1), "com.datingtoday.app", "AUTO_RENEW_ENABLED")));
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
  // A renewal fails, the App Store grants a grace period: VIP until its end, once however
  // often it is said; then the grace expires and so does VIP.
  void testGracePeriodThenExpiry() {
    Caller me = Login(NewPhone());
    const int64_t now = time(nullptr);
    Purchase p;
    p.token = TokenOf(me);
    p.purchase = now - 30 * kDay;
    p.expires = now - 60;  // the period ended a minute ago; its renewal failed
    CPPUNIT_ASSERT_EQUAL(0, Verify(me, SignedTransaction(p)).code());
    CPPUNIT_ASSERT(VipDeadline(me.user_id) <= now + 1);
    const int64_t grace_until = now + 16 * kDay;
    const std::string uuid = "grace-" + NewNonce();
    const std::string failed = Notification("DID_FAIL_TO_RENEW", uuid, "signedRenewalInfo", RenewalInfo(p, 1, grace_until),
                                            "com.datingtoday.app", "GRACE_PERIOD");
    CPPUNIT_ASSERT_EQUAL(200L, Notify(failed));
    CPPUNIT_ASSERT(std::llabs(VipDeadline(me.user_id) - grace_until) < 5);
    Response info = Call("GET", "/api/vip/info", {}, me);
    CPPUNIT_ASSERT(info.data()["is_vip"].asBool());
    CPPUNIT_ASSERT_EQUAL(std::string("appstore"), info.data()["source"].asString());
    // Resent, and said again in another notification: still the one grace.
    CPPUNIT_ASSERT_EQUAL(200L, Notify(failed));
    CPPUNIT_ASSERT_EQUAL(200L, Notify(Notification("DID_FAIL_TO_RENEW", "grace-" + NewNonce(), "signedRenewalInfo",
                                                   RenewalInfo(p, 1, grace_until), "com.datingtoday.app", "GRACE_PERIOD")));
    CPPUNIT_ASSERT(std::llabs(VipDeadline(me.user_id) - grace_until) < 5);
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, Count("SELECT open FROM appstore_grace WHERE original_transaction_id = ?", {p.transaction_id}));
    // Billing did not recover: the grace ends (here early, as the test cannot wait), VIP too.
    CPPUNIT_ASSERT_EQUAL(200L, Notify(Notification("GRACE_PERIOD_EXPIRED", "expired-" + NewNonce(), "signedRenewalInfo",
                                                   RenewalInfo(p, 1))));
    CPPUNIT_ASSERT(VipDeadline(me.user_id) <= time(nullptr) + 1);
    CPPUNIT_ASSERT(!Call("GET", "/api/vip/info", {}, me).data()["is_vip"].asBool());
    CPPUNIT_ASSERT_EQUAL(int64_t{0}, Count("SELECT open FROM appstore_grace WHERE original_transaction_id = ?", {p.transaction_id}));
    // A failure to renew without a grace period changes nothing.
    CPPUNIT_ASSERT_EQUAL(200L, Notify(Notification("DID_FAIL_TO_RENEW", "fail-" + NewNonce(), "signedRenewalInfo",
                                                   RenewalInfo(p, 1))));
    CPPUNIT_ASSERT(VipDeadline(me.user_id) <= time(nullptr) + 1);
  }

  // Billing recovers during the grace: the renewal's period replaces the grace (it does
  // not stack on it), and VIP from an order stays through all of it; a refund of the
  // renewal takes back only the renewal.
  void testRenewalDuringGraceReplacesIt() {
    Caller me = Login(NewPhone());
    const std::string trade_no = Call("POST", "/api/vip/order/create", {{"productId", "1"}}, me).data()["trade_no"].asString();
    CPPUNIT_ASSERT_EQUAL(0, PayNotify(trade_no, "30.00", "grace-" + trade_no).code());
    const int64_t after_order = VipDeadline(me.user_id);
    const int64_t now = time(nullptr);
    Purchase p;
    p.token = TokenOf(me);
    p.purchase = now - 30 * kDay;
    p.expires = now - 60;
    CPPUNIT_ASSERT_EQUAL(0, Verify(me, SignedTransaction(p)).code());
    CPPUNIT_ASSERT_EQUAL(after_order, VipDeadline(me.user_id));  // an expired period gives nothing
    CPPUNIT_ASSERT_EQUAL(200L, Notify(Notification("DID_FAIL_TO_RENEW", NewNonce(), "signedRenewalInfo",
                                                   RenewalInfo(p, 1, now + 16 * kDay), "com.datingtoday.app",
                                                   "GRACE_PERIOD")));
    CPPUNIT_ASSERT(std::llabs(VipDeadline(me.user_id) - (after_order + 16 * kDay)) < 5);
    // The renewal keeps the subscription's dates: it runs from the lapsed expiry.
    Purchase renewal = p;
    renewal.transaction_id = p.transaction_id + "1";
    renewal.purchase = now;
    renewal.expires = p.expires + 30 * kDay;
    const std::string renewed = SignedTransaction(renewal);
    CPPUNIT_ASSERT_EQUAL(200L, Notify(Notification("DID_RENEW", NewNonce(), "signedTransactionInfo", renewed,
                                                   "com.datingtoday.app", "BILLING_RECOVERY")));
    const int64_t expected = after_order + (renewal.expires - time(nullptr));
    CPPUNIT_ASSERT_MESSAGE(std::to_string(VipDeadline(me.user_id) - expected), std::llabs(VipDeadline(me.user_id) - expected) < 5);
    CPPUNIT_ASSERT_EQUAL(int64_t{0}, Count("SELECT open FROM appstore_grace WHERE original_transaction_id = ?", {p.transaction_id}));
    CPPUNIT_ASSERT_EQUAL(200L, Notify(Notification("REFUND", NewNonce(), "signedTransactionInfo", renewed)));
    CPPUNIT_ASSERT(std::llabs(VipDeadline(me.user_id) - after_order) < 5);
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(AppStoreHttpTest, "http");

}  // namespace dt
