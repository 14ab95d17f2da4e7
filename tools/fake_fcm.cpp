// Firebase Cloud Messaging as fakegate plays it: the OAuth 2.0 token endpoint of the
// service account and the HTTP v1 send, at the paths of the config's [push.fcm] token_url
// and endpoint. Each call of ours is checked as Google documents it and refused in its
// words:
//   POST <token_url's path>   grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer,
//                             assertion: a JWT (RS256, typ JWT) signed by the service
//                             account's key, iss = its client_email, scope
//                             firebase.messaging, aud = the token URL, iat within five
//                             minutes of now, exp = iat + at most an hour.
//                             -> {access_token, expires_in: 3599, token_type: Bearer}
//   POST <endpoint's path>/v1/projects/<project_id>/messages:send
//                             Authorization: Bearer <a token issued here, unexpired>;
//                             {message: {token, notification {title, body}, android
//                             {collapse_key, priority high|normal}, data {...}}}
//                             -> {name} or FCM's error for the token's mode:
//   POST /control/fcm/mode    token, mode=ok|unregistered|invalid|throttle|unavailable:
//                             throttle answers 429 with Retry-After: 2 once, then ok
//   GET  /control/fcm/sent    each send that arrived, a JSON line: token, status, at_ms,
//                             title, body, collapse_key, priority, badge (newest last)

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include "lib/core/crypto.h"
#include "lib/core/json_read.h"
#include "lib/core/json_writer.h"
#include "lib/core/keys.h"
#include "lib/core/request_params.h"
#include "tools/fake_http.h"

