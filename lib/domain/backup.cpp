// Backup and restore: mariadb-dump and the mariadb client run as child processes, never
// through a shell; their credentials go in an option file only this user can read.
#include "lib/domain/backup.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "lib/core/clock.h"
#include "lib/core/crypto.h"
#include "lib/core/errors.h"
#include "lib/domain/discovery.h"
#include "lib/domain/geo.h"
#include "lib/domain/hot.h"

extern char** environ;

namespace dt {
namespace {

constexpr char kFormat[] = "datingtoday-backup 1";
constexpr char kDump[] = "datingtoday.sql";
constexpr char kManifest[] = "MANIFEST";

// The Redis keys made from MySQL that a restore drops (docs/redis-keys.md); the hot
// ranking, the GEO index and the boosts are rebuilt instead.
constexpr const char* kDerived[] = {"dt:profile:*", "dt:hidden:*", "dt:sessions:*", "dt:recs:*"};

std::string Errno(const std::string& what) { return what + ": " + strerror(errno); }

// An option file value: quoted, so that '#' and spaces are the value's; a value with both
// kinds of quotes or a line break cannot be written and is refused.
bool OptionValue(const std::string& v, std::string* out) {
  if (v.find_first_of("\r\n") != std::string::npos) return false;
  const char quote = v.find('"') == std::string::npos ? '"' : '\'';
  if (v.find(quote) != std::string::npos) return false;
  std::string escaped;
  for (char c : v) {
    if (c == '\\') escaped += '\\';
    escaped += c;
  }
  *out = quote + escaped + quote;
  return true;
}

// The [client] options of config's MySQL connection, in a file made for one run and
// deleted by the destructor.
class ClientOptions {
 public:
  ~ClientOptions() {
    if (!path_.empty()) unlink(path_.c_str());
  }

  Status Write(const Config& config) {
    std::string user, password;
    if (!OptionValue(config.mysql_user, &user) || !OptionValue(config.mysql_password, &password)) {
      return Status::Error(kBadParam,
                           "[mysql] user and password must not hold both kinds of quotes or a "
                           "line break for mariadb-dump's option file.");
    }
    std::string text = "[client]\nuser=" + user + "\npassword=" + password + "\n";
    if (!config.mysql_socket.empty()) {
      std::string socket;
      if (!OptionValue(config.mysql_socket, &socket)) return Status::Error(kBadParam, "bad socket");
      text += "socket=" + socket + "\nprotocol=SOCKET\n";
    } else {
      std::string host;
      if (!OptionValue(config.mysql_host, &host)) return Status::Error(kBadParam, "bad host");
      text += "host=" + host + "\nport=" + std::to_string(config.mysql_port) + "\nprotocol=TCP\n";
    }
    const char* tmp = getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/dtadmin-XXXXXX";
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back('\0');
    const int fd = mkstemp(name.data());  // mode 0600
    if (fd < 0) return Status::Internal(Errno("mkstemp " + pattern));
    path_ = name.data();
    const bool written = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    close(fd);
    if (!written) return Status::Internal(Errno("writing " + path_));
    return Status::Ok();
  }

  std::string Argument() const { return "--defaults-extra-file=" + path_; }

 private:
  std::string path_;
};

// Runs argv[0] (found on PATH) with stdin and stdout from and to the files given ("" for
// ours), stderr ours; its exit status, or a status saying why it did not run or failed.
Status Run(const std::vector<std::string>& argv, const std::string& in, const std::string& out) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (!in.empty()) posix_spawn_file_actions_addopen(&actions, 0, in.c_str(), O_RDONLY, 0);
  if (!out.empty()) {
    posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  }
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    return Status::Unavailable(argv[0] + " did not start: " + strerror(spawned) +
                               " (is mariadb-client installed?)");
  }
  int wstatus = 0;
  while (waitpid(pid, &wstatus, 0) < 0) {
    if (errno != EINTR) return Status::Internal(Errno("waitpid"));
  }
  if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0) return Status::Ok();
  return Status::Unavailable(argv[0] +
                             (WIFEXITED(wstatus)
                                  ? " exited with " + std::to_string(WEXITSTATUS(wstatus))
                                  : std::string(" was killed")) +
                             " (its message is above)");
}

// The size and SHA-256 of a file.
Status Measure(const std::string& path, int64_t* bytes, std::string* sha256) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return Status::NotFound(Errno(path));
  *bytes = st.st_size;
  if (!Sha256FileHex(path, sha256)) return Status::Internal(Errno("reading " + path));
  return Status::Ok();
}

Status ForgetDerived(Redis& redis) {
  for (const char* pattern : kDerived) {
    std::string cursor = "0";
    do {
      RedisReply reply;
      RETURN_IF_ERROR(
          redis.CommandArgv({"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"}, &reply));
      if (reply.size() != 2) return Status::Internal("SCAN gave no cursor");
      cursor.assign(reply.Element(0)->str, reply.Element(0)->len);
      const redisReply* keys = reply.Element(1);
      if (keys->elements == 0) continue;
      std::vector<std::string_view> unlink = {"UNLINK"};
      for (size_t i = 0; i < keys->elements; ++i) {
        unlink.emplace_back(keys->element[i]->str, keys->element[i]->len);
      }
      RedisReply unlinked;
      RETURN_IF_ERROR(redis.CommandArgv(unlink, &unlinked));
    } while (cursor != "0");
  }
  return Status::Ok();
}

