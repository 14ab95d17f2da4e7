// VIP (API.md "VIP"): products, orders, the payment gateway's notify, VIP status.
// Money is integer cents from the database's DECIMAL to the reply; never a double.
#include "handlers/handlers.h"
#include "lib/core/args.h"
#include "lib/core/context.h"
#include "lib/core/crypto.h"
#include "lib/core/log.h"
#include "lib/core/sign.h"
#include "lib/domain/guard.h"
#include "lib/domain/pay.h"
#include "lib/domain/profile.h"
#include "lib/store/replica.h"

namespace dt {
namespace {

enum PayState { kUnpaid = 0, kPaid = 1, kCancelled = 2 };

int64_t Cents(const Row& row, size_t i) {
  int64_t cents = 0;
  ParseMoney(row.Str(i), &cents);  // DECIMAL(11,2) as MariaDB writes it
  return cents;
}

Reply HandleProducts(RequestContext& ctx) {
  std::vector<Row> rows;
  // Products change by migrations only: a replica may answer (an order reads the primary).
  RETURN_IF_ERROR(ctx.reads.Query(
      "SELECT id, name, `desc`, vip_time, price FROM product ORDER BY id", {}, &rows));
  JsonWriter data;
  data.Array("list");
  for (const Row& r : rows) {
    data.Object().Int("product_id", r.Int(0)).Str("name", r.Str(1)).Str("desc", r.Str(2));
    data.Int("vip_time", r.Int(3)).Money("price", Cents(r, 4)).End();
  }
  return Reply::Ok(data);
}

// A trade number nobody can guess: UTC time to the second, then 64 random bits.
std::string NewTradeNo(int64_t now) {
  return FormatUtc(now, "%Y%m%d%H%M%S") + HexEncode(RandomBytes(8));
}

Reply HandleOrderCreate(RequestContext& ctx) {
  const int64_t product_id = ctx.args.Int("productId");
  Row product;
  bool found = false;
  RETURN_IF_ERROR(ctx.db.QueryRow("SELECT name, price FROM product WHERE id = ?", {product_id},
                                  &product, &found));
  if (!found) return Status::Error(kNotFound, "product not found.");
  const int64_t now = ctx.clock().NowSeconds();
  const std::string trade_no = NewTradeNo(now);
  uint64_t order_id = 0;
  // Name and fee are copied: a later price change does not touch this order.
  RETURN_IF_ERROR(ctx.db.Exec(
      "INSERT INTO user_order (user_id, product_id, product_name, fee, trade_no, pay, order_time)"
      " VALUES (?, ?, ?, ?, ?, 0, FROM_UNIXTIME(?))",
      {ctx.user_id, product_id, product.Str(0), product.Str(1), trade_no, now}, nullptr,
      &order_id));
  JsonWriter data;
  data.Int("order_id", static_cast<int64_t>(order_id)).Str("trade_no", trade_no);
  data.Str("product_name", product.Str(0)).Money("fee", Cents(product, 1)).Int("pay", kUnpaid);
  return Reply::Ok(data);
}

Reply HandleOrderList(RequestContext& ctx) {
  const Page page = PageOf(ctx.args);
  std::vector<Row> rows;
  RETURN_IF_ERROR(ctx.db.Query(
      "SELECT id, trade_no, product_name, fee, pay, order_time FROM user_order WHERE user_id = ?"
      " ORDER BY id DESC LIMIT ? OFFSET ?",
      {ctx.user_id, page.limit(), page.offset()}, &rows));
  return PageReply(page, rows, [](const Row& r, JsonWriter& list) {
    list.Object().Int("order_id", r.Int(0)).Str("trade_no", r.Str(1)).Str("product_name", r.Str(2));
    list.Money("fee", Cents(r, 3)).Int("pay", r.Int(4)).Str("order_time", r.Str(5)).End();
    return Status::Ok();
  });
}

Reply HandleOrderCancel(RequestContext& ctx) {
  const int64_t order_id = ctx.args.Int("orderId");
  uint64_t cancelled = 0;
  RETURN_IF_ERROR(
      ctx.db.Exec("UPDATE user_order SET pay = 2 WHERE id = ? AND user_id = ? AND pay = 0",
                  {order_id, ctx.user_id}, &cancelled));
  if (cancelled == 1) return Reply::Ok();
  Row row;
  bool found = false;
  RETURN_IF_ERROR(ctx.db.QueryRow("SELECT pay FROM user_order WHERE id = ? AND user_id = ?",
                                  {order_id, ctx.user_id}, &row, &found));
  // Someone else's order is not found, not a conflict: its existence is not told.
  if (!found) return Status::Error(kNotFound, "order not found.");
  return Status::Error(kOrderState,
                       row.Int(0) == kPaid ? "order already paid." : "order already cancelled.");
}

// An amount in yuan, as integer cents into the value's number.
bool MoneyArg(const RequestContext&, ArgValue* value) { return ParseMoney(value->text, &value->i); }

// The gateway's callback, idempotent.
Reply HandlePayNotify(RequestContext& ctx) {
  // Its row's authenticator (kSandboxGateway) checked the gateway's sign and the timestamp.
  const std::string& trade_no = ctx.args.Text("trade_no");
  const std::string& total_fee = ctx.args.Text("total_fee");
  const int64_t fee = ctx.args.Value("total_fee").i;  // cents
  const std::string& transaction_id = ctx.args.Text("transaction_id");
  const int64_t now = ctx.clock().NowSeconds();

  int64_t user_id = 0;
  RETURN_IF_ERROR(InTransaction(ctx.db, [&]() -> Status {
    Row order;
    bool found = false;
    RETURN_IF_ERROR(
        ctx.db.QueryRow("SELECT o.id, o.user_id, o.fee, o.pay, p.vip_time FROM user_order o"
                        " JOIN product p ON p.id = o.product_id WHERE o.trade_no = ? FOR UPDATE",
                        {trade_no}, &order, &found));
    if (!found) return Status::Error(kNotFound, "unknown trade_no.");
    if (Cents(order, 2) != fee) {
      LogError("pay notify: trade_no %s fee %s differs from the order's", trade_no.c_str(),
               total_fee.c_str());
      return Status::Error(kBadParam, "total_fee does not match the order.");
    }
    user_id = order.Int(1);
    if (order.Int(3) == kPaid) return Status::Ok();  // a repeat: nothing changes
    if (order.Int(3) == kCancelled) {
      LogError("pay notify: trade_no %s is cancelled; payment %s refused", trade_no.c_str(),
               transaction_id.c_str());
      return Status::Error(kOrderState, "order cancelled.");
    }
    RETURN_IF_ERROR(
        ctx.db.Exec("UPDATE user_order SET pay = 1, transaction_id = ?, pay_time = "
                    "FROM_UNIXTIME(?) WHERE id = ?",
                    {transaction_id, now, order.Int(0)}));
    RETURN_IF_ERROR(ctx.db.Exec(
        "INSERT INTO vip_info (user_id, vip_deadline) VALUES (?, FROM_UNIXTIME(?) + INTERVAL ? DAY)"
        " ON DUPLICATE KEY UPDATE"
        " vip_deadline = GREATEST(vip_deadline, FROM_UNIXTIME(?)) + INTERVAL ? DAY",
        {user_id, now, order.Int(4), now, order.Int(4)}));
    return Status::Ok();
  }));
  // VIP state is cached with the profile. The payment stands whatever happens to Redis:
  // a failed invalidation is logged, and the cached state then catches up within
  // [cache] profile_ttl (a Redis that restarted holds no cache at all). Repeats of the
  // notify invalidate too.
  Status cache = InvalidateProfile(ctx.redis, user_id);
  if (!cache.ok())
    LogError("pay notify: trade_no %s paid, profile cache not invalidated", trade_no.c_str());
  return Reply::Ok();
}

Reply HandleVipInfo(RequestContext& ctx) {
  ProfileRecord record;
  bool found = false;
  RETURN_IF_ERROR(LoadProfile(ctx.db, ctx.redis, ctx.config(), ctx.user_id, &record, &found));
  if (!found) return Status::Error(kNoUser);
  const int64_t deadline = record.vip_deadline;
  JsonWriter data;
  data.Bool("is_vip", deadline > ctx.clock().NowSeconds());
  if (deadline > 0) {
    data.Str("vip_deadline", FormatUtc(deadline));
  } else {
    data.Null("vip_deadline");
  }
  return Reply::Ok(data);
}

}  // namespace

std::vector<Route> VipRoutes() {
  return {
      Get("/api/vip/products", HandleProducts).Auth(kAppSigned),
      Post("/api/vip/order/create", HandleOrderCreate)
          .Auth(kAppToken)
          .Accepts({IdArg("productId")})
          .Rate(RateClass::kOrder),
      Get("/api/vip/order/list", HandleOrderList).Auth(kAppToken).Paged(50, 10),
      Post("/api/vip/order/cancel", HandleOrderCancel).Auth(kAppToken).Accepts({IdArg("orderId")}),
      Post("/api/vip/pay/notify", HandlePayNotify)
          .Auth(kSandboxGateway)
          .Accepts({TextArg("trade_no").MaxBytes(64), TextArg("total_fee").As(MoneyArg),
                    TextArg("transaction_id").MaxBytes(64)}),
      Get("/api/vip/info", HandleVipInfo).Auth(kAppToken),
  };
}

}  // namespace dt
