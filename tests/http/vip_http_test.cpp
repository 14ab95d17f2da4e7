// VIP and visitors through nginx: the purchase flow, every refused notify changing
// nothing, 20 concurrent identical notifies extending once, stacking, expiry, owner-only
// orders, and the visitor list for VIP and non-VIP.
#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <ctime>
#include <thread>
#include <vector>

#include "lib/core/clock.h"
#include "tests/http/http_support.h"

namespace dt {
namespace {

const int64_t kDay = 86400;

Response CreateOrder(const Caller& c, int product) {
  Response r = Call("POST", "/api/vip/order/create", {{"productId", std::to_string(product)}}, c);
  CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
  return r;
}

Row Order(const std::string& trade_no) {
  Row row;
  bool found = false;
  CheckDb(TestStack::Get().db().QueryRow("SELECT pay, transaction_id, pay_time IS NOT NULL, fee FROM user_order WHERE trade_no = ?",
                                 {trade_no}, &row, &found));
  CPPUNIT_ASSERT(found);
  return row;
}

void ForgetProfile(int64_t user) {
  RedisReply r;
  TestStack::Get().redis().Command(&r, "DEL dt:profile:%lld", static_cast<long long>(user));
}

}  // namespace

class VipHttpTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(VipHttpTest);
  CPPUNIT_TEST(testProducts);
  CPPUNIT_TEST(testPurchaseFlow);
  CPPUNIT_TEST(testRefusedNotifiesChangeNothing);
  CPPUNIT_TEST(testTradeNumbersMatchExactly);
  CPPUNIT_TEST(testConcurrentNotifiesExtendOnce);
  CPPUNIT_TEST(testOrdersStackAndExpire);
  CPPUNIT_TEST(testOrdersBelongToTheirOwner);
  CPPUNIT_TEST(testDtcurlPay);
  CPPUNIT_TEST(testVisitorList);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testProducts() {
    Response r = Call("GET", "/api/vip/products", {});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
    const Json::Value& list = r.data()["list"];
    CPPUNIT_ASSERT_EQUAL(3u, list.size());
    const int days[] = {30, 90, 365};
    for (unsigned i = 0; i < 3; ++i) {
      CPPUNIT_ASSERT_EQUAL(days[i], list[i]["vip_time"].asInt());
      CPPUNIT_ASSERT(list[i]["name"].isString() && list[i]["desc"].isString());
      CPPUNIT_ASSERT(list[i]["product_id"].isInt());
    }
    CPPUNIT_ASSERT_DOUBLES_EQUAL(30.0, list[0]["price"].asDouble(), 1e-9);
    CPPUNIT_ASSERT(r.body.find("\"price\":30.00") != std::string::npos);  // two decimals
    CPPUNIT_ASSERT(r.body.find("\"price\":258.00") != std::string::npos);
  }

