// Status: the outcome of an operation across lib/ and handlers: OK, or an error code
// of API.md section 4 with its message and optional detail (the reply's `data`).
// A value type; thread-compatible.
#pragma once

#include <json/value.h>

#include <string>
#include <utility>

#include "lib/core/errors.h"

namespace dt {

class Status {
 public:
  Status() = default;
  static Status Ok() { return Status(); }
  static Status Error(int code, std::string msg = {}, Json::Value detail = {}) {
    Status s;
    s.code_ = code;
    s.msg_ = msg.empty() ? DefaultMessage(code) : std::move(msg);
    s.detail_ = std::move(detail);
    return s;
  }
  // The usual ones, named.
  static Status Unavailable(std::string msg = {}) { return Error(kUnavailable, std::move(msg)); }
  static Status Internal(std::string msg = {}) { return Error(kInternal, std::move(msg)); }

  bool ok() const { return code_ == kOk; }
  int code() const { return code_; }
  const std::string& msg() const { return msg_; }
  const Json::Value& detail() const { return detail_; }

 private:
  int code_ = kOk;
  std::string msg_;
  Json::Value detail_;
};

}  // namespace dt

// Returns the status of `expr` from the enclosing function unless it is OK.
#define RETURN_IF_ERROR(expr)                    \
  do {                                           \
    ::dt::Status status_once_ = (expr);          \
    if (!status_once_.ok()) return status_once_; \
  } while (0)
