// The reconciliation pass; see reconcile.h.
#include "lib/outbound/reconcile.h"

#include <string>
#include <vector>

#include "lib/core/log.h"
#include "lib/domain/payment.h"
#include "lib/outbound/alipay_client.h"

namespace dt {

Status ReconcilePayments(Db& db, Redis& redis, const Config& config, int64_t now, int* credited,
                         int* closed) {
  *credited = *closed = 0;
  if (config.alipay_app_id.empty()) return Status::Ok();
  std::vector<Row> orders;
  RETURN_IF_ERROR(
      db.Query("SELECT trade_no, UNIX_TIMESTAMP(order_time) FROM user_order"
               " WHERE pay = 0 AND channel = 'alipay' AND order_time <= FROM_UNIXTIME(?)"
               " AND order_time > FROM_UNIXTIME(?) ORDER BY order_time LIMIT 50",
               {now - config.pay_reconcile_after, now - 86400}, &orders));
  if (orders.empty()) return Status::Ok();
  thread_local AlipayClient* alipay = nullptr;  // the task thread's, kept for its connection
  if (!alipay) alipay = new AlipayClient(config);
  for (const Row& order : orders) {
    const std::string& trade_no = order.Str(0);
    RedisReply lease;
    const std::string key = "dt:pay:reconcile:" + trade_no;
    RETURN_IF_ERROR(
        redis.Command(&lease, "SET %s 1 NX EX %d", key.c_str(), config.pay_reconcile_every));
    if (lease.IsNil()) continue;  // asked about lately, here or by another process
    AlipayTrade trade;
    Status asked = alipay->Query(trade_no, &trade);
    if (!asked.ok()) return asked;  // the gateway is down: the next pass tries again
    if (trade.exists &&
        (trade.trade_status == "TRADE_SUCCESS" || trade.trade_status == "TRADE_FINISHED")) {
      Payment payment;
      payment.channel = "alipay";
      payment.trade_no = trade_no;
      payment.transaction_id = trade.trade_no;
      payment.cents = trade.cents;
      Credited outcome;
      Status s = CreditPayment(db, redis, payment, now, true, &outcome);
      if (!s.ok()) {
        LogError("reconcile: trade_no %s: %d %s", trade_no.c_str(), s.code(), s.msg().c_str());
        continue;
      }
      if (outcome == Credited::kNow) {
        LogInfo("reconcile: trade_no %s paid at Alipay, credited (its notify never came)",
                trade_no.c_str());
        ++*credited;
      }
      continue;
    }
    if (order.Int(1) > now - kOrderPayWindow - 60) continue;  // the buyer may still pay
    RETURN_IF_ERROR(alipay->Close(trade_no));
    uint64_t changed = 0;
    RETURN_IF_ERROR(db.Exec("UPDATE user_order SET pay = 2 WHERE trade_no = ? AND pay = 0",
                            {trade_no}, &changed));
    if (changed) {
      LogInfo("reconcile: trade_no %s unpaid past its time limit: closed", trade_no.c_str());
      ++*closed;
    }
  }
  return Status::Ok();
}

}  // namespace dt
