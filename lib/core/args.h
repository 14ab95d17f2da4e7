// Parameter helpers that produce the error themselves: each parses and range-checks one
// parameter and returns the 300 status naming it ("<key> is none." when missing,
// "<key> is invalid." when malformed or out of range), so a handler reads
//     RETURN_IF_ERROR(RequireInt(ctx.params, "pageCount", 1, 50, &page_count));
// Pure functions; thread-safe.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "lib/core/params.h"
#include "lib/core/status.h"

namespace dt {

Status MissingParam(std::string_view key);
Status InvalidParam(std::string_view key);

// A strict decimal integer: optional '-', 1-18 digits, nothing else.
bool ParseInt64(std::string_view s, int64_t* out);

// Present and non-empty.
Status RequireString(const Params& params, std::string_view key, std::string* out);

Status RequireInt(const Params& params, std::string_view key, int64_t min, int64_t max,
                  int64_t* out);

// `fallback` when absent; an empty value counts as absent.
Status OptionalInt(const Params& params, std::string_view key, int64_t min, int64_t max,
                   int64_t fallback, int64_t* out);

// The largest id a parameter may name (ids are INT UNSIGNED).
constexpr int64_t kMaxId = 4294967295;

// `peerId`: an id (1..kMaxId) other than `self`, the caller's (300 otherwise).
Status RequireOtherUser(const Params& params, int64_t self, int64_t* peer);

// An optional id parameter (`peerId`, ...): 1..kMaxId, `fallback` when absent.
Status OptionalId(const Params& params, std::string_view key, int64_t fallback, int64_t* out);

// Paging: `page` from 1 (default 1), `pageCount` 1..max_count (default default_count).
// A listing query asks for limit() rows, one more than a page: that row is not shown and
// only tells whether there is a next page.
struct Page {
  int64_t page = 1;
  int64_t count = 10;
  int64_t offset() const { return (page - 1) * count; }
  int64_t limit() const { return count + 1; }
  size_t Shown(size_t rows) const { return std::min(rows, static_cast<size_t>(count)); }
  bool HasNext(size_t rows) const { return rows > static_cast<size_t>(count); }
};
Status RequirePage(const Params& params, int64_t max_count, int64_t default_count, Page* out);

// A plain decimal number: digits, optionally '.' and 1-9 more digits (no sign, exponent,
// hex or spaces); at most 9 digits before the point.
bool ParseDecimal(std::string_view text, double* out);

// An amount in yuan ("30", "30.5", "30.00": digits, at most 2 decimals, below 10^9) as
// integer cents; false when malformed.
bool ParseMoney(std::string_view text, int64_t* cents);

}  // namespace dt
