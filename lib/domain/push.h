// Push notifications (API.md "Push"): the devices a user's pushes go to (MySQL
// push_device), what the user wants of them (push_setting: quiet hours, previews), and the
// queue between the routes that cause a push (a message, a match) and the task that sends
// them (lib/outbound/push.h). Thread-safe given per-thread Db/Redis.
//
// The queue is per user, in Redis, so that a burst collapses:
//   dt:push:pending:<uid>  hash: n (items since the user's last push), kind, peer, type,
//                          text of the latest (24 h)
//   dt:push:due            sorted set: user -> when their pending items are due (ms)
//   dt:push:cool:<uid>     string: until when (ms) a new item waits ([push]
//                          collapse_seconds after the user's last push)
//   dt:push:retry          sorted set: a delivery that failed for now (JSON) -> when (ms)
// The first item after a quiet time is due at once; those that follow within the collapse
// window wait for its end and go as one push that says how many. A push carries the
// conversation's collapse id, so the phone shows one notification, replaced.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lib/core/config.h"
#include "lib/core/status.h"
#include "lib/store/db.h"
#include "lib/store/redis.h"

namespace dt {

// Whether any provider is configured ([push.apns] or [push.fcm]).
bool PushEnabled(const Config& config);

// --- devices ---------------------------------------------------------------------------

struct PushDevice {
  std::string provider;  // apns | fcm
  std::string token;
};

// Whether `token` is one `provider` could have issued: APNs device tokens are hex (of 32
// bytes today; up to 100 bytes allowed), FCM registration tokens base64url-ish text.
bool ValidPushToken(const std::string& provider, const std::string& token);

// `token` now `user`'s, registered by session `session_id` (0: none); moved from whoever
// had it. A user keeps their kMaxDevices newest.
constexpr int kMaxDevices = 10;
Status RegisterDevice(Db& db, int64_t user, int64_t session_id, const std::string& platform,
                      const std::string& provider, const std::string& token,
                      const std::string& app_version, int64_t now);

// Deletes `user`'s registration of `token`; *found false when they had none.
Status UnregisterDevice(Db& db, int64_t user, const std::string& token, bool* found);

// After the provider said the token is no longer valid.
Status ForgetDevice(Db& db, const std::string& provider, const std::string& token);

Status UserDevices(Db& db, int64_t user, std::vector<PushDevice>* out);

// --- settings --------------------------------------------------------------------------

struct PushSettings {
  int quiet_start = -1, quiet_end = -1;  // minutes of the local day; -1: no quiet hours
  int tz_offset = 0;                     // minutes east of UTC
  bool show_preview = false;
};

Status LoadPushSettings(Db& db, int64_t user, PushSettings* out);
Status SavePushSettings(Db& db, int64_t user, const PushSettings& s, int64_t now);

// "HH:MM" (00:00-23:59) as minutes; false when malformed.
bool ParseClock(const std::string& text, int* minutes);
std::string FormatClock(int minutes);

// When the quiet hours holding `now` end (Unix seconds), or 0 when `now` is not in them.
int64_t QuietUntil(const PushSettings& s, int64_t now);

// --- the queue -------------------------------------------------------------------------

struct PushItem {
  std::string kind;  // message | match
  int64_t peer = 0;  // who sent the message, or was matched
  std::string type;  // a message's msgType
  std::string text;  // a text message's content (shown only with show_preview)
};

// After the commit of what caused it: one script, nothing when no provider is configured.
Status QueuePush(Redis& redis, const Config& config, int64_t user, const PushItem& item,
                 int64_t now_ms);

// A user's items taken for one push.
struct PendingPush {
  int64_t user = 0;
  int count = 0;  // items collapsed into it
  PushItem last;  // the latest
};

// Takes up to `limit` users whose items are due at `now_ms`, each atomically (another
// process's task takes the others); their collapse window starts now.
Status TakeDuePushes(Redis& redis, const Config& config, int64_t now_ms, int limit,
                     std::vector<PendingPush>* out);

// Gives `p` back, due at `due_ms` (quiet hours).
Status PutBackPush(Redis& redis, const PendingPush& p, int64_t due_ms);

// A delivery to one device that failed for now, tried again at `due_ms`.
struct PushRetry {
  int64_t user = 0;
  std::string provider, token;
  std::string payload;   // the provider's request body, as first sent
  std::string collapse;  // the collapse id / key
  int attempt = 1;       // attempts made
};
Status ScheduleRetry(Redis& redis, const PushRetry& r, int64_t due_ms);
Status TakeDueRetries(Redis& redis, int64_t now_ms, int limit, std::vector<PushRetry>* out);

}  // namespace dt
