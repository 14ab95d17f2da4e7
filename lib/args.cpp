// The parameter helpers.
#include "lib/args.h"

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

Status OptionalInt(const Params& params, std::string_view key, int64_t min, int64_t max,
                   int64_t fallback, int64_t* out) {
  const std::string* v = params.Find(key);
  if (!v || v->empty()) {
    *out = fallback;
    return Status::Ok();
  }
  return RequireInt(params, key, min, max, out);
}

Status RequirePhone(const Params& params, std::string_view key, std::string* out) {
  std::string phone;
  RETURN_IF_ERROR(RequireString(params, key, &phone));
  if (phone.size() < 6 || phone.size() > 20) return InvalidParam(key);
  for (size_t i = 0; i < phone.size(); ++i) {
    char c = phone[i];
    if (!(c >= '0' && c <= '9') && !(c == '+' && i == 0)) return InvalidParam(key);
  }
  if (phone == "+") return InvalidParam(key);
  *out = std::move(phone);
  return Status::Ok();
}

}  // namespace dt
