package replay

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"

	"github.com/moatdev/moat/suricata"
)

// Inspector decides on packets: a *suricata.Engine, or a Network Firewall
// policy built on one.
type Inspector interface {
	Inspect(p *suricata.Packet, fs *suricata.FlowState, th *suricata.Thresholds, sc *suricata.Scratch) *suricata.Verdict
	NewScratch() *suricata.Scratch
}

// Format selects the output records.
type Format int

// Output formats.
const (
	// FormatEVE writes Suricata EVE JSON lines (alert, http, tls, dns, drop,
	// flow, stats).
	FormatEVE Format = iota
	// FormatNetworkFirewall writes AWS Network Firewall log records: the
	// envelope {firewall_name, availability_zone, event_timestamp, event}
	// around EVE alert, tls and netflow events (one netflow per direction).
	FormatNetworkFirewall
)

// Config controls a replay.
type Config struct {
	Inspector Inspector
	// NoMidstream turns off pickup of TCP sessions whose handshake is not
	// in the capture (on by default, as real captures often start mid-session).
	NoMidstream bool
	// AsyncOneSide treats a TCP session as established after the client's
	// SYN and ACK when the server side is not in the capture (Suricata's
	// stream.async-oneside).
	AsyncOneSide bool
	Format       Format
	// FirewallName and AvailabilityZone fill the Network Firewall envelope.
	FirewallName, AvailabilityZone string
}

// Stats counts what the replay saw, including what it could not parse.
type Stats struct {
	Packets          uint64            `json:"packets"`
	Bytes            uint64            `json:"bytes"`
	Decoded          uint64            `json:"decoded"`
	Invalid          uint64            `json:"invalid"`
	Fragments        uint64            `json:"fragments"`
	Reassembled      uint64            `json:"fragments_reassembled"`
	FragmentsDropped uint64            `json:"fragments_dropped"`
	NonIP            uint64            `json:"non_ip"`
	Flows            uint64            `json:"flows"`
	Alerts           uint64            `json:"alerts"`
	Drops            uint64            `json:"drops"`
	StreamGaps       uint64            `json:"stream_gaps"`
	Overlaps         uint64            `json:"stream_overlaps"`
	ParseErrors      map[string]uint64 `json:"app_layer_parse_errors"`
	AppFlows         map[string]uint64 `json:"app_layer_flows"`
	Truncated        bool              `json:"truncated"`
}

// TruncatedError reports a capture file that ended in the middle of a
// record; everything before it was processed and written.
type TruncatedError struct {
	Packets uint64
	Err     error
}

func (e *TruncatedError) Error() string {
	return fmt.Sprintf("capture truncated after packet %d: %v", e.Packets, e.Err)
}

func (e *TruncatedError) Unwrap() error { return e.Err }

// Run replays a pcap or pcapng capture through the inspector and writes
// records to w. A malformed capture header is an error; a capture that ends
// mid-record returns a *TruncatedError after writing everything before it.
func Run(r io.Reader, w io.Writer, cfg Config) (*Stats, error) {
	if cfg.Inspector == nil {
		return nil, errors.New("replay: no inspector")
	}
	br := bufio.NewReaderSize(r, 1<<20)
	src, err := openCapture(br)
	if err != nil {
		return nil, err
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	rp := newReplayer(cfg, src.linkType(), bw)
	var runErr error
	for {
		data, ts, err := src.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			rp.stats.Truncated = true
			runErr = &TruncatedError{Packets: rp.stats.Packets, Err: err}
			break
		}
		rp.packet(data, ts.UnixNano())
	}
	rp.finish()
	if err := bw.Flush(); err != nil {
		return rp.stats, err
	}
	if rp.werr != nil {
		return rp.stats, rp.werr
	}
	return rp.stats, runErr
}

type replayer struct {
	cfg     Config
	insp    Inspector
	sc      *suricata.Scratch
	th      *suricata.Thresholds
	flows   map[flowKey]*flow
	order   []*flow
	stats   *Stats
	enc     *json.Encoder
	werr    error
	pcnt    uint64
	now     int64 // nanoseconds
	first   layers.LinkType
	parser  *gopacket.DecodingLayerParser
	parser6 *gopacket.DecodingLayerParser // raw-IP captures carrying IPv6
	frags   map[fragKey]*fragBuf
	dec     decoded
	pkt     suricata.Packet
	segs    [][]byte
	hev     []httpEvent

	pktEstablished bool // false for the packet that completes the handshake
	stream         []byte
	prevTail       []byte

	keepReqBody, keepRespBody bool
}

