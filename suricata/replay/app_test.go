package replay

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/moatdev/moat/suricata/pcapgen"
)

func TestHTTPParser(t *testing.T) {
	t.Parallel()
	type step struct {
		toServer bool
		data     string
	}
	cases := []struct {
		name  string
		steps []step
		close bool
		check func(t *testing.T, h *httpState)
	}{
		{"pipelined requests, chunked response, then content-length", []step{
			{true, "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n"},
			{false, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n3;ext=1\r\nefg\r\n0\r\nTrailer: t\r\n\r\n"},
			{false, "HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\nno"},
		}, false, func(t *testing.T, h *httpState) {
			if len(h.txs) != 2 || string(h.txs[0].respBody) != "abcdefg" || h.txs[0].respLen != 7 || h.txs[1].status != 404 || string(h.txs[1].respBody) != "no" || !h.txs[1].respDone {
				t.Errorf("%+v %+v", h.txs[0], h.txs[1])
			}
		}},
		{"interim 100 continue", []step{
			{true, "POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n"},
			{false, "HTTP/1.1 100 Continue\r\n\r\n"},
			{true, "abc"},
			{false, "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"},
		}, false, func(t *testing.T, h *httpState) {
			if len(h.txs) != 1 || h.txs[0].status != 201 || string(h.txs[0].reqBody) != "abc" || !h.txs[0].reqDone {
				t.Errorf("%+v", h.txs[0])
			}
		}},
		{"body until close", []step{
			{true, "GET / HTTP/1.0\r\n\r\n"},
			{false, "HTTP/1.0 200 OK\r\n\r\nsome"},
			{false, " body"},
		}, true, func(t *testing.T, h *httpState) {
			if string(h.txs[0].respBody) != "some body" || !h.txs[0].respDone {
				t.Errorf("%+v", h.txs[0])
			}
		}},
		{"headers split across segments, bare LF, folded header", []step{
			{true, "GET /x HTTP/1.1\nHo"},
			{true, "st: Example.COM:8080\nX-Long: a\n b\n\n"},
		}, false, func(t *testing.T, h *httpState) {
			tx := h.txs[0]
			if normHost(tx.get(tx.reqHeaders, "Host")) != "example.com" || tx.get(tx.reqHeaders, "X-Long") != "a b" {
				t.Errorf("%+v", tx.reqHeaders)
			}
		}},
		{"garbage request line", []step{{true, "\x16\x03\x01 not http\r\n\r\n"}}, false, func(t *testing.T, h *httpState) {
			if h.errors != 1 || len(h.txs) != 0 || !h.req.broken {
				t.Errorf("errors %d txs %d", h.errors, len(h.txs))
			}
		}},
		{"bad chunk size", []step{
			{true, "GET / HTTP/1.1\r\n\r\n"},
			{false, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"},
		}, false, func(t *testing.T, h *httpState) {
			if h.errors != 1 || h.txs[0].status != 200 {
				t.Errorf("errors %d", h.errors)
			}
		}},
		{"header block too large", []step{{true, "GET / HTTP/1.1\r\nX: " + strings.Repeat("a", maxHeaderBytes+1)}}, false, func(t *testing.T, h *httpState) {
			if h.errors != 1 || !h.req.broken {
				t.Errorf("errors %d", h.errors)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := &httpState{keepReqBody: true, keepRespBody: true}
			for _, s := range tc.steps {
				h.feed([]byte(s.data), s.toServer, nil)
			}
			if tc.close {
				h.close()
			}
			tc.check(t, h)
		})
	}
}

func TestTLSClientHello(t *testing.T) {
	t.Parallel()
	hello := pcapgen.ClientHello("sni.example")
	var s tlsState
	// Byte by byte: the record header and handshake arrive in pieces.
	done := false
	for i := range hello {
		d, err := s.feed(hello[i : i+1])
		if err != nil {
			t.Fatal(err)
		}
		done = done || d
	}
	if !done || s.sni != "sni.example" || s.version != "TLS 1.2" || s.ja3 != "771,49199-156,0-10-11,23,0" || len(s.ja3Hash) != 32 {
		t.Errorf("%+v", s)
	}
	var bad tlsState
	if _, err := bad.feed([]byte{0x17, 0x03, 0x03, 0x00, 0x01, 0x00}); err == nil {
		t.Error("application data record accepted as a handshake")
	}
}

func TestDNSParser(t *testing.T) {
	t.Parallel()
	m, err := parseDNS(pcapgen.DNSQuery(0x1234, "a.b.example"))
	if err != nil || m.id != 0x1234 || m.response || len(m.queries) != 1 || m.queries[0].name != "a.b.example" || rrType(m.queries[0].rtype) != "A" {
		t.Fatalf("%+v %v", m, err)
	}
	// A response with a compressed answer pointing back at the question.
	resp := append(pcapgen.DNSQuery(1, "x.test"), 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 1)
	resp[2], resp[7] = 0x81, 1
	m, err = parseDNS(resp)
	if err != nil || !m.response || len(m.answers) != 1 || m.answers[0].name != "x.test" || m.answers[0].data != "127.0.0.1" || m.answers[0].ttl != 60 {
		t.Fatalf("%+v %v", m, err)
	}
	loop := []byte{0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1}
	if _, err := parseDNS(loop); err == nil {
		t.Error("a compression loop parsed")
	}
	if _, err := parseDNS([]byte{1, 2, 3}); err == nil {
		t.Error("a 3-byte message parsed")
	}
}

func TestTLSServerCertificate(t *testing.T) {
	t.Parallel()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(0x8001), Subject: pkix.Name{Country: []string{"US"}, Organization: []string{"Example"}, CommonName: "www.example.test"},
		NotBefore: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	pcap := capture(t, func(w *pcapgen.Writer) error {
		w.MSS = 100 // the certificate spans several segments
		c := w.TCP(cli, tlsS)
		if err := c.Handshake(); err != nil {
			return err
		}
		if err := c.Client(pcapgen.ClientHello("www.example.test")); err != nil {
			return err
		}
		return c.Server(pcapgen.ServerHelloCertificate(der))
	})
	rules := `alert tls any any -> any any (msg:"subject"; tls.cert_subject; content:"CN=www.example.test"; sid:1;)
alert tls any any -> any any (msg:"serial"; tls.cert_serial; content:"00:80:01"; sid:2;)
alert tls any any -> any any (msg:"sni and issuer"; tls.sni; content:"example"; tls_cert_issuer; content:"O=Example"; sid:3;)
alert tls any any -> any any (msg:"raw certificate"; tls.certs; content:"www.example.test"; sid:4;)`
	evs, _, err := run(t, rules, pcap, Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, sid := range []string{"1", "2", "3", "4"} {
		if count(evs, "alert", "alert.signature_id", sid, "tls.subject", "C=US, O=Example, CN=www.example.test") != 1 {
			t.Errorf("sid %s: %v", sid, evs)
		}
	}
	if count(evs, "tls", "tls.issuerdn", "C=US, O=Example, CN=www.example.test", "tls.serial", "00:80:01", "tls.notafter", "2027-01-01T00:00:00", "tls.sni", "www.example.test") != 1 {
		t.Errorf("tls record: %v", evs)
	}
}
