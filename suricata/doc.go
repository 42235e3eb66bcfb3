// Package suricata parses and matches Suricata-compatible rules: the rule
// language of AWS Network Firewall's stateful engine.
//
//	rs := suricata.Parse(src, &suricata.Config{NetworkFirewall: true}) // rs.Rules, rs.Errors (*Error: line, column, keyword, refuser)
//	eng, err := suricata.Compile(rs.Rules, suricata.Options{IPS: true})
//	v := eng.Inspect(pkt, flowState, thresholds, scratch)             // v.Alerts, v.Pass, v.Drop
//
// Parse never drops a rule silently: each rule either loads or yields an
// *Error naming its line and column, the keyword (or header field) at
// fault, and who refuses it: Suricata itself (invalid rule), AWS Network
// Firewall (valid Suricata that ANF's limitations page excludes, with
// Config.NetworkFirewall), or moat (valid, not implemented). Lint counts the
// parsed share of a file and the refusing keywords.
//
// Compile sorts the rules into evaluation order and builds one Aho-Corasick
// automaton per buffer over each rule's fast pattern (the content marked
// fast_pattern, else the longest positive content); Inspect runs the
// automata over the packet payload and the sticky buffers present, and
// verifies only the candidate rules plus the rules without a fast pattern.
// The Engine is immutable and safe for concurrent use; Scratch (per
// goroutine), FlowState (per flow) and Thresholds (per packet stream) hold
// the mutable state. Inspect does not allocate.
//
// # What is implemented
//
// Header: actions alert, pass, drop, reject (rejectsrc/rejectdst/rejectboth
// parse as reject); protocols ip, tcp, udp, icmp and the application
// protocols http, tls and dns, plus smtp, smb and ssh (detected, not
// parsed: only payload checks apply); other application protocols are
// refused as unsupported; addresses and ports with any, CIDRs, dotted
// netmasks, $VARIABLES (Suricata's default suricata.yaml values unless
// overridden), lists, nested lists, ranges
// (a:b, :b, a:) and negation; directions -> and <>.
//
// Options: msg, sid, rev, gid, classtype (built-in classification.config or
// ParseClassification), priority, metadata, reference, target; flow
// (to_server/from_client, to_client/from_server, established,
// not_established, stateless, only_stream (packets that carry reassembled
// TCP data), no_stream (the packet payload only)); content with nocase,
// depth, offset, distance (negative too), within, startswith, endswith,
// fast_pattern, negation and |hex| bytes; uricontent; pcre (see below);
// bsize, dsize, isdataat, urilen; itype; ip_proto; byte_test and byte_jump
// (binary or string numbers, relative, bitmask, multiplier, align,
// from_beginning/from_end, post_offset; not byte_extract variables or dce);
// stream_size (the sequence span each side has sent, the SYN counting one); sticky buffers http.uri,
// http.uri.raw, http.method, http.header, http.header.raw, http.user_agent,
// http.host, http.host.raw, http.cookie, http.request_body,
// http.response_body (file.data/file_data as HTTP response bodies only),
// http.stat_code, http.stat_msg, http.content_type, http.content_len,
// http.request_line, http.response_line, http.protocol, http.header_names,
// http.referer, http.accept, http.accept_enc, http.accept_lang,
// http.connection, http.start, http.server, http.location, tls.sni,
// tls.cert_subject, tls.cert_issuer, tls.cert_serial, tls.cert_fingerprint
// (first certificate of a TLS 1.2 handshake), tls.certs (each certificate's
// DER), ja3.hash, ja3.string,
// dns.query; the legacy content modifiers
// (http_uri, http_raw_uri, http_method, http_header, http_raw_header,
// http_user_agent, http_host, http_raw_host, http_cookie, http_client_body,
// http_server_body, http_stat_code, http_stat_msg) and the legacy sticky
// keywords dns_query, tls_sni, tls_cert_subject, tls_cert_issuer,
// tls_cert_serial, tls_cert_fingerprint, ja3_hash, ja3_string; transforms dotprefix,
// to_lowercase, to_uppercase, strip_whitespace, compress_whitespace,
// url_decode; flowbits set, isset, isnotset, unset, toggle, noalert (a|b OR,
// a&b AND); xbits (track ip_src, ip_dst or ip_pair, expire; kept in
// Thresholds across flows); threshold (limit, threshold, both, backoff; by_src, by_dst,
// by_rule, by_both, by_flow) and detection_filter (refused in Network
// Firewall mode, as AWS does).
//
// Load-time checks Suricata makes: an upper-case pattern on http.host is
// refused with Suricata's message; "set and isset" or "unset and isnotset"
// of one flowbit in one rule is refused with Suricata 9's message; content
// modifiers must follow a content; relative and absolute modifiers do not
// mix; a rule cannot inspect buffers of two application protocols.
//
// Matching: contents in one buffer are matched in order; distance/within
// are relative to the end of the previous match (within counted after the
// distance, as Suricata does) and a failed relative match backtracks to the
// next occurrence of the earlier content (bounded work per rule). Negated
// contents and pcre do not move the relative position. A rule that
// inspects application buffers fires once per transaction; a payload-only
// rule once per packet; a rule with no payload, flow, port or threshold
// condition ("IP-only") on the first packet of each flow direction.
// Evaluation order is Suricata's: action order (pass, drop, reject, alert,
// or Options.ActionOrder), then flowbits setters before readers, then
// priority. A pass stops inspection of the packet; a pass on the flow (an
// application-layer rule or a rule without payload checks, not
// flow:not_established, not after a drop) passes the rest of the flow. In
// IPS mode a drop by an application-layer or IP-only rule drops the flow.
// Options.StrictOrder is Network Firewall's STRICT_ORDER: rules in the
// order given, the first pass/drop/reject decides.
//
// PCRE: Suricata's /R, /U, /I, /P, /Q, /H, /D, /M, /C, /S, /Y, /V, /W, /Z
// and /O, /B, /A, /E, /G modifiers; i, s, m and x. The expression is
// translated to Go's regexp (RE2) where the semantics are the same, and a
// rule that needs what RE2 lacks is refused with "unsupported PCRE feature"
// and the construct: lookaround, atomic groups, backreferences,
// conditionals, recursion, \G, \K, possessive quantifiers, and \x escapes
// above 0x7f (Go matches UTF-8 runes, PCRE bytes). \Z and \h are rewritten.
//
// HTTP URI normalisation (NormalizeURI) follows libhtp's defaults: the path
// of an absolute-form target, percent-decoding except %2F and %00, and
// removal of "./" and "../" segments.
//
// # Why hand-written
//
// The Go Suricata parsers (github.com/google/gonids) are not reachable
// through the project's module proxy, there is no Suricata package in the
// build image's Debian release, and neither would give an embeddable
// matcher; the rule language subset is small enough to own, and owning it
// lets every error carry a position and a refuser. The Aho-Corasick
// automaton is moat's own for the same reason (no such module in go.mod).
//
// Sub-packages: replay reads pcap/pcapng captures, reassembles TCP, parses
// HTTP/1.x, TLS ClientHellos and DNS and writes EVE JSON or Network
// Firewall log records; nfw models Network Firewall policies (stateless
// rules, domain lists, 5-tuple rules, rule order, default actions);
// pcapgen writes synthetic captures for tests and benchmarks.
package suricata