type decoded struct {
	eth   layers.Ethernet
	dot1q layers.Dot1Q
	sll   layers.LinuxSLL
	loop  layers.Loopback
	ip4   layers.IPv4
	ip6   layers.IPv6
	tcp   layers.TCP
	udp   layers.UDP
	icmp4 layers.ICMPv4
	icmp6 layers.ICMPv6
	gre   layers.GRE
	pl    gopacket.Payload
	types []gopacket.LayerType
}

func newReplayer(cfg Config, lt layers.LinkType, w io.Writer) *replayer {
	rp := &replayer{cfg: cfg, insp: cfg.Inspector, sc: cfg.Inspector.NewScratch(), th: suricata.NewThresholds(),
		flows: map[flowKey]*flow{}, stats: &Stats{ParseErrors: map[string]uint64{}, AppFlows: map[string]uint64{}}, enc: json.NewEncoder(w)}
	rp.enc.SetEscapeHTML(false)
	rp.keepReqBody, rp.keepRespBody = true, true
	if u, ok := cfg.Inspector.(interface{ UsesBuffer(suricata.Buffer) bool }); ok {
		rp.keepReqBody, rp.keepRespBody = u.UsesBuffer(suricata.BufHTTPRequestBody), u.UsesBuffer(suricata.BufHTTPResponseBody)
	}
	d := &rp.dec
	var first gopacket.LayerType
	switch lt {
	case layers.LinkTypeEthernet:
		first = layers.LayerTypeEthernet
	case layers.LinkTypeLinuxSLL:
		first = layers.LayerTypeLinuxSLL
	case layers.LinkTypeNull, layers.LinkTypeLoop:
		first = layers.LayerTypeLoopback
	case layers.LinkTypeIPv4:
		first = layers.LayerTypeIPv4
	case layers.LinkTypeIPv6:
		first = layers.LayerTypeIPv6
	default: // raw IP (12, 14, 101): decided per packet
		first = gopacket.LayerTypeZero
	}
	rp.first = lt
	if first == gopacket.LayerTypeZero {
		first = layers.LayerTypeIPv4
	}
	rp.parser = gopacket.NewDecodingLayerParser(first, &d.eth, &d.dot1q, &d.sll, &d.loop, &d.ip4, &d.ip6, &d.tcp, &d.udp, &d.icmp4, &d.icmp6, &d.gre, &d.pl)
	rp.parser.IgnoreUnsupported = true
	rp.parser6 = newIPv6Parser(d)
	rp.frags = map[fragKey]*fragBuf{}
	return rp
}

func (rp *replayer) emit(rec *eveRecord) {
	if rp.werr != nil {
		return
	}
	var err error
	if rp.cfg.Format == FormatNetworkFirewall {
		err = rp.enc.Encode(awsRecord{FirewallName: rp.cfg.FirewallName, AvailabilityZone: rp.cfg.AvailabilityZone,
			EventTimestamp: strconv.FormatInt(rp.now/1e9, 10), Event: rec})
	} else {
		err = rp.enc.Encode(rec)
	}
	if err != nil {
		rp.werr = err
	}
}

func (rp *replayer) packet(data []byte, ts int64) {
	rp.pcnt++
	rp.now = ts
	if rp.pcnt%sweepEvery == 0 {
		rp.sweep()
	}
	st := rp.stats
	st.Packets++
	st.Bytes += uint64(len(data))
	pi, ok := rp.decode(data)
	if !ok {
		return
	}
	src, dst, proto, sp, dp, payload, ttl, isTCP, icmpType := pi.src, pi.dst, pi.proto, pi.sp, pi.dp, pi.payload, pi.ttl, pi.isTCP, pi.icmpType
	d := &rp.dec
	st.Decoded++
	s, t := netip.AddrPortFrom(src.Unmap(), sp), netip.AddrPortFrom(dst.Unmap(), dp)
	f, isNew := rp.lookup(proto, s, t, ts)
	dir := f.dir(s)
	first := !f.seen[dir]
	f.seen[dir] = true
	f.pkts[dir]++
	f.bytes[dir] += uint64(len(data))
	f.end = ts
	if f.pkts[dir] == 1 || ttl < f.minTTL[dir] {
		f.minTTL[dir] = ttl
	}
	if ttl > f.maxTTL[dir] {
		f.maxTTL[dir] = ttl
	}
	p := &rp.pkt
	rp.pktEstablished = true
	p.Have, p.TxID, p.TCPFlags, p.StreamPrev, p.StreamData, p.StreamBytes = 0, 0, 0, nil, nil, [2]uint64{}
	p.Proto, p.Src, p.Dst, p.SrcPort, p.DstPort = proto, s.Addr(), t.Addr(), sp, dp
	p.ICMPType, p.Payload, p.ToServer, p.FirstInDir = icmpType, payload, dir == 0, first
	p.Time, p.FlowKey, p.Num = float64(ts)/1e9, f.id, rp.pcnt
	if isTCP {
		dir = rp.tcpPacket(f, dir, isNew)
	} else if dir == 1 || f.seen[0] && f.seen[1] {
		f.established = f.seen[0] && f.seen[1]
	}
	p.Established = f.established && rp.pktEstablished
	p.App = f.app
	if f.app == suricata.AppUnknown && proto == 17 && (sp == 53 || dp == 53) {
		if _, err := parseDNS(payload); err == nil {
			f.app = suricata.AppDNS
			rp.stats.AppFlows["dns"]++
		}
	}
	p.App = f.app
	inspected := false
	switch {
	case isTCP && !f.ignored:
		inspected = rp.tcpApp(f, dir, d.tcp.Seq, payload)
	case proto == 17 && f.app == suricata.AppDNS:
		inspected = rp.dnsMessage(f, dir, payload)
	}
	if !inspected {
		rp.inspect(f)
	}
}

