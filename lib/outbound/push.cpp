// APNs and FCM senders, and the task that drains the push queue; see push.h.
#include "lib/outbound/push.h"

#include <algorithm>
#include <memory>
#include <mutex>
#include <vector>

#include "lib/core/json_read.h"
#include "lib/core/json_writer.h"
#include "lib/core/keys.h"
#include "lib/core/log.h"
#include "lib/core/metrics.h"
#include "lib/core/utf8.h"
#include "lib/domain/push.h"
#include "lib/outbound/events.h"
#include "lib/outbound/http_client.h"

namespace dt {
namespace {

constexpr int kBatch = 100;      // users, and retries, per run of the task
constexpr int kMaxAttempts = 5;  // per device and push
constexpr int64_t kApnsTokenAge = 40 * 60;
constexpr size_t kPreviewChars = 100;
constexpr const char* kFcmScope = "https://www.googleapis.com/auth/firebase.messaging";

std::string Jwt(JsonWriter header, JsonWriter claims) {
  return Base64UrlEncode(header.Close()) + "." + Base64UrlEncode(claims.Close());
}

// The process's provider tokens, shared by its threads.
struct Tokens {
  std::mutex mu;
  std::string apns_jwt, apns_key_id;
  int64_t apns_iat = 0;
  std::string fcm_access;
  int64_t fcm_expires = 0;
};
Tokens& SharedTokens() {
  static Tokens* tokens = new Tokens;
  return *tokens;
}

void ForgetApnsToken() {
  std::lock_guard<std::mutex> lock(SharedTokens().mu);
  SharedTokens().apns_jwt.clear();
}

enum class Outcome { kSent, kInvalidToken, kRetry, kFailed };
struct Result {
  Outcome outcome = Outcome::kFailed;
  int64_t retry_after_ms = 0;  // 0: the backoff's
  std::string reason;          // for the log
};

int64_t RetryAfterMs(const HttpResponse& r) {
  const std::string* v = r.Header("retry-after");
  if (!v) return 0;
  const long long seconds = std::strtoll(v->c_str(), nullptr, 10);
  return seconds > 0 && seconds <= 3600 ? seconds * 1000 : 0;
}

HttpClient& ProviderClient(const Config& config, const char* purpose, bool http2) {
  HttpOptions options = WithTimeout(config.push_timeout_ms);
  options.http2 = http2;
  options.ca_file = config.push_ca_file;
  options.max_response = 64 << 10;
  return ThreadClient(purpose, options);
}

Result SendApns(const Config& config, const std::string& token, const std::string& payload,
                const std::string& collapse, int64_t now) {
  HttpRequest request;
  request.method = "POST";
  request.url = config.apns_endpoint + "/3/device/" + token;
  request.headers = {{"authorization", "bearer " + ApnsProviderToken(config, now)},
                     {"apns-topic", config.apns_bundle_id},
                     {"apns-push-type", "alert"},
                     {"apns-priority", "10"},
                     {"content-type", "application/json"}};
  if (!collapse.empty()) request.headers.emplace_back("apns-collapse-id", collapse);
  request.body = payload;
  HttpResponse response;
  Status s = ProviderClient(config, "apns", true).Send(request, &response);
  Result r;
  if (!s.ok()) {
    r.outcome = Outcome::kRetry;
    r.reason = s.msg();
    return r;
  }
  Json::Value body;
  const std::string reason = ParseJsonObject(response.body, &body) ? body["reason"].asString() : "";
  r.reason = "HTTP " + std::to_string(response.status) + " " + reason;
  r.retry_after_ms = RetryAfterMs(response);
  if (response.status == 200) {
    r.outcome = Outcome::kSent;
  } else if (response.status == 410 || reason == "BadDeviceToken" || reason == "Unregistered" ||
             reason == "DeviceTokenNotForTopic") {
    r.outcome = Outcome::kInvalidToken;
  } else if (response.status == 403 && reason == "ExpiredProviderToken") {
    ForgetApnsToken();
    r.outcome = Outcome::kRetry;
  } else if (response.status == 429 || response.status >= 500) {
    r.outcome = Outcome::kRetry;
  }
  return r;
}

// The cached access token, or a new one from the token endpoint; empty (and *why) when
// the grant failed.
std::string FcmAccessToken(const Config& config, int64_t now, std::string* why) {
  Tokens& t = SharedTokens();
  {
    std::lock_guard<std::mutex> lock(t.mu);
    if (!t.fcm_access.empty() && now < t.fcm_expires - 60) return t.fcm_access;
  }
  HttpRequest request;
  request.method = "POST";
  request.url = config.fcm_token_url;
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  request.body = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=" +
                 FcmGrantAssertion(config, now);
  HttpResponse response;
  Status s = ProviderClient(config, "fcm", false).Send(request, &response);
  Json::Value body;
  if (!s.ok() || response.status != 200 || !ParseJsonObject(response.body, &body) ||
      !body["access_token"].isString() || !body["expires_in"].isInt()) {
    *why = s.ok() ? "token endpoint: HTTP " + std::to_string(response.status) : s.msg();
    return "";
  }
  std::lock_guard<std::mutex> lock(t.mu);
  t.fcm_access = body["access_token"].asString();
  t.fcm_expires = now + body["expires_in"].asInt();
  return t.fcm_access;
}

Result SendFcm(const Config& config, const std::string& payload, int64_t now) {
  Result r;
  for (int attempt = 0; attempt < 2; ++attempt) {
    const std::string access = FcmAccessToken(config, now, &r.reason);
    if (access.empty()) {
      r.outcome = Outcome::kRetry;
      return r;
    }
    HttpRequest request;
    request.method = "POST";
    request.url = config.fcm_endpoint + "/v1/projects/" + config.fcm_project_id + "/messages:send";
    request.headers = {{"Authorization", "Bearer " + access},
                       {"Content-Type", "application/json; UTF-8"}};
    request.body = payload;
    HttpResponse response;
    Status s = ProviderClient(config, "fcm", false).Send(request, &response);
    if (!s.ok()) {
      r.outcome = Outcome::kRetry;
      r.reason = s.msg();
      return r;
    }
    if (response.status == 401 && attempt == 0) {  // revoked or expired early: a new one
      std::lock_guard<std::mutex> lock(SharedTokens().mu);
      SharedTokens().fcm_access.clear();
      continue;
    }
    // {"error": {"code", "message", "status", "details": [{"errorCode": ...}]}}
    Json::Value body;
    std::string status, code;
    if (ParseJsonObject(response.body, &body) && body["error"].isObject()) {
      status = body["error"]["status"].asString();
      for (const Json::Value& d : body["error"]["details"]) {
        if (d.isObject() && d["errorCode"].isString()) code = d["errorCode"].asString();
      }
    }
    r.reason = "HTTP " + std::to_string(response.status) + " " + status + " " + code;
    r.retry_after_ms = RetryAfterMs(response);
    if (response.status == 200) {
      r.outcome = Outcome::kSent;
    } else if (code == "UNREGISTERED" || code == "INVALID_ARGUMENT" ||
               status == "INVALID_ARGUMENT" || (response.status == 404 && status == "NOT_FOUND")) {
      r.outcome = Outcome::kInvalidToken;
    } else if (response.status == 429 || response.status >= 500) {
      r.outcome = Outcome::kRetry;
    } else {
      r.outcome = Outcome::kFailed;
    }
    return r;
  }
  return r;
}

// What a push says: the title (who), the text, the badge (every unread message), the
// collapse id (the conversation's, or the matches').
struct Notice {
  std::string kind, title, body, collapse;
  int64_t peer = 0;
  int64_t badge = 0;
};

std::string ApnsPayload(const Notice& n) {
  JsonWriter w;
  w.Object("aps").Object("alert").Str("title", n.title).Str("body", n.body).End();
  w.Int("badge", n.badge).Str("sound", "default").Str("thread-id", n.collapse).End();
  w.Str("type", n.kind).Int("peer_id", n.peer);
  return w.Close();
}

std::string FcmPayload(const Notice& n, const std::string& token) {
  JsonWriter w;
  w.Object("message").Str("token", token);
  w.Object("notification").Str("title", n.title).Str("body", n.body).End();
  w.Object("android")
      .Str("collapse_key", n.collapse)
      .Str("priority", n.kind == "message" ? "high" : "normal");
  w.Object("notification")
      .Str("tag", n.collapse)
      .Int("notification_count", n.badge)
      .Str("sound", "default")
      .End()
      .End();
  w.Object("data")
      .Str("type", n.kind)
      .Str("peer_id", std::to_string(n.peer))
      .Str("badge", std::to_string(n.badge))
      .End();
  return w.Close();
}

Result Send(const Config& config, const std::string& provider, const std::string& token,
            const std::string& payload, const std::string& collapse, int64_t now) {
  if (provider == "apns" && !config.apns_key_id.empty()) {
    return SendApns(config, token, payload, collapse, now);
  }
  if (provider == "fcm" && !config.fcm_project_id.empty()) return SendFcm(config, payload, now);
  Result r;
  r.reason = provider + " is not configured";
  return r;
}

// Acts on a delivery's result: a bad token goes, a passing failure is tried again.
Status Settle(Db& db, Redis& redis, PushRetry delivery, const Result& r, int64_t now_ms) {
  static const char* const kNames[] = {"sent", "invalid_token", "retry", "failed"};
  const int named = r.outcome == Outcome::kSent           ? 0
                    : r.outcome == Outcome::kInvalidToken ? 1
                    : r.outcome == Outcome::kRetry        ? 2
                                                          : 3;
  CountEvent("dt_push_outcomes_total{provider=\"" + MetricLabel(delivery.provider) +
             "\",outcome=\"" + kNames[named] + "\"}");
  switch (r.outcome) {
    case Outcome::kSent: return Status::Ok();
    case Outcome::kInvalidToken:
      LogInfo("push: %s token of user %lld is no longer valid (%s): deleted",
              delivery.provider.c_str(), static_cast<long long>(delivery.user), r.reason.c_str());
      return ForgetDevice(db, delivery.provider, delivery.token);
    case Outcome::kRetry:
      if (delivery.attempt < kMaxAttempts) {
        const int64_t backoff = int64_t{1000} << delivery.attempt;  // 2 s, 4 s, 8 s, ...
        const int64_t due = now_ms + std::max(backoff, r.retry_after_ms);
        ++delivery.attempt;
        return ScheduleRetry(redis, delivery, due);
      }
      [[fallthrough]];
    case Outcome::kFailed:
      LogError("push: %s to user %lld failed: %s (attempt %d)", delivery.provider.c_str(),
               static_cast<long long>(delivery.user), r.reason.c_str(), delivery.attempt);
      return Status::Ok();
  }
  return Status::Ok();
}

// The notice for `p`, from MySQL: the peer's nickname, the unread counts.
Status MakeNotice(Db& db, const PendingPush& p, const PushSettings& settings, Notice* n) {
  n->kind = p.last.kind;
  n->peer = p.last.peer;
  Row row;
  bool found = false;
  RETURN_IF_ERROR(db.QueryRow(
      "SELECT (SELECT nickname FROM user_info WHERE id = ? AND status <> 'deleted'),"
      " COALESCE(SUM(unread), 0), COALESCE(SUM(CASE WHEN peer_id = ? THEN unread END), 0)"
      " FROM contacts WHERE user_id = ?",
      {p.last.peer, p.last.peer, p.user}, &row, &found));
  n->title = found && !row.IsNull(0) ? row.Str(0) : "DatingToday";
  n->badge = found ? row.Int(1) : 0;
  const int64_t in_conversation = found ? std::max<int64_t>(row.Int(2), p.count) : p.count;
  if (p.last.kind == "match") {
    n->collapse = "match";
    n->body = "You have a new match";
  } else {
    n->collapse = "chat-" + std::to_string(p.last.peer);
    if (in_conversation > 1) {
      n->body = std::to_string(in_conversation) + " new messages";
    } else if (settings.show_preview && p.last.type == "text" && !p.last.text.empty()) {
      n->body = std::string(Utf8Prefix(p.last.text, kPreviewChars));
    } else {
      n->body = "New message";
    }
  }
  return Status::Ok();
}

Status Deliver(Db& db, Redis& redis, const Config& config, const PendingPush& p, int64_t now_ms) {
  const int64_t now = now_ms / 1000;
  PushSettings settings;
  RETURN_IF_ERROR(LoadPushSettings(db, p.user, &settings));
  if (const int64_t until = QuietUntil(settings, now)) return PutBackPush(redis, p, until * 1000);
  int streams = 0;
  Status online = OpenStreams(config, p.user, &streams);
  if (online.ok() && streams > 0) return Status::Ok();  // the live stream had it
  std::vector<PushDevice> devices;
  RETURN_IF_ERROR(UserDevices(db, p.user, &devices));
  if (devices.empty()) return Status::Ok();
  Notice notice;
  RETURN_IF_ERROR(MakeNotice(db, p, settings, &notice));
  for (const PushDevice& d : devices) {
    PushRetry delivery;
    delivery.user = p.user;
    delivery.provider = d.provider;
    delivery.token = d.token;
    delivery.collapse = notice.collapse;
    delivery.payload = d.provider == "apns" ? ApnsPayload(notice) : FcmPayload(notice, d.token);
    const Result r = Send(config, d.provider, d.token, delivery.payload, delivery.collapse, now);
    RETURN_IF_ERROR(Settle(db, redis, std::move(delivery), r, now_ms));
  }
  return Status::Ok();
}

}  // namespace

std::string ApnsProviderToken(const Config& config, int64_t now) {
  Tokens& t = SharedTokens();
  std::lock_guard<std::mutex> lock(t.mu);
  if (t.apns_jwt.empty() || t.apns_key_id != config.apns_key_id || now < t.apns_iat ||
      now - t.apns_iat >= kApnsTokenAge) {
    JsonWriter header, claims;
    header.Str("alg", "ES256").Str("kid", config.apns_key_id);
    claims.Str("iss", config.apns_team_id).Int("iat", now);
    const std::string input = Jwt(std::move(header), std::move(claims));
    t.apns_jwt = input + "." + Base64UrlEncode(Es256Sign(config.apns_key, input));
    t.apns_key_id = config.apns_key_id;
    t.apns_iat = now;
  }
  return t.apns_jwt;
}

std::string FcmGrantAssertion(const Config& config, int64_t now) {
  JsonWriter header, claims;
  header.Str("alg", "RS256").Str("typ", "JWT");
  claims.Str("iss", config.fcm_client_email)
      .Str("scope", kFcmScope)
      .Str("aud", config.fcm_token_url)
      .Int("iat", now)
      .Int("exp", now + 3600);
  const std::string input = Jwt(std::move(header), std::move(claims));
  std::string signature;
  Base64Decode(RsaSha256SignBase64(config.fcm_key, input), &signature);
  return input + "." + Base64UrlEncode(signature);
}

Status SendDuePushes(Db& db, Redis& redis, const Config& config, int64_t now_ms) {
  if (!PushEnabled(config)) return Status::Ok();
  std::vector<PendingPush> due;
  RETURN_IF_ERROR(TakeDuePushes(redis, config, now_ms, kBatch, &due));
  for (const PendingPush& p : due) {
    Status s = Deliver(db, redis, config, p, now_ms);
    if (!s.ok()) LogError("push: user %lld: %s", static_cast<long long>(p.user), s.msg().c_str());
  }
  std::vector<PushRetry> retries;
  RETURN_IF_ERROR(TakeDueRetries(redis, now_ms, kBatch, &retries));
  for (PushRetry& r : retries) {
    const Result result = Send(config, r.provider, r.token, r.payload, r.collapse, now_ms / 1000);
    RETURN_IF_ERROR(Settle(db, redis, std::move(r), result, now_ms));
  }
  return Status::Ok();
}

}  // namespace dt
