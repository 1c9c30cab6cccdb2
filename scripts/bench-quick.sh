#!/usr/bin/env bash
# The quick mode of every benchmark: complexity, not speed. Each bench times
# its work at two sizes in one run (rank: 10,000 and 100,000 applications and
# GNU sort of the same files; search: 10,000 and 100,000 members; eligibility:
# households of 100 and 1,000 members; the agreement: its lists 10 and 100
# times over; sync: 50 and 500 households changed on a device, packages of
# 1,000 and 10,000 rows applied by a hub), prints the figures, and fails only when a ratio shows a
# change of growth (quadratic instead of linear, a full scan instead of an
# index), never on noise: best of a few runs, limits far above today's ratios.
# The limits and why: benches/support/quick.rs and each bench's heading.
#
#   bash scripts/bench-quick.sh               (the library's own feature set)
#   bash scripts/bench-quick.sh --workspace   (CI: reuses `cargo build --workspace --all-targets`)
#
# Debug build on purpose: CI has already built it (a release build would add
# minutes). The release figures against the goals are the full benches':
# `cargo bench -p sportello`, scripts/bench-rank.sh (rank within 2× of sort).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(-p sportello)
if [ "${1:-}" = "--workspace" ]; then
  # The features of the whole workspace, as `cargo build --workspace` resolved
  # them: the bench binaries CI has just built are reused, not rebuilt.
  packages=(--workspace)
fi

start=$(date +%s)
SPORTELLO_BENCH_QUICK=1 cargo test "${packages[@]}" --no-fail-fast \
  --bench rank --bench search --bench eligibility --bench agreement --bench sync
echo "==> benchmark rapidi: $(( $(date +%s) - start )) s"
