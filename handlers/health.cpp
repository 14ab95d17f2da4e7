// GET /api/health: unsigned; one round trip to MySQL and one to Redis.
#include "handlers/handlers.h"
#include "lib/core/context.h"
#include "lib/store/db.h"
#include "lib/store/redis.h"

namespace dt {
namespace {

Reply HandleHealth(RequestContext& ctx) {
  bool mysql_ok = ctx.db.Ping().ok();
  bool redis_ok = ctx.redis.Ping().ok();
  JsonWriter data;
  data.Str("mysql", mysql_ok ? "ok" : "down").Str("redis", redis_ok ? "ok" : "down");
  if (mysql_ok && redis_ok) return Reply::Ok(data);
  return Status::Error(kUnavailable, "service unavailable.", data.Close());
}

}  // namespace

std::vector<Route> HealthRoutes() {
  return {
      Get("/api/health", HandleHealth),
  };
}

}  // namespace dt
