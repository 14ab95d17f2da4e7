#!/bin/bash
# make cluster-test (as root): DatingToday on several "hosts" made of network namespaces
# of its own, on the engines a deployment uses: two nginx hosts (web, web2) with two
# worker hosts in their upstream (each a supervisord with workers on TCP), a MariaDB
# primary and a replica (real replication), Redis primary + replica + 3 Sentinels, and
# nchan's own Redis (on r3, port 6380) through which the nginx hosts share live events. ClusterTest (tests/cluster/)
# runs a steady load from the nginx host and calls back here between its phases:
#   scripts/cluster.sh run                  the whole test: set up, test, tear down
#   scripts/cluster.sh stop-worker-host     (hook) kills worker host 1: supervisord and workers
#   scripts/cluster.sh stop-redis-primary   (hook) kills the Redis primary (Sentinel fails over)
#   scripts/cluster.sh stop-mysql-replica   (hook) kills the MariaDB replica; prints its SELECT count
# Everything it makes is under var/cluster/ and in namespaces named dtc-*; everything it
# starts is stopped by PID and every namespace deleted on the way out, however it ends.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SAY_PREFIX=cluster
CVAR=$ROOT/var/cluster
VAR=$CVAR  # for lib.sh's helpers; set per host where they need it
. "$ROOT/scripts/lib.sh"
WORKER=$(realpath -m "${WORKER:-build/datingtoday}")
TESTS=$(realpath -m "${TESTS:-build/dt_tests}")

NET=10.213.77
HOSTS=(web web2 w1 w2 db1 db2 r1 r2 r3)
declare -A ADDR=([web]=$NET.10 [web2]=$NET.13 [w1]=$NET.11 [w2]=$NET.12 [db1]=$NET.21 [db2]=$NET.22
                 [r1]=$NET.31 [r2]=$NET.32 [r3]=$NET.33)
DB=dt_cluster DB_USER=datingtoday DB_PASSWORD=cluster-db-password REPL_PASSWORD=cluster-repl-password

in_ns() { local host=$1; shift; ip netns exec "dtc-$host" "$@"; }

# start HOST NAME COMMAND...: runs COMMAND in HOST's namespace in the background, its
# output in var/cluster/log/NAME.log and its PID in var/cluster/run/NAME.pid.
start() {
  local host=$1 name=$2; shift 2
  ip netns exec "dtc-$host" "$@" >> "$CVAR/log/$name.log" 2>&1 &
  echo $! > "$CVAR/run/$name.pid"
  disown $!  # its death (the hooks kill on purpose) is no job report of this shell
}

# stop NAME [SIGNAL]: the process started as NAME (and, for supervisord, the workers it
# started, which are its children), waiting up to 20 s.
stop() {
  local file=$CVAR/run/$1.pid pid children
  [ -f "$file" ] || return 0
  pid=$(cat "$file")
  rm -f "$file"
  kill -0 "$pid" 2>/dev/null || return 0
  children=$(ps -o pid= --ppid "$pid" 2>/dev/null || true)
  kill "-${2:-TERM}" "$pid" $children 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  kill -KILL "$pid" $children 2>/dev/null || true
}

mysql_on() { local host=$1; shift; mariadb --no-defaults -uroot -S "$CVAR/$host/run/mysqld.sock" "$@"; }

