#!/bin/sh
# Formats lib/, handlers/ and tools/ with the repository's .clang-format, or with --check
# only names the files that differ (StyleTest runs that; exit status 1 when one does).
set -eu
cd "$(dirname "$0")/.."
command -v clang-format > /dev/null || { echo "clang-format is not installed (make deps)" >&2; exit 2; }
files=$(find lib handlers tools -name '*.cpp' -o -name '*.h' | sort)
if [ "${1:-}" = --check ]; then
  # shellcheck disable=SC2086
  clang-format --style=file --dry-run --Werror $files
else
  # shellcheck disable=SC2086
  clang-format --style=file -i $files
fi
