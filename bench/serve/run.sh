#!/usr/bin/env bash
# End-to-end throughput of moat serve beside a bare net/http handler, in one
# run on this machine. Arguments go to the Go program (-clients, -duration,
# -sync-normal).
set -euo pipefail
cd "$(dirname "$0")/../.."
exec go run ./bench/serve "$@"
