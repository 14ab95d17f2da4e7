// The hot ranking (API.md hot list): profile views in the last 7 UTC days, then newest,
// over every visible (authority 1) user, kept in Redis so that a view and a page are each
// O(log n) whatever the number of users:
//   dt:hot:day:<day>   ZSET, views of each user that day (one per viewer per user per day,
//                      deduplicated by dt:hot:seen:<day>:<user>:<viewer>)
//   dt:hot:week        ZSET of every visible user, score = views over the last 7 day sets;
//                      members are zero-padded ids, so equal scores order newest first
//   dt:hot:rolled      the last day already subtracted from dt:hot:week
// Views are counted by lib/domain/visits.cpp (RecordView). A housekeeping task subtracts each day
// as it leaves the window; HotRebuild makes the week set again from MySQL (the users) and the day
// sets. Thread-safe given per-thread Db/Redis.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lib/core/status.h"
#include "lib/store/db.h"
#include "lib/store/redis.h"

namespace dt {

// Days since the Unix epoch (UTC).
int64_t DayNumber(int64_t unix_seconds);

// What counting a view of `user` by `viewer` touches (lib/domain/visits.cpp counts it, at most
// once per day per pair, in the same script that queues the visit).
struct HotViewKeys {
  std::string seen, day, week;  // dt:hot:seen:..., dt:hot:day:<day>, dt:hot:week
  std::string member;           // the user's member name
  std::string seen_ttl;         // seconds to the end of the day
  std::string day_ttl;          // how long a day set lives
};
HotViewKeys HotKeysForView(int64_t user, int64_t viewer, int64_t now);

// Puts a user into the ranking (registration, authority back to 1) with the views it
// still has in the window, or takes it out (authority 0 or 2).
Status HotSetVisible(Redis& redis, int64_t user, bool visible, int64_t now);

// Page [offset, offset + count) of the ranking without the `excluded` users (the caller,
// the users hidden from the caller); *total counts every ranked user but those.
Status HotPage(Redis& redis, const std::vector<int64_t>& excluded, int64_t offset, int64_t count,
               std::vector<int64_t>* ids, int64_t* total);

// Each user's views over the window (0 for one not ranked), in the order of `users`: the
// command, for a caller's pipeline, and the reading of its reply.
std::vector<std::string> HotScoresCommand(const std::vector<int64_t>& users);
void ReadHotScores(const RedisReply& reply, size_t n, std::vector<double>* scores);

// HotPage over any ranking set `key` (the paging arithmetic, e.g. under test).
Status RankingPage(Redis& redis, const std::string& key, const std::vector<int64_t>& excluded,
                   int64_t offset, int64_t count, std::vector<int64_t>* ids, int64_t* total);

// Subtracts the days that left the window, a bounded chunk at a time (many workers may
// call it; a lock lets one work). The housekeeping task of the workers.
Status HotRollover(Redis& redis, int64_t now);

// Rebuilds dt:hot:week from MySQL's visible users and the day sets, then swaps it in.
Status HotRebuild(Db& db, Redis& redis, int64_t now);

}  // namespace dt
