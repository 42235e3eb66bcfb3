#!/bin/sh
# Benchmarks moat's enforcing egress proxy (moat nfw proxy, package
# suricata/proxy) with a policy holding a 1,000-entry domain allow list,
# in STRICT_ORDER with aws:drop_established, plus three Suricata rules:
#
#   - ClientHello: reading and parsing a Go client's ClientHello (SNI, JA3);
#   - decision: the policy evaluation of one TLS connection alone (TCP
#     handshake + ClientHello with its SNI);
#   - connections/s through the proxy and directly to the same loopback
#     server, one new connection per request (HTTPS: CONNECT + TLS
#     handshake + GET; HTTP: GET), and the latency the proxy adds per
#     connection (proxied ns/op - direct ns/op);
#   - refused TLS connections/s (the SNI is not on the list).
#
#   bench/nfw-proxy/run.sh              # 3 s per benchmark
#   BENCHTIME=10s COUNT=3 bench/nfw-proxy/run.sh
#
# Everything runs on loopback (servers on 127.0.0.2). Client, proxy and
# server share the machine's cores, so the figures are a floor; on a busy
# machine run with COUNT=3 and read the best.
set -eu
cd "$(dirname "$0")/../.."
BENCHTIME=${BENCHTIME:-3s}
COUNT=${COUNT:-1}
out=$(go test -run XXX -bench 'Decision|ReadClientHello|TLS|HTTP' -benchtime "$BENCHTIME" -count "$COUNT" ./suricata/proxy)
echo "$out" | grep -E '^(cpu|Benchmark)'
echo "$out" | awk '
/^BenchmarkDecision/          { if (!dec || $3 < dec) dec = $3 }
/^BenchmarkReadClientHello/   { if (!ch || $3 < ch) ch = $3 }
/^BenchmarkTLS\/direct/       { if (!td || $3 < td) td = $3 }
/^BenchmarkTLS\/proxy/        { if (!tp || $3 < tp) tp = $3 }
/^BenchmarkHTTP\/direct/      { if (!hd || $3 < hd) hd = $3 }
/^BenchmarkHTTP\/proxy/       { if (!hp || $3 < hp) hp = $3 }
/^BenchmarkTLSRefused/        { if (!tr || $3 < tr) tr = $3 }
END {
	printf "\nClientHello parse (SNI, JA3): %.1f us; policy decision per TLS connection (1,000 domains): %.1f us\n", ch / 1000, dec / 1000
	printf "HTTPS: %6.0f conns/s direct, %6.0f conns/s through the proxy, +%.0f us per connection\n", 1e9 / td, 1e9 / tp, (tp - td) / 1000
	printf "HTTP:  %6.0f conns/s direct, %6.0f conns/s through the proxy, +%.0f us per connection\n", 1e9 / hd, 1e9 / hp, (hp - hd) / 1000
	printf "refused TLS (SNI not listed): %6.0f conns/s\n", 1e9 / tr
}'
