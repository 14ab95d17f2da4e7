// Payments: what a gateway reports paid, credited to its order once. Every channel's
// notify (sandbox, Alipay, WeChat Pay) and the reconciliation task end here, so the rules
// are one: the order row locked; the gateway's amount equal to the order's, in cents; the
// channel the order's; a repeat of a credited payment changes nothing; a payment that can
// no longer be credited (the order cancelled, or paid already by another transaction) is
// kept in pay_refund_due for the operators to refund, never credited. Thread-compatible
// (per-thread Db and Redis).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "lib/core/json_writer.h"
#include "lib/core/status.h"
#include "lib/store/db.h"
#include "lib/store/redis.h"

namespace dt {

enum PayState { kUnpaid = 0, kPaid = 1, kCancelled = 2, kRefunded = 3 };

// The cents of a DECIMAL(11,2) column as MariaDB writes it ("30.00").
int64_t CentsOf(const Row& row, size_t column);

// The member `key`: the time `unix_seconds` (UTC, API.md section 1), or null when not
// after `after` (a VIP deadline never set, or an entitlement that has ended).
void WriteTimeOrNull(JsonWriter* w, std::string_view key, int64_t unix_seconds, int64_t after = 0);

// Cents as yuan with two decimals ("30.00"), as the gateways write amounts.
std::string YuanText(int64_t cents);

struct Payment {
  std::string_view channel;         // "sandbox", "alipay", "wechat"
  std::string_view trade_no;        // ours (the gateway's out_trade_no)
  std::string_view transaction_id;  // the gateway's
  int64_t cents = 0;                // what the gateway says was paid
};

enum class Credited {
  kNow,        // the order is paid now and its VIP time granted
  kAlready,    // this transaction was credited before: nothing changes
  kRefundDue,  // not creditable: recorded in pay_refund_due
};

// Credits `payment` at `now`. Refused: an unknown trade_no (508), another channel's order
// or another amount (300, logged); a cancelled order is 512 when `refund_uncreditable` is
// false (the sandbox), else recorded for refund. The profile cache is invalidated after
// the commit (a failure there is logged: the payment stands).
Status CreditPayment(Db& db, Redis& redis, const Payment& payment, int64_t now,
                     bool refund_uncreditable, Credited* outcome);

// A refund of a paid order: `total_refunded` is all the gateway has refunded of it so far
// (a refund notify's refund_fee, or what dtadmin refund adds). The VIP time of the part
// refunded since the last call is taken back (the order's vip_time, pro rata; never to
// before `now`); the order is kRefunded once all of it is. A repeat changes nothing.
// *taken is the seconds taken back.
Status ApplyRefund(Db& db, Redis& redis, std::string_view channel, std::string_view trade_no,
                   int64_t total_refunded, int64_t now, int64_t* taken);

}  // namespace dt
