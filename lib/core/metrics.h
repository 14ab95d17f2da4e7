// The worker process's own counters, for GET /metrics (Prometheus' text format). Each
// process counts in memory (a request: a few array and map updates under its own
// thread's lock, which nothing else takes but a snapshot; the rarer events under one
// lock of the process); its
// cumulative values go to Redis every few seconds (lib/domain/metrics_store.h), and
// /metrics sums every live process's, so that any worker answers for all of them
// (docs/operations.md, "Metrics").
//
// A series is named as Prometheus writes it, labels and all:
//   dt_requests_total{route="/api/user/show",code="0"}
// Routes are the router's paths (a request to no route counts as route="other"), so the
// number of series is bounded by the routes, codes and buckets there are.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace dt {

// The latency histogram's upper bounds, in seconds.
inline constexpr double kLatencyBuckets[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                             0.1,   0.25,   0.5,   1,    2.5};

// One request answered: its route (a string that lives as long as the process: the
// router's path, or "other"), the API code of its reply and its time.
void CountRequest(const char* route, int code, double seconds);

// One run of a background task, and whether it failed.
void CountTask(std::string_view task, bool ok, double seconds, int64_t now);

// An event, by its whole series: the stores' "dt_mysql_errors_total",
// "dt_mysql_connects_total", "dt_mysql_statements_prepared_total", "dt_redis_errors_total",
// "dt_redis_connects_total"; the outside parties' dt_sms_outcomes_total{sender,outcome},
// dt_sms_refusals_total{reason}, dt_sms_undelivered_total, dt_payments_total{channel,
// outcome}, dt_push_outcomes_total{provider,outcome} (label values through MetricLabel).
void CountEvent(std::string_view series);

// Requests being answered right now by this process (the server's count).
void SetInFlight(int n);

// Every series of this process, cumulative since it started (gauges as they are now).
std::map<std::string, double> MetricsSnapshot();

// Prometheus' text format of summed series: each family's # TYPE line, then its series.
std::string RenderMetrics(const std::map<std::string, double>& series);

// A label value as Prometheus' text format writes it (backslash, quote, newline escaped).
std::string MetricLabel(std::string_view value);

}  // namespace dt
