// Payment notifies (API.md "VIP"): each gateway's callback, admitted by the gateway's own
// authenticator (lib/domain/pay.h), credited by CreditPayment (lib/domain/payment.h) and
// acknowledged in the gateway's own form. Every gateway resends until it is acknowledged,
// so each handler is idempotent.
#include "lib/domain/pay.h"
#include "handlers/handlers.h"
#include "lib/core/args.h"
#include "lib/core/context.h"
#include "lib/core/log.h"
#include "lib/domain/payment.h"

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
  };
}

}  // namespace dt
