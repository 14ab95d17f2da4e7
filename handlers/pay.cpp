// Payment notifies (API.md "VIP"): each gateway's callback, admitted by the gateway's own
// authenticator (lib/domain/pay.h), credited by CreditPayment (lib/domain/payment.h) and
// acknowledged in the gateway's own form. Every gateway resends until it is acknowledged,
// so each handler is idempotent.
#include "lib/domain/pay.h"
#include "handlers/handlers.h"
#include "lib/core/args.h"
#include "lib/core/context.h"
#include "lib/core/log.h"
#include "lib/domain/appstore.h"
#include "lib/domain/guard.h"
#include "lib/domain/payment.h"
#include "lib/domain/wechatpay.h"

namespace dt {
namespace {

// An amount in yuan, as integer cents into the value's number.
bool MoneyArg(const RequestContext&, ArgValue* value) { return ParseMoney(value->text, &value->i); }

// The sandbox gateway's callback (development; dtcurl pay).
Reply HandleSandboxNotify(RequestContext& ctx) {
  Payment payment;
  payment.channel = "sandbox";
  payment.trade_no = ctx.args.Text("trade_no");
  payment.transaction_id = ctx.args.Text("transaction_id");
  payment.cents = ctx.args.Value("total_fee").i;
  Credited outcome;
  RETURN_IF_ERROR(
      CreditPayment(ctx.db, ctx.redis, payment, ctx.clock().NowSeconds(), false, &outcome));
  return Reply::Ok();
}

// Alipay's asynchronous notify (notify_type trade_status_sync). Its authenticator checked
// the RSA2 signature; the identities must be ours and the order's exactly.
Reply HandleAlipayNotify(RequestContext& ctx) {
  const Args& args = ctx.args;
  const Config& config = ctx.config();
  if (args.Text("app_id") != config.alipay_app_id ||
      args.Text("seller_id") != config.alipay_seller_id) {
    LogError("alipay notify: app_id %.32s seller_id %.32s are not ours",
             args.Text("app_id").c_str(), args.Text("seller_id").c_str());
    return Status::Error(kBadParam, "app_id or seller_id is not ours.");
  }
  const int64_t now = ctx.clock().NowSeconds();
  // A refund (dtadmin refund, or one made in Alipay's console): refund_fee is all that was
  // refunded of the trade so far.
  if (args.Has("refund_fee")) {
    int64_t taken = 0;
    RETURN_IF_ERROR(ApplyRefund(ctx.db, ctx.redis, "alipay", args.Text("out_trade_no"),
                                args.Value("refund_fee").i, now, &taken));
    return Reply::Ok();
  }
  const std::string& status = args.Text("trade_status");
  if (status != "TRADE_SUCCESS" && status != "TRADE_FINISHED") {
    return Reply::Ok();  // WAIT_BUYER_PAY, TRADE_CLOSED: nothing to credit; acknowledged
  }
  Payment payment;
  payment.channel = "alipay";
  payment.trade_no = args.Text("out_trade_no");
  payment.transaction_id = args.Text("trade_no");
  payment.cents = args.Value("total_amount").i;
  Credited outcome;
  RETURN_IF_ERROR(
      CreditPayment(ctx.db, ctx.redis, payment, ctx.clock().NowSeconds(), true, &outcome));
  return Reply::Ok();
}

// Alipay reads the body: "success" stops its resends, anything else is resent later.
Reply AlipayReply(Reply reply) {
  Reply body =
      Reply::Body(200, "text/plain; charset=utf-8", reply.status.ok() ? "success" : "failure");
  body.status = std::move(reply.status);  // for the logs
  return body;
}

// WeChat Pay's notify: its authenticator checked the signature over the raw body; the
// resource opens with the APIv3 key, and the merchant, app and amount must be ours.
Reply HandleWechatNotify(RequestContext& ctx) {
  const Config& config = ctx.config();
  WechatNotify n;
  std::string why;
  if (!ParseWechatNotify(ctx.body, config.wechat_api_v3_key, &n, &why)) {
    LogError("wechat notify: %s", why.c_str());
    return Status::Error(kBadParam, why);
  }
  if (n.mchid != config.wechat_mchid || (!n.appid.empty() && n.appid != config.wechat_appid)) {
    LogError("wechat notify: mchid %.32s appid %.32s are not ours", n.mchid.c_str(),
             n.appid.c_str());
    return Status::Error(kBadParam, "mchid or appid is not ours.");
  }
  const int64_t now = ctx.clock().NowSeconds();
  if (n.event_type == "TRANSACTION.SUCCESS" && n.trade_state == "SUCCESS") {
    Payment payment;
    payment.channel = "wechat";
    payment.trade_no = n.out_trade_no;
    payment.transaction_id = n.transaction_id;
    payment.cents = n.total;
    Credited outcome;
    RETURN_IF_ERROR(CreditPayment(ctx.db, ctx.redis, payment, now, true, &outcome));
    return Reply::Ok();
  }
  if (n.event_type == "REFUND.SUCCESS" && n.refund_status == "SUCCESS") {
    // Our refunds' numbers say the refunded total: "<trade_no>-<yuan>" (dtadmin refund).
    const std::string prefix = n.out_trade_no + "-";
    int64_t total = 0;
    if (n.out_refund_no.rfind(prefix, 0) != 0 ||
        !ParseMoney(n.out_refund_no.substr(prefix.size()), &total)) {
      LogError(
          "wechat notify: refund %.64s of %.64s was not ours (made in the console?): VIP left as "
          "it is",
          n.out_refund_no.c_str(), n.out_trade_no.c_str());
      return Reply::Ok();
    }
    int64_t taken = 0;
    RETURN_IF_ERROR(ApplyRefund(ctx.db, ctx.redis, "wechat", n.out_trade_no, total, now, &taken));
  }
  return Reply::Ok();  // other events: acknowledged
}

// WeChat Pay reads the HTTP status: 2xx stops its resends; a failure is 4xx/5xx with
// {"code":"FAIL","message":...}, and it resends later.
Reply WechatReply(Reply reply) {
  if (reply.status.ok()) return Reply::Body(204, "application/json", "");
  const StatusKind kind = reply.status.kind();
  const int code = reply.status.code();
  const int http = kind == StatusKind::kUnavailable || kind == StatusKind::kInternal ? 500
                   : code == kBadSign || code == kBadTimestamp                       ? 401
                                                                                     : 400;
  JsonWriter body;
  body.Str("code", "FAIL").Str("message", reply.status.msg());
  Reply failed = Reply::Body(http, "application/json", body.Close());
  failed.status = std::move(reply.status);  // for the logs
  return failed;
}

// Our product of an App Store product id ([pay.appstore] monthly, quarterly, yearly), 0
// when it is none of ours.
int64_t ProductOf(const Config& config, const std::string& app_store_product) {
  if (!config.appstore_monthly.empty() && app_store_product == config.appstore_monthly) return 1;
  if (!config.appstore_quarterly.empty() && app_store_product == config.appstore_quarterly)
    return 2;
  if (!config.appstore_yearly.empty() && app_store_product == config.appstore_yearly) return 3;
  return 0;
}

// StoreKit 2's signed transaction, from the app after a purchase: verified offline
// (lib/domain/appstore.h), ours (bundle, environment, product), the caller's
// (appAccountToken), credited once.
Reply HandleAppStoreVerify(RequestContext& ctx) {
  const Config& config = ctx.config();
  if (config.appstore_bundle_id.empty()) return Status::Error(kNoRoute);
  Json::Value payload;
  std::string why;
  if (!VerifyAppleJws(ctx.args.Text("signedTransaction"), config.appstore_root_der, &payload,
                      &why)) {
    LogError("appstore verify: user %lld: %s", static_cast<long long>(ctx.user_id), why.c_str());
    return Status::Error(kBadParam, "signedTransaction is invalid.");
  }
  AppStoreTransaction t;
  if (!ReadAppStoreTransaction(payload, &t, &why))
    return Status::Error(kBadParam, "signedTransaction: " + why + ".");
  if (t.bundle_id != config.appstore_bundle_id || t.environment != config.appstore_environment) {
    LogError("appstore verify: bundle %.64s environment %.16s are not ours", t.bundle_id.c_str(),
             t.environment.c_str());
    return Status::Error(kBadParam, "signedTransaction is not of this app.");
  }
  const int64_t product = ProductOf(config, t.product_id);
  if (product == 0) return Status::Error(kNotFound, "product not found.");
  std::string token;
  RETURN_IF_ERROR(AppAccountToken(ctx.db, ctx.user_id, &token));
  if (t.app_account_token != token) {
    LogError("appstore verify: transaction %s bought by another account than user %lld",
             t.transaction_id.c_str(), static_cast<long long>(ctx.user_id));
    return Status::Error(kNoPermission, "the transaction is another account's.");
  }
  if (t.revocation_ms > 0) return Status::Error(kOrderState, "the transaction was refunded.");
  const int64_t now = ctx.clock().NowSeconds();
  bool repeat = false;
  int64_t deadline = 0;
  RETURN_IF_ERROR(GrantAppStoreTransaction(ctx.db, ctx.redis, ctx.user_id, product, t, now, &repeat,
                                           &deadline));
  JsonWriter data;
  data.Bool("is_vip", deadline > now);
  WriteTimeOrNull(&data, "vip_deadline", deadline);
  data.Int("product_id", product).Str("transaction_id", t.transaction_id);
  return Reply::Ok(data);
}

}  // namespace

std::vector<Route> PayRoutes() {
  return {
      Post("/api/vip/pay/notify", HandleSandboxNotify)
          .Auth(kSandboxGateway)
          .Accepts({TextArg("trade_no").MaxBytes(64), TextArg("total_fee").As(MoneyArg),
                    TextArg("transaction_id").MaxBytes(64)}),
      Post("/api/vip/pay/alipay/notify", HandleAlipayNotify)
          .Auth(kAlipayNotify)
          .Accepts({TextArg("app_id").MaxBytes(32), TextArg("seller_id").MaxBytes(32),
                    TextArg("out_trade_no").MaxBytes(64), TextArg("trade_no").MaxBytes(64),
                    TextArg("total_amount").As(MoneyArg), TextArg("trade_status").MaxBytes(32),
                    TextArg("refund_fee").Optional().As(MoneyArg)})
          .RepliesAs(AlipayReply),
      Post("/api/vip/appstore/verify", HandleAppStoreVerify)
          .Auth(kAppToken)
          .Accepts({TextArg("signedTransaction").MaxBytes(16384)}),
      Post("/api/vip/pay/wechat/notify", HandleWechatNotify)
          .Auth(kWechatNotify)
          .JsonBody()
          .RepliesAs(WechatReply),
  };
}

}  // namespace dt
