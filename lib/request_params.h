// ParseParams: the parameter set of a request (API.md section 2) from its query string and
// its urlencoded or multipart body, decoded by cgicc. Everything malformed is refused here,
// before any handler or the guard runs: duplicate keys, invalid UTF-8, NUL bytes, broken
// percent escapes, a pair without '=', a broken multipart body, an unsupported content type, too many or too
// long parameters. Thread-safe (one input per call).
#pragma once

#include <cgicc/CgiInput.h>

#include <string_view>

#include "lib/params.h"
#include "lib/status.h"

namespace dt {

struct ParamLimits {
  int max_params = 64;          // text parameters and files together
  int max_key_length = 64;      // bytes
  int max_value_length = 16384; // bytes of one text value
};

// True when every '%' in `s` starts a %XX escape of two hex digits.
bool ValidPercentEscapes(std::string_view s);

// A query string or urlencoded body: valid escapes, and every non-empty pair has a '='.
bool ValidUrlencoded(std::string_view s);

// Reads the request through `input` (the body once, as cgicc does) into *params; 400 with
// a message naming the problem otherwise.
Status ParseParams(cgicc::CgiInput& input, const ParamLimits& limits, Params* params);

}  // namespace dt
