// What the fakes of the outside parties (tools/fakegate.cpp, the SMS providers of
// tools/fake_sms.cpp and FCM of tools/fake_fcm.cpp, linked into one fakegate process) share: a
// request as read from a connection, and the answer written back (one request per connection).
#pragma once

#include <map>
#include <string>

#include "lib/core/config.h"

namespace fake {

struct Request {
  std::string method, path, query, body;
  std::string target;                          // path and query, as sent
  std::map<std::string, std::string> headers;  // lower-case names
};

// Writes a whole HTTP/1.1 answer (`extra_headers` as "Name: value\r\n" lines).
void Answer(int fd, int status, const std::string& type, const std::string& body,
            const std::string& extra_headers = "");

// The SMS providers (tools/fake_sms.cpp). SmsInit reads what they check from the config
// ([sms.aliyun], [sms.tencent]) and where delivered codes are written ([sms] outbox, as
// the log sender writes it, for a developer to read); SmsServe answers a request whose path is
// one of the configured endpoints' or /control/sms/..., and says whether it was one.
void SmsInit(const dt::Config& config, const std::string& outbox);
bool SmsServe(int fd, const Request& r);

// Firebase Cloud Messaging (tools/fake_fcm.cpp): its token endpoint and HTTP v1 send at
// the config's [push.fcm] token_url and endpoint, checked with the service account's key.
void FcmInit(const dt::Config& config);
bool FcmServe(int fd, const Request& r);

}  // namespace fake