// ALTER TABLE statements that put each table's AUTO_INCREMENT back to at least what it is
// now: ids issued after the backup (users, messages, orders) are never issued again after
// the restore, so nothing kept elsewhere under such an id (a push waiting, a live-event
// channel, a rate-limit counter, a client's cache) can reach a new user or row.
Status CounterStatements(Db& db, std::string* sql) {
  std::vector<Row> rows;
  RETURN_IF_ERROR(
      db.Query("SELECT TABLE_NAME, AUTO_INCREMENT FROM information_schema.TABLES"
               " WHERE TABLE_SCHEMA = DATABASE() AND AUTO_INCREMENT IS NOT NULL",
               {}, &rows));
  for (const Row& r : rows) {
    const std::string name = r.Str(0);
    if (name.empty() ||
        name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos) {
      return Status::Internal("unexpected table name " + name);
    }
    *sql += "ALTER TABLE `" + name + "` AUTO_INCREMENT = " + std::to_string(r.Int(1)) + ";\n";
  }
  return Status::Ok();
}

}  // namespace

Status ReadManifest(const std::string& dir, BackupManifest* out) {
  std::ifstream in(dir + "/" + kManifest);
  if (!in) return Status::NotFound(dir + " holds no backup (no " + kManifest + ")");
  std::string line, format;
  std::getline(in, format);
  if (format != kFormat) return Status::Error(kBadParam, dir + ": not a backup of this format");
  while (std::getline(in, line)) {
    const size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    const std::string key = line.substr(0, eq), value = line.substr(eq + 1);
    if (key == "database") out->database = value;
    if (key == "schema") out->schema = value;
    if (key == "created") out->created = value;
    if (key == "bytes") out->bytes = atoll(value.c_str());
    if (key == "sha256") out->sha256 = value;
  }
  if (out->database.empty() || out->sha256.size() != 64) {
    return Status::Error(kBadParam, dir + "/" + kManifest + " is incomplete");
  }
  return Status::Ok();
}

Status Backup(const Config& config, Db& db, const std::string& dir, int64_t now,
              BackupManifest* out) {
  if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return Status::Internal(Errno(dir));
  if (access((dir + "/" + kManifest).c_str(), F_OK) == 0) {
    return Status::Error(kBadParam, dir + " holds a backup already: give a new folder");
  }
  BackupManifest m;
  m.database = config.mysql_database;
  m.created = FormatUtc(now, "%Y-%m-%dT%H:%M:%SZ");
  Row row;
  bool found = false;
  if (db.QueryRow("SELECT MAX(version) FROM schema_migrations", {}, &row, &found).ok() && found &&
      !row.IsNull(0)) {
    m.schema = row.Str(0);
  }
  ClientOptions options;
  RETURN_IF_ERROR(options.Write(config));
  const std::string dump = dir + "/" + kDump, partial = dump + ".partial";
  // One transaction's snapshot (InnoDB), rows a few at a time (--quick), binary columns as
  // hex; no CREATE DATABASE, so that it loads into whatever database is named.
  RETURN_IF_ERROR(Run({"mariadb-dump", options.Argument(), "--single-transaction", "--quick",
                       "--hex-blob", "--default-character-set=utf8mb4", "--skip-dump-date",
                       "--no-tablespaces", "--", config.mysql_database},
                      "", partial));
  if (rename(partial.c_str(), dump.c_str()) != 0) return Status::Internal(Errno(dump));
  RETURN_IF_ERROR(Measure(dump, &m.bytes, &m.sha256));
  const std::string manifest = dir + "/" + kManifest;
  {
    std::ofstream file(manifest + ".partial");
    file << kFormat << "\ndatabase=" << m.database << "\nschema=" << m.schema
         << "\ncreated=" << m.created << "\nbytes=" << m.bytes << "\nsha256=" << m.sha256 << "\n";
    if (!file.flush()) return Status::Internal(Errno(manifest));
  }
  if (rename((manifest + ".partial").c_str(), manifest.c_str()) != 0) {
    return Status::Internal(Errno(manifest));
  }
  *out = m;
  return Status::Ok();
}

Status Restore(const Config& config, Db& db, Redis& redis, const std::string& dir, int64_t now,
               BackupManifest* out) {
  BackupManifest m;
  RETURN_IF_ERROR(ReadManifest(dir, &m));
  const std::string dump = dir + "/" + kDump;
  int64_t bytes = 0;
  std::string sha256;
  RETURN_IF_ERROR(Measure(dump, &bytes, &sha256));
  if (bytes != m.bytes || sha256 != m.sha256) {
    return Status::Error(kBadParam, dump +
                                        " is not the file its manifest describes (size or "
                                        "SHA-256 differ): refusing to load it");
  }
  std::string counters;
  RETURN_IF_ERROR(CounterStatements(db, &counters));
  ClientOptions options;
  RETURN_IF_ERROR(options.Write(config));
  RETURN_IF_ERROR(Run({"mariadb", options.Argument(), "--batch", "--default-character-set=utf8mb4",
                       "--", config.mysql_database},
                      dump, ""));
  if (!counters.empty()) {
    RETURN_IF_ERROR(Run({"mariadb", options.Argument(), "--batch", "--execute=" + counters, "--",
                         config.mysql_database},
                        "", ""));
  }
  RETURN_IF_ERROR(ForgetDerived(redis));
  RETURN_IF_ERROR(HotRebuild(db, redis, now));
  RETURN_IF_ERROR(GeoRebuild(db, redis, now));
  RETURN_IF_ERROR(RebuildBoosts(db, redis, now));
  *out = m;
  return Status::Ok();
}

}  // namespace dt
