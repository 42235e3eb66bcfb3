// Package replay evaluates a packet capture the way Suricata (and AWS
// Network Firewall's stateful engine) would, and writes the records.
//
//	st, err := replay.Run(pcapFile, eveOut, replay.Config{Inspector: engine})
//
// It reads libpcap (micro- and nanosecond, both byte orders) and pcapng
// files itself (gopacket's pcapgo needs golang.org/x/net, which moat's
// go.sum does not carry) and decodes frames with gopacket's layers
// (Ethernet, 802.1Q, Linux SLL, BSD loopback, raw IPv4/IPv6, TCP, UDP,
// ICMPv4/v6; GRE-tunnelled packets are decoded to the inner packet). IPv4
// fragments are reassembled (in any order, first copy of overlapping bytes
// wins, at most 1024 incomplete datagrams of up to 64 KiB); IPv6 fragments
// are not.
//
// Flows: 5-tuple flows (ICMP by address pair), client = the sender of the
// SYN, or for sessions picked up mid-stream (the default; Config.NoMidstream
// turns it off) the sender of the first packet, unless it was sent from a
// port below 1024 to one above, or it is an HTTP response. TCP is established after the three-way handshake
// (the handshake's last ACK is not yet "established", as in Suricata), or
// at once for mid-stream sessions; UDP once both sides have spoken.
// Config.AsyncOneSide accepts a SYN and an ACK from the client alone.
//
// Payload rules on TCP see the packet payload and a stream window: the data
// the packet made contiguous preceded by up to 256 bytes of earlier data, so
// patterns split across segments match (see suricata.Packet.Stream).
//
// TCP reassembly: segments are delivered in sequence order, retransmitted
// and overlapping bytes are trimmed (the first copy wins), out-of-order
// segments wait in a bounded queue; when it overflows, or at the end of
// the capture, the gap is skipped and counted (stats.stream_gaps).
//
// Application layer: HTTP/1.x requests and responses (pipelining,
// Content-Length, chunked bodies, bodies until close, headers a server
// never terminated, interim 1xx responses), TLS ClientHello (SNI, version,
// JA3) reassembled across records and segments, the server's first
// certificate (subject, issuer, serial, SHA-1 fingerprint, validity; TLS 1.3
// encrypts it), DNS over UDP and TCP.
// Protocols are detected from the first bytes of each direction. Malformed
// application data is counted per protocol in the stats record, never
// fatal.
//
// Inspection timing differs from Suricata in IDS mode: moat inspects a
// packet's data when the packet arrives (Suricata's inline-mode timing);
// Suricata's IDS mode inspects stream data once the other side ACKs it, so
// pcap_cnt and the flow counters in alerts can differ. The EVE field names
// are Suricata's. Records: alert (with http/tls metadata and flow
// counters), drop, http (one per request/response pair), tls, dns (one per
// message, format version 3), flow (one per flow at the end), stats.
// FormatNetworkFirewall writes what Network Firewall's alert, flow and TLS
// logs hold instead: the envelope firewall_name, availability_zone,
// event_timestamp (epoch seconds as a string) around alert, tls and netflow
// events, one netflow event per direction.
package replay
