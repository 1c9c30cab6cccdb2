#!/usr/bin/env bash
# README command 1: build Sportello and start it on a demo database.
#
#   bash scripts/run-app.sh            # demo database in ~/.local/share/sportello/demo.sqlite
#   bash scripts/run-app.sh --release  # optimised build (slower to build)
#
# On a fresh Debian/Ubuntu machine it first installs the system packages the
# Tauri shell needs (with sudo when not root). The demo database is created once
# with `sportello demo` and reused afterwards; it is encrypted like a real one,
# and every demo account has the password `sportello-demo` (given to the
# program through the environment, never on a command line). The app opens on
# the login screen: amministratore, averdi (coordinatrice), mbianchi, lgallo,
# kamrani (operatori).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib-apt.sh

profile=debug
cargo_profile=()
if [ "${1:-}" = "--release" ]; then
  profile=release
  cargo_profile=(--release)
fi

ensure_apt_packages "${BUILD_PACKAGES[@]}"
ensure_cargo

echo "==> building (${profile})"
cargo build "${cargo_profile[@]}" -p sportello -p sportello-app --bin sportello --bin sportello-app

target_dir="${CARGO_TARGET_DIR:-target}/${profile}"
data_dir="${SPORTELLO_DATA_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/sportello}"
database="${data_dir}/demo.sqlite"
mkdir -p "$data_dir"
if [ -f "$database" ] && [ ! -f "${database}.keys" ]; then
  # A demo made before encryption (no keys file): it holds only fictional data.
  echo "==> replacing the old unencrypted demo database ${database}"
  rm -f "$database" "${database}-wal" "${database}-shm"
fi
if [ -f "$database" ] && [ ! -s "$database" ]; then
  # An empty file left by a demo of an earlier version cut short (the demo is
  # now built aside and appears whole): fictional data only, made again.
  echo "==> replacing the empty demo database ${database}"
  rm -f "$database" "${database}-wal" "${database}-shm"
fi
laptop="${data_dir}/demo-portatile.sqlite"
if [ ! -f "$database" ]; then
  # The office's hub and, beside it, an outreach worker's laptop enrolled at
  # it (mbianchi), with offline work waiting and one conflict at the office:
  # open the laptop with SPORTELLO_DATABASE="$laptop" bash scripts/run-app.sh.
  rm -f "$laptop" "${laptop}.keys"
  echo "==> creating the demo database ${database} and the laptop ${laptop}"
  SPORTELLO_PASSWORD=sportello-demo "${target_dir}/sportello" demo --database "$database" \
    --laptop "$laptop" --documents "${data_dir}/documenti-demo"
fi
if [ -n "${SPORTELLO_DATABASE:-}" ]; then
  database="$SPORTELLO_DATABASE"
fi

echo "==> starting Sportello on ${database} (accesso: amministratore / sportello-demo)"
exec "${target_dir}/sportello-app" --database "$database" --documents "${data_dir}/documenti-demo"
