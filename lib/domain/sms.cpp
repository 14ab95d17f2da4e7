// The log sender and the code scripts.
#include "lib/domain/sms.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>

#include "lib/core/args.h"
#include "lib/core/clock.h"
#include "lib/core/crypto.h"
#include "lib/core/files.h"
#include "lib/core/log.h"

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

}  // namespace

Status LogSmsSender::Send(std::string_view phone, std::string_view code) {
  UniqueFd fd(open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600));
  if (!fd) {
    LogError("sms outbox %s: cannot open", path_.c_str());
    return Status::Internal();
  }
  const std::string line = FormatUtc(SystemClock().NowSeconds()) + " to=" + std::string(phone) +
                           " code=" + std::string(code) + "\n";
  if (!WriteAll(fd.get(), line) || !fd.Close()) return Status::Internal();
  return Status::Ok();
}

std::unique_ptr<SmsSender> MakeSmsSender(const Config& config) {
  return std::make_unique<LogSmsSender>(config.sms_outbox);
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
