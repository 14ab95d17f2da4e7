// The worker binary (the composition root of the layers): load and validate the config,
// then serve FastCGI on fd 0 with the API's routes, tasks and per-thread connections.
//   datingtoday [--config PATH]      (default: $DATINGTODAY_CONFIG)
//   datingtoday --check-config PATH  (validate and exit)
#include <mysql.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "handlers/handlers.h"
#include "lib/core/config.h"
#include "lib/core/log.h"
#include "lib/core/server.h"
#include "lib/domain/sms.h"
#include "lib/outbound/events.h"
#include "lib/outbound/http_client.h"
#include "lib/outbound/sms_senders.h"
#include "lib/store/connections.h"

int main(int argc, char** argv) {
  std::string path;
  bool check_only = false;
  if (const char* env = getenv("DATINGTODAY_CONFIG")) path = env;
  for (int i = 1; i < argc; ++i) {
    if ((!strcmp(argv[i], "--config") || !strcmp(argv[i], "--check-config")) && i + 1 < argc) {
      check_only = !strcmp(argv[i], "--check-config");
      path = argv[++i];
    } else {
      fprintf(stderr, "usage: %s [--config PATH | --check-config PATH]\n", argv[0]);
      return 2;
    }
  }
  if (path.empty()) {
    fprintf(stderr, "datingtoday: no config: pass --config PATH or set DATINGTODAY_CONFIG\n");
    return 2;
  }
  dt::Config config;
  dt::Status s = dt::LoadConfig(path, &config);
  if (!s.ok()) {
    fprintf(stderr, "datingtoday: %s\n", s.msg().c_str());
    return 1;
  }
  // An app kept on a weak secret because shipped clients hold it: said at every start.
  for (const auto& [appkey, app] : config.apps) {
    if (!app.legacy) continue;
    dt::LogInfo(
        "warning: [app.%s] legacy = 1: its secret (%zu bytes) is weak; move its clients"
        " to an app with a long random secret",
        appkey.c_str(), app.secret.size());
  }
  if (check_only) {
    printf("%s: ok\n", path.c_str());
    return 0;
  }
  if (mysql_library_init(0, nullptr, nullptr) != 0) {
    fprintf(stderr, "datingtoday: mysql_library_init failed\n");
    return 1;
  }
  dt::InitOutbound();  // libcurl's global state, before any thread
  dt::SystemClock clock;
  const dt::SmsSenders sms = dt::MakeSmsSenders(config);
  dt::Services services{config, clock, sms};
  dt::Router router(dt::AllRoutes());
  return dt::RunServer(services, router, dt::AllTasks(), dt::OpenThreadConnections,
                       dt::DrainEvents);
}
