// Sending pushes (API.md "Push"): the queue of lib/domain/push.h drained by a periodic
// task of every worker process, to Apple Push Notification service and Firebase Cloud
// Messaging in their own protocols.
//
// APNs: HTTP/2 POST <endpoint>/3/device/<token> with a provider token (a JWT signed ES256
// with the team's .p8 key: kid = key id, iss = team id, iat), made again after 40 minutes
// (Apple refuses one older than an hour and asks that it not change more often than every
// 20), apns-topic = the bundle id, apns-push-type alert, apns-collapse-id per conversation.
// FCM: POST <endpoint>/v1/projects/<project>/messages:send with an OAuth 2.0 access token
// from the service account (a JWT signed RS256 granted at its token_uri), kept until a
// minute before it expires; android.collapse_key per conversation, priority high for
// messages.
//
// A user with a live stream open (lib/outbound/events.h) sees the event there: no push.
// In their quiet hours a push waits for the end. A token the provider calls invalid is
// deleted; 429 and 5xx are tried again (after Retry-After when given, else 2^n seconds,
// 5 attempts). Thread-safe (the tokens are shared by the process's threads).
#pragma once

#include <cstdint>
#include <string>

#include "lib/core/config.h"
#include "lib/core/status.h"
#include "lib/store/db.h"
#include "lib/store/redis.h"

namespace dt {

// The task: the due users' pushes and the due retries, at `now_ms`.
Status SendDuePushes(Db& db, Redis& redis, const Config& config, int64_t now_ms);

// The provider tokens as sent (tests and tools): APNs' JWT at `now` (cached), and the JWT
// assertion of FCM's OAuth grant (new each call).
std::string ApnsProviderToken(const Config& config, int64_t now);
std::string FcmGrantAssertion(const Config& config, int64_t now);

}  // namespace dt
