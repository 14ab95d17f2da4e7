// libphonenumber behind three functions, and the migration of stored phones.
#include "lib/core/phone.h"

#include <phonenumbers/phonenumberutil.h>

#include <set>
#include <vector>

#include "lib/core/args.h"
#include "lib/core/context.h"

namespace dt {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

constexpr size_t kMaxPhoneText = 32;

PhoneNumberUtil& Util() { return *PhoneNumberUtil::GetInstance(); }

// The characters people write numbers with; libphonenumber also takes letters (vanity
// numbers) and extensions, which no SMS reaches.
bool PlainPhoneText(std::string_view text) {
  if (text.empty() || text.size() > kMaxPhoneText) return false;
  bool digits = false, plus = false;
  for (const char c : text) {
    if (c >= '0' && c <= '9') {
      digits = true;
    } else if (c == '+') {
      if (digits || plus) return false;  // one '+', before the number: "+86 ...", "(+86) ..."
      plus = true;
    } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')') {
      return false;
    }
  }
  return digits;
}

}  // namespace

bool KnownPhoneRegion(std::string_view region) {
  std::set<std::string> regions;
  Util().GetSupportedRegions(&regions);
  return regions.count(std::string(region)) == 1;
}

bool NormalizeMobile(std::string_view text, std::string_view default_region, std::string* e164) {
  if (!PlainPhoneText(text)) return false;
  PhoneNumber number;
  if (Util().Parse(std::string(text), std::string(default_region), &number) !=
      PhoneNumberUtil::NO_PARSING_ERROR) {
    return false;
  }
  if (number.has_extension() || !Util().IsValidNumber(number)) return false;
  const PhoneNumberUtil::PhoneNumberType type = Util().GetNumberType(number);
  if (type != PhoneNumberUtil::MOBILE && type != PhoneNumberUtil::FIXED_LINE_OR_MOBILE)
    return false;
  Util().Format(number, PhoneNumberUtil::E164, e164);
  return true;
}

std::string NationalNumber(std::string_view e164) {
  PhoneNumber number;
  std::string out;
  if (Util().Parse(std::string(e164), "ZZ", &number) != PhoneNumberUtil::NO_PARSING_ERROR) {
    return std::string(e164);
  }
  Util().GetNationalSignificantNumber(number, &out);
  return out;
}

std::string PhoneRegion(std::string_view e164) {
  PhoneNumber number;
  std::string region = "ZZ";
  if (Util().Parse(std::string(e164), "ZZ", &number) == PhoneNumberUtil::NO_PARSING_ERROR) {
    Util().GetRegionCodeForNumber(number, &region);
  }
  return region;
}

bool MobileArg(const RequestContext& ctx, ArgValue* value) {
  std::string e164;
  if (!NormalizeMobile(value->text, ctx.config().sms_default_region, &e164)) return false;
  value->text = std::move(e164);
  return true;
}

}  // namespace dt
