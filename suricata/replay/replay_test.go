package replay

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"

	"github.com/moatdev/moat/suricata"
	"github.com/moatdev/moat/suricata/pcapgen"
)

var (
	cli  = netip.MustParseAddrPort("10.0.0.5:40000")
	web  = netip.MustParseAddrPort("127.0.0.80:80")
	tlsS = netip.MustParseAddrPort("127.0.0.43:443")
	dnsS = netip.MustParseAddrPort("127.0.0.53:53")
)

// capture builds a pcap with the given writer function.
func capture(t testing.TB, fn func(w *pcapgen.Writer) error) []byte {
	t.Helper()
	var b bytes.Buffer
	w, err := pcapgen.NewWriter(&b)
	if err != nil {
		t.Fatal(err)
	}
	if err := fn(w); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func run(t testing.TB, rules string, pcap []byte, cfg Config) ([]map[string]any, *Stats, error) {
	t.Helper()
	rs := suricata.Parse([]byte(rules), nil)
	if len(rs.Errors) > 0 {
		t.Fatalf("rules: %v", rs.Errors)
	}
	eng, err := suricata.Compile(rs.Rules, suricata.Options{IPS: true})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Inspector == nil {
		cfg.Inspector = eng
	}
	var out bytes.Buffer
	st, runErr := Run(bytes.NewReader(pcap), &out, cfg)
	var evs []map[string]any
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("bad JSON line %q: %v", sc.Text(), err)
		}
		evs = append(evs, m)
	}
	return evs, st, runErr
}

func count(evs []map[string]any, typ string, kv ...string) int {
	n := 0
	for _, e := range evs {
		if e["event_type"] != typ {
			continue
		}
		ok := true
		for i := 0; i+1 < len(kv); i += 2 {
			v, found := lookup(e, kv[i])
			if !found || valueMatches(v, kv[i+1]) == false {
				ok = false
			}
		}
		if ok {
			n++
		}
	}
	return n
}

const webRules = `alert http any any -> any any (msg:"admin"; flow:to_server,established; http.uri; content:"/admin/"; http.host; content:"example.test"; sid:1; rev:2;)
alert http any any -> any any (msg:"server"; flow:from_server; http.stat_code; content:"403"; sid:2;)
alert tls any any -> any any (msg:"sni"; tls.sni; content:".evil.test"; endswith; sid:3;)
alert dns any any -> any any (msg:"dns"; dns.query; content:"bad.test"; nocase; sid:4;)
alert tcp any any -> any any (msg:"raw"; content:"X-Secret"; sid:5;)
`

func TestReplayHTTPTLSDNS(t *testing.T) {
	t.Parallel()
	pcap := capture(t, func(w *pcapgen.Writer) error {
		c := w.TCP(cli, web)
		if err := c.Handshake(); err != nil {
			return err
		}
		req := "GET /x/../admin/%70anel HTTP/1.1\r\nHost: Example.Test:80\r\nUser-Agent: t\r\nX-Secret: 1\r\n\r\n"
		if err := c.Client([]byte(req)); err != nil {
			return err
		}
		if err := c.Server([]byte("HTTP/1.1 403 Forbidden\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nnope!")); err != nil {
			return err
		}
		if err := c.Close(); err != nil {
			return err
		}
		// A ClientHello split over three segments.
		w.MSS = 40
		tc := w.TCP(netip.MustParseAddrPort("10.0.0.5:40001"), tlsS)
		if err := tc.Handshake(); err != nil {
			return err
		}
		if err := tc.Client(pcapgen.ClientHello("www.evil.test")); err != nil {
			return err
		}
		w.MSS = 1460
		q := pcapgen.DNSQuery(7, "www.BAD.test")
		// A second question (qdcount 2) that no rule matches, placed first.
		q2 := pcapgen.DNSQuery(7, "ok.test")
		msg := append(append([]byte(nil), q2...), q[12:]...)
		msg[5] = 2
		return w.UDP(netip.MustParseAddrPort("10.0.0.5:5353"), dnsS, msg)
	})
	evs, st, err := run(t, webRules, pcap, Config{})
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		typ string
		kv  []string
		n   int
	}{
		{"alert", []string{"alert.signature_id", "1", "alert.rev", "2", "app_proto", "http", "src_port", "40000", "http.url", "/x/../admin/%70anel"}, 1},
		{"alert", []string{"alert.signature_id", "2", "src_port", "80"}, 1},
		{"alert", []string{"alert.signature_id", "3", "tls.sni", "www.evil.test"}, 1},
		{"alert", []string{"alert.signature_id", "4", "proto", "UDP"}, 1},
		{"alert", []string{"alert.signature_id", "5"}, 1},
		{"http", []string{"http.hostname", "example.test", "http.status", "403", "http.length", "5", "http.http_content_type", "text/plain", "tx_id", "0"}, 1},
		{"tls", []string{"tls.sni", "www.evil.test", "tls.version", "TLS 1.2"}, 1},
		{"dns", []string{"dns.type", "request", "dns.id", "7"}, 1},
		{"flow", []string{"app_proto", "http", "flow.state", "closed", "tcp.tcp_flags", "1b"}, 1},
		{"flow", []string{"app_proto", "tls", "flow.state", "established"}, 1},
		{"stats", nil, 1},
	}
	for _, c := range checks {
		if got := count(evs, c.typ, c.kv...); got != c.n {
			t.Errorf("%s %v: %d records, want %d", c.typ, c.kv, got, c.n)
		}
	}
	if st.Flows != 3 || st.Alerts != 5 {
		t.Errorf("flows %d, alerts %d", st.Flows, st.Alerts)
	}
}

