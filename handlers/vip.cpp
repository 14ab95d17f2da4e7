// VIP (API.md "VIP"): products, orders, the payment gateway's notify, VIP status.
// Money is integer cents from the database's DECIMAL to the reply; never a double.
#include "handlers/handlers.h"
#include "lib/core/args.h"
#include "lib/core/context.h"
#include "lib/core/crypto.h"
#include "lib/core/log.h"
#include "lib/core/sign.h"
#include "lib/domain/alipay.h"
#include "lib/domain/appstore.h"
#include "lib/domain/discovery.h"
#include "lib/domain/guard.h"
#include "lib/domain/pay.h"
#include "lib/domain/payment.h"
#include "lib/domain/profile.h"
#include "lib/outbound/wechat_client.h"
#include "lib/store/replica.h"

namespace dt {
namespace {

Reply HandleProducts(RequestContext& ctx) {
  std::vector<Row> rows;
  // Products change by migrations only: a replica may answer (an order reads the primary).
  RETURN_IF_ERROR(ctx.reads.Query(
      "SELECT id, name, `desc`, vip_time, price FROM product ORDER BY id", {}, &rows));
  // What VIP buys, the same for every product (they differ in time and price).
  const Config& c = ctx.config();
  JsonWriter benefits(JsonWriter::Start::kMembers);
  benefits.Bool("unlimited_likes", true).Int("likes_per_day_without", c.likes_per_day);
  benefits.Int("superlikes_per_day", c.vip_superlikes_per_day)
      .Int("superlikes_per_day_without", c.superlikes_per_day);
  benefits.Bool("rewind", true).Bool("likes_received", true).Bool("visitors", true);
  benefits.Object("boost")
      .Int("every_days", c.boost_every_days)
      .Int("minutes", c.boost_minutes)
      .End();
  const std::string benefit_members = benefits.Close();
  JsonWriter data;
  data.Array("list");
  for (const Row& r : rows) {
    data.Object().Int("product_id", r.Int(0)).Str("name", r.Str(1)).Str("desc", r.Str(2));
    data.Int("vip_time", r.Int(3)).Money("price", CentsOf(r, 4));
    data.Object("benefits").Members(benefit_members).End().End();
  }
  return Reply::Ok(data);
}

// A trade number nobody can guess: UTC time to the second, then 64 random bits.
std::string NewTradeNo(int64_t now) {
  return FormatUtc(now, "%Y%m%d%H%M%S") + HexEncode(RandomBytes(8));
}

// Whether `channel` can take payments here: a gateway configured, and the sandbox only
// outside production.
bool ChannelOffered(const Config& config, const std::string& channel) {
  if (channel == "alipay") return !config.alipay_app_id.empty();
  if (channel == "wechat") return !config.wechat_mchid.empty();
  return config.environment != "production";  // sandbox
}

Reply HandleOrderCreate(RequestContext& ctx) {
  const int64_t product_id = ctx.args.Int("productId");
  // Old clients send no channel: the sandbox gateway they were built against.
  const std::string channel = ctx.args.Has("channel") ? ctx.args.Text("channel") : "sandbox";
  if (!ChannelOffered(ctx.config(), channel)) {
    return Status::Error(kBadParam, "channel " + channel + " is not offered.");
  }
  Row product;
  bool found = false;
  RETURN_IF_ERROR(ctx.db.QueryRow("SELECT name, price FROM product WHERE id = ?", {product_id},
                                  &product, &found));
  if (!found) return Status::Error(kNotFound, "product not found.");
  const int64_t now = ctx.clock().NowSeconds();
  const int64_t cents = CentsOf(product, 1);
  const std::string trade_no = NewTradeNo(now);
  // What the app's SDK needs, made before the order is stored: nothing is half made.
  // WeChat Pay makes its prepay order first: a gateway down or slower than [pay]
  // timeout_ms is 901 here, and no order is stored.
  const std::string subject = "DatingToday " + product.Str(0);
  std::string order_string, prepay_id;
  if (channel == "alipay") {
    order_string = AlipayAppOrder(ctx.config(), trade_no, cents, subject, now);
    if (order_string.empty()) return Status::Internal("alipay: the merchant key cannot sign");
  } else if (channel == "wechat") {
    thread_local WechatClient wechat(ctx.config());
    RETURN_IF_ERROR(wechat.CreateAppOrder(trade_no, cents, subject, &prepay_id));
  }
  uint64_t order_id = 0;
  // Name and fee are copied: a later price change does not touch this order.
  RETURN_IF_ERROR(ctx.db.Exec(
      "INSERT INTO user_order (user_id, product_id, product_name, fee, channel, trade_no, pay,"
      " order_time) VALUES (?, ?, ?, ?, ?, ?, 0, FROM_UNIXTIME(?))",
      {ctx.user_id, product_id, product.Str(0), product.Str(1), channel, trade_no, now}, nullptr,
      &order_id));
  JsonWriter data;
  data.Int("order_id", static_cast<int64_t>(order_id)).Str("trade_no", trade_no);
  data.Str("product_name", product.Str(0)).Money("fee", cents).Int("pay", kUnpaid);
  data.Str("channel", channel);
  if (channel == "alipay") data.Str("order_string", order_string);
  if (channel == "wechat") {
    data.Object("pay_params");
    WriteWechatPayParams(ctx.config(), prepay_id, now, &data);
    data.End();
  }
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
    list.Money("fee", CentsOf(r, 3)).Int("pay", r.Int(4)).Str("order_time", r.Str(5)).End();
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

Reply HandleVipInfo(RequestContext& ctx) {
  ProfileRecord record;
  bool found = false;
  RETURN_IF_ERROR(LoadProfile(ctx.db, ctx.redis, ctx.config(), ctx.user_id, &record, &found));
  if (!found) return Status::Error(kNoUser);
  const int64_t deadline = record.vip_deadline;
  const int64_t now = ctx.clock().NowSeconds();
  JsonWriter data;
  data.Bool("is_vip", deadline > now);
  WriteTimeOrNull(&data, "vip_deadline", deadline);
  // For StoreKit (appAccountToken), and where the current entitlement comes from: an App
  // Store subscription still running, else orders. Auto-renewal is known from the App
  // Store's notifications only; until then false.
  AppStoreStanding appstore;
  RETURN_IF_ERROR(LoadAppStoreStanding(ctx.db, ctx.user_id, now, &appstore));
  data.Str("app_account_token", appstore.app_account_token);
  data.Str("source", appstore.subscribed ? "appstore" : "order")
      .Bool("auto_renew", appstore.auto_renew);
  WriteTimeOrNull(&data, "expires", deadline, now);
  // Boosts (user/boost): one per [discovery] boost_every_days for a VIP.
  BoostState boost;
  RETURN_IF_ERROR(LoadBoost(ctx.db, ctx.config(), ctx.user_id, now, &boost));
  data.Int("boosts_left", deadline > now && boost.next_at <= now ? 1 : 0);
  WriteTimeOrNull(&data, "boost_ends", boost.running_until, now);
  return Reply::Ok(data);
}

}  // namespace

std::vector<Route> VipRoutes() {
  return {
      Get("/api/vip/products", HandleProducts).Auth(kAppSigned),
      Post("/api/vip/order/create", HandleOrderCreate)
          .Auth(kAppToken)
          .Accepts({IdArg("productId"),
                    TextArg("channel").Optional().OneOf({"sandbox", "alipay", "wechat"})})
          .Rate(RateClass::kOrder),
      Get("/api/vip/order/list", HandleOrderList).Auth(kAppToken).Paged(50, 10),
      Post("/api/vip/order/cancel", HandleOrderCancel).Auth(kAppToken).Accepts({IdArg("orderId")}),
      Get("/api/vip/info", HandleVipInfo).Auth(kAppToken),
  };
}

}  // namespace dt
