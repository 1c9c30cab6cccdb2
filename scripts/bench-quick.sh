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

benches=(rank search eligibility agreement sync)
start=$(date +%s)

if [ "${1:-}" != "--workspace" ]; then
  args=()
  for b in "${benches[@]}"; do args+=(--bench "$b"); done
  SPORTELLO_BENCH_QUICK=1 cargo test -p sportello --no-fail-fast "${args[@]}"
  echo "==> benchmark rapidi: $(( $(date +%s) - start )) s"
  exit 0
fi

# CI: run the bench binaries `cargo build --workspace --all-targets` has just
# made. `cargo test --workspace --bench X` would not reuse them: with only the
# benches selected, the dev-dependencies of the other members drop out of the
# feature resolution, every shared dependency gets another hash and the whole
# tree is compiled again (24 minutes on the 2-core machine). `--all-targets
# --no-run` is the build CI made, so it only lists the executables.
listing=$(cargo test --workspace --all-targets --no-run --message-format=json)
failed=()
for b in "${benches[@]}"; do
  exe=$(printf '%s\n' "$listing" | grep '"kind":\["bench"\]' | grep "\"name\":\"$b\"" \
    | sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | head -1)
  if [ -z "$exe" ]; then
    echo "bench $b: eseguibile non trovato" >&2
    failed+=("$b")
    continue
  fi
  echo "==> bench $b (rapido)"
  SPORTELLO_BENCH_QUICK=1 "$exe" || failed+=("$b")
done
echo "==> benchmark rapidi: $(( $(date +%s) - start )) s"
if [ ${#failed[@]} -gt 0 ]; then
  echo "benchmark falliti: ${failed[*]}" >&2
  exit 1
fi
