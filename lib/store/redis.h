// Redis: one hiredis connection, opened lazily and reopened on the next call after it was
// lost. Commands only through hiredis argument formatting (%s, %b, %lld) or argument
// vectors, never pasted together. A lost connection, a timeout or a server that cannot
// answer (LOADING, MASTERDOWN, READONLY) is a 901 status; other error replies are 900.
// After a connection is lost or a connect fails, calls fail at once (901) for
// kRedisRetryPauseMs before the next attempt, so a Redis that is down or frozen costs a
// thread at most one timeout per pause, not one per call.
// With [redis] sentinels, every (re)connection asks the sentinels for the master of
// [redis] master_name and checks with ROLE that it is one; after a failover the old
// master's connection is lost or answers READONLY, so the next call finds the new one.
// Thread-compatible: each worker thread owns one Redis; never share one between threads.
#pragma once

#include <hiredis/hiredis.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lib/core/config.h"
#include "lib/core/status.h"

namespace dt {

constexpr int kRedisRetryPauseMs = 500;

// Owns one reply.
class RedisReply {
 public:
  RedisReply() = default;
  ~RedisReply() { Reset(nullptr); }
  RedisReply(const RedisReply&) = delete;
  RedisReply& operator=(const RedisReply&) = delete;
  RedisReply(RedisReply&& other) noexcept : reply_(other.reply_) { other.reply_ = nullptr; }
  RedisReply& operator=(RedisReply&& other) noexcept {
    if (this != &other) Reset(other.Release());
    return *this;
  }

  void Reset(redisReply* r) {
    if (reply_) freeReplyObject(reply_);
    reply_ = r;
  }
  const redisReply* get() const { return reply_; }
  // Hands the reply over to the caller (who frees it, e.g. by Reset of another RedisReply).
  redisReply* Release() {
    redisReply* r = reply_;
    reply_ = nullptr;
    return r;
  }

  bool IsNil() const { return !reply_ || reply_->type == REDIS_REPLY_NIL; }
  bool IsInteger() const { return reply_ && reply_->type == REDIS_REPLY_INTEGER; }
  bool IsString() const {
    return reply_ && (reply_->type == REDIS_REPLY_STRING || reply_->type == REDIS_REPLY_STATUS);
  }
  long long Integer() const { return IsInteger() ? reply_->integer : 0; }
  std::string_view Str() const {
    return IsString() ? std::string_view(reply_->str, reply_->len) : std::string_view();
  }
  size_t size() const { return reply_ && reply_->type == REDIS_REPLY_ARRAY ? reply_->elements : 0; }
  const redisReply* Element(size_t i) const { return reply_->element[i]; }

 private:
  redisReply* reply_ = nullptr;
};

// A Lua script sent by EVALSHA, loaded on first use (and again after a Redis restart).
struct RedisScript {
  explicit RedisScript(const char* source);
  const char* source;
  std::string sha1;
};

class Redis {
 public:
  explicit Redis(const Config& config) : config_(config) {}
  ~Redis();
  Redis(const Redis&) = delete;
  Redis& operator=(const Redis&) = delete;

  // One command in hiredis format syntax.
  Status Command(RedisReply* out, const char* format, ...);

  // One command as an argument vector.
  Status CommandArgv(const std::vector<std::string_view>& argv, RedisReply* out);

  // Several commands in one round trip; replies[i] answers commands[i]. An error reply
  // to one of them is left in its reply for the caller to read (not a failed status).
  Status Pipeline(const std::vector<std::vector<std::string_view>>& commands,
                  std::vector<RedisReply>* replies);

  // EVALSHA of `script` with its keys and arguments.
  Status Eval(const RedisScript& script, const std::vector<std::string_view>& keys,
              const std::vector<std::string_view>& args, RedisReply* out);

  Status Ping();

 private:
  Status Connect();
  struct ContextFree {
    void operator()(redisContext* c) const { redisFree(c); }
  };
  using Context = std::unique_ptr<redisContext, ContextFree>;

  // With [redis] sentinels: a connection to the master the first sentinel that knows
  // names (empty when none does).
  Context ConnectViaSentinels(const struct timeval& tv);
  void Close();
  // Close() after a failure of the connection itself: no new attempt for a pause.
  void CloseAndPause();
  // Sends formatted commands and reads their replies, reconnecting once if needed.
  Status Exchange(std::string_view command, RedisReply* out);
  Status ExchangeAll(const std::vector<std::string>& commands, std::vector<RedisReply>* replies);
  Status Check(RedisReply reply, RedisReply* out);

  const Config& config_;
  Context ctx_;
  std::string master_;  // the master last named by a sentinel, for the log
  std::chrono::steady_clock::time_point retry_at_;
};

}  // namespace dt
