// Replica choice and fallback for lag-tolerant reads.
#include "lib/store/replica.h"

#include "lib/core/log.h"

namespace dt {

ReadDb::ReadDb(const Config& config, Db& primary, size_t first) : primary_(primary), next_(first) {
  for (const Endpoint& e : config.mysql_replicas) {
    replicas_.push_back({std::make_unique<Db>(config, e), {}});
  }
}

Status ReadDb::Query(const char* sql, std::initializer_list<Arg> args, std::vector<Row>* rows) {
  const auto now = std::chrono::steady_clock::now();
  for (size_t i = 0; i < replicas_.size(); ++i) {
    Replica& replica = replicas_[(next_ + i) % replicas_.size()];
    if (now < replica.retry_at) continue;
    std::vector<Row> found;
    Status s = replica.db->Query(sql, args, &found);
    if (s.ok()) {
      next_ = (next_ + i) % replicas_.size();  // stay with the one that answered
      rows->insert(rows->end(), std::make_move_iterator(found.begin()),
                   std::make_move_iterator(found.end()));
      return s;
    }
    if (s.code() != kUnavailable) return s;
    LogError("mysql replica %zu unavailable: reading elsewhere for %d ms",
             (next_ + i) % replicas_.size(), kReplicaRetryPauseMs);
    replica.retry_at = now + std::chrono::milliseconds(kReplicaRetryPauseMs);
  }
  return primary_.Query(sql, args, rows);
}

}  // namespace dt
