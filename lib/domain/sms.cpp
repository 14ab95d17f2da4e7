// The log sender, delivery with failover and breakers, the fraud budgets, the code
// scripts.
#include "lib/domain/sms.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "lib/core/args.h"
#include "lib/core/clock.h"
#include "lib/core/crypto.h"
#include "lib/core/files.h"
#include "lib/core/json_writer.h"
#include "lib/core/log.h"
#include "lib/core/metrics.h"
#include "lib/core/phone.h"

namespace dt {
namespace {

std::string CodeKey(std::string_view phone) { return "dt:sms:code:" + std::string(phone); }

const RedisScript kStore(R"lua(
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'code', ARGV[1], 'tries', 0)
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1
)lua");

// 1: right code, now used up; 0: wrong (counted); -1: no live code.
const RedisScript kConsume(R"lua(
local code = redis.call('HGET', KEYS[1], 'code')
if not code then return -1 end
if code == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
if redis.call('HINCRBY', KEYS[1], 'tries', 1) >= tonumber(ARGV[2]) then
  redis.call('DEL', KEYS[1])
end
return 0
)lua");

// 1: closed (send); 2: the one probe after the open time (send); 0: open (skip).
const RedisScript kBreakerAdmit(R"lua(
local open_until = tonumber(redis.call('HGET', KEYS[1], 'open_until') or '0')
if open_until == 0 then return 1 end
if open_until > tonumber(ARGV[1]) then return 0 end
if redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[2]) then return 2 end
return 0
)lua");

// A failure: counted; at the limit (or a failed probe) the breaker opens until ARGV[2].
const RedisScript kBreakerFail(R"lua(
local fails = redis.call('HINCRBY', KEYS[1], 'fails', 1)
if fails >= tonumber(ARGV[1]) then redis.call('HSET', KEYS[1], 'open_until', ARGV[2]) end
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('DEL', KEYS[2])
return fails
)lua");

// 1: counted; -1: the prefix's daily cap is reached; -2: the day's budget is spent.
const RedisScript kBudgetHit(R"lua(
local total = tonumber(redis.call('HGET', KEYS[1], 'total') or '0')
if total >= tonumber(ARGV[3]) then return -2 end
local prefix = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if prefix >= tonumber(ARGV[2]) then return -1 end
redis.call('HINCRBY', KEYS[1], 'total', 1)
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
redis.call('EXPIRE', KEYS[1], ARGV[4])
return 1
)lua");

const RedisScript kBudgetRefund(R"lua(
if tonumber(redis.call('HGET', KEYS[1], 'total') or '0') > 0 then
  redis.call('HINCRBY', KEYS[1], 'total', -1)
end
if tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0') > 0 then
  redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
end
return 1
)lua");

constexpr int kDay = 86400;
constexpr int kStatsDays = 8;  // the stats of a day are kept this long

// "20261201": the UTC day of `now`, as the day keys name it.
std::string DayOf(int64_t now) {
  const std::string utc = FormatUtc(now);  // 2026-12-01 13:45:00
  return utc.substr(0, 4) + utc.substr(5, 2) + utc.substr(8, 2);
}

std::string BreakerKey(const std::string& sender) { return "dt:sms:breaker:" + sender; }
std::string ProbeKey(const std::string& sender) { return "dt:sms:probe:" + sender; }

// p:<the first prefix_digits digits of the number, country code included>.
std::string PrefixField(const Config& config, std::string_view phone) {
  std::string digits;
  for (char c : phone) {
    if (c >= '0' && c <= '9') digits.push_back(c);
  }
  return "p:" + digits.substr(0, static_cast<size_t>(config.sms_prefix_digits));
}

const char* OutcomeName(SmsOutcome outcome) {
  switch (outcome) {
    case SmsOutcome::kSent: return "sent";
    case SmsOutcome::kBadNumber: return "bad_number";
    case SmsOutcome::kFailed: return "failed";
    case SmsOutcome::kSkipped: return "skipped";
  }
  return "failed";
}

}  // namespace

