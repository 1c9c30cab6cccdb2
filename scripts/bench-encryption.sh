#!/usr/bin/env bash
# What encryption costs: search as you type over 100,000 members and printing
# the agreement (filed inside the database), on an encrypted and a plain
# database through the same service. Prints both figures and the ratio
# (goal: within 1.3×). A benchmark, not a test: nothing fails on timing.
#
#   scripts/bench-encryption.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench -p sportello --bench encryption 2>&1 | grep -E "members written|^Ricerca|^  |^Stampa|time:|cifratura/" 