func (rp *replayer) lookup(proto uint8, s, d netip.AddrPort, ts int64) (*flow, bool) {
	if proto != 6 && proto != 17 {
		s, d = netip.AddrPortFrom(s.Addr(), 0), netip.AddrPortFrom(d.Addr(), 0)
	}
	k := makeKey(proto, s, d)
	if f, ok := rp.flows[k]; ok {
		return f, false
	}
	f := &flow{key: k, proto: proto, cli: s, srv: d, start: ts, end: ts}
	f.id = flowID(k, ts)
	rp.flows[k] = f
	rp.order = append(rp.order, f)
	rp.stats.Flows++
	return f, true
}

// tcpPacket updates the handshake state; it may swap client and server and
// returns the packet's direction.
func (rp *replayer) tcpPacket(f *flow, dir int, isNew bool) int {
	t := &rp.dec.tcp
	var fl uint8
	if t.FIN {
		fl |= 0x01
	}
	if t.SYN {
		fl |= 0x02
	}
	if t.RST {
		fl |= 0x04
	}
	if t.PSH {
		fl |= 0x08
	}
	if t.ACK {
		fl |= 0x10
	}
	if t.URG {
		fl |= 0x20
	}
	if t.ECE {
		fl |= 0x40
	}
	if t.CWR {
		fl |= 0x80
	}
	if isNew {
		switch {
		case t.SYN && !t.ACK:
		case t.SYN && t.ACK:
			// SYN/ACK first: its receiver is the client.
			f.swap()
			dir = 1
		default:
			if rp.cfg.NoMidstream {
				f.ignored = true
			} else {
				f.midstream, f.established = true, true
				if t.SrcPort < 1024 && t.DstPort >= 1024 {
					f.swap()
					dir = 1
				}
			}
		}
		p := &rp.pkt
		p.ToServer = dir == 0
	}
	f.flags[dir] |= fl
	rp.pkt.TCPFlags = fl
	switch {
	case t.SYN && !t.ACK && dir == 0:
		f.synSeen = true
	case t.SYN && t.ACK && dir == 1:
		f.synAckSeen = true
	case t.ACK && !t.SYN && dir == 0 && f.synSeen && f.synAckSeen && !f.established:
		// The ACK completing the handshake is not itself "established"
		// (Suricata's flow:established starts with the next packet).
		f.established = true
		rp.pktEstablished = false
		return dir
	case t.ACK && !t.SYN && dir == 0 && f.synSeen && rp.cfg.AsyncOneSide && !f.seen[1]:
		f.established = true
	}
	if t.FIN {
		f.finSeen[dir] = true
	}
	if t.RST {
		f.rstSeen = true
	}
	return dir
}

func (f *flow) swap() {
	f.cli, f.srv = f.srv, f.cli
	f.pkts[0], f.pkts[1] = f.pkts[1], f.pkts[0]
	f.bytes[0], f.bytes[1] = f.bytes[1], f.bytes[0]
	f.seen[0], f.seen[1] = f.seen[1], f.seen[0]
	f.minTTL[0], f.minTTL[1] = f.minTTL[1], f.minTTL[0]
	f.maxTTL[0], f.maxTTL[1] = f.maxTTL[1], f.maxTTL[0]
}

