#include "lib/core/metrics.h"

#include <cstdio>
#include <cstring>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace dt {
namespace {

constexpr size_t kBuckets = sizeof kLatencyBuckets / sizeof kLatencyBuckets[0];

// The rarer series (store events, tasks, gauges), under one lock. Events that may not
// happen for a long time are there from the start, at 0: a rate of them is then 0, not
// "no data".
std::map<std::string, double> InitialSeries() {
  std::map<std::string, double> s;
  for (const char* name :
       {"dt_mysql_errors_total", "dt_mysql_connects_total", "dt_mysql_statements_prepared_total",
        "dt_redis_errors_total", "dt_redis_connects_total", "dt_requests_in_flight",
        "dt_sms_undelivered_total"}) {
    s[name] = 0;
  }
  for (const char* reason : {"country", "prefix", "budget"}) {
    s[std::string("dt_sms_refusals_total{reason=\"") + reason + "\"}"] = 0;
  }
  for (const char* channel : {"sandbox", "alipay", "wechat", "appstore"}) {
    for (const char* outcome : {"credited", "repeat", "refund_due", "refused", "error"}) {
      s[std::string("dt_payments_total{channel=\"") + channel + "\",outcome=\"" + outcome + "\"}"] =
          0;
    }
  }
  for (const char* provider : {"apns", "fcm"}) {
    for (const char* outcome : {"sent", "invalid_token", "retry", "failed"}) {
      s[std::string("dt_push_outcomes_total{provider=\"") + provider + "\",outcome=\"" + outcome +
        "\"}"] = 0;
    }
  }
  return s;
}

std::mutex metrics_mutex;
std::map<std::string, double>& Series() {
  static std::map<std::string, double>* series = new std::map<std::string, double>(InitialSeries());
  return *series;
}

// One route's requests in one thread: by code, and the histogram (the last bucket +Inf),
// each request in the one bucket it falls in (made cumulative in the snapshot).
struct RouteCounts {
  std::map<int, double> codes;
  double buckets[kBuckets + 1] = {};
  double sum = 0;
  double count = 0;
};

// A thread's requests, by the address of the route's text (the router's paths live as
// long as the process). Registered once and never freed: the threads last as long. Its
// lock is taken by its thread and by a snapshot, nothing else.
struct ThreadCounts {
  std::mutex mutex;
  std::unordered_map<const char*, RouteCounts> routes;
};
std::mutex threads_mutex;
std::vector<ThreadCounts*>& AllThreadCounts() {
  static std::vector<ThreadCounts*>* all = new std::vector<ThreadCounts*>();
  return *all;
}
ThreadCounts& MyCounts() {
  thread_local ThreadCounts* mine = [] {
    ThreadCounts* counts = new ThreadCounts();
    std::lock_guard<std::mutex> lock(threads_mutex);
    AllThreadCounts().push_back(counts);
    return counts;
  }();
  return *mine;
}

std::string Number(double v) {
  char text[32];
  snprintf(text, sizeof text, "%.15g", v);  // 0.001 stays "0.001"
  return text;
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() > suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The family of a series: its name without labels and without a histogram's suffix.
std::string FamilyOf(const std::string& series, bool* histogram) {
  const std::string name = series.substr(0, series.find('{'));
  *histogram = name.rfind("dt_request_duration_seconds_", 0) == 0;
  if (!*histogram) return name;
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    if (EndsWith(name, suffix)) return name.substr(0, name.size() - strlen(suffix));
  }
  return name;
}

}  // namespace

std::string MetricLabel(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    if (c == '\\' || c == '"') out += '\\';
    out += c;
  }
  return out;
}

void CountRequest(const char* route, int code, double seconds) {
  ThreadCounts& mine = MyCounts();
  std::lock_guard<std::mutex> lock(mine.mutex);
  RouteCounts& r = mine.routes[route];
  r.codes[code] += 1;
  size_t b = 0;
  while (b < kBuckets && seconds > kLatencyBuckets[b]) ++b;
  r.buckets[b] += 1;
  r.sum += seconds;
  r.count += 1;
}

void CountTask(std::string_view task, bool ok, double seconds, int64_t now) {
  const std::string labels = "{task=\"" + MetricLabel(task) + "\"}";
  std::lock_guard<std::mutex> lock(metrics_mutex);
  std::map<std::string, double>& s = Series();
  s["dt_task_runs_total" + labels] += 1;
  s["dt_task_failures_total" + labels] += ok ? 0 : 1;
  s["dt_task_seconds_total" + labels] += seconds;
  s["dt_task_last_run_timestamp_seconds" + labels] = static_cast<double>(now);
}

void CountEvent(std::string_view series) {
  std::lock_guard<std::mutex> lock(metrics_mutex);
  Series()[std::string(series)] += 1;
}

void SetInFlight(int n) {
  std::lock_guard<std::mutex> lock(metrics_mutex);
  Series()["dt_requests_in_flight"] = n;
}

std::map<std::string, double> MetricsSnapshot() {
  std::map<std::string, RouteCounts> routes;  // every thread's, by the route's text
  {
    std::lock_guard<std::mutex> lock(threads_mutex);
    for (ThreadCounts* t : AllThreadCounts()) {
      std::lock_guard<std::mutex> thread_lock(t->mutex);
      for (const auto& [route, counts] : t->routes) {
        RouteCounts& all = routes[route];
        for (const auto& [code, n] : counts.codes) all.codes[code] += n;
        for (size_t b = 0; b <= kBuckets; ++b) all.buckets[b] += counts.buckets[b];
        all.sum += counts.sum;
        all.count += counts.count;
      }
    }
  }
  std::map<std::string, double> out;
  {
    std::lock_guard<std::mutex> lock(metrics_mutex);
    out = Series();
  }
  for (const auto& [route, counts] : routes) {
    const std::string labels = "{route=\"" + MetricLabel(route) + "\"";
    for (const auto& [code, n] : counts.codes) {
      out["dt_requests_total" + labels + ",code=\"" + std::to_string(code) + "\"}"] = n;
    }
    double cumulative = 0;
    for (size_t b = 0; b <= kBuckets; ++b) {
      cumulative += counts.buckets[b];
      const std::string le = b < kBuckets ? Number(kLatencyBuckets[b]) : "+Inf";
      out["dt_request_duration_seconds_bucket" + labels + ",le=\"" + le + "\"}"] = cumulative;
    }
    out["dt_request_duration_seconds_sum" + labels + "}"] = counts.sum;
    out["dt_request_duration_seconds_count" + labels + "}"] = counts.count;
  }
  return out;
}

std::string RenderMetrics(const std::map<std::string, double>& series) {
  // Families in name order, a family's series together (a histogram's buckets, sums and
  // counts under one # TYPE line), as Prometheus' parser wants them.
  std::map<std::string, std::pair<bool, std::string>> families;
  for (const auto& [name, value] : series) {
    bool histogram = false;
    auto& family = families[FamilyOf(name, &histogram)];
    family.first = histogram;
    family.second += name + " " + Number(value) + "\n";
  }
  std::string out;
  for (const auto& [family, body] : families) {
    const char* type = body.first ? "histogram" : EndsWith(family, "_total") ? "counter" : "gauge";
    out += "# TYPE " + family + " " + type + "\n" + body.second;
  }
  return out;
}

}  // namespace dt
