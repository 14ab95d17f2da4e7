// dtadmin: operator commands that work on the stores directly (not through the API).
//   dtadmin --config PATH rebuild-hot    remake the hot ranking from MySQL and the day sets
//   dtadmin --config PATH rebuild-geo    remake the nearby GEO index from MySQL's locations
#include <mysql.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "lib/clock.h"
#include "lib/config.h"
#include "lib/db.h"
#include "lib/geo.h"
#include "lib/hot.h"
#include "lib/redis.h"

namespace {

int Usage() {
  fprintf(stderr,
          "usage: dtadmin [--config PATH] COMMAND   (default config: $DATINGTODAY_CONFIG)\n"
          "  rebuild-hot   remake the hot ranking (Redis dt:hot:week) from MySQL\n"
          "  rebuild-geo   remake the nearby index (Redis dt:geo, dt:geo:time) from MySQL\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string path = getenv("DATINGTODAY_CONFIG") ? getenv("DATINGTODAY_CONFIG") : "";
  std::string command;
  for (int i = 1; i < argc; ++i) {
    if (!strcmp(argv[i], "--config") && i + 1 < argc) {
      path = argv[++i];
    } else if (command.empty() && argv[i][0] != '-') {
      command = argv[i];
    } else {
      return Usage();
    }
  }
  if (path.empty() || command.empty()) return Usage();
  dt::Config config;
  dt::Status s = dt::LoadConfig(path, &config);
  if (!s.ok()) {
    fprintf(stderr, "dtadmin: %s\n", s.msg().c_str());
    return 1;
  }
  mysql_library_init(0, nullptr, nullptr);
  dt::Db db(config);
  dt::Redis redis(config);
  dt::SystemClock clock;
  if (command == "rebuild-hot") {
    s = dt::HotRebuild(db, redis, clock.NowSeconds());
  } else if (command == "rebuild-geo") {
    s = dt::GeoRebuild(db, redis, clock.NowSeconds());
  } else {
    return Usage();
  }
  if (!s.ok()) {
    fprintf(stderr, "dtadmin %s: failed: %d %s\n", command.c_str(), s.code(), s.msg().c_str());
    return 1;
  }
  printf("dtadmin %s: done\n", command.c_str());
  return 0;
}