// tcpApp reassembles the segment and feeds the application parser; it
// reports whether it already inspected the packet.
func (rp *replayer) tcpApp(f *flow, dir int, seq uint32, payload []byte) bool {
	t := &rp.dec.tcp
	if f.midstream && f.app == suricata.AppUnknown && !f.appTried[0] && !f.appTried[1] && dir == 0 && len(payload) >= 5 && string(payload[:5]) == "HTTP/" {
		// Picked up midstream with a response first: the sender is the server.
		f.swap()
		f.streams[0], f.streams[1] = f.streams[1], f.streams[0]
		f.flags[0], f.flags[1] = f.flags[1], f.flags[0]
		dir = 1
		rp.pkt.ToServer = false
	}
	if f.streams[dir] == nil {
		f.streams[dir] = &stream{}
	}
	s := f.streams[dir]
	if t.SYN {
		s.init, s.next, s.sent = true, seq+1, 1
		rp.setStreamBytes(f)
		return false
	}
	gaps, ovl := s.gaps, s.overlap
	rp.segs = s.add(seq, payload, rp.segs[:0])
	rp.stats.StreamGaps += uint64(s.gaps - gaps)
	rp.stats.Overlaps += uint64(s.overlap - ovl)
	rp.streamWindow(f, dir, s.gaps != gaps)
	rp.setStreamBytes(f)
	inspected := false
	for _, seg := range rp.segs {
		if rp.appData(f, dir, seg) {
			inspected = true
		}
	}
	if (t.FIN || t.RST) && f.http != nil && dir == 1 {
		if rp.httpEvents(f, dir, f.http.close()) {
			inspected = true
		}
	}
	return inspected
}

func (rp *replayer) setStreamBytes(f *flow) {
	for i, s := range f.streams {
		if s != nil {
			rp.pkt.StreamBytes[i] = s.sent
		}
	}
}

// streamTail is how much earlier stream data precedes the new data in
// Packet.Stream: payload patterns split across segments are found when they
// fit in this window.
const streamTail = 256

// streamWindow sets Packet.StreamData to the data this packet made
// contiguous and StreamPrev to the earlier tail, and keeps the new tail.
func (rp *replayer) streamWindow(f *flow, dir int, gap bool) {
	p := &rp.pkt
	p.StreamPrev, p.StreamData = nil, nil
	if len(rp.segs) == 0 {
		return
	}
	if gap {
		f.tail[dir] = f.tail[dir][:0] // data after a gap does not continue the tail
	}
	data := rp.segs[0]
	if len(rp.segs) > 1 {
		rp.stream = rp.stream[:0]
		for _, seg := range rp.segs {
			rp.stream = append(rp.stream, seg...)
		}
		data = rp.stream
	}
	rp.prevTail = append(rp.prevTail[:0], f.tail[dir]...)
	p.StreamPrev, p.StreamData = rp.prevTail, data
	if len(data) >= streamTail {
		f.tail[dir] = append(f.tail[dir][:0], data[len(data)-streamTail:]...)
		return
	}
	keep := max(0, len(f.tail[dir])+len(data)-streamTail)
	f.tail[dir] = append(f.tail[dir][:copy(f.tail[dir], f.tail[dir][keep:])], data...)
}

func (rp *replayer) appData(f *flow, dir int, data []byte) bool {
	if f.app == suricata.AppUnknown && !f.appTried[dir] && len(data) > 0 {
		f.appTried[dir] = true
		f.app = detectApp(data, dir == 0, f.srv.Port())
		if f.app != suricata.AppUnknown {
			rp.stats.AppFlows[f.app.String()]++
		}
		if f.app == suricata.AppUnknown && f.appTried[0] && f.appTried[1] {
			f.app = suricata.AppFailed
		}
		rp.pkt.App = f.app
	}
	switch f.app {
	case suricata.AppHTTP:
		return rp.httpData(f, dir, data)
	case suricata.AppTLS:
		if f.tls == nil {
			f.tls = &tlsState{}
		}
		if dir != 0 {
			done, err := f.tls.server.feed(data)
			if err != nil {
				rp.stats.ParseErrors["tls"]++
			}
			if done {
				rp.tlsCertificate(f)
				return true
			}
			return false
		}
		done, err := f.tls.feed(data)
		if err != nil {
			rp.stats.ParseErrors["tls"]++
		}
		if done {
			rp.tlsHello(f)
			return true
		}
	case suricata.AppDNS:
		f.dnsBuf[dir] = append(f.dnsBuf[dir], data...)
		inspected := false
		for len(f.dnsBuf[dir]) >= 2 {
			n := int(binary.BigEndian.Uint16(f.dnsBuf[dir]))
			if len(f.dnsBuf[dir]) < 2+n {
				break
			}
			msg := f.dnsBuf[dir][2 : 2+n]
			f.dnsBuf[dir] = f.dnsBuf[dir][2+n:]
			if rp.dnsMessage(f, dir, msg) {
				inspected = true
			}
		}
		return inspected
	}
	return false
}

var httpMethods = []string{"GET ", "POST ", "HEAD ", "PUT ", "DELETE ", "OPTIONS ", "CONNECT ", "TRACE ", "PATCH ", "PROPFIND ", "MKCOL ", "COPY ", "MOVE ", "LOCK ", "UNLOCK ", "SEARCH "}

