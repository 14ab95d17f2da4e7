// Profile views: the one event behind "who viewed me" (MySQL visitor) and the hot ranking
// (lib/domain/hot.h). RecordView costs the request one Redis round trip: it counts the view for
// the ranking and queues the visit (dt:visits); FlushVisits writes queued visits to MySQL
// in one statement per batch, from a worker task every second and before a visitor list
// is read, so a profile view costs no MySQL write and the owner still reads what was
// recorded. A worker that dies between taking and writing a batch loses those visits (at
// most one second of them). Thread-safe given per-thread Db/Redis.
#pragma once

#include <cstdint>

#include "lib/core/status.h"
#include "lib/store/db.h"
#include "lib/store/redis.h"

namespace dt {

// `viewer` viewed the profile of `user` at `now`.
Status RecordView(Redis& redis, int64_t user, int64_t viewer, int64_t now);

// Writes queued visits to the visitor table (at most `max` per call). Callers take turns
// (a MySQL named lock), so when one returns, every visit queued before it is in MySQL.
Status FlushVisits(Db& db, Redis& redis, int max = 5000);

}  // namespace dt
