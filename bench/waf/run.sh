#!/usr/bin/env bash
# moat's WAF engine vs Coraza + OWASP CRS on the same labelled corpus.
#
#   bench/waf/run.sh [N] [ROUNDS]
#
# 1. writes N requests (default 1000) of the labelled corpus generator in
#    waf/corpus_test.go as `moat waf test` JSON Lines;
# 2. runs `moat waf test` over the corpus ROUNDS times (default 5) with two
#    web ACLs and measures the process's CPU time (JSON reading and writing
#    included): waf/testdata/managed-acl.json (moat's Common, KnownBadInputs,
#    SQLi and Linux managed groups, the issue's configuration),
#    waf/testdata/managed-unix-acl.json (the same plus the Unix group, where
#    AWS puts shell-command injection) and waf/testdata/detection-acl.json
#    (custom rules, one per attack family);
# 3. builds bench/waf/testdata/coraza in a temporary module that requires
#    Coraza v3.8.1 and coraza-coreruleset v4.25.0 from the Go module proxy
#    (moat's go.mod does not), runs CRS at paranoia level 1 in-process;
# 4. prints requests per CPU-second, the ratio, and each one's detection and
#    false-positive rate on the corpus.
#
# moat's managed groups are its own definitions written from AWS's
# descriptions (AWS's patterns are private), so the detection figures are
# moat's, not AWS's.
#
# Environment: CORAZA_BENCH=path reuses a coraza-bench binary built before.
set -euo pipefail

N="${1:-1000}"
ROUNDS="${2:-5}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$repo"
go build -o "$work/moat" ./cmd/moat
go test ./waf -run '^TestWriteCorpus$' -count=1 -args -waf.corpus="$work/corpus.jsonl" -waf.corpus-n="$N" >/dev/null
for _ in $(seq "$ROUNDS"); do cat "$work/corpus.jsonl"; done > "$work/rounds.jsonl"

run_moat() { # name acl
  /usr/bin/time -f '%U %S' -o "$work/moat.time" \
    "$work/moat" waf test --web-acl "$2" < "$work/rounds.jsonl" > "$work/moat.out"
  local cpu n stats rate
  cpu="$(awk '{print $1 + $2}' "$work/moat.time")"
  n="$(wc -l < "$work/rounds.jsonl")"
  head -n "$N" "$work/moat.out" > "$work/moat.first"
  stats="$(awk -F'"' '{ fam=$4; blocked=($8=="BLOCK");
    if (fam ~ /^benign/) { b++; fp+=blocked } else { a++; c+=blocked } }
    END { printf "attacks_blocked=%d/%d benign_blocked=%d/%d", c, a, fp, b }' "$work/moat.first")"
  rate="$(awk -v n="$n" -v s="$cpu" 'BEGIN { if (s < 0.01) s = 0.01; printf "%.0f", n / s }')"
  echo "$1 requests=$n cpu_s=$cpu req_per_cpu_s=$rate $stats"
  moat_rate="$rate"
}
run_moat moat-detection-acl waf/testdata/detection-acl.json
run_moat moat-managed-unix-acl waf/testdata/managed-unix-acl.json # the issue's four groups plus Unix (shell commands)
run_moat moat-managed-acl waf/testdata/managed-acl.json # the issue's configuration: its rate is the ratio's

coraza_bench="${CORAZA_BENCH:-}" # a coraza-bench binary built before, to skip the build
if [ -z "$coraza_bench" ]; then
  mkdir -p "$work/coraza"
  cp "$here/testdata/coraza/main.go" "$work/coraza/"
  (
    cd "$work/coraza"
    go mod init moat.bench/coraza >/dev/null 2>&1
    go get github.com/corazawaf/coraza/v3@v3.8.1 github.com/corazawaf/coraza-coreruleset/v4@v4.25.0 >/dev/null 2>&1
    go build -o "$work/coraza-bench" .
  )
  coraza_bench="$work/coraza-bench"
fi
coraza_line="$("$coraza_bench" -pl 1 -rounds "$ROUNDS" < "$work/corpus.jsonl")"
echo "$coraza_line"
coraza_rate="$(sed -n 's/.*req_per_cpu_s=\([0-9]*\).*/\1/p' <<< "$coraza_line")"
awk -v m="$moat_rate" -v c="$coraza_rate" 'BEGIN { printf "ratio moat/coraza = %.1fx\n", m / c }'
