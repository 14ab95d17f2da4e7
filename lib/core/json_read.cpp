// See json_read.h.
#include "lib/core/json_read.h"

#include <json/reader.h>

#include <memory>
#include <string>

namespace dt {

bool ParseJson(std::string_view text, Json::Value* out) {
  std::string errors;
  std::unique_ptr<Json::CharReader> reader(Json::CharReaderBuilder().newCharReader());
  return reader->parse(text.data(), text.data() + text.size(), out, &errors);
}

bool ParseJsonObject(std::string_view text, Json::Value* out) {
  return ParseJson(text, out) && out->isObject();
}

}  // namespace dt
