// A route's parameters, declared in its row and parsed by the dispatcher before the handler
// runs (docs/design-notes.md "The route row"):
//     Post("/api/user/like", HandleLike)
//         .Accepts({IdArg("peerId").NotCaller(), TextArg("action").OneOf({"like", "pass"})})
// A declaration says the name, the type (integer, decimal, text, a list of ids), the range
// (of the value, or of a text's length in code points), required or optional with its
// default, and the code of a refusal (300 unless said: "<name> is none." when missing,
// "<name> is invalid." when malformed or out of range). The handler then reads typed
// values: ctx.args.Int("peerId"). Reading a name its row did not declare is a programming
// error (an exception: 900 and a log line), found by the route's first test.
//
// The same declarations are the OpenAPI parameters' reference (tests/http/openapi_test.cpp)
// and the security tests' route table. Specs are immutable; an Args is one request's.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "lib/core/params.h"
#include "lib/core/status.h"

namespace dt {

struct RequestContext;

Status MissingParam(std::string_view key);
Status InvalidParam(std::string_view key);

// A strict decimal integer: optional '-', 1-18 digits, nothing else.
bool ParseInt64(std::string_view s, int64_t* out);

// A plain decimal number: digits, optionally '.' and 1-9 more digits (no sign, exponent,
// hex or spaces); at most 9 digits before the point.
bool ParseDecimal(std::string_view text, double* out);

// An amount in yuan ("30", "30.5", "30.00": digits, at most 2 decimals, below 10^9) as
// integer cents; false when malformed.
bool ParseMoney(std::string_view text, int64_t* cents);

// The largest id a parameter may name (ids are INT UNSIGNED).
constexpr int64_t kMaxId = 4294967295;

// Present and non-empty: for an authenticator's own fields (signature, timestamp), which
// come before any route's declarations.
Status RequireString(const Params& params, std::string_view key, std::string* out);

enum class ArgType : uint8_t {
  kInt,      // a strict decimal integer in [min, max]
  kDecimal,  // a plain decimal (ParseDecimal) in [dmin, dmax], or (dmin, dmax] if exclusive
  kText,     // a string of [min, max] code points (max 0: any), optionally one of `choices`
  kIdList,   // "3,1,7": ids 1..kMaxId, distinct in order; an empty value is the empty list
};

// One parsed value.
struct ArgValue {
  bool given = false;        // present (and non-empty, unless its spec keeps empty values)
  int64_t i = 0;             // kInt; kText with choices: the index; a converter's number
  double x = 0, y = 0;       // kDecimal (x); a converter's pair (e.g. lat, lng)
  std::string text;          // kText (a converter may rewrite it: a phone becomes E.164)
  std::vector<int64_t> ids;  // kIdList
};

// A further check of a text, which may rewrite or extend its value; false refuses it
// ("<name> is invalid."). Reads the request's config and clock (a phone's default region,
// today for an age).
using ArgConverter = bool (*)(const RequestContext& ctx, ArgValue* value);

struct ArgSpec {
  const char* name = nullptr;
  ArgType type = ArgType::kInt;
  bool required = true;
  bool keep_empty = false;   // an empty value is a value (it clears a field), not absent
  bool or_caller = false;    // kInt: absent means the caller's id
  bool not_caller = false;   // kInt: the caller's id is refused
  bool no_controls = false;  // kText: no control characters
  bool in_bytes = false;     // kText: its length counts bytes, not code points
  int64_t min = 0, max = 0;  // kInt: the range; kText: its length in code points
  double dmin = 0, dmax = 0;
  bool dmin_exclusive = false;
  bool has_default = false;          // Or, OrDecimal: the documented default
  int64_t fallback = 0;              // kInt, when absent and optional
  double dfallback = 0;              // kDecimal, likewise
  std::vector<const char*> choices;  // kText: one of these (empty: any)
  ArgConverter convert = nullptr;
  int code = kBadParam;               // the code of a refusal
  const char* invalid_msg = nullptr;  // instead of "<name> is invalid."