teardown() {
  local f
  for f in "$CVAR"/run/*.pid; do [ -e "$f" ] && stop "$(basename "$f" .pid)"; done
  for h in "${HOSTS[@]}" sw; do ip netns del "dtc-$h" 2>/dev/null || true; done
}

# The namespaces: a switch (a bridge) and one namespace per host, each with a veth to it.
network_up() {
  ip netns add dtc-sw
  ip -n dtc-sw link add br0 type bridge
  ip -n dtc-sw link set br0 up
  for h in "${HOSTS[@]}"; do
    ip netns add "dtc-$h"
    ip link add "dtc-$h-s" netns dtc-sw type veth peer name eth0 netns "dtc-$h"
    ip -n dtc-sw link set "dtc-$h-s" master br0 up
    ip -n "dtc-$h" addr add "${ADDR[$h]}/24" dev eth0
    ip -n "dtc-$h" link set eth0 up
    ip -n "dtc-$h" link set lo up
    # Every request is a new connection (client to nginx, nginx to a worker host): with
    # the defaults, TIME_WAIT would use up the ports in under a minute of load.
    ip netns exec "dtc-$h" sysctl -q -w net.ipv4.tcp_tw_reuse=1 net.ipv4.ip_local_port_range="10000 65000"
  done
}

mariadb_up() {  # HOST SERVER_ID
  local host=$1 id=$2
  VAR=$CVAR/$host
  mkdir -p "$VAR"/{run,log}
  install_mariadb
  start "$host" "mariadb-$host" "$MARIADBD" --no-defaults --user="$(id -un)" --datadir="$VAR/mysql" \
    --socket="$VAR/run/mysqld.sock" --pid-file="$VAR/run/mysqld.pid" --bind-address="${ADDR[$host]}" \
    --port=3306 --server-id="$id" --log-bin=mysql-bin --binlog-format=ROW --skip-name-resolve \
    --innodb-buffer-pool-size=64M --log-error="$VAR/log/mariadb.log"
  VAR=$CVAR
  wait_for 60 "MariaDB on $host" mysql_on "$host" -e 'SELECT 1'
}

databases_up() {
  mariadb_up db1 1
  mariadb_up db2 2
  # Everything below goes through the primary's binary log, so the replica, started
  # from its very beginning, gets the users, the database and the migrations too.
  mysql_on db1 -e "CREATE USER IF NOT EXISTS 'repl'@'%' IDENTIFIED BY '$REPL_PASSWORD';
    GRANT REPLICATION SLAVE ON *.* TO 'repl'@'%';
    CREATE USER IF NOT EXISTS '$DB_USER'@'%' IDENTIFIED BY '$DB_PASSWORD';
    GRANT ALL PRIVILEGES ON \`$DB\`.* TO '$DB_USER'@'%'"
  "$ROOT/scripts/migrate.sh" "$DB" -uroot -S "$CVAR/db1/run/mysqld.sock" > /dev/null
  mysql_on db2 -e "SET GLOBAL read_only = 1;
    CHANGE MASTER TO MASTER_HOST='${ADDR[db1]}', MASTER_USER='repl',
      MASTER_PASSWORD='$REPL_PASSWORD', MASTER_USE_GTID=slave_pos;
    START SLAVE"
  replica_has_schema() { [ -n "$(mysql_on db2 -N -e "SELECT 1 FROM $DB.schema_migrations LIMIT 1" 2>/dev/null)" ]; }
  wait_for 60 "the replica to replay the schema" replica_has_schema
}

redis_up() {
  local h
  for h in r1 r2; do
    mkdir -p "$CVAR/$h"
    start "$h" "redis-$h" "$REDIS" --port 6379 --bind "${ADDR[$h]}" --protected-mode no \
      --dir "$CVAR/$h" --save "" --appendonly no \
      $([ "$h" = r2 ] && echo "--replicaof ${ADDR[r1]} 6379")
  done
  for h in r1 r2 r3; do
    mkdir -p "$CVAR/$h"
    # Sentinel rewrites its config file: one per sentinel, under var/.
    cat > "$CVAR/$h/sentinel.conf" <<SENTINEL
port 26379
bind ${ADDR[$h]}
protected-mode no
dir $CVAR/$h
sentinel monitor dtmaster ${ADDR[r1]} 6379 2
sentinel down-after-milliseconds dtmaster 2000
sentinel failover-timeout dtmaster 10000
sentinel parallel-syncs dtmaster 1
SENTINEL
    start "$h" "sentinel-$h" "$REDIS" "$CVAR/$h/sentinel.conf" --sentinel
  done
  # nchan's Redis: a separate one, which the failover phase does not touch.
  start r3 redis-nchan "$REDIS" --port 6380 --bind "${ADDR[r3]}" --protected-mode no \
    --dir "$CVAR/r3" --save "" --appendonly no
  replica_synced() { in_ns r2 redis-cli -h "${ADDR[r2]}" info replication | grep -q 'master_link_status:up'; }
  wait_for 30 "the Redis replica" replica_synced
  sentinels_agree() {
    local s
    for s in r1 r2 r3; do
      [ "$(in_ns "$s" redis-cli -h "${ADDR[$s]}" -p 26379 sentinel get-master-addr-by-name dtmaster | head -1)" = "${ADDR[r1]}" ] || return 1
      in_ns "$s" redis-cli -h "${ADDR[$s]}" -p 26379 sentinel sentinels dtmaster | grep -q . || return 1
    done
  }
  wait_for 30 "the sentinels" sentinels_agree
}

workers_up() {
  fill tests/cluster/worker.ini.in "$CVAR/worker.ini" "NET=$NET" "DB=$DB" "DB_USER=$DB_USER" \
    "DB_PASSWORD=$DB_PASSWORD"
  local h
  for h in w1 w2; do
    mkdir -p "$CVAR/$h/run" "$CVAR/$h/log"
    fill tests/cluster/supervisord.conf.in "$CVAR/$h/supervisord.conf" "HOST=$h" "ADDR=${ADDR[$h]}" \
      "WORKER=$WORKER" "CVAR=$CVAR"
    start "$h" "supervisord-$h" supervisord -n -c "$CVAR/$h/supervisord.conf"
  done
  for h in web web2; do
    mkdir -p "$CVAR/$h/nginx"/{body,fastcgi,proxy,scgi,uwsgi} "$CVAR/$h/run" "$CVAR/$h/log"
    ln -sfn "$ROOT/nginx" "$CVAR/$h/nginx/datingtoday"
    fill tests/cluster/nginx.conf.in "$CVAR/$h/nginx/nginx.conf" "NET=$NET" "CVAR=$CVAR" \
      "HOST=$h" "ADDR=${ADDR[$h]}"
    start "$h" "nginx-$h" "$NGINX" -p "$CVAR/$h/nginx" -c "$CVAR/$h/nginx/nginx.conf" \
      -e "$CVAR/$h/log/nginx-error.log" -g "daemon off;"
  done
  health() { in_ns "$1" curl -sf "http://${ADDR[$1]}:8080/api/health" > /dev/null; }
  wait_for 60 "the API through nginx" health web
  wait_for 60 "the API through the second nginx" health web2
  worker_host_up() { in_ns web bash -c "exec 3<>/dev/tcp/$1/9000" 2> /dev/null; }
  wait_for 30 "worker host 1" worker_host_up "${ADDR[w1]}"
  wait_for 30 "worker host 2" worker_host_up "${ADDR[w2]}"
}

case "${1:-}" in
  run)
    [ "$(id -u)" = 0 ] || die "needs root (network namespaces)"
    [ -x "$WORKER" ] && [ -x "$TESTS" ] || die "not built (make)"
    find_servers
    teardown  # what an interrupted run left
    rm -rf "$CVAR"
    mkdir -p "$CVAR/run" "$CVAR/log" "$CVAR/media"
    trap teardown EXIT
    say "network: namespaces dtc-{$(IFS=,; echo "${HOSTS[*]}")} on $NET.0/24"
    network_up
    say "MariaDB primary (db1) and replica (db2)"
    databases_up
    say "Redis primary (r1), replica (r2), sentinels (r1, r2, r3)"
    redis_up
    say "worker hosts w1, w2 (supervisord, workers on TCP 9000) and nginx (web, web2)"
    workers_up
    rc=0
    in_ns web env DT_TEST_CONFIG="$CVAR/worker.ini" DT_TEST_URL="http://${ADDR[web]}:8080" \
      DT_CLUSTER_WEB2="http://${ADDR[web2]}:8080" \
      DT_TEST_VAR="$CVAR" DT_CLUSTER_HOOK="$ROOT/scripts/cluster.sh" "$TESTS" --cluster || rc=$?
    exit $rc
    ;;
  stop-worker-host)
    stop supervisord-w1 KILL
    ;;
  stop-redis-primary)
    stop redis-r1 KILL
    ;;
  stop-mysql-replica)
    echo "replica_selects=$(mysql_on db2 -N -e "SHOW GLOBAL STATUS LIKE 'Com_select'" | awk '{ print $2 }')"
    stop mariadb-db2 KILL
    ;;
  *)
    sed -n '2,12p' "$0" >&2
    exit 2
    ;;
esac
