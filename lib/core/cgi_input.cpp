// The two cgicc input adapters.
#include "lib/core/cgi_input.h"

#include <algorithm>
#include <cstring>

namespace dt {

std::string NormalizeContentType(const std::string& content_type) {
  std::string lower = content_type;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(tolower(c)); });
  size_t at = lower.find("boundary=");
  if (at == std::string::npos) return content_type;
  size_t value = at + strlen("boundary=");
  std::string out = content_type.substr(0, at) + "boundary=";
  if (value < content_type.size() && content_type[value] == '"') {
    size_t close = content_type.find('"', value + 1);
    if (close == std::string::npos) return content_type;  // unterminated: left to fail
    out += content_type.substr(value + 1, close - value - 1);
    out += content_type.substr(close + 1);
  } else {
    out += content_type.substr(value);
  }
  return out;
}

size_t FcgiInput::read(char* data, size_t length) {
  // cgicc asks once for the whole body; FCGX_GetStr loops over FastCGI records.
  size_t want = std::min<size_t>(length, static_cast<size_t>(content_length_));
  int n = FCGX_GetStr(data, static_cast<int>(want), request_.in);
  return n < 0 ? 0 : static_cast<size_t>(n);
}

std::string FcgiInput::getenv(const char* name) {
  if (strcmp(name, "CONTENT_LENGTH") == 0) return std::to_string(content_length_);
  const char* value = FCGX_GetParam(name, request_.envp);
  if (!value) return {};
  if (strcmp(name, "CONTENT_TYPE") == 0) return NormalizeContentType(value);
  return value;
}

size_t StringInput::read(char* data, size_t length) {
  size_t n = std::min(length, body_.size() - pos_);
  memcpy(data, body_.data() + pos_, n);
  pos_ += n;
  return n;
}

std::string StringInput::getenv(const char* name) {
  if (strcmp(name, "CONTENT_LENGTH") == 0) return std::to_string(body_.size());
  auto it = env_.find(name);
  if (it == env_.end()) return {};
  if (strcmp(name, "CONTENT_TYPE") == 0) return NormalizeContentType(it->second);
  return it->second;
}

}  // namespace dt
