// A worker thread's connections: its Db (the primary), the ReadDb over the replicas and
// its Redis, with the MariaDB client's per-thread setup, for RunServer (lib/core/server.h).
// One per thread.
#pragma once

#include <cstddef>
#include <memory>

#include "lib/core/server.h"

namespace dt {

// Opens them lazily (each connects on first use) for thread number `thread_index`, which
// spreads the threads over the read replicas.
std::unique_ptr<ThreadConnections> OpenThreadConnections(const Services& services,
                                                         size_t thread_index);

}  // namespace dt
