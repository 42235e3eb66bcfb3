#!/bin/sh
# Scans one generated corpus with moat and with gitleaks (the peer the issue
# names) and prints MiB/s for each and the ratio. Both tools see the same
# files; gitleaks does not open archives by default, moat does, so the
# uncompressed size is the yardstick for moat and the on-disk size for
# gitleaks (both printed).
#
#   bench/dataid/run.sh            # 1024 MiB corpus in a temp dir
#   MIB=256 WORK=/tmp/b bench/dataid/run.sh
set -eu
cd "$(dirname "$0")/../.."
MIB=${MIB:-1024}
WORK=${WORK:-$(mktemp -d)}
mkdir -p "$WORK"
if [ ! -d "$WORK/corpus" ]; then
	go run ./bench/dataid/gen -out "$WORK/corpus" -mib "$MIB"
fi
go build -o "$WORK/moat" ./cmd/moat
if [ ! -x "$WORK/bin/gitleaks" ]; then
	(cd "$WORK" && GOBIN="$WORK/bin" go install github.com/zricethezav/gitleaks/v8@v8.30.1)
fi
disk=$(du -sb "$WORK/corpus" | cut -f1)
# /usr/bin/time gives wall and CPU seconds: on a shared machine CPU seconds
# are the fairer comparison, so both are printed.
TIME=/usr/bin/time
"$TIME" -f "%e %U %S" -o "$WORK/moat.time" \
	"$WORK/moat" scan "$WORK/corpus" --format jsonl --profile macie >"$WORK/moat.jsonl"
"$TIME" -f "%e %U %S" -o "$WORK/gitleaks.time" \
	"$WORK/bin/gitleaks" dir "$WORK/corpus" --no-banner --exit-code 0 --report-format json \
	--report-path "$WORK/gitleaks.json" >/dev/null 2>&1

awk -v mib="$MIB" -v disk="$disk" -v cpus="$(nproc)" -v nm="$(wc -l <"$WORK/moat.jsonl")" \
	-v m="$(cat "$WORK/moat.time")" -v g="$(cat "$WORK/gitleaks.time")" 'BEGIN {
	split(m, a, " "); split(g, b, " ")
	dmib = disk / 1048576; mc = a[2] + a[3]; gc = b[2] + b[3]
	printf "corpus: %d MiB uncompressed, %.0f MiB on disk, %d CPUs\n", mib, dmib, cpus
	printf "moat scan: %7.1f s wall %7.1f MiB/s | %7.1f CPU s %7.1f MiB per CPU s | %d occurrences\n", a[1], mib / a[1], mc, mib / mc, nm
	printf "gitleaks:  %7.1f s wall %7.1f MiB/s | %7.1f CPU s %7.1f MiB per CPU s (on-disk MiB)\n", b[1], dmib / b[1], gc, dmib / gc
	printf "ratio moat/gitleaks: %.1fx wall, %.1fx CPU\n", (mib / a[1]) / (dmib / b[1]), (mib / mc) / (dmib / gc)
}'
