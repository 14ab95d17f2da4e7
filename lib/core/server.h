// The worker process: T threads, each blocking in FCGX_Accept_r on fd 0 (the socket that
// supervisord's [fcgi-program] binds and hands over) and serving one request at a time
// with its own Db and Redis connections. SIGTERM/SIGINT finish the requests in flight,
// then exit. One Server per process.
#pragma once

#include <chrono>
#include <memory>
#include <vector>

#include "lib/core/context.h"
#include "lib/core/router.h"

namespace dt {

// Work a worker does in the background, every `interval` seconds, on a thread of its
// own with its own connections (e.g. the hot ranking's rollover). A task that must run
// in one place at a time takes a Redis lock itself.
struct PeriodicTask {
  const char* name;
  int interval;
  Status (*run)(Db& db, Redis& redis, const Services& services);
};

// One thread's connections, held from its start to its end. Core does not open them (they
// are lib/store's): the caller of RunServer gives the function that does.
class ThreadConnections {
 public:
  virtual ~ThreadConnections() = default;
  virtual Connections get() = 0;
};
using OpenConnections = std::unique_ptr<ThreadConnections> (*)(const Services& services,
                                                               size_t thread_index);

// Work a stopping worker finishes after its requests, until the deadline (e.g. the events
// still queued for publishing).
using DrainFunction = bool (*)(std::chrono::steady_clock::time_point deadline);

// The requests this process is answering right now.
int RequestsInFlight();

// Serves until a stop signal; returns the process exit status.
int RunServer(const Services& services, const Router& router,
              const std::vector<PeriodicTask>& tasks, OpenConnections open,
              DrainFunction drain = nullptr);

}  // namespace dt
