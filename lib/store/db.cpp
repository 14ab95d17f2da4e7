// Connector/C prepared statements behind Db: binding, fetching as text, reconnection.
#include "lib/store/db.h"

#include <errmsg.h>
#include <mysqld_error.h>

#include <cstdlib>
#include <cstring>

#include "lib/core/log.h"
#include "lib/core/metrics.h"

namespace dt {
namespace {

// Column buffer for the common case; longer values are fetched again at full length.
constexpr unsigned long kColumnBuffer = 256;

// The server is out of reach (gone, lost, refused, shutting down): 901.
bool IsConnectionError(unsigned err) {
  return err == CR_CONNECTION_ERROR || err == CR_CONN_HOST_ERROR || err == CR_SERVER_GONE_ERROR ||
         err == CR_SERVER_LOST || err == CR_SERVER_LOST_EXTENDED || err == CR_UNKNOWN_HOST ||
         err == ER_CON_COUNT_ERROR || err == ER_SERVER_SHUTDOWN || err == ER_CONNECTION_KILLED ||
         err == ER_QUERY_INTERRUPTED;
}

// Any other client-side error (out of sync, out of memory, a misused statement) leaves
// the connection in a state not worth trusting: it is dropped too, but answers 900.
bool IsClientError(unsigned err) { return err >= CR_MIN_ERROR && err <= CR_MAX_ERROR; }

}  // namespace

int64_t Row::Int(size_t i) const {
  return IsNull(i) ? 0 : strtoll(values_[i].c_str(), nullptr, 10);
}

double Row::Double(size_t i) const { return IsNull(i) ? 0 : strtod(values_[i].c_str(), nullptr); }

std::string IdList(const std::vector<int64_t>& ids) {
  std::string out = "[";
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i) out += ',';
    out += std::to_string(ids[i]);
  }
  return out + "]";
}

Db::~Db() { Close(); }

void Db::Close() {
  statements_.clear();  // each closes its statement, before the connection goes
  conn_.reset();
  in_transaction_ = false;
}

Status Db::Failure(unsigned err, const char* what, const char* detail) {
  last_errno_ = err;
  // Conflicts (a duplicate key, a deadlock, a lock wait) are outcomes, not errors.
  if (err != ER_DUP_ENTRY && err != ER_LOCK_DEADLOCK && err != ER_LOCK_WAIT_TIMEOUT) {
    CountEvent("dt_mysql_errors_total");
  }
  if (IsConnectionError(err) || conn_ == nullptr) {
    // Not worth a line when the caller is about to reconnect and retry (see Run).
    const bool will_retry = may_retry_ && (err == CR_SERVER_GONE_ERROR || !executed_);
    if (!will_retry) LogError("mysql %s: %u %s", what, err, detail);
    Close();
    return Status::Unavailable().WithDbErrno(err);
  }
  if (IsClientError(err)) {
    LogError("mysql %s: %u %s", what, err, detail);
    Close();
    return Status::Internal().WithDbErrno(err);
  }
  // Lost to another transaction: the caller's transaction policy may run it again.
  if (err == ER_DUP_ENTRY || err == ER_LOCK_DEADLOCK || err == ER_LOCK_WAIT_TIMEOUT) {
    if (err != ER_DUP_ENTRY) LogInfo("mysql %s: %u %s", what, err, detail);
    return Status::Conflict(err);
  }
  LogError("mysql %s: %u %s", what, err, detail);
  return Status::Internal().WithDbErrno(err);
}

