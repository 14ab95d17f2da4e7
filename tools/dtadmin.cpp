// dtadmin: operator commands that work on the stores directly (not through the API).
//   dtadmin --config PATH rebuild-hot    remake the hot ranking from MySQL and the day sets
//   dtadmin --config PATH rebuild-geo    remake the nearby GEO index (its partitions and the
//                                        running boosts too) from MySQL
//   dtadmin --config PATH review list    users under review, with their open reports
//   dtadmin --config PATH review clear USER_ID | review ban USER_ID
//   dtadmin --config PATH phones migrate stored phones to E.164 (after an upgrade; idempotent)
//   dtadmin --config PATH refund TRADE_NO [AMOUNT]   refund at the gateway, take the VIP back
//   dtadmin --config PATH sms-stats [YYYY-MM-DD]     the SMS counters of a UTC day (today)
#include <mysql.h>

#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include "lib/core/args.h"
#include "lib/core/clock.h"
#include "lib/core/config.h"
#include "lib/domain/discovery.h"
#include "lib/domain/geo.h"
#include "lib/domain/hot.h"
#include "lib/domain/moderation.h"
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
      "  review clear USER_ID  back to active; the reports so far count no more\n"
      "  review ban USER_ID    banned: hidden from all, sessions revoked, no login\n"
      "  phones migrate        stored phones to E.164 ([sms] default_region for those\n"
      "                        without a country code); accounts it cannot move are named\n"
      "  refund TRADE_NO [AMOUNT]  refund a paid order at its gateway (AMOUNT in yuan, default\n"
      "                        what is left of it); the VIP time it bought goes, pro rata\n"
      "  sms-stats [YYYY-MM-DD]  the SMS counters of a UTC day (default today): codes sent in\n"
      "                        all and per number prefix against [sms] daily_budget and\n"
      "                        prefix_daily_limit, each sender's outcomes and breaker, refusals\n");
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
  } else if (command == "review" && args.size() == 2 && (args[0] == "clear" || args[0] == "ban")) {
    int64_t user = 0;  // a typo must not name another user: digits only, a real id
    if (!dt::ParseInt64(args[1], &user) || user < 1 || user > dt::kMaxId) return Usage();
    s = args[0] == "clear" ? dt::ClearReview(db, redis, user, clock.NowSeconds())
                           : dt::Ban(db, redis, user, clock.NowSeconds());
    command += " " + args[0];
  } else if (command == "sms-stats" && args.size() <= 1) {
    s = PrintSmsStats(redis, config, args.empty() ? "" : args[0], clock.NowSeconds());
    if (s.ok()) return 0;
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