SmsResult LogSmsSender::Send(const SmsMessage& message) {
  UniqueFd fd(open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600));
  if (!fd) return {SmsOutcome::kFailed, "cannot open " + path_};
  const std::string line = FormatUtc(SystemClock().NowSeconds()) +
                           " to=" + std::string(message.phone) +
                           " code=" + std::string(message.code) + "\n";
  if (!WriteAll(fd.get(), line) || !fd.Close()) return {SmsOutcome::kFailed, "cannot write"};
  return {SmsOutcome::kSent, "written"};
}

void CountSmsStat(Redis& redis, std::string_view field, int64_t now) {
  // Beside the day's counters, the process's own for /metrics.
  const size_t dot = field.find('.');
  if (dot == std::string_view::npos) {
    CountEvent("dt_sms_" + std::string(field) + "_total");  // undelivered
  } else if (field.substr(0, dot) == "refused") {
    CountEvent("dt_sms_refusals_total{reason=\"" + MetricLabel(field.substr(dot + 1)) + "\"}");
  } else {
    CountEvent("dt_sms_outcomes_total{sender=\"" + MetricLabel(field.substr(0, dot)) +
               "\",outcome=\"" + MetricLabel(field.substr(dot + 1)) + "\"}");
  }
  const std::string key = "dt:sms:stats:" + DayOf(now);
  const std::string ttl = std::to_string(kStatsDays * kDay);
  std::vector<RedisReply> replies;
  if (!redis.Pipeline({{"HINCRBY", key, field, "1"}, {"EXPIRE", key, ttl}}, &replies).ok()) {
    LogError("sms: stats %.*s not counted", static_cast<int>(field.size()), field.data());
  }
}

Status DeliverSmsCode(Redis& redis, const SmsSenders& senders, const Config& config,
                      const SmsMessage& message, int64_t now) {
  const std::string probe_ttl = std::to_string(config.sms_timeout_ms / 1000 + 2);
  for (const std::unique_ptr<SmsSender>& sender : senders) {
    const std::string& name = sender->name();
    const std::string breaker = BreakerKey(name), probe = ProbeKey(name);
    RedisReply admit;
    RETURN_IF_ERROR(
        redis.Eval(kBreakerAdmit, {breaker, probe}, {std::to_string(now), probe_ttl}, &admit));
    if (admit.Integer() == 0) {
      LogInfo("sms: %s skipped (its breaker is open)", name.c_str());
      CountSmsStat(redis, name + ".skipped", now);
      continue;
    }
    const SmsResult result = sender->Send(message);
    CountSmsStat(redis, name + "." + OutcomeName(result.outcome), now);
    if (result.outcome == SmsOutcome::kSkipped) {
      if (admit.Integer() == 2) {  // the probe did not happen: let the next request be it
        RedisReply released;
        RETURN_IF_ERROR(redis.CommandArgv({"DEL", probe}, &released));
      }
      LogInfo("sms: %s skipped (%s)", name.c_str(), result.detail.c_str());
      continue;
    }
    if (result.outcome == SmsOutcome::kFailed) {
      RedisReply fails;
      RETURN_IF_ERROR(
          redis.Eval(kBreakerFail, {breaker, probe},
                     {std::to_string(config.sms_breaker_failures),
                      std::to_string(now + config.sms_breaker_seconds), std::to_string(kDay)},
                     &fails));
      LogError("sms: %s failed (%s), %lld in a row%s", name.c_str(), result.detail.c_str(),
               fails.Integer(),
               fails.Integer() >= config.sms_breaker_failures ? ": skipped for a while" : "");
      continue;
    }
    // It answered for the number: the sender works (closed again after a probe).
    RedisReply done;
    RETURN_IF_ERROR(redis.CommandArgv({"DEL", breaker, probe}, &done));
    if (result.outcome == SmsOutcome::kBadNumber) {
      LogInfo("sms: %s refused the number (%s)", name.c_str(), result.detail.c_str());
      return Status::Error(kBadParam, "phone cannot receive SMS.");
    }
    LogInfo("sms: sent by %s (%s)", name.c_str(), result.detail.c_str());
    return Status::Ok();
  }
  CountSmsStat(redis, "undelivered", now);
  LogError("sms: no sender accepted the code to a %s number",
           message.international ? "international" : "domestic");
  return Status::Unavailable("no SMS sender accepted the code");
}

