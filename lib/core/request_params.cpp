// The query string and urlencoded bodies are split here, on '&' only, and decoded with
// cgicc's decoder; multipart bodies go to lib/core/multipart.cpp. cgicc's own Cgicc parser is
// not used: it reads a whole body into memory (several copies of an upload), splits
// urlencoded bodies on ';' as well as '&' (a raw ';' in a value broke its sign), keeps
// duplicates, passes broken escapes through and drops a broken multipart body silently.
#include "lib/core/request_params.h"

#include <cgicc/CgiUtils.h>
#include <strings.h>

#include <cstring>
#include <string>

#include "lib/core/args.h"
#include "lib/core/multipart.h"
#include "lib/core/utf8.h"

namespace dt {
namespace {

Status BadRequest(const std::string& msg) { return Status::Error(kBadRequest, msg); }

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool HasPrefixNoCase(const std::string& s, const char* prefix) {
  return strncasecmp(s.c_str(), prefix, strlen(prefix)) == 0;
}

// The name as it may appear in an error message.
std::string Printable(const std::string& key) {
  if (!IsValidUtf8(key) || HasControlChars(key) || key.size() > 64) return "a parameter";
  return "parameter '" + key + "'";
}

Status CheckKey(const std::string& key, const ParamLimits& limits) {
  if (key.empty()) return BadRequest("a parameter has no name.");
  if (static_cast<int>(key.size()) > limits.max_key_length) {
    return BadRequest("a parameter name is too long.");
  }
  if (!IsValidUtf8(key)) return BadRequest("a parameter name is not valid UTF-8.");
  if (HasControlChars(key)) return BadRequest("a parameter name has control characters.");
  return Status::Ok();
}

Status CheckValue(const std::string& key, const std::string& value, const ParamLimits& limits) {
  if (static_cast<int>(value.size()) > limits.max_value_length) {
    return BadRequest(Printable(key) + " is too long.");
  }
  if (!IsValidUtf8(value)) return BadRequest(Printable(key) + " is not valid UTF-8.");
  if (value.find('\0') != std::string::npos) return BadRequest(Printable(key) + " has a NUL byte.");
  return Status::Ok();
}

Status CheckRoom(const ParamLimits& limits, const Params& params) {
  if (static_cast<int>(params.size() + params.files().size()) >= limits.max_params) {
    return BadRequest("too many parameters.");
  }
  return Status::Ok();
}

// The pairs of a query string or urlencoded body, split on '&' only.
Status ParseUrlencoded(std::string_view text, const ParamLimits& limits, Params* params) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('&', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string pair(text.substr(start, end - start));
    start = end + 1;
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    RETURN_IF_ERROR(AddCheckedParam(cgicc::form_urldecode(pair.substr(0, eq)),
                                    cgicc::form_urldecode(pair.substr(eq + 1)), limits, params));
  }
  return Status::Ok();
}

// The body, all of it (its length was checked against the limit).
std::string ReadBody(cgicc::CgiInput& input, int64_t length) {
  std::string body(static_cast<size_t>(length), '\0');
  size_t done = 0;
  while (done < body.size()) {
    const size_t n = input.read(body.data() + done, body.size() - done);
    if (n == 0) break;  // the client sent less than it announced
    done += n;
  }
  body.resize(done);
  return body;
}

// The boundary parameter of a multipart Content-Type (cgi_input.h unquotes it).
std::string Boundary(const std::string& content_type) {
  const size_t at = content_type.find("boundary=");
  if (at == std::string::npos) return {};
  std::string b = content_type.substr(at + strlen("boundary="));
  return b.substr(0, b.find_first_of("; \t"));
}

}  // namespace

std::vector<std::pair<std::string, std::string>> DecodeForm(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t amp = text.find('&', start);
    if (amp == std::string_view::npos) amp = text.size();
    const std::string pair(text.substr(start, amp - start));
    const size_t eq = pair.find('=');
    if (!pair.empty()) {
      out.emplace_back(cgicc::form_urldecode(pair.substr(0, eq)),
                       eq == std::string::npos ? "" : cgicc::form_urldecode(pair.substr(eq + 1)));
    }
    start = amp + 1;
  }
  return out;
}

