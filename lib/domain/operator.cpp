// Operator accounts, their passwords and sessions, and the operator API's authenticators.
#include "lib/domain/operator.h"

#include <openssl/evp.h>

#include <cstdio>

#include "lib/core/crypto.h"
#include "lib/core/json_writer.h"
#include "lib/core/keys.h"
#include "lib/domain/ratelimit.h"
#include "lib/domain/session.h"

namespace dt {
namespace {

constexpr int kScryptR = 8, kScryptP = 1;
constexpr size_t kHashBytes = 32;
constexpr int kFailureWindow = 900;  // seconds over which failed logins count

bool Scrypt(std::string_view password, std::string_view salt, int log2n, int r, int p,
            std::string* out) {
  const uint64_t n = uint64_t{1} << log2n;
  unsigned char key[kHashBytes];
  // scrypt needs 128 * r * N bytes (32 MiB at N = 2^15, r = 8): OpenSSL's default ceiling is
  // that, so the ceiling is raised to what the parameters need, and no more.
  const uint64_t maxmem = 128 * static_cast<uint64_t>(r) * (n + p + 2) + (1 << 20);
  if (EVP_PBE_scrypt(password.data(), password.size(),
                     reinterpret_cast<const unsigned char*>(salt.data()), salt.size(), n,
                     static_cast<uint64_t>(r), static_cast<uint64_t>(p), maxmem, key,
                     sizeof key) != 1) {
    return false;
  }
  out->assign(reinterpret_cast<char*>(key), sizeof key);
  return true;
}

// The operator address: nginx's operator server block says so, and the client is in
// [operator] allow. Anywhere else the operator API does not exist.
Status AdmitAddress(RequestContext& ctx) {
  if (ctx.env.Header("DT_OPERATOR") != "1" ||
      !AddressInBlocks(ctx.env.client_ip, ctx.config().operator_allow)) {
    return Status::Error(kNoRoute);
  }
  return Status::Ok();
}

Status AdmitDoor(const Route&, RequestContext& ctx) { return AdmitAddress(ctx); }

// The session of the request's bearer token, live and of an active operator of `roles`.
Status AdmitSession(RequestContext& ctx, int roles) {
  RETURN_IF_ERROR(AdmitAddress(ctx));
  const std::string_view header = ctx.env.Header("HTTP_AUTHORIZATION");
  constexpr std::string_view kBearer = "Bearer ";
  if (header.substr(0, kBearer.size()) != kBearer || header.size() != kBearer.size() + 32) {
    return Status::Error(kNoPermission, "no operator session: log in.");
  }
  const std::string hash = TokenHash(header.substr(kBearer.size()));
  const int64_t now = ctx.clock().NowSeconds();
  Row row;
  bool found = false;
  RETURN_IF_ERROR(ctx.db.QueryRow(
      "SELECT o.id, o.name, o.role, o.status, UNIX_TIMESTAMP(s.expire_time),"
      " UNIX_TIMESTAMP(s.last_seen) FROM operator_session s JOIN operator o ON o.id = s.operator_id"
      " WHERE s.token_hash = UNHEX(?)",
      {hash}, &row, &found));
  if (!found || row.Str(3) != "active") {
    return Status::Error(kNoPermission, "no operator session: log in.");
  }
  if (row.Int(4) <= now || row.Int(5) + ctx.config().operator_idle_seconds <= now) {
    RETURN_IF_ERROR(
        ctx.db.Exec("DELETE FROM operator_session WHERE token_hash = UNHEX(?)", {hash}));
    return Status::Error(kNoPermission, "the operator session has expired: log in again.");
  }
  ctx.op.id = row.Int(0);
  ctx.op.name = row.Str(1);
  ctx.op.role = ParseRole(row.Str(2));
  ctx.op.expires = row.Int(4);
  ctx.op.token_hash = hash;
  if (!(ctx.op.role & (roles | kRoleAdmin))) {
    return Status::Error(kNoPermission,
                         std::string("the role ") + RoleName(ctx.op.role) + " may not do this.");
  }
  if (row.Int(5) < now - 30) {  // last seen, to the half minute: one write per 30 s at most
    RETURN_IF_ERROR(ctx.db.Exec(
        "UPDATE operator_session SET last_seen = FROM_UNIXTIME(?) WHERE token_hash = UNHEX(?)",
        {now, hash}));
  }
  return Status::Ok();
}

Status AdmitAny(const Route&, RequestContext& ctx) {
  return AdmitSession(ctx, kRoleReviewer | kRoleSupport);
}
Status AdmitReviewer(const Route&, RequestContext& ctx) { return AdmitSession(ctx, kRoleReviewer); }
Status AdmitSupport(const Route&, RequestContext& ctx) { return AdmitSession(ctx, kRoleSupport); }
Status AdmitAdmin(const Route&, RequestContext& ctx) { return AdmitSession(ctx, kRoleAdmin); }

bool ValidName(std::string_view name) {
  if (name.size() < 2 || name.size() > 32) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-')) {
      return false;
    }
  }
  return true;
}

}  // namespace

