#!/usr/bin/env bash
# The install test of the Debian package (issue 14): on this machine, as root,
#
#   bash scripts/package-deb.sh && bash scripts/test-deb.sh
#
# installs target/debian/sportello_*.deb with dpkg (its dependencies from the
# Debian archive), checks what it put where and that it holds no data, starts
# the installed window under a virtual X server through the real-window
# harness (tests/e2e, SPORTELLO_APP=/usr/bin/sportello-app) and sees the
# login screen of a new office, runs the installed `sportello`, then removes
# the package and checks nothing of it is left.
#
# A release build takes long on a 2-core CI machine, so CI does not run this;
# the closing note of the change that touches packaging carries its output.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib-apt.sh

deb=$(ls -t target/debian/sportello_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || { echo "no package: run scripts/package-deb.sh first" >&2; exit 2; }
echo "==> package: $deb"
dpkg-deb --info "$deb" | sed -n '/Package:/,/Description:/p'
echo "==> contents"
dpkg-deb --contents "$deb" | awk '{print $6}' | tee /tmp/sportello-deb-contents.txt
for f in ./usr/bin/sportello-app ./usr/bin/sportello ./usr/share/applications/sportello.desktop \
         ./usr/share/icons/hicolor/128x128/apps/sportello.png; do
  grep -qx "$f" /tmp/sportello-deb-contents.txt || { echo "missing from the package: $f" >&2; exit 1; }
done
# No data: no database, keys, documents or logs in the package.
if grep -E '\.(sqlite|keys|pdf|log)$|/var/lib/' /tmp/sportello-deb-contents.txt; then
  echo "the package carries data" >&2; exit 1
fi
dpkg-deb --field "$deb" Depends | grep -q 'libwebkit2gtk-4.1-0' || { echo "no WebKitGTK dependency" >&2; exit 1; }

if dpkg-query -W -f='${Status}' sportello 2>/dev/null | grep -q "install ok installed"; then
  echo "sportello is already installed here: remove it first" >&2; exit 2
fi
echo "==> installing"
env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "./$deb"
trap 'env DEBIAN_FRONTEND=noninteractive apt-get remove -y -q sportello >/dev/null 2>&1 || true' EXIT
command -v sportello-app sportello
sportello --version
desktop-file-validate /usr/share/applications/sportello.desktop 2>/dev/null || true

echo "==> the installed window, under Xvfb: the login screen of a new office"
ensure_apt_packages xvfb xauth webkit2gtk-driver
# The harness as `scripts/test-all.sh` builds it (the same flags: nothing is
# rebuilt after a test run); built here only when it is missing.
window=$(ls -t target/debug/deps/window-* 2>/dev/null | grep -v '\.d$' | head -1 || true)
if [ -z "$window" ]; then
  cargo build --workspace --all-targets
  window=$(ls -t target/debug/deps/window-* | grep -v '\.d$' | head -1)
fi
window=$(realpath "$window")
(cd tests/e2e && SPORTELLO_APP=/usr/bin/sportello-app SPORTELLO_SCREENSHOT_NAME=installato \
  flock /tmp/e2e.lock xvfb-run -a -s "-screen 0 1600x1000x24" "$window" installed:: --test-threads=1)

echo "==> removing"
env DEBIAN_FRONTEND=noninteractive apt-get remove -y -q sportello
trap - EXIT
for f in /usr/bin/sportello-app /usr/bin/sportello /usr/share/applications/sportello.desktop; do
  [ ! -e "$f" ] || { echo "left after removal: $f" >&2; exit 1; }
done
echo "==> the package installs, starts on the login screen and removes cleanly"
