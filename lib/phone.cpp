// libphonenumber behind three functions, and the migration of stored phones.
#include "lib/phone.h"

#include <phonenumbers/phonenumberutil.h>

#include <cstdio>
#include <set>
#include <vector>

#include "lib/args.h"

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

Status RequireMobile(const Params& params, std::string_view key, std::string_view default_region,
                     std::string* e164) {
  std::string text;
  RETURN_IF_ERROR(RequireString(params, key, &text));
  if (!NormalizeMobile(text, default_region, e164)) return InvalidParam(key);
  return Status::Ok();
}

Status MigratePhones(Db& db, std::string_view default_region, PhoneMigration* report) {
  // Everything the old rules stored ('+' and digits) that is E.164 already starts with '+'.
  std::vector<Row> rows;
  RETURN_IF_ERROR(
      db.Query("SELECT id, phone FROM user_info WHERE phone IS NOT NULL AND phone NOT LIKE '+%'"
               " ORDER BY id",
               {}, &rows));
  for (const Row& row : rows) {
    const int64_t user = row.Int(0);
    const std::string& phone = row.Str(1);
    std::string e164;
    if (!NormalizeMobile(phone, default_region, &e164)) {
      ++report->invalid;
      fprintf(stderr, "phones: user %lld: '%s' is not a valid mobile number; left as it is\n",
              static_cast<long long>(user), phone.c_str());
      continue;
    }
    bool taken = false;
    RETURN_IF_ERROR(InTransaction(db, [&]() -> Status {
      Row other;
      RETURN_IF_ERROR(db.QueryRow("SELECT id FROM user_info WHERE phone = ? FOR UPDATE", {e164},
                                  &other, &taken));
      if (taken) {
        fprintf(stderr,
                "phones: user %lld: '%s' is %s, the phone of user %lld already; left as it is\n",
                static_cast<long long>(user), phone.c_str(), e164.c_str(),
                static_cast<long long>(other.Int(0)));
        return Status::Ok();
      }
      RETURN_IF_ERROR(db.Exec("UPDATE user_info SET phone = ? WHERE id = ? AND phone = ?",
                              {e164, user, phone}));
      return db.Exec("UPDATE user_auth SET open_id = ? WHERE user_id = ? AND login_type = 'phone'",
                     {e164, user});
    }));
    ++(taken ? report->conflicts : report->migrated);
  }
  return Status::Ok();
}

}  // namespace dt
