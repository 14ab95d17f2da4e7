// The reply writer; see json_writer.h.
#include "lib/core/json_writer.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "lib/core/utf8.h"

namespace dt {
namespace {

void AppendInt(int64_t value, std::string* out) {
  char buf[24];
  const auto end = std::to_chars(buf, buf + sizeof buf, value).ptr;
  out->append(buf, end - buf);
}

}  // namespace

JsonWriter::JsonWriter(Start start) {
  text_.reserve(512);
  if (start == Start::kObject) Open('{');
}

void JsonWriter::Open(char bracket) {
  text_ += bracket;
  open_ += bracket == '{' ? '}' : ']';
  comma_ = false;
}

void JsonWriter::Key(std::string_view key) {
  if (comma_) text_ += ',';
  AppendJsonString(key, &text_);
  text_ += ':';
  comma_ = true;  // after this member's value
}

void JsonWriter::Element() {
  if (comma_) text_ += ',';
  comma_ = true;
}

JsonWriter& JsonWriter::Int(std::string_view key, int64_t value) {
  Key(key);
  AppendInt(value, &text_);
  return *this;
}

JsonWriter& JsonWriter::Bool(std::string_view key, bool value) {
  Key(key);
  text_ += value ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::Str(std::string_view key, std::string_view value) {
  Key(key);
  AppendJsonString(value, &text_);
  return *this;
}

JsonWriter& JsonWriter::Null(std::string_view key) {
  Key(key);
  text_ += "null";
  return *this;
}

JsonWriter& JsonWriter::Money(std::string_view key, int64_t cents) {
  Key(key);
  if (cents < 0) text_ += '-';
  const int64_t magnitude = std::llabs(cents);
  AppendInt(magnitude / 100, &text_);
  text_ += '.';
  text_ += static_cast<char>('0' + magnitude % 100 / 10);
  text_ += static_cast<char>('0' + magnitude % 10);
  return *this;
}

JsonWriter& JsonWriter::Fixed(std::string_view key, double value, int decimals) {
  Key(key);
  if (!std::isfinite(value)) {
    text_ += "null";
    return *this;
  }
  char buf[40];
  snprintf(buf, sizeof buf, "%.*f", decimals, value);
  text_ += buf;
  return *this;
}

JsonWriter& JsonWriter::Object(std::string_view key) {
  Key(key);
  Open('{');
  return *this;
}

JsonWriter& JsonWriter::Array(std::string_view key) {
  Key(key);
  Open('[');
  return *this;
}

JsonWriter& JsonWriter::Members(std::string_view members_json) {
  if (members_json.empty()) return *this;
  if (comma_) text_ += ',';
  text_.append(members_json);
  comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::Int(int64_t value) {
  Element();
  AppendInt(value, &text_);
  return *this;
}

JsonWriter& JsonWriter::Str(std::string_view value) {
  Element();
  AppendJsonString(value, &text_);
  return *this;
}

JsonWriter& JsonWriter::Object() {
  Element();
  Open('{');
  return *this;
}

JsonWriter& JsonWriter::End() {
  if (!open_.empty()) {
    text_ += open_.back();
    open_.pop_back();
  }
  comma_ = true;
  return *this;
}

std::string JsonWriter::Close() {
  while (!open_.empty()) End();
  comma_ = false;
  return std::move(text_);
}

void AppendJsonString(std::string_view s, std::string* out) {
  std::string repaired;
  if (!IsValidUtf8(s)) {  // never expected (input is validated); never emit invalid JSON
    for (unsigned char c : s) {
      if (c < 0x80) {
        repaired += static_cast<char>(c);
      } else {
        repaired += "\xEF\xBF\xBD";  // U+FFFD
      }
    }
    s = repaired;
  }
  out->push_back('"');
  size_t plain = 0;  // start of the run of characters copied as they are
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out->append(s.data() + plain, i - plain);
    plain = i + 1;
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      default: {
        char buf[8];
        snprintf(buf, sizeof buf, "\\u%04x", c);
        out->append(buf);
      }
    }
  }
  out->append(s.data() + plain, s.size() - plain);
  out->push_back('"');
}

}  // namespace dt