  // Optional with a default: absent (or empty) gives `value`.
  ArgSpec& Or(int64_t value) {
    required = false;
    has_default = true;
    fallback = value;
    return *this;
  }
  ArgSpec& OrDecimal(double value) {
    required = false;
    has_default = true;
    dfallback = value;
    return *this;
  }
  // Optional without one: the handler asks Has() (the value is then 0 or empty).
  ArgSpec& Optional() {
    required = false;
    return *this;
  }
  ArgSpec& OrCaller() {
    required = false;
    or_caller = true;
    return *this;
  }
  ArgSpec& NotCaller() {
    not_caller = true;
    return *this;
  }
  ArgSpec& KeepEmpty() {
    keep_empty = true;
    return *this;
  }
  ArgSpec& Length(int64_t min_chars, int64_t max_chars) {
    min = min_chars;
    max = max_chars;
    return *this;
  }
  ArgSpec& MaxLength(int64_t max_chars) { return Length(0, max_chars); }
  ArgSpec& MaxBytes(int64_t max_bytes) {
    in_bytes = true;
    return Length(0, max_bytes);
  }
  ArgSpec& NoControls() {
    no_controls = true;
    return *this;
  }
  ArgSpec& OneOf(std::initializer_list<const char*> values) {
    choices.assign(values.begin(), values.end());
    return *this;
  }
  ArgSpec& As(ArgConverter converter) {
    convert = converter;
    return *this;
  }
  ArgSpec& Refuse(int refusal_code, const char* message = nullptr) {
    code = refusal_code;
    invalid_msg = message;
    return *this;
  }
};

// Required unless made optional (Or, Optional, OrCaller).
inline ArgSpec IntArg(const char* name, int64_t min, int64_t max) {
  ArgSpec s;
  s.name = name;
  s.type = ArgType::kInt;
  s.min = min;
  s.max = max;
  return s;
}
inline ArgSpec IdArg(const char* name) { return IntArg(name, 1, kMaxId); }
inline ArgSpec DecimalArg(const char* name, double min, double max, bool exclusive_min) {
  ArgSpec s;
  s.name = name;
  s.type = ArgType::kDecimal;
  s.dmin = min;
  s.dmax = max;
  s.dmin_exclusive = exclusive_min;
  return s;
}
inline ArgSpec TextArg(const char* name) {
  ArgSpec s;
  s.name = name;
  s.type = ArgType::kText;
  return s;
}
inline ArgSpec IdListArg(const char* name) {
  ArgSpec s;
  s.name = name;
  s.type = ArgType::kIdList;
  return s;
}

// `page` from 1 (default 1) and `pageCount` 1..max_count (default default_count): the
// paging of a list route (Route::Paged).
std::vector<ArgSpec> PageArgs(int64_t max_count, int64_t default_count);

// A request's parsed parameters, by the names of its route's declarations.
class Args {
 public:
  // Whether the parameter was given (else it has its default).
  bool Has(std::string_view name) const { return Value(name).given; }
  int64_t Int(std::string_view name) const;
  double Decimal(std::string_view name) const;
  const std::string& Text(std::string_view name) const;  // empty when absent
  const std::vector<int64_t>& Ids(std::string_view name) const;
  const ArgValue& Value(std::string_view name) const;

  // False when ParseArgs refused the request (preloaders then send nothing).
  bool ok() const { return ok_; }

 private:
  friend Status ParseArgs(const std::vector<ArgSpec>& specs, const RequestContext& ctx, Args* out);
  friend Status ResolveCaller(int64_t caller, Args* args);

  const ArgSpec& Spec(std::string_view name, size_t* index) const;

  const std::vector<ArgSpec>* specs_ = nullptr;
  std::vector<ArgValue> values_;
  bool ok_ = false;
};

// Parses ctx.params against `specs` in their order into *out; the first refusal is the
// status. The caller's id is not known yet (it runs before the authenticator, so that the
// authenticator's preloaders read typed values): ResolveCaller finishes the job.
Status ParseArgs(const std::vector<ArgSpec>& specs, const RequestContext& ctx, Args* out);

// After authentication: OrCaller defaults become `caller`, and NotCaller refuses it.
Status ResolveCaller(int64_t caller, Args* args);

// Paging, from `page` and `pageCount` (PageArgs). A listing query asks for limit() rows,
// one more than a page: that row is not shown and only tells whether there is a next page.
struct Page {
  int64_t page = 1;
  int64_t count = 10;
  int64_t offset() const { return (page - 1) * count; }
  int64_t limit() const { return count + 1; }
  size_t Shown(size_t rows) const { return std::min(rows, static_cast<size_t>(count)); }
  bool HasNext(size_t rows) const { return rows > static_cast<size_t>(count); }
};
Page PageOf(const Args& args);

}  // namespace dt
