// SMS: the sender interface, the `log` sender, and the one-time login codes kept in Redis
// (dt:sms:code:<phone>, a hash {code, tries} living 5 minutes). Senders are thread-safe;
// the code functions are too, given a per-thread Redis.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "lib/core/args.h"
#include "lib/core/config.h"
#include "lib/core/status.h"
#include "lib/store/redis.h"

namespace dt {

class SmsSender {
 public:
  virtual ~SmsSender() = default;
  virtual Status Send(std::string_view phone, std::string_view code) = 0;
};

// Appends "<time> to=<phone> code=<code>" to an outbox file of its own (never to the
// request log): the development sender, and the place to read codes when testing by hand.
class LogSmsSender : public SmsSender {
 public:
  explicit LogSmsSender(std::string path) : path_(std::move(path)) {}
  Status Send(std::string_view phone, std::string_view code) override;

 private:
  std::string path_;
};

// The sender named by [sms] provider.
std::unique_ptr<SmsSender> MakeSmsSender(const Config& config);

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
