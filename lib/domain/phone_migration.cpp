// One transaction per user; what cannot move is named on stderr.
#include "lib/domain/phone_migration.h"

#include <cstdio>
#include <vector>

#include "lib/core/phone.h"

namespace dt {

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
