// The per-thread connections, and mysql_thread_init/end around them.
#include "lib/store/connections.h"

#include <mysql.h>

#include "lib/store/db.h"
#include "lib/store/redis.h"
#include "lib/store/replica.h"

namespace dt {
namespace {

// The MariaDB client's thread state must outlive the connections: set up first, torn down
// last (members are destroyed in reverse order).
struct MysqlThread {
  MysqlThread() { mysql_thread_init(); }
  ~MysqlThread() { mysql_thread_end(); }
  MysqlThread(const MysqlThread&) = delete;
  MysqlThread& operator=(const MysqlThread&) = delete;
};

class Thread : public ThreadConnections {
 public:
  Thread(const Config& config, size_t index)
      : db_(config), reads_(config, db_, index), redis_(config) {}
  Connections get() override { return {db_, reads_, redis_}; }

 private:
  MysqlThread mysql_;
  Db db_;
  ReadDb reads_;
  Redis redis_;
};

}  // namespace

std::unique_ptr<ThreadConnections> OpenThreadConnections(const Services& services,
                                                         size_t thread_index) {
  return std::make_unique<Thread>(services.config, thread_index);
}

}  // namespace dt
