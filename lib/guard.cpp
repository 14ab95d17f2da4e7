// Signature, window, nonce and token checks.
#include "lib/guard.h"

#include <cmath>
#include <string>

#include "lib/args.h"
#include "lib/crypto.h"
#include "lib/session.h"
#include "lib/sign.h"

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

Status CheckSignature(const Params& params, const Config& config, double now, Redis& redis) {
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

  std::string expected = SignParams(app->second.method, app->second.secret, params);
  if (!ConstantTimeEquals(expected, *sign)) return Status::Error(kBadSign);

  // Remembered for twice the window: a request stamped `window` ahead of the server
  // stays acceptable that long after it was first seen.
  std::string key = "dt:nonce:" + *appkey + ":" + *nonce;
  RedisReply reply;
  RETURN_IF_ERROR(redis.Command(&reply, "SET %s 1 NX EX %d", key.c_str(),
                                2 * config.timestamp_window));
  if (reply.IsNil()) return Status::Error(kReplay);
  return Status::Ok();
}

Status CheckToken(const Params& params, int64_t now, Db& db, Redis& redis, int64_t* user_id) {
  const std::string* token = params.Find("token");
  if (!token || token->empty()) return Status::Error(kNoPermission, "token is none.");
  int64_t uid;
  RETURN_IF_ERROR(RequireInt(params, "userId", 1, INT64_MAX / 2, &uid));
  RETURN_IF_ERROR(VerifyToken(db, redis, uid, *token, now));
  *user_id = uid;
  return Status::Ok();
}

}  // namespace dt
