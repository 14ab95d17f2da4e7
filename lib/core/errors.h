// Error codes of API.md section 4 and the one mapping from a code to its HTTP status
// and default message. Pure functions; thread-safe.
#pragma once

namespace dt {

enum ErrorCode : int {
  kOk = 0,
  kBadParam = 300,  // appkey is none. / a required parameter missing or malformed
  kUnknownApp = 301,
  kBadRequest = 400,  // duplicate parameter, invalid UTF-8, malformed body
  kNoRoute = 404,
  kBadMethod = 405,
  kTooLarge = 413,
  kTooMany = 429,
  kBadSign = 500,
  kNoUser = 501,
  kBadLatLng = 502,
  kBadSmsCode = 503,
  kNoPermission = 504,
  kBadProfileField = 505,
  kBadTimestamp = 506,
  kReplay = 507,
  kNotFound = 508,
  kLimitReached = 509,
  kVipRequired = 510,
  kBadFile = 511,
  kOrderState = 512,
  kBlocked = 513,
  kInternal = 900,
  kUnavailable = 901,
};

// The HTTP status that goes with an error code: 200 for business errors, the
// transport status (400, 404, 405, 413, 429, 500, 503) for the others.
int HttpStatusFor(int code);

// The reason phrase of an HTTP status ("OK", "Not Found", ...).
const char* HttpReason(int status);

// The message used when a reply names no message of its own.
const char* DefaultMessage(int code);

}  // namespace dt
