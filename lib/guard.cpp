// Signature, window, nonce and token checks.
#include "lib/guard.h"

#include <cmath>
#include <string>

#include "lib/args.h"
#include "lib/crypto.h"
#include "lib/profile.h"
#include "lib/session.h"
#include "lib/sign.h"
#include "lib/visibility.h"

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

Status CheckRequest(const Params& params, const Config& config, double now, bool needs_token,
                    bool read, Db& db, Redis& redis, int64_t* user_id, Prefetched* prefetched) {
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
    RETURN_IF_ERROR(RequireInt(params, "userId", 1, INT64_MAX / 2, &uid));
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
  const bool want_profile = needs_token && prefetched->profile_wanted;
  const bool want_hidden = needs_token && prefetched->hidden_wanted;
  const std::string profile_key = want_profile ? ProfileKey(uid) : std::string();
  const std::string hidden_key = want_hidden ? HiddenKey(uid) : std::string();
  const std::string hidden_version_key = want_hidden ? HiddenVersionKey(uid) : std::string();
  std::vector<std::vector<std::string_view>> commands = {{"SET", nonce_key, "1", "NX", "EX", ttl}};
  if (needs_token) commands.push_back({"GET", session_key});
  if (want_profile) commands.push_back({"GET", profile_key});
  if (want_hidden) commands.push_back({"MGET", hidden_key, hidden_version_key});
  const bool want_extra = needs_token && !prefetched->extra_command.empty();
  if (want_extra) {
    commands.emplace_back(prefetched->extra_command.begin(), prefetched->extra_command.end());
  }
  std::vector<RedisReply> replies;
  Status fetched = redis.Pipeline(commands, &replies);
  if (!fetched.ok()) {
    if (!read || fetched.code() != kUnavailable) return fetched;
    // Redis is down: a read goes on from MySQL alone; the handler loads what the prefetch
    // would have brought.
    prefetched->profile_wanted = false;
    prefetched->hidden_wanted = false;
    if (!needs_token) return Status::Ok();
    RETURN_IF_ERROR(VerifyToken(db, redis, uid, *token, static_cast<int64_t>(now), RedisReply()));
    *user_id = uid;
    return Status::Ok();
  }
  if (replies[0].get()->type == REDIS_REPLY_ERROR) return Status::Internal("redis: nonce");
  if (replies[0].IsNil()) return Status::Error(kReplay);
  if (!needs_token) return Status::Ok();
  RETURN_IF_ERROR(VerifyToken(db, redis, uid, *token, static_cast<int64_t>(now), replies[1]));
  *user_id = uid;
  size_t next = 2;
  if (want_profile) {
    const RedisReply& r = replies[next++];
    prefetched->has_profile = r.IsString();
    if (prefetched->has_profile) prefetched->profile = std::string(r.Str());
  }
  if (want_hidden) TakeHiddenReply(replies[next++], prefetched);
  if (want_extra) {
    RedisReply& r = replies[next++];
    prefetched->has_extra = r.get() && r.get()->type != REDIS_REPLY_ERROR;
    if (prefetched->has_extra) prefetched->extra.Reset(r.Release());
  }
  return Status::Ok();
}

}  // namespace dt
