// Reconciliation: a gateway's notify can be lost (our server down when it came, a network
// fault), so an order still unpaid [pay] reconcile_after seconds after it was made is
// asked about at its gateway: paid there, it is credited here (CreditPayment, as if the
// notify had come); past its payment time limit (30 minutes, as the order string says)
// and unpaid there, it is closed at the gateway, so it cannot be paid any more, and then
// here (pay = 2). Run as a periodic task by every worker process; a Redis lease per order
// ([pay] reconcile_every seconds) lets one process ask about it at a time. Orders older
// than a day are left alone. Alipay's and WeChat Pay's orders.
#pragma once

#include <cstdint>

#include "lib/core/config.h"
#include "lib/core/status.h"
#include "lib/store/db.h"
#include "lib/store/redis.h"

namespace dt {

// An order's payment time limit, as its order string tells the gateway.
constexpr int64_t kOrderPayWindow = 30 * 60;

// One pass at `now`; *credited and *closed count what it did.
Status ReconcilePayments(Db& db, Redis& redis, const Config& config, int64_t now, int* credited,
                         int* closed);

}  // namespace dt
