#!/usr/bin/env bash
# Differential test: moat's IAM engine vs the independent simulator
# @cloud-copilot/iam-simulate (AGPL, test-time only, installed into a temp dir).
#
#   bench/iam/diff.sh N [SEED]
#
# Generates N cases (bench/iam/gen, deterministic per SEED, default 1), runs
# the oracle (/work/shared/tools/iam-oracle) and `moat policy eval` on the
# same file, and prints the agreement rate and every disagreement.
#
# Environment:
#   MOAT_SHARED            shared/ folder (default: <repo>/../shared)
#   MOAT_MANAGED_POLICIES  managed-policies file (default: built with tools/managed-policies/build.sh)
#   ORACLE_DIR             an existing oracle install to reuse (default: fresh npm ci into a temp dir)
#   DIFF_OUT               folder for cases/answers (default: a new temp dir, printed at the end)
set -euo pipefail

N="${1:-}"
SEED="${2:-1}"
if [ -z "$N" ]; then echo "usage: $0 N [SEED]" >&2; exit 2; fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
shared="${MOAT_SHARED:-$repo/../shared}"
oracle_src="$shared/tools/iam-oracle"
if [ ! -f "$oracle_src/oracle.mjs" ] || [ ! -f "$oracle_src/package-lock.json" ]; then
  echo "diff.sh: $oracle_src (oracle.mjs, package.json, package-lock.json) is absent: cannot run the oracle, stopping." >&2
  exit 1
fi

tmp="$(mktemp -d)"
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT
out="${DIFF_OUT:-$(mktemp -d)}"
mkdir -p "$out"

# the oracle and the managed policies
. "$here/setup.sh"

# 3. cases and moat
(cd "$here" && go build -o "$tmp/gencases" ./cmd/gencases)
moat_cmd=("$tmp/moat" policy eval --managed-policies "$managed")
if ! (cd "$repo" && go build -o "$tmp/moat" ./cmd/moat) 2>"$tmp/build.log"; then
  echo "diff.sh: NOTE: cmd/moat does not build (below); falling back to bench/iam/cmd/moateval," >&2
  echo "         which answers from the same authz/cases reader and authz.Evaluate:" >&2
  head -5 "$tmp/build.log" >&2
  (cd "$here" && go build -o "$tmp/moateval" ./cmd/moateval)
  moat_cmd=("$tmp/moateval" -managed-policies "$managed")
fi
"$tmp/gencases" -n "$N" -seed "$SEED" > "$out/cases.jsonl"
echo "generated $N cases (seed $SEED) into $out/cases.jsonl" >&2

t0=$(date +%s.%N)
ORACLE_NODE_MODULES="$oracle_dir" MANAGED_POLICIES="$managed" node "$oracle_src/oracle.mjs" < "$out/cases.jsonl" > "$out/oracle.jsonl"
t1=$(date +%s.%N)
"${moat_cmd[@]}" < "$out/cases.jsonl" > "$out/moat.jsonl" || {
  echo "diff.sh: moat policy eval exited with $?" >&2; }
t2=$(date +%s.%N)
echo "oracle: $(wc -l < "$out/oracle.jsonl") answers in $(awk "BEGIN{printf \"%.2f\", $t1 - $t0}") s; moat: $(wc -l < "$out/moat.jsonl") answers in $(awk "BEGIN{printf \"%.2f\", $t2 - $t1}") s (end to end, incl. start-up)"

node "$here/compare.mjs" "$out/cases.jsonl" "$out/oracle.jsonl" "$out/moat.jsonl"
echo "files: $out/{cases,oracle,moat}.jsonl"
