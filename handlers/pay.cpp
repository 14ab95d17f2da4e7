// Payment notifies (API.md "VIP"): each gateway's callback, admitted by the gateway's own
// authenticator (lib/domain/pay.h), credited by CreditPayment (lib/domain/payment.h) and
// acknowledged in the gateway's own form. Every gateway resends until it is acknowledged,
// so each handler is idempotent.
#include "lib/domain/pay.h"
#include <json/reader.h>
#include <json/value.h>

#include <memory>

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

// The signedPayload of a notification's body {"signedPayload": JWS}; false when none.
bool SignedPayloadOf(const RequestContext& ctx, std::string* jws) {
  Json::Value body;
  std::string errors;
  std::unique_ptr<Json::CharReader> reader(Json::CharReaderBuilder().newCharReader());
  if (!reader->parse(ctx.body.data(), ctx.body.data() + ctx.body.size(), &body, &errors) ||
      !body.isObject() || !body["signedPayload"].isString()) {
    return false;
  }
  *jws = body["signedPayload"].asString();
  return true;
}

// A signed part of a notification (signedTransactionInfo, signedRenewalInfo), verified.
Status VerifiedPart(const Config& config, const Json::Value& data, const char* name,
                    Json::Value* part) {
  std::string why;
  if (!data[name].isString() ||
      !VerifyAppleJws(data[name].asString(), config.appstore_root_der, part, &why)) {
    LogError("appstore notify: %s: %s", name, data[name].isString() ? why.c_str() : "missing");
    return Status::Error(kBadSign, std::string(name) + " does not verify.");
  }
  return Status::Ok();
}

// The subscription a notification is about, from its verified signedRenewalInfo (or, for
// EXPIRED and the like that may come without one, its signedTransactionInfo): its
// originalTransactionId and appAccountToken, and the renewal info itself (null if none).
Status SubscriptionOf(const Config& config, const Json::Value& data, AppStoreTransaction* t,
                      Json::Value* renewal) {
  const char* part =
      data.isMember("signedRenewalInfo") ? "signedRenewalInfo" : "signedTransactionInfo";
  RETURN_IF_ERROR(VerifiedPart(config, data, part, renewal));
  t->original_transaction_id = renewal->get("originalTransactionId", "").asString();
  t->app_account_token = renewal->get("appAccountToken", "").asString();
  if (t->original_transaction_id.empty() || t->original_transaction_id.size() > 64)
    return Status::Error(kBadParam, "originalTransactionId is missing.");
  if (std::string(part) == "signedTransactionInfo") *renewal = Json::Value();
  return Status::Ok();
}

// SUBSCRIBED and DID_RENEW credit the transaction (a renewal ends the grace it recovers
// from); REFUND and REVOKE take back what it gave.
Status ApplyTransactionNotice(RequestContext& ctx, const std::string& type, int64_t now,
                              const Json::Value& data) {
  const Config& config = ctx.config();
  Json::Value info;
  RETURN_IF_ERROR(VerifiedPart(config, data, "signedTransactionInfo", &info));
  AppStoreTransaction t;
  std::string why;
  if (!ReadAppStoreTransaction(info, &t, &why)) return Status::Error(kBadParam, why);
  if (t.bundle_id != config.appstore_bundle_id)
    return Status::Error(kBadSign, "the transaction is not of this app.");
  if (type == "REFUND" || type == "REVOKE") {
    bool found = false;
    RETURN_IF_ERROR(RevokeAppStoreTransaction(ctx.db, ctx.redis, t.transaction_id, now, &found));
    if (!found)
      LogInfo("appstore notify: %s of transaction %s never credited here", type.c_str(),
              t.transaction_id.c_str());
    return Status::Ok();
  }
  const int64_t product = ProductOf(config, t.product_id);
  int64_t user = 0;
  bool found = false;
  RETURN_IF_ERROR(AppStoreUser(ctx.db, t, &user, &found));
  if (product == 0 || !found) {
    // Not ours to credit (yet): the app's verify will bring it, or nobody bought it here.
    LogError("appstore notify: %s of transaction %s: %s", type.c_str(), t.transaction_id.c_str(),
             product == 0 ? "not one of our products" : "no account of ours");
    return Status::Ok();
  }
  bool repeat = false;
  int64_t deadline = 0;
  return GrantAppStoreTransaction(ctx.db, ctx.redis, user, product, t, now, &repeat, &deadline);
}

// DID_FAIL_TO_RENEW (with subtype GRACE_PERIOD: VIP until gracePeriodExpiresDate),
// GRACE_PERIOD_EXPIRED and EXPIRED (the grace ends), DID_CHANGE_RENEWAL_STATUS.
Status ApplyRenewalNotice(RequestContext& ctx, const std::string& type, const std::string& subtype,
                          int64_t now, const Json::Value& data) {
  AppStoreTransaction t;
  Json::Value renewal;
  RETURN_IF_ERROR(SubscriptionOf(ctx.config(), data, &t, &renewal));
  if (type == "GRACE_PERIOD_EXPIRED" || type == "EXPIRED") {
    return EndAppStoreGrace(ctx.db, ctx.redis, t.original_transaction_id, now);
  }
  int64_t user = 0;
  bool found = false;
  RETURN_IF_ERROR(AppStoreUser(ctx.db, t, &user, &found));
  if (!found) {
    LogError("appstore notify: %s of subscription %s: no account of ours", type.c_str(),
             t.original_transaction_id.c_str());
    return Status::Ok();
  }
  if (type == "DID_CHANGE_RENEWAL_STATUS") {
    return ctx.db.Exec("UPDATE appstore_account SET auto_renew = ? WHERE user_id = ?",
                       {renewal.get("autoRenewStatus", 0).asInt() == 1 ? 1 : 0, user});
  }
  // DID_FAIL_TO_RENEW: without a grace period the subscription lapses at its expiresDate,
  // which the VIP deadline already is.
  if (subtype != "GRACE_PERIOD") return Status::Ok();
  const Json::Value& until = renewal["gracePeriodExpiresDate"];
  if (!until.isIntegral()) return Status::Error(kBadParam, "gracePeriodExpiresDate is missing.");
  int64_t deadline = 0;
  return GrantAppStoreGrace(ctx.db, ctx.redis, user, t.original_transaction_id,
                            until.asInt64() / 1000, now, &deadline);
}

