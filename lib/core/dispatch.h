// Serving one accepted request, the request path of DESIGN.md: environment -> route ->
// body limit -> parameters -> the row's authenticator -> handler -> reply -> access log.
// Every outcome, thrown exceptions included, becomes the JSON envelope with its HTTP
// status here and nowhere else. Thread-safe: call from any number of threads, each with
// its own connections.
#pragma once

#include <fcgiapp.h>

#include "lib/core/context.h"
#include "lib/core/router.h"

namespace dt {

void ServeRequest(FCGX_Request& request, const Router& router, const Services& services,
                  const Connections& conn);

}  // namespace dt