Status Db::Connect() {
  if (conn_) return Status::Ok();
  conn_.reset(mysql_init(nullptr));
  if (!conn_) return Status::Internal("mysql_init failed");
  MYSQL* const conn = conn_.get();
  unsigned connect_timeout = config_.mysql_connect_timeout;
  unsigned read_timeout = config_.mysql_read_timeout;
  unsigned write_timeout = config_.mysql_write_timeout;
  mysql_options(conn, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout);
  mysql_options(conn, MYSQL_OPT_READ_TIMEOUT, &read_timeout);
  mysql_options(conn, MYSQL_OPT_WRITE_TIMEOUT, &write_timeout);
  mysql_options(conn, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  mysql_options(conn, MYSQL_INIT_COMMAND, "SET time_zone = '+00:00'");
  // Connector/C takes the socket only with host "localhost".
  const Endpoint& to = endpoint_
                           ? *endpoint_
                           : Endpoint{config_.mysql_host, config_.mysql_port, config_.mysql_socket};
  const bool use_socket = !to.socket.empty();
  const char* socket = use_socket ? to.socket.c_str() : nullptr;
  const char* host = use_socket ? "localhost" : to.host.c_str();
  if (!mysql_real_connect(conn, host, config_.mysql_user.c_str(), config_.mysql_password.c_str(),
                          config_.mysql_database.c_str(), static_cast<unsigned>(to.port), socket,
                          0)) {
    unsigned err = mysql_errno(conn);
    std::string detail = mysql_error(conn);
    conn_.reset();
    LogError("mysql connect: %u %s", err, detail.c_str());
    last_errno_ = err;
    CountEvent("dt_mysql_errors_total");
    return Status::Unavailable().WithDbErrno(err);
  }
  CountEvent("dt_mysql_connects_total");
  return Status::Ok();
}

Status Db::Prepare(const char* sql, Statement** out) {
  RETURN_IF_ERROR(Connect());
  auto it = statements_.find(sql);
  if (it != statements_.end()) {
    if (it->second.sql == sql) {
      *out = &it->second;
      return Status::Ok();
    }
    statements_.erase(it);  // another text at the same address
  }
  CountEvent("dt_mysql_statements_prepared_total");  // a miss of the statement cache
  std::unique_ptr<MYSQL_STMT, StmtClose> stmt(mysql_stmt_init(conn_.get()));
  if (!stmt) return Failure(mysql_errno(conn_.get()), "stmt_init", mysql_error(conn_.get()));
  if (mysql_stmt_prepare(stmt.get(), sql, strlen(sql)) != 0) {
    unsigned err = mysql_stmt_errno(stmt.get());
    std::string detail = std::string(mysql_stmt_error(stmt.get())) + " in: " + sql;
    stmt.reset();  // before Failure may close the connection
    return Failure(err, "prepare", detail.c_str());
  }
  Statement& st = statements_[sql];
  st.stmt = std::move(stmt);
  st.sql = sql;
  Status s = BindResult(&st);
  if (!s.ok()) {
    if (conn_) statements_.erase(sql);  // Failure may have closed it all
    return s;
  }
  *out = &st;
  return Status::Ok();
}

Status Db::BindResult(Statement* st) {
  const unsigned ncols = mysql_stmt_field_count(st->stmt.get());
  st->cols.assign(ncols, MYSQL_BIND{});
  st->buffers.resize(size_t{ncols} * kColumnBuffer);
  st->lengths.resize(ncols);
  st->nulls.resize(ncols);
  st->errors.resize(ncols);
  for (unsigned c = 0; c < ncols; ++c) {
    st->cols[c].buffer_type = MYSQL_TYPE_STRING;
    st->cols[c].buffer = st->buffers.data() + size_t{c} * kColumnBuffer;
    st->cols[c].buffer_length = kColumnBuffer;
    st->cols[c].length = &st->lengths[c];
    st->cols[c].is_null = &st->nulls[c];
    st->cols[c].error = &st->errors[c];
  }
  if (ncols > 0 && mysql_stmt_bind_result(st->stmt.get(), st->cols.data()) != 0) {
    return Failure(mysql_stmt_errno(st->stmt.get()), "bind_result",
                   mysql_stmt_error(st->stmt.get()));
  }
  return Status::Ok();
}

template <typename Attempt>
Status Db::OnceMoreIfStale(Attempt&& attempt) {
  const bool reused = conn_ != nullptr && !in_transaction_;
  may_retry_ = reused;
  Status s = attempt();
  may_retry_ = false;
  if (!s.ok() && reused && conn_ == nullptr &&
      (last_errno_ == CR_SERVER_GONE_ERROR || !executed_)) {
    s = attempt();
  }
  return s;
}

Status Db::Run(const char* sql, std::initializer_list<Arg> args, std::vector<Row>* rows,
               uint64_t* affected, uint64_t* insert_id) {
  // A connection that sat idle while MariaDB restarted fails on the next write (2006) or
  // while preparing (no effect either way).
  return OnceMoreIfStale([&] { return RunOnce(sql, args, rows, affected, insert_id); });
}

Status Db::RunOnce(const char* sql, std::initializer_list<Arg> args, std::vector<Row>* rows,
                   uint64_t* affected, uint64_t* insert_id) {
  last_errno_ = 0;
  executed_ = false;
  Statement* st = nullptr;
  RETURN_IF_ERROR(Prepare(sql, &st));
  MYSQL_STMT* stmt = st->stmt.get();
  if (mysql_stmt_param_count(stmt) != args.size()) {
    LogError("mysql: %zu arguments for %lu placeholders in: %s", args.size(),
             mysql_stmt_param_count(stmt), sql);
    return Status::Internal();
  }

  params_.assign(args.size(), MYSQL_BIND{});
  size_t i = 0;
  for (const Arg& arg : args) {
    MYSQL_BIND& b = params_[i++];
    switch (arg.kind()) {
      case Arg::Kind::kNull: b.buffer_type = MYSQL_TYPE_NULL; break;
      case Arg::Kind::kInt:
        b.buffer_type = MYSQL_TYPE_LONGLONG;
        b.buffer = const_cast<int64_t*>(arg.int_ptr());
        break;
      case Arg::Kind::kDouble:
        b.buffer_type = MYSQL_TYPE_DOUBLE;
        b.buffer = const_cast<double*>(arg.double_ptr());
        break;
      case Arg::Kind::kString:
        b.buffer_type = MYSQL_TYPE_STRING;
        b.buffer = const_cast<char*>(arg.str().data());
        b.buffer_length = arg.str().size();
        break;
    }
  }
  if (!params_.empty() && mysql_stmt_bind_param(stmt, params_.data()) != 0) {
    return Failure(mysql_stmt_errno(stmt), "bind_param", mysql_stmt_error(stmt));
  }
  executed_ = true;
  if (mysql_stmt_execute(stmt) != 0) {
    return Failure(mysql_stmt_errno(stmt), "execute", mysql_stmt_error(stmt));
  }

  // An INSERT ... RETURNING tells its columns only when executed; a table altered under
  // a statement may change them too.
  if (mysql_stmt_field_count(stmt) != st->cols.size()) {
    Status s = BindResult(st);
    if (!s.ok()) {
      if (conn_) mysql_stmt_free_result(stmt);
      return s;
    }
  }
  const size_t ncols = st->cols.size();
  if (ncols == 0) {
    if (affected) *affected = mysql_stmt_affected_rows(stmt);
    if (insert_id) *insert_id = mysql_stmt_insert_id(stmt);
    return Status::Ok();
  }
  int rc;
  while ((rc = mysql_stmt_fetch(stmt)) == 0 || rc == MYSQL_DATA_TRUNCATED) {
    Row row;
    row.Reserve(ncols);
    for (unsigned c = 0; c < ncols; ++c) {
      if (st->nulls[c]) {
        row.Append(true, {});
      } else if (st->lengths[c] <= kColumnBuffer) {
        row.Append(false,
                   std::string(static_cast<const char*>(st->cols[c].buffer), st->lengths[c]));
      } else {
        // Truncated: fetch this column again into a buffer of its full length.
        std::string value(st->lengths[c], '\0');
        MYSQL_BIND full = {};
        unsigned long full_length = 0;
        full.buffer_type = MYSQL_TYPE_STRING;
        full.buffer = value.data();
        full.buffer_length = value.size();
        full.length = &full_length;
        if (mysql_stmt_fetch_column(stmt, &full, c, 0) != 0) {
          Status s = Failure(mysql_stmt_errno(stmt), "fetch_column", mysql_stmt_error(stmt));
          if (conn_) mysql_stmt_free_result(stmt);
          return s;
        }
        row.Append(false, std::move(value));
      }
    }
    if (rows) rows->push_back(std::move(row));
  }
  if (rc != MYSQL_NO_DATA) {
    // An error the server sent in place of a row (a deadlock found while the rows were
    // read) is the connection's, not always the statement's: the retry policy needs it.
    unsigned err = mysql_stmt_errno(stmt);
    std::string detail = mysql_stmt_error(stmt);
    if (err == 0 && conn_) {
      err = mysql_errno(conn_.get());
      detail = mysql_error(conn_.get());
    }
    Status s = Failure(err, "fetch", detail.c_str());
    if (conn_) mysql_stmt_free_result(stmt);
    return s;
  }
  mysql_stmt_free_result(stmt);
  return Status::Ok();
}

Status Db::Exec(const char* sql, std::initializer_list<Arg> args, uint64_t* affected,
                uint64_t* insert_id) {
  return Run(sql, args, nullptr, affected, insert_id);
}

Status Db::Query(const char* sql, std::initializer_list<Arg> args, std::vector<Row>* rows) {
  return Run(sql, args, rows, nullptr, nullptr);
}

Status Db::QueryRow(const char* sql, std::initializer_list<Arg> args, Row* row, bool* found) {
  std::vector<Row> rows;
  RETURN_IF_ERROR(Run(sql, args, &rows, nullptr, nullptr));
  *found = !rows.empty();
  if (*found) *row = std::move(rows.front());
  return Status::Ok();
}

Status Db::Begin(bool read_committed) {
  static const char kBegin[] = "START TRANSACTION";
  // For the next transaction only.
  static const char kReadCommitted[] = "SET TRANSACTION ISOLATION LEVEL READ COMMITTED";
  RETURN_IF_ERROR(OnceMoreIfStale([&]() -> Status {
    last_errno_ = 0;
    RETURN_IF_ERROR(Connect());
    executed_ = true;  // sent: only a 2006 says it never ran
    if (read_committed &&
        mysql_real_query(conn_.get(), kReadCommitted, sizeof kReadCommitted - 1) != 0) {
      return Failure(mysql_errno(conn_.get()), "begin", mysql_error(conn_.get()));
    }
    if (mysql_real_query(conn_.get(), kBegin, sizeof kBegin - 1) != 0) {
      return Failure(mysql_errno(conn_.get()), "begin", mysql_error(conn_.get()));
    }
    return Status::Ok();
  }));
  in_transaction_ = true;
  return Status::Ok();
}

Status Db::Commit() {
  if (!conn_ || !in_transaction_) return Status::Unavailable();
  in_transaction_ = false;
  if (mysql_commit(conn_.get()) != 0) {
    return Failure(mysql_errno(conn_.get()), "commit", mysql_error(conn_.get()));
  }
  return Status::Ok();
}

void Db::Rollback() {
  if (!conn_ || !in_transaction_) return;
  in_transaction_ = false;
  if (mysql_rollback(conn_.get()) != 0) {
    Failure(mysql_errno(conn_.get()), "rollback", mysql_error(conn_.get()));
  }
}

Status Db::Ping() {
  static const char kPing[] = "SELECT 1";
  Row row;
  bool found = false;
  return QueryRow(kPing, {}, &row, &found);
}

}  // namespace dt
