// SMS: the sender interface and the `log` sender; delivering a login code through the
// configured senders in order with a circuit breaker per sender; the fraud budgets; and
// the one-time login codes kept in Redis (dt:sms:code:<phone>, a hash {code, tries}
// living 5 minutes). Senders are thread-safe; the functions are too, given a per-thread
// Redis.
//
// Redis keys (docs/operations.md, "SMS"):
//   dt:sms:breaker:<sender>  hash {fails, open_until}: consecutive failures of a sender,
//                            and until when it is skipped once they reached the limit
//   dt:sms:probe:<sender>    the one request that tries a sender again after that
//   dt:sms:day:<yyyymmdd>    hash {total, p:<prefix>}: codes sent that UTC day, in all and
//                            per number prefix (the fraud budgets)
//   dt:sms:stats:<yyyymmdd>  hash {<sender>.sent, <sender>.failed, <sender>.bad_number,
//                            <sender>.skipped, refused.country, refused.prefix,
//                            refused.budget, undelivered}: outcomes, for dtadmin sms-stats
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lib/core/args.h"
#include "lib/core/config.h"
#include "lib/core/status.h"
#include "lib/store/redis.h"

namespace dt {

// A code to deliver: the E.164 number, whether it is international (outside [sms]
// default_region: the senders' international templates), and the code.
struct SmsMessage {
  std::string_view phone;
  bool international = false;
  std::string_view code;
};

// What a sender says of one message.
enum class SmsOutcome {
  kSent,       // the provider accepted it
  kBadNumber,  // the provider says the number itself is invalid or barred: no other sender
  kFailed,     // unreachable, a timeout, 5xx, throttled, a system error: try the next
  kSkipped,    // this sender does not serve such a message (no international template):
               // the next is tried, and the sender's breaker is not touched
};

struct SmsResult {
  SmsOutcome outcome = SmsOutcome::kFailed;
  std::string detail;  // the provider's code or the transport's reason (for the log)
};

class SmsSender {
 public:
  virtual ~SmsSender() = default;
  // The [sms] senders name: "aliyun", "tencent", "log".
  virtual const std::string& name() const = 0;
  virtual SmsResult Send(const SmsMessage& message) = 0;
};

// The configured senders, in [sms] senders order.
using SmsSenders = std::vector<std::unique_ptr<SmsSender>>;

// Appends "<time> to=<phone> code=<code>" to an outbox file of its own (never to the
// request log): the development sender, and the place to read codes when testing by hand.
class LogSmsSender : public SmsSender {
 public:
  explicit LogSmsSender(std::string path) : path_(std::move(path)) {}
  const std::string& name() const override { return name_; }
  SmsResult Send(const SmsMessage& message) override;

 private:
  std::string name_ = "log";
  std::string path_;
};

// Delivers through `senders` in order at `now`: a sender whose breaker is open is skipped;
// one that fails is skipped for the next, and after [sms] breaker_failures consecutive
// failures its breaker opens for [sms] breaker_seconds, after which one request tries it
// again (success closes it, failure opens it anew). OK when one accepted; 300 when one
// says the number is bad (not retried elsewhere); 901 when none accepted. Outcomes are
// logged and counted per sender, never the code.
Status DeliverSmsCode(Redis& redis, const SmsSenders& senders, const Config& config,
                      const SmsMessage& message, int64_t now);

// The fraud budgets of a code to `phone` (E.164) at `now`, counted when none is exhausted:
// [sms] prefix_daily_limit per number prefix (its first [sms] prefix_digits digits) and
// [sms] daily_budget in all, per UTC day. 429 with retry_after (to the UTC day's end)
// otherwise; an exhausted global budget also logs an alert line.
Status SmsBudgetHit(Redis& redis, const Config& config, std::string_view phone, int64_t now);
// Takes back SmsBudgetHit's count (nothing was delivered).
Status SmsBudgetRefund(Redis& redis, const Config& config, std::string_view phone, int64_t now);

// Whether [sms] countries allows the region of `phone` (all when it is empty).
bool SmsCountryAllowed(const Config& config, std::string_view phone);

// Counts one outcome in today's stats hash (`field` as listed above); a failure is logged.
void CountSmsStat(Redis& redis, std::string_view field, int64_t now);

// What dtadmin sms-stats shows.
struct SmsStats {
  std::map<std::string, int64_t> day;      // dt:sms:day: total and p:<prefix>
  std::map<std::string, int64_t> stats;    // dt:sms:stats: outcomes
  std::map<std::string, int64_t> breaker;  // <sender>.fails, <sender>.open_until
};
Status LoadSmsStats(Redis& redis, const Config& config, int64_t day_start, SmsStats* out);

constexpr int kSmsCodeTtl = 300;     // seconds a code lives
constexpr int kSmsCodeMaxTries = 5;  // wrong tries that kill a code

// Six random digits.
std::string NewSmsCode();

// Stores `code` for `phone`, replacing any earlier code and its tries.
Status StoreSmsCode(Redis& redis, std::string_view phone, std::string_view code);

// The `code` parameter's converter (lib/core/args.h): 4-8 digits (sent codes have 6;
// [sms] test_numbers may fix 4-8).
bool SmsCodeArg(const RequestContext& ctx, ArgValue* value);

// Uses up the code of `phone` when `code` is it (OK), else counts a wrong try and
// answers 503; the fifth wrong try deletes the code.
Status ConsumeSmsCode(Redis& redis, std::string_view phone, std::string_view code);

}  // namespace dt
