// The guard: the app-signature authenticators of the route rows, run by the dispatcher
// before any handler of a signed route, in the order of API.md section 3: appkey
// (300/301), timestamp window (506), sign in constant time (500; with the token only on a
// token route: elsewhere the token slot of the signed text is empty), then for token
// routes userId and token (504); then in one Redis round trip the nonce (recorded only
// after the sign is good, with the timestamp's fraction digits: 507 if seen, so the same
// signed bytes are never accepted twice), the session and the row's preloaders
// (lib/domain/preload.h), whose replies are handed over once the token is verified; last
// the row's per-user rate limit (429).
//
// When Redis is unavailable (901) every request fails closed, except a GET (it changes
// nothing, or nothing a repeat would change again): it goes on without its nonce, the
// token checked against MySQL, so reading keeps working while Redis is down. A replay of
// a read inside the timestamp window returns what the original request returned.
// Thread-safe given the request's per-thread connections.
#pragma once

#include <string_view>

#include "lib/core/router.h"
#include "lib/core/status.h"

namespace dt {

// S: appkey, timestamp, nonce, sign.
extern const Authenticator kAppSigned;
// T: S, and a valid token for userId (RequestContext::user_id is the caller).
extern const Authenticator kAppToken;

// Whether `route` takes a login token (its authenticator is kAppToken).
bool TakesToken(const Route& route);

// Parses a client timestamp: Unix seconds, integer or fractional, or 13-digit
// milliseconds. False when malformed.
bool ParseClientTimestamp(std::string_view text, double* seconds);

// OK when `text` is a timestamp within `window` seconds of `now` either way; 300 when
// malformed, 506 when outside.
Status CheckTimestamp(std::string_view text, double now, int window);

// 1-64 characters of [A-Za-z0-9_-].
bool ValidNonce(std::string_view nonce);

}  // namespace dt
