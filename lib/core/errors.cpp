// The code -> HTTP status and code -> message tables of API.md section 4.
#include "lib/core/errors.h"

namespace dt {

int HttpStatusFor(int code) {
  switch (code) {
    case kBadRequest: return 400;
    case kNoRoute: return 404;
    case kBadMethod: return 405;
    case kTooLarge: return 413;
    case kTooMany: return 429;
    case kInternal: return 500;
    case kUnavailable: return 503;
    default: return 200;
  }
}

const char* HttpReason(int status) {
  switch (status) {
    case 200: return "OK";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 413: return "Payload Too Large";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Unknown";
  }
}

const char* DefaultMessage(int code) {
  switch (code) {
    case kOk: return "success";
    case kBadParam: return "parameter error.";
    case kUnknownApp: return "unknown appkey.";
    case kBadRequest: return "bad request.";
    case kNoRoute: return "no such api.";
    case kBadMethod: return "method not allowed.";
    case kTooLarge: return "request body too large.";
    case kTooMany: return "too many requests.";
    case kBadSign: return "signature is error.";
    case kNoUser: return "user not found.";
    case kBadLatLng: return "lat,lng error.";
    case kBadSmsCode: return "sms code error.";
    case kNoPermission: return "no operation permission.";
    case kBadProfileField: return "invalid profile field.";
    case kBadTimestamp: return "timestamp out of window.";
    case kReplay: return "nonce replayed.";
    case kNotFound: return "not found.";
    case kLimitReached: return "limit reached.";
    case kVipRequired: return "vip required.";
    case kBadFile: return "unsupported or invalid file.";
    case kOrderState: return "order state conflict.";
    case kBlocked: return "blocked.";
    case kInternal: return "internal error.";
    case kUnavailable: return "service unavailable.";
    default: return "error.";
  }
}

}  // namespace dt
