#!/bin/bash
# make bench: the benchmark stack under var/bench (MariaDB, Redis, three worker pools over
# 10k / 100k / 1M users, the libfcgi ceilings, nginx), the data (generated once, kept),
# then wrk -t1 -c32 rounds interleaving the ceilings and our routes (user/show at 256
# connections too, and beside a second wrk; message/send at 128), every request signed with
# its own nonce (the payment notifies as their gateways sign them) and every answer checked;
# then the live events: message/send
# with publishing beside without (the 10k data through two pools), and bench/evbench with
# EVBENCH_SUBSCRIBERS (10000) streams held at once and messages at EVBENCH_RATE (200/s).
# Prints the table and writes bench/results/latest.md. BENCH_SECONDS (default 5) and BENCH_ROUNDS (default 3) set the
# length of a measurement and how many interleaved rounds are taken (medians reported).
# For profiling: BENCH_TARGETS="show hot send@10kq" measures only those (at 1m unless
# @size says; no report is written), and
# BENCH_KEEP=1 leaves the stack running afterwards (stop: supervisorctl -c
# var/bench/supervisord.conf shutdown).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
VAR=$ROOT/var/bench
SAY_PREFIX=bench
. "$ROOT/scripts/lib.sh"
SECS=${BENCH_SECONDS:-5}
ROUNDS=${BENCH_ROUNDS:-3}
CONNS=32
THREADS=8
WORKER=$ROOT/build/datingtoday
BENCHBIN=$ROOT/build/bench
RESULTS=$ROOT/bench/results/latest.md
# 10kq: the 10k data through workers that publish no live events.
declare -A SIZE_USERS=([10k]=10000 [100k]=100000 [1m]=1000000 [10kq]=10000)
declare -A SIZE_DB=([10k]=1 [100k]=2 [1m]=3 [10kq]=1)
declare -A SIZE_PORT=([10k]=18092 [100k]=18091 [1m]=18090 [10kq]=18093)

EV_SUBSCRIBERS=${EVBENCH_SUBSCRIBERS:-10000}
EV_RATE=${EVBENCH_RATE:-200}
for bin in "$WORKER" "$BENCHBIN/dtbench" "$BENCHBIN/ceiling" "$BENCHBIN/evbench"; do
  [ -x "$bin" ] || die "$bin is not built (make bench builds it)"
done
command -v wrk > /dev/null || die "wrk is not installed (make deps)"

# --- the stack -------------------------------------------------------------------------
find_servers
make_var_dirs
for size in "${!SIZE_USERS[@]}"; do
  publisher=""
  [ "$size" = 10k ] && publisher="unix:$VAR/run/nchan.sock"
  deck_pool=3600
  [ "$size" = 10kq ] && deck_pool=0
  fill bench/config.ini.in "$VAR/config-$size.ini" "THREADS=$THREADS" \
    "DATABASE=dt_bench_${size%q}" "REDIS_DB=${SIZE_DB[$size]}" "PUBLISHER=$publisher" \
    "DECK_POOL=$deck_pool"
done
fill bench/nginx.conf.in "$VAR/nginx/nginx.conf"
fill bench/supervisord.conf.in "$VAR/supervisord.conf" "WORKER=$WORKER" "BENCHBIN=$BENCHBIN"
write_redis_conf "3600 1" "Written by bench/run.sh: the benchmark's Redis keeps its data between runs (a snapshot when it stops), so the generated rankings and GEO indexes are loaded once."
install_mariadb
stop_supervisord
rm -f "$VAR"/log/api-*.log
supervisord -c "$VAR/supervisord.conf"
[ "${BENCH_KEEP:-}" = 1 ] || trap stop_supervisord EXIT
for size in 10k 100k 1m; do
  create_database "dt_bench_$size" "$(ini_get "$VAR/config-$size.ini" mysql user)" \
    "$(ini_get "$VAR/config-$size.ini" mysql password)" > /dev/null
done
redis_ready() { [ "$(redis-cli -s "$VAR/run/redis.sock" ping 2>/dev/null)" = PONG ]; }
wait_for 120 Redis redis_ready  # loading its snapshot
for size in 10k 100k 1m; do
  "$BENCHBIN/dtbench" --config "$VAR/config-$size.ini" gen "${SIZE_USERS[$size]}"
  "$BENCHBIN/dtbench" --config "$VAR/config-$size.ini" warm "${SIZE_USERS[$size]}"
