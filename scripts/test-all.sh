#!/usr/bin/env bash
# README command 2: every check CI runs, on a fresh Debian/Ubuntu machine too.
#
# Installs what is missing (system packages, tauri-driver), then: formatting,
# clippy with warnings as errors, and the whole workspace's tests, the
# real-window ones (tests/e2e) under a virtual X server, then the benches'
# quick mode (scripts/bench-quick.sh: complexity regressions).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib-apt.sh

ensure_apt_packages "${BUILD_PACKAGES[@]}" xvfb xauth webkit2gtk-driver poppler-utils
ensure_cargo

if ! command -v tauri-driver >/dev/null 2>&1; then
  echo "==> installing tauri-driver"
  cargo install tauri-driver --locked --version '^2'
fi

echo "==> cargo fmt --check"
cargo fmt --all --check

echo "==> cargo clippy"
cargo clippy --workspace --all-targets -- -D warnings

# The pure core on its own: in the workspace chrono has its clock (the crates
# above use it), here it has not, so a clock read in the core fails to build.
echo "==> sportello-core alone (no clock, no SQLite, no PDF)"
cargo check -p sportello-core
# Printing likewise: the core and the PDF writer, no clock, no SQLite, no
# service (tests/layering.rs holds its dependency list).
echo "==> sportello-print alone (no clock, no SQLite, no service)"
cargo check -p sportello-print
# The store likewise: SQLite and keys, no clock, no printing, no service.
echo "==> sportello-storage alone (no clock, no printing, no service)"
cargo check -p sportello-storage

# The real-window tests drive the built binaries: build them first. Everything,
# tests included, in one invocation: the same feature set as `cargo test
# --workspace` below, so that nothing is compiled twice.
echo "==> building the workspace (binaries and tests)"
cargo build --workspace --all-targets

echo "==> cargo test (workspace, real-window tests under Xvfb)"
xvfb-run -a -s "-screen 0 1600x1000x24" cargo test --workspace

# The benches' quick mode, on the debug build above: fails on a complexity
# regression (e.g. the ranking gone quadratic), never on noise.
echo "==> quick benchmarks (complexity)"
bash scripts/bench-quick.sh --workspace
