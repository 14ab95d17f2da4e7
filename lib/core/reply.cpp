// A compact JSON writer of our own: jsoncpp's cannot write a number with a fixed number
// of decimals (money must read 30.00) nor keep the envelope's key order.
#include "lib/core/reply.h"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "lib/core/utf8.h"

namespace dt {
namespace {

// Markers no client data can make: objects with one member whose name starts with \x01.
constexpr const char* kMoneyKey = "\x01money";
constexpr const char* kRawKey = "\x01raw";

bool IsMarked(const Json::Value& v, const char* key) {
  return v.isObject() && v.size() == 1 && v.isMember(key);
}

void Append(const Json::Value& v, std::string* out) {
  switch (v.type()) {
    case Json::nullValue: out->append("null"); break;
    case Json::booleanValue: out->append(v.asBool() ? "true" : "false"); break;
    case Json::intValue: out->append(std::to_string(v.asLargestInt())); break;
    case Json::uintValue: out->append(std::to_string(v.asLargestUInt())); break;
    case Json::realValue: {
      const double d = v.asDouble();
      if (!std::isfinite(d)) {
        out->append("null");
        break;
      }
      char buf[32];
      snprintf(buf, sizeof buf, "%.15g", d);
      out->append(buf);
      break;
    }
    case Json::stringValue: {
      const char* begin = nullptr;
      const char* end = nullptr;
      v.getString(&begin, &end);
      AppendJsonString(std::string_view(begin, end - begin), out);
      break;
    }
    case Json::arrayValue: {
      out->push_back('[');
      for (Json::ArrayIndex i = 0; i < v.size(); ++i) {
        if (i) out->push_back(',');
        Append(v[i], out);
      }
      out->push_back(']');
      break;
    }
    case Json::objectValue: {
      if (IsMarked(v, kRawKey)) {
        const char* begin = nullptr;
        const char* end = nullptr;
        v[kRawKey].getString(&begin, &end);
        out->append(begin, end - begin);
        break;
      }
      if (IsMarked(v, kMoneyKey)) {
        const int64_t cents = v[kMoneyKey].asInt64();
        char buf[32];
        snprintf(buf, sizeof buf, "%s%lld.%02lld", cents < 0 ? "-" : "",
                 static_cast<long long>(std::llabs(cents) / 100),
                 static_cast<long long>(std::llabs(cents) % 100));
        out->append(buf);
        break;
      }
      out->push_back('{');
      bool first = true;
      for (auto it = v.begin(); it != v.end(); ++it) {
        if (!first) out->push_back(',');
        first = false;
        AppendJsonString(it.name(), out);
        out->push_back(':');
        Append(*it, out);
      }
      out->push_back('}');
      break;
    }
  }
}

}  // namespace

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

Json::Value Money(int64_t cents) {
  Json::Value v(Json::objectValue);
  v[kMoneyKey] = static_cast<Json::Int64>(cents);
  return v;
}

void JsonObject::Key(std::string_view key) {
  if (text_.size() > 1) text_ += ',';
  AppendJsonString(key, &text_);
  text_ += ':';
}

JsonObject& JsonObject::Int(std::string_view key, int64_t value) {
  Key(key);
  char buf[24];
  const auto end = std::to_chars(buf, buf + sizeof buf, value).ptr;
  text_.append(buf, end - buf);
  return *this;
}

JsonObject& JsonObject::Bool(std::string_view key, bool value) {
  Key(key);
  text_ += value ? "true" : "false";
  return *this;
}

JsonObject& JsonObject::Str(std::string_view key, std::string_view value) {
  Key(key);
  AppendJsonString(value, &text_);
  return *this;
}

JsonObject& JsonObject::Null(std::string_view key) {
  Key(key);
  text_ += "null";
  return *this;
}

std::string JsonObject::Close() {
  text_ += '}';
  return std::move(text_);
}

JsonArray& JsonArray::Add(std::string_view element_json) {
  if (size_++) text_ += ',';
  text_.append(element_json);
  return *this;
}

Json::Value JsonArray::Close() {
  text_ += ']';
  return RawJson(std::move(text_));
}

Json::Value RawJson(std::string json) {
  Json::Value v(Json::objectValue);
  v[kRawKey] = std::move(json);
  return v;
}

std::string RenderJson(const Json::Value& value) {
  std::string out;
  Append(value, &out);
  return out;
}

std::string RenderReply(const Reply& reply) {
  std::string out;
  out.reserve(1024);
  out += "{\"code\":";
  out += std::to_string(reply.status.code());
  out += ",\"msg\":";
  AppendJsonString(
      reply.status.ok() ? std::string_view("success") : std::string_view(reply.status.msg()), &out);
  if (!reply.data.isNull()) {
    out += ",\"data\":";
    Append(reply.data, &out);
  }
  out += '}';
  return out;
}

}  // namespace dt
