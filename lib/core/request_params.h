// ParseParams: the parameter set of a request (API.md section 2) from its query string and
// its urlencoded or multipart body. Everything malformed is refused here, before any
// handler or the guard runs: duplicate keys, invalid UTF-8, NUL bytes, broken percent
// escapes, a pair without '=', a broken multipart body, an unsupported content type, too
// many or too long parameters. Memory stays bounded whatever the body's size: urlencoded
// bodies are limited, and multipart bodies stream (lib/core/multipart.h). Thread-safe (one
// input per call).
#pragma once

#include <cgicc/CgiInput.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lib/core/params.h"
#include "lib/core/status.h"

namespace dt {

struct ParamLimits {
  int max_params = 64;              // text parameters and files together
  int max_key_length = 64;          // bytes
  int max_value_length = 16384;     // bytes of one text value
  int64_t max_form_body = 1 << 20;  // bytes of an urlencoded body (413 beyond)
  // Where the file parts of a multipart body are written as they arrive (the upload
  // route: <media root>/.incoming); empty: they are read, measured and dropped.
  std::string spool_dir;
  // Set (a route whose body is JSON, e.g. a gateway's notify): an application/json body
  // (at most max_form_body, valid UTF-8) is kept here as it came, not parsed.
  std::string* json_body = nullptr;
};

// True when every '%' in `s` starts a %XX escape of two hex digits.
bool ValidPercentEscapes(std::string_view s);

// A query string or urlencoded body: valid escapes, and every non-empty pair has a '='.
bool ValidUrlencoded(std::string_view s);

// RFC 3986 percent-encoding: everything but A-Z a-z 0-9 - _ . ~ as %XX (upper-case hex,
// UTF-8 byte by byte; a space is %20), as Alibaba Cloud's canonical query and dtcurl's
// requests write it.
std::string PercentEncode(std::string_view text);

// An application/x-www-form-urlencoded text as decoded pairs, in order, without any of
// ParseParams' limits: for what the server itself made or a gateway answered (an order
// string, a gateway's reply), never a request.
std::vector<std::pair<std::string, std::string>> DecodeForm(std::string_view text);

// Reads the request through `input` into *params (the body once, in pieces); 400 with a
// message naming the problem otherwise, 413 for an urlencoded body over its limit, 901
// when a file part finds the spool's disk full.
Status ParseParams(cgicc::CgiInput& input, const ParamLimits& limits, Params* params);

// For the body parsers: adds key=value after the checks every parameter gets (name and
// value length, UTF-8, NUL, control characters in names, duplicates, the count).
Status AddCheckedParam(std::string key, std::string value, const ParamLimits& limits,
                       Params* params);

// Checks the name of a file part as AddCheckedParam would, and that no parameter or file
// has it yet; makes room for one more.
Status CheckFilePartName(const std::string& key, const ParamLimits& limits, const Params& params);

}  // namespace dt
