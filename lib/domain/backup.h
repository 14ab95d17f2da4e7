// Backups of what cannot be made again: the MySQL database, dumped by mariadb-dump in one
// consistent transaction (--single-transaction: InnoDB, no lock on the running service),
// into a folder with a manifest; and restoring one, after which the Redis state made from
// MySQL (cached profiles, hidden sets and sessions, deck pools, the hot ranking, the GEO
// index, the running boosts) is dropped or rebuilt so that nothing older or newer than the
// restored rows is served. docs/operations.md, "Backups", says what else to keep.
//   DIR/datingtoday.sql   the dump (plain SQL; `mariadb DATABASE < it` restores it too)
//   DIR/MANIFEST          format, database, schema (last migration), created, bytes, sha256
#pragma once

#include <cstdint>
#include <string>

#include "lib/core/config.h"
#include "lib/core/status.h"
#include "lib/store/db.h"
#include "lib/store/redis.h"

namespace dt {

struct BackupManifest {
  std::string database;
  std::string schema;   // the last migration applied (schema_migrations), "" when none
  std::string created;  // UTC, ISO 8601
  int64_t bytes = 0;
  std::string sha256;  // of datingtoday.sql, lowercase hex
};

// Dumps config's database into `dir` (made if missing, mode 0700; refused when it holds a
// backup already). The dump's programs are found on PATH (mariadb-dump, mariadb), their
// credentials handed over in a file only this user can read, deleted afterwards.
Status Backup(const Config& config, Db& db, const std::string& dir, int64_t now,
              BackupManifest* out);

// Checks the backup in `dir` (its manifest, the dump's size and SHA-256), loads it into
// config's database (its tables dropped and made again as they were; each table's
// AUTO_INCREMENT then put back to what it was before the load, so that no id is issued
// twice), then drops and rebuilds the Redis state made from MySQL. Stop the workers first
// (docs/operations.md): a request between the load and the rebuild could cache what is about to
// change.
Status Restore(const Config& config, Db& db, Redis& redis, const std::string& dir, int64_t now,
               BackupManifest* out);

// The manifest of the backup in `dir`.
Status ReadManifest(const std::string& dir, BackupManifest* out);

}  // namespace dt
