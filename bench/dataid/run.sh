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
now() { date +%s.%N; }

t0=$(now)
"$WORK/moat" scan "$WORK/corpus" --format jsonl --profile macie >"$WORK/moat.jsonl"
t1=$(now)
"$WORK/bin/gitleaks" dir "$WORK/corpus" --no-banner --exit-code 0 --report-format json --report-path "$WORK/gitleaks.json" >/dev/null 2>&1
t2=$(now)

awk -v mib="$MIB" -v disk="$disk" -v t0="$t0" -v t1="$t1" -v t2="$t2" \
	-v nm="$(wc -l <"$WORK/moat.jsonl")" 'BEGIN {
	dm = t1 - t0; dg = t2 - t1; dmib = disk / 1048576
	printf "corpus: %d MiB uncompressed, %.0f MiB on disk, %d CPUs\n", mib, dmib, '"$(nproc)"'
	printf "moat scan:  %6.1f s  %7.1f MiB/s (uncompressed)  %d occurrences\n", dm, mib / dm, nm
	printf "gitleaks:   %6.1f s  %7.1f MiB/s (on disk)\n", dg, dmib / dg
	printf "ratio (moat/gitleaks, MiB/s): %.1fx\n", (mib / dm) / (dmib / dg)
}'
