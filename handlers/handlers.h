// The route rows each handler file exports, and the whole table assembled from them.
#pragma once

#include <vector>

#include "lib/router.h"

namespace dt {

std::vector<Route> AuthRoutes();    // handlers/auth.cpp
std::vector<Route> HealthRoutes();  // handlers/health.cpp

// Every route of the API (handlers/routes.cpp).
std::vector<Route> AllRoutes();

}  // namespace dt
