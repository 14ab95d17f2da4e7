// Reply: what a handler returns: a status and, on success, the `data` object. Rendering
// into the JSON envelope of API.md section 1 happens in one place (RenderReply).
// A value type; thread-compatible.
#pragma once

#include <json/value.h>

#include <cstdint>
#include <string>
#include <utility>

#include "lib/core/status.h"

namespace dt {

struct Reply {
  Reply(Status s) : status(std::move(s)), data(status.detail()) {}  // NOLINT: implicit on purpose
  static Reply Ok(Json::Value data = Json::Value(Json::objectValue)) {
    Reply r{Status::Ok()};
    r.data = std::move(data);
    return r;
  }

  Status status;
  Json::Value data;  // null: no `data` key in the envelope
};

// The envelope {"code":..,"msg":..,"data":..} as compact JSON (UTF-8 kept as is).
std::string RenderReply(const Reply& reply);

// Compact JSON of any value, as RenderReply writes it (UTF-8 as is; control characters,
// quotes and backslashes escaped).
std::string RenderJson(const Json::Value& value);

// Appends `s` as a JSON string literal (quoted and escaped as RenderJson does).
void AppendJsonString(std::string_view s, std::string* out);

// An amount of money that renders as a JSON number in yuan with exactly two decimals
// (3000 -> 30.00): API.md section 1. Money is counted in integer cents everywhere.
Json::Value Money(int64_t cents);

// JSON text written as it is (it must be valid JSON, e.g. a pre-rendered profile).
Json::Value RawJson(std::string json);

// Builds one JSON object as text, member by member: for list items, where a Json::Value
// tree per row would cost more than the query. Close() gives the object.
class JsonObject {
 public:
  JsonObject& Int(std::string_view key, int64_t value);
  JsonObject& Bool(std::string_view key, bool value);
  JsonObject& Str(std::string_view key, std::string_view value);  // escaped
  JsonObject& Null(std::string_view key);
  std::string Close();

 private:
  void Key(std::string_view key);
  std::string text_ = "{";
};

// Builds a JSON array as text from pre-rendered elements (JsonObject::Close(), cached
// profiles): a list renders as one string, not a Json::Value per item.
class JsonArray {
 public:
  JsonArray& Add(std::string_view element_json);
  size_t size() const { return size_; }
  Json::Value Close();  // a RawJson value

 private:
  std::string text_ = "[";
  size_t size_ = 0;
};

}  // namespace dt
