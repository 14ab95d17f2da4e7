// The SMS providers' senders (lib/domain/sms.h's SmsSender), over HttpClient with [sms]
// connect_timeout_ms and timeout_ms:
//   - aliyun: Dysmsapi SendSms (version 2017-05-25), an RPC call whose parameters
//     (PhoneNumbers, SignName, TemplateCode, TemplateParam {"code":"..."}) go in the query
//     string, signed ACS3-HMAC-SHA256 ([sms.aliyun]);
//   - tencent: SMS SendSms (version 2021-01-11), a JSON body (PhoneNumberSet, SmsSdkAppId,
//     SignName, TemplateId, TemplateParamSet ["..."]) signed TC3-HMAC-SHA256 over
//     content-type;host ([sms.tencent]).
// International numbers (outside [sms] default_region) use each one's international
// template. Each answer is judged as the provider documents it: accepted, the number is
// bad (no other sender is tried), or anything else (a timeout, 5xx, throttling, a system
// error, a refused signature: the next sender is tried). Thread-safe: each thread has its
// own HttpClient.
#pragma once

#include <string>

#include "lib/core/config.h"
#include "lib/domain/sms.h"

namespace dt {

// The senders [sms] senders names, in its order.
SmsSenders MakeSmsSenders(const Config& config);

// How an Aliyun SendSms answer's Code (an HTTP 200 or 4xx JSON body) and a Tencent
// SendStatus or Error Code are judged (exposed for the unit tests and the fakes).
SmsOutcome AliyunOutcome(const std::string& code);
SmsOutcome TencentOutcome(const std::string& code);

}  // namespace dt
