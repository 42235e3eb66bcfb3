package proxy

import (
	"net/netip"
	"strings"
	"sync/atomic"
	"time"

	"github.com/moatdev/moat/suricata"
)

// flow is one client-to-upstream TCP connection as a firewall endpoint
// between them would see it.
type flow struct {
	p        *Proxy
	id       uint64
	cli, srv netip.AddrPort
	app      suricata.AppProto
	fs       suricata.FlowState
	pk       suricata.Packet
	txs      uint64 // application transactions so far
	start    time.Time
	ended    bool
	pkts     [2]atomic.Uint64 // to server, to client
	bytes    [2]atomic.Uint64
	// application metadata for alert records
	sni, tlsVersion              string
	host, url, ua, method, proto string
}

func (p *Proxy) newFlow(cli, srv netip.AddrPort, app suricata.AppProto) *flow {
	return &flow{p: p, id: p.flowID.Add(1), cli: cli, srv: srv, app: app, start: time.Now()}
}

const (
	tcpSYN = 0x02
	tcpACK = 0x10
)

// handshake evaluates the TCP three-way handshake (SYN, SYN-ACK, ACK), so
// stateless rules, 5-tuple rules, IP-only rules and aws:drop_strict apply
// before anything is dialed. It returns the rule that dropped it, if any.
func (f *flow) handshake() *suricata.Rule {
	for i, step := range []struct {
		toServer bool
		flags    uint8
	}{{true, tcpSYN}, {false, tcpSYN | tcpACK}, {true, tcpACK}} {
		if r := f.inspect(nil, nil, 0, step.toServer, false, i < 2, step.flags); r != nil {
			return r
		}
	}
	return nil
}

// data evaluates the client's first application data (a ClientHello or an
// HTTP request head) on the established connection, as the flow's next
// transaction; set fills the sticky buffers.
func (f *flow) data(payload []byte, set func(*suricata.Packet)) *suricata.Rule {
	f.txs++
	return f.inspect(payload, set, f.txs, true, true, false, tcpACK|0x08)
}

func (f *flow) inspect(payload []byte, set func(*suricata.Packet), tx uint64, toServer, established, first bool, flags uint8) *suricata.Rule {
	// One packet per flow, reused: it is large (a slot per sticky buffer)
	// and escapes through the Inspector interface.
	f.pk = suricata.Packet{}
	pk := &f.pk
	pk.Proto = 6
	pk.Src, pk.Dst, pk.SrcPort, pk.DstPort = f.cli.Addr(), f.srv.Addr(), f.cli.Port(), f.srv.Port()
	if !toServer {
		pk.Src, pk.Dst, pk.SrcPort, pk.DstPort = pk.Dst, pk.Src, pk.DstPort, pk.SrcPort
	}
	pk.ToServer, pk.Established, pk.FirstInDir, pk.TCPFlags = toServer, established, first, flags
	pk.Payload, pk.StreamData = payload, payload
	if established {
		pk.App = f.app
	}
	pk.TxID = tx
	pk.FlowKey = f.id
	now := time.Now()
	pk.Time = float64(now.UnixNano()) / 1e9
	// Num must be unique across flows: the engine's scratch remembers the
	// last packet number to fire payload rules once per packet.
	pk.Num = f.p.pktNum.Add(1)
	if set != nil {
		set(pk)
	}
	p := f.p
	p.imu.Lock()
	v := p.cfg.Inspector.Inspect(pk, &f.fs, p.th, p.sc)
	var alerts []suricata.Alert
	if len(v.Alerts) > 0 {
		alerts = append(alerts, v.Alerts...)
	}
	drop := v.Drop
	p.imu.Unlock()
	for _, a := range alerts {
		f.alert(pk, a, now)
	}
	return drop
}

func protoName(p uint8) string {
	if p == 6 {
		return "TCP"
	}
	return "UDP"
}

func (f *flow) alert(pk *suricata.Packet, a suricata.Alert, now time.Time) {
	if f.p.rec.alert == nil {
		return
	}
	r := a.Rule
	act := "allowed"
	if a.Blocked {
		act = "blocked"
	}
	ev := &Event{Timestamp: eveTime(now), FlowID: f.id, EventType: "alert", SrcIP: pk.Src.String(), SrcPort: pk.SrcPort,
		DestIP: pk.Dst.String(), DestPort: pk.DstPort, Proto: protoName(pk.Proto),
		Alert: &Alert{Action: act, GID: r.GID, SignatureID: r.SID, Rev: r.Rev, Signature: r.Msg, Category: r.Category, Severity: r.Priority, Metadata: metadata(r.Metadata)}}
	if pk.App != suricata.AppUnknown {
		ev.AppProto = pk.App.String()
	}
	if f.app == suricata.AppTLS && f.tlsVersion != "" {
		ev.TLS = &TLS{SNI: f.sni, Version: f.tlsVersion}
	}
	if f.app == suricata.AppHTTP && f.method != "" {
		ev.HTTP = &HTTP{Hostname: f.host, URL: f.url, HTTPUserAgent: f.ua, HTTPMethod: f.method, Protocol: f.proto}
	}
	if err := f.p.rec.write(f.p.rec.alert, now, ev); err != nil {
		f.p.logf("alert log: %v", err)
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

// end writes the flow's netflow records (one per direction that carried
// data, the client's always), once.
func (f *flow) end() {
	if f.ended {
		return
	}
	f.ended = true
	rec := f.p.rec
	if rec.flow == nil {
		return
	}
	now := time.Now()
	for dir := 0; dir < 2; dir++ {
		pk, by := f.pkts[dir].Load(), f.bytes[dir].Load()
		if dir == 1 && pk == 0 {
			continue
		}
		a, b := f.cli, f.srv
		if dir == 1 {
			a, b = b, a
		}
		ev := &Event{Timestamp: eveTime(now), FlowID: f.id, EventType: "netflow", SrcIP: a.Addr().String(), SrcPort: a.Port(),
			DestIP: b.Addr().String(), DestPort: b.Port(), Proto: "TCP",
			Netflow: &Netflow{Pkts: pk, Bytes: by, Start: eveTime(f.start), End: eveTime(now), Age: now.Unix() - f.start.Unix()}}
		if f.pkts[0].Load() > 0 {
			ev.AppProto = f.app.String()
		}
		if err := rec.write(rec.flow, now, ev); err != nil {
			f.p.logf("flow log: %v", err)
		}
	}
}
