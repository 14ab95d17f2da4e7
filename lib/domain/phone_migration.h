// The migration of stored phones to E.164 (issue 16): accounts made before phones were
// normalised keep the spelling their client sent, which login no longer finds. Run by
// `dtadmin phones migrate` (make run, make test and make migrate run it after the SQL
// migrations). Thread-compatible (one Db).
#pragma once

#include <cstdint>
#include <string_view>

#include "lib/core/status.h"
#include "lib/store/db.h"

namespace dt {

// What MigratePhones did.
struct PhoneMigration {
  int64_t migrated = 0;   // rewritten to E.164 (user_info.phone and the login's open_id)
  int64_t invalid = 0;    // not a valid mobile number in the default region: left as it was
  int64_t conflicts = 0;  // another account has the E.164 form already: left, for an operator
};

// Rewrites every stored phone that is not E.164 yet (from before normalisation) to its
// E.164 form, each user in one transaction; idempotent. Accounts it cannot move are named
// on stderr.
Status MigratePhones(Db& db, std::string_view default_region, PhoneMigration* report);

}  // namespace dt
