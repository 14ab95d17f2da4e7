#!/bin/bash
# make fuzz: runs each libFuzzer target (build/fuzz/fuzz_<target>) for SECONDS from its
# committed seeds (tests/fuzz/seeds/<target>/), with a working corpus in var/fuzz/ so that
# new inputs do not land in the repo. A crash fails the run; its input is kept in
# var/fuzz/crashes/<target>/ (fix it, then copy it to tests/fuzz/regressions/<target>/).
#   scripts/fuzz.sh SECONDS TARGET...
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=$1; shift
failed=0
for target in "$@"; do
  corpus=var/fuzz/corpus/$target crashes=var/fuzz/crashes/$target
  mkdir -p "$corpus" "$crashes"
  echo "fuzz: $target for ${seconds}s"
  build/fuzz/fuzz_"$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$crashes/" -print_final_stats=1 "$corpus" tests/fuzz/seeds/"$target" \
    > "var/fuzz/$target.log" 2>&1
  rc=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "var/fuzz/$target.log" | grep -o '[0-9]*$')
  cov=$(grep -o 'cov: [0-9]*' "var/fuzz/$target.log" | tail -1 | grep -o '[0-9]*')
  if [ $rc -ne 0 ]; then
    echo "fuzz: $target FAILED (exit $rc); see var/fuzz/$target.log and $crashes/"
    failed=1
  else
    echo "fuzz: $target ok: ${runs:-?} inputs, coverage ${cov:-?} edges, corpus $(ls "$corpus" | wc -l) files"
  fi
done
exit $failed
