// The API's route table: the rows of every handler file, in one list.
#include "handlers/handlers.h"

namespace dt {

std::vector<Route> AllRoutes() {
  std::vector<Route> all;
  for (auto part : {AuthRoutes, HealthRoutes}) {
    std::vector<Route> rows = part();
    all.insert(all.end(), rows.begin(), rows.end());
  }
  return all;
}

}  // namespace dt
