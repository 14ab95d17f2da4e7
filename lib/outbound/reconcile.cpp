// The reconciliation pass; see reconcile.h.
#include "lib/outbound/reconcile.h"

#include <string>
#include <vector>

#include "lib/core/log.h"
#include "lib/domain/payment.h"
#include "lib/outbound/alipay_client.h"
#include "lib/outbound/wechat_client.h"

namespace dt {

namespace {

// What a gateway says of one of our orders.
struct GatewayTrade {
  bool paid = false;
  std::string transaction_id;
  int64_t cents = 0;
};

// The task thread's gateway clients, made once and kept (with their connections).
struct Gateways {
  explicit Gateways(const Config& config) : alipay(config), wechat(config) {}
  AlipayClient alipay;
  WechatClient wechat;
};

Gateways& ThreadGateways(const Config& config) {
  thread_local Gateways gateways(config);
  return gateways;
}

Status Ask(const Config& config, const std::string& channel, const std::string& trade_no,
           GatewayTrade* out) {
  *out = GatewayTrade();
  Gateways& g = ThreadGateways(config);
  if (channel == "alipay") {
    AlipayTrade t;
    RETURN_IF_ERROR(g.alipay.Query(trade_no, &t));
    out->paid =
        t.exists && (t.trade_status == "TRADE_SUCCESS" || t.trade_status == "TRADE_FINISHED");
    out->transaction_id = t.trade_no;
    out->cents = t.cents;
    return Status::Ok();
  }
  WechatTrade t;
  RETURN_IF_ERROR(g.wechat.Query(trade_no, &t));
  out->paid = t.exists && t.trade_state == "SUCCESS";
  out->transaction_id = t.transaction_id;
  out->cents = t.cents;
  return Status::Ok();
}

Status CloseAt(const Config& config, const std::string& channel, const std::string& trade_no) {
  Gateways& g = ThreadGateways(config);
  return channel == "alipay" ? g.alipay.Close(trade_no) : g.wechat.Close(trade_no);
}

}  // namespace

Status ReconcilePayments(Db& db, Redis& redis, const Config& config, int64_t now, int* credited,
                         int* closed) {
  *credited = *closed = 0;
  if (config.alipay_app_id.empty() && config.wechat_mchid.empty()) return Status::Ok();
  std::vector<Row> orders;
  RETURN_IF_ERROR(db.Query(
      "SELECT trade_no, UNIX_TIMESTAMP(order_time), channel FROM user_order"
      " WHERE pay = 0 AND channel IN ('alipay', 'wechat') AND order_time <= FROM_UNIXTIME(?)"
      " AND order_time > FROM_UNIXTIME(?) ORDER BY order_time LIMIT 50",
      {now - config.pay_reconcile_after, now - 86400}, &orders));
  for (const Row& order : orders) {
    const std::string& trade_no = order.Str(0);
    const std::string& channel = order.Str(2);
    if ((channel == "alipay" ? config.alipay_app_id : config.wechat_mchid).empty()) continue;
    RedisReply lease;
    const std::string key = "dt:pay:reconcile:" + trade_no;
    RETURN_IF_ERROR(
        redis.Command(&lease, "SET %s 1 NX EX %d", key.c_str(), config.pay_reconcile_every));
    if (lease.IsNil()) continue;  // asked about lately, here or by another process
    GatewayTrade trade;
    Status asked = Ask(config, channel, trade_no, &trade);
    if (!asked.ok()) return asked;  // the gateway is down: the next pass tries again
    if (trade.paid) {
      Payment payment;
      payment.channel = channel;
      payment.trade_no = trade_no;
      payment.transaction_id = trade.transaction_id;
      payment.cents = trade.cents;
      Credited outcome;
      Status s = CreditPayment(db, redis, payment, now, true, &outcome);
      if (!s.ok()) {
        LogError("reconcile: trade_no %s: %d %s", trade_no.c_str(), s.code(), s.msg().c_str());
        continue;
      }
      if (outcome == Credited::kNow) {
        LogInfo("reconcile: trade_no %s paid at %s, credited (its notify never came)",
                trade_no.c_str(), channel.c_str());
        ++*credited;
      }
      continue;
    }
    if (order.Int(1) > now - kOrderPayWindow - 60) continue;  // the buyer may still pay
    RETURN_IF_ERROR(CloseAt(config, channel, trade_no));
    uint64_t changed = 0;
    RETURN_IF_ERROR(db.Exec("UPDATE user_order SET pay = 2 WHERE trade_no = ? AND pay = 0",
                            {trade_no}, &changed));
    if (changed) {
      LogInfo("reconcile: trade_no %s unpaid past its time limit: closed at %s", trade_no.c_str(),
              channel.c_str());
      ++*closed;
    }
  }
  return Status::Ok();
}

}  // namespace dt
