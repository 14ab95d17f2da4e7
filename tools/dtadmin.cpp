// dtadmin: operator commands that work on the stores directly (not through the API).
//   dtadmin --config PATH rebuild-hot    remake the hot ranking from MySQL and the day sets
//   dtadmin --config PATH rebuild-geo    remake the nearby GEO index (its partitions and the
//                                        running boosts too) from MySQL
//   dtadmin --config PATH review list    users under review, with their open reports
//   dtadmin --config PATH review clear USER_ID | review ban USER_ID
//   dtadmin --config PATH phones migrate stored phones to E.164 (after an upgrade; idempotent)
//   dtadmin --config PATH refund TRADE_NO [AMOUNT]   refund at the gateway, take the VIP back
//   dtadmin --config PATH sms-stats [YYYY-MM-DD]     the SMS counters of a UTC day (today)
//   dtadmin --config PATH backup DIR | restore DIR   the MySQL database to and from DIR
#include <mysql.h>

#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <ctime>
#include <iostream>
#include <string>
#include <vector>

#include "lib/core/args.h"
#include "lib/core/clock.h"
#include "lib/core/config.h"
#include "lib/core/crypto.h"
#include "lib/core/keys.h"
#include "lib/domain/backup.h"
#include "lib/domain/discovery.h"
#include "lib/domain/geo.h"
#include "lib/domain/hot.h"
#include "lib/domain/moderation.h"
#include "lib/domain/operator.h"
#include "lib/domain/payment.h"
#include "lib/domain/phone_migration.h"
#include "lib/domain/sms.h"
#include "lib/outbound/alipay_client.h"
#include "lib/outbound/wechat_client.h"
#include "lib/store/db.h"
#include "lib/store/redis.h"

