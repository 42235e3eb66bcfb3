#!/usr/bin/env bash
# Speed: moat vs iam-simulate on the same two requests (bench/iam/gen Small
# and Heavy), each on one core (taskset -c 0; GOMAXPROCS=1 for moat).
#
#   bench/iam/run.sh
#
# iam-simulate: validated runSimulation path (parse + validate + evaluate per
# call), warm-up then timed rounds (oracle-bench.mjs). moat: policies compiled
# once, then authz.Evaluate in a loop (cmd/moatbench).
#
# Environment: BENCH_ROUNDS (5), BENCH_SECONDS (3), BENCH_WARMUP_SECONDS (2),
# MOAT_SHARED, MOAT_MANAGED_POLICIES, ORACLE_DIR (as in diff.sh).
# Ends with exactly:
#   small: moat N/s, iam-simulate M/s, ratio R
#   heavy: moat N/s, iam-simulate M/s, ratio R
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
shared="${MOAT_SHARED:-$repo/../shared}"
oracle_src="$shared/tools/iam-oracle"
if [ ! -f "$oracle_src/oracle.mjs" ] || [ ! -f "$oracle_src/package-lock.json" ]; then
  echo "run.sh: $oracle_src (oracle.mjs, package.json, package-lock.json) is absent: cannot measure iam-simulate, stopping." >&2
  exit 1
fi
ROUNDS="${BENCH_ROUNDS:-5}"
SECS="${BENCH_SECONDS:-3}"
WARM="${BENCH_WARMUP_SECONDS:-2}"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# the oracle and the managed policies
. "$here/setup.sh"

(cd "$here" && go build -o "$tmp/gencases" ./cmd/gencases && go build -o "$tmp/moatbench" ./cmd/moatbench)
pin=()
if command -v taskset >/dev/null; then pin=(taskset -c 0); else echo "run.sh: taskset not found, not pinning" >&2; fi

echo "machine: $(nproc) cores, load average: $(cut -d' ' -f1-3 /proc/loadavg), node $(node --version), $(go version | cut -d' ' -f3)"
echo "each engine: ${WARM} s warm-up, then ${ROUNDS} rounds x ${SECS} s, one core"
declare -A moat sim
for c in small heavy; do
  "$tmp/gencases" -fixed "$c" > "$tmp/$c.jsonl"
  echo "== $c: iam-simulate"
  ORACLE_NODE_MODULES="$oracle_dir" MANAGED_POLICIES="$managed" ORACLE_MJS="$oracle_src/oracle.mjs" \
    BENCH_ROUNDS="$ROUNDS" BENCH_SECONDS="$SECS" BENCH_WARMUP_SECONDS="$WARM" \
    "${pin[@]}" node "$here/oracle-bench.mjs" "$tmp/$c.jsonl" | tee "$tmp/$c.sim"
  echo "(load average now: $(cut -d' ' -f1-3 /proc/loadavg))"
  echo "== $c: moat"
  GOMAXPROCS=1 "${pin[@]}" "$tmp/moatbench" -rounds "$ROUNDS" -seconds "$SECS" -warmup "$WARM" -managed "$managed" "$tmp/$c.jsonl" | tee "$tmp/$c.moat"
  echo "(load average now: $(cut -d' ' -f1-3 /proc/loadavg))"
  sd=$(grep '^RESULT' "$tmp/$c.sim" | sed 's/.*decision=\([A-Za-z]*\).*/\1/')
  md=$(grep '^RESULT' "$tmp/$c.moat" | sed 's/.*decision=\([A-Za-z]*\).*/\1/')
  if [ "$sd" != "$md" ]; then echo "WARNING: $c: decisions differ: iam-simulate $sd, moat $md"; fi
  sim[$c]=$(grep '^RESULT' "$tmp/$c.sim" | sed 's/.*median=\([0-9]*\)\/s.*/\1/')
  moat[$c]=$(grep '^RESULT' "$tmp/$c.moat" | sed 's/.*median=\([0-9]*\)\/s.*/\1/')
done
for c in small heavy; do
  echo "$c: moat ${moat[$c]}/s, iam-simulate ${sim[$c]}/s, ratio $(awk "BEGIN{printf \"%.0f\", ${moat[$c]} / ${sim[$c]}}")"
done
