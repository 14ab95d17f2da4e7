#!/bin/bash
# The local stacks: MariaDB, Redis, the workers and nginx under one supervisord, with all
# their files under var/ (dev) or var/test/ (test). Nothing outside the checkout is used.
#   scripts/stack.sh run       dev stack on 127.0.0.1:8080 in the foreground (Ctrl-C stops)
#   scripts/stack.sh test      test stack on 127.0.0.1:18080: start, run $TESTS, stop
#   scripts/stack.sh migrate   apply new migrations to the running dev stack
# WORKER and TESTS name the binaries (defaults: build/datingtoday, build/dt_tests).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
WORKER=$(realpath -m "${WORKER:-build/datingtoday}")
TESTS=$(realpath -m "${TESTS:-build/dt_tests}")

mode=${1:-}
case "$mode" in
  run|migrate) VAR=$ROOT/var; PORT=8080; CONFIG=$ROOT/config/dev.ini ;;
  test) VAR=$ROOT/var/test; PORT=18080; CONFIG=$ROOT/config/test.ini ;;
  *) echo "usage: $0 run|test|migrate" >&2; exit 2 ;;
esac
SUPERVISORCTL=(supervisorctl -c "$VAR/supervisord.conf")
MYSQL=(mariadb --no-defaults -uroot -S "$VAR/run/mysqld.sock")

say() { echo "stack: $*"; }
die() { echo "stack: $*" >&2; exit 1; }