const Authenticator kOperatorDoor{"operator", AdmitDoor, {}};
const Authenticator kOperatorAny{"operator", AdmitAny, {"Authorization"}};
const Authenticator kOperatorReviewer{"operator", AdmitReviewer, {"Authorization"}};
const Authenticator kOperatorSupport{"operator", AdmitSupport, {"Authorization"}};
const Authenticator kOperatorStaff{"operator", AdmitAny, {"Authorization"}};
const Authenticator kOperatorAdmin{"operator", AdmitAdmin, {"Authorization"}};

int ParseRole(std::string_view name) {
  if (name == "reviewer") return kRoleReviewer;
  if (name == "support") return kRoleSupport;
  if (name == "admin") return kRoleAdmin;
  return 0;
}

const char* RoleName(int role) {
  switch (role) {
    case kRoleReviewer: return "reviewer";
    case kRoleSupport: return "support";
    case kRoleAdmin: return "admin";
  }
  return "none";
}

Actor ActorOf(const RequestContext& ctx) {
  return {ctx.op.id, ctx.op.name, std::string(ctx.env.client_ip)};
}

std::string HashPassword(std::string_view password, int log2n) {
  const std::string salt = RandomBytes(16);
  std::string key;
  if (!Scrypt(password, salt, log2n, kScryptR, kScryptP, &key)) return "";
  char params[48];
  snprintf(params, sizeof params, "$scrypt$ln=%d,r=%d,p=%d$", log2n, kScryptR, kScryptP);
  return params + Base64Encode(salt) + "$" + Base64Encode(key);
}

bool VerifyPassword(std::string_view password, std::string_view stored) {
  int log2n = 0, r = 0, p = 0, used = 0;
  const std::string text(stored);
  if (sscanf(text.c_str(), "$scrypt$ln=%d,r=%d,p=%d$%n", &log2n, &r, &p, &used) != 3 || used == 0 ||
      log2n < 10 || log2n > 20 || r < 1 || r > 32 || p < 1 || p > 4) {
    return false;
  }
  const size_t dollar = text.find('$', static_cast<size_t>(used));
  std::string salt, expected, key;
  if (dollar == std::string::npos ||
      !Base64Decode(std::string_view(text).substr(used, dollar - used), &salt) ||
      !Base64Decode(std::string_view(text).substr(dollar + 1), &expected) ||
      expected.size() != kHashBytes || !Scrypt(password, salt, log2n, r, p, &key)) {
    return false;
  }
  return ConstantTimeEquals(key, expected);
}

Status AddOperator(Db& db, const Config& config, const Actor& actor, const std::string& name,
                   const std::string& role, const std::string& password, int64_t now, int64_t* id) {
  if (!ValidName(name)) {
    return Status::Error(kBadParam, "name is invalid: 2-32 of a-z, 0-9, '_', '.', '-'.");
  }
  if (!ParseRole(role))
    return Status::Error(kBadParam, "role is invalid: reviewer, support or admin.");
  if (password.size() < 12 || password.size() > 128) {
    return Status::Error(kBadParam, "password is invalid: 12-128 characters.");
  }
  const std::string hash = HashPassword(password, config.operator_scrypt_log2n);
  if (hash.empty()) return Status::Error(kInternal, "scrypt failed.");
  return InTransaction(db, [&]() -> Status {
    Row row;
    bool found = false;
    RETURN_IF_ERROR(db.QueryRow("SELECT id FROM operator WHERE name = ?", {name}, &row, &found));
    if (found) return Status::Error(kLimitReached, "an operator of that name exists.");
    uint64_t new_id = 0;
    RETURN_IF_ERROR(
        db.Exec("INSERT INTO operator (name, role, password_hash, create_time) VALUES (?, ?, ?, "
                "FROM_UNIXTIME(?))",
                {name, role, hash, now}, nullptr, &new_id));
    *id = static_cast<int64_t>(new_id);
    JsonWriter after;
    after.Str("name", name).Str("role", role).Str("status", "active");
    return Audit(db, actor, "operator.add", "operator", *id, "{}", after.Close(), now);
  });
}

