// Phone numbers as accounts know them: E.164 ("+8613966660001"), whatever spelling a
// client sent ("13966660001", "+86 139-6666-0001", "008613966660001", "8613966660001"),
// parsed with libphonenumber (Google's metadata, as this field uses) against a default
// region for numbers without a country code ([sms] default_region). Only numbers that can
// receive an SMS are accepted: valid mobile numbers, or fixed-line-or-mobile where a region
// numbers both alike (the US). Login, SMS limits, storage and account deletion all key on
// the E.164 form, so one handset has one account and one SMS budget. Thread-safe
// (libphonenumber's PhoneNumberUtil is).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "lib/core/args.h"

namespace dt {

// Whether libphonenumber knows `region` ("CN", "US": ISO 3166-1 alpha-2, upper case).
bool KnownPhoneRegion(std::string_view region);

// `text` as E.164 in *e164 when it is a valid mobile number: at most 32 bytes of digits,
// spaces, '-', '.', '(' and ')' with an optional leading '+' (or an international prefix
// such as 00); no letters, no extension.
bool NormalizeMobile(std::string_view text, std::string_view default_region, std::string* e164);

// The national significant number of an E.164 number ("13966660001" for
// "+8613966660001"), e.g. for a new user's nickname.
std::string NationalNumber(std::string_view e164);

// The region (ISO 3166-1 alpha-2, "CN") an E.164 number belongs to; "ZZ" when none.
std::string PhoneRegion(std::string_view e164);

// A phone parameter's converter (lib/core/args.h): its text becomes E.164 under
// [sms] default_region, or it is refused.
bool MobileArg(const RequestContext& ctx, ArgValue* value);

}  // namespace dt