# ini_get SECTION KEY: a value of the stack's config file.
ini_get() {
  awk -F '=' -v s="[$1]" -v k="$2" '
    /^[ \t]*\[/ { gsub(/[ \t]/, ""); in_s = ($0 == s); next }
    in_s && $1 ~ "^[ \t]*" k "[ \t]*$" { sub(/^[^=]*=[ \t]*/, ""); sub(/[ \t]+$/, ""); print; exit }
  ' "$CONFIG"
}

find_bin() {
  local b
  for b in "$@"; do
    command -v "$b" 2>/dev/null && return 0
    [ -x "/usr/sbin/$b" ] && { echo "/usr/sbin/$b"; return 0; }
  done
  die "none of '$*' is installed (run: make deps)"
}

fill() {  # fill TEMPLATE OUT: replace the @...@ values
  sed -e "s|@ROOT@|$ROOT|g" -e "s|@VAR@|$VAR|g" -e "s|@PORT@|$PORT|g" \
      -e "s|@USER@|$(id -un)|g" -e "s|@USER_DIRECTIVE@|$USER_DIRECTIVE|g" \
      -e "s|@WORKER@|$WORKER|g" -e "s|@CONFIG@|$CONFIG|g" \
      -e "s|@MARIADBD@|$MARIADBD|g" -e "s|@REDIS@|$REDIS|g" -e "s|@NGINX@|$NGINX|g" \
      -e "s|@MARIADB_EXTRA@|$MARIADB_EXTRA|g" "$1" > "$2"
}

prepare() {
  MARIADBD=$(find_bin mariadbd mysqld)
  REDIS=$(find_bin redis-server)
  NGINX=$(find_bin nginx)
  # nginx started as root would run its workers as nobody, who cannot open the socket.
  USER_DIRECTIVE=""
  [ "$(id -u)" = 0 ] && USER_DIRECTIVE="user root;"
  MARIADB_EXTRA=""
  [ "$mode" = test ] && MARIADB_EXTRA="--innodb-flush-log-at-trx-commit=2"
  [ -x "$WORKER" ] || die "$WORKER is not built (run: make)"

  mkdir -p "$VAR"/{run,log,media,redis,nginx/body,nginx/fastcgi,nginx/proxy,nginx/scgi,nginx/uwsgi}
  ln -sfn "$ROOT/nginx" "$VAR/nginx/datingtoday"
  fill nginx/dev.conf.in "$VAR/nginx/nginx.conf"
  fill supervisor/dev.conf.in "$VAR/supervisord.conf"
  cat > "$VAR/redis.conf" <<REDIS
# Written by scripts/stack.sh. Redis holds caches and short-lived security state only
# (docs/redis-keys.md), so nothing is persisted: MySQL is the record.
port 0
unixsocket $VAR/run/redis.sock
unixsocketperm 700
dir $VAR/redis
save ""
appendonly no
daemonize no
logfile ""
REDIS
  if [ ! -d "$VAR/mysql/mysql" ]; then
    say "creating the MariaDB data directory $VAR/mysql"
    rm -rf "$VAR/mysql"
    mariadb-install-db --no-defaults --user="$(id -un)" --datadir="$VAR/mysql" \
      --auth-root-authentication-method=socket --auth-root-socket-user="$(id -un)" \
      --skip-test-db > "$VAR/log/mariadb-install.log" 2>&1 ||
      { cat "$VAR/log/mariadb-install.log" >&2; die "mariadb-install-db failed"; }
  fi
}

supervisord_running() {
  [ -f "$VAR/run/supervisord.pid" ] && kill -0 "$(cat "$VAR/run/supervisord.pid")" 2>/dev/null
}

stop_stack() {
  supervisord_running || return 0
  local pid
  pid=$(cat "$VAR/run/supervisord.pid")
  "${SUPERVISORCTL[@]}" shutdown > /dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  echo "stack: supervisord $pid did not stop in 30 s" >&2
}

wait_for() {  # wait_for SECONDS WHAT COMMAND...
  local seconds=$1 what=$2; shift 2
  for _ in $(seq 1 $((seconds * 5))); do "$@" > /dev/null 2>&1 && return 0; sleep 0.2; done
  die "$what did not come up in $seconds s (logs: $VAR/log/)"
}

# The database, its user and the migrations; a fresh database when asked ($1 = fresh).
setup_database() {
  wait_for 60 MariaDB "${MYSQL[@]}" -e 'SELECT 1'
  local db user password
  db=$(ini_get mysql database); user=$(ini_get mysql user); password=$(ini_get mysql password)
  [ "${1:-}" = fresh ] && "${MYSQL[@]}" -e "DROP DATABASE IF EXISTS \`$db\`"
  "${MYSQL[@]}" -e "CREATE USER IF NOT EXISTS '$user'@'localhost' IDENTIFIED BY '$password';
    GRANT ALL PRIVILEGES ON \`$db\`.* TO '$user'@'localhost'"
  scripts/migrate.sh "$db" -uroot -S "$VAR/run/mysqld.sock"
}

health() { curl -sf "http://127.0.0.1:$PORT/api/health"; }

case "$mode" in
  run)
    prepare
    supervisord_running && die "a dev stack is already running (supervisord $(cat "$VAR/run/supervisord.pid"))"
    supervisord -n -c "$VAR/supervisord.conf" &
    pid=$!
    trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null; exit 0' INT TERM
    setup_database
    wait_for 30 "the API" health
    say "up: http://127.0.0.1:$PORT (try: curl http://127.0.0.1:$PORT/api/health); logs in var/log/; Ctrl-C stops"
    wait $pid
    ;;
  test)
    stop_stack  # a stack left behind by an interrupted run
    rm -rf "$VAR/log" "$VAR/media"  # each run's logs and files are its own
    prepare
    supervisord -c "$VAR/supervisord.conf"
    trap stop_stack EXIT
    setup_database fresh
    wait_for 30 "the API" health
    rc=0
    DT_TEST_CONFIG="$CONFIG" DT_TEST_URL="http://127.0.0.1:$PORT" DT_TEST_VAR="$VAR" \
      WORKER="$WORKER" "$TESTS" ${TEST_FILTER:+"$TEST_FILTER"} || rc=$?
    exit $rc
    ;;
  migrate)
    supervisord_running || die "the dev stack is not running (make run)"
    setup_database
    ;;
esac
