// Db: one MariaDB connection with its cache of prepared statements, opened lazily and
// reopened on the next call after it was lost. SQL runs only as prepared statements with
// bound parameters. A failure says what happened (lib/core/status.h), with MariaDB's error
// number: a lost or refused connection is unavailable (901), a statement that lost to
// another transaction (deadlock, lock wait timeout, duplicate key) a conflict, anything
// else internal (900).
// Thread-compatible: each worker thread owns one Db; never share one between threads.
#pragma once

#include <mysql.h>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "lib/core/config.h"
#include "lib/core/status.h"

namespace dt {

// One bound parameter of a statement.
class Arg {
 public:
  enum class Kind { kNull, kInt, kDouble, kString };
  Arg(std::nullptr_t) : kind_(Kind::kNull) {}                   // NOLINT
  Arg(int v) : kind_(Kind::kInt), int_(v) {}                    // NOLINT
  Arg(int64_t v) : kind_(Kind::kInt), int_(v) {}                // NOLINT
  Arg(double v) : kind_(Kind::kDouble), double_(v) {}           // NOLINT
  Arg(std::string_view v) : kind_(Kind::kString), str_(v) {}    // NOLINT
  Arg(const std::string& v) : kind_(Kind::kString), str_(v) {}  // NOLINT
  Arg(const char* v) : kind_(Kind::kString), str_(v) {}         // NOLINT

  Kind kind() const { return kind_; }
  const int64_t* int_ptr() const { return &int_; }
  const double* double_ptr() const { return &double_; }
  std::string_view str() const { return str_; }

 private:
  Kind kind_;
  int64_t int_ = 0;
  double double_ = 0;
  std::string_view str_;
};

// One result row; every column is read as text (numbers, dates and decimals as MariaDB
// formats them), NULL kept apart.
class Row {
 public:
  // A column that is not there (a bug: a query of fewer columns, or a row never filled)
  // throws std::out_of_range, which the dispatcher answers with 900 and a test reports.
  size_t size() const { return values_.size(); }
  bool IsNull(size_t i) const { return nulls_.at(i); }
  const std::string& Str(size_t i) const { return values_.at(i); }
  int64_t Int(size_t i) const;    // 0 for NULL
  double Double(size_t i) const;  // 0 for NULL

  void Reserve(size_t n) {
    values_.reserve(n);
    nulls_.reserve(n);
  }
  void Append(bool is_null, std::string value) {
    nulls_.push_back(is_null);
    values_.push_back(std::move(value));
  }

 private:
  std::vector<std::string> values_;
  std::vector<bool> nulls_;
};

// Ids as one bound parameter ("[1,2,3]") for a statement that expands it with
// JSON_TABLE(?, '$[*]' COLUMNS (id INT UNSIGNED PATH '$')): a list of any length in one
// static prepared statement, joined on the primary key.
std::string IdList(const std::vector<int64_t>& ids);

class Db {
 public:
  // A connection to [mysql] of `config` (read when connecting), or to `endpoint` (a
  // replica) with [mysql]'s login.
  explicit Db(const Config& config) : config_(config) {}
  Db(const Config& config, Endpoint endpoint) : config_(config), endpoint_(std::move(endpoint)) {}
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // A statement without a result set.
  Status Exec(const char* sql, std::initializer_list<Arg> args, uint64_t* affected = nullptr,
              uint64_t* insert_id = nullptr);

  // A query; its rows are appended to *rows.
  Status Query(const char* sql, std::initializer_list<Arg> args, std::vector<Row>* rows);

  // A query of at most one row: *found tells whether there was one.
  Status QueryRow(const char* sql, std::initializer_list<Arg> args, Row* row, bool* found);

  // Transactions; prefer the Transaction guard. `read_committed`: this one at READ
  // COMMITTED (the server's default is REPEATABLE READ): its locking reads lock the rows
  // they find and no gaps between them.
  Status Begin(bool read_committed = false);
  Status Commit();
  void Rollback();

  // A round trip to the server (health check).
  Status Ping();

 private:
  struct StmtClose {
    void operator()(MYSQL_STMT* s) const { mysql_stmt_close(s); }
  };
  struct ConnClose {
    void operator()(MYSQL* c) const { mysql_close(c); }
  };

