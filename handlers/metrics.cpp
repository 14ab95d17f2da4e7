// GET /api/admin/metrics (nginx/operator.conf serves it as /metrics too, where Prometheus
// looks): Prometheus' text format, on the operator address only (404 elsewhere, like every
// operator route), no session needed: every live worker process's counters summed
// (lib/domain/metrics_store.h), at most the "metrics" task's interval (5 s) old.
// docs/operations.md, "Metrics".
#include "lib/core/metrics.h"
#include "handlers/handlers.h"
#include "lib/core/context.h"
#include "lib/domain/metrics_store.h"
#include "lib/domain/operator.h"

namespace dt {
namespace {

Reply HandleMetrics(RequestContext& ctx) {
  std::map<std::string, double> series;
  RETURN_IF_ERROR(CollectMetrics(ctx.redis, &series));
  return Reply::Body(200, "text/plain; version=0.0.4; charset=utf-8", RenderMetrics(series));
}

}  // namespace

std::vector<Route> MetricsRoutes() {
  return {
      Get("/api/admin/metrics", HandleMetrics).Auth(kOperatorDoor),
  };
}

}  // namespace dt
