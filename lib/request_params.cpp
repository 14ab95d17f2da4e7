// cgicc does the decoding; this file does the refusing that cgicc does not (it keeps
// duplicates, passes broken escapes through and drops a broken multipart body silently).
#include "lib/request_params.h"

#include <cgicc/CgiUtils.h>
#include <cgicc/Cgicc.h>
#include <strings.h>

#include <exception>
#include <string>

#include "lib/utf8.h"

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

}  // namespace

bool ValidUrlencoded(std::string_view s) {
  // cgicc keeps a bare key ("flag") as an empty value, but drops it when it comes last;
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

Status ParseParams(cgicc::CgiInput& input, const ParamLimits& limits, Params* params) {
  const std::string method = input.getenv("REQUEST_METHOD");
  const std::string query = input.getenv("QUERY_STRING");
  const std::string content_type = input.getenv("CONTENT_TYPE");
  const bool has_body = strcasecmp(method.c_str(), "POST") == 0 &&
                        input.getenv("CONTENT_LENGTH") != "0";
  if (!ValidUrlencoded(query)) return BadRequest("malformed query string.");

  bool urlencoded = false, multipart = false;
  if (has_body) {
    if (content_type.empty() || HasPrefixNoCase(content_type, "application/x-www-form-urlencoded")) {
      urlencoded = true;
    } else if (HasPrefixNoCase(content_type, "multipart/form-data")) {
      multipart = true;
      if (content_type.find("boundary=") == std::string::npos) {
        return BadRequest("multipart body without a boundary.");
      }
    } else {
      return BadRequest("unsupported content type (use urlencoded or multipart form data).");
    }
  }

  if (!has_body) {
    // Only a query string: split it here and decode with cgicc's decoder, rather than
    // build a whole Cgicc (and its copy of 26 environment variables) per GET.
    int count = 0;
    size_t start = 0;
    while (start < query.size()) {
      size_t end = query.find('&', start);
      if (end == std::string::npos) end = query.size();
      const std::string pair = query.substr(start, end - start);
      start = end + 1;
      if (pair.empty()) continue;
      if (++count > limits.max_params) return BadRequest("too many parameters.");
      const size_t eq = pair.find('=');
      std::string key = cgicc::form_urldecode(pair.substr(0, eq));
      std::string value = cgicc::form_urldecode(pair.substr(eq + 1));
      RETURN_IF_ERROR(CheckKey(key, limits));
      RETURN_IF_ERROR(CheckValue(key, value, limits));
      if (params->Has(key)) return BadRequest(Printable(key) + " is given twice.");
      params->Add(std::move(key), std::move(value));
    }
    return Status::Ok();
  }

  try {
    cgicc::Cgicc cgi(&input);
    if (urlencoded && !ValidUrlencoded(cgi.getEnvironment().getPostData())) {
      return BadRequest("malformed urlencoded body.");
    }
    const auto& elements = cgi.getElements();
    const auto& files = cgi.getFiles();
    if (multipart && elements.empty() && files.empty()) {
      return BadRequest("malformed multipart body.");
    }
    if (static_cast<int>(elements.size() + files.size()) > limits.max_params) {
      return BadRequest("too many parameters.");
    }
    for (const cgicc::FormEntry& e : elements) {
      const std::string& key = e.getName();
      const std::string& value = e.getValue();
      RETURN_IF_ERROR(CheckKey(key, limits));
      RETURN_IF_ERROR(CheckValue(key, value, limits));
      if (!params->Add(key, value)) return BadRequest(Printable(key) + " is given twice.");
    }
    for (const cgicc::FormFile& f : files) {
      const std::string& key = f.getName();
      RETURN_IF_ERROR(CheckKey(key, limits));
      bool duplicate = params->Has(key);
      for (const UploadedFile& other : params->files()) duplicate |= other.field == key;
      if (duplicate) return BadRequest(Printable(key) + " is given twice.");
      params->files().push_back({key, f.getFilename(), f.getDataType(), f.getData()});
    }
  } catch (const std::exception&) {
    return BadRequest("malformed request body.");
  }
  return Status::Ok();
}

}  // namespace dt