func TestReplayOutOfOrderAndRetransmit(t *testing.T) {
	t.Parallel()
	// Write the segments of a request in the order 2, 1, 1 (retransmitted), 3.
	var segs [][]byte
	pcap := capture(t, func(w *pcapgen.Writer) error {
		w.MSS = 20
		c := w.TCP(cli, web)
		if err := c.Handshake(); err != nil {
			return err
		}
		return c.Client([]byte("GET /admin/page HTTP/1.1\r\nHost: example.test\r\n\r\n"))
	})
	// Split the capture into records and reorder the data packets.
	hdr, body := pcap[:24], pcap[24:]
	for len(body) > 0 {
		n := int(binary.LittleEndian.Uint32(body[8:12]))
		segs = append(segs, body[:16+n])
		body = body[16+n:]
	}
	data := segs[3:]
	order := [][]byte{segs[0], segs[1], segs[2], data[1], data[0], data[0], data[2]}
	order = append(order, data[3:]...)
	re := append([]byte(nil), hdr...)
	for _, s := range order {
		re = append(re, s...)
	}
	evs, st, err := run(t, webRules, re, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if count(evs, "alert", "alert.signature_id", "1") != 1 || count(evs, "http", "http.url", "/admin/page") != 1 {
		t.Errorf("reassembly: %v", evs)
	}
	if st.Overlaps == 0 {
		t.Error("the retransmission was not counted")
	}
}

func TestReplayMidstream(t *testing.T) {
	t.Parallel()
	pcap := capture(t, func(w *pcapgen.Writer) error {
		c := w.TCP(cli, web) // no handshake: the capture starts mid-session
		return c.Client([]byte("GET /admin/ HTTP/1.1\r\nHost: example.test\r\n\r\n"))
	})
	evs, _, err := run(t, webRules, pcap, Config{})
	if err != nil || count(evs, "alert", "alert.signature_id", "1") != 1 {
		t.Errorf("midstream pickup: %v %v", err, evs)
	}
	evs, _, err = run(t, webRules, pcap, Config{NoMidstream: true})
	if err != nil || count(evs, "alert") != 0 || count(evs, "http") != 0 {
		t.Errorf("--no-midstream: %v %v", err, evs)
	}
}

func TestReplayBadInput(t *testing.T) {
	t.Parallel()
	good := capture(t, func(w *pcapgen.Writer) error {
		c := w.TCP(cli, web)
		if err := c.Handshake(); err != nil {
			return err
		}
		return c.Client([]byte("GET /admin/ HTTP/1.1\r\nHost: example.test\r\nX-Secret: 1\r\n\r\n"))
	})
	t.Run("not a capture", func(t *testing.T) {
		_, _, err := run(t, webRules, []byte("this is not a pcap file at all"), Config{})
		if !errors.Is(err, ErrBadCapture) || !strings.Contains(err.Error(), "unknown magic") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("empty", func(t *testing.T) {
		_, _, err := run(t, webRules, nil, Config{})
		if !errors.Is(err, ErrBadCapture) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("truncated", func(t *testing.T) {
		evs, st, err := run(t, webRules, good[:len(good)-10], Config{})
		var te *TruncatedError
		if !errors.As(err, &te) || te.Packets != 3 || !st.Truncated {
			t.Fatalf("err = %v, stats %+v", err, st)
		}
		// What came before the break is kept: three packets, the flow and stats records.
		if count(evs, "flow") != 1 || count(evs, "stats", "stats.truncated", "true") != 1 {
			t.Errorf("records before the break: %v", evs)
		}
	})
	t.Run("oversized record", func(t *testing.T) {
		bad := append([]byte(nil), good...)
		binary.LittleEndian.PutUint32(bad[24+8:], 1<<30)
		_, _, err := run(t, webRules, bad, Config{})
		if !errors.Is(err, ErrBadCapture) || !strings.Contains(err.Error(), "limit") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("malformed app data", func(t *testing.T) {
		pcap := capture(t, func(w *pcapgen.Writer) error {
			c := w.TCP(cli, tlsS)
			if err := c.Handshake(); err != nil {
				return err
			}
			hello := pcapgen.ClientHello("x.test")
			hello[9] = 0xff // corrupt the handshake length
			if err := c.Client(hello); err != nil {
				return err
			}
			return w.UDP(netip.MustParseAddrPort("10.0.0.5:5353"), dnsS, []byte{0, 1, 2})
		})
		_, st, err := run(t, webRules, pcap, Config{})
		if err != nil {
			t.Fatal(err)
		}
		if st.Decoded != 5 {
			t.Errorf("decoded %d packets, want 5", st.Decoded)
		}
	})
}

func TestReplayPcapng(t *testing.T) {
	t.Parallel()
	classic := capture(t, func(w *pcapgen.Writer) error {
		c := w.TCP(cli, web)
		if err := c.Handshake(); err != nil {
			return err
		}
		return c.Client([]byte("GET /admin/ HTTP/1.1\r\nHost: example.test\r\n\r\n"))
	})
	ng := toPcapng(classic)
	evs, st, err := run(t, webRules, ng, Config{})
	if err != nil || st.Packets != 4 || count(evs, "alert", "alert.signature_id", "1") != 1 {
		t.Fatalf("pcapng: %v %+v %v", err, st, evs)
	}
	if _, _, err := run(t, webRules, ng[:len(ng)-7], Config{}); err == nil {
		t.Error("truncated pcapng accepted")
	}
}

// toPcapng converts a little-endian microsecond pcap to pcapng (SHB, IDB, EPBs).
func toPcapng(p []byte) []byte {
	le := binary.LittleEndian
	var out []byte
	block := func(typ uint32, body []byte) {
		for len(body)%4 != 0 {
			body = append(body, 0)
		}
		n := uint32(12 + len(body))
		out = le.AppendUint32(out, typ)
		out = le.AppendUint32(out, n)
		out = append(out, body...)
		out = le.AppendUint32(out, n)
	}
	shb := le.AppendUint32(nil, 0x1A2B3C4D)
	shb = append(shb, 1, 0, 0, 0)
	shb = le.AppendUint64(shb, ^uint64(0))
	block(0x0A0D0D0A, shb)
	idb := le.AppendUint16(nil, 1)
	idb = append(idb, 0, 0)
	idb = le.AppendUint32(idb, 0)
	block(1, idb)
	body := p[24:]
	for len(body) >= 16 {
		sec, usec, n := le.Uint32(body), le.Uint32(body[4:]), le.Uint32(body[8:])
		ts := uint64(sec)*1e6 + uint64(usec)
		epb := le.AppendUint32(nil, 0)
		epb = le.AppendUint32(epb, uint32(ts>>32))
		epb = le.AppendUint32(epb, uint32(ts))
		epb = le.AppendUint32(epb, n)
		epb = le.AppendUint32(epb, n)
		epb = append(epb, body[16:16+n]...)
		block(6, epb)
		body = body[16+n:]
	}
	return out
}

func TestNetworkFirewallFormat(t *testing.T) {
	t.Parallel()
	pcap := capture(t, func(w *pcapgen.Writer) error {
		c := w.TCP(cli, web)
		if err := c.Handshake(); err != nil {
			return err
		}
		if err := c.Client([]byte("GET /admin/ HTTP/1.1\r\nHost: example.test\r\n\r\n")); err != nil {
			return err
		}
		return c.Server([]byte("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"))
	})
	evs, _, err := run(t, strings.Replace(webRules, "alert http any any -> any any (msg:\"admin\"", "drop http any any -> any any (msg:\"admin\"", 1), pcap,
		Config{Format: FormatNetworkFirewall, FirewallName: "fw-1", AvailabilityZone: "us-east-1a"})
	if err != nil {
		t.Fatal(err)
	}
	alerts, netflows := 0, 0
	for _, e := range evs {
		if e["firewall_name"] != "fw-1" || e["availability_zone"] != "us-east-1a" {
			t.Fatalf("envelope: %v", e)
		}
		if _, ok := e["event_timestamp"].(string); !ok {
			t.Fatalf("event_timestamp is not a string: %v", e)
		}
		ev := e["event"].(map[string]any)
		switch ev["event_type"] {
		case "alert":
			alerts++
			if a := ev["alert"].(map[string]any); a["action"] != "blocked" || a["signature_id"] != float64(1) {
				t.Errorf("alert: %v", a)
			}
		case "netflow":
			netflows++
		case "http", "flow":
			t.Errorf("Network Firewall logs have no %s records", ev["event_type"])
		}
	}
	if alerts != 1 || netflows != 2 {
		t.Errorf("alerts %d netflows %d, want 1 and 2 (one per direction)", alerts, netflows)
	}
}

func TestReplayIPv6(t *testing.T) {
	t.Parallel()
	pcap := capture(t, func(w *pcapgen.Writer) error {
		c := w.TCP(netip.MustParseAddrPort("[fd00::5]:40000"), netip.MustParseAddrPort("[::1]:443"))
		if err := c.Handshake(); err != nil {
			return err
		}
		return c.Client(pcapgen.ClientHello("v6.evil.test"))
	})
	evs, st, err := run(t, webRules, pcap, Config{})
	if err != nil || st.Decoded != 4 {
		t.Fatalf("%v %+v", err, st)
	}
	if count(evs, "alert", "alert.signature_id", "3", "src_ip", "fd00::5", "dest_ip", "::1", "proto", "TCP") != 1 {
		t.Errorf("IPv6 alert: %v", evs)
	}
}

func TestReplayStreamMatchAcrossSegments(t *testing.T) {
	t.Parallel()
	pcap := capture(t, func(w *pcapgen.Writer) error {
		w.MSS = 10
		c := w.TCP(cli, netip.MustParseAddrPort("127.0.0.1:7000"))
		if err := c.Handshake(); err != nil {
			return err
		}
		return c.Client([]byte("abcdefghijklmnopqrstuvwxyz"))
	})
	rules := `alert tcp any any -> any any (msg:"split"; content:"hijklm"; sid:1;)
alert tcp any any -> any any (msg:"inside"; content:"cde"; sid:2;)
alert tcp any any -> any any (msg:"relative across"; content:"b"; content:"xyz"; distance:0; sid:3;)
alert tcp any any -> any any (msg:"start of packet only"; content:"klm"; depth:3; sid:4;)`
	evs, _, err := run(t, rules, pcap, Config{})
	if err != nil {
		t.Fatal(err)
	}
	for sid, want := range map[string]int{"1": 1, "2": 1, "3": 1, "4": 1} {
		if got := count(evs, "alert", "alert.signature_id", sid); got != want {
			t.Errorf("sid %s: %d alerts, want %d", sid, got, want)
		}
	}
}

func TestReplayIPv4Fragments(t *testing.T) {
	t.Parallel()
	src, dst := netip.MustParseAddr("10.0.0.5"), netip.MustParseAddr("127.0.0.1")
	ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolUDP, SrcIP: src.AsSlice(), DstIP: dst.AsSlice(), Id: 77}
	udp := &layers.UDP{SrcPort: 4000, DstPort: 5000}
	if err := udp.SetNetworkLayerForChecksum(ip); err != nil {
		t.Fatal(err)
	}
	body := []byte("0123456789abcdefEVIL-split-payload-across-fragments")
	ub := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(ub, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, udp, gopacket.Payload(body)); err != nil {
		t.Fatal(err)
	}
	whole := ub.Bytes()
	frag := func(w *pcapgen.Writer, off int, part []byte, more bool) error {
		f := *ip
		f.FragOffset = uint16(off / 8)
		if more {
			f.Flags = layers.IPv4MoreFragments
		}
		eth := &layers.Ethernet{SrcMAC: []byte{2, 0, 0, 0, 0, 1}, DstMAC: []byte{2, 0, 0, 0, 0, 2}, EthernetType: layers.EthernetTypeIPv4}
		b := gopacket.NewSerializeBuffer()
		if err := gopacket.SerializeLayers(b, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, eth, &f, gopacket.Payload(part)); err != nil {
			return err
		}
		return w.WritePacket(b.Bytes())
	}
	pcap := capture(t, func(w *pcapgen.Writer) error {
		// Second fragment first, then the first: reassembly does not depend on order.
		if err := frag(w, 24, whole[24:], false); err != nil {
			return err
		}
		return frag(w, 0, whole[:24], true)
	})
	evs, st, err := run(t, `alert udp any any -> any 5000 (msg:"frag"; content:"EVIL-split"; sid:9;)`, pcap, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Fragments != 2 || st.Reassembled != 1 || count(evs, "alert", "alert.signature_id", "9", "src_port", "4000") != 1 {
		t.Errorf("stats %+v records %v", st, evs)
	}
}

func TestReplayDetectedOnlyProtocols(t *testing.T) {
	t.Parallel()
	pcap := capture(t, func(w *pcapgen.Writer) error {
		c := w.TCP(cli, netip.MustParseAddrPort("127.0.0.1:25"))
		if err := c.Handshake(); err != nil {
			return err
		}
		if err := c.Server([]byte("220 mx.test ESMTP\r\n")); err != nil {
			return err
		}
		if err := c.Client([]byte("EHLO me\r\nMAIL FROM:<a@b.test>\r\n")); err != nil {
			return err
		}
		s := w.TCP(netip.MustParseAddrPort("10.0.0.5:40100"), netip.MustParseAddrPort("127.0.0.1:22"))
		if err := s.Handshake(); err != nil {
			return err
		}
		return s.Client([]byte("SSH-2.0-OpenSSH_9.6\r\n"))
	})
	rules := `alert smtp any any -> any 25 (msg:"mail"; flow:to_server,established; content:"MAIL FROM"; sid:1;)
alert ssh any any -> any any (msg:"ssh"; content:"OpenSSH"; sid:2;)
alert smb any any -> any any (msg:"smb"; content:"SSH"; sid:3;)`
	evs, _, err := run(t, rules, pcap, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if count(evs, "alert", "alert.signature_id", "1", "app_proto", "smtp") != 1 || count(evs, "alert", "alert.signature_id", "2", "app_proto", "ssh") != 1 || count(evs, "alert", "alert.signature_id", "3") != 0 {
		t.Errorf("records: %v", evs)
	}
}

func TestReplayStreamSize(t *testing.T) {
	t.Parallel()
	pcap := capture(t, func(w *pcapgen.Writer) error {
		c := w.TCP(cli, netip.MustParseAddrPort("127.0.0.1:7001"))
		if err := c.Handshake(); err != nil {
			return err
		}
		if err := c.Client([]byte("0123456789")); err != nil {
			return err
		}
		return c.Client([]byte("abcdefghij"))
	})
	// After the first segment the client has sent 11 (SYN + 10 bytes), after the second 21.
	rules := `alert tcp any any -> any any (msg:"big"; stream_size:client,>,15; sid:1;)
alert tcp any any -> any any (msg:"either"; stream_size:either,=,11; sid:2;)
alert tcp any any -> any any (msg:"server"; stream_size:server,>,1; sid:3;)`
	evs, _, err := run(t, rules, pcap, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if count(evs, "alert", "alert.signature_id", "1", "pcap_cnt", "5") != 1 || count(evs, "alert", "alert.signature_id", "1") != 1 ||
		count(evs, "alert", "alert.signature_id", "2", "pcap_cnt", "4") != 1 || count(evs, "alert", "alert.signature_id", "3") != 0 {
		t.Errorf("records: %v", evs)
	}
}