namespace {

int Usage() {
  fprintf(
      stderr,
      "usage: dtadmin [--config PATH] COMMAND   (default config: $DATINGTODAY_CONFIG)\n"
      "  rebuild-hot   remake the hot ranking (Redis dt:hot:week) from MySQL\n"
      "  rebuild-geo   remake the nearby index (Redis dt:geo, its partitions, the running boosts) "
      "from MySQL\n"
      "  review list           users under review (reported by enough users)\n"
      "  review reports        users with open reports, oldest first\n"
      "  review clear USER_ID  back to active; the reports so far count no more\n"
      "  review ban USER_ID [DAYS [REASON]]  banned (for DAYS, default for good): hidden\n"
      "                        from all, sessions revoked, no login\n"
      "  review unban USER_ID | hide USER_ID REASON | warn USER_ID REASON\n"
      "  review photos         photos waiting for review, oldest first\n"
      "  review approve PHOTO_ID | reject PHOTO_ID REASON\n"
      "  operator add NAME ROLE  a new operator (reviewer, support, admin); the password is\n"
      "                        read from stdin (one line), or made and printed when none comes\n"
      "  operator list | disable NAME\n"
      "  phones migrate        stored phones to E.164 ([sms] default_region for those\n"
      "                        without a country code); accounts it cannot move are named\n"
      "  refund TRADE_NO [AMOUNT]  refund a paid order at its gateway (AMOUNT in yuan, default\n"
      "                        what is left of it); the VIP time it bought goes, pro rata\n"
      "  sms-stats [YYYY-MM-DD]  the SMS counters of a UTC day (default today): codes sent in\n"
      "                        all and per number prefix against [sms] daily_budget and\n"
      "                        prefix_daily_limit, each sender's outcomes and breaker, refusals\n"
      "  backup DIR            the MySQL database, dumped in one transaction, into the new\n"
      "                        folder DIR (datingtoday.sql and its MANIFEST)\n"
      "  restore DIR           the backup in DIR loaded back (stop the workers first); the\n"
      "                        Redis state made from MySQL dropped or rebuilt\n");
  return 2;
}

// Refunds `amount` yuan (all that is left when empty) of a paid order at its gateway,
// then here. The request number is the order's and the refunded total, so running the
// same refund again after a failure is the same refund to the gateway, not a second one.
dt::Status Refund(dt::Db& db, dt::Redis& redis, const dt::Config& config,
                  const std::string& trade_no, const std::string& amount, int64_t now) {
  dt::Row order;
  bool found = false;
  RETURN_IF_ERROR(
      db.QueryRow("SELECT channel, fee, refund_cents, pay FROM user_order WHERE trade_no = ?",
                  {trade_no}, &order, &found));
  if (!found) return dt::Status::Error(dt::kNotFound, "no such order.");
  if (order.Int(3) != dt::kPaid)
    return dt::Status::Error(dt::kOrderState, "the order is not paid (or refunded).");
  const int64_t left = dt::CentsOf(order, 1) - order.Int(2);
  int64_t cents = left;
  if (!amount.empty() && (!dt::ParseMoney(amount, &cents) || cents <= 0 || cents > left)) {
    return dt::Status::Error(dt::kBadParam,
                             "AMOUNT must be 0.01.." + dt::YuanText(left) + " yuan.");
  }
  const int64_t total = order.Int(2) + cents;
  const std::string& channel = order.Str(0);
  if (channel == "alipay") {
    dt::AlipayClient alipay(config);
    RETURN_IF_ERROR(alipay.Refund(trade_no, cents, trade_no + "-" + dt::YuanText(total)));
  } else if (channel == "wechat") {
    dt::WechatClient wechat(config);
    RETURN_IF_ERROR(wechat.Refund(trade_no, cents, dt::CentsOf(order, 1),
                                  trade_no + "-" + dt::YuanText(total)));
  } else if (channel != "sandbox") {
    return dt::Status::Error(dt::kBadParam,
                             "refunds of channel " + channel + " are not supported.");
  }
  int64_t taken = 0;
  RETURN_IF_ERROR(dt::ApplyRefund(db, redis, channel, trade_no, total, now, &taken));
  printf("refunded %s yuan of %s (%s); %lld s of VIP taken back\n", dt::YuanText(cents).c_str(),
         trade_no.c_str(), channel.c_str(), static_cast<long long>(taken));
  return dt::Status::Ok();
}

// The counters of the UTC day `day` ("" today), one per line: name, value (and a cap).
dt::Status PrintSmsStats(dt::Redis& redis, const dt::Config& config, const std::string& day,
                         int64_t now) {
  int64_t start = now - now % 86400;
  if (!day.empty()) {
    struct tm tm = {};
    const char* end = strptime(day.c_str(), "%Y-%m-%d", &tm);
    if (!end || *end != '\0') return dt::Status::Error(dt::kBadParam, "the day is YYYY-MM-DD.");
    start = timegm(&tm);
  }
  dt::SmsStats stats;
  RETURN_IF_ERROR(dt::LoadSmsStats(redis, config, start, &stats));
  printf("day %s (UTC)\n", dt::FormatUtc(start, "%Y-%m-%d").c_str());
  const int64_t total = stats.day.count("total") ? stats.day.at("total") : 0;
  printf("sent\t%lld\tof daily_budget %d\n", static_cast<long long>(total),
         config.sms_daily_budget);
  for (const auto& [field, count] : stats.day) {
    if (field.rfind("p:", 0) != 0) continue;
    printf("prefix +%s\t%lld\tof prefix_daily_limit %d\n", field.c_str() + 2,
           static_cast<long long>(count), config.sms_prefix_daily_limit);
  }
  for (const auto& [field, count] : stats.stats) {
    printf("%s\t%lld\n", field.c_str(), static_cast<long long>(count));
  }
  for (const std::string& name : config.sms_senders) {
    const auto fails = stats.breaker.find(name + ".fails");
    const auto open = stats.breaker.find(name + ".open_until");
    const bool is_open = open != stats.breaker.end() && open->second > now;
    printf("breaker %s\t%s\t%lld failures in a row\n", name.c_str(),
           is_open ? ("open until " + dt::FormatUtc(open->second)).c_str() : "closed",
           static_cast<long long>(fails == stats.breaker.end() ? 0 : fails->second));
  }
  return dt::Status::Ok();
}

// Whoever runs dtadmin, for the audit log.
dt::Actor CommandLine() {
  const char* user = getenv("SUDO_USER") ? getenv("SUDO_USER") : getenv("USER");
  return {0, std::string("dtadmin:") + (user ? user : "?"), ""};
}

// An id argument: digits only and a real id, so that a typo cannot name another row.
bool IdOf(const std::string& text, int64_t* id) {
  return dt::ParseInt64(text, id) && *id >= 1 && *id <= dt::kMaxId;
}

// What Review and Operators return for arguments they do not take: main prints the usage.
constexpr const char* kBadArguments = "bad arguments";
dt::Status BadArguments() { return dt::Status::Error(dt::kBadParam, kBadArguments); }

// dtadmin review ...: the operator API's decisions (lib/domain/moderation.h), audited.
dt::Status Review(dt::Db& db, dt::Redis& redis, const dt::Config& config,
                  const std::vector<std::string>& args, int64_t now) {
  const std::string& verb = args[0];
  const dt::Actor actor = CommandLine();
  dt::Page page;
  page.count = 100;
  if (verb == "photos" && args.size() == 1) {
    std::vector<dt::PendingPhoto> photos;
    RETURN_IF_ERROR(dt::ListPendingPhotos(db, page, &photos));
    for (const dt::PendingPhoto& p : photos) {
      printf("%lld\t%s\tuser %lld\t%s\t%s\n", static_cast<long long>(p.photo_id), p.used_as.c_str(),
             static_cast<long long>(p.owner_id), p.create_time.c_str(), p.url.c_str());
    }
    return dt::Status::Ok();
  }
  if (verb == "reports" && args.size() == 1) {
    std::vector<dt::ReportedUser> users;
    RETURN_IF_ERROR(dt::ListReported(db, page, config.reporter_min_days, &users));
    for (const dt::ReportedUser& u : users) {
      printf("%lld\t%s\t%lld reports (%lld established)\tsince %s\t%s\n",
             static_cast<long long>(u.user_id), u.status.c_str(), static_cast<long long>(u.reports),
             static_cast<long long>(u.established), u.first_report.c_str(), u.nickname.c_str());
    }
    return dt::Status::Ok();
  }
  int64_t id = 0;
  if (args.size() < 2 || !IdOf(args[1], &id)) return BadArguments();
  const std::string reason = args.size() > 2 ? args.back() : "";
  if (verb == "approve" && args.size() == 2) {
    return dt::ReviewPhoto(db, redis, actor, id, true, "", now);
  }
  if (verb == "reject" && args.size() == 3) {
    return dt::ReviewPhoto(db, redis, actor, id, false, reason, now);
  }
  if (verb == "clear" && args.size() == 2) return dt::ClearUser(db, redis, actor, id, now);
  if (verb == "unban" && args.size() == 2) return dt::UnbanUser(db, redis, actor, id, now);
  if (verb == "hide" && args.size() == 3) return dt::HideUser(db, redis, actor, id, reason, now);
  if (verb == "warn" && args.size() == 3) return dt::WarnUser(db, redis, actor, id, reason, now);
  if (verb == "ban" && args.size() <= 4) {
    int64_t days = 0;
    if (args.size() > 2 && (!dt::ParseInt64(args[2], &days) || days < 0 || days > 3650)) {
      return BadArguments();
    }
    return dt::BanUser(db, redis, actor, id, static_cast<int>(days), args.size() == 4 ? reason : "",
                       now);
  }
  return BadArguments();
}

// dtadmin operator ...
dt::Status Operators(dt::Db& db, const dt::Config& config, const std::vector<std::string>& args,
                     int64_t now) {
  if (args[0] == "list" && args.size() == 1) {
    std::vector<dt::Row> rows;
    RETURN_IF_ERROR(db.Query("SELECT id, name, role, status FROM operator ORDER BY id", {}, &rows));
    for (const dt::Row& r : rows) {
      printf("%lld\t%s\t%s\t%s\n", static_cast<long long>(r.Int(0)), r.Str(1).c_str(),
             r.Str(2).c_str(), r.Str(3).c_str());
    }
    return dt::Status::Ok();
  }
  if (args[0] == "disable" && args.size() == 2) {
    return dt::DisableOperator(db, CommandLine(), args[1], now);
  }
  if (args[0] != "add" || args.size() != 3) return BadArguments();
  std::string password;
  bool made = false;
  if (!isatty(0)) std::getline(std::cin, password);
  if (password.empty()) {  // 24 characters from 18 random bytes
    password = dt::Base64UrlEncode(dt::RandomBytes(18));
    made = true;
  }
  int64_t id = 0;
  RETURN_IF_ERROR(dt::AddOperator(db, config, CommandLine(), args[1], args[2], password, now, &id));
  printf("operator %s (%s) added, id %lld\n", args[1].c_str(), args[2].c_str(),
         static_cast<long long>(id));
  if (made) printf("password: %s\n", password.c_str());
  return dt::Status::Ok();
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
  dt::InitOutbound();
  dt::Db db(config);
  dt::Redis redis(config);
  dt::SystemClock clock;
  if (command == "rebuild-hot") {
    s = dt::HotRebuild(db, redis, clock.NowSeconds());
  } else if (command == "rebuild-geo") {
    s = dt::GeoRebuild(db, redis, clock.NowSeconds());
    if (s.ok()) s = dt::RebuildBoosts(db, redis, clock.NowSeconds());
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
  } else if (command == "review" && !args.empty() && args[0] != "list") {
    s = Review(db, redis, config, args, clock.NowSeconds());
    if (s.code() == dt::kBadParam && s.msg() == kBadArguments) return Usage();
    command += " " + args[0];
  } else if (command == "operator" && !args.empty()) {
    s = Operators(db, config, args, clock.NowSeconds());
    if (s.code() == dt::kBadParam && s.msg() == kBadArguments) return Usage();
    command += " " + args[0];
  } else if (command == "sms-stats" && args.size() <= 1) {
    s = PrintSmsStats(redis, config, args.empty() ? "" : args[0], clock.NowSeconds());
    if (s.ok()) return 0;
  } else if ((command == "backup" || command == "restore") && args.size() == 1) {
    dt::BackupManifest m;
    s = command == "backup" ? dt::Backup(config, db, args[0], clock.NowSeconds(), &m)
                            : dt::Restore(config, db, redis, args[0], clock.NowSeconds(), &m);
    if (s.ok()) {
      printf("dtadmin %s: %s, database %s at schema %s, taken %s: %lld bytes, sha256 %s\n",
             command.c_str(), args[0].c_str(), m.database.c_str(),
             m.schema.empty() ? "(none)" : m.schema.c_str(), m.created.c_str(),
             static_cast<long long>(m.bytes), m.sha256.c_str());
      if (command == "restore") {
        printf(
            "dtadmin restore: the caches made from MySQL are dropped and the hot ranking, GEO\n"
            "index and boosts rebuilt; run the migrations if this release is newer than %s\n",
            m.schema.empty() ? "the backup" : m.schema.c_str());
      }
      return 0;
    }
    command += " " + args[0];
  } else if (command == "refund" && (args.size() == 1 || args.size() == 2)) {
    s = Refund(db, redis, config, args[0], args.size() == 2 ? args[1] : "", clock.NowSeconds());
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