done
for size in 10k 100k 1m 10kq; do
  wait_for 30 "the API on ${SIZE_PORT[$size]}" curl -sf "http://127.0.0.1:${SIZE_PORT[$size]}/api/health"
done

# --- measuring ---------------------------------------------------------------------------
REQ=$VAR/requests
mkdir -p "$REQ"
declare -A RPS P50 P99 FAILED FIRST FIRST_FAILED

# requests TARGET SIZE COUNT: the request file for one measurement (signed just now).
requests() {
  local target=$1 size=$2 count=$3 file=$REQ/$1-$2
  case $target in
    static) printf 'GET\t/ceiling/static\t\n' > "$file" ;;
    fcgi) printf 'GET\t/ceiling/fcgi\t\n' > "$file" ;;
    floor) awk -v n="$count" 'BEGIN { srand(); for (i = 0; i < n; i++)
             printf "GET\t/ceiling/floor?id=%d\t\n", 1 + int(rand() * 1000000) }' > "$file" ;;
    *) "$BENCHBIN/dtbench" --config "$VAR/config-$size.ini" sign "$target" "$count" \
         "${SIZE_USERS[$size]}" "$file" ;;
  esac
  echo "$file"
}

# The request file of a target: show256 and showbusy are show's, send128 send's, recsbuild
# recs'.
route_of() {
  case $1 in
    show256|showbusy) echo show ;;
    send128) echo send ;;
    recsbuild) echo recs ;;
    *) echo "$1" ;;
  esac
}

# measure TARGET SIZE ROUND SECONDS: one wrk run; records its figures under TARGET@SIZE#ROUND.
# showbusy is user/show measured while a second wrk asks hot/list of the same pool.
measure() {
  local target=$1 size=$2 round=$3 secs=$4 count file out line key conns=$CONNS expect=() beside=""
  case $target in
    send|send128|login|order|alipaynotify|wechatnotify) count=$((8000 * secs)) ;;
    peer) count=$((16000 * secs)) ;;  # a request file wrk runs out of is replayed: 507s
    *) count=$((40000 * secs)) ;;
  esac
  case $target in
    show256) conns=256 ;;
    send128) conns=128 ;;
    alipaynotify) expect=(success) ;;  # Alipay reads "success"; WeChat Pay a 2xx (ours: 204)
    wechatnotify) expect=(status=204) ;;
  esac
  file=$(requests "$(route_of "$target")" "$size" "$count")
  if [ "$target" = showbusy ]; then
    local hot_file
    hot_file=$(requests hot "$size" $((40000 * secs)))
    wrk -t1 -c$CONNS -d$((secs + 2))s --timeout 5s -s bench/wrk.lua \
      "http://127.0.0.1:${SIZE_PORT[$size]}" -- "$hot_file" > /dev/null 2>&1 &
    beside=$!
    sleep 1
  fi
  out=$(wrk -t1 -c$conns -d${secs}s --timeout 5s -s bench/wrk.lua \
        "http://127.0.0.1:${SIZE_PORT[$size]}" -- "$file" "${expect[@]}" 2>&1) || true
  [ -z "$beside" ] || wait "$beside" || true
  line=$(grep '^RESULT' <<< "$out" || true)
  [ -n "$line" ] || { echo "$out" >&2; die "wrk gave no result for $target"; }
  key="$target@$size#$round"
  RPS[$key]=$(sed 's/.*rps=\([0-9.]*\).*/\1/' <<< "$line")
  P50[$key]=$(sed 's/.*p50_ms=\([0-9.]*\).*/\1/' <<< "$line")
  P99[$key]=$(sed 's/.*p99_ms=\([0-9.]*\).*/\1/' <<< "$line")
  FAILED[$key]=$(( $(sed 's/.*failed=\([0-9]*\).*/\1/' <<< "$line") + $(sed 's/.*errors=\([0-9]*\).*/\1/' <<< "$line") ))
  if [ "${FAILED[$key]}" != 0 ]; then grep -v '^RESULT' <<< "$out" | grep 'unexpected answer' | head -3 >&2 || true; fi
  printf '  %-9s %-5s round %s: %9.0f req/s  p50 %6.2f ms  p99 %7.2f ms  failed %s\n' \
    "$target" "$size" "$round" "${RPS[$key]}" "${P50[$key]}" "${P99[$key]}" "${FAILED[$key]}"
}

