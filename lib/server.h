// The worker process: T threads, each blocking in FCGX_Accept_r on fd 0 (the socket that
// supervisord's [fcgi-program] binds and hands over) and serving one request at a time
// with its own Db and Redis connections. SIGTERM/SIGINT finish the requests in flight,
// then exit. One Server per process.
#pragma once

#include "lib/context.h"
#include "lib/router.h"

namespace dt {

// Serves until a stop signal; returns the process exit status.
int RunServer(const Services& services, const Router& router);

}  // namespace dt