// App Store Server Notifications V2, the outer JWS verified by kAppStoreNotify. Handled
// once by notificationUUID (a resend answers 200 and changes nothing); see docs/API.md for
// what each type does.
Reply HandleAppStoreNotify(RequestContext& ctx) {
  std::string jws;
  Json::Value payload;
  if (!SignedPayloadOf(ctx, &jws) || !AppleJwsPayload(jws, &payload))
    return Status::Error(kBadParam, "signedPayload is none.");
  const std::string uuid = payload["notificationUUID"].asString();
  const std::string type = payload["notificationType"].asString();
  const std::string subtype = payload.get("subtype", "").asString();
  if (uuid.empty() || uuid.size() > 64 || type.empty() || type.size() > 32 || subtype.size() > 32) {
    return Status::Error(kBadParam, "notificationUUID or notificationType is invalid.");
  }
  Row row;
  bool seen = false;
  RETURN_IF_ERROR(ctx.db.QueryRow("SELECT 1 FROM appstore_notification WHERE notification_uuid = ?",
                                  {uuid}, &row, &seen));
  if (seen) return Reply::Ok();
  const int64_t now = ctx.clock().NowSeconds();
  const Json::Value& data = payload["data"];
  if (type == "SUBSCRIBED" || type == "DID_RENEW" || type == "REFUND" || type == "REVOKE") {
    RETURN_IF_ERROR(ApplyTransactionNotice(ctx, type, now, data));
  } else if (type == "DID_FAIL_TO_RENEW" || type == "GRACE_PERIOD_EXPIRED" || type == "EXPIRED" ||
             type == "DID_CHANGE_RENEWAL_STATUS") {
    RETURN_IF_ERROR(ApplyRenewalNotice(ctx, type, subtype, now, data));
  }
  // TEST and the rest: acknowledged.
  return ctx.db.Exec(
      "INSERT IGNORE INTO appstore_notification (notification_uuid, notification_type, subtype, "
      "create_time)"
      " VALUES (?, ?, ?, FROM_UNIXTIME(?))",
      {uuid, type, subtype, now});
}

// The App Store reads the HTTP status: 200 stops its resends; what does not verify is
// 4xx (it should stop resending a forgery), our own failure 5xx (it resends later).
Reply AppStoreReply(Reply reply) {
  if (reply.status.ok()) return Reply::Body(200, "application/json", "{}");
  const StatusKind kind = reply.status.kind();
  const int http = kind == StatusKind::kUnavailable || kind == StatusKind::kInternal ? 500
                   : reply.status.code() == kBadSign                                 ? 401
                                                                                     : 400;
  JsonWriter body;
  body.Str("error", reply.status.msg());
  Reply failed = Reply::Body(http, "application/json", body.Close());
  failed.status = std::move(reply.status);
  return failed;
}

// The outer JWS verifies under the configured root and is of this app (bundle and
// environment); the handler then reads it without verifying it again.
Status AdmitAppStoreNotify(const Route&, RequestContext& ctx) {
  const Config& config = ctx.config();
  if (config.appstore_bundle_id.empty()) return Status::Error(kNoRoute);
  std::string jws, why;
  Json::Value payload;
  if (!SignedPayloadOf(ctx, &jws)) return Status::Error(kBadParam, "signedPayload is none.");
  if (!VerifyAppleJws(jws, config.appstore_root_der, &payload, &why)) {
    LogError("appstore notify: %s", why.c_str());
    return Status::Error(kBadSign, "signedPayload does not verify.");
  }
  const Json::Value& data = payload["data"];
  if (data["bundleId"].asString() != config.appstore_bundle_id ||
      data["environment"].asString() != config.appstore_environment) {
    LogError("appstore notify: bundle %.64s environment %.16s are not ours",
             data["bundleId"].asString().c_str(), data["environment"].asString().c_str());
    return Status::Error(kBadSign, "the notification is not of this app.");
  }
  return Status::Ok();
}

// The App Store's notifications carry their own signature (the JWS of the body).
const Authenticator kAppStoreNotify{"appstore", AdmitAppStoreNotify, {}};

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
      Post("/api/vip/appstore/notify", HandleAppStoreNotify)
          .Auth(kAppStoreNotify)
          .JsonBody()
          .RepliesAs(AppStoreReply),
      Post("/api/vip/pay/wechat/notify", HandleWechatNotify)
          .Auth(kWechatNotify)
          .JsonBody()
          .RepliesAs(WechatReply),
  };
}

}  // namespace dt
