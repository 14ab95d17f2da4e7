#!/bin/sh
# Applies the sql/NNN_*.sql migrations that DATABASE has not had yet, in order, recording
# each in its schema_migrations table. The remaining arguments go to the mariadb client
# (how to connect, as a user that may create tables):
#   scripts/migrate.sh datingtoday -uroot -S /run/mysqld/mysqld.sock
# The Debian package installs it as datingtoday-migrate, beside /usr/share/datingtoday/sql.
set -eu
[ $# -ge 1 ] || { echo "usage: $0 DATABASE [mariadb client options]" >&2; exit 2; }
db=$1; shift
cd "$(dirname "$(readlink -f "$0")")/.."
case "$db" in *[!A-Za-z0-9_]*|"") echo "migrate: bad database name '$db'" >&2; exit 2;; esac
client() { mariadb --no-defaults --batch --skip-column-names "$@"; }
client "$@" -e "CREATE DATABASE IF NOT EXISTS \`$db\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
  CREATE TABLE IF NOT EXISTS \`$db\`.schema_migrations (
    version VARCHAR(64) NOT NULL PRIMARY KEY,
    applied_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP)"
for f in sql/[0-9][0-9][0-9]_*.sql; do
  v=$(basename "$f" .sql)
  [ -n "$(client "$@" -e "SELECT 1 FROM \`$db\`.schema_migrations WHERE version = '$v'")" ] && continue
  echo "migrate: applying $v"
  { cat "$f"; printf "\nINSERT INTO schema_migrations (version) VALUES ('%s');\n" "$v"; } |
    client "$@" "$db" || { echo "migrate: $v failed; nothing after it was applied" >&2; exit 1; }
done
