// The API's route table: the rows of every handler file, in one list.
#include "handlers/handlers.h"
#include "lib/core/log.h"
#include "lib/domain/discovery.h"
#include "lib/domain/geo.h"
#include "lib/domain/hot.h"
#include "lib/domain/media.h"
#include "lib/domain/metrics_store.h"
#include "lib/domain/moderation.h"
#include "lib/domain/visits.h"
#include "lib/outbound/push.h"
#include "lib/outbound/reconcile.h"

namespace dt {

std::vector<Route> AllRoutes() {
  std::vector<Route> all;
  for (auto part : {AuthRoutes,    HealthRoutes,  UserRoutes,    NearbyRoutes,   LabelRoutes,
                    AlbumRoutes,   UploadRoutes,  MessageRoutes, ContactsRoutes, VipRoutes,
                    PayRoutes,     VisitorRoutes, SafetyRoutes,  MatchRoutes,    DiscoveryRoutes,
                    AccountRoutes, EventsRoutes,  DeviceRoutes,  AdminRoutes,    MetricsRoutes}) {
    std::vector<Route> rows = part();
    all.insert(all.end(), rows.begin(), rows.end());
  }
  return all;
}

namespace {

Status RollHotRanking(Db&, Redis& redis, const Services& services) {
  return HotRollover(redis, services.clock.NowSeconds());
}

Status WriteVisits(Db& db, Redis& redis, const Services&) { return FlushVisits(db, redis); }

Status PruneStaleLocations(Db& db, Redis& redis, const Services& services) {
  return GeoPrune(db, redis, services.clock.NowSeconds());
}

// Spooled uploads an hour old belong to a request that died with its worker.
Status PruneSpool(Db&, Redis&, const Services& services) {
  int removed = 0;
  RETURN_IF_ERROR(
      PruneUploadSpool(services.config.media_root, services.clock.NowSeconds(), 3600, &removed));
  if (removed > 0) LogInfo("spool-prune: removed %d abandoned upload(s)", removed);
  return Status::Ok();
}

// Orders whose notify never came: asked about at their gateway (lib/outbound/reconcile.h).
Status Reconcile(Db& db, Redis& redis, const Services& services) {
  int credited = 0, closed = 0;
  return ReconcilePayments(db, redis, services.config, services.clock.NowSeconds(), &credited,
                           &closed);
}

// The queued pushes that are due, and the retries (lib/outbound/push.h).
Status SendPushes(Db& db, Redis& redis, const Services& services) {
  return SendDuePushes(db, redis, services.config,
                       static_cast<int64_t>(services.clock.Now() * 1000));
}

// Boosts that ended leave the set the decks search (they are checked by their end too).
Status PruneEndedBoosts(Db&, Redis& redis, const Services& services) {
  return PruneBoosts(redis, services.clock.NowSeconds());
}

// Bans for N days whose days are over (lib/domain/moderation.h).
Status LiftBans(Db& db, Redis& redis, const Services& services) {
  int lifted = 0;
  RETURN_IF_ERROR(LiftExpiredBans(db, redis, services.clock.NowSeconds(), &lifted));
  if (lifted > 0) LogInfo("ban-expiry: lifted %d ban(s)", lifted);
  return Status::Ok();
}

// This process's counters into Redis, where /metrics sums them (lib/domain/metrics_store.h).
Status WriteMetrics(Db&, Redis& redis, const Services& services) {
  return FlushMetrics(redis, RequestsInFlight(), services.clock.NowSeconds());
}

}  // namespace

std::vector<PeriodicTask> AllTasks() {
  return {
      {"hot-rollover", 30, RollHotRanking}, {"geo-prune", 60, PruneStaleLocations},
      {"visits", 1, WriteVisits},           {"spool-prune", 600, PruneSpool},
      {"pay-reconcile", 2, Reconcile},      {"boost-prune", 60, PruneEndedBoosts},
      {"push-send", 1, SendPushes},         {"ban-expiry", 30, LiftBans},
      {"metrics", 5, WriteMetrics},
  };
}

}  // namespace dt