func detectApp(data []byte, toServer bool, srvPort uint16) suricata.AppProto {
	if len(data) >= 4 && string(data[:4]) == "SSH-" {
		return suricata.AppSSH
	}
	if len(data) >= 8 && data[0] == 0 && (string(data[4:8]) == "\xffSMB" || string(data[4:8]) == "\xfeSMB") {
		return suricata.AppSMB
	}
	if toServer && len(data) >= 5 {
		if v := strings.ToUpper(string(data[:5])); v == "EHLO " || v == "HELO " {
			return suricata.AppSMTP
		}
	}
	if !toServer && len(data) >= 4 && string(data[:4]) == "220 " && (srvPort == 25 || srvPort == 587 || srvPort == 2525) {
		return suricata.AppSMTP
	}
	if toServer {
		for _, m := range httpMethods {
			if len(data) >= len(m) && string(data[:len(m)]) == m || len(data) < len(m) && strings.HasPrefix(m, string(data)) {
				return suricata.AppHTTP
			}
		}
		if len(data) >= 3 && data[0] == 0x16 && data[1] == 3 && data[2] <= 4 {
			return suricata.AppTLS
		}
	} else if len(data) >= 5 && string(data[:5]) == "HTTP/" {
		return suricata.AppHTTP
	}
	if srvPort == 53 && len(data) >= 14 {
		n := int(binary.BigEndian.Uint16(data))
		if n >= 12 {
			if _, err := parseDNS(data[2:min(len(data), 2+n)]); err == nil || len(data) < 2+n {
				return suricata.AppDNS
			}
		}
	}
	return suricata.AppUnknown
}

func (rp *replayer) httpData(f *flow, dir int, data []byte) bool {
	if f.http == nil {
		f.http = &httpState{keepReqBody: rp.keepReqBody, keepRespBody: rp.keepRespBody}
	}
	errs := f.http.errors
	rp.hev = f.http.feed(data, dir == 0, rp.hev[:0])
	rp.stats.ParseErrors["http"] += uint64(f.http.errors - errs)
	return rp.httpEvents(f, dir, rp.hev)
}

// httpEvents inspects the packet once per transaction that progressed.
func (rp *replayer) httpEvents(f *flow, dir int, evs []httpEvent) bool {
	inspected := false
	for _, ev := range evs {
		tx := ev.tx
		if tx == nil || tx.id < 0 || (tx.reqLine == nil && tx.respLine == nil) {
			continue
		}
		p := &rp.pkt
		p.Have = 0
		tx.setBuffers(p, dir == 0)
		p.TxID = uint64(tx.id) + 1
		rp.inspectTx(f, tx)
		inspected = true
		if !ev.toServer && !ev.headers {
			rp.httpDone(f, tx)
		}
	}
	p := &rp.pkt
	p.Have, p.TxID = 0, 0
	return inspected
}

func (rp *replayer) httpDone(f *flow, tx *httpTx) {
	if tx.logged {
		return
	}
	tx.logged = true
	if rp.cfg.Format != FormatNetworkFirewall { // Network Firewall has no http log type
		id := tx.id
		rec := rp.base(f, "http", true)
		rec.TxID = &id
		rec.HTTP = httpRecord(tx)
		rp.emit(rec)
	}
	if tx.respDone {
		// The transaction is over: keep only what alert metadata needs, so
		// long keep-alive connections do not hold every body.
		tx.reqBody, tx.respBody, tx.reqRaw, tx.respRaw = nil, nil, nil, nil
		tx.reqBufs, tx.reqHdrBufs, tx.respBufs = nil, nil, nil
	}
}

func httpRecord(tx *httpTx) *eveHTTP {
	h := &eveHTTP{Hostname: normHost(tx.get(tx.reqHeaders, "Host")), URL: string(tx.uri), HTTPUserAgent: tx.get(tx.reqHeaders, "User-Agent"),
		HTTPContentType: tx.get(tx.respHeaders, "Content-Type"), HTTPRefer: tx.get(tx.reqHeaders, "Referer"), HTTPMethod: tx.method,
		Protocol: tx.protocol, Status: tx.status, Length: tx.respLen}
	if i := strings.IndexByte(h.HTTPContentType, ';'); i >= 0 {
		h.HTTPContentType = strings.TrimSpace(h.HTTPContentType[:i])
	}
	if h.Protocol == "" {
		h.Protocol = tx.respProto
	}
	return h
}

