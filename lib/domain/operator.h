// Operators: the accounts of the people who moderate, never users' accounts. The operator
// API (/api/admin/..., handlers/admin.cpp) is served only where nginx's operator server
// block passes the FastCGI parameter DT_OPERATOR=1 (nginx/operator.conf; the public
// server never does, and a client cannot set a FastCGI parameter), and only to clients in
// [operator] allow; anywhere else it is 404 like an unknown path.
//
// An operator logs in with name and password (stored as scrypt, memory-hard, from
// OpenSSL) and gets a session token, sent back as "Authorization: Bearer <token>"; the
// session ends at [operator] session_seconds or after idle_seconds unused, or at logout.
// Failed logins count per name and per address (15 minutes; 429 past them, the password
// not even checked). Roles: reviewer (photos, reports), support (users: look up, warn,
// unban), admin (everything, and operators). Thread-safe given per-thread Db/Redis.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lib/core/config.h"
#include "lib/core/context.h"
#include "lib/core/router.h"
#include "lib/core/status.h"
#include "lib/domain/moderation.h"
#include "lib/store/db.h"
#include "lib/store/redis.h"

namespace dt {

enum OperatorRole : int {
  kRoleReviewer = 1,
  kRoleSupport = 2,
  kRoleAdmin = 4,
};
// "reviewer", "support", "admin" and back; 0 for another name.
int ParseRole(std::string_view name);
const char* RoleName(int role);

// The authenticators of the operator routes. Each admits the operator address only
// (404 elsewhere); the door admits anyone there (login), the others a live session of an
// operator of the roles named (admin always; 504 otherwise, or for no session).
extern const Authenticator kOperatorDoor;
extern const Authenticator kOperatorAny;       // any role
extern const Authenticator kOperatorReviewer;  // reviewer, admin
extern const Authenticator kOperatorSupport;   // support, admin
extern const Authenticator kOperatorStaff;     // reviewer, support, admin: users' lookups
extern const Authenticator kOperatorAdmin;     // admin

// The request's operator (RequestContext::op), for the audit log.
Actor ActorOf(const RequestContext& ctx);

// scrypt of `password` under a new random salt with N = 2^log2n, r = 8, p = 1, as
// "$scrypt$ln=<log2n>,r=8,p=1$<salt>$<hash>" (base64); and whether `password` matches such
// a string (in constant time; false for a malformed one).
std::string HashPassword(std::string_view password, int log2n);
bool VerifyPassword(std::string_view password, std::string_view stored);

// A new operator: name 2-32 of [a-z0-9_.-], a role, a password of 12-128 characters.
// 300 naming what is wrong, 509 when the name is taken. Audited.
Status AddOperator(Db& db, const Config& config, const Actor& actor, const std::string& name,
                   const std::string& role, const std::string& password, int64_t now, int64_t* id);
// active -> disabled, every session ended. 508 for no such (active) operator. Audited.
Status DisableOperator(Db& db, const Actor& actor, const std::string& name, int64_t now);

// name + password -> a session (*out, and *token: its only copy). 504 for a wrong name or password
// (the same answer for both), 429 past the failures allowed.
Status OperatorLogin(Db& db, Redis& redis, const Config& config, const std::string& name,
                     const std::string& password, std::string_view client_ip, int64_t now,
                     OperatorCaller* out, std::string* token);
Status OperatorLogout(Db& db, const RequestContext& ctx);

}  // namespace dt
