#!/usr/bin/env bash
# The Debian/Ubuntu package of Sportello: target/debian/sportello_<version>_<arch>.deb
#
#   bash scripts/package-deb.sh
#
# Builds the two programs in release mode — the window with Tauri's
# `custom-protocol` (it serves the UI embedded in the binary: no development
# server, no files beside it) and the command line — then packs them with
# cargo-deb (from crates.io; Tauri's own bundler downloads tools at build time,
# which an office's build machine may not reach). The package holds
# /usr/bin/sportello-app, /usr/bin/sportello, the desktop entry and the icons,
# depends on the WebKitGTK runtime, and carries no data: each account's
# database and keys are made in its own data folder at the first start.
# `bash scripts/test-deb.sh` installs it, starts it and removes it.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib-apt.sh

ensure_apt_packages "${BUILD_PACKAGES[@]}" dpkg-dev
ensure_cargo
if ! command -v cargo-deb >/dev/null 2>&1; then
  echo "==> installing cargo-deb"
  cargo install cargo-deb --locked
fi

echo "==> building the release programs"
cargo build --release -p sportello-app --features custom-protocol --bin sportello-app
cargo build --release -p sportello --bin sportello

echo "==> packing"
cargo deb -p sportello-app --no-build --output target/debian/
ls -l target/debian/*.deb
