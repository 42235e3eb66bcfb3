package proxy

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"errors"
	"net"
	"net/netip"
	"testing"

	"github.com/moatdev/moat/suricata"
	"github.com/moatdev/moat/suricata/pcapgen"
	"github.com/moatdev/moat/suricata/replay"
)

func TestReadClientHello(t *testing.T) {
	raw := clientHello(t, "allowed.example")
	got, h, err := ReadClientHello(bytes.NewReader(raw))
	if err != nil || h.SNI != "allowed.example" || h.Version != 0x0303 || !bytes.Equal(got, raw) {
		t.Fatalf("%+v %v", h, err)
	}
	// The same hello split over two records.
	body := raw[5:]
	split := append([]byte{22, 3, 1, 0, 10}, body[:10]...)
	split = append(split, 22, 3, 1, byte((len(body)-10)>>8), byte(len(body)-10))
	split = append(split, body[10:]...)
	if _, h, err := ReadClientHello(bytes.NewReader(split)); err != nil || h.SNI != "allowed.example" {
		t.Fatalf("split: %+v %v", h, err)
	}
	// No SNI: a client dialing an IP address.
	a, b := net.Pipe()
	go func() {
		tls.Client(a, &tls.Config{InsecureSkipVerify: true}).Handshake()
		a.Close()
	}()
	_, h, err = ReadClientHello(b)
	b.Close()
	if err != nil || h.SNI != "" {
		t.Fatalf("no SNI: %+v %v", h, err)
	}
	for _, c := range []struct {
		in   []byte
		want string
	}{
		{[]byte("GET / HTTP/1.1\r\n"), "not a TLS handshake"},
		{[]byte{22, 3}, "truncated TLS record header"},
		{[]byte{23, 3, 3, 0, 1, 0}, "not a TLS handshake"},
		{[]byte{22, 3, 1, 0, 0}, "record length 0"},
		{[]byte{22, 3, 1, 0, 4, 2, 0, 0, 0}, "not client_hello"},
		{append([]byte{22, 3, 1, 0, 6, 1, 0, 0, 2}, 3, 3), "truncated"},
	} {
		_, _, err := ReadClientHello(bytes.NewReader(c.in))
		if err == nil || !bytes.Contains([]byte(err.Error()), []byte(c.want)) {
			t.Errorf("%x: %v, want %q", c.in, err, c.want)
		}
	}
	if _, _, err := ReadClientHello(bytes.NewReader([]byte("GET /"))); !errors.Is(err, ErrNotTLS) {
		t.Fatal(err)
	}
	// A bad SNI byte and a duplicated extension.
	i := bytes.Index(raw, []byte("allowed.example"))
	bad := append([]byte(nil), raw...)
	bad[i+3] = 0
	if _, _, err := ReadClientHello(bytes.NewReader(bad)); err == nil {
		t.Fatal("NUL in SNI accepted")
	}
}

func FuzzClientHello(f *testing.F) {
	f.Add(clientHello(f, "allowed.example"))
	f.Add(clientHello(f, "a.b"))
	f.Add([]byte{22, 3, 1, 0, 4, 1, 0, 0, 0})
	f.Add([]byte("CONNECT x:1 HTTP/1.1\r\n\r\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		raw, h, err := ReadClientHello(bytes.NewReader(in))
		if len(raw) > len(in) || !bytes.Equal(raw, in[:len(raw)]) {
			t.Fatalf("raw is not a prefix of the input")
		}
		if err == nil {
			for i := 0; i < len(h.SNI); i++ {
				if h.SNI[i] <= ' ' || h.SNI[i] >= 0x7f {
					t.Fatalf("SNI %q", h.SNI)
				}
			}
		}
	})
}

// TestJA3MatchesReplay: the proxy's JA3 and TLS version are those that
// suricata/replay computes for the same ClientHello in a capture.
func TestJA3MatchesReplay(t *testing.T) {
	for _, cfg := range []*tls.Config{{ServerName: "allowed.example"}, {ServerName: "a.test", MaxVersion: tls.VersionTLS12}} {
		a, b := net.Pipe()
		go func() {
			tls.Client(a, cfg).Handshake()
			a.Close()
		}()
		raw, h, err := ReadClientHello(b)
		b.Close()
		if err != nil {
			t.Fatal(err)
		}
		var pc bytes.Buffer
		w, err := pcapgen.NewWriter(&pc)
		if err != nil {
			t.Fatal(err)
		}
		c := w.TCP(netip.MustParseAddrPort("10.0.0.1:40000"), netip.MustParseAddrPort("10.0.0.2:443"))
		if err := errors.Join(c.Handshake(), c.Client(raw), c.Close()); err != nil {
			t.Fatal(err)
		}
		eng, err := suricata.Compile(nil, suricata.Options{})
		if err != nil {
			t.Fatal(err)
		}
		var eve bytes.Buffer
		if _, err := replay.Run(&pc, &eve, replay.Config{Inspector: eng}); err != nil {
			t.Fatal(err)
		}
		var found bool
		for _, line := range bytes.Split(eve.Bytes(), []byte("\n")) {
			var rec struct {
				EventType string `json:"event_type"`
				TLS       struct {
					SNI     string `json:"sni"`
					Version string `json:"version"`
					JA3     struct{ Hash, String string }
				} `json:"tls"`
			}
			if json.Unmarshal(line, &rec) != nil || rec.EventType != "tls" {
				continue
			}
			found = true
			if rec.TLS.SNI != h.SNI || rec.TLS.Version != h.TLSVersion || rec.TLS.JA3.Hash != h.JA3Hash || rec.TLS.JA3.String != h.JA3 {
				t.Fatalf("replay %+v, proxy %+v", rec.TLS, h)
			}
		}
		if !found {
			t.Fatalf("no tls record:\n%s", eve.String())
		}
	}
}
