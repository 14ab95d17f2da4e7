#!/bin/sh
# Builds the Debian package (make deb): dpkg-buildpackage on a copy of the sources in
# build/deb/, so that the checkout's own build/ and var/ stay as they are and the package
# lands beside the copy, then lintian on it (an error fails the build; warnings are shown).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
version=$(dpkg-parsechangelog -l debian/changelog -S Version)
out=build/deb
src=$out/datingtoday-$version
rm -rf "$out"
mkdir -p "$src"
# What the build and the package need; not the tests, the bench or the dev data.
cp -a Makefile README.md config debian docs handlers lib nginx scripts sql supervisor tools "$src/"
rm -rf "$src/docs/site/node_modules"
echo "deb: building datingtoday $version in $src"
(cd "$src" && dpkg-buildpackage -b -us -uc -J"$(nproc)" > ../build.log 2>&1) ||
  { tail -40 "$out/build.log" >&2; echo "deb: dpkg-buildpackage failed (the whole log: $out/build.log)" >&2; exit 1; }
deb=$(ls "$out"/datingtoday_"$version"_*.deb)
echo "deb: lintian $deb"
# lintian warns when run as root: run it as nobody then (it only reads the package).
if [ "$(id -u)" = 0 ] && runuser -u nobody -- test -r "$deb" 2> /dev/null; then
  runuser -u nobody -- lintian --fail-on error "$deb"
else
  lintian --fail-on error "$deb"
fi
echo "deb: $deb"
