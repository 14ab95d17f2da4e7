// One request from FastCGI environment to reply; see dispatch.h.
#include "lib/core/dispatch.h"

#include <cctype>
#include <chrono>
#include <exception>
#include <string>

#include "lib/core/args.h"
#include "lib/core/cgi_input.h"
#include "lib/core/crypto.h"
#include "lib/core/files.h"
#include "lib/core/log.h"
#include "lib/core/metrics.h"
#include "lib/core/request_params.h"

namespace dt {
namespace {

std::string_view Param(FCGX_Request& request, const char* name) {
  const char* v = FCGX_GetParam(name, request.envp);
  return v ? std::string_view(v) : std::string_view();
}

// The path without the query: nginx's normalized $document_uri, else REQUEST_URI.
// nginx's $request_id is 32 hex digits; anything else (a front end configured otherwise)
// is replaced, since the id goes into a reply header and the logs.
bool UsableRequestId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

std::string_view RequestPath(FCGX_Request& request) {
  std::string_view path = Param(request, "DOCUMENT_URI");
  if (!path.empty()) return path;
  path = Param(request, "REQUEST_URI");
  return path.substr(0, path.find('?'));
}

Reply Process(FCGX_Request& request, const RequestEnv& env, const Router& router,
              const Services& services, const Connections& conn, int64_t* user_id,
              const Route** matched) {
  Status status;
  const Route* route = router.Find(env.method, env.path, &status);
  if (!route) return status;
  *matched = route;

  const Config& config = services.config;
  if (env.content_length < 0) return Status::Error(kBadRequest, "bad Content-Length.");
  const int64_t limit = route->body == BodyLimit::kUpload ? config.upload_limit : config.body_limit;
  if (env.content_length > limit) return Status::Error(kTooLarge);

  Params params;
  FcgiInput input(request, env.content_length);
  ParamLimits limits;
  limits.max_params = config.max_params;
  limits.max_value_length = config.max_param_length;
  limits.max_form_body = config.body_limit;
  // The upload route spools its file parts beside the media store, to be renamed into it.
  if (route->body == BodyLimit::kUpload) limits.spool_dir = UploadSpoolDir(config.media_root);
  std::string json_body;
  if (route->body == BodyLimit::kJson) limits.json_body = &json_body;
  RETURN_IF_ERROR(ParseParams(input, limits, &params));

  RequestContext ctx{env, params, json_body, conn.db, conn.reads, conn.redis, services};
  // Parsed before the authenticator, whose preloaders read them, and refused after it: a
  // request that is not admitted learns nothing of its parameters.
  Status parsed = ParseArgs(route->args, ctx, &ctx.args);
  if (route->auth) {
    RETURN_IF_ERROR(route->auth->admit(*route, ctx));
    *user_id = ctx.user_id;
  }
  RETURN_IF_ERROR(parsed);
  RETURN_IF_ERROR(ResolveCaller(ctx.user_id, &ctx.args));
  return route->handler(ctx);
}

// Reads what is left of the body, so that closing the connection cannot reset it under
// nginx while it still sends (nginx's client_max_body_size bounds this).
void DrainInput(FCGX_Request& request) {
  char scratch[16384];
  while (FCGX_GetStr(scratch, sizeof scratch, request.in) > 0) {
  }
}

// `request_id` is nginx's $request_id (or one made here), the key of both logs' lines.
void WriteReply(FCGX_Request& request, const Reply& reply, int http_status,
                std::string_view request_id) {
  if (!reply.accel_redirect.empty() && reply.status.ok()) {
    std::string head = "Status: 200 OK\r\nX-Accel-Redirect: " + reply.accel_redirect +
                       "\r\nContent-Length: 0\r\nX-Request-Id: ";
    head.append(request_id).append("\r\n\r\n");
    FCGX_PutStr(head.data(), static_cast<int>(head.size()), request.out);
    return;
  }
  const std::string body = reply.content_type ? reply.data : RenderReply(reply);
  const char* type = reply.content_type ? reply.content_type : "application/json; charset=utf-8";
  std::string head = "Status: " + std::to_string(http_status) + " " + HttpReason(http_status) +
                     "\r\nContent-Type: " + type +
                     "\r\nContent-Length: " + std::to_string(body.size()) +
                     "\r\nCache-Control: no-store\r\nX-Request-Id: ";
  head.append(request_id).append("\r\n");
  if (reply.status.retry_after() > 0) {
    head += "Retry-After: " + std::to_string(reply.status.retry_after()) + "\r\n";
  }
  head += "\r\n";
  FCGX_PutStr(head.data(), static_cast<int>(head.size()), request.out);
  FCGX_PutStr(body.data(), static_cast<int>(body.size()), request.out);
}

}  // namespace

std::string_view RequestEnv::Header(const char* cgi_name) const {
  if (!fcgi_env) return {};
  const char* v = FCGX_GetParam(cgi_name, fcgi_env);
  return v ? std::string_view(v) : std::string_view();
}

void ServeRequest(FCGX_Request& request, const Router& router, const Services& services,
                  const Connections& conn) {
  const auto start = std::chrono::steady_clock::now();
  RequestEnv env;
  env.method = Param(request, "REQUEST_METHOD");
  env.path = RequestPath(request);
  env.client_ip = Param(request, "REMOTE_ADDR");
  env.fcgi_env = request.envp;
  std::string_view length = Param(request, "CONTENT_LENGTH");
  if (!length.empty() && !ParseInt64(length, &env.content_length)) env.content_length = -1;
  std::string generated_id;
  env.request_id = Param(request, "REQUEST_ID");
  if (!UsableRequestId(env.request_id)) {
    generated_id = HexEncode(RandomBytes(16));
    env.request_id = generated_id;
  }

  RequestLogScope log_scope(env.request_id);
  int64_t user_id = 0;
  const Route* route = nullptr;
  Reply reply = Status::Ok();
  try {
    reply = Process(request, env, router, services, conn, &user_id, &route);
  } catch (const std::exception& e) {
    LogError("exception: %s", e.what());
    reply = Status::Internal();
  } catch (...) {
    LogError("exception of unknown type");
    reply = Status::Internal();
  }
  // A gateway's route answers in the gateway's own form, its errors included.
  if (route && route->reply_form) reply = route->reply_form(std::move(reply));
  DrainInput(request);
  const int http_status =
      reply.http_status ? reply.http_status : HttpStatusFor(reply.status.code());
  WriteReply(request, reply, http_status, env.request_id);
  const int64_t micros = std::chrono::duration_cast<std::chrono::microseconds>(
                             std::chrono::steady_clock::now() - start)
                             .count();
  CountRequest(route ? route->path : "other", reply.status.code(), micros / 1e6);

  if (services.config.access_log) {
    AccessRecord record;
    record.request_id = env.request_id;
    record.method = env.method;
    record.path = env.path;
    record.client_ip = env.client_ip;
    record.user_id = user_id;
    record.code = reply.status.code();
    record.http_status = http_status;
    record.micros = micros;
    LogAccess(record);
  }
}

}  // namespace dt
