// How messages would be spread over several MySQL primaries once one is not enough
// (docs/SCALING.md), said once: a conversation lives on the shard of the lower of its two
// user ids, so both sides' reads and writes of one conversation go to one primary, and a
// conversation never moves when users come and go. A user's contact rows live on the
// shard of that user (their list is one query). Today's deployment has one shard.
#pragma once

#include <cstdint>

namespace dt {

// The shard (0..shards-1) of the conversation between users `a` and `b`.
inline int ConversationShard(int64_t a, int64_t b, int shards) {
  if (shards <= 1) return 0;
  const int64_t lower = a < b ? a : b;
  return static_cast<int>(lower % shards);
}

// The shard of one user's own rows (contacts, sessions, profile).
inline int UserShard(int64_t user, int shards) { return shards <= 1 ? 0 : static_cast<int>(user % shards); }

}  // namespace dt
