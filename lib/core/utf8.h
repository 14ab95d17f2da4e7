// UTF-8 validation and character counting (RFC 3629: no overlongs, no surrogates,
// nothing above U+10FFFF). Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string_view>

namespace dt {

bool IsValidUtf8(std::string_view s);

// Number of code points in valid UTF-8 `s`.
size_t Utf8Length(std::string_view s);

// The first `max_chars` code points of valid UTF-8 `s` (all of it when shorter).
std::string_view Utf8Prefix(std::string_view s, size_t max_chars);

// True when `s` holds a C0 control character or DEL (tab and newline included).
bool HasControlChars(std::string_view s);

}  // namespace dt
