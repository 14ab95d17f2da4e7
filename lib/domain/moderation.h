// Moderation: what reports lead to and what an operator decides. A user reported by
// `[safety] report_threshold` distinct established users (reports not yet handled) goes
// under review:
// hidden from everyone but themself. An operator then clears them (the reports are marked
// handled) or bans them (hidden, sessions revoked, no new login). Used by the report
// route and by dtadmin. Thread-safe given per-thread Db/Redis.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lib/core/config.h"
#include "lib/core/status.h"
#include "lib/store/db.h"
#include "lib/store/redis.h"

namespace dt {

// Who may put others under review with their reports ([safety]).
struct ReviewRule {
  int threshold;          // established reporters whose reports are not handled yet
  int reporter_days;      // an established reporter's account is at least this old...
  int reporter_messages;  // ...and has a match or has sent this many messages
};

// After a report of `user`: puts an active user under review once enough distinct
// established reporters have reported it (throwaway accounts cannot hide anyone).
// *now_under_review tells whether this call did it.
Status ReviewIfReported(Db& db, Redis& redis, int64_t user, const ReviewRule& rule, int64_t now,
                        bool* now_under_review);

struct UnderReview {
  int64_t user_id;
  std::string nickname;
  int64_t reports;  // not yet handled
};
Status ListUnderReview(Db& db, std::vector<UnderReview>* out);

// review -> active; the reports so far count no more. 508 when the user is not under review.
Status ClearReview(Db& db, Redis& redis, int64_t user, int64_t now);

// Any status but deleted -> banned, with every session revoked. 508 for no such user.
Status Ban(Db& db, Redis& redis, int64_t user, int64_t now);

// The word list's matches (lib/core/words.h) in `text` of `kind` (nickname, message,
// report), counted for the operators in Redis dt:words:hits (a field per kind); the count.
// A failure to count is logged, never the request's.
int CountWords(Redis& redis, const Config& config, const char* kind, std::string_view text);

// Keeps the Redis side in step after a change of `user`'s status or authority: the
// profile cache, and the hot ranking (listed only when active with authority 1).
Status AfterStatusChange(Db& db, Redis& redis, int64_t user, int64_t now);

}  // namespace dt
