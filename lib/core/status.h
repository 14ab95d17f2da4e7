// Status: the outcome of an operation across lib/ and handlers. It says what happened (its
// kind); an outcome the API names (a bad sign, not VIP, a wrong SMS code) also carries its
// code of API.md section 4, a message and optional detail (the reply's `data`). The store
// layer reports kinds only, with MariaDB's error number of a failed statement, and the
// reply maps a kind that reaches it to its code (unavailable 901, anything else 900), so
// an internal signal (a Redis script not loaded yet) never reaches a client as an API
// code. A value type; thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "lib/core/errors.h"

namespace dt {

enum class StatusKind {
  kOk,
  kRefused,      // an outcome the API names: code() is its API code
  kNotFound,     // what was asked for is not there (e.g. a script Redis has not loaded)
  kConflict,     // a statement lost to another transaction: deadlock, lock wait, duplicate
  kUnavailable,  // MySQL or Redis cannot be reached (901)
  kInternal,     // anything else (900)
};

class Status {
 public:
  Status() = default;
  static Status Ok() { return Status(); }

  // An outcome of the API (API.md section 4).
  // `detail` is the reply's `data`: a JSON object's text (JsonWriter's), or empty.
  static Status Error(int code, std::string msg = {}, std::string detail = {}) {
    Status s = Of(code == kUnavailable ? StatusKind::kUnavailable
                  : code == kInternal  ? StatusKind::kInternal
                                       : StatusKind::kRefused,
                  code, std::move(msg));
    s.detail_ = std::move(detail);
    return s;
  }
  // What happened, in lib/'s own terms.
  static Status Unavailable(std::string msg = {}) {
    return Of(StatusKind::kUnavailable, kUnavailable, std::move(msg));
  }
  static Status Internal(std::string msg = {}) {
    return Of(StatusKind::kInternal, kInternal, std::move(msg));
  }
  static Status NotFound(std::string msg = {}) {
    return Of(StatusKind::kNotFound, kInternal, std::move(msg));
  }
  // A statement that lost to another transaction; `db_errno` says how (1213, 1205, 1062).
  static Status Conflict(unsigned db_errno, std::string msg = {}) {
    Status s = Of(StatusKind::kConflict, kInternal, std::move(msg));
    s.db_errno_ = db_errno;
    return s;
  }
  // A 429's seconds until a retry may pass (the Retry-After header), also in `detail`.
  Status WithRetryAfter(int64_t seconds) && {
    retry_after_ = seconds;
    return std::move(*this);
  }
  // The same status, remembering MariaDB's error number of the statement that failed.
  Status WithDbErrno(unsigned db_errno) && {
    db_errno_ = db_errno;
    return std::move(*this);
  }

  bool ok() const { return kind_ == StatusKind::kOk; }
  StatusKind kind() const { return kind_; }
  // The API code a reply carries: the outcome's, or the kind's (901 unavailable, else 900).
  int code() const { return code_; }
  const std::string& msg() const { return msg_; }
  const std::string& detail() const { return detail_; }
  int64_t retry_after() const { return retry_after_; }
  // MariaDB's error number when a statement failed (ER_DUP_ENTRY is 1062), else 0.
  unsigned db_errno() const { return db_errno_; }

 private:
  static Status Of(StatusKind kind, int code, std::string msg) {
    Status s;
    s.kind_ = code == kOk ? StatusKind::kOk : kind;
    s.code_ = code;
    s.msg_ = msg.empty() ? DefaultMessage(code) : std::move(msg);
    return s;
  }

  StatusKind kind_ = StatusKind::kOk;
  int code_ = kOk;
  std::string msg_;
  std::string detail_;
  int64_t retry_after_ = 0;
  unsigned db_errno_ = 0;
};

}  // namespace dt

// Returns the status of `expr` from the enclosing function unless it is OK.
#define RETURN_IF_ERROR(expr)                    \
  do {                                           \
    ::dt::Status status_once_ = (expr);          \
    if (!status_once_.ok()) return status_once_; \
  } while (0)