Status SmsBudgetHit(Redis& redis, const Config& config, std::string_view phone, int64_t now) {
  RedisReply reply;
  RETURN_IF_ERROR(
      redis.Eval(kBudgetHit, {"dt:sms:day:" + DayOf(now)},
                 {PrefixField(config, phone), std::to_string(config.sms_prefix_daily_limit),
                  std::to_string(config.sms_daily_budget), std::to_string(2 * kDay)},
                 &reply));
  if (reply.Integer() == 1) return Status::Ok();
  const int64_t retry_after = kDay - now % kDay;  // to the end of the UTC day
  if (reply.Integer() == -2) {
    LogError("ALERT sms: the daily budget of %d codes is spent; sendsms refuses until %s UTC",
             config.sms_daily_budget, FormatUtc(now + retry_after).c_str());
    CountSmsStat(redis, "refused.budget", now);
  } else {
    LogInfo("sms: the daily cap of prefix %s is reached", PrefixField(config, phone).c_str());
    CountSmsStat(redis, "refused.prefix", now);
  }
  JsonWriter data;
  data.Int("retry_after", retry_after);
  return Status::Error(kTooMany, "too many requests.", data.Close()).WithRetryAfter(retry_after);
}

Status SmsBudgetRefund(Redis& redis, const Config& config, std::string_view phone, int64_t now) {
  RedisReply reply;
  return redis.Eval(kBudgetRefund, {"dt:sms:day:" + DayOf(now)}, {PrefixField(config, phone)},
                    &reply);
}

bool SmsCountryAllowed(const Config& config, std::string_view phone) {
  return config.sms_countries.empty() || config.sms_countries.count(PhoneRegion(phone)) == 1;
}

Status LoadSmsStats(Redis& redis, const Config& config, int64_t day_start, SmsStats* out) {
  *out = SmsStats();
  auto read_hash = [&](const std::string& key, const std::string& prefix,
                       std::map<std::string, int64_t>* into) -> Status {
    RedisReply reply;
    RETURN_IF_ERROR(redis.CommandArgv({"HGETALL", key}, &reply));
    for (size_t i = 0; i + 1 < reply.size(); i += 2) {
      const redisReply* field = reply.Element(i);
      const redisReply* value = reply.Element(i + 1);
      (*into)[prefix + std::string(field->str, field->len)] =
          strtoll(std::string(value->str, value->len).c_str(), nullptr, 10);
    }
    return Status::Ok();
  };
  RETURN_IF_ERROR(read_hash("dt:sms:day:" + DayOf(day_start), "", &out->day));
  RETURN_IF_ERROR(read_hash("dt:sms:stats:" + DayOf(day_start), "", &out->stats));
  for (const std::string& name : config.sms_senders) {
    RETURN_IF_ERROR(read_hash(BreakerKey(name), name + ".", &out->breaker));
  }
  return Status::Ok();
}

std::string NewSmsCode() {
  char buf[8];
  snprintf(buf, sizeof buf, "%06u", RandomBelow(1000000));
  return buf;
}

Status StoreSmsCode(Redis& redis, std::string_view phone, std::string_view code) {
  RedisReply reply;
  return redis.Eval(kStore, {CodeKey(phone)}, {code, std::to_string(kSmsCodeTtl)}, &reply);
}

bool SmsCodeArg(const RequestContext&, ArgValue* value) {
  const std::string& code = value->text;
  return code.size() >= 4 && code.size() <= 8 &&
         code.find_first_not_of("0123456789") == std::string::npos;
}

Status ConsumeSmsCode(Redis& redis, std::string_view phone, std::string_view code) {
  RedisReply reply;
  RETURN_IF_ERROR(
      redis.Eval(kConsume, {CodeKey(phone)}, {code, std::to_string(kSmsCodeMaxTries)}, &reply));
  if (reply.Integer() == 1) return Status::Ok();
  return Status::Error(kBadSmsCode);
}

}  // namespace dt