// setTLSBuffers sets the TLS sticky buffers known so far.
func (rp *replayer) setTLSBuffers(t *tlsState) {
	p := &rp.pkt
	p.Have = 0
	if t.done {
		if t.sni != "" {
			p.SetBuffer(suricata.BufTLSSNI, []byte(t.sni))
		}
		p.SetBuffer(suricata.BufTLSVersion, []byte(t.version))
		p.SetBuffer(suricata.BufJA3Hash, []byte(t.ja3Hash))
		p.SetBuffer(suricata.BufJA3String, []byte(t.ja3))
	}
	if s := &t.server; s.subject != "" || s.serial != "" {
		p.SetBuffer(suricata.BufTLSCertSubject, []byte(s.subject))
		p.SetBuffer(suricata.BufTLSCertIssuer, []byte(s.issuer))
		p.SetBuffer(suricata.BufTLSCertSerial, []byte(s.serial))
		p.SetBuffer(suricata.BufTLSCertFingerprint, []byte(s.fingerprint))
	}
	p.TxID = 1
}

func (rp *replayer) tlsHello(f *flow) {
	rp.setTLSBuffers(f.tls)
	rp.inspect(f)
	rp.pkt.Have, rp.pkt.TxID = 0, 0
}

func (rp *replayer) tlsCertificate(f *flow) {
	rp.setTLSBuffers(f.tls)
	// tls.certs is a multi-buffer: each certificate of the chain is
	// inspected; a rule fires once for the session.
	certs := f.tls.server.certs
	if len(certs) == 0 {
		rp.inspect(f)
	}
	for _, der := range certs {
		rp.pkt.SetBuffer(suricata.BufTLSCerts, der)
		rp.inspect(f)
	}
	rp.pkt.Have, rp.pkt.TxID = 0, 0
	rp.tlsRecord(f)
}

// tlsRecord writes the flow's tls record once: when the server certificate
// is seen, else at the end of the flow.
func (rp *replayer) tlsRecord(f *flow) {
	t := f.tls
	if t == nil || t.logged || (!t.done && t.server.subject == "") {
		return
	}
	t.logged = true
	rec := rp.base(f, "tls", true)
	rec.TLS = tlsEVE(t)
	if t.done {
		rec.TLS.JA3 = &eveJA3{Hash: t.ja3Hash, String: t.ja3}
	}
	rp.emit(rec)
}

func tlsEVE(t *tlsState) *eveTLS {
	s := &t.server
	return &eveTLS{SNI: t.sni, Version: t.version, Subject: s.subject, IssuerDN: s.issuer, Serial: s.serial, Fingerprint: s.fingerprint,
		NotBefore: s.notBefore, NotAfter: s.notAfter}
}

func (rp *replayer) dnsMessage(f *flow, dir int, msg []byte) bool {
	m, err := parseDNS(msg)
	if err != nil {
		rp.stats.ParseErrors["dns"]++
		return false
	}
	p := &rp.pkt
	p.Have, p.TxID = 0, 0
	if m.response {
		rp.inspect(f)
	} else {
		// dns.query is a multi-buffer: each question is inspected; a rule
		// fires once per message (transaction), a payload rule once per packet.
		f.dnsTx++
		p.TxID = f.dnsTx
		if len(m.queries) == 0 {
			rp.inspect(f)
		}
		for _, q := range m.queries {
			p.SetBuffer(suricata.BufDNSQuery, []byte(q.name))
			rp.inspect(f)
		}
	}
	p.Have, p.TxID = 0, 0
	if rp.cfg.Format == FormatNetworkFirewall {
		return true
	}
	rec := rp.base(f, "dns", false)
	ed := &eveDNS{Version: 3, Type: "request", ID: m.id, Flags: strconv.FormatUint(uint64(m.flags), 16), Opcode: m.opcode, TxID: f.dnsTx - 1}
	if m.response {
		ed.Type, ed.Rcode = "response", rcodes[m.rcode]
		if ed.Rcode == "" {
			ed.Rcode = strconv.Itoa(m.rcode)
		}
	}
	for _, q := range m.queries {
		ed.Queries = append(ed.Queries, eveQuery{RRName: q.name, RRType: rrType(q.rtype)})
	}
	for _, a := range m.answers {
		ed.Answers = append(ed.Answers, eveAnswer{RRName: a.name, RRType: rrType(a.rtype), TTL: a.ttl, RData: a.data})
	}
	rec.DNS = ed
	rp.emit(rec)
	return true
}

func (rp *replayer) inspectTx(f *flow, tx *httpTx) { rp.inspectWith(f, tx) }

func (rp *replayer) inspect(f *flow) { rp.inspectWith(f, nil) }

