#!/bin/bash
# make docs: installs the docs page's renderer (Swagger UI, pinned by
# docs/site/package-lock.json) from the npm registry into build/docs/, where the dev
# nginx serves it at /docs/vendor/ (nginx/dev.conf.in). Nothing of it is committed.
# Install scripts are not run (--ignore-scripts): the page needs the package's files only.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SAY_PREFIX=docs
. scripts/lib.sh
command -v npm > /dev/null || die "npm is not installed (make deps)"
OUT=build/docs
mkdir -p "$OUT"
cp docs/site/package.json docs/site/package-lock.json "$OUT/"
(cd "$OUT" && SCARF_ANALYTICS=false npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
[ -f "$OUT/node_modules/swagger-ui-dist/swagger-ui-bundle.js" ] || die "npm installed no swagger-ui-dist"
touch "$OUT/.installed"
say "renderer installed in $OUT (served at /docs/ by make run)"
