// The parameter helpers.
#include "lib/core/args.h"

#include <cstdlib>
#include <string>

namespace dt {

Status MissingParam(std::string_view key) {
  return Status::Error(kBadParam, std::string(key) + " is none.");
}

Status InvalidParam(std::string_view key) {
  return Status::Error(kBadParam, std::string(key) + " is invalid.");
}

bool ParseInt64(std::string_view s, int64_t* out) {
  bool negative = !s.empty() && s[0] == '-';
  if (negative) s.remove_prefix(1);
  if (s.empty() || s.size() > 18) return false;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = negative ? -v : v;
  return true;
}

Status RequireString(const Params& params, std::string_view key, std::string* out) {
  const std::string* v = params.Find(key);
  if (!v || v->empty()) return MissingParam(key);
  *out = *v;
  return Status::Ok();
}

Status RequireInt(const Params& params, std::string_view key, int64_t min, int64_t max,
                  int64_t* out) {
  const std::string* v = params.Find(key);
  if (!v || v->empty()) return MissingParam(key);
  int64_t n;
  if (!ParseInt64(*v, &n) || n < min || n > max) return InvalidParam(key);
  *out = n;
  return Status::Ok();
}

Status RequireOtherUser(const Params& params, int64_t self, int64_t* peer) {
  RETURN_IF_ERROR(RequireInt(params, "peerId", 1, kMaxId, peer));
  if (*peer == self) return InvalidParam("peerId");
  return Status::Ok();
}

Status OptionalInt(const Params& params, std::string_view key, int64_t min, int64_t max,
                   int64_t fallback, int64_t* out) {
  const std::string* v = params.Find(key);
  if (!v || v->empty()) {
    *out = fallback;
    return Status::Ok();
  }
  return RequireInt(params, key, min, max, out);
}

Status OptionalId(const Params& params, std::string_view key, int64_t fallback, int64_t* out) {
  return OptionalInt(params, key, 1, kMaxId, fallback, out);
}

Status RequirePage(const Params& params, int64_t max_count, int64_t default_count, Page* out) {
  RETURN_IF_ERROR(OptionalInt(params, "page", 1, 1000000, 1, &out->page));
  return OptionalInt(params, "pageCount", 1, max_count, default_count, &out->count);
}

bool ParseDecimal(std::string_view text, double* out) {
  const size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view fraction = dot == std::string_view::npos ? "" : text.substr(dot + 1);
  if (whole.empty() || whole.size() > 9 || fraction.size() > 9) return false;
  if (dot != std::string_view::npos && fraction.empty()) return false;
  if (whole.find_first_not_of("0123456789") != std::string_view::npos ||
      fraction.find_first_not_of("0123456789") != std::string_view::npos) {
    return false;
  }
  *out = std::strtod(std::string(text).c_str(), nullptr);  // the C locale: never changed
  return true;
}

bool ParseMoney(std::string_view text, int64_t* cents) {
  size_t dot = text.find('.');
  std::string_view yuan = text.substr(0, dot);
  std::string_view fraction = dot == std::string_view::npos ? "" : text.substr(dot + 1);
  if (yuan.empty() || yuan.size() > 9 || fraction.size() > 2) return false;
  if (dot != std::string_view::npos && fraction.empty()) return false;
  int64_t whole = 0, part = 0;
  for (char c : yuan) {
    if (c < '0' || c > '9') return false;
    whole = whole * 10 + (c - '0');
  }
  for (char c : fraction) {
    if (c < '0' || c > '9') return false;
    part = part * 10 + (c - '0');
  }
  if (fraction.size() == 1) part *= 10;
  *cents = whole * 100 + part;
  return true;
}

}  // namespace dt
