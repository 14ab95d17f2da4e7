// ReadDb: where the reads that tolerate replication lag go (docs/SCALING.md: search, the
// label catalogue, the VIP products). With [mysql.replica] hosts configured, a query runs
// on a replica that is up: each thread keeps to one (threads are spread over them, and a
// request's reads see one replica's state); a replica that cannot be reached is skipped
// for kReplicaRetryPauseMs and the query runs on the next, or at last on the primary. Without
// replicas every query runs on the primary. Anything that must see its own writes
// (profiles and their cache fills, messages, orders, sessions) uses the primary Db.
// Thread-compatible, like Db: each worker thread owns one.
#pragma once

#include <chrono>
#include <initializer_list>
#include <memory>
#include <vector>

#include "lib/core/config.h"
#include "lib/core/status.h"
#include "lib/store/db.h"

namespace dt {

constexpr int kReplicaRetryPauseMs = 2000;

class ReadDb {
 public:
  // `primary` is the thread's Db; `first` picks the replica the thread starts at.
  ReadDb(const Config& config, Db& primary, size_t first = 0);

  // As Db::Query, on a replica when one answers, else on the primary.
  Status Query(const char* sql, std::initializer_list<Arg> args, std::vector<Row>* rows);

 private:
  struct Replica {
    std::unique_ptr<Db> db;
    std::chrono::steady_clock::time_point retry_at;
  };
  Db& primary_;
  std::vector<Replica> replicas_;
  size_t next_;
};

}  // namespace dt
