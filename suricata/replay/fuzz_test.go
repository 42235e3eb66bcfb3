package replay

import (
	"bytes"
	"io"
	"net/netip"
	"testing"

	"github.com/moatdev/moat/suricata"
	"github.com/moatdev/moat/suricata/pcapgen"
)

// FuzzRun feeds arbitrary capture bytes through the replay: it must never
// panic, whatever the file, packets or application data.
func FuzzRun(f *testing.F) {
	f.Add(capture(f, func(w *pcapgen.Writer) error {
		c := w.TCP(cli, web)
		if err := c.Handshake(); err != nil {
			return err
		}
		if err := c.Client([]byte("GET /a HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n")); err != nil {
			return err
		}
		return c.Server([]byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"))
	}))
	f.Add(capture(f, func(w *pcapgen.Writer) error {
		c := w.TCP(cli, tlsS)
		if err := c.Handshake(); err != nil {
			return err
		}
		if err := c.Client(pcapgen.ClientHello("a.test")); err != nil {
			return err
		}
		return w.UDP(netip.MustParseAddrPort("10.0.0.5:5353"), dnsS, pcapgen.DNSQuery(1, "a.b.c"))
	}))
	f.Add([]byte{0x0a, 0x0d, 0x0d, 0x0a})
	rs := suricata.Parse([]byte(webRules), nil)
	eng, err := suricata.Compile(rs.Rules, suricata.Options{IPS: true})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = Run(bytes.NewReader(data), io.Discard, Config{Inspector: eng})
	})
}

func FuzzParseDNS(f *testing.F) {
	f.Add(pcapgen.DNSQuery(9, "www.example.com"))
	f.Add([]byte{0, 1, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, 1, 'a', 0, 0, 1, 0, 1, 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4, 1, 2, 3, 4})
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = parseDNS(b)
	})
}

func FuzzClientHello(f *testing.F) {
	f.Add(pcapgen.ClientHello("sni.test"))
	f.Fuzz(func(t *testing.T, b []byte) {
		var s tlsState
		_, _ = s.feed(b)
	})
}

func FuzzHTTP(f *testing.F) {
	f.Add([]byte("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"), []byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n"))
	f.Fuzz(func(t *testing.T, req, resp []byte) {
		var h httpState
		h.feed(req, true, nil)
		h.feed(resp, false, nil)
		h.close()
	})
}

func FuzzTLSServer(f *testing.F) {
	f.Add(pcapgen.ServerHelloCertificate([]byte{0x30, 0x03, 0x02, 0x01, 0x01}))
	f.Add([]byte{0x16, 0x03, 0x03, 0x00, 0x04, 0x0b, 0x00, 0x00, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		var s tlsServer
		_, _ = s.feed(b)
	})
}
