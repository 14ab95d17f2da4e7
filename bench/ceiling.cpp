// The benchmark's ceilings, built from the project's own code: a minimal multithreaded
// libfcgi responder (threads on fd 0, as the workers), answering
//   ceiling bare                 a fixed JSON envelope, nothing else
//   ceiling floor CONFIG         after one Redis GET and one MariaDB primary-key SELECT
// with the lib/ connection classes: the floor under any real route.
#include <fcgiapp.h>
#include <mysql.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "lib/core/config.h"
#include "lib/store/db.h"
#include "lib/store/redis.h"

namespace {

void Serve(const dt::Config* config, int threads_unused) {
  (void)threads_unused;
  mysql_thread_init();
  std::unique_ptr<dt::Db> db(config ? new dt::Db(*config) : nullptr);
  std::unique_ptr<dt::Redis> redis(config ? new dt::Redis(*config) : nullptr);
  FCGX_Request request;
  FCGX_InitRequest(&request, 0, 0);
  static const char kHead[] = "Status: 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n\r\n";
  while (FCGX_Accept_r(&request) >= 0) {
    std::string body = "{\"code\":0,\"msg\":\"success\"}";
    if (config) {
      const char* query = FCGX_GetParam("QUERY_STRING", request.envp);
      const int64_t id = query && !strncmp(query, "id=", 3) ? atoll(query + 3) : 1;
      dt::RedisReply cached;
      dt::Row row;
      bool found = false;
      if (!redis->Command(&cached, "GET dt:bench:floor").ok() ||
          !db->QueryRow("SELECT id, nickname FROM user_info WHERE id = ?", {id}, &row, &found).ok()) {
        body = "{\"code\":901,\"msg\":\"service unavailable.\"}";
      } else {
        body = "{\"code\":0,\"msg\":\"success\",\"data\":{\"nickname\":\"" +
               (found ? row.Str(1) : std::string()) + "\"}}";
      }
    }
    FCGX_PutStr(kHead, sizeof kHead - 1, request.out);
    FCGX_PutStr(body.data(), static_cast<int>(body.size()), request.out);
    FCGX_Finish_r(&request);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || (strcmp(argv[1], "bare") && strcmp(argv[1], "floor")) ||
      (!strcmp(argv[1], "floor") && argc < 3)) {
    fprintf(stderr, "usage: ceiling bare | ceiling floor CONFIG\n");
    return 2;
  }
  dt::Config config;
  const bool floor = !strcmp(argv[1], "floor");
  if (floor) {
    dt::Status s = dt::LoadConfig(argv[2], &config);
    if (!s.ok()) {
      fprintf(stderr, "ceiling: %s\n", s.msg().c_str());
      return 1;
    }
    mysql_library_init(0, nullptr, nullptr);
  }
  FCGX_Init();
  const int threads = floor ? config.threads : 8;  // as the workers of bench/run.sh
  std::vector<std::thread> pool;
  for (int i = 0; i < threads; ++i) pool.emplace_back(Serve, floor ? &config : nullptr, threads);
  for (std::thread& t : pool) t.join();
  return 0;
}
