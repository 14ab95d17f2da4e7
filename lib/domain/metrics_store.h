// The worker processes' counters (lib/core/metrics.h) summed across processes and hosts,
// in Redis: each process writes its cumulative series to a hash of its own every few
// seconds (the "metrics" task), which lives 30 s after the last write, so a process that
// died drops out of the sums within half a minute (Prometheus reads that as a counter
// reset, which rate() handles). Redis, not shared memory: the workers of every host
// already share it, and /metrics on any of them then answers for all.
//   dt:metrics:proc:<host>:<pid>   hash: series -> value
//   dt:metrics:procs               sorted set: those hashes by their last write
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "lib/core/status.h"
#include "lib/store/redis.h"

namespace dt {

// Writes this process's series at `now`, with `in_flight` requests being answered.
Status FlushMetrics(Redis& redis, int in_flight, int64_t now);

// Every live process's series, summed, and dt_worker_processes (how many wrote lately).
Status CollectMetrics(Redis& redis, int64_t now, std::map<std::string, double>* out);

}  // namespace dt