namespace fake {
namespace {

struct FcmState {
  dt::Config config;
  std::string token_path, send_path;
  std::mutex mu;
  std::map<std::string, int64_t> issued;    // access token -> expiry (s)
  std::map<std::string, std::string> mode;  // device token -> mode
  std::string sent;
  uint64_t serial = 0;
};

FcmState* f = nullptr;

std::string PathOf(const std::string& url) {
  const size_t start = url.find("://");
  const size_t slash = start == std::string::npos ? start : url.find('/', start + 3);
  std::string path = slash == std::string::npos ? "/" : url.substr(slash);
  if (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void OAuthError(int fd, const std::string& error, const std::string& description) {
  dt::JsonWriter w;
  w.Str("error", error).Str("error_description", description);
  Answer(fd, 400, "application/json; charset=utf-8", w.Close());
}

// The grant: the assertion's signature and claims.
void Token(int fd, const Request& r) {
  std::map<std::string, std::string> p;
  for (const auto& [k, v] : dt::DecodeForm(r.body)) p[k] = v;
  if (p["grant_type"] != "urn:ietf:params:oauth:grant-type:jwt-bearer") {
    return OAuthError(fd, "unsupported_grant_type", "Invalid grant_type: " + p["grant_type"]);
  }
  const std::string& jwt = p["assertion"];
  const size_t dot1 = jwt.find('.'), dot2 = jwt.rfind('.');
  std::string header_json, claims_json, signature;
  Json::Value header, claims;
  if (dot1 == std::string::npos || dot1 == dot2 ||
      !dt::Base64UrlDecode(jwt.substr(0, dot1), &header_json) ||
      !dt::Base64UrlDecode(jwt.substr(dot1 + 1, dot2 - dot1 - 1), &claims_json) ||
      !dt::Base64UrlDecode(jwt.substr(dot2 + 1), &signature) ||
      !dt::ParseJsonObject(header_json, &header) || !dt::ParseJsonObject(claims_json, &claims)) {
    return OAuthError(fd, "invalid_grant", "Invalid JWT: not three base64url JSON parts.");
  }
  if (header["alg"].asString() != "RS256" || header["typ"].asString() != "JWT") {
    return OAuthError(fd, "invalid_grant", "Invalid JWT header: alg must be RS256, typ JWT.");
  }
  if (!dt::RsaSha256VerifyBase64(f->config.fcm_key, jwt.substr(0, dot2),
                                 dt::Base64Encode(signature))) {
    return OAuthError(fd, "invalid_grant", "Invalid JWT Signature.");
  }
  const int64_t now = NowMs() / 1000;
  const int64_t iat = claims["iat"].asInt64(), exp = claims["exp"].asInt64();
  if (claims["iss"].asString() != f->config.fcm_client_email ||
      claims["aud"].asString() != f->config.fcm_token_url ||
      claims["scope"].asString() != "https://www.googleapis.com/auth/firebase.messaging") {
    return OAuthError(fd, "invalid_grant", "Invalid JWT: iss, aud or scope.");
  }
  if (iat < now - 300 || iat > now + 300 || exp <= iat || exp > iat + 3600) {
    return OAuthError(fd, "invalid_grant",
                      "Invalid JWT: Token must be a short-lived token (60 minutes) and in a "
                      "reasonable timeframe.");
  }
  const std::string access = "ya29.fake-" + dt::HexEncode(dt::RandomBytes(16));
  {
    std::lock_guard<std::mutex> lock(f->mu);
    f->issued[access] = now + 3599;
  }
  dt::JsonWriter w;
  w.Str("access_token", access).Int("expires_in", 3599).Str("token_type", "Bearer");
  Answer(fd, 200, "application/json; charset=utf-8", w.Close());
}

void FcmError(int fd, int status, const std::string& state, const std::string& message,
              const std::string& code, const std::string& extra_headers = "") {
  dt::JsonWriter w;
  w.Object("error").Int("code", status).Str("message", message).Str("status", state);
  if (!code.empty()) {
    w.Array("details")
        .Object()
        .Str("@type", "type.googleapis.com/google.firebase.fcm.v1.FcmError")
        .Str("errorCode", code)
        .End()
        .End();
  }
  w.End();
  Answer(fd, status, "application/json; charset=UTF-8", w.Close(), extra_headers);
}

void Send(int fd, const Request& r) {
  auto auth = r.headers.find("authorization");
  const std::string bearer = auth == r.headers.end() ? "" : auth->second;
  const int64_t now = NowMs() / 1000;
  {
    std::lock_guard<std::mutex> lock(f->mu);
    auto it = bearer.rfind("Bearer ", 0) == 0 ? f->issued.find(bearer.substr(7)) : f->issued.end();
    if (it == f->issued.end() || it->second <= now) {
      return FcmError(fd, 401, "UNAUTHENTICATED", "Request had invalid authentication credentials.",
                      "");
    }
  }
  Json::Value body;
  if (!dt::ParseJsonObject(r.body, &body) || !body["message"].isObject()) {
    return FcmError(fd, 400, "INVALID_ARGUMENT", "Invalid JSON payload received.", "");
  }
  const Json::Value& m = body["message"];
  const std::string token = m["token"].asString();
  const Json::Value& android = m["android"];
  const std::string priority = android["priority"].asString();
  if (token.empty() || !m["notification"]["title"].isString() ||
      !m["notification"]["body"].isString() || !android["collapse_key"].isString() ||
      (priority != "high" && priority != "normal")) {
    return FcmError(fd, 400, "INVALID_ARGUMENT",
                    "Invalid value: message needs token, notification and android.", "");
  }
  std::string mode;
  int status = 200;
  {
    std::lock_guard<std::mutex> lock(f->mu);
    mode = f->mode.count(token) ? f->mode[token] : "ok";
    if (mode == "throttle") f->mode[token] = "ok";  // once
    status = mode == "ok"             ? 200
             : mode == "unregistered" ? 404
             : mode == "invalid"      ? 400
             : mode == "throttle"     ? 429
                                      : 503;
    dt::JsonWriter line;
    line.Str("token", token)
        .Int("status", status)
        .Int("at_ms", NowMs())
        .Str("title", m["notification"]["title"].asString())
        .Str("body", m["notification"]["body"].asString())
        .Str("collapse_key", android["collapse_key"].asString())
        .Str("priority", priority)
        .Str("badge", m["data"]["badge"].asString());
    f->sent += line.Close() + "\n";
  }
  if (mode == "unregistered") {
    return FcmError(fd, 404, "NOT_FOUND", "Requested entity was not found.", "UNREGISTERED");
  }
  if (mode == "invalid") {
    return FcmError(fd, 400, "INVALID_ARGUMENT",
                    "The registration token is not a valid FCM registration token",
                    "INVALID_ARGUMENT");
  }
  if (mode == "throttle") {
    return FcmError(fd, 429, "RESOURCE_EXHAUSTED", "Quota exceeded.", "QUOTA_EXCEEDED",
                    "Retry-After: 2\r\n");
  }
  if (mode != "ok") return FcmError(fd, 503, "UNAVAILABLE", "The service is unavailable.", "");
  dt::JsonWriter w;
  uint64_t n = 0;
  {
    std::lock_guard<std::mutex> lock(f->mu);
    n = ++f->serial;
  }
  w.Str("name", "projects/" + f->config.fcm_project_id + "/messages/0:" + std::to_string(n));
  Answer(fd, 200, "application/json; charset=UTF-8", w.Close());
}

}  // namespace

void FcmInit(const dt::Config& config) {
  if (config.fcm_project_id.empty()) return;
  static FcmState state;
  state.config = config;
  state.token_path = PathOf(config.fcm_token_url);
  state.send_path =
      PathOf(config.fcm_endpoint) + "/v1/projects/" + config.fcm_project_id + "/messages:send";
  if (state.send_path.rfind("//", 0) == 0) state.send_path.erase(0, 1);
  f = &state;
}

bool FcmServe(int fd, const Request& r) {
  if (!f) return false;
  if (r.method == "POST" && r.path == f->token_path) {
    Token(fd, r);
  } else if (r.method == "POST" && r.path == f->send_path) {
    Send(fd, r);
  } else if (r.method == "POST" && r.path == "/control/fcm/mode") {
    std::map<std::string, std::string> p;
    for (const auto& [k, v] : dt::DecodeForm(r.body.empty() ? r.query : r.body)) p[k] = v;
    const std::set<std::string> modes = {"ok", "unregistered", "invalid", "throttle",
                                         "unavailable"};
    if (p["token"].empty() || !modes.count(p["mode"])) {
      Answer(fd, 400, "text/plain",
             "token=... mode=ok|unregistered|invalid|throttle|unavailable\n");
    } else {
      std::lock_guard<std::mutex> lock(f->mu);
      f->mode[p["token"]] = p["mode"];
      Answer(fd, 200, "text/plain", p["mode"] + "\n");
    }
  } else if (r.method == "GET" && r.path == "/control/fcm/sent") {
    std::lock_guard<std::mutex> lock(f->mu);
    Answer(fd, 200, "text/plain", f->sent);
  } else {
    return false;
  }
  return true;
}

}  // namespace fake