bool ValidUrlencoded(std::string_view s) {
  // A bare key ("flag") would be an empty value in one parser and dropped in another;
  // rather than guess what a client signed, a pair without '=' is refused.
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find('&', start);
    if (end == std::string_view::npos) end = s.size();
    std::string_view pair = s.substr(start, end - start);
    if (!pair.empty() && pair.find('=') == std::string_view::npos) return false;
    start = end + 1;
  }
  return ValidPercentEscapes(s);
}

bool ValidPercentEscapes(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') continue;
    if (i + 2 >= s.size() || !IsHex(s[i + 1]) || !IsHex(s[i + 2])) return false;
    i += 2;
  }
  return true;
}

Status AddCheckedParam(std::string key, std::string value, const ParamLimits& limits,
                       Params* params) {
  RETURN_IF_ERROR(CheckKey(key, limits));
  RETURN_IF_ERROR(CheckValue(key, value, limits));
  bool duplicate = params->Has(key);
  for (const UploadedFile& f : params->files()) duplicate |= f.field == key;
  if (duplicate) return BadRequest(Printable(key) + " is given twice.");
  RETURN_IF_ERROR(CheckRoom(limits, *params));
  params->Add(std::move(key), std::move(value));
  return Status::Ok();
}

Status CheckFilePartName(const std::string& key, const ParamLimits& limits, const Params& params) {
  RETURN_IF_ERROR(CheckKey(key, limits));
  bool duplicate = params.Has(key);
  for (const UploadedFile& f : params.files()) duplicate |= f.field == key;
  if (duplicate) return BadRequest(Printable(key) + " is given twice.");
  return CheckRoom(limits, params);
}

Status ParseParams(cgicc::CgiInput& input, const ParamLimits& limits, Params* params) {
  const std::string query = input.getenv("QUERY_STRING");
  const std::string content_type = input.getenv("CONTENT_TYPE");
  int64_t length = 0;
  const std::string length_text = input.getenv("CONTENT_LENGTH");
  if (!length_text.empty() && (!ParseInt64(length_text, &length) || length < 0)) {
    return BadRequest("bad Content-Length.");
  }
  if (!ValidUrlencoded(query)) return BadRequest("malformed query string.");
  RETURN_IF_ERROR(ParseUrlencoded(query, limits, params));
  if (length == 0) return Status::Ok();

  // A body is read whatever the method: the old service read a GET's form body too
  // (its clients' tests send one), with the same merge and duplicate rules.
  const bool get = strcasecmp(input.getenv("REQUEST_METHOD").c_str(), "GET") == 0;
  if (content_type.empty() || HasPrefixNoCase(content_type, "application/x-www-form-urlencoded")) {
    if (length > limits.max_form_body) return Status::Error(kTooLarge);
    const std::string body = ReadBody(input, length);
    if (!ValidUrlencoded(body)) return BadRequest("malformed urlencoded body.");
    return ParseUrlencoded(body, limits, params);
  }
  if (limits.json_body && HasPrefixNoCase(content_type, "application/json")) {
    if (length > limits.max_form_body) return Status::Error(kTooLarge);
    *limits.json_body = ReadBody(input, length);
    if (!IsValidUtf8(*limits.json_body)) return BadRequest("the body is not UTF-8.");
    return Status::Ok();
  }
  if (HasPrefixNoCase(content_type, "multipart/form-data") && !get) {
    const std::string boundary = Boundary(content_type);
    if (boundary.empty() || boundary.size() > 70) {
      return BadRequest("multipart body without a usable boundary.");
    }
    return ParseMultipart(input, length, boundary, limits, params);
  }
  if (get) return BadRequest("unsupported content type for a GET body (use urlencoded).");
  return BadRequest("unsupported content type (use urlencoded or multipart form data).");
}

std::string PercentEncode(std::string_view text) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.append({'%', kHex[c >> 4], kHex[c & 15]});
    }
  }
  return out;
}

}  // namespace dt
