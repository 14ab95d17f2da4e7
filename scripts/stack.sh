#!/bin/bash
# The local stacks: MariaDB, Redis, the workers and nginx under one supervisord, with all
# their files under var/ (dev) or var/test/ (test). Nothing outside the checkout is used.
#   scripts/stack.sh run       dev stack on 127.0.0.1:8080 in the foreground (Ctrl-C stops)
#   scripts/stack.sh test      test stack on 127.0.0.1:18080: start, run $TESTS, stop
#   scripts/stack.sh migrate   apply new migrations to the running dev stack
#   scripts/stack.sh status    what of the dev stack runs (supervisorctl) and its health
# WORKER and TESTS name the binaries (defaults: build/datingtoday, build/dt_tests).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
WORKER=$(realpath -m "${WORKER:-build/datingtoday}")
TESTS=$(realpath -m "${TESTS:-build/dt_tests}")

mode=${1:-}
case "$mode" in
  run|migrate|status) VAR=$ROOT/var; PORT=8080; OPERATOR_PORT=8081; PRE_PORT=8082; CONFIG=$ROOT/config/dev.ini; APNS_CONTROL=18084 ;;
  test) VAR=$ROOT/var/test; PORT=18080; OPERATOR_PORT=18081; PRE_PORT=18082; CONFIG=$ROOT/config/test.ini; APNS_CONTROL=18086 ;;
  *) echo "usage: $0 run|test|migrate|status" >&2; exit 2 ;;
esac
. "$ROOT/scripts/lib.sh"

prepare() {
  find_servers
  MARIADB_EXTRA=""
  [ "$mode" = test ] && MARIADB_EXTRA="--innodb-flush-log-at-trx-commit=2"
  [ -x "$WORKER" ] || die "$WORKER is not built (run: make)"
  [ -x "$(dirname "$WORKER")/fakegate" ] || die "$(dirname "$WORKER")/fakegate is not built (run: make)"
  make_var_dirs
  fill nginx/dev.conf.in "$VAR/nginx/nginx.conf" "PORT=$PORT" "OPERATOR_PORT=$OPERATOR_PORT" \
    "PRE_PORT=$PRE_PORT"
  # The worker-pre program's config: the stack's with the other photo review mode.
  grep -q '^photos = post$' "$CONFIG" || die "$CONFIG has no line 'photos = post' ([moderation])"
  sed 's/^photos = post$/photos = pre/' "$CONFIG" > "$VAR/config-pre.ini"
  chmod 600 "$VAR/config-pre.ini"
  fill supervisor/dev.conf.in "$VAR/supervisord.conf" "PORT=$PORT" "WORKER=$WORKER" \
    "CONFIG=$CONFIG" "MARIADB_EXTRA=$MARIADB_EXTRA" "FAKEGATE=$(dirname "$WORKER")/fakegate" \
    "NODE=$(command -v node || command -v nodejs || echo node)" "APNS_CONTROL=$APNS_CONTROL"
  write_redis_conf '""' "Written by scripts/stack.sh. Redis holds caches and short-lived security state only (docs/redis-keys.md), so nothing is persisted: MySQL is the record."
  install_mariadb
}

# The database of the stack's config, its user and the migrations ($1 = fresh: anew),
# then the data migration the SQL cannot do: stored phones to E.164 (libphonenumber).
setup_database() {
  create_database "$(ini_get "$CONFIG" mysql database)" "$(ini_get "$CONFIG" mysql user)" \
    "$(ini_get "$CONFIG" mysql password)" "${1:-}"
  "$(dirname "$WORKER")/dtadmin" --config "$CONFIG" phones migrate > /dev/null
}

health() { curl -sf "http://127.0.0.1:$PORT/api/health"; }

case "$mode" in
  run)
    # Checked before prepare rewrites the running stack's config files.
    supervisord_running && die "a dev stack is already running (supervisord $(cat "$VAR/run/supervisord.pid"))"
    prepare
    supervisord -n -c "$VAR/supervisord.conf" &
    pid=$!
    stop_run() { kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
    trap 'stop_run; exit 0' INT TERM
    trap stop_run EXIT  # a failed setup below leaves nothing running
    setup_database
    wait_for 30 "the API" health
    say "up: http://127.0.0.1:$PORT (try: curl http://127.0.0.1:$PORT/api/health); operators: http://127.0.0.1:$OPERATOR_PORT/ (dtadmin operator add NAME admin); logs in var/log/; Ctrl-C stops"
    wait $pid
    ;;
  test)
    stop_supervisord  # a stack left behind by an interrupted run
    rm -rf "$VAR/log" "$VAR/media"  # each run's logs and files are its own
    prepare
    supervisord -c "$VAR/supervisord.conf"
    trap stop_supervisord EXIT
    setup_database fresh
    wait_for 30 "the API" health
    rc=0
    DT_TEST_CONFIG="$CONFIG" DT_TEST_URL="http://127.0.0.1:$PORT" DT_TEST_VAR="$VAR" \
      DT_TEST_OPERATOR_URL="http://127.0.0.1:$OPERATOR_PORT" DT_TEST_PRE_URL="http://127.0.0.1:$PRE_PORT" \
      WORKER="$WORKER" DT_SOAK_SECONDS="${DT_SOAK_SECONDS:-20}" "$TESTS" ${TEST_FILTER:+"$TEST_FILTER"} || rc=$?
    exit $rc
    ;;
  migrate)
    supervisord_running || die "the dev stack is not running (make run)"
    setup_database
    ;;
  status)
    supervisord_running || die "the dev stack is not running (make run)"
    supervisorctl -c "$VAR/supervisord.conf" status || true  # non-zero when one is down
    printf 'GET /api/health: '
    curl -s -m 5 -w ' (HTTP %{http_code})\n' "http://127.0.0.1:$PORT/api/health" || echo "no answer"
    ;;
esac