  // A prepared statement with its result columns bound, once, to buffers of its own.
  struct Statement {
    std::unique_ptr<MYSQL_STMT, StmtClose> stmt;
    std::string sql;  // the text prepared: another text at the same address is re-prepared
    std::vector<MYSQL_BIND> cols;
    std::vector<char> buffers;
    std::vector<unsigned long> lengths;
    std::vector<my_bool> nulls, errors;
  };

  Status Connect();
  void Close();
  Status Prepare(const char* sql, Statement** statement);
  Status BindResult(Statement* statement);  // binds buffers for its current columns
  Status Run(const char* sql, std::initializer_list<Arg> args, std::vector<Row>* rows,
             uint64_t* affected, uint64_t* insert_id);
  // Runs `attempt` (a callable returning Status) and, outside a transaction, once more on
  // a new connection when it failed on one a server restart left stale without having run
  // anything: 2006 (it never reached a server) or a failure before it was sent.
  template <typename Attempt>
  Status OnceMoreIfStale(Attempt&& attempt);
  Status RunOnce(const char* sql, std::initializer_list<Arg> args, std::vector<Row>* rows,
                 uint64_t* affected, uint64_t* insert_id);
  Status Failure(unsigned err, const char* what, const char* detail);

  const Config& config_;
  const std::optional<Endpoint> endpoint_;
  std::unique_ptr<MYSQL, ConnClose> conn_;
  // By the address of the SQL text (a literal in all but tests): no copy or hash of the
  // text per execution; Prepare compares the text itself before reusing one. Declared
  // after conn_, so the statements close before their connection.
  std::unordered_map<const char*, Statement> statements_;
  std::vector<MYSQL_BIND> params_;  // reused by every execution
  unsigned last_errno_ = 0;
  bool in_transaction_ = false;
  bool executed_ = false;   // the last RunOnce got as far as sending its statement
  bool may_retry_ = false;  // a connection failure now is retried once (Run, Begin)
};

// Rolls back on destruction unless Commit() succeeded.
class Transaction {
 public:
  explicit Transaction(Db& db) : db_(db) {}
  ~Transaction() {
    if (open_) db_.Rollback();
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  Status Begin(bool read_committed = false) {
    Status s = db_.Begin(read_committed);
    open_ = s.ok();
    return s;
  }
  Status Commit() {
    Status s = db_.Commit();
    if (s.ok()) open_ = false;
    return s;
  }

 private:
  Db& db_;
  bool open_ = false;
};

// Which failures make a transaction worth running again from its start.
enum class RetryOn {
  kConflicts,  // InnoDB gave up on it: a deadlock (it rolled it all back) or a lock wait
               // that timed out (rolled back here)
  kConflictsAndDuplicates,  // those, and a duplicate key: a racing insert of the same
                            // unique key won, and a second run finds its row (login)
};

// At which isolation level a transaction runs.
enum class Isolation {
  kRepeatableRead,  // the server's default
  kReadCommitted,   // locking reads take no gap locks (see Db::Begin)
};

// The one transaction policy: runs `body` (a callable returning Status) in a transaction
// and commits when it returns OK; otherwise rolls back and returns its status. A run that
// failed on a conflict (see RetryOn) is run again, 3 runs in all.
template <typename Body>
Status InTransaction(Db& db, Body&& body, RetryOn retry = RetryOn::kConflicts,
                     Isolation isolation = Isolation::kRepeatableRead) {
  constexpr unsigned kDuplicate = 1062;  // ER_DUP_ENTRY
  constexpr unsigned kLockWait = 1205;   // ER_LOCK_WAIT_TIMEOUT
  constexpr unsigned kDeadlock = 1213;   // ER_LOCK_DEADLOCK
  Status s;
  for (int attempt = 0; attempt < 3; ++attempt) {
    Transaction tx(db);
    s = tx.Begin(isolation == Isolation::kReadCommitted);
    if (s.ok()) s = body();
    if (s.ok()) s = tx.Commit();
    if (s.ok() || s.kind() != StatusKind::kConflict) return s;
    const unsigned err = s.db_errno();
    const bool again = err == kDeadlock || err == kLockWait ||
                       (retry == RetryOn::kConflictsAndDuplicates && err == kDuplicate);
    if (!again) return s;
  }
  return s;
}

}  // namespace dt
