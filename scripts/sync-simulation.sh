#!/usr/bin/env bash
# The long run of the sync simulation (tests/sync_simulation.rs, issue 11):
# several seeds × many steps, each printing its counts (the line SIMULATION).
# Usage: scripts/sync-simulation.sh [SEEDS] [STEPS]   e.g. scripts/sync-simulation.sh "1 2 3 4 5" 3000
# Debug build: the kill -9 hooks (SPORTELLO_CRASH_AT) exist only there.
set -u
cd "$(dirname "$0")/.."
SEEDS=${1:-"1 2 3 4 5 6 7 8"}
STEPS=${2:-3000}
cargo test -p sportello --test sync_simulation --no-run >/dev/null 2>&1 || { echo "build failed"; exit 1; }
fail=0
for seed in $SEEDS; do
  start=$SECONDS
  out=$(SPORTELLO_SYNC_SEED=$seed SPORTELLO_SYNC_STEPS=$STEPS cargo test -p sportello --test sync_simulation -- --nocapture 2>&1)
  if echo "$out" | grep -q "test result: ok"; then
    echo "$out" | grep '^SIMULATION' | sed "s/\$/ [$((SECONDS - start)) s]/"
  else
    fail=1
    echo "SIMULATION seed $seed steps $STEPS: FAILED"
    echo "$out" | grep -A4 'panicked' | head -8
  fi
done
exit $fail