func (rp *replayer) inspectWith(f *flow, tx *httpTx) {
	p := &rp.pkt
	v := rp.insp.Inspect(p, &f.fs, rp.th, rp.sc)
	for _, a := range v.Alerts {
		f.alerted = true
		rp.stats.Alerts++
		rec := rp.packetRecord(f, "alert")
		r := a.Rule
		act := "allowed"
		if a.Blocked {
			act = "blocked"
		}
		rec.Alert = &eveAlert{Action: act, GID: r.GID, SignatureID: r.SID, Rev: r.Rev, Signature: r.Msg, Category: r.Category, Severity: r.Priority, Metadata: metadata(r.Metadata)}
		if f.app != suricata.AppUnknown && f.app != suricata.AppFailed {
			rec.AppProto = f.app.String()
		}
		if tx != nil {
			rec.HTTP = httpRecord(tx)
			id := tx.id
			rec.TxID = &id
		} else if f.http != nil && len(f.http.txs) > 0 {
			last := f.http.txs[len(f.http.txs)-1]
			rec.HTTP = httpRecord(last)
		}
		if f.tls != nil && (f.tls.done || f.tls.server.subject != "") {
			rec.TLS = tlsEVE(f.tls)
		}
		rec.Flow = &eveFlow{PktsToServer: f.pkts[0], PktsToClient: f.pkts[1], BytesToServer: f.bytes[0], BytesToClient: f.bytes[1], Start: eveTime(f.start)}
		rp.emit(rec)
	}
	if v.Drop != nil {
		rp.stats.Drops++
	}
	if v.Drop != nil && rp.cfg.Format == FormatEVE {
		rec := rp.packetRecord(f, "drop")
		rec.Drop = &eveDrop{Reason: "rules"}
		rp.emit(rec)
	}
}

func metadata(ms []string) map[string][]string {
	if len(ms) == 0 {
		return nil
	}
	out := map[string][]string{}
	for _, m := range ms {
		k, v, _ := strings.Cut(strings.TrimSpace(m), " ")
		out[k] = append(out[k], strings.TrimSpace(v))
	}
	return out
}

// packetRecord is a record oriented like the packet (alerts, drops).
func (rp *replayer) packetRecord(f *flow, typ string) *eveRecord {
	p := &rp.pkt
	rec := &eveRecord{Timestamp: eveTime(rp.now), FlowID: f.id, PcapCnt: rp.pcnt, EventType: typ, SrcIP: p.Src.String(), DestIP: p.Dst.String(),
		Proto: protoName(p.Proto), PktSrc: "wire/pcap"}
	if p.Proto == 6 || p.Proto == 17 {
		rec.SrcPort, rec.DestPort = port(p.SrcPort), port(p.DstPort)
	}
	return rec
}

// base is a record oriented client to server (flow, http, tls, dns).
func (rp *replayer) base(f *flow, typ string, app bool) *eveRecord {
	rec := &eveRecord{Timestamp: eveTime(rp.now), FlowID: f.id, PcapCnt: rp.pcnt, EventType: typ, SrcIP: f.cli.Addr().String(), DestIP: f.srv.Addr().String(),
		Proto: protoName(f.proto)}
	if f.proto == 6 || f.proto == 17 {
		rec.SrcPort, rec.DestPort = port(f.cli.Port()), port(f.srv.Port())
	}
	if app || (f.app != suricata.AppUnknown && f.app != suricata.AppFailed) {
		rec.AppProto = f.app.String()
	}
	if typ == "dns" {
		rp := &rp.pkt
		rec.SrcIP, rec.DestIP = rp.Src.String(), rp.Dst.String()
		rec.SrcPort, rec.DestPort = port(rp.SrcPort), port(rp.DstPort)
	}
	return rec
}

// Flow timeouts in seconds of capture time: Suricata's defaults, except
// established TCP, which uses Network Firewall's default
// TcpIdleTimeoutSeconds (350).
const (
	timeoutNew         = 60
	timeoutEstablished = 350
	timeoutClosed      = 60
	timeoutUDP         = 300
	sweepEvery         = 4096 // packets between timeout sweeps
)

func (f *flow) timeout() int64 {
	switch {
	case f.proto == 6 && (f.rstSeen || f.finSeen[0] && f.finSeen[1]):
		return timeoutClosed
	case f.proto == 6 && f.established:
		return timeoutEstablished
	case f.seen[0] && f.seen[1]:
		return timeoutUDP
	}
	return timeoutNew
}

// sweep ends the flows idle longer than their timeout, so memory follows
// the number of live flows, not the size of the capture.
func (rp *replayer) sweep() {
	live := rp.order[:0]
	for _, f := range rp.order {
		if (rp.now-f.end)/1e9 > f.timeout() {
			rp.endFlow(f, "timeout")
			continue
		}
		live = append(live, f)
	}
	for i := len(live); i < len(rp.order); i++ {
		rp.order[i] = nil
	}
	rp.order = live
}