Status DisableOperator(Db& db, const Actor& actor, const std::string& name, int64_t now) {
  return InTransaction(db, [&]() -> Status {
    Row row;
    bool found = false;
    RETURN_IF_ERROR(
        db.QueryRow("SELECT id, role FROM operator WHERE name = ? AND status = 'active' FOR UPDATE",
                    {name}, &row, &found));
    if (!found) return Status::Error(kNotFound, "no such active operator.");
    RETURN_IF_ERROR(db.Exec("UPDATE operator SET status = 'disabled' WHERE id = ?", {row.Int(0)}));
    RETURN_IF_ERROR(db.Exec("DELETE FROM operator_session WHERE operator_id = ?", {row.Int(0)}));
    JsonWriter before, after;
    before.Str("name", name).Str("role", row.Str(1)).Str("status", "active");
    after.Str("name", name).Str("role", row.Str(1)).Str("status", "disabled");
    return Audit(db, actor, "operator.disable", "operator", row.Int(0), before.Close(),
                 after.Close(), now);
  });
}

Status OperatorLogin(Db& db, Redis& redis, const Config& config, const std::string& name,
                     const std::string& password, std::string_view client_ip, int64_t now,
                     OperatorCaller* out, std::string* token) {
  // Every attempt counts, a good one is taken back: only failures stay counted, and past
  // the limit the password is not even checked (a guess costs the guesser, not scrypt).
  const std::vector<RateRule> rules = {
      {"dt:rl:oplogin:name:" + Sha256Hex(name), config.operator_login_failures, kFailureWindow},
      {"dt:rl:oplogin:ip:" + std::string(client_ip), config.operator_login_failures * 4,
       kFailureWindow},
  };
  RETURN_IF_ERROR(RateLimitHit(redis, rules));
  Row row;
  bool found = false;
  RETURN_IF_ERROR(db.QueryRow(
      "SELECT id, role, password_hash FROM operator WHERE name = ? AND status = 'active'", {name},
      &row, &found));
  // No such operator costs what a wrong password does: the answer's time tells nothing.
  static const std::string decoy = HashPassword("decoy password", config.operator_scrypt_log2n);
  const bool good = VerifyPassword(password, found ? row.Str(2) : decoy) && found;
  if (!good) return Status::Error(kNoPermission, "wrong name or password.");
  RETURN_IF_ERROR(RateLimitRefund(redis, rules));
  *token = NewToken();
  out->id = row.Int(0);
  out->name = name;
  out->role = ParseRole(row.Str(1));
  out->expires = now + config.operator_session_seconds;
  out->token_hash = TokenHash(*token);
  RETURN_IF_ERROR(db.Exec(
      "INSERT INTO operator_session (token_hash, operator_id, client_ip, create_time, last_seen,"
      " expire_time) VALUES (UNHEX(?), ?, ?, FROM_UNIXTIME(?), FROM_UNIXTIME(?), FROM_UNIXTIME(?))",
      {out->token_hash, out->id, std::string(client_ip), now, now, out->expires}));
  // Sessions that ended long ago go with the next login (the table stays small).
  return db.Exec("DELETE FROM operator_session WHERE expire_time < FROM_UNIXTIME(?)",
                 {now - 86400});
}

Status OperatorLogout(Db& db, const RequestContext& ctx) {
  return db.Exec("DELETE FROM operator_session WHERE token_hash = UNHEX(?)", {ctx.op.token_hash});
}

}  // namespace dt
