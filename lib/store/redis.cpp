// hiredis behind Redis: connection handling and error mapping.
#include "lib/store/redis.h"

#include <cerrno>
#include <cstdarg>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <utility>

#include "lib/core/crypto.h"
#include "lib/core/log.h"
#include "lib/core/metrics.h"

#include <openssl/sha.h>

namespace dt {
namespace {

// A command hiredis formatted (its own allocation).
struct FreeCommand {
  void operator()(char* c) const { redisFreeCommand(c); }
};
using FormattedCommand = std::unique_ptr<char, FreeCommand>;

bool StartsWith(const char* s, size_t len, const char* prefix) {
  size_t n = strlen(prefix);
  return len >= n && memcmp(s, prefix, n) == 0;
}

// One command in the protocol's wire format.
Status FormatArgv(const std::vector<std::string_view>& argv, std::string* out) {
  std::vector<const char*> ptrs;
  std::vector<size_t> lens;
  ptrs.reserve(argv.size());
  lens.reserve(argv.size());
  for (std::string_view a : argv) {
    ptrs.push_back(a.data());
    lens.push_back(a.size());
  }
  char* command = nullptr;
  int length =
      redisFormatCommandArgv(&command, static_cast<int>(argv.size()), ptrs.data(), lens.data());
  if (length < 0) return Status::Internal("redis: bad command");
  const FormattedCommand owned(command);
  out->assign(command, static_cast<size_t>(length));
  return Status::Ok();
}

std::string Sha1Hex(const char* s) {
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(s), strlen(s), digest);
  return HexEncode(std::string_view(reinterpret_cast<char*>(digest), sizeof digest));
}

// An error reply of a server that cannot serve us now (loading, a replica after a
// failover, a lost master, a login needed): the connection is dropped and the call is 901.
bool CannotServe(const redisReply* r) {
  if (r->type != REDIS_REPLY_ERROR) return false;
  for (const char* prefix : {"LOADING", "MASTERDOWN", "READONLY", "NOAUTH"}) {
    if (StartsWith(r->str, r->len, prefix)) return true;
  }
  return false;
}

}  // namespace

RedisScript::RedisScript(const char* src) : source(src), sha1(Sha1Hex(src)) {}

Redis::~Redis() { Close(); }

void Redis::Close() { ctx_.reset(); }

void Redis::CloseAndPause() {
  CountEvent("dt_redis_errors_total");  // lost, refused or not answering
  Close();
  retry_at_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(kRedisRetryPauseMs);
}

Redis::Context Redis::ConnectViaSentinels(const struct timeval& tv) {
  for (const Endpoint& sentinel : config_.redis_sentinels) {
    const Context asked(redisConnectWithTimeout(sentinel.host.c_str(), sentinel.port, tv));
    std::string host;
    long port = 0;
    if (asked && !asked->err) {
      redisSetTimeout(asked.get(), tv);
      RedisReply reply;
      reply.Reset(static_cast<redisReply*>(redisCommand(
          asked.get(), "SENTINEL get-master-addr-by-name %s", config_.redis_master_name.c_str())));
      const redisReply* r = reply.get();
      if (r && r->type == REDIS_REPLY_ARRAY && r->elements == 2 &&
          r->element[0]->type == REDIS_REPLY_STRING && r->element[1]->type == REDIS_REPLY_STRING) {
        host.assign(r->element[0]->str, r->element[0]->len);
        port = strtol(r->element[1]->str, nullptr, 10);
      }
    }
    if (host.empty() || port <= 0 || port > 65535) continue;  // this sentinel does not know
    const std::string master = host + ":" + std::to_string(port);
    if (master != master_) {
      LogInfo("redis: the master of '%s' is %s (sentinel %s:%d)", config_.redis_master_name.c_str(),
              master.c_str(), sentinel.host.c_str(), sentinel.port);
      master_ = master;
    }
    return Context(redisConnectWithTimeout(host.c_str(), static_cast<int>(port), tv));
  }
  LogError("redis: no sentinel named a master for '%s'", config_.redis_master_name.c_str());
  return nullptr;
}

Status Redis::Connect() {
  if (ctx_) return Status::Ok();
  if (std::chrono::steady_clock::now() < retry_at_) return Status::Unavailable();
  struct timeval tv;
  tv.tv_sec = config_.redis_timeout_ms / 1000;
  tv.tv_usec = (config_.redis_timeout_ms % 1000) * 1000;
  if (!config_.redis_sentinels.empty()) {
    ctx_ = ConnectViaSentinels(tv);
    if (!ctx_) {
      CloseAndPause();
      return Status::Unavailable();
    }
  } else {
    ctx_.reset(config_.redis_socket.empty()
                   ? redisConnectWithTimeout(config_.redis_host.c_str(), config_.redis_port, tv)
                   : redisConnectUnixWithTimeout(config_.redis_socket.c_str(), tv));
  }
  if (!ctx_ || ctx_->err) {
    LogError("redis connect: %s", ctx_ ? ctx_->errstr : "out of memory");
    CloseAndPause();
    return Status::Unavailable();
  }
  redisSetTimeout(ctx_.get(), tv);
  CountEvent("dt_redis_connects_total");
  // A connection that failed its login or its database is not one to keep using.
  RedisReply reply;
  Status ready = Status::Ok();
  if (!config_.redis_password.empty())
    ready = Command(&reply, "AUTH %s", config_.redis_password.c_str());
  if (ready.ok() && config_.redis_db != 0) ready = Command(&reply, "SELECT %d", config_.redis_db);
  // A sentinel's answer may be stale (a failover under way): write only to a master.
  if (ready.ok() && !config_.redis_sentinels.empty()) {
    ready = Command(&reply, "ROLE");
    const redisReply* role = reply.get();
    if (ready.ok() &&
        !(role && role->type == REDIS_REPLY_ARRAY && role->elements > 0 &&
          role->element[0]->type == REDIS_REPLY_STRING &&
          std::string_view(role->element[0]->str, role->element[0]->len) == "master")) {
      LogError("redis: %s is not a master (yet)", master_.c_str());
      ready = Status::Unavailable();
    }
  }
  if (!ready.ok()) {
    if (ctx_) LogError("redis: login or SELECT refused");
    CloseAndPause();
    return Status::Unavailable();
  }
  return Status::Ok();
}