// endFlow flushes what the flow still holds, writes its records and forgets it.
func (rp *replayer) endFlow(f *flow, reason string) {
	for dir, s := range f.streams {
		if s == nil {
			continue
		}
		gaps := s.gaps
		segs := s.drainGaps(nil)
		rp.stats.StreamGaps += uint64(s.gaps - gaps)
		if len(segs) > 0 {
			rp.flowPacket(f, dir)
			for _, seg := range segs {
				rp.appData(f, dir, seg)
			}
		}
	}
	if f.http != nil {
		for _, tx := range f.http.txs {
			rp.httpDone(f, tx)
		}
	}
	rp.tlsRecord(f)
	rp.flowRecords(f, reason)
	delete(rp.flows, f.key)
}

// flowPacket points the packet context at flow f in direction dir, for
// inspections that no captured packet carries (data delivered after a gap).
func (rp *replayer) flowPacket(f *flow, dir int) {
	p := &rp.pkt
	a, b := f.cli, f.srv
	if dir == 1 {
		a, b = b, a
	}
	p.Proto, p.Src, p.Dst, p.SrcPort, p.DstPort = f.proto, a.Addr(), b.Addr(), a.Port(), b.Port()
	p.Payload, p.ToServer, p.FirstInDir, p.Num, p.Established, p.App = nil, dir == 0, false, 0, f.established, f.app
	p.Have, p.TxID, p.TCPFlags, p.FlowKey, p.StreamPrev, p.StreamData = 0, 0, 0, f.id, nil, nil
}

func (rp *replayer) finish() {
	for _, f := range rp.order {
		rp.endFlow(f, "shutdown")
	}
	if rp.cfg.Format == FormatEVE {
		rp.emit(&eveRecord{Timestamp: eveTime(rp.now), EventType: "stats", Stats: rp.stats})
	}
}

func (rp *replayer) flowRecords(f *flow, reason string) {
	age := f.end/1e9 - f.start/1e9
	if rp.cfg.Format == FormatNetworkFirewall {
		for dir := 0; dir < 2; dir++ {
			if f.pkts[dir] == 0 {
				continue
			}
			a, b := f.cli, f.srv
			if dir == 1 {
				a, b = b, a
			}
			rec := &eveRecord{Timestamp: eveTime(f.end), FlowID: f.id, EventType: "netflow", SrcIP: a.Addr().String(), DestIP: b.Addr().String(), Proto: protoName(f.proto)}
			if f.proto == 6 || f.proto == 17 {
				rec.SrcPort, rec.DestPort = port(a.Port()), port(b.Port())
			}
			if f.app != suricata.AppUnknown && f.app != suricata.AppFailed {
				rec.AppProto = f.app.String()
			}
			rec.Netflow = &eveNetflow{Pkts: f.pkts[dir], Bytes: f.bytes[dir], Start: eveTime(f.start), End: eveTime(f.end), Age: age, MinTTL: f.minTTL[dir], MaxTTL: f.maxTTL[dir]}
			rp.emit(rec)
		}
		return
	}
	rec := rp.base(f, "flow", false)
	rec.PcapCnt = 0
	rec.Timestamp = eveTime(f.end)
	alerted := f.alerted
	state := "new"
	if f.established || f.seen[0] && f.seen[1] {
		state = "established"
	}
	if f.proto == 6 && (f.rstSeen || f.finSeen[0] && f.finSeen[1]) {
		state = "closed"
	}
	rec.Flow = &eveFlow{PktsToServer: f.pkts[0], PktsToClient: f.pkts[1], BytesToServer: f.bytes[0], BytesToClient: f.bytes[1],
		Start: eveTime(f.start), End: eveTime(f.end), Age: &age, State: state, Reason: reason, Alerted: &alerted}
	switch {
	case f.fs.Passed:
		rec.Flow.Action = "pass"
	case f.fs.Dropped:
		rec.Flow.Action = "drop"
	}
	if f.proto == 6 {
		all := f.flags[0] | f.flags[1]
		tcpState := "established"
		switch {
		case state == "closed":
			tcpState = "closed"
		case !f.established && f.synSeen && !f.synAckSeen:
			tcpState = "syn_sent"
		case !f.established && f.synAckSeen:
			tcpState = "syn_recv"
		case f.finSeen[0] || f.finSeen[1]:
			tcpState = "fin_wait1"
		}
		rec.TCP = &eveTCP{TCPFlags: fmt.Sprintf("%02x", all), TCPFlagsTS: fmt.Sprintf("%02x", f.flags[0]), TCPFlagsTC: fmt.Sprintf("%02x", f.flags[1]),
			FIN: all&0x01 != 0, SYN: all&0x02 != 0, RST: all&0x04 != 0, PSH: all&0x08 != 0, ACK: all&0x10 != 0, URG: all&0x20 != 0, ECE: all&0x40 != 0, CWR: all&0x80 != 0, State: tcpState}
	}
	rp.emit(rec)
}
