// hiredis behind Redis: connection handling and error mapping.
#include "lib/redis.h"

#include <cstdarg>
#include <cstring>

#include "lib/crypto.h"
#include "lib/log.h"

#include <openssl/sha.h>

namespace dt {
namespace {

bool StartsWith(const char* s, size_t len, const char* prefix) {
  size_t n = strlen(prefix);
  return len >= n && memcmp(s, prefix, n) == 0;
}

std::string Sha1Hex(const char* s) {
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(s), strlen(s), digest);
  return HexEncode(std::string_view(reinterpret_cast<char*>(digest), sizeof digest));
}

}  // namespace

RedisScript::RedisScript(const char* src) : source(src), sha1(Sha1Hex(src)) {}

Redis::~Redis() { Close(); }

void Redis::Close() {
  if (ctx_) redisFree(ctx_);
  ctx_ = nullptr;
}

Status Redis::Connect() {
  if (ctx_) return Status::Ok();
  struct timeval tv;
  tv.tv_sec = config_.redis_timeout_ms / 1000;
  tv.tv_usec = (config_.redis_timeout_ms % 1000) * 1000;
  ctx_ = config_.redis_socket.empty()
             ? redisConnectWithTimeout(config_.redis_host.c_str(), config_.redis_port, tv)
             : redisConnectUnixWithTimeout(config_.redis_socket.c_str(), tv);
  if (!ctx_ || ctx_->err) {
    LogError("redis connect: %s", ctx_ ? ctx_->errstr : "out of memory");
    Close();
    return Status::Unavailable();
  }
  redisSetTimeout(ctx_, tv);
  RedisReply reply;
  if (!config_.redis_password.empty()) {
    RETURN_IF_ERROR(Command(&reply, "AUTH %s", config_.redis_password.c_str()));
  }
  if (config_.redis_db != 0) RETURN_IF_ERROR(Command(&reply, "SELECT %d", config_.redis_db));
  return Status::Ok();
}

Status Redis::Check(redisReply* reply, RedisReply* out) {
  if (!reply) {
    LogError("redis: %s", ctx_->err ? ctx_->errstr : "no reply");
    Close();
    return Status::Unavailable();
  }
  out->Reset(reply);
  if (reply->type == REDIS_REPLY_ERROR) {
    if (StartsWith(reply->str, reply->len, "NOSCRIPT")) return Status::Error(kNotFound, "noscript");
    LogError("redis: %.*s", static_cast<int>(reply->len), reply->str);
    if (StartsWith(reply->str, reply->len, "LOADING") ||
        StartsWith(reply->str, reply->len, "MASTERDOWN") ||
        StartsWith(reply->str, reply->len, "READONLY") ||
        StartsWith(reply->str, reply->len, "NOAUTH")) {
      Close();
      return Status::Unavailable();
    }
    return Status::Internal();
  }
  return Status::Ok();
}

Status Redis::Command(RedisReply* out, const char* format, ...) {
  RETURN_IF_ERROR(Connect());
  va_list ap;
  va_start(ap, format);
  void* reply = redisvCommand(ctx_, format, ap);
  va_end(ap);
  return Check(static_cast<redisReply*>(reply), out);
}

Status Redis::CommandArgv(const std::vector<std::string_view>& argv, RedisReply* out) {
  RETURN_IF_ERROR(Connect());
  std::vector<const char*> ptrs;
  std::vector<size_t> lens;
  ptrs.reserve(argv.size());
  lens.reserve(argv.size());
  for (std::string_view a : argv) {
    ptrs.push_back(a.data());
    lens.push_back(a.size());
  }
  void* reply = redisCommandArgv(ctx_, static_cast<int>(argv.size()), ptrs.data(), lens.data());
  return Check(static_cast<redisReply*>(reply), out);
}

Status Redis::Eval(const RedisScript& script, const std::vector<std::string_view>& keys,
                   const std::vector<std::string_view>& args, RedisReply* out) {
  std::string numkeys = std::to_string(keys.size());
  std::vector<std::string_view> argv = {"EVALSHA", script.sha1, numkeys};
  argv.insert(argv.end(), keys.begin(), keys.end());
  argv.insert(argv.end(), args.begin(), args.end());
  Status s = CommandArgv(argv, out);
  if (s.code() != kNotFound) return s;
  argv[0] = "EVAL";  // not loaded yet (first use, or Redis restarted): send the source
  argv[1] = script.source;
  return CommandArgv(argv, out);
}

Status Redis::Ping() {
  RedisReply reply;
  return Command(&reply, "PING");
}

}  // namespace dt
