#!/bin/bash
# Installs a pinned set of npm packages from the npm registry into build/, never
# committed (package.json and package-lock.json are):
#   scripts/npm.sh docs     the docs page's renderer (Swagger UI, docs/site/) into
#                           build/docs/, served at /docs/vendor/ (nginx/dev.conf.in): make docs
#   scripts/npm.sh newman   Newman (tests/newman/), which runs the Postman collection
#                           against the test stack in make test (PostmanTest), into build/newman/
# Install scripts are not run (--ignore-scripts): neither needs them.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SAY_PREFIX=npm
. scripts/lib.sh
case "${1:-}" in
  docs) FROM=docs/site; OUT=build/docs; CHECK=node_modules/swagger-ui-dist/swagger-ui-bundle.js
        DONE="renderer installed in $OUT (served at /docs/ by make run)" ;;
  newman) FROM=tests/newman; OUT=build/newman; CHECK=node_modules/newman/bin/newman.js
          DONE="newman installed in $OUT" ;;
  *) die "usage: $0 docs|newman" ;;
esac
command -v npm > /dev/null || die "npm is not installed (make deps)"
mkdir -p "$OUT"
cp "$FROM/package.json" "$FROM/package-lock.json" "$OUT/"
(cd "$OUT" && SCARF_ANALYTICS=false npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
[ -f "$OUT/$CHECK" ] || die "npm installed no $CHECK"
touch "$OUT/.installed"
say "$DONE"
