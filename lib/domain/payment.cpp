// Crediting payments; see payment.h.
#include "lib/domain/payment.h"

#include <cstdio>

#include "lib/core/args.h"
#include "lib/core/clock.h"
#include "lib/core/log.h"
#include "lib/core/metrics.h"
#include "lib/domain/profile.h"

namespace dt {

int64_t CentsOf(const Row& row, size_t column) {
  int64_t cents = 0;
  ParseMoney(row.Str(column), &cents);
  return cents;
}

void WriteTimeOrNull(JsonWriter* w, std::string_view key, int64_t unix_seconds, int64_t after) {
  if (unix_seconds > after) {
    w->Str(key, FormatUtc(unix_seconds));
  } else {
    w->Null(key);
  }
}

std::string YuanText(int64_t cents) {
  char buf[32];
  snprintf(buf, sizeof buf, "%lld.%02lld", static_cast<long long>(cents / 100),
           static_cast<long long>(cents % 100));
  return buf;
}

namespace {

Status RecordRefundDue(Db& db, const Payment& p, const char* reason, int64_t now) {
  LogError("pay %.*s: trade_no %.*s transaction %.*s not creditable (%s): kept for refund",
           static_cast<int>(p.channel.size()), p.channel.data(),
           static_cast<int>(p.trade_no.size()), p.trade_no.data(),
           static_cast<int>(p.transaction_id.size()), p.transaction_id.data(), reason);
  return db.Exec(
      "INSERT IGNORE INTO pay_refund_due (channel, trade_no, transaction_id, cents, reason,"
      " create_time) VALUES (?, ?, ?, ?, ?, FROM_UNIXTIME(?))",
      {p.channel, p.trade_no, p.transaction_id, p.cents, reason, now});
}

}  // namespace

Status CreditPayment(Db& db, Redis& redis, const Payment& p, int64_t now, bool refund_uncreditable,
                     Credited* outcome) {
  int64_t user_id = 0;
  const Status credited = InTransaction(db, [&]() -> Status {
    Row order;
    bool found = false;
    RETURN_IF_ERROR(db.QueryRow(
        "SELECT o.id, o.user_id, o.fee, o.pay, p.vip_time, o.channel, o.transaction_id"
        " FROM user_order o JOIN product p ON p.id = o.product_id WHERE o.trade_no = ? FOR UPDATE",
        {p.trade_no}, &order, &found));
    if (!found) return Status::Error(kNotFound, "unknown trade_no.");
    if (order.Str(5) != p.channel) {
      LogError("pay %.*s: trade_no %.*s is an order of channel %s",
               static_cast<int>(p.channel.size()), p.channel.data(),
               static_cast<int>(p.trade_no.size()), p.trade_no.data(), order.Str(5).c_str());
      return Status::Error(kBadParam, "the order is not of this channel.");
    }
    if (CentsOf(order, 2) != p.cents) {
      LogError("pay %.*s: trade_no %.*s paid %lld cents, the order's fee is %s",
               static_cast<int>(p.channel.size()), p.channel.data(),
               static_cast<int>(p.trade_no.size()), p.trade_no.data(),
               static_cast<long long>(p.cents), order.Str(2).c_str());
      return Status::Error(kBadParam, "the amount does not match the order.");
    }
    user_id = order.Int(1);
    if (order.Int(3) == kPaid) {
      if (order.IsNull(6) || order.Str(6) == p.transaction_id) {
        *outcome = Credited::kAlready;  // a repeat of the notify
        return Status::Ok();
      }
      *outcome = Credited::kRefundDue;  // paid twice: the second payment goes back
      return refund_uncreditable ? RecordRefundDue(db, p, "paid twice", now) : Status::Ok();
    }
    if (order.Int(3) == kCancelled) {
      if (!refund_uncreditable) {
        LogError("pay notify: trade_no %.*s is cancelled; payment refused",
                 static_cast<int>(p.trade_no.size()), p.trade_no.data());
        return Status::Error(kOrderState, "order cancelled.");
      }
      *outcome = Credited::kRefundDue;
      return RecordRefundDue(db, p, "order cancelled", now);
    }
    RETURN_IF_ERROR(
        db.Exec("UPDATE user_order SET pay = 1, transaction_id = ?, pay_time = FROM_UNIXTIME(?) "
                "WHERE id = ?",
                {p.transaction_id, now, order.Int(0)}));
    RETURN_IF_ERROR(db.Exec(
        "INSERT INTO vip_info (user_id, vip_deadline) VALUES (?, FROM_UNIXTIME(?) + INTERVAL ? DAY)"
        " ON DUPLICATE KEY UPDATE"
        " vip_deadline = GREATEST(vip_deadline, FROM_UNIXTIME(?)) + INTERVAL ? DAY",
        {user_id, now, order.Int(4), now, order.Int(4)}));
    *outcome = Credited::kNow;
    return Status::Ok();
  });
  const char* counted = !credited.ok()                   ? "refused"
                        : *outcome == Credited::kNow     ? "credited"
                        : *outcome == Credited::kAlready ? "repeat"
                                                         : "refund_due";
  if (!credited.ok() &&
      (credited.kind() == StatusKind::kUnavailable || credited.kind() == StatusKind::kInternal)) {
    counted = "error";
  }
  CountEvent("dt_payments_total{channel=\"" + MetricLabel(p.channel) + "\",outcome=\"" + counted +
             "\"}");
  RETURN_IF_ERROR(credited);
  // VIP state is cached with the profile. The payment stands whatever happens to Redis:
  // the cached state then catches up within [cache] profile_ttl. Repeats invalidate too.
  Status cache = InvalidateProfile(redis, user_id);
  if (!cache.ok()) {
    LogError("pay: trade_no %.*s paid, profile cache not invalidated",
             static_cast<int>(p.trade_no.size()), p.trade_no.data());
  }
  return Status::Ok();
}

Status ApplyRefund(Db& db, Redis& redis, std::string_view channel, std::string_view trade_no,
                   int64_t total_refunded, int64_t now, int64_t* taken) {
  *taken = 0;
  int64_t user_id = 0;
  RETURN_IF_ERROR(InTransaction(db, [&]() -> Status {
    Row order;
    bool found = false;
    RETURN_IF_ERROR(
        db.QueryRow("SELECT o.id, o.user_id, o.fee, o.pay, o.refund_cents, p.vip_time, o.channel "
                    "FROM user_order o"
                    " JOIN product p ON p.id = o.product_id WHERE o.trade_no = ? FOR UPDATE",
                    {trade_no}, &order, &found));
    if (!found) return Status::Error(kNotFound, "unknown trade_no.");
    if (order.Str(6) != channel)
      return Status::Error(kBadParam, "the order is not of this channel.");
    const int64_t fee = CentsOf(order, 2), before = order.Int(4);
    if (order.Int(3) != kPaid && order.Int(3) != kRefunded) {
      return Status::Error(kOrderState, "the order is not paid.");
    }
    if (total_refunded > fee) return Status::Error(kBadParam, "more than the order's fee.");
    if (total_refunded <= before) return Status::Ok();  // told before
    user_id = order.Int(1);
    *taken = fee > 0 ? order.Int(5) * 86400 * (total_refunded - before) / fee : 0;
    RETURN_IF_ERROR(
        db.Exec("UPDATE user_order SET refund_cents = ?, pay = IF(? >= fee * 100, 3, pay)"
                " WHERE id = ?",
                {total_refunded, total_refunded, order.Int(0)}));
    return db.Exec(
        "UPDATE vip_info SET vip_deadline = GREATEST(FROM_UNIXTIME(?), vip_deadline - INTERVAL ? "
        "SECOND)"
        " WHERE user_id = ?",
        {now, *taken, user_id});
  }));
  if (user_id != 0) {
    Status cache = InvalidateProfile(redis, user_id);
    if (!cache.ok())
      LogError("refund: profile cache of %lld not invalidated", static_cast<long long>(user_id));
  }
  return Status::Ok();
}

}  // namespace dt
