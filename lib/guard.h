// The guard: what the dispatcher checks before any handler of a signed route runs, in
// the order of API.md section 3: appkey (300/301), timestamp window (506), sign in
// constant time (500), nonce not replayed (507, recorded only after the sign is good);
// then for token routes userId and token (504). Thread-safe given per-thread Db/Redis.
#pragma once

#include <cstdint>
#include <string_view>

#include "lib/config.h"
#include "lib/context.h"
#include "lib/db.h"
#include "lib/params.h"
#include "lib/redis.h"
#include "lib/status.h"

namespace dt {

// Parses a client timestamp: Unix seconds, integer or fractional, or 13-digit
// milliseconds. False when malformed.
bool ParseClientTimestamp(std::string_view text, double* seconds);

// OK when `text` is a timestamp within `window` seconds of `now` either way; 300 when
// malformed, 506 when outside.
Status CheckTimestamp(std::string_view text, double now, int window);

// 1-64 characters of [A-Za-z0-9_-].
bool ValidNonce(std::string_view nonce);

// The whole guard of a signed request: appkey, timestamp, sign (with the token only on a
// token route: elsewhere the token slot of the signed text is empty), then (for a token route)
// userId and token, then in one Redis round trip the nonce (recorded with the timestamp's
// fraction digits, 507 if seen: the same signed bytes are never accepted twice), the
// session, and what `prefetched` asks for of the caller's caches. On success for a token
// route *user_id is the verified caller.
//
// When Redis is unavailable (901) every request fails closed, except a `read` (a GET: it
// changes nothing, or nothing a repeat would change again): it goes on without its nonce,
// the token checked against MySQL, so reading keeps working while Redis is down. A replay
// of a read inside the timestamp window returns what the original request returned.
Status CheckRequest(const Params& params, const Config& config, double now, bool needs_token,
                    bool read, Db& db, Redis& redis, int64_t* user_id, Prefetched* prefetched);

}  // namespace dt
