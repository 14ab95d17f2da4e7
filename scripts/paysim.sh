#!/bin/bash
# Plays the payment gateway for manual testing of the VIP flow: signs a payment notify
# for a trade number with the [pay] key of the config (HMAC-SHA256 over the sorted k=v
# of the other fields, API.md "VIP") and posts it, printing the server's answer.
#   scripts/paysim.sh TRADE_NO TOTAL_FEE [TRANSACTION_ID]
#   scripts/paysim.sh -p TRADE_NO 30.00      # print the curl command instead
# Options: -c CONFIG (default config/dev.ini), -b BASE_URL (default http://127.0.0.1:8080).
set -euo pipefail
cd "$(dirname "$0")/.."
config=config/dev.ini base=http://127.0.0.1:8080 print=""
while getopts "c:b:p" opt; do
  case $opt in
    c) config=$OPTARG ;; b) base=$OPTARG ;; p) print=1 ;; *) sed -n '2,9p' "$0" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ $# -ge 2 ] || { sed -n '2,9p' "$0" >&2; exit 2; }
trade_no=$1 total_fee=$2 transaction_id=${3:-sim$(date +%s)$RANDOM}
. scripts/lib.sh
key=$(ini_get "$config" pay key)
[ -n "$key" ] || { echo "paysim: no [pay] key in $config" >&2; exit 1; }
timestamp=$(date +%s)
nonce=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
msg=$(printf '%s\n' "nonce_str=$nonce" "timestamp=$timestamp" "total_fee=$total_fee" \
  "trade_no=$trade_no" "transaction_id=$transaction_id" | LC_ALL=C sort | paste -sd '&')
sign=$(printf '%s' "$msg" | openssl dgst -sha256 -hmac "$key" | awk '{print $NF}')
body="$msg&sign=$sign"
if [ -n "$print" ]; then
  echo "curl -s -X POST '$base/api/vip/pay/notify' --data '$body'"
else
  curl -s -X POST "$base/api/vip/pay/notify" --data "$body"
  echo
fi