# median TARGET SIZE ARRAY: the median over the rounds of one figure.
median() {
  local -n values=$3
  local r list=()
  for r in $(seq 1 "$ROUNDS"); do list+=("${values[$1@$2#$r]}"); done
  printf '%s\n' "${list[@]}" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

failed_total() {
  local r n=0
  for r in $(seq 1 "$ROUNDS"); do n=$((n + ${FAILED[$1@$2#$r]})); done
  echo $n
}

MAIN=(static fcgi floor show show256 showbusy peer hot nearby recs recsbuild likes send send128 msglist
  contacts order alipaynotify wechatnotify sendsms login)
# The size a main target is measured at: recsbuild through the workers that keep no deck pools.
main_size() { [ "$1" = recsbuild ] && echo 10kq || echo 1m; }
SWEEP=(hot nearby recs likes)
if [ -n "${BENCH_TARGETS:-}" ]; then
  for round in $(seq 1 "$ROUNDS"); do
    for target in $BENCH_TARGETS; do  # TARGET or TARGET@SIZE (send@10kq)
      size=1m
      case "$target" in *@*) size=${target#*@} target=${target%@*} ;; esac
      measure "$target" "$size" "$round" "$SECS"
    done
  done
  exit 0
fi
say "warming up"
# (Three seconds of recs: every caller's deck pool built, as an active user's is.)
for target in "${MAIN[@]}"; do measure "$target" "$(main_size "$target")" 0 1 > /dev/null; done
measure recs 1m 0 3 > /dev/null
for size in 10k 100k; do
  for target in "${SWEEP[@]}"; do measure "$target" "$size" 0 1 > /dev/null; done
  measure recs "$size" 0 3 > /dev/null
done
for round in $(seq 1 "$ROUNDS"); do
  say "round $round of $ROUNDS (${SECS}s each, wrk -t1 -c$CONNS)"
  for target in "${MAIN[@]}"; do measure "$target" "$(main_size "$target")" "$round" "$SECS"; done
  for size in 10k 100k; do for target in "${SWEEP[@]}"; do measure "$target" "$size" "$round" "$SECS"; done; done
  # message/send with live events published (10k) and without (10kq), in the order
  # 10k 10kq 10kq 10k (the one measured second in a pair tends to be faster, and the
  # machine drifts over a round): each pool's figure of the round is the mean of its two.
  for size in 10k 10kq 10kq 10k; do
    measure send "$size" "$round" "$SECS"
    key="send@$size#$round"
    if [ -n "${FIRST[$key]:-}" ]; then
      RPS[$key]=$(awk -v a="${FIRST[$key]}" -v b="${RPS[$key]}" 'BEGIN { printf "%.1f", (a + b) / 2 }')
      FAILED[$key]=$((FAILED[$key] + FIRST_FAILED[$key]))
    else
      FIRST[$key]=${RPS[$key]}
      FIRST_FAILED[$key]=${FAILED[$key]}
    fi
  done
done
say "live events: $EV_SUBSCRIBERS subscribers, $EV_RATE messages/s for 15 s"
EVBENCH=$("$BENCHBIN/evbench" --config "$VAR/config-10k.ini" --port 18092 --nginx-pid "$VAR/run/nginx.pid" \
  --subscribers "$EV_SUBSCRIBERS" --rate "$EV_RATE" --seconds 15 | grep '^RESULT' || true)
[ -n "$EVBENCH" ] || die "evbench gave no result"
echo "  $EVBENCH"
ev() { sed "s/.* $1=\([0-9.]*\).*/\1/" <<< "$EVBENCH"; }

# --- the report ---------------------------------------------------------------------------
rss_mb() {  # the largest RSS of the pool's processes, in MB
  local pid max=0 kb
  for pid in $(supervisorctl -c "$VAR/supervisord.conf" status "$1:*" 2>/dev/null | awk '/RUNNING/ { sub(",", "", $4); print $4 }'); do
    kb=$(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)
    [ "$kb" -gt "$max" ] && max=$kb
  done
  awk -v kb="$max" 'BEGIN { printf "%.1f", kb / 1024 }'
}
# showbusy's p99 / p50 of each round (the two medians may come from different rounds).
declare -A BUSY
for round in $(seq 1 "$ROUNDS"); do
  BUSY[showbusy@1m#$round]=$(awk -v a="${P99[showbusy@1m#$round]}" -v b="${P50[showbusy@1m#$round]}" \
    'BEGIN { printf "%.2f", a / b }')
done
busy_ratio=$(median showbusy 1m BUSY)
ceiling_fcgi=$(median fcgi 1m RPS)
ceiling_floor=$(median floor 1m RPS)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f%%", 100 * a / b }'; }
check() { awk "BEGIN { exit !($1) }" && echo yes || echo NO; }

declare -A LABEL=([static]="nginx alone (ceiling)" [fcgi]="nginx + bare libfcgi (ceiling)"
  [floor]="libfcgi + Redis GET + MariaDB PK SELECT (floor)" [show]="user/show self"
  [show256]="user/show self, 256 connections"
  [showbusy]="user/show self, hot/list measured beside it"
  [peer]="user/show peer (visit recorded)" [hot]="user/hot/list" [nearby]="user/nearby/list 5 km"
  [recs]="user/recs (a deck's first page, from the pool)"
  [recsbuild]="user/recs, a page that builds the pool (10k)"
  [likes]="user/likes/received (VIP, 40 likes)"
  [send]="message/send (durable commit)" [send128]="message/send, 128 connections"
  [msglist]="message/list" [contacts]="contacts/list"
  [order]="vip/order/create alipay (signed here)"
  [alipaynotify]="vip/pay/alipay/notify (RSA2, VIP credited)"
  [wechatnotify]="vip/pay/wechat/notify (RSA, AES-GCM, VIP credited)"
  [sendsms]="auth/sendsms" [login]="auth/login")
declare -A TARGET=([show]="fcgi >= 60%, p99 <= 5 ms" [show256]="p99 <= 25 ms, no errors"
  [showbusy]="p99 <= 3 x p50 (per round)" [peer]="floor >= 50%"
  [hot]="floor >= 60%, p99 < 10 ms" [nearby]="floor >= 60%, p99 < 10 ms"
  [recs]="floor >= 50%, p99 < 10 ms" [likes]="floor >= 50%, p99 < 10 ms"
  [send]="floor >= 40%" [send128]="floor >= 40%"
  [msglist]="floor >= 60%" [contacts]="floor >= 60%" [order]="floor >= 50%"
  [alipaynotify]="floor >= 30%" [wechatnotify]="floor >= 30%")

goal_met() {  # goal_met TARGET RPS P99 P50
  case $1 in
    show) check "$2 >= 0.6 * $ceiling_fcgi && $3 <= 5" ;;
    show256) check "$3 <= 25" ;;  # errors: failed answers, below
    showbusy) check "$busy_ratio <= 3" ;;
    peer|order) check "$2 >= 0.5 * $ceiling_floor" ;;
    msglist|contacts) check "$2 >= 0.6 * $ceiling_floor" ;;
    hot|nearby) check "$2 >= 0.6 * $ceiling_floor && $3 < 10" ;;
    recs|likes) check "$2 >= 0.5 * $ceiling_floor && $3 < 10" ;;
    send|send128) check "$2 >= 0.4 * $ceiling_floor" ;;
    alipaynotify|wechatnotify) check "$2 >= 0.3 * $ceiling_floor" ;;
    *) echo "" ;;
  esac
}

