#include "lib/domain/metrics_store.h"

#include <unistd.h>

#include <cstdlib>
#include <string_view>
#include <vector>

#include "lib/core/metrics.h"

namespace dt {
namespace {

constexpr int kProcessKeySeconds = 30;
constexpr char kProcesses[] = "dt:metrics:procs";  // process hash -> its last write (Unix s)

const std::string& ProcessKey() {
  static const std::string key = [] {
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    return "dt:metrics:proc:" + std::string(host) + ":" + std::to_string(getpid());
  }();
  return key;
}

}  // namespace

Status FlushMetrics(Redis& redis, int in_flight, int64_t now) {
  SetInFlight(in_flight);
  const std::map<std::string, double> series = MetricsSnapshot();
  std::vector<std::string> values;  // reserved: the views below stay valid
  values.reserve(series.size());
  std::vector<std::string_view> hset = {"HSET", ProcessKey()};
  for (const auto& [name, value] : series) {
    char text[32];
    snprintf(text, sizeof text, "%.15g", value);
    values.emplace_back(text);
    hset.push_back(name);
    hset.push_back(values.back());
  }
  const std::string ttl = std::to_string(kProcessKeySeconds), at = std::to_string(now);
  std::vector<RedisReply> replies;
  return redis.Pipeline(
      {hset, {"EXPIRE", ProcessKey(), ttl}, {"ZADD", kProcesses, at, ProcessKey()}}, &replies);
}

Status CollectMetrics(Redis& redis, int64_t now, std::map<std::string, double>* out) {
  // The processes that wrote lately, from their index (never a SCAN of the keyspace);
  // those silent as long as their hash lives leave it (no later than the hash expires).
  const std::string stale = std::to_string(now - kProcessKeySeconds);
  std::vector<RedisReply> listed;
  RETURN_IF_ERROR(redis.Pipeline(
      {{"ZREMRANGEBYSCORE", kProcesses, "-inf", stale}, {"ZRANGE", kProcesses, "0", "-1"}},
      &listed));
  std::vector<std::vector<std::string_view>> reads;
  for (size_t k = 0; k < listed[1].size(); ++k) {
    reads.push_back(
        {"HGETALL", std::string_view(listed[1].Element(k)->str, listed[1].Element(k)->len)});
  }
  std::vector<RedisReply> replies;
  if (!reads.empty()) RETURN_IF_ERROR(redis.Pipeline(reads, &replies));
  int processes = 0;
  for (const RedisReply& r : replies) {
    if (r.size() == 0) continue;  // its hash expired before the index noticed
    ++processes;
    for (size_t k = 0; k + 1 < r.size(); k += 2) {
      const std::string name(r.Element(k)->str, r.Element(k)->len);
      (*out)[name] +=
          strtod(std::string(r.Element(k + 1)->str, r.Element(k + 1)->len).c_str(), nullptr);
    }
  }
  (*out)["dt_worker_processes"] = processes;
  return Status::Ok();
}

}  // namespace dt
