// Serving one accepted request, the request path of DESIGN.md: environment -> route ->
// body limit -> parameters -> guard -> handler -> reply -> access log. Every outcome,
// thrown exceptions included, becomes the JSON envelope with its HTTP status here and
// nowhere else. Thread-safe: call from any number of threads, each with its own Db and
// Redis.
#pragma once

#include <fcgiapp.h>

#include "lib/context.h"
#include "lib/router.h"

namespace dt {

void ServeRequest(FCGX_Request& request, const Router& router, const Services& services, Db& db,
                  ReadDb& reads, Redis& redis);

}  // namespace dt
