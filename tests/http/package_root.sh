#!/bin/bash
# Installs the Debian package into a throwaway root and runs it there as a host would,
# against the test stack's MariaDB and Redis (PackageHttpTest reads what it prints).
#   tests/http/package_root.sh DEB STACK_RUN_DIR STACK_CONFIG WORK_DIR
# The root is an overlay on / in a mount, network and PID namespace of its own: what the
# install writes goes to WORK_DIR/upper, nothing it starts outlives the namespace, and its
# nginx listens on the namespace's own loopback (no port of this machine is taken). Only
# the stack's sockets come in, bind-mounted at /run/dt-stack. Needs root.
# Each step prints one line "STEP: what was found"; a failed step ends the run.
set -euo pipefail

# Runs inside the root (chroot), as the host's administrator would: install, configure,
# migrate, start, call, kill a worker, purge. $1: the database user's name, $2 its
# password, $3 the database.
in_root() {
  set -euo pipefail
  export PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive
  local db_user=$1 db_password=$2 db_name=$3 deb
  deb=$(ls /tmp/datingtoday_*.deb)
  step() { echo "$1: $2"; }
  fail() { echo "FAILED $1" >&2; exit 1; }
  # ini_set FILE SECTION KEY VALUE: the key set in its section (a commented-out "# KEY ="
  # line there is replaced), as an administrator edits the file.
  ini_set() {
    awk -v s="[$2]" -v k="$3" -v v="$4" '
      function put() { if (!done) print k " = " v; done = 1 }
      /^\[/ { if (in_s) put(); in_s = ($0 == s) }
      in_s && ($0 ~ "^#? ?" k " *=") { put(); next }
      { print }
      END { if (in_s) put() }' "$1" > "$1.new"
    cat "$1.new" > "$1" && rm "$1.new"  # cat keeps the file's owner and mode
  }
  curl_ok() { curl -sS --max-time 5 "$@"; }

  apt-get install -y -q "$deb" > /tmp/apt.log 2>&1 ||
    { cat /tmp/apt.log >&2; fail "apt-get install $deb"; }
  step install "$(dpkg-query -W -f='${Package} ${Version} ${Status}' datingtoday)"
  step user "$(getent passwd datingtoday | cut -d: -f1,6,7)"
  local ini=/etc/datingtoday/datingtoday.ini
  step config "$(stat -c '%a %U:%G' "$ini")"
  step run "$(stat -c '%a %U:%G' /run/datingtoday)"
  step files "$(for f in /usr/sbin/datingtoday /usr/sbin/dtadmin /usr/bin/dtcurl \
    /etc/supervisor/conf.d/datingtoday.conf /etc/nginx/sites-available/datingtoday \
    /usr/lib/tmpfiles.d/datingtoday.conf /usr/share/datingtoday/console/index.html; do
    [ -e "$f" ] || printf 'missing %s ' "$f"; done; echo checked)"
  step placeholder "$(/usr/sbin/datingtoday --check-config "$ini" 2>&1 || true)"

  # The config: the stack's database and Redis, and the secrets the sample leaves open.
  ini_set "$ini" mysql socket /run/dt-stack/mysqld.sock
  ini_set "$ini" mysql user "$db_user"
  ini_set "$ini" mysql password "$db_password"
  ini_set "$ini" mysql database "$db_name"
  ini_set "$ini" redis socket /run/dt-stack/redis.sock
  local secret
  secret=$(openssl rand -hex 24)
  for key in "sms.aliyun access_key_secret" "sms.tencent secret_key" "pay key" "app.EXAMPLEKEY secret"; do
    ini_set "$ini" ${key% *} ${key#* } "$secret"
  done
  step check-config "$(/usr/sbin/datingtoday --check-config "$ini" 2>&1)"
  step config-after "$(stat -c '%a %U:%G' "$ini")"

  # The migrations from the package, into a database of their own, then gone again.
  local root_sql=(mariadb --no-defaults -uroot -S /run/dt-stack/mysqld.sock)
  "${root_sql[@]}" -e 'DROP DATABASE IF EXISTS dt_package'
  step migrate "$(datingtoday-migrate dt_package -uroot -S /run/dt-stack/mysqld.sock | grep -c applying)"
  step migrated "$("${root_sql[@]}" -N -e 'SELECT COUNT(*) FROM dt_package.schema_migrations')"
  step migrate-again "$(datingtoday-migrate dt_package -uroot -S /run/dt-stack/mysqld.sock | grep -c applying || true)"
  "${root_sql[@]}" -e 'DROP DATABASE dt_package'

  # supervisord with Debian's own configuration, which includes conf.d/datingtoday.conf.
  supervisord -c /etc/supervisor/supervisord.conf
  local i
  for i in $(seq 100); do
    [ "$(supervisorctl status 'datingtoday:*' 2>/dev/null | grep -c RUNNING)" = 4 ] && break
    sleep 0.1
  done
  step workers "$(supervisorctl status 'datingtoday:*' | awk '{print $2}' | sort | uniq -c | xargs)"
  step socket "$(stat -c '%a %U:%G' /run/datingtoday/worker.sock)"

  # nginx with Debian's nginx.conf and the site enabled, with a certificate made here.
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=api.example.com \
    -keyout /etc/ssl/private/api.example.com.key -out /etc/ssl/certs/api.example.com.pem 2> /dev/null
  ln -s ../sites-available/datingtoday /etc/nginx/sites-enabled/datingtoday
  nginx -t 2> /tmp/nginx-t.log || { cat /tmp/nginx-t.log >&2; fail "nginx -t"; }
  nginx
  local api=(--resolve api.example.com:443:127.0.0.1 --cacert /etc/ssl/certs/api.example.com.pem)
  for i in $(seq 50); do
    curl_ok "${api[@]}" -o /dev/null https://api.example.com/api/health 2> /dev/null && break
    sleep 0.1
  done
  step health "$(curl_ok "${api[@]}" https://api.example.com/api/health)"
  step redirect "$(curl_ok -o /dev/null -w '%{http_code} %{redirect_url}' -H 'Host: api.example.com' http://127.0.0.1/api/health)"
  step admin-public "$(curl_ok "${api[@]}" -o /dev/null -w '%{http_code}' https://api.example.com/api/admin/metrics)"
  step console "$(curl_ok -o /dev/null -w '%{http_code} %{content_type}' http://127.0.0.1:8081/console/)"
  # The metrics task writes every 5 s; nchan's counters come through the publisher socket.
  local metrics=""
  for i in $(seq 80); do
    metrics=$(curl_ok http://127.0.0.1:8081/metrics)
    grep -q '^dt_requests_total{route="/api/health"' <<< "$metrics" && break
    sleep 0.1
  done
  step metrics "$(grep -c '^dt_requests_total{route="/api/health"' <<< "$metrics") health series, $(grep '^dt_nchan_up ' <<< "$metrics")"

  # A worker that dies is started again by supervisord.
  local before after
  before=$(supervisorctl pid datingtoday:datingtoday_00)
  kill -KILL "$before"
  for i in $(seq 100); do
    after=$(supervisorctl pid datingtoday:datingtoday_00 || true)  # exit 7 while it starts
    [ "$after" != "$before" ] && [ "$after" != 0 ] && break
    sleep 0.1
  done
  step restarted "$([ "$after" != "$before" ] && [ "$after" != 0 ] && echo yes || echo "no ($before, $after)")"
  step health-after "$(curl_ok "${api[@]}" https://api.example.com/api/health)"

  # An upgrade (the same version again) keeps the edited config and restarts the workers.
  before=$(supervisorctl pid datingtoday:datingtoday_01 || true)
  apt-get install --reinstall -y -q "$deb" > /tmp/apt.log 2>&1 || { cat /tmp/apt.log >&2; fail "apt-get install --reinstall"; }
  step upgrade-config "$(stat -c '%a %U:%G' "$ini") $(grep -c "^secret = $secret\$" "$ini") edited"
  for i in $(seq 100); do
    [ "$(supervisorctl status 'datingtoday:*' 2>/dev/null | grep -c RUNNING)" = 4 ] && break
    sleep 0.1
  done
  after=$(supervisorctl pid datingtoday:datingtoday_01 || true)
  step upgrade-restarted "$([ "$after" != "$before" ] && [ "$after" != 0 ] && echo yes || echo "no ($before, $after)")"
  step upgrade-health "$(curl_ok "${api[@]}" https://api.example.com/api/health)"
  # Workers stopped for an upgrade stay stopped (the migrations come before they start).
  supervisorctl stop 'datingtoday:*' > /dev/null
  apt-get install --reinstall -y -q "$deb" > /tmp/apt.log 2>&1 || { cat /tmp/apt.log >&2; fail "apt-get install --reinstall"; }
  step upgrade-stopped "$(supervisorctl status 'datingtoday:*' | awk '{print $2}' | sort | uniq -c | xargs)"

  # Purge: the workers stop and supervisord forgets them, the site is disabled, the
  # package's own files go; the database and media stay.
  touch /var/lib/datingtoday/media/kept.jpg
  apt-get purge -y -q datingtoday > /tmp/apt.log 2>&1 || { cat /tmp/apt.log >&2; fail "apt-get purge"; }
  step purged "$(dpkg-query -W -f='${Status}' datingtoday 2>/dev/null || echo none)"
  step purge-workers "$(supervisorctl status 'datingtoday:*' 2>&1 | head -1)"
  step purge-nginx "$([ -e /etc/nginx/sites-enabled/datingtoday ] && echo enabled || echo disabled), $(nginx -t 2>&1 | grep -q successful && echo valid || echo invalid)"
  step purge-files "$(for f in /etc/datingtoday /var/log/datingtoday /usr/sbin/datingtoday \
    /etc/nginx/sites-available/datingtoday; do [ -e "$f" ] && printf 'left %s ' "$f"; done; echo gone)"
  step purge-kept "$(ls /var/lib/datingtoday/media) $(getent passwd datingtoday | cut -d: -f1)"
  step purge-database "$("${root_sql[@]}" -N -e "SELECT COUNT(*) > 0 FROM information_schema.tables WHERE table_schema = '$db_name'")"
}

if [ "${1:-}" = --in-namespace ]; then
  shift
  deb=$1 stack_run=$2 work=$3; shift 3
  root=$work/root
  mount -t overlay overlay -o "lowerdir=/,upperdir=$work/upper,workdir=$work/overlay" "$root"
  mount -t proc proc "$root/proc"
  mount --rbind /dev "$root/dev"
  mount -t tmpfs tmpfs "$root/run"
  mount -t tmpfs tmpfs "$root/tmp"
  mkdir "$root/run/dt-stack"
  mount --bind "$stack_run" "$root/run/dt-stack"
  ip link set lo up
  cp "$deb" "$root/tmp/"
  exec chroot "$root" /bin/bash -c "$(declare -f in_root); in_root \"\$@\"" in_root "$@"
fi

[ $# = 4 ] || { echo "usage: $0 DEB STACK_RUN_DIR STACK_CONFIG WORK_DIR" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "FAILED: $0 needs root (it makes a mount namespace)" >&2; exit 2; }
deb=$(realpath "$1") stack_run=$(realpath "$2") config=$3 work=$(realpath -m "$4")
ini_get() {
  awk -v s="[$1]" -v k="$2" '/^\[/ { in_s = ($0 == s); next }
    in_s && $1 == k && $2 == "=" { sub(/^[^=]*= */, ""); print; exit }' "$config"
}
rm -rf "$work"
mkdir -p "$work/upper" "$work/overlay" "$work/root"
# The package's user must reach the stack's Redis socket (mode 0700, root's): an ACL entry
# for that user alone, made once the install has given it a uid, taken off at the end.
redis_sock=$stack_run/redis.sock
(
  # Waits for the root's passwd to hold the user, then lets that uid in.
  for _ in $(seq 600); do
    uid=$(awk -F: '$1 == "datingtoday" { print $3 }' "$work/upper/etc/passwd" 2> /dev/null || true)
    [ -n "$uid" ] && { setfacl -m "u:$uid:rwx" "$redis_sock"; exit 0; }
    sleep 0.1
  done
) &
acl_pid=$!
trap 'kill "$acl_pid" 2> /dev/null || true; setfacl -b "$redis_sock" 2> /dev/null || true; rm -rf "$work"' EXIT
unshare --mount --net --pid --fork --kill-child "$0" --in-namespace "$deb" "$stack_run" "$work" \
  "$(ini_get mysql user)" "$(ini_get mysql password)" "$(ini_get mysql database)"