  void testPurchaseFlow() {
    Caller me = Login(NewPhone());
    Response info = Call("GET", "/api/vip/info", {}, me);
    CPPUNIT_ASSERT(!info.data()["is_vip"].asBool());
    CPPUNIT_ASSERT(info.data()["vip_deadline"].isNull());
    Response order = CreateOrder(me, 1);
    const std::string trade_no = order.data()["trade_no"].asString();
    CPPUNIT_ASSERT_EQUAL(size_t{30}, trade_no.size());
    CPPUNIT_ASSERT(trade_no != CreateOrder(me, 1).data()["trade_no"].asString());
    CPPUNIT_ASSERT(order.body.find("\"fee\":30.00") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(0, order.data()["pay"].asInt());
    CPPUNIT_ASSERT(order.data()["order_id"].isInt64());
    CPPUNIT_ASSERT(!order.data()["product_name"].asString().empty());

    Response paid = PayNotify(trade_no, "30.00", "wx-0001");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(paid.body, 0, paid.code());
    Row row = Order(trade_no);
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, row.Int(0));
    CPPUNIT_ASSERT_EQUAL(std::string("wx-0001"), row.Str(1));
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, row.Int(2));
    const int64_t deadline = VipDeadline(me.user_id);
    CPPUNIT_ASSERT(std::llabs(deadline - (time(nullptr) + 30 * kDay)) < 60);
    info = Call("GET", "/api/vip/info", {}, me);
    CPPUNIT_ASSERT(info.data()["is_vip"].asBool());
    CPPUNIT_ASSERT_EQUAL(FormatUtc(deadline), info.data()["vip_deadline"].asString());
    CPPUNIT_ASSERT(Call("GET", "/api/user/show", {}, me).data()["is_vip"].asBool());
    // The gateway retries: success again, nothing changes.
    CPPUNIT_ASSERT_EQUAL(0, PayNotify(trade_no, "30", "wx-0001").code());
    CPPUNIT_ASSERT_EQUAL(deadline, VipDeadline(me.user_id));
    Response list = Call("GET", "/api/vip/order/list", {}, me);
    CPPUNIT_ASSERT_EQUAL(2u, list.data()["list"].size());
    CPPUNIT_ASSERT_EQUAL(trade_no, list.data()["list"][1]["trade_no"].asString());  // newest first
    CPPUNIT_ASSERT_EQUAL(1, list.data()["list"][1]["pay"].asInt());
    CPPUNIT_ASSERT_EQUAL(0, list.data()["list"][0]["pay"].asInt());
    CPPUNIT_ASSERT_EQUAL(size_t{19}, list.data()["list"][0]["order_time"].asString().size());
  }

  void testRefusedNotifiesChangeNothing() {
    Caller me = Login(NewPhone());
    const std::string trade_no = CreateOrder(me, 1).data()["trade_no"].asString();
    const struct {
      const char* what;
      Response response;
      int code;
    } cases[] = {
        {"bad signature", PayNotify(trade_no, "30.00", "t1", 0, "not-the-key"), 500},
        {"wrong fee", PayNotify(trade_no, "0.01", "t2"), 300},
        {"fee as float noise", PayNotify(trade_no, "29.999", "t3"), 300},
        {"unknown trade_no", PayNotify("20260101000000deadbeefdeadbeef", "30.00", "t4"), 508},
        {"old timestamp", PayNotify(trade_no, "30.00", "t5", time(nullptr) - 3600), 506},
        {"missing field", Call("POST", "/api/vip/pay/notify", {{"trade_no", trade_no}}, {}, false), 300},
    };
    for (const auto& c : cases) {
      CPPUNIT_ASSERT_EQUAL_MESSAGE(std::string(c.what) + ": " + c.response.body, c.code, c.response.code());
      CPPUNIT_ASSERT_EQUAL_MESSAGE(c.what, int64_t{0}, Order(trade_no).Int(0));
      CPPUNIT_ASSERT_EQUAL_MESSAGE(c.what, int64_t{0}, VipDeadline(me.user_id));
    }
    const std::string cancelled = CreateOrder(me, 2).data()["trade_no"].asString();
    Row id;
    bool found = false;
    CheckDb(TestStack::Get().db().QueryRow("SELECT id FROM user_order WHERE trade_no = ?", {cancelled}, &id, &found));
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/vip/order/cancel", {{"orderId", id.Str(0)}}, me).code());
    Response late = PayNotify(cancelled, "78.00", "t6");
    CPPUNIT_ASSERT_EQUAL(512, late.code());
    CPPUNIT_ASSERT_EQUAL(int64_t{2}, Order(cancelled).Int(0));
    CPPUNIT_ASSERT(Order(cancelled).IsNull(1));
    CPPUNIT_ASSERT_EQUAL(int64_t{0}, VipDeadline(me.user_id));
  }

  // Found by review (issue 16, item 8): trade numbers matched ignoring case and trailing
  // spaces (the table's collation), so a correctly signed notify for "TRADE_NO " paid the
  // real order. Opaque ids are VARBINARY now: byte-exact.
  void testTradeNumbersMatchExactly() {
    Caller me = Login(NewPhone());
    const std::string trade_no = CreateOrder(me, 1).data()["trade_no"].asString();
    std::string swapped = trade_no;
    for (char& c : swapped) c = static_cast<char>(isupper(static_cast<unsigned char>(c)) ? tolower(c) : toupper(c));
    std::vector<std::string> others = {trade_no + " ", " " + trade_no, trade_no + "\t"};
    if (swapped != trade_no) others.insert(others.end(), {swapped + " ", swapped});  // hex letters there
    for (const std::string& other : others) {
      Response r = PayNotify(other, "30.00", "t-" + NewNonce());
      CPPUNIT_ASSERT_EQUAL_MESSAGE("'" + other + "': " + r.body, 508, r.code());
      CPPUNIT_ASSERT_EQUAL(int64_t{0}, Order(trade_no).Int(0));
      CPPUNIT_ASSERT_EQUAL(int64_t{0}, VipDeadline(me.user_id));
    }
    CPPUNIT_ASSERT_EQUAL(0, PayNotify(trade_no, "30.00", "t-exact").code());
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, Order(trade_no).Int(0));
    // The other opaque ids are byte strings too.
    CPPUNIT_ASSERT_EQUAL(int64_t{7}, Count("SELECT COUNT(*) FROM information_schema.columns"
                                           " WHERE table_schema = DATABASE() AND data_type = 'varbinary' AND"
                                           " CONCAT(table_name, '.', column_name) IN ('user_order.trade_no',"
                                           " 'user_order.transaction_id', 'user_order.open_id', 'user_auth.open_id',"
                                           " 'user_auth.token', 'user_auth.session_key', 'user_info.phone')", {}));
  }

  void testConcurrentNotifiesExtendOnce() {
    Caller me = Login(NewPhone());
    const std::string trade_no = CreateOrder(me, 1).data()["trade_no"].asString();
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 20; ++i) {
      threads.emplace_back([&] {
        if (PayNotify(trade_no, "30.00", "same-txn").code() == 0) ++ok;
      });
    }
    for (std::thread& t : threads) t.join();
    CPPUNIT_ASSERT_EQUAL(20, ok.load());
    CPPUNIT_ASSERT(std::llabs(VipDeadline(me.user_id) - (time(nullptr) + 30 * kDay)) < 60);
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, Order(trade_no).Int(0));
  }

  void testOrdersStackAndExpire() {
    Caller me = Login(NewPhone());
    const std::string month = CreateOrder(me, 1).data()["trade_no"].asString();
    const std::string quarter = CreateOrder(me, 2).data()["trade_no"].asString();
    CPPUNIT_ASSERT_EQUAL(0, PayNotify(month, "30.00", "m").code());
    CPPUNIT_ASSERT_EQUAL(0, PayNotify(quarter, "78.00", "q").code());
    CPPUNIT_ASSERT(std::llabs(VipDeadline(me.user_id) - (time(nullptr) + 120 * kDay)) < 60);
    // Expired yesterday: a non-VIP again; a new purchase counts from now, not from then.
    CheckDb(TestStack::Get().db().Exec("UPDATE vip_info SET vip_deadline = UTC_TIMESTAMP() - INTERVAL 1 DAY WHERE user_id = ?",
                               {me.user_id}));
    ForgetProfile(me.user_id);
    Response info = Call("GET", "/api/vip/info", {}, me);
    CPPUNIT_ASSERT(!info.data()["is_vip"].asBool());
    CPPUNIT_ASSERT(!info.data()["vip_deadline"].isNull());
    CPPUNIT_ASSERT_EQUAL(510, Call("GET", "/api/visitor/list", {}, me).code());
    const std::string again = CreateOrder(me, 1).data()["trade_no"].asString();
    CPPUNIT_ASSERT_EQUAL(0, PayNotify(again, "30.00", "a").code());
    CPPUNIT_ASSERT(std::llabs(VipDeadline(me.user_id) - (time(nullptr) + 30 * kDay)) < 60);
    CPPUNIT_ASSERT(Call("GET", "/api/vip/info", {}, me).data()["is_vip"].asBool());
  }

  void testOrdersBelongToTheirOwner() {
    Caller alice = Login(NewPhone());
    Caller bob = Login(NewPhone());
    Response order = CreateOrder(alice, 3);
    const std::string id = order.data()["order_id"].asString();
    CPPUNIT_ASSERT_EQUAL(0u, Call("GET", "/api/vip/order/list", {}, bob).data()["list"].size());
    CPPUNIT_ASSERT_EQUAL(508, Call("POST", "/api/vip/order/cancel", {{"orderId", id}}, bob).code());
    Caller forged = bob;
    forged.user_id = alice.user_id;
    CPPUNIT_ASSERT_EQUAL(504, Call("POST", "/api/vip/order/cancel", {{"orderId", id}}, forged).code());
    CPPUNIT_ASSERT_EQUAL(int64_t{0}, Order(order.data()["trade_no"].asString()).Int(0));
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/vip/order/cancel", {{"orderId", id}}, alice).code());
    CPPUNIT_ASSERT_EQUAL(512, Call("POST", "/api/vip/order/cancel", {{"orderId", id}}, alice).code());
    Response paid = CreateOrder(alice, 1);
    CPPUNIT_ASSERT_EQUAL(0, PayNotify(paid.data()["trade_no"].asString(), "30.00", "p").code());
    CPPUNIT_ASSERT_EQUAL(512, Call("POST", "/api/vip/order/cancel", {{"orderId", paid.data()["order_id"].asString()}}, alice).code());
    CPPUNIT_ASSERT_EQUAL(508, Call("POST", "/api/vip/order/create", {{"productId", "99"}}, alice).code());
    CPPUNIT_ASSERT_EQUAL(300, Call("POST", "/api/vip/order/create", {}, alice).code());
    CPPUNIT_ASSERT_EQUAL(300, Call("POST", "/api/vip/order/cancel", {{"orderId", "x"}}, alice).code());
    Response list = Call("GET", "/api/vip/order/list", {{"pageCount", "1"}}, alice);
    CPPUNIT_ASSERT_EQUAL(1u, list.data()["list"].size());
    CPPUNIT_ASSERT(list.data()["has_next"].asBool());
  }

  // dtcurl pay: the gateway simulator for trying the VIP flow by hand.
  void testDtcurlPay() {
    Caller me = Login(NewPhone());
    const std::string trade_no = CreateOrder(me, 2).data()["trade_no"].asString();
    const std::string pay = ToolCommand("dtcurl", "-b " + TestStack::Get().url() + " pay " + trade_no);
    std::string out = RunCommand(pay + " 77.00");  // not the order's fee
    CPPUNIT_ASSERT_MESSAGE(out, out.find("\"code\": 300") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(int64_t{0}, Order(trade_no).Int(0));
    out = RunCommand(pay + " 78.00");
    CPPUNIT_ASSERT_MESSAGE(out, out.find("\"code\": 0") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, Order(trade_no).Int(0));
    CPPUNIT_ASSERT(std::llabs(VipDeadline(me.user_id) - (time(nullptr) + 90 * kDay)) < 60);
  }

  void testVisitorList() {
    Caller target = Login(NewPhone());
    std::vector<Caller> visitors;
    for (int i = 0; i < 3; ++i) {
      visitors.push_back(Login(NewPhone()));
      CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/update", {{"nickname", "visitor" + std::to_string(i)}}, visitors[i]).code());
      CPPUNIT_ASSERT_EQUAL(0, Call("GET", "/api/user/show", {{"peerId", std::to_string(target.user_id)}}, visitors[i]).code());
      FlushQueuedVisits();
      CheckDb(TestStack::Get().db().Exec("UPDATE visitor SET visit_time = visit_time - INTERVAL ? SECOND WHERE user_id = ? AND visitor_id = ?",
                                 {int64_t{10 - i}, target.user_id, visitors[i].user_id}));
    }
    Caller hidden = Login(NewPhone());
    CPPUNIT_ASSERT_EQUAL(0, Call("GET", "/api/user/show", {{"peerId", std::to_string(target.user_id)}}, hidden).code());
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/update", {{"authority", "0"}}, hidden).code());

    // Not VIP: the teaser only, nothing marked read.
    Response teaser = Call("GET", "/api/visitor/list", {}, target);
    CPPUNIT_ASSERT_EQUAL(510, teaser.code());
    CPPUNIT_ASSERT_EQUAL(3, teaser.data()["total"].asInt());
    CPPUNIT_ASSERT_EQUAL(3, teaser.data()["unread"].asInt());
    CPPUNIT_ASSERT(!teaser.data().isMember("list"));

    const std::string trade_no = CreateOrder(target, 1).data()["trade_no"].asString();
    CPPUNIT_ASSERT_EQUAL(0, PayNotify(trade_no, "30.00", "v").code());
    Response page = Call("GET", "/api/visitor/list", {{"pageCount", "2"}}, target);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(page.body, 0, page.code());
    CPPUNIT_ASSERT_EQUAL(3, page.data()["total"].asInt());
    CPPUNIT_ASSERT_EQUAL(3, page.data()["unread"].asInt());
    CPPUNIT_ASSERT(page.data()["has_next"].asBool());
    const Json::Value& list = page.data()["list"];
    CPPUNIT_ASSERT_EQUAL(2u, list.size());
    CPPUNIT_ASSERT_EQUAL(visitors[2].user_id, list[0]["visitor_id"].asInt64());  // most recent first
    CPPUNIT_ASSERT_EQUAL(std::string("visitor2"), list[0]["nickname"].asString());
    CPPUNIT_ASSERT_EQUAL(0, list[0]["status"].asInt());
    CPPUNIT_ASSERT_EQUAL(size_t{19}, list[0]["visit_time"].asString().size());
    CPPUNIT_ASSERT(list[0].isMember("avatar"));
    // The listed two are read now, the third is not.
    Response again = Call("GET", "/api/visitor/list", {}, target);
    CPPUNIT_ASSERT_EQUAL(1, again.data()["unread"].asInt());
    CPPUNIT_ASSERT_EQUAL(3u, again.data()["list"].size());
    CPPUNIT_ASSERT_EQUAL(1, again.data()["list"][0]["status"].asInt());
    CPPUNIT_ASSERT_EQUAL(0, again.data()["list"][2]["status"].asInt());
    CPPUNIT_ASSERT_EQUAL(0, Call("GET", "/api/visitor/list", {}, target).data()["unread"].asInt());
    // A repeat visit moves the visitor to the top, unread again.
    CPPUNIT_ASSERT_EQUAL(0, Call("GET", "/api/user/show", {{"peerId", std::to_string(target.user_id)}}, visitors[0]).code());
    Response moved = Call("GET", "/api/visitor/list", {}, target);
    CPPUNIT_ASSERT_EQUAL(visitors[0].user_id, moved.data()["list"][0]["visitor_id"].asInt64());
    CPPUNIT_ASSERT_EQUAL(0, moved.data()["list"][0]["status"].asInt());
    for (const Json::Value& v : moved.data()["list"]) CPPUNIT_ASSERT(v["visitor_id"].asInt64() != hidden.user_id);
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(VipHttpTest, "http");

}  // namespace dt
