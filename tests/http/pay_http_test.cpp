// The gateways' channels through nginx: an Alipay order string the app's SDK can use, and
// Alipay's notify, signed here as Alipay signs it (with the vectors' test key of
// "Alipay", tests/data/vectors/alipay) and sent as Alipay sends it, against the real
// stack: credited once, refusals that change nothing, a payment for a cancelled order
// kept for refund.
#include <cppunit/extensions/HelperMacros.h>

#include <unistd.h>

#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>

#include "lib/core/clock.h"
#include "lib/core/json_writer.h"
#include "lib/core/keys.h"
#include "lib/core/request_params.h"
#include "lib/domain/alipay.h"
#include "tests/http/http_support.h"

namespace dt {
namespace {

constexpr int64_t kDay = 86400;

RsaKey Key(const std::string& path, bool private_key) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  RsaKey key;
  std::string error;
  const bool ok = private_key ? RsaKey::FromPrivatePem(text.str(), &key, &error)
                              : RsaKey::FromPublicPem(text.str(), &key, &error);
  CPPUNIT_ASSERT_MESSAGE(path + ": " + error, ok);
  return key;
}

const RsaKey& AlipayKey() {
  static const RsaKey key = Key("tests/data/vectors/alipay/alipay_private_key.pem", true);
  return key;
}

AlipayParams Decode(const std::string& form) { return DecodeForm(form); }

std::string Get(const AlipayParams& params, const std::string& key) {
  for (const auto& [k, v] : params) {
    if (k == key) return v;
  }
  return "";
}

// A notify as Alipay sends it for our order: its fields (overridable), signed with
// "Alipay's" key, form-encoded.
std::string Notify(const std::string& trade_no, const std::string& amount, AlipayParams overrides = {},
                   const RsaKey* signer = nullptr) {
  AlipayParams p = {
      {"gmt_create", FormatUtc(time(nullptr) + 8 * 3600)}, {"charset", "utf-8"},
      {"notify_type", "trade_status_sync"}, {"trade_status", "TRADE_SUCCESS"},
      {"app_id", "2021000122600001"}, {"seller_id", "2088621955012345"},
      {"auth_app_id", "2021000122600001"}, {"version", "1.0"}, {"out_trade_no", trade_no},
      {"total_amount", amount}, {"trade_no", "2026" + NewNonce().substr(0, 24)},
      {"notify_id", NewNonce()}, {"buyer_logon_id", "138****8000"}, {"subject", "DatingToday 月度会员"},
  };
  for (const auto& [k, v] : overrides) {
    bool replaced = false;
    for (auto& [pk, pv] : p) {
      if (pk == k) pv = v, replaced = true;
    }
    if (!replaced) p.emplace_back(k, v);
  }
  const std::string sign = RsaSha256SignBase64(signer ? *signer : AlipayKey(), AlipaySignContent(p, {"sign", "sign_type"}));
  std::string body;
  for (const auto& [k, v] : p) body += k + "=" + FormEncode(v) + "&";
  return body + "sign_type=RSA2&sign=" + FormEncode(sign);
}

Response Send(const std::string& body) { return Raw("POST", "/api/vip/pay/alipay/notify", body); }

Response CreateAlipayOrder(const Caller& c, int product) {
  Response r = Call("POST", "/api/vip/order/create", {{"productId", std::to_string(product)}, {"channel", "alipay"}}, c);
  CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
  return r;
}

Row Order(const std::string& trade_no) {
  Row row;
  bool found = false;
  CheckDb(TestStack::Get().db().QueryRow(
      "SELECT pay, COALESCE(transaction_id, ''), channel FROM user_order WHERE trade_no = ?", {trade_no}, &row, &found));
  CPPUNIT_ASSERT(found);
  return row;
}

// The fake Alipay (tools/fakegate.cpp), at its address in the test config.
std::string Fake(const std::string& path) {
  const std::string& gateway = TestStack::Get().config().alipay_gateway;
  return gateway.substr(0, gateway.find('/', gateway.find("://") + 3)) + path;
}

std::string FakePost(const std::string& path, const std::string& form) {
  return RunCommand("curl -s --max-time 15 --data '" + form + "' '" + Fake(path) + "'");
}

// The buyer pays `trade_no` at the fake Alipay; notify=0: Alipay's notify gets lost.
std::string BuyerPays(const std::string& trade_no, const std::string& amount, bool notify = true) {
  return FakePost("/control/alipay/pay", "out_trade_no=" + trade_no + "&total_amount=" + amount + "&notify_url=" +
                                             TestStack::Get().config().alipay_notify_url + (notify ? "" : "&notify=0"));
}

// Waits up to `seconds` for `done`.
template <typename Done>
bool Eventually(int seconds, Done done) {
  for (int i = 0; i < seconds * 10; ++i) {
    if (done()) return true;
    usleep(100000);
  }
  return done();
}

}  // namespace

class AlipayHttpTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(AlipayHttpTest);
  CPPUNIT_TEST(testOrderStringIsSignedForTheSdk);
  CPPUNIT_TEST(testNotifyCreditsOnce);
  CPPUNIT_TEST(testRefusedNotifiesChangeNothing);
  CPPUNIT_TEST(testNotifyForACancelledOrderIsKeptForRefund);
  CPPUNIT_TEST(testChannels);
  CPPUNIT_TEST(testFakeAlipayPaysAndNotifies);
  CPPUNIT_TEST(testLostNotifyIsRecoveredByReconciliation);
  CPPUNIT_TEST(testUnpaidOrderPastItsLimitIsClosed);
  CPPUNIT_TEST(testGatewayDownDelaysReconciliationOnly);
  CPPUNIT_TEST(testRefundByDtadmin);
  CPPUNIT_TEST(testRefundNotifyTakesTheVipBack);
  CPPUNIT_TEST_SUITE_END();

 public:
  // The order string verifies with the merchant's public key, and says what Alipay will
  // charge: the server's price for our trade number.
  void testOrderStringIsSignedForTheSdk() {
    Caller me = Login(NewPhone());
    Response r = CreateAlipayOrder(me, 3);
    CPPUNIT_ASSERT_EQUAL(std::string("alipay"), r.data()["channel"].asString());
    const std::string trade_no = r.data()["trade_no"].asString();
    const AlipayParams order = Decode(r.data()["order_string"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("alipay.trade.app.pay"), Get(order, "method"));
    CPPUNIT_ASSERT_EQUAL(std::string("2021000122600001"), Get(order, "app_id"));
    CPPUNIT_ASSERT_EQUAL(std::string("RSA2"), Get(order, "sign_type"));
    CPPUNIT_ASSERT_EQUAL(TestStack::Get().config().alipay_notify_url, Get(order, "notify_url"));
    const std::string biz = Get(order, "biz_content");
    CPPUNIT_ASSERT_MESSAGE(biz, biz.find("\"out_trade_no\":\"" + trade_no + "\"") != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE(biz, biz.find("\"total_amount\":\"258.00\"") != std::string::npos);
    CPPUNIT_ASSERT(biz.find("\"product_code\":\"QUICK_MSECURITY_PAY\"") != std::string::npos);
    static const RsaKey merchant = Key("tests/data/vectors/alipay/merchant_public_key.pem", false);
    CPPUNIT_ASSERT(RsaSha256VerifyBase64(merchant, AlipaySignContent(order), Get(order, "sign")));
    // Beijing time, within a minute of now.
    const std::string stamp = Get(order, "timestamp");
    CPPUNIT_ASSERT_EQUAL(FormatUtc(time(nullptr) + 8 * 3600).substr(0, 13), stamp.substr(0, 13));
    CPPUNIT_ASSERT_EQUAL(std::string("alipay"), Order(trade_no).Str(2));
  }

  void testNotifyCreditsOnce() {
    Caller me = Login(NewPhone());
    const std::string trade_no = CreateAlipayOrder(me, 1).data()["trade_no"].asString();
    const std::string body = Notify(trade_no, "30.00", {{"trade_no", "2026120122001446880500000001"}});
    Response r = Send(body);
    CPPUNIT_ASSERT_EQUAL(200L, r.status);
    CPPUNIT_ASSERT_EQUAL(std::string("success"), r.body);
    CPPUNIT_ASSERT(r.content_type.find("text/plain") == 0);
    Row order = Order(trade_no);
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, order.Int(0));
    CPPUNIT_ASSERT_EQUAL(std::string("2026120122001446880500000001"), order.Str(1));
    const int64_t deadline = VipDeadline(me.user_id);
    CPPUNIT_ASSERT(std::llabs(deadline - (time(nullptr) + 30 * kDay)) < 60);
    CPPUNIT_ASSERT(Call("GET", "/api/vip/info", {}, me).data()["is_vip"].asBool());
    // Alipay resends: success, nothing more credited.
    CPPUNIT_ASSERT_EQUAL(std::string("success"), Send(body).body);
    CPPUNIT_ASSERT_EQUAL(deadline, VipDeadline(me.user_id));
    // A notify of a status that pays nothing is acknowledged and changes nothing.
    Caller other = Login(NewPhone());
    const std::string waiting = CreateAlipayOrder(other, 1).data()["trade_no"].asString();
    CPPUNIT_ASSERT_EQUAL(std::string("success"), Send(Notify(waiting, "30.00", {{"trade_status", "WAIT_BUYER_PAY"}})).body);
    CPPUNIT_ASSERT_EQUAL(int64_t{0}, Order(waiting).Int(0));
    CPPUNIT_ASSERT_EQUAL(int64_t{0}, VipDeadline(other.user_id));
  }

  // Each is answered "failure" (Alipay resends it later), and the order stays unpaid.
  void testRefusedNotifiesChangeNothing() {
    Caller me = Login(NewPhone());
    const std::string trade_no = CreateAlipayOrder(me, 1).data()["trade_no"].asString();
    std::string tampered = Notify(trade_no, "30.00");
    tampered.replace(tampered.find("total_amount=30.00"), 18, "total_amount=0.01");
    static const RsaKey merchant_private = Key("tests/data/vectors/alipay/merchant_private_key.pem", true);
    std::string md5_typed = Notify(trade_no, "30.00");
    md5_typed.replace(md5_typed.find("sign_type=RSA2"), 14, "sign_type=RSA");
    const struct {
      const char* what;
      std::string body;
    } cases[] = {
        {"tampered after signing", tampered},
        {"signed by another key", Notify(trade_no, "30.00", {}, &merchant_private)},
        {"another amount, signed", Notify(trade_no, "0.01")},
        {"another app_id, signed", Notify(trade_no, "30.00", {{"app_id", "2021000122609999"}})},
        {"another seller, signed", Notify(trade_no, "30.00", {{"seller_id", "2088000000000001"}})},
        {"unknown trade number", Notify(trade_no + "0", "30.00")},
        {"not RSA2", md5_typed},
        {"no sign", "out_trade_no=" + trade_no + "&total_amount=30.00&trade_status=TRADE_SUCCESS&sign_type=RSA2"},
    };
    for (const auto& c : cases) {
      Response r = Send(c.body);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(c.what, 200L, r.status);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(c.what, std::string("failure"), r.body);
    }
    CPPUNIT_ASSERT_EQUAL(int64_t{0}, Order(trade_no).Int(0));
    CPPUNIT_ASSERT_EQUAL(int64_t{0}, VipDeadline(me.user_id));
    // A sandbox order is not Alipay's to pay, and an Alipay order not the sandbox's.
    const std::string sandbox = Call("POST", "/api/vip/order/create", {{"productId", "1"}}, me).data()["trade_no"].asString();
    CPPUNIT_ASSERT_EQUAL(std::string("failure"), Send(Notify(sandbox, "30.00")).body);
    CPPUNIT_ASSERT_EQUAL(300, PayNotify(trade_no, "30.00", "sandbox-1").code());
    CPPUNIT_ASSERT_EQUAL(int64_t{0}, Order(sandbox).Int(0));
    CPPUNIT_ASSERT_EQUAL(int64_t{0}, Order(trade_no).Int(0));
  }

  // Alipay took the money for an order the user cancelled meanwhile: acknowledged (or it
  // would resend for a day), not credited, and kept for the operators to refund.
  void testNotifyForACancelledOrderIsKeptForRefund() {
    Caller me = Login(NewPhone());
    Response created = CreateAlipayOrder(me, 1);
    const std::string trade_no = created.data()["trade_no"].asString();
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/vip/order/cancel", {{"orderId", created.data()["order_id"].asString()}}, me).code());
    const std::string body = Notify(trade_no, "30.00", {{"trade_no", "2026120122001446880500000077"}});
    CPPUNIT_ASSERT_EQUAL(std::string("success"), Send(body).body);
    CPPUNIT_ASSERT_EQUAL(int64_t{2}, Order(trade_no).Int(0));
    CPPUNIT_ASSERT_EQUAL(int64_t{0}, VipDeadline(me.user_id));
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, Count("SELECT COUNT(*) FROM pay_refund_due WHERE channel = 'alipay' AND trade_no = ?"
                                           " AND transaction_id = '2026120122001446880500000077' AND cents = 3000"
                                           " AND reason = 'order cancelled'", {trade_no}));
    CPPUNIT_ASSERT_EQUAL(std::string("success"), Send(body).body);  // resent: recorded once
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, Count("SELECT COUNT(*) FROM pay_refund_due WHERE trade_no = ?", {trade_no}));
  }

  // The whole flow on the fake gateway, as `dtcurl pay alipay` runs it by hand.
  void testFakeAlipayPaysAndNotifies() {
    Caller me = Login(NewPhone());
    const std::string trade_no = CreateAlipayOrder(me, 2).data()["trade_no"].asString();
    const std::string out = RunCommand(ToolCommand("dtcurl", "pay alipay " + trade_no + " 78.00"));
    CPPUNIT_ASSERT_MESSAGE(out, out.find("\"notify_answer\":\"success\"") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, Order(trade_no).Int(0));
    CPPUNIT_ASSERT(std::llabs(VipDeadline(me.user_id) - (time(nullptr) + 90 * kDay)) < 60);
    // The wrong amount: Alipay's notify is refused, the order stays unpaid.
    const std::string other = CreateAlipayOrder(me, 1).data()["trade_no"].asString();
    const std::string wrong = RunCommand(ToolCommand("dtcurl", "pay alipay " + other + " 1.00"));
    CPPUNIT_ASSERT_MESSAGE(wrong, wrong.find("\"notify_answer\":\"failure\"") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(int64_t{0}, Order(other).Int(0));
  }

  // The notify never came: the reconciliation task asks Alipay (signed, verified) and
  // credits the order as the notify would have.
  void testLostNotifyIsRecoveredByReconciliation() {
    Caller me = Login(NewPhone());
    const std::string trade_no = CreateAlipayOrder(me, 1).data()["trade_no"].asString();
    const std::string paid = BuyerPays(trade_no, "30.00", false);
    CPPUNIT_ASSERT_MESSAGE(paid, paid.find("(not sent)") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(int64_t{0}, Order(trade_no).Int(0));
    CPPUNIT_ASSERT(Eventually(15, [&] { return Order(trade_no).Int(0) == 1; }));
    const size_t at = paid.find("\"trade_no\":\"") + 12;
    const std::string fake_trade = paid.substr(at, paid.find('"', at) - at);
    CPPUNIT_ASSERT_EQUAL(fake_trade, Order(trade_no).Str(1));
    CPPUNIT_ASSERT(std::llabs(VipDeadline(me.user_id) - (time(nullptr) + 30 * kDay)) < 60);
    const std::string calls = RunCommand("curl -s '" + Fake("/control/calls") + "'");
    CPPUNIT_ASSERT(calls.find("alipay.trade.query {\"out_trade_no\":\"" + trade_no + "\"}") != std::string::npos);
  }

  // Nobody paid within the 30 minutes the order string allows: closed at Alipay (so it
  // can no longer be paid), then here.
  void testUnpaidOrderPastItsLimitIsClosed() {
    Caller me = Login(NewPhone());
    const std::string trade_no = CreateAlipayOrder(me, 1).data()["trade_no"].asString();
    CheckDb(TestStack::Get().db().Exec("UPDATE user_order SET order_time = order_time - INTERVAL 40 MINUTE WHERE trade_no = ?",
                                       {trade_no}));
    CPPUNIT_ASSERT(Eventually(15, [&] { return Order(trade_no).Int(0) == 2; }));
    const std::string calls = RunCommand("curl -s '" + Fake("/control/calls") + "'");
    CPPUNIT_ASSERT(calls.find("alipay.trade.close {\"out_trade_no\":\"" + trade_no + "\"}") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(int64_t{0}, VipDeadline(me.user_id));
  }

  // Alipay down: nothing is lost, the order is credited once it answers again.
  void testGatewayDownDelaysReconciliationOnly() {
    Caller me = Login(NewPhone());
    const std::string trade_no = CreateAlipayOrder(me, 1).data()["trade_no"].asString();
    BuyerPays(trade_no, "30.00", false);
    CPPUNIT_ASSERT_EQUAL(std::string("down\n"), FakePost("/control/mode", "mode=down"));
    usleep(4000000);  // two passes of the task, at least
    const int64_t pay_while_down = Order(trade_no).Int(0);
    CPPUNIT_ASSERT_EQUAL(std::string("up\n"), FakePost("/control/mode", "mode=up"));
    CPPUNIT_ASSERT_EQUAL(int64_t{0}, pay_while_down);
    CPPUNIT_ASSERT(Eventually(15, [&] { return Order(trade_no).Int(0) == 1; }));
  }

  // dtadmin refund: at Alipay (signed, checked by the fake), then here, pro rata; the
  // refund notify Alipay sends after it changes nothing more.
  void testRefundByDtadmin() {
    Caller me = Login(NewPhone());
    const std::string trade_no = CreateAlipayOrder(me, 1).data()["trade_no"].asString();
    const std::string refund = ToolCommand("dtadmin", "refund " + trade_no);
    CPPUNIT_ASSERT(RunCommand(refund).find("not paid") != std::string::npos);
    CPPUNIT_ASSERT(BuyerPays(trade_no, "30.00").find("\"notify_answer\":\"success\"") != std::string::npos);
    const int64_t paid_until = VipDeadline(me.user_id);
    // A gateway that does not answer in time ([pay] timeout_ms): refused, nothing changes.
    CPPUNIT_ASSERT_EQUAL(std::string("slow\n"), FakePost("/control/mode", "mode=slow"));
    const time_t start = time(nullptr);
    const std::string slow = RunCommand(refund + " 15.00");
    const time_t took = time(nullptr) - start;
    CPPUNIT_ASSERT_EQUAL(std::string("up\n"), FakePost("/control/mode", "mode=up"));
    CPPUNIT_ASSERT_MESSAGE(slow, slow.find("failed: 901") != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE(std::to_string(took), took <= 5);
    CPPUNIT_ASSERT_EQUAL(paid_until, VipDeadline(me.user_id));
    CPPUNIT_ASSERT_EQUAL(int64_t{0}, Count("SELECT refund_cents FROM user_order WHERE trade_no = ?", {trade_no}));
    std::string out = RunCommand(refund + " 15.00");
    CPPUNIT_ASSERT_MESSAGE(out, out.find("refunded 15.00 yuan of " + trade_no + " (alipay); 1296000 s of VIP taken back") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(paid_until - 15 * kDay, VipDeadline(me.user_id));
    CPPUNIT_ASSERT_EQUAL(int64_t{1500}, Count("SELECT refund_cents FROM user_order WHERE trade_no = ? AND pay = 1", {trade_no}));
    CPPUNIT_ASSERT(RunCommand(refund + " 15.01").find("AMOUNT must be 0.01..15.00") != std::string::npos);
    out = RunCommand(refund);  // the rest
    CPPUNIT_ASSERT_MESSAGE(out, out.find("refunded 15.00 yuan") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(int64_t{3000}, Count("SELECT refund_cents FROM user_order WHERE trade_no = ? AND pay = 3", {trade_no}));
    CPPUNIT_ASSERT(std::llabs(VipDeadline(me.user_id) - time(nullptr)) < 60);  // never before now
    CPPUNIT_ASSERT(!Call("GET", "/api/vip/info", {}, me).data()["is_vip"].asBool());
    const std::string calls = RunCommand("curl -s '" + Fake("/control/calls") + "'");
    CPPUNIT_ASSERT(calls.find("alipay.trade.refund {\"out_trade_no\":\"" + trade_no +
                              "\",\"refund_amount\":\"15.00\",\"out_request_no\":\"" + trade_no + "-30.00\"}") !=
                   std::string::npos);
    CPPUNIT_ASSERT(RunCommand(refund).find("not paid") != std::string::npos);  // nothing left
  }

  // A refund made in Alipay's console reaches us as a notify with refund_fee.
  void testRefundNotifyTakesTheVipBack() {
    Caller me = Login(NewPhone());
    const std::string trade_no = CreateAlipayOrder(me, 1).data()["trade_no"].asString();
    BuyerPays(trade_no, "30.00");
    CPPUNIT_ASSERT(VipDeadline(me.user_id) > time(nullptr) + 29 * kDay);
    const std::string out = FakePost("/control/alipay/refund", "out_trade_no=" + trade_no + "&refund_amount=30.00");
    CPPUNIT_ASSERT_MESSAGE(out, out.find("\"notify_answer\":\"success\"") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(int64_t{3000}, Count("SELECT refund_cents FROM user_order WHERE trade_no = ? AND pay = 3", {trade_no}));
    CPPUNIT_ASSERT(std::llabs(VipDeadline(me.user_id) - time(nullptr)) < 60);
  }

  void testChannels() {
    Caller me = Login(NewPhone());
    Response sandbox = Call("POST", "/api/vip/order/create", {{"productId", "1"}}, me);  // old clients
    CPPUNIT_ASSERT_EQUAL(std::string("sandbox"), sandbox.data()["channel"].asString());
    CPPUNIT_ASSERT(!sandbox.data().isMember("order_string"));
    Response bad = Call("POST", "/api/vip/order/create", {{"productId", "1"}, {"channel", "paypal"}}, me);
    CPPUNIT_ASSERT_EQUAL(300, bad.code());
    CPPUNIT_ASSERT_EQUAL(std::string("channel is invalid."), bad.msg());
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(AlipayHttpTest, "http");

}  // namespace dt

namespace dt {
namespace {

const RsaKey& WechatPlatformKey() {
  static const RsaKey key = Key("tests/data/vectors/wechatpay/wechatpay_private_key.pem", true);
  return key;
}

Response CreateWechatOrder(const Caller& c, int product) {
  Response r = Call("POST", "/api/vip/order/create", {{"productId", std::to_string(product)}, {"channel", "wechat"}}, c);
  CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
  return r;
}

// A notify as WeChat Pay sends it: the resource sealed with the APIv3 key, the body
// signed with "the platform's" key (tests/data/vectors/wechatpay). `tamper` edits the
// body after signing; `headers` replace the signature headers.
struct WechatNotifyOptions {
  std::string event = "TRANSACTION.SUCCESS";
  std::string mchid = "1900000109";
  int64_t total = 3000;
  std::string serial = "PUB_KEY_ID_0119000001092026120100000000000001";
  int64_t age = 0;  // seconds the timestamp lies in the past
  bool tamper = false;
  std::string api_v3_key = "dtTestApiV3Key0123456789abcdefXY";
};

Response SendWechatNotify(const std::string& trade_no, const std::string& transaction_id,
                          const WechatNotifyOptions& o = WechatNotifyOptions()) {
  JsonWriter tx;
  tx.Str("mchid", o.mchid).Str("appid", "wxd678efh567hg6787").Str("out_trade_no", trade_no);
  tx.Str("transaction_id", transaction_id).Str("trade_type", "APP").Str("trade_state", "SUCCESS");
  tx.Object("amount").Int("total", o.total).Int("payer_total", o.total).Str("currency", "CNY").End();
  std::string sealed;
  CPPUNIT_ASSERT(Aes256GcmSeal(o.api_v3_key, "fdasflkja484", "transaction", tx.Close(), &sealed));
  JsonWriter n;
  n.Str("id", "EV-" + NewNonce()).Str("create_time", "2026-12-01T15:04:06+08:00").Str("resource_type", "encrypt-resource");
  n.Str("event_type", o.event).Str("summary", "支付成功");
  n.Object("resource").Str("original_type", "transaction").Str("algorithm", "AEAD_AES_256_GCM");
  n.Str("ciphertext", Base64Encode(sealed)).Str("associated_data", "transaction").Str("nonce", "fdasflkja484").End();
  std::string body = n.Close();
  const std::string ts = std::to_string(time(nullptr) - o.age);
  const std::string nonce = NewNonce();
  const std::string sign = RsaSha256SignBase64(WechatPlatformKey(), ts + "\n" + nonce + "\n" + body + "\n");
  if (o.tamper) body.replace(body.find("支付成功"), strlen("支付成功"), "paid");
  const std::string headers = "-H 'Content-Type: application/json' -H 'Wechatpay-Timestamp: " + ts +
                              "' -H 'Wechatpay-Nonce: " + nonce + "' -H 'Wechatpay-Serial: " + o.serial +
                              "' -H 'Wechatpay-Signature: " + sign + "'";
  const std::string file = TestStack::Get().VarPath("wechat-notify.json");
  {
    std::ofstream out(file, std::ios::binary);
    out << body;
  }
  const std::string out = RunCommand("curl -s -o " + file + ".out -w '%{http_code}' " + headers + " --data-binary @" + file +
                                     " '" + TestStack::Get().url() + "/api/vip/pay/wechat/notify'");
  Response r;
  r.status = atol(out.c_str());
  r.body = ReadBinary(file + ".out");
  return r;
}

}  // namespace

class WechatHttpTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(WechatHttpTest);
  CPPUNIT_TEST(testPrepayGivesSignedPayParams);
  CPPUNIT_TEST(testNotifyCreditsOnce);
  CPPUNIT_TEST(testRefusedNotifiesChangeNothing);
  CPPUNIT_TEST(testGatewayDownOrSlowAtCreateLeavesNoOrder);
  CPPUNIT_TEST(testLostNotifyIsRecoveredByReconciliation);
  CPPUNIT_TEST(testRefundByDtadmin);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testPrepayGivesSignedPayParams() {
    Caller me = Login(NewPhone());
    Response r = CreateWechatOrder(me, 2);
    const std::string trade_no = r.data()["trade_no"].asString();
    const Json::Value& p = r.data()["pay_params"];
    CPPUNIT_ASSERT_EQUAL(std::string("wechat"), r.data()["channel"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("wxd678efh567hg6787"), p["appid"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("1900000109"), p["partnerid"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("Sign=WXPay"), p["package"].asString());
    CPPUNIT_ASSERT(p["prepayid"].asString().rfind("wx", 0) == 0);
    static const RsaKey merchant = Key("tests/data/vectors/wechatpay/merchant_public_key.pem", false);
    const std::string message = p["appid"].asString() + "\n" + p["timestamp"].asString() + "\n" + p["noncestr"].asString() +
                                "\n" + p["prepayid"].asString() + "\n";
    CPPUNIT_ASSERT(RsaSha256VerifyBase64(merchant, message, p["sign"].asString()));
    CPPUNIT_ASSERT(std::llabs(atoll(p["timestamp"].asString().c_str()) - time(nullptr)) < 60);
    // The fake checked our Authorization; the order it got is the server's price in fen.
    const std::string calls = RunCommand("curl -s '" + Fake("/control/calls") + "'");
    CPPUNIT_ASSERT(calls.find("\"out_trade_no\":\"" + trade_no + "\"") != std::string::npos);
    CPPUNIT_ASSERT(calls.find("\"amount\":{\"total\":7800,\"currency\":\"CNY\"}") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(std::string("wechat"), Order(trade_no).Str(2));
  }

  void testNotifyCreditsOnce() {
    Caller me = Login(NewPhone());
    const std::string trade_no = CreateWechatOrder(me, 1).data()["trade_no"].asString();
    // Through the fake, as dtcurl pay wechat has it pay and notify.
    const std::string paid = RunCommand(ToolCommand("dtcurl", "pay wechat " + trade_no));
    CPPUNIT_ASSERT_MESSAGE(paid, paid.find("\"notify_answer\":\"204\"") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, Order(trade_no).Int(0));
    const int64_t deadline = VipDeadline(me.user_id);
    CPPUNIT_ASSERT(std::llabs(deadline - (time(nullptr) + 30 * kDay)) < 60);
    // WeChat Pay resends the same payment: 204, nothing more.
    const std::string transaction_id = Order(trade_no).Str(1);
    Response again = SendWechatNotify(trade_no, transaction_id);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(again.body, 204L, again.status);
    CPPUNIT_ASSERT_EQUAL(std::string(), again.body);
    CPPUNIT_ASSERT_EQUAL(deadline, VipDeadline(me.user_id));
  }

  void testRefusedNotifiesChangeNothing() {
    Caller me = Login(NewPhone());
    const std::string trade_no = CreateWechatOrder(me, 1).data()["trade_no"].asString();
    WechatNotifyOptions tampered, stale, serial, amount, merchant, key;
    tampered.tamper = true;
    stale.age = 600;
    serial.serial = "PUB_KEY_ID_0119000001092026120100000000009999";
    amount.total = 1;
    merchant.mchid = "1900000999";
    key.api_v3_key = "anotherApiV3Key0123456789abcdefX";
    const struct {
      const char* what;
      WechatNotifyOptions options;
      long status;
    } cases[] = {
        {"tampered after signing", tampered, 401}, {"10 minutes old", stale, 401},
        {"another key's serial", serial, 401},     {"another amount, signed", amount, 400},
        {"another merchant, signed", merchant, 400}, {"sealed with another key", key, 400},
    };
    for (const auto& c : cases) {
      Response r = SendWechatNotify(trade_no, "4200000000202612010000000001", c.options);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(c.what, c.status, r.status);
      CPPUNIT_ASSERT_MESSAGE(std::string(c.what) + ": " + r.body, r.body.rfind("{\"code\":\"FAIL\",\"message\":", 0) == 0);
    }
    CPPUNIT_ASSERT_EQUAL(int64_t{0}, Order(trade_no).Int(0));
    CPPUNIT_ASSERT_EQUAL(int64_t{0}, VipDeadline(me.user_id));
  }

  // The prepay order is made before ours is stored: a gateway that is down, or slower
  // than [pay] timeout_ms (1.5 s in the test config), is 901 and leaves no order.
  void testGatewayDownOrSlowAtCreateLeavesNoOrder() {
    Caller me = Login(NewPhone());
    for (const char* mode : {"down", "slow"}) {
      CPPUNIT_ASSERT_EQUAL(std::string(mode) + "\n", FakePost("/control/mode", std::string("mode=") + mode));
      const time_t start = time(nullptr);
      Response r = Call("POST", "/api/vip/order/create", {{"productId", "1"}, {"channel", "wechat"}}, me);
      const time_t took = time(nullptr) - start;
      FakePost("/control/mode", "mode=up");
      CPPUNIT_ASSERT_EQUAL_MESSAGE(mode, 901, r.code());
      CPPUNIT_ASSERT_EQUAL_MESSAGE(mode, 503L, r.status);
      CPPUNIT_ASSERT_MESSAGE(std::to_string(took), took <= 4);
      CPPUNIT_ASSERT_EQUAL(int64_t{0}, Count("SELECT COUNT(*) FROM user_order WHERE user_id = ?", {me.user_id}));
    }
    CreateWechatOrder(me, 1);  // and up again
  }

  void testLostNotifyIsRecoveredByReconciliation() {
    Caller me = Login(NewPhone());
    const std::string trade_no = CreateWechatOrder(me, 1).data()["trade_no"].asString();
    const std::string paid = FakePost("/control/wechat/pay", "out_trade_no=" + trade_no + "&notify=0");
    CPPUNIT_ASSERT_MESSAGE(paid, paid.find("(not sent)") != std::string::npos);
    CPPUNIT_ASSERT(Eventually(15, [&] { return Order(trade_no).Int(0) == 1; }));
    CPPUNIT_ASSERT(std::llabs(VipDeadline(me.user_id) - (time(nullptr) + 30 * kDay)) < 60);
    const std::string calls = RunCommand("curl -s '" + Fake("/control/calls") + "'");
    CPPUNIT_ASSERT(calls.find("GET /v3/pay/transactions/out-trade-no/" + trade_no + "?mchid=1900000109") != std::string::npos);
  }

  // dtadmin refund at WeChat Pay; its REFUND.SUCCESS notify (out_refund_no says the
  // total) takes nothing back twice.
  void testRefundByDtadmin() {
    Caller me = Login(NewPhone());
    const std::string trade_no = CreateWechatOrder(me, 1).data()["trade_no"].asString();
    FakePost("/control/wechat/pay", "out_trade_no=" + trade_no);
    const int64_t paid_until = VipDeadline(me.user_id);
    const std::string out = RunCommand(ToolCommand("dtadmin", "refund " + trade_no + " 10.00"));
    // The fake sends its REFUND.SUCCESS notify as soon as it answered the refund: whichever
    // of the two our server finished first took the 10 days back, the other nothing.
    const std::string prefix = "refunded 10.00 yuan of " + trade_no + " (wechat); ";
    CPPUNIT_ASSERT_MESSAGE(out, out.find(prefix + "864000 s") != std::string::npos || out.find(prefix + "0 s") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(paid_until - 10 * kDay, VipDeadline(me.user_id));
    CPPUNIT_ASSERT_EQUAL(int64_t{1000}, Count("SELECT refund_cents FROM user_order WHERE trade_no = ?", {trade_no}));
    const std::string calls = RunCommand("curl -s '" + Fake("/control/calls") + "'");
    CPPUNIT_ASSERT(calls.find("\"out_refund_no\":\"" + trade_no + "-10.00\"") != std::string::npos);
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(WechatHttpTest, "http");

}  // namespace dt
