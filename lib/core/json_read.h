// Reading JSON the outside parties send (gateways, providers, service account files):
// jsoncpp's reader behind one call. Thread-safe.
#pragma once

#include <json/value.h>

#include <string_view>

namespace dt {

// `text` parsed into *out: false unless it is JSON (ParseJson), or JSON whose top level is
// an object (ParseJsonObject).
bool ParseJson(std::string_view text, Json::Value* out);
bool ParseJsonObject(std::string_view text, Json::Value* out);

}  // namespace dt
