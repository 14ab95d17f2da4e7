#!/bin/sh
# Installs the Debian packages the project builds and runs with, when some are missing.
# As root it runs apt-get; otherwise it prints the one command to run.
#   scripts/deps.sh [base] [deb] [bench] [fuzz]   (no argument: all four)
# base is what make run and make test need (npm installs the docs page's renderer,
# python3-yaml reads docs/openapi.yaml for its tests, chromium loads the docs page in one,
# clang-format checks the code's formatting in StyleTest; libnginx-mod-nchan delivers live
# events and python3-websocket is the tests' WebSocket client);
# deb adds what builds and checks the Debian package (make deb; make test installs it, and
# its acl lets the installed worker reach the test Redis),
# bench adds wrk, fuzz adds clang.
set -eu
BASE="g++ make pkg-config libfcgi-dev libcgicc-dev libmariadb-dev libhiredis-dev libssl-dev
libjsoncpp-dev libcppunit-dev libcurl4-openssl-dev libphonenumber-dev mariadb-server mariadb-client redis-server
nginx libnginx-mod-nchan supervisor curl openssl npm python3-yaml python3-websocket chromium clang-format"
DEB="dpkg-dev debhelper lintian acl"
BENCH="wrk"
FUZZ="clang libclang-rt-14-dev"
PACKAGES=""
for set in ${*:-base deb bench fuzz}; do
  case "$set" in
    base) PACKAGES="$PACKAGES $BASE" ;;
    deb) PACKAGES="$PACKAGES $DEB" ;;
    bench) PACKAGES="$PACKAGES $BENCH" ;;
    fuzz) PACKAGES="$PACKAGES $FUZZ" ;;
    *) echo "deps.sh: unknown set '$set' (base, deb, bench, fuzz)" >&2; exit 2 ;;
  esac
done
missing=""
for p in $PACKAGES; do
  # A Node.js from elsewhere (e.g. NodeSource's nodejs, which brings npm) will do.
  [ "$p" = npm ] && command -v npm > /dev/null && continue
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "missing packages; install them with:" >&2
  echo "  sudo apt-get install -y --no-install-recommends$missing" >&2
  exit 1
fi
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
# Debian's packages start their services on install; this project runs its own copies
# under var/, so keep the system ones from starting (a policy-rc.d only for this install,
# removed however the install ends).
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  trap 'rm -f "$policy"' EXIT
  printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy"
fi
apt-get update -q || true
apt-get install -y -q --no-install-recommends $missing
