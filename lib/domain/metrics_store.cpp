#include "lib/domain/metrics_store.h"

#include <unistd.h>

#include <cstdlib>
#include <string_view>
#include <vector>

#include "lib/core/metrics.h"

namespace dt {
namespace {

constexpr int kProcessKeySeconds = 30;

const std::string& ProcessKey() {
  static const std::string key = [] {
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    return "dt:metrics:proc:" + std::string(host) + ":" + std::to_string(getpid());
  }();
  return key;
}

}  // namespace

Status FlushMetrics(Redis& redis, int in_flight) {
  SetInFlight(in_flight);
  const std::map<std::string, double> series = MetricsSnapshot();
  std::vector<std::string> values;
  values.reserve(series.size());
  std::vector<std::string_view> hset = {"HSET", ProcessKey()};
  for (const auto& [name, value] : series) {
    char text[32];
    snprintf(text, sizeof text, "%.15g", value);
    values.emplace_back(text);
  }
  size_t i = 0;
  for (const auto& [name, value] : series) {
    hset.push_back(name);
    hset.push_back(values[i++]);
  }
  const std::string ttl = std::to_string(kProcessKeySeconds);
  std::vector<RedisReply> replies;
  return redis.Pipeline({hset, {"EXPIRE", ProcessKey(), ttl}}, &replies);
}

Status CollectMetrics(Redis& redis, std::map<std::string, double>* out) {
  std::vector<std::string> keys;
  std::string cursor = "0";
  do {
    RedisReply reply;
    RETURN_IF_ERROR(
        redis.CommandArgv({"SCAN", cursor, "MATCH", "dt:metrics:proc:*", "COUNT", "1000"}, &reply));
    if (reply.size() != 2) return Status::Internal("SCAN gave no cursor");
    cursor.assign(reply.Element(0)->str, reply.Element(0)->len);
    const redisReply* found = reply.Element(1);
    for (size_t k = 0; k < found->elements; ++k) {
      keys.emplace_back(found->element[k]->str, found->element[k]->len);
    }
  } while (cursor != "0");
  std::vector<std::vector<std::string_view>> reads;
  for (const std::string& key : keys) reads.push_back({"HGETALL", key});
  std::vector<RedisReply> replies;
  if (!reads.empty()) RETURN_IF_ERROR(redis.Pipeline(reads, &replies));
  int processes = 0;
  for (const RedisReply& r : replies) {
    if (r.size() == 0) continue;  // gone between the SCAN and the read
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
