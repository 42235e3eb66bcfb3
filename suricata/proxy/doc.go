// Package proxy is an enforcing egress proxy: an HTTP forward proxy that
// applies an AWS Network Firewall policy (or plain Suricata rules) to the
// connections of the clients pointed at it, refuses what the policy drops
// and writes Network Firewall's alert and flow logs.
//
//	fw, _ := nfw.LoadPolicyDocument(src)
//	p, _ := proxy.New(proxy.Config{Inspector: fw, AlertLog: a, FlowLog: f})
//	go p.Serve(listener)
//	defer p.Close()
//
// Each upstream connection is one flow, evaluated the way a firewall
// endpoint between the client and the server would see it: the client's
// address and port to the upstream's resolved address and port. Before
// anything is dialed, the proxy runs the policy on the TCP handshake (SYN,
// SYN-ACK, ACK: stateless rules, 5-tuple StatefulRules, IP-only rules,
// aws:drop_strict) and then on the client's first data on the established
// connection, with the application-layer buffers set:
//
//   - CONNECT host:port: the proxy answers 200, reads the client's TLS
//     ClientHello (parsed here: crypto/tls does not expose it before a
//     handshake) and evaluates it as a TLS packet with tls.sni, ja3.hash and
//     ja3.string (JA3 and the TLS version, shown in alerts, are computed
//     as suricata/replay does; a test checks they agree). Refused:
//     the client connection is closed before any upstream dial, so no TLS
//     handshake completes (a reject rule closes with a TCP reset). A drop on
//     the TCP handshake answers the CONNECT with 403 instead. Only the
//     ClientHello is inspected; the rest of the tunnel is encrypted and is
//     relayed as is.
//   - Plain HTTP (absolute-form http:// requests): each request is an HTTP
//     transaction on the flow to its host:port, with http.uri (normalised
//     as Suricata does), http.uri.raw, http.method, http.host (lower case,
//     without port), http.host.raw, http.user_agent, http.header (rebuilt
//     from the parsed request: canonical names, sorted), http.cookie,
//     http.content_type, http.request_line and http.protocol. Refused (drop
//     or reject): a 403 whose body names the rule's action, sid and msg; the
//     request never
//     reaches the upstream. Responses are relayed without inspection;
//     Expect: 100-continue is answered by the proxy once the request is
//     allowed, interim responses are relayed, upgrades are not offered.
//
// A pass rule passes the rest of its flow, as in Suricata and Network
// Firewall: further requests on a kept-alive upstream connection that a
// pass rule passed are not inspected again (the proxy opens a new flow when
// a client's next request goes to another host:port).
//
// Decisions are the Inspector's: with an *nfw.Firewall that is Network
// Firewall's order (stateless groups, then the stateful groups in
// DEFAULT_ACTION_ORDER or STRICT_ORDER with the stateful default actions),
// domain lists as nfw renders them (a leading dot matches the domain and
// its subdomains), drop and reject blocking. Rules from $HOME_NET match
// only clients inside HOME_NET: give the policy a HOME_NET that holds the
// clients' addresses (Network Firewall's default is the VPC CIDR).
//
// Logs: alert records (one per alert the engine raises, action blocked or
// allowed, with tls.sni or http hostname/url) and netflow records (one per
// direction that carried data when the flow ends), in Network Firewall's
// envelope (firewall_name, availability_zone, event_timestamp, event).
// The proxy relays a byte stream, not IP packets: netflow pkts counts relayed
// data segments, and min_ttl/max_ttl are left out. The record types
// repeat suricata/replay's field names (replay keeps its own unexported).
//
// Bad input (a malformed or non-HTTP request, a head over MaxHeaderBytes,
// non-TLS bytes or a malformed ClientHello in a CONNECT tunnel, a
// ClientHello whose SNI is not the CONNECT host, an upstream that does not
// resolve, accept or answer) gets one log line and a closed connection
// (with 400, 431, 502 or 504 where HTTP can still answer). Every wait has a
// deadline; Close closes every connection and waits for their goroutines.
//
// Deviations from Network Firewall: a dropped packet there is silently
// discarded (the client times out); the proxy closes at once or answers
// 403, which is what an egress proxy's clients need. The SNI/CONNECT-host
// check has no Network Firewall counterpart (Config.AllowSNIMismatch turns
// it off). Inspection holds one lock (thresholds and xbits are shared
// across flows): a decision costs microseconds, see the benchmarks. Not
// done: HTTP/2 and HTTP/3 (QUIC), TLS inspection (decryption), rules on
// responses or bodies, server certificates (the proxy does not read the
// server's side of the handshake), CONNECT tunnels carrying plain HTTP.
package proxy
