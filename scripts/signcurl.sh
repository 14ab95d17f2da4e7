#!/bin/bash
# Prints a signed curl command for the API (the signature of API.md section 3), so that
# the API can be tried by hand:
#   scripts/signcurl.sh POST /api/auth/sendsms phone=13800138000
#   scripts/signcurl.sh -u 1 -t TOKEN POST /api/auth/logout
#   eval "$(scripts/signcurl.sh GET /api/health)"     # or run it directly
# Options: -c CONFIG (default config/dev.ini), -k APPKEY (default 432ABZ; its secret and
# sign method come from the config), -u USERID and -t TOKEN for token routes,
# -b BASE_URL (default http://127.0.0.1:8080).
set -euo pipefail
cd "$(dirname "$0")/.."
config=config/dev.ini appkey=432ABZ user="" token="" base=http://127.0.0.1:8080
while getopts "c:k:u:t:b:" opt; do
  case $opt in
    c) config=$OPTARG ;; k) appkey=$OPTARG ;; u) user=$OPTARG ;; t) token=$OPTARG ;;
    b) base=$OPTARG ;; *) sed -n '2,11p' "$0" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ $# -ge 2 ] || { sed -n '2,11p' "$0" >&2; exit 2; }
method=$1 path=$2; shift 2

. scripts/lib.sh
secret=$(ini_get "$config" "app.$appkey" secret)
sign_method=$(ini_get "$config" "app.$appkey" sign)
[ -n "$secret" ] || { echo "signcurl: no [app.$appkey] secret in $config" >&2; exit 1; }

urlencode() {  # bytewise, so UTF-8 is percent-encoded byte by byte
  local LC_ALL=C s=$1 out="" c i
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case $c in [A-Za-z0-9.~_-]) out+=$c ;; *) printf -v c '%%%02X' "'$c"; out+=$c ;; esac
  done
  printf '%s' "$out"
}

params=("$@")
[ -n "$user" ] && params+=("userId=$user")
timestamp=$(date +%s)
nonce=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
# msg: every k=v except timestamp, nonce, appkey, sign and token, sorted bytewise.
msg=$(printf '%s\n' "${params[@]}" | grep -v '^$' | LC_ALL=C sort | paste -sd '&' || true)
if [ "${sign_method:-md5}" = hmac-sha256 ]; then
  sign=$(printf '%s' "$msg$token$timestamp$nonce" | openssl dgst -sha256 -hmac "$secret" | awk '{print $NF}')
else
  sign=$(printf '%s' "$msg$token$timestamp$nonce$secret" | md5sum | awk '{print $1}')
fi
params+=("appkey=$appkey" "timestamp=$timestamp" "nonce=$nonce" "sign=$sign")
[ -n "$token" ] && params+=("token=$token")

query=""
for p in "${params[@]}"; do
  [ -n "$p" ] || continue
  query+="${query:+&}$(urlencode "${p%%=*}")=$(urlencode "${p#*=}")"
done
if [ "$method" = GET ]; then
  echo "curl -s '$base$path?$query'"
else
  echo "curl -s -X $method '$base$path' --data '$query'"
fi
