#!/usr/bin/env bash
# README command 2: every check CI runs, on a fresh Debian/Ubuntu machine too.
#
# Installs what is missing (system packages, tauri-driver), then: formatting,
# the build with clippy's lints as errors, and the whole workspace's tests, the
# real-window ones (tests/e2e) under a virtual X server, then the benches'
# quick mode (scripts/bench-quick.sh: complexity regressions).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib-apt.sh

# Each step says how long the one before it took: CI's budget is 45 minutes,
# and the log shows where it goes.
t0=$(date +%s)
t_step=$t0
step() {
  local now
  now=$(date +%s)
  echo "    ($(( now - t_step )) s; $(( (now - t0) / 60 )) min in tutto)"
  t_step=$now
  echo "==> $1"
  # The disk, too: a CI run once stopped at the linker with none left.
  df -h . | awk 'NR==2 {print "    (disco: " $4 " liberi)"}'
}

ensure_apt_packages "${BUILD_PACKAGES[@]}" xvfb xauth webkit2gtk-driver poppler-utils libxml2-utils
ensure_cargo

if ! command -v tauri-driver >/dev/null 2>&1; then
  echo "==> installing tauri-driver"
  cargo install tauri-driver --locked --version '^2'
fi

step "cargo fmt --check"
cargo fmt --all --check

# Clippy is the compiler of the workspace's own crates for every step below:
# `cargo clippy` is `cargo check` with clippy-driver as the workspace wrapper,
# so it would compile every dependency a second time, in check mode (15 to 20
# minutes on the 2-core machine). As the wrapper of the build itself it lints
# the same targets (`--all-targets`, warnings as errors) while they are built
# for the tests, and the dependencies are compiled once. Exported for every
# cargo command after this point, so that they all share the same artifacts.
step "clippy as the workspace's compiler (warnings as errors)"
export RUSTC_WORKSPACE_WRAPPER=clippy-driver
export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
clippy-driver --version

# The pure core on its own: in the workspace chrono has its clock (the crates
# above use it), here it has not, so a clock read in the core fails to build.
step "sportello-core alone (no clock, no SQLite, no PDF)"
cargo check -p sportello-core
# Printing likewise: the core and the PDF writer, no clock, no SQLite, no
# service (tests/layering.rs holds its dependency list).
step "sportello-print alone (no clock, no SQLite, no service)"
cargo check -p sportello-print
# The store likewise: SQLite and keys, no clock, no printing, no service.
step "sportello-storage alone (no clock, no printing, no service)"
cargo check -p sportello-storage

# The real-window tests drive the built binaries: build them first. Everything,
# tests included, in one invocation: the same feature set as `cargo test
# --workspace` below, so that nothing is compiled twice. Clippy's lints fail
# it here (RUSTC_WORKSPACE_WRAPPER above).
step "building the workspace with clippy (binaries and tests)"
# --timings leaves target/cargo-timings/ (which crate took how long).
cargo build --workspace --all-targets --timings

step "cargo test (workspace, real-window tests under Xvfb)"
xvfb-run -a -s "-screen 0 1600x1000x24" cargo test --workspace --no-fail-fast

# The benches' quick mode, on the debug build above: fails on a complexity
# regression (e.g. the ranking gone quadratic), never on noise.
step "quick benchmarks (complexity)"
bash scripts/bench-quick.sh --workspace
step "fine"
du -sh target 2>/dev/null || true
