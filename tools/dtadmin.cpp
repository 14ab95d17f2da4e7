// dtadmin: operator commands that work on the stores directly (not through the API).
//   dtadmin --config PATH rebuild-hot    remake the hot ranking from MySQL and the day sets
//   dtadmin --config PATH rebuild-geo    remake the nearby GEO index from MySQL's locations
//   dtadmin --config PATH review list    users under review, with their open reports
//   dtadmin --config PATH review clear USER_ID | review ban USER_ID
//   dtadmin --config PATH phones migrate stored phones to E.164 (after an upgrade; idempotent)
#include <mysql.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "lib/core/args.h"
#include "lib/core/clock.h"
#include "lib/core/config.h"
#include "lib/domain/geo.h"
#include "lib/domain/hot.h"
#include "lib/domain/moderation.h"
#include "lib/domain/phone_migration.h"
#include "lib/store/db.h"
#include "lib/store/redis.h"

namespace {

int Usage() {
  fprintf(stderr,
          "usage: dtadmin [--config PATH] COMMAND   (default config: $DATINGTODAY_CONFIG)\n"
          "  rebuild-hot   remake the hot ranking (Redis dt:hot:week) from MySQL\n"
          "  rebuild-geo   remake the nearby index (Redis dt:geo) from MySQL\n"
          "  review list           users under review (reported by enough users)\n"
          "  review clear USER_ID  back to active; the reports so far count no more\n"
          "  review ban USER_ID    banned: hidden from all, sessions revoked, no login\n"
          "  phones migrate        stored phones to E.164 ([sms] default_region for those\n"
          "                        without a country code); accounts it cannot move are named\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string path = getenv("DATINGTODAY_CONFIG") ? getenv("DATINGTODAY_CONFIG") : "";
  std::string command;
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) {
    if (!strcmp(argv[i], "--config") && i + 1 < argc) {
      path = argv[++i];
    } else if (argv[i][0] == '-') {
      return Usage();
    } else if (command.empty()) {
      command = argv[i];
    } else {
      args.push_back(argv[i]);
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
  } else if (command == "phones" && args.size() == 1 && args[0] == "migrate") {
    dt::PhoneMigration report;
    s = dt::MigratePhones(db, config.sms_default_region, &report);
    if (s.ok()) {
      printf(
          "phones: %lld migrated to E.164, %lld not valid mobile numbers, %lld conflicting (left "
          "as they are)\n",
          static_cast<long long>(report.migrated), static_cast<long long>(report.invalid),
          static_cast<long long>(report.conflicts));
      return 0;
    }
  } else if (command == "review" && args.size() == 1 && args[0] == "list") {
    std::vector<dt::UnderReview> users;
    s = dt::ListUnderReview(db, &users);
    for (const dt::UnderReview& u : users) {
      printf("%lld\t%lld reports\t%s\n", static_cast<long long>(u.user_id),
             static_cast<long long>(u.reports), u.nickname.c_str());
    }
    if (s.ok()) return 0;
  } else if (command == "review" && args.size() == 2 && (args[0] == "clear" || args[0] == "ban")) {
    int64_t user = 0;  // a typo must not name another user: digits only, a real id
    if (!dt::ParseInt64(args[1], &user) || user < 1 || user > dt::kMaxId) return Usage();
    s = args[0] == "clear" ? dt::ClearReview(db, redis, user, clock.NowSeconds())
                           : dt::Ban(db, redis, user, clock.NowSeconds());
    command += " " + args[0];
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
