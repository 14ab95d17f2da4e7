// Versioned cache-aside in Redis, for values MySQL can always rebuild (profiles, hidden
// sets). A writer changes MySQL, then invalidates: it bumps the entry's version key and
// deletes the entry in one step. A reader that missed reads the version first, then
// MySQL, then fills the entry only if the version is unchanged; so a reader that raced a
// writer never caches what it read before the write. A reader that finds Redis
// unavailable reads MySQL and fills nothing. Thread-safe given a per-thread Redis.
#pragma once

#include <string>
#include <vector>

#include "lib/core/status.h"
#include "lib/store/redis.h"

namespace dt {

struct CacheFill {
  std::string key;
  std::string version_key;
  std::string seen_version;  // GET version_key before MySQL was read ("" when absent)
  std::string value;
};

// Sets each entry (with `ttl` seconds to live) whose version is still the one seen. A
// Redis that cannot be reached is not an error here: the reader has its value.
Status CacheFillIfUnchanged(Redis& redis, const std::vector<CacheFill>& fills, int ttl);

// After a write: the entry goes, and a fill still in flight will not put it back.
Status CacheInvalidate(Redis& redis, const std::string& key, const std::string& version_key);

}  // namespace dt