Status Redis::Check(RedisReply answer, RedisReply* out) {
  if (!answer.get()) {
    LogError("redis: %s", ctx_->err ? ctx_->errstr : "no reply");
    CloseAndPause();
    return Status::Unavailable();
  }
  *out = std::move(answer);
  const redisReply* reply = out->get();
  if (reply->type == REDIS_REPLY_ERROR) {
    if (StartsWith(reply->str, reply->len, "NOSCRIPT")) return Status::NotFound("noscript");
    LogError("redis: %.*s", static_cast<int>(reply->len), reply->str);
    if (CannotServe(reply)) {
      CloseAndPause();  // counted there
      return Status::Unavailable();
    }
    CountEvent("dt_redis_errors_total");
    return Status::Internal();
  }
  return Status::Ok();
}

Status Redis::ExchangeAll(const std::vector<std::string>& commands,
                          std::vector<RedisReply>* replies) {
  const bool reused = ctx_ != nullptr;
  RETURN_IF_ERROR(Connect());
  auto send = [&]() {
    replies->clear();
    replies->resize(commands.size());
    for (const std::string& c : commands) {
      if (redisAppendFormattedCommand(ctx_.get(), c.data(), c.size()) != REDIS_OK) return false;
    }
    for (size_t i = 0; i < commands.size(); ++i) {
      void* reply = nullptr;
      if (redisGetReply(ctx_.get(), &reply) != REDIS_OK || !reply) return false;
      (*replies)[i].Reset(static_cast<redisReply*>(reply));
    }
    return true;
  };
  bool ok = send();
  // A connection that sat idle while Redis restarted fails at once (EOF, EPIPE, reset)
  // without the commands having run anywhere: reconnect and send them once more.
  if (!ok && reused && (*replies)[0].get() == nullptr &&
      (ctx_->err == REDIS_ERR_EOF ||
       (ctx_->err == REDIS_ERR_IO && (errno == EPIPE || errno == ECONNRESET)))) {
    Close();
    RETURN_IF_ERROR(Connect());
    ok = send();
  }
  if (!ok) {
    LogError("redis: %s", ctx_->err ? ctx_->errstr : "no reply");
    CloseAndPause();
    return Status::Unavailable();
  }
  return Status::Ok();
}

Status Redis::Exchange(std::string_view command, RedisReply* out) {
  std::vector<RedisReply> replies;
  RETURN_IF_ERROR(ExchangeAll({std::string(command)}, &replies));
  return Check(std::move(replies[0]), out);
}

Status Redis::Pipeline(const std::vector<std::vector<std::string_view>>& commands,
                       std::vector<RedisReply>* replies) {
  std::vector<std::string> formatted;
  formatted.reserve(commands.size());
  for (const auto& argv : commands) {
    formatted.emplace_back();
    RETURN_IF_ERROR(FormatArgv(argv, &formatted.back()));
  }
  RETURN_IF_ERROR(ExchangeAll(formatted, replies));
  for (const RedisReply& r : *replies) {
    const redisReply* x = r.get();
    if (x && CannotServe(x)) {
      LogError("redis: %.*s", static_cast<int>(x->len), x->str);
      CloseAndPause();
      return Status::Unavailable();
    }
  }
  return Status::Ok();
}

Status Redis::Command(RedisReply* out, const char* format, ...) {
  char* command = nullptr;
  va_list ap;
  va_start(ap, format);
  int length = redisvFormatCommand(&command, format, ap);
  va_end(ap);
  if (length < 0) return Status::Internal("redis: bad command format");
  const FormattedCommand owned(command);
  return Exchange(std::string_view(command, static_cast<size_t>(length)), out);
}

Status Redis::CommandArgv(const std::vector<std::string_view>& argv, RedisReply* out) {
  std::string command;
  RETURN_IF_ERROR(FormatArgv(argv, &command));
  return Exchange(command, out);
}

Status Redis::Eval(const RedisScript& script, const std::vector<std::string_view>& keys,
                   const std::vector<std::string_view>& args, RedisReply* out) {
  std::string numkeys = std::to_string(keys.size());
  std::vector<std::string_view> argv = {"EVALSHA", script.sha1, numkeys};
  argv.insert(argv.end(), keys.begin(), keys.end());
  argv.insert(argv.end(), args.begin(), args.end());
  Status s = CommandArgv(argv, out);
  if (s.kind() != StatusKind::kNotFound) return s;
  argv[0] = "EVAL";  // not loaded yet (first use, or Redis restarted): send the source
  argv[1] = script.source;
  return CommandArgv(argv, out);
}

Status Redis::Ping() {
  RedisReply reply;
  return Command(&reply, "PING");
}

}  // namespace dt
