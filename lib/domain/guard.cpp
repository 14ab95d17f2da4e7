// The app signature authenticators: signature, window, nonce and token checks.
#include "lib/domain/guard.h"

#include <cmath>
#include <string>

#include "lib/core/args.h"
#include "lib/core/crypto.h"
#include "lib/core/sign.h"
#include "lib/domain/preload.h"
#include "lib/domain/ratelimit.h"
#include "lib/domain/session.h"
#include "lib/store/redis.h"

namespace dt {

bool ParseClientTimestamp(std::string_view text, double* seconds) {
  size_t dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  if (whole.empty() || whole.size() > 13) return false;
  if (dot != std::string_view::npos && (frac.empty() || frac.size() > 9)) return false;
  for (char c : whole) {
    if (c < '0' || c > '9') return false;
  }
  for (char c : frac) {
    if (c < '0' || c > '9') return false;
  }
  double value = std::stod(std::string(text));
  // 13 integer digits are milliseconds; fractional milliseconds are not a format.
  if (whole.size() == 13) {
    if (dot != std::string_view::npos) return false;
    value /= 1000.0;
  }
  *seconds = value;
  return true;
}

Status CheckTimestamp(std::string_view text, double now, int window) {
  double ts;
  if (!ParseClientTimestamp(text, &ts)) return InvalidParam("timestamp");
  if (std::fabs(now - ts) > window) return Status::Error(kBadTimestamp);
  return Status::Ok();
}

bool ValidNonce(std::string_view nonce) {
  if (nonce.empty() || nonce.size() > 64) return false;
  for (char c : nonce) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

namespace {

// The guard of a signed request (API.md section 3), then for a token route userId and
// token, in one Redis round trip with the nonce, the session and the row's preloaders;
// then the route's per-user rate limit.
Status Admit(const Route& route, RequestContext& ctx, bool needs_token) {
  const Params& params = ctx.params;
  const Config& config = ctx.config();
  const double now = ctx.clock().Now();
  const std::string* appkey = params.Find("appkey");
  if (!appkey || appkey->empty()) return Status::Error(kBadParam, "appkey is none.");
  auto app = config.apps.find(*appkey);
  if (app == config.apps.end()) return Status::Error(kUnknownApp);

  const std::string* timestamp = params.Find("timestamp");
  if (!timestamp || timestamp->empty()) return MissingParam("timestamp");
  RETURN_IF_ERROR(CheckTimestamp(*timestamp, now, config.timestamp_window));

  const std::string* nonce = params.Find("nonce");
  if (!nonce || nonce->empty()) return MissingParam("nonce");
  if (!ValidNonce(*nonce)) return InvalidParam("nonce");
  const std::string* sign = params.Find("sign");
  if (!sign || sign->empty()) return MissingParam("sign");

  const std::string expected =
      SignParams(app->second.method, app->second.secret, params, needs_token);
  if (!ConstantTimeEquals(expected, *sign)) return Status::Error(kBadSign);

  const std::string* token = nullptr;
  int64_t uid = 0;
  if (needs_token) {
    token = params.Find("token");
    if (!token || token->empty()) return Status::Error(kNoPermission, "token is none.");
    const std::string* claimed = params.Find("userId");
    if (!claimed || claimed->empty()) return MissingParam("userId");
    if (!ParseInt64(*claimed, &uid) || uid < 1) return InvalidParam("userId");
  }

  // Remembered for twice the window: a request stamped `window` ahead of the server
  // stays acceptable that long after it was first seen. Recorded only now that the sign
  // is good, so a forged request cannot burn a real nonce. The signed text ends in
  // timestamp + nonce with nothing between them, so digits can move from a fractional
  // timestamp into the nonce, or back ("...143.123" "abc" = "...143.12" "3abc"): the
  // same signed bytes under a "new" nonce. The key is therefore the fraction's digits and
  // the nonce together, which no such move changes; an integer timestamp keys on the
  // nonce alone, as always (its digits cannot move without leaving the window).
  const size_t dot = timestamp->find('.');
  const std::string_view fraction =
      dot == std::string::npos ? std::string_view() : std::string_view(*timestamp).substr(dot + 1);
  std::string nonce_key = "dt:nonce:" + *appkey + ":";
  nonce_key.append(fraction).append(*nonce);
  const std::string ttl = std::to_string(2 * config.timestamp_window);
  const std::string session_key = needs_token ? SessionKey(uid) : std::string();
  const std::string session_field = needs_token ? TokenHash(*token) : std::string();
  std::vector<std::vector<std::string_view>> commands = {{"SET", nonce_key, "1", "NX", "EX", ttl}};
  if (needs_token) commands.push_back({"HGET", session_key, session_field});
  // The row's preloaders, each with its command for this request, or none (none at all
  // when the parameters were refused: the request ends after this trip).
  Preloaded& preloaded = NewPreloaded(ctx);
  std::vector<Preloaded::Entry*> sent;
  sent.reserve(route.preload.size());
  std::vector<std::string> argv;
  for (const Preloader* p : route.preload) {
    argv.clear();
    if (!ctx.args.ok() || !p->command(ctx.args, uid, &argv)) continue;
    sent.push_back(&preloaded.Add(*p, std::move(argv)));
  }
  for (Preloaded::Entry* e : sent) commands.emplace_back(e->command.begin(), e->command.end());

  std::vector<RedisReply> replies;
  Status fetched = ctx.redis.Pipeline(commands, &replies);
  const int64_t seconds = static_cast<int64_t>(now);
  if (!fetched.ok()) {
    // Redis is down: a read goes on from MySQL alone, its replay not ruled out; the
    // handler reads what the preloaders would have brought. Writes fail closed.
    if (ctx.env.method != "GET" || fetched.code() != kUnavailable) return fetched;
    if (!needs_token) return Status::Ok();
    RETURN_IF_ERROR(
        VerifyToken(ctx.db, ctx.redis, uid, *token, seconds, RedisReply(), &ctx.session_id));
    ctx.user_id = uid;
    return Status::Ok();
  }
  if (replies[0].get()->type == REDIS_REPLY_ERROR) return Status::Internal("redis: nonce");
  if (replies[0].IsNil()) return Status::Error(kReplay);
  if (!needs_token) return Status::Ok();
  RETURN_IF_ERROR(
      VerifyToken(ctx.db, ctx.redis, uid, *token, seconds, replies[1], &ctx.session_id));
  ctx.user_id = uid;
  // Verified: the preloaders' replies are the caller's to use.
  for (size_t i = 0; i < sent.size(); ++i) {
    sent[i]->reply.Reset(replies[2 + i].Release());
    sent[i]->answered = true;
  }
  if (route.rate == RateClass::kNone) return Status::Ok();
  // Counted per verified caller. With Redis gone since the round trip a read goes on, as
  // above; a write fails closed.
  Status limited = RateLimitHit(ctx.redis, {RouteRateRule(route.rate, config, uid)});
  if (!limited.ok() && !(limited.code() == kUnavailable && ctx.env.method == "GET")) return limited;
  return Status::Ok();
}

Status AdmitSigned(const Route& route, RequestContext& ctx) { return Admit(route, ctx, false); }
Status AdmitToken(const Route& route, RequestContext& ctx) { return Admit(route, ctx, true); }

}  // namespace

const Authenticator kAppSigned{"signed", AdmitSigned, {"appkey", "timestamp", "nonce", "sign"}};
const Authenticator kAppToken{
    "token", AdmitToken, {"appkey", "timestamp", "nonce", "sign", "token", "userId"}};

bool TakesToken(const Route& route) { return route.auth == &kAppToken; }

}  // namespace dt
