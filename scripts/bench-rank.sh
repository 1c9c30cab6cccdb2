#!/usr/bin/env bash
# Times `sportello rank --json` on a generated call of N applications (default
# 100,000) against GNU sort ordering the same CSV by score-like keys (continuation
# desc, ISEE asc, birth date, submission date, protocol), and prints the ratio.
# Goal: within 2× of sort. A benchmark, not a test: nothing fails on timing
# (CI guards the growth, 10,000 against 100,000 rows on the debug build, with
# scripts/bench-quick.sh).
#
#   scripts/bench-rank.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-100000}"
RUNS=3
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cargo build --release -p sportello --bin sportello >&2
BIN="target/release/sportello"

# Deterministic generator (an LCG in awk): same shape as benches/rank.rs.
awk -v n="$N" 'BEGIN {
  x = 42; m = 2147483648
  print "protocol,submitted_on,birth_date,isee,isee_expires_on,resident,continuation,non_self_sufficient,independent_living,other_interventions,amount"
  for (i = 0; i < n; i++) {
    x = (1103515245 * x + 12345) % m; sd = 1 + x % 28
    x = (1103515245 * x + 12345) % m; sm = 2 + x % 5
    x = (1103515245 * x + 12345) % m; by = 1920 + x % 60
    x = (1103515245 * x + 12345) % m; bm = 1 + x % 12
    x = (1103515245 * x + 12345) % m; bd = 1 + x % 28
    x = (1103515245 * x + 12345) % m; isee = x % 4200000
    x = (1103515245 * x + 12345) % m; has = (x % 50) != 0
    x = (1103515245 * x + 12345) % m; res = (x % 20) != 0 ? "true" : "false"
    x = (1103515245 * x + 12345) % m; cont = (x % 3) == 0 ? "true" : "false"
    x = (1103515245 * x + 12345) % m; nss = (x % 2) == 0 ? "true" : "false"
    x = (1103515245 * x + 12345) % m; il = (x % 4) == 0 ? "true" : "false"
    x = (1103515245 * x + 12345) % m; oi = (x % 5) == 0 ? "true" : "false"
    x = (1103515245 * x + 12345) % m; amt = 1200 + 100 * (x % 40)
    printf "2019/%06d,2019-%02d-%02d,%d-%02d-%02d,%s,%s,%s,%s,%s,%s,%s,%d.00\n", i, sm, sd, by, bm, bd, \
      has ? sprintf("%d.%02d", int(isee / 100), isee % 100) : "", has ? "2019-12-31" : "", \
      res, cont, nss, il, oi, amt
  }
}' > "$WORK/domande.csv"

best() { # best wall time in ms of RUNS runs of the command
  local best=""
  for _ in $(seq "$RUNS"); do
    local t0 t1
    t0=$(date +%s%N); "$@" > /dev/null; t1=$(date +%s%N)
    local ms=$(( (t1 - t0) / 1000000 ))
    if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
  done
  echo "$best"
}

rank_ms=$(best "$BIN" rank --measure b2-anziani --budget 5000000.00 --input "$WORK/domande.csv" --json)
sort_ms=$(best env LC_ALL=C sort -t, -k7,7r -k4,4n -k3,3 -k2,2 -k1,1 "$WORK/domande.csv")

echo "domande:               $N"
echo "sportello rank --json: ${rank_ms} ms"
echo "sort (LC_ALL=C):       ${sort_ms} ms"
awk -v r="$rank_ms" -v s="$sort_ms" 'BEGIN { printf "rapporto rank/sort:    %.2f× (obiettivo: ≤ 2×)\n", (s > 0 ? r / s : 0) }'
