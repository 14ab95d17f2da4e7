# Shell helpers shared by scripts/stack.sh and bench/run.sh (sourced, not run).
# The caller sets ROOT and VAR before using fill/supervisord helpers.

say() { echo "${SAY_PREFIX:-stack}: $*"; }
die() { echo "${SAY_PREFIX:-stack}: $*" >&2; exit 1; }

# ini_get FILE SECTION KEY: a value of an INI file.
ini_get() {
  awk -F '=' -v s="[$2]" -v k="$3" '
    /^[ \t]*\[/ { gsub(/[ \t]/, ""); in_s = ($0 == s); next }
    in_s && $1 ~ "^[ \t]*" k "[ \t]*$" { sub(/^[^=]*=[ \t]*/, ""); sub(/[ \t]+$/, ""); print; exit }
  ' "$1"
}

# find_bin NAME...: the first installed of the names (also looked for in /usr/sbin).
find_bin() {
  local b
  for b in "$@"; do
    command -v "$b" 2>/dev/null && return 0
    [ -x "/usr/sbin/$b" ] && { echo "/usr/sbin/$b"; return 0; }
  done
  die "none of '$*' is installed (run: make deps)"
}

# wait_for SECONDS WHAT COMMAND...: polls COMMAND until it succeeds.
wait_for() {
  local seconds=$1 what=$2; shift 2
  for _ in $(seq 1 $((seconds * 5))); do "$@" > /dev/null 2>&1 && return 0; sleep 0.2; done
  die "$what did not come up in $seconds s (logs: $VAR/log/)"
}

# find_servers: sets MARIADBD, REDIS, NGINX and USER_DIRECTIVE.
find_servers() {
  MARIADBD=$(find_bin mariadbd mysqld)
  REDIS=$(find_bin redis-server)
  NGINX=$(find_bin nginx)
  # nginx started as root would run its workers as nobody, who cannot open the sockets.
  USER_DIRECTIVE=""
  [ "$(id -u)" = 0 ] && USER_DIRECTIVE="user root;"
}

# fill TEMPLATE OUT [NAME=VALUE...]: replaces @ROOT@, @VAR@, @USER@, @USER_DIRECTIVE@,
# @MARIADBD@, @REDIS@, @NGINX@ and each extra @NAME@.
fill() {
  local template=$1 out=$2; shift 2
  # The paths go unquoted into supervisord, nginx and Redis configs and through sed.
  case "$ROOT" in
    *[[:space:]\|\&]*) die "the checkout's path must not hold spaces, '|' or '&': $ROOT" ;;
  esac
  local args=(-e "s|@ROOT@|$ROOT|g" -e "s|@VAR@|$VAR|g" -e "s|@USER@|$(id -un)|g"
              -e "s|@USER_DIRECTIVE@|$USER_DIRECTIVE|g" -e "s|@MARIADBD@|$MARIADBD|g"
              -e "s|@REDIS@|$REDIS|g" -e "s|@NGINX@|$NGINX|g")
  local pair
  for pair in "$@"; do args+=(-e "s|@${pair%%=*}@|${pair#*=}|g"); done
  sed "${args[@]}" "$template" > "$out"
}

# make_var_dirs: the folders every stack under $VAR uses, and nginx's includes.
make_var_dirs() {
  mkdir -p "$VAR"/{run,log,media,redis,nginx/body,nginx/fastcgi,nginx/proxy,nginx/scgi,nginx/uwsgi}
  ln -sfn "$ROOT/nginx" "$VAR/nginx/datingtoday"
}

# install_mariadb: a MariaDB data directory in $VAR/mysql, unless there is one.
install_mariadb() {
  [ -d "$VAR/mysql/mysql" ] && return 0
  say "creating the MariaDB data directory $VAR/mysql"
  rm -rf "$VAR/mysql"
  mariadb-install-db --no-defaults --user="$(id -un)" --datadir="$VAR/mysql" \
    --auth-root-authentication-method=socket --auth-root-socket-user="$(id -un)" \
    --skip-test-db > "$VAR/log/mariadb-install.log" 2>&1 ||
    { cat "$VAR/log/mariadb-install.log" >&2; die "mariadb-install-db failed"; }
}

# write_redis_conf SAVE WHY: $VAR/redis.conf, a Redis on $VAR/run/redis.sock only, with
# `save SAVE` ("" for none) and the comment WHY (the writer, and why it saves or not).
write_redis_conf() {
  cat > "$VAR/redis.conf" <<REDIS
# $2
port 0
unixsocket $VAR/run/redis.sock
unixsocketperm 700
dir $VAR/redis
save $1
appendonly no
daemonize no
logfile ""
REDIS
}

mysql_root() { mariadb --no-defaults -uroot -S "$VAR/run/mysqld.sock" "$@"; }

# create_database DB USER PASSWORD [fresh]: the database, its account, its migrations.
create_database() {
  local db=$1 user=$2 password=$3
  wait_for 60 MariaDB mysql_root -e 'SELECT 1'
  [ "${4:-}" = fresh ] && mysql_root -e "DROP DATABASE IF EXISTS \`$db\`"
  mysql_root -e "CREATE USER IF NOT EXISTS '$user'@'localhost' IDENTIFIED BY '$password';
    GRANT ALL PRIVILEGES ON \`$db\`.* TO '$user'@'localhost'"
  "$ROOT/scripts/migrate.sh" "$db" -uroot -S "$VAR/run/mysqld.sock"
}

supervisord_running() {
  [ -f "$VAR/run/supervisord.pid" ] && kill -0 "$(cat "$VAR/run/supervisord.pid")" 2>/dev/null
}

# stop_supervisord: shuts the stack of $VAR down, waiting up to 60 s.
stop_supervisord() {
  supervisord_running || return 0
  local pid
  pid=$(cat "$VAR/run/supervisord.pid")
  supervisorctl -c "$VAR/supervisord.conf" shutdown > /dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  echo "${SAY_PREFIX:-stack}: supervisord $pid did not stop in 60 s" >&2
}
