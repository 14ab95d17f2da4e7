// Auth module (API.md "Auth"): SMS codes, login that registers new users, logout. Phones
// are E.164 from the moment they are read (lib/core/phone.h): every spelling of one handset is
// one account and one SMS budget.
#include "handlers/handlers.h"
#include "lib/core/args.h"
#include "lib/core/context.h"
#include "lib/core/log.h"
#include "lib/core/phone.h"
#include "lib/domain/guard.h"
#include "lib/domain/hot.h"
#include "lib/domain/ratelimit.h"
#include "lib/domain/session.h"
#include "lib/domain/sms.h"
#include "lib/outbound/events.h"

namespace dt {
namespace {

std::vector<RateRule> SmsRules(const RequestContext& ctx, const std::string& phone) {
  return {
      {"dt:rl:sms:m:" + phone, 1, 60},
      {"dt:rl:sms:h:" + phone, 5, 3600},
      {"dt:rl:sms:d:" + phone, 10, 86400},
      {"dt:rl:sms:ip:" + std::string(ctx.env.client_ip), ctx.config().sms_ip_limit, 3600},
  };
}

// Country, the per-phone and per-IP limits, the fraud budgets, then the senders in order.
// Nothing delivered (901) takes back every count; a number a provider calls bad (300)
// keeps the per-phone count (trying it again is what a pumping script does).
Reply HandleSendSms(RequestContext& ctx) {
  const Config& config = ctx.config();
  const std::string& phone = ctx.args.Text("phone");  // E.164
  const int64_t now = ctx.clock().NowSeconds();
  if (!SmsCountryAllowed(config, phone)) {
    CountSmsStat(ctx.redis, "refused.country", now);
    return Status::Error(kBadParam, "phone: SMS is not sent to this country.");
  }
  const std::vector<RateRule> rules = SmsRules(ctx, phone);
  RETURN_IF_ERROR(RateLimitHit(ctx.redis, rules));
  // A test number ([sms] test_numbers, development only) gets its fixed code and never
  // reaches a sender nor a budget; the limits above applied to it all the same.
  const auto test_number = config.sms_test_numbers.find(phone);
  const bool testing = test_number != config.sms_test_numbers.end();
  const std::string code = testing ? test_number->second : NewSmsCode();
  if (!testing) {
    Status budget = SmsBudgetHit(ctx.redis, config, phone, now);
    if (!budget.ok()) {
      if (!RateLimitRefund(ctx.redis, rules).ok()) LogError("sms: limits not refunded");
      return budget;
    }
  }
  RETURN_IF_ERROR(StoreSmsCode(ctx.redis, phone, code));
  if (!testing) {
    const SmsMessage message{phone, PhoneRegion(phone) != config.sms_default_region, code};
    Status delivered = DeliverSmsCode(ctx.redis, ctx.services.sms, config, message, now);
    if (!delivered.ok()) {
      const bool undelivered = delivered.kind() == StatusKind::kUnavailable;
      if (!SmsBudgetRefund(ctx.redis, config, phone, now).ok() ||
          (undelivered && !RateLimitRefund(ctx.redis, rules).ok())) {
        LogError("sms: budgets not refunded");
      }
      return delivered;
    }
  }
  JsonWriter data;
  data.Str("phone", phone);
  if (config.sms_echo) data.Str("code", code);
  return Reply::Ok(data);
}

// In a transaction (InTransaction's): the user of `phone`, or a new one registered
// (user_info + user_auth). Sets *user_id, and *created for a new user.
Status FindOrRegister(Db& db, const std::string& phone, int64_t now, int64_t* user_id,
                      bool* created) {
  Row row;
  bool found = false;
  // Locked only once seen to exist: a locking read that finds nothing takes a gap lock,
  // and two sign-ups whose phones fall in the same gap then deadlock on their inserts.
  // A sign-up racing one for the same phone fails its insert on the unique key instead,
  // and the caller tries again.
  RETURN_IF_ERROR(db.QueryRow("SELECT 1 FROM user_auth WHERE open_id = ? AND login_type = 'phone'",
                              {phone}, &row, &found));
  if (found) {
    RETURN_IF_ERROR(db.QueryRow(
        "SELECT a.user_id, u.status FROM user_auth a JOIN user_info u ON u.id = a.user_id"
        " WHERE a.open_id = ? AND a.login_type = 'phone' FOR UPDATE",
        {phone}, &row, &found));
  }
  *created = !found;
  if (found && row.Str(1) == "banned") return Status::Error(kNoPermission, "account is banned.");
  if (found) {
    *user_id = row.Int(0);
    RETURN_IF_ERROR(
        db.Exec("UPDATE user_auth SET login_time = FROM_UNIXTIME(?) WHERE user_id = ? AND"
                " login_type = 'phone'",
                {now, *user_id}));
  } else {
    uint64_t id = 0;
    RETURN_IF_ERROR(
        db.Exec("INSERT INTO user_info (nickname, phone, authority, create_time, update_time)"
                " VALUES (?, ?, 1, FROM_UNIXTIME(?), FROM_UNIXTIME(?))",
                {"u-" + NationalNumber(phone), phone, now, now}, nullptr, &id));
    *user_id = static_cast<int64_t>(id);
    RETURN_IF_ERROR(
        db.Exec("INSERT INTO user_auth (user_id, open_id, login_type, login_time, create_time)"
                " VALUES (?, ?, 'phone', FROM_UNIXTIME(?), FROM_UNIXTIME(?))",
                {*user_id, phone, now, now}));
  }
  return Status::Ok();
}

Reply HandleLogin(RequestContext& ctx) {
  const std::string& phone = ctx.args.Text("phone");
  RETURN_IF_ERROR(ConsumeSmsCode(ctx.redis, phone, ctx.args.Text("code")));

  const int64_t now = ctx.clock().NowSeconds();
  const int64_t expire = now + int64_t{ctx.config().token_ttl_days} * 86400;
  const std::string token = NewToken();
  const std::string hash = TokenHash(token);
  const std::string& device = ctx.args.Text("device");
  int64_t user_id = 0;
  bool created = false;
  SessionEntry session;
  std::vector<std::string> ended;
  // A sign-up racing another of the same phone loses on the unique key; run again, it
  // finds the winner's row. Logins of one user are serialized by the lock on their
  // user_auth and user_info rows; at READ COMMITTED the lock on their sessions takes no
  // gap, which at REPEATABLE READ reached the next user's first session and deadlocked
  // logins of neighbouring users (a third of the bench's logins at 2,000 users failed).
  RETURN_IF_ERROR(InTransaction(
      ctx.db,
      [&]() -> Status {
        RETURN_IF_ERROR(FindOrRegister(ctx.db, phone, now, &user_id, &created));
        return StartSession(ctx.db, user_id, hash, device, now, expire, ctx.config().max_sessions,
                            &session, &ended);
      },
      RetryOn::kConflictsAndDuplicates, Isolation::kReadCommitted));
  RETURN_IF_ERROR(CacheSessionStart(ctx.redis, user_id, hash, session, ended, now));
  if (created) RETURN_IF_ERROR(HotSetVisible(ctx.redis, user_id, true, now));

  JsonWriter data;
  data.Str("token", token).Str("expire_time", FormatUtc(expire)).Int("user_id", user_id);
  data.Int("session_id", session.id);
  return Reply::Ok(data);
}

// Ends this session (the caller's other devices stay logged in).
Reply HandleLogout(RequestContext& ctx) {
  RETURN_IF_ERROR(EndSessions(ctx.db, ctx.redis, ctx.user_id, ctx.session_id, 0));
  // The user's open streams end now (those of devices still logged in are admitted again
  // when they reconnect; a dead token's within a minute).
  CloseEventStreams(ctx.config(), ctx.user_id);
  return Reply::Ok();
}

Reply HandleSessions(RequestContext& ctx) {
  std::vector<Row> rows;
  RETURN_IF_ERROR(ctx.db.Query(
      "SELECT id, device, create_time, last_seen, expired_time FROM user_session"
      " WHERE user_id = ? AND expired_time > FROM_UNIXTIME(?) ORDER BY create_time DESC, id DESC",
      {ctx.user_id, ctx.clock().NowSeconds()}, &rows));
  JsonWriter data;
  data.Array("list");
  for (const Row& r : rows) {
    data.Object().Int("session_id", r.Int(0));
    if (r.IsNull(1)) {
      data.Null("device");
    } else {
      data.Str("device", r.Str(1));
    }
    data.Str("created", r.Str(2)).Str("last_seen", r.Str(3)).Str("expire_time", r.Str(4));
    data.Bool("current", r.Int(0) == ctx.session_id).End();
  }
  data.End();
  return Reply::Ok(data);
}

// `sessionId` (one of the caller's, not this one: that is logout) or `all=1` (every
// other).
Reply HandleRevoke(RequestContext& ctx) {
  const bool all = ctx.args.Has("all");
  if (all == ctx.args.Has("sessionId")) {
    return Status::Error(kBadParam, all ? "sessionId or all, not both." : "sessionId is none.");
  }
  int ended = 0;
  if (all) {
    RETURN_IF_ERROR(EndSessions(ctx.db, ctx.redis, ctx.user_id, 0, ctx.session_id, &ended));
  } else {
    const int64_t id = ctx.args.Int("sessionId");
    if (id == ctx.session_id) return Status::Error(kBadParam, "sessionId is invalid.");
    RETURN_IF_ERROR(EndSessions(ctx.db, ctx.redis, ctx.user_id, id, 0, &ended));
    if (ended == 0) return Status::Error(kNotFound, "no such session.");
  }
  JsonWriter data;
  data.Int("ended", ended);
  return Reply::Ok(data);
}

}  // namespace

std::vector<Route> AuthRoutes() {
  return {
      Post("/api/auth/sendsms", HandleSendSms)
          .Auth(kAppSigned)
          .Accepts({TextArg("phone").MaxBytes(32).As(MobileArg)}),
      Post("/api/auth/login", HandleLogin)
          .Auth(kAppSigned)
          .Accepts({TextArg("phone").MaxBytes(32).As(MobileArg), TextArg("code").As(SmsCodeArg),
                    TextArg("device").Length(1, 64).Optional()}),
      Post("/api/auth/logout", HandleLogout).Auth(kAppToken),
      Get("/api/auth/sessions", HandleSessions).Auth(kAppToken),
      Post("/api/auth/sessions/revoke", HandleRevoke)
          .Auth(kAppToken)
          .Accepts({IdArg("sessionId").Optional(), IntArg("all", 1, 1).Optional()}),
  };
}

}  // namespace dt