NOT_MET=()
{
  echo "# Benchmark results"
  echo
  echo "Written by \`make bench\` (bench/run.sh) on $(date -u '+%Y-%m-%d %H:%M UTC'): $(nproc) cores,"
  echo "$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)."
  echo "wrk -t1 -c$CONNS, ${SECS} s per measurement, $ROUNDS interleaved rounds (medians shown), all"
  echo "through nginx on the same machine, configured as in production (nginx/api.conf: a FastCGI"
  echo "connection per request) for ceilings and routes alike; 2 processes x $THREADS threads per pool."
  echo "Data: 1,000,000 users with profiles and logins,"
  echo "1,000,000 located users in a 44 x 48 km box, 100,000 conversations; MariaDB with durable"
  echo "commits (innodb_flush_log_at_trx_commit=1); every profile in the Redis cache first, as in a"
  echo "service that has been running (dtbench warm; [cache] profile_ttl = 3600). The 2,000"
  echo "callers are VIP and each has received 40 likes. Every request signed with its own nonce"
  echo "(a notify as its gateway signs it, with the development test keys, for an order of its"
  echo "own); every answer checked: \"code\":0, or the gateway's own acknowledgement (failed"
  echo "answers are counted below and must be 0). 32 connections unless a route says otherwise."
  echo
  echo "| route | req/s | p50 ms | p99 ms | vs libfcgi | vs floor | failed | target | met |"
  echo "|---|---:|---:|---:|---:|---:|---:|---|---|"
  for target in "${MAIN[@]}"; do
    size=$(main_size "$target")
    rps=$(median "$target" "$size" RPS); p50=$(median "$target" "$size" P50)
    p99=$(median "$target" "$size" P99); failed=$(failed_total "$target" "$size")
    met=$(goal_met "$target" "$rps" "$p99" "$p50")
    [ "$failed" != 0 ] && met="NO (failed answers)"
    [ "${met:0:2}" = NO ] && NOT_MET+=("$target")
    printf '| %s | %.0f | %.2f | %.2f | %s | %s | %s | %s | %s |\n' "${LABEL[$target]}" "$rps" "$p50" "$p99" \
      "$(ratio "$rps" "$ceiling_fcgi")" "$(ratio "$rps" "$ceiling_floor")" "$failed" "${TARGET[$target]:-}" "$met"
  done
  echo
  echo "user/show beside hot/list: p99 / p50 in each round $(for r in $(seq 1 "$ROUNDS"); do
    printf '%s ' "${BUSY[showbusy@1m#$r]}"; done)(median $busy_ratio; alone: $(awk -v a="$(median show 1m P99)" \
    -v b="$(median show 1m P50)" 'BEGIN { printf "%.2f", a / b }'))."
  echo
  echo "Size sweep (the same routes over 10,000, 100,000 and 1,000,000 users; flat = the 1M"
  echo "figure within 25% of the 10k one):"
  echo
  echo "| route | 10k req/s | 100k req/s | 1M req/s | 10k p99 | 100k p99 | 1M p99 | flat |"
  echo "|---|---:|---:|---:|---:|---:|---:|---|"
  for target in "${SWEEP[@]}"; do
    a=$(median "$target" 10k RPS); b=$(median "$target" 100k RPS); c=$(median "$target" 1m RPS)
    printf '| %s | %.0f | %.0f | %.0f | %.2f | %.2f | %.2f | %s |\n' "${LABEL[$target]}" "$a" "$b" "$c" \
      "$(median "$target" 10k P99)" "$(median "$target" 100k P99)" "$(median "$target" 1m P99)" \
      "$(check "$c >= 0.75 * $a")"
  done
  echo
  send_pub=$(median send 10k RPS); send_quiet=$(median send 10kq RPS)
  echo "Live events (nchan in the same nginx; bench/evbench: $(ev held) of $(ev subscribers) EventSource"
  echo "streams held at once, one per user of the 10k data, and $EV_RATE messages a second for 15 s"
  echo "between conversation partners; latency from the send request's start to its event on the"
  echo "recipient's stream):"
  echo
  echo "| figure | value | target | met |"
  echo "|---|---:|---|---|"
  printf '| send-to-receive p50 | %.2f ms | | |\n' "$(ev p50_ms)"
  printf '| send-to-receive p99 | %.2f ms | < 50 ms | %s |\n' "$(ev p99_ms)" "$(check "$(ev p99_ms) < 50")"
  printf '| events received / messages sent | %s / %s | all | %s |\n' "$(ev received)" "$(ev sent)" \
    "$(check "$(ev received) >= $(ev sent) && $(ev send_errors) == 0 && $(ev held) == $(ev subscribers)")"
  printf '| nginx memory per held subscriber | %.1f KB | < 10 KB | %s |\n' "$(ev nginx_kb_per_subscriber)" \
    "$(check "$(ev nginx_kb_per_subscriber) < 10")"
  printf '| message/send publishing / not (10k data) | %.0f / %.0f req/s = %s | >= 90%% | %s |\n' \
    "$send_pub" "$send_quiet" "$(ratio "$send_pub" "$send_quiet")" "$(check "$send_pub >= 0.9 * $send_quiet")"
  echo
  rss=$(rss_mb api-1m)
  echo "Worker memory after the run: $rss MB RSS, the largest of the 1M pool's processes"
  echo "(target <= 30 MB: $(check "$rss <= 30"))."
  echo
  echo "Figures vary by 10-30% from run to run on this machine (docs/performance.md)."
  echo
  if [ "${#NOT_MET[@]}" = 0 ]; then
    echo "Every target is met in this run; bench/why.md says which sit near their line."
  else
    # The header, then the paragraphs tagged [target] of the targets not met in this run.
    awk -v tags=" ${NOT_MET[*]} " 'BEGIN { RS = ""; ORS = "\n\n" }
      /^\[[a-z0-9]+\]\n/ { tag = substr($0, 2, index($0, "]") - 2)
                         if (index(tags, " " tag " ")) print substr($0, index($0, "\n") + 1); next }
      { print }' bench/why.md
  fi
} > "$RESULTS.tmp"
mv "$RESULTS.tmp" "$RESULTS"
echo
cat "$RESULTS"
