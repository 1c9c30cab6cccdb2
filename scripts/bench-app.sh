#!/usr/bin/env bash
# What Sportello costs over an empty Tauri window: time from launch to the first
# screen drawn (the login screen, over an encrypted demo database), and memory (PSS) of the app
# process and all its WebKit children, against benches/minimal-window (an empty Tauri window).
# Target: both ratios ≤ 1.25×.
#
#   bash scripts/bench-app.sh [RUNS]        (default 5 runs each; median reported)
#   PROFILE=release bash scripts/bench-app.sh
#
# Runs under Xvfb (starts one with xvfb-run when there is no display). Each
# process is stopped with SIGTERM.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${DISPLAY:-}" ] && [ -z "${BENCH_UNDER_XVFB:-}" ]; then
  export BENCH_UNDER_XVFB=1
  exec xvfb-run -a -s "-screen 0 1600x1000x24" bash "$0" "$@"
fi

runs="${1:-5}"
profile="${PROFILE:-debug}"
cargo_profile=()
[ "$profile" = "release" ] && cargo_profile=(--release)

cargo build -q "${cargo_profile[@]}" -p sportello -p sportello-app -p sportello-minimal-window --bins
bin="${CARGO_TARGET_DIR:-target}/${profile}"

work="$(mktemp -d -t sportello-bench-XXXXXX)"
trap 'rm -rf "$work"' EXIT
# Encrypted like any database; the app itself stops at the login screen, which
# is now its first screen (the moment measured).
SPORTELLO_PASSWORD=bench-demo-password SPORTELLO_KDF_MEMORY_KIB=256 \
  "$bin/sportello" demo --database "$work/demo.sqlite" >/dev/null

# All descendants of a process (WebKitWebProcess, WebKitNetworkProcess, …).
descendants() {
  local parent="$1" child
  for child in $(ps -o pid= --ppid "$parent" 2>/dev/null); do
    echo "$child"
    descendants "$child"
  done
}

# Sum of Pss (kB) over a process and its descendants.
pss_kb() {
  local total=0 pid kb
  for pid in "$1" $(descendants "$1"); do
    kb=$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || true)
    total=$((total + ${kb:-0}))
  done
  echo "$total"
}

# One launch: prints "startup_ms pss_kb".
measure() {
  local ready="$work/ready" pid start end
  rm -f "$ready"
  start=$(date +%s%N)
  SPORTELLO_READY_FILE="$ready" SPORTELLO_VIEWER=true "$@" >/dev/null 2>"$work/stderr" &
  pid=$!
  for _ in $(seq 1 600); do
    [ -s "$ready" ] && break
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "error: $1 exited before its first screen:" >&2
      cat "$work/stderr" >&2
      exit 1
    fi
    sleep 0.1
  done
  if [ ! -s "$ready" ]; then
    echo "error: $1 never drew its first screen" >&2
    kill -TERM "$pid" 2>/dev/null || true
    exit 1
  fi
  end=$(cat "$ready")
  # Let the page settle (layout, fonts, the first IPC round trips) before weighing it.
  sleep 2
  local pss
  pss=$(pss_kb "$pid")
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  echo "$(( (end - start) / 1000000 )) $pss"
}

median() {
  sort -n | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else print int((a[NR/2] + a[NR/2+1]) / 2)}'
}

bench() {
  local label="$1"
  shift
  : >"$work/$label.txt"
  for i in $(seq 1 "$runs"); do
    measure "$@" >>"$work/$label.txt"
  done
  local t m
  t=$(awk '{print $1}' "$work/$label.txt" | median)
  m=$(awk '{print $2}' "$work/$label.txt" | median)
  echo "$t $m"
}

echo "profile: $profile, runs: $runs (median)"
read -r min_t min_m < <(bench minimal "$bin/minimal-window")
read -r app_t app_m < <(bench app "$bin/sportello-app" --database "$work/demo.sqlite" --documents "$work/documenti")

printf '%-16s %12s %14s\n' "" "first screen" "PSS (all procs)"
printf '%-16s %9d ms %11d kB\n' "minimal-window" "$min_t" "$min_m"
printf '%-16s %9d ms %11d kB\n' "sportello-app" "$app_t" "$app_m"
awk -v at="$app_t" -v mt="$min_t" -v am="$app_m" -v mm="$min_m" 'BEGIN {
  rt = at / mt; rm = am / mm
  printf "ratio            %9.2f×    %11.2f×   (target ≤ 1.25×)\n", rt, rm
  if (rt > 1.25 || rm > 1.25) print "OVER TARGET"; else print "within target"
}'
