// GET /api/admin/metrics (nginx/operator.conf serves it as /metrics too, where Prometheus
// looks): Prometheus' text format, on the operator address only (404 elsewhere, like every
// operator route), no session needed: every live worker process's counters summed
// (lib/domain/metrics_store.h), at most the "metrics" task's interval (5 s) old, and the
// counters of the nchan this worker publishes to (nchan_stub_status) as dt_nchan_*.
// docs/operations.md, "Metrics".
#include <cstdlib>

#include "handlers/handlers.h"
#include "lib/core/context.h"
#include "lib/core/metrics.h"
#include "lib/domain/metrics_store.h"
#include "lib/domain/operator.h"
#include "lib/outbound/nchan_client.h"

namespace dt {
namespace {

// nchan_stub_status's "name: value" lines ("shared memory used: 1824K") into
// dt_nchan_<name> (dt_nchan_shared_memory_used_bytes), the version line left out.
void ReadNchanStatus(const std::string& text, std::map<std::string, double>* out) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    const size_t colon = line.find(": ");
    if (colon == std::string::npos) continue;
    std::string name = "dt_nchan_";
    for (char c : line.substr(0, colon)) {
      name += c == ' ' ? '_' : (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    const std::string value = line.substr(colon + 2);
    char* rest = nullptr;
    double v = strtod(value.c_str(), &rest);
    if (rest == value.c_str() ||
        name.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") != std::string::npos) {
      continue;  // not a number ("nchan version"), or a name that is not one
    }
    if (*rest == 'K') {
      v *= 1024;
      name += "_bytes";
    }
    (*out)[name] = v;
  }
}

Reply HandleMetrics(RequestContext& ctx) {
  std::map<std::string, double> series;
  RETURN_IF_ERROR(CollectMetrics(ctx.redis, ctx.clock().NowSeconds(), &series));
  const Config& config = ctx.config();
  if (!config.events_publisher.empty()) {
    thread_local NchanClient nchan(config.events_publisher, config.events_timeout_ms);
    int status = 0;
    std::string text;
    const bool up =
        nchan.Exchange("GET", "/dt-nchan-status", "", "", &status, &text).ok() && status == 200;
    if (up) ReadNchanStatus(text, &series);
    series["dt_nchan_up"] = up ? 1 : 0;
  }
  return Reply::Body(200, "text/plain; version=0.0.4; charset=utf-8", RenderMetrics(series));
}

}  // namespace

std::vector<Route> MetricsRoutes() {
  return {
      Get("/api/admin/metrics", HandleMetrics).Auth(kOperatorDoor),
  };
}

}  // namespace dt
