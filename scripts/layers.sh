#!/bin/sh
# Checks the layers of lib/ (docs/design-notes.md, "Layers"): no object of a layer uses a
# symbol that only a layer above it defines (core < store < domain < outbound < handlers).
# The link enforces this for most calls already; this finds every one, also those the
# linker happens to resolve from an object a higher layer pulled in.
#   scripts/layers.sh [BUILD_DIR]    (default build; LayersTest runs it)
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
layers="core store domain outbound handlers"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for l in $layers; do
  [ -f "$build/libdt_$l.a" ] || { echo "layers: $build/libdt_$l.a is not built" >&2; exit 2; }
  nm --defined-only -g "$build/libdt_$l.a" 2>/dev/null | awk 'NF == 3 && $2 != "V" && $2 != "W" { print $3 }' | sort -u > "$tmp/$l.def"
  nm -u "$build/libdt_$l.a" 2>/dev/null | awk 'NF >= 2 { print $2 }' | sort -u > "$tmp/$l.undef"
done
bad=0
above=""
for l in $layers; do above="$l $above"; done  # handlers outbound domain store core
for l in $layers; do
  higher=""
  for h in $above; do [ "$h" = "$l" ] && break; higher="$higher $h"; done
  for h in $higher; do
    comm -12 "$tmp/$l.undef" "$tmp/$h.def" > "$tmp/cross"
    if [ -s "$tmp/cross" ]; then
      bad=1
      echo "layers: lib/$l uses what only $h defines:"
      c++filt < "$tmp/cross" | sed 's/^/  /' | head -20
    fi
  done
done
exit $bad
