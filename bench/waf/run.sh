#!/usr/bin/env bash
# moat's WAF engine vs Coraza + OWASP CRS on the same labelled corpus.
#
#   bench/waf/run.sh [N] [ROUNDS]
#
# 1. writes N requests (default 1000) of the labelled corpus generator in
#    waf/corpus_test.go as `moat waf test` JSON Lines;
# 2. runs `moat waf test` with waf/testdata/detection-acl.json over the corpus
#    ROUNDS times (default 5) and measures the process's CPU time (JSON
#    reading and writing included);
# 3. builds bench/waf/testdata/coraza in a temporary module that requires
#    Coraza v3.8.1 and coraza-coreruleset v4.25.0 from the Go module proxy
#    (moat's go.mod does not), runs CRS at paranoia level 1 in-process;
# 4. prints requests per CPU-second, the ratio, and each one's detection and
#    false-positive rate on the corpus.
#
# moat runs its own detection ACL (custom rules in AWS's statement language),
# not AWS's managed rule groups, which moat does not define yet.
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

/usr/bin/time -f '%U %S' -o "$work/moat.time" \
  "$work/moat" waf test --web-acl waf/testdata/detection-acl.json < "$work/rounds.jsonl" > "$work/moat.out"
moat_cpu="$(awk '{print $1 + $2}' "$work/moat.time")"
moat_n="$(wc -l < "$work/rounds.jsonl")"
head -n "$N" "$work/moat.out" > "$work/moat.first"
moat_stats="$(awk -F'"' '{ fam=$4; blocked=($8=="BLOCK");
  if (fam ~ /^benign/) { b++; fp+=blocked } else { a++; c+=blocked } }
  END { printf "attacks_blocked=%d/%d benign_blocked=%d/%d", c, a, fp, b }' "$work/moat.first")"
moat_rate="$(awk -v n="$moat_n" -v s="$moat_cpu" 'BEGIN { if (s < 0.01) s = 0.01; printf "%.0f", n / s }')"
echo "moat-detection-acl requests=$moat_n cpu_s=$moat_cpu req_per_cpu_s=$moat_rate $moat_stats"

mkdir -p "$work/coraza"
cp "$here/testdata/coraza/main.go" "$work/coraza/"
(
  cd "$work/coraza"
  go mod init moat.bench/coraza >/dev/null 2>&1
  go get github.com/corazawaf/coraza/v3@v3.8.1 github.com/corazawaf/coraza-coreruleset/v4@v4.25.0 >/dev/null 2>&1
  go build -o "$work/coraza-bench" .
)
coraza_line="$("$work/coraza-bench" -pl 1 -rounds "$ROUNDS" < "$work/corpus.jsonl")"
echo "$coraza_line"
coraza_rate="$(sed -n 's/.*req_per_cpu_s=\([0-9]*\).*/\1/p' <<< "$coraza_line")"
awk -v m="$moat_rate" -v c="$coraza_rate" 'BEGIN { printf "ratio moat/coraza = %.1fx\n", m / c }'
