// Moderation: what reports lead to, what an operator decides, and the review of photos.
// A user reported by
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

#include "lib/core/args.h"
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

// Who acts, for the audit log: an operator (lib/domain/operator.h), or with operator_id 0
// dtadmin ("dtadmin:<login>") or the server itself ("expiry").
struct Actor {
  int64_t operator_id = 0;
  std::string name;
  std::string ip;
};

// One audit_log row (in the caller's transaction, if any): `before` and `after` are JSON.
Status Audit(Db& db, const Actor& actor, const char* action, const char* target_type,
             int64_t target_id, const std::string& before, const std::string& after, int64_t now);

// The operators' decisions about a user. Each writes its audit row in the transaction of
// its change, then brings Redis in step (profile cache, hot ranking; a ban ends every
// session). 508 for a user that does not exist (or is deleted) or is not in the state
// the action needs (clear: reports or review; unban: banned).
Status WarnUser(Db& db, Redis& redis, const Actor& actor, int64_t user, const std::string& reason,
                int64_t now);
// active -> review: hidden from everyone but themself until cleared.
Status HideUser(Db& db, Redis& redis, const Actor& actor, int64_t user, const std::string& reason,
                int64_t now);
// -> banned for `days` (0: for good; ban-expiry lifts it after), every session revoked.
Status BanUser(Db& db, Redis& redis, const Actor& actor, int64_t user, int days,
               const std::string& reason, int64_t now);
// The open reports handled; review -> active.
Status ClearUser(Db& db, Redis& redis, const Actor& actor, int64_t user, int64_t now);
// banned -> active.
Status UnbanUser(Db& db, Redis& redis, const Actor& actor, int64_t user, int64_t now);
// The bans whose days are over, lifted (the periodic task "ban-expiry"); *lifted counts.
Status LiftExpiredBans(Db& db, Redis& redis, int64_t now, int* lifted);

// The users with open reports, oldest open report first: how many reports, how many of
// them from accounts at least `reporter_days` old ([safety] reporter_min_days: the trust
// that weighs a report), and per reason.
struct ReportedUser {
  int64_t user_id = 0;
  std::string nickname, avatar, status;
  int64_t reports = 0, established = 0;
  std::string first_report;                              // "YYYY-MM-DD HH:MM:SS"
  std::vector<std::pair<std::string, int64_t>> reasons;  // reason, count
  std::vector<std::string> details;                      // the newest descriptions (up to 3)
};
Status ListReported(Db& db, const Page& page, int reporter_days, std::vector<ReportedUser>* out);

// Photos. A stored image gets a review row when first used as an avatar, an album photo
// or a chat image (NotePhoto); [moderation] photos says what its state means to others
// (Config::photos_pre). *state is its state now: "pending", "approved" or "rejected".
Status NotePhoto(Db& db, const std::string& url, int64_t owner, const char* used_as, int64_t now,
                 std::string* state);

struct PendingPhoto {
  int64_t photo_id = 0, owner_id = 0;
  std::string url, used_as, nickname, create_time;
};
// The photos waiting for review, oldest first.
Status ListPendingPhotos(Db& db, const Page& page, std::vector<PendingPhoto>* out);

// approve or reject (with the reason the owner is shown) photo `photo_id`. Approved, a
// waiting avatar (pre) becomes the avatar; rejected, it is no one's avatar any more (the
// avatar reverts to none) and leaves every list and album of others. 508 for no such
// photo; deciding again overwrites (and is audited as such).
Status ReviewPhoto(Db& db, Redis& redis, const Actor& actor, int64_t photo_id, bool approve,
                   const std::string& reason, int64_t now);

// The word list's matches (lib/core/words.h) in `text` of `kind` (nickname, message,
// report), counted for the operators in Redis dt:words:hits (a field per kind); the count.
// A failure to count is logged, never the request's.
int CountWords(Redis& redis, const Config& config, const char* kind, std::string_view text);

// Keeps the Redis side in step after a change of `user`'s status or authority: the
// profile cache, and the hot ranking (listed only when active with authority 1).
Status AfterStatusChange(Db& db, Redis& redis, int64_t user, int64_t now);

}  // namespace dt
