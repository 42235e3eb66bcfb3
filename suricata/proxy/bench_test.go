package proxy

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/netip"
	"testing"
	"time"

	"github.com/moatdev/moat/suricata"
	"github.com/moatdev/moat/suricata/nfw"
)

// benchDomains is a 1,000-entry allow list (the benchmark size),
// the names the benchmarks use at its end.
func benchDomains() []string {
	var ds []string
	for i := 0; i < 998; i++ {
		ds = append(ds, fmt.Sprintf("host%03d.service%d.example.net", i, i%17))
	}
	return append(ds, ".example.com", "allowed.example")
}

func benchPolicy(b *testing.B) *nfw.Firewall {
	return policy(b, "STRICT_ORDER", "ALLOWLIST", benchDomains(), testRules, nil, nfw.DropEstablished)
}

// BenchmarkDecision is the policy decision alone for one TLS connection:
// the handshake and the ClientHello through the 1,000-domain allow list.
func BenchmarkDecision(b *testing.B) {
	p, err := New(Config{Inspector: benchPolicy(b)})
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	hello := clientHello(b, "allowed.example")
	cli, srv := netip.MustParseAddrPort("127.0.0.1:40000"), netip.MustParseAddrPort("127.0.0.2:443")
	set := func(pk *suricata.Packet) { pk.SetBuffer(suricata.BufTLSSNI, []byte("allowed.example")) }
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f := p.newFlow(cli, srv, suricata.AppTLS)
		if f.handshake() != nil || f.data(hello, set) != nil || !f.fs.Passed {
			b.Fatal("not passed")
		}
	}
}

// benchClient opens a new connection per request (no keep-alive): one
// op is one connection.
func benchClient(e *env, proxied bool) *http.Client {
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: e.pool, ClientSessionCache: nil}, DisableKeepAlives: true}
	if proxied {
		tr.Proxy = http.ProxyURL(e.proxyURL)
	} else {
		// Direct: the same name, dialed at the upstream address.
		tr.DialContext = (&directDialer{}).DialContext
	}
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

func benchGet(b *testing.B, c *http.Client, url string) {
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		resp, err := c.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatal(resp.Status)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "conns/s")
}

func benchEnv(b *testing.B) *env {
	return newEnv(b, benchPolicy(b), func(c *Config) { c.ErrorLog = log.New(io.Discard, "", 0) })
}

// BenchmarkTLS: a new TLS connection (CONNECT, ClientHello, TLS handshake,
// one GET) per op, through the proxy and directly; the difference is the
// latency the proxy adds.
func BenchmarkTLS(b *testing.B) {
	for _, proxied := range []bool{false, true} {
		b.Run(map[bool]string{false: "direct", true: "proxy"}[proxied], func(b *testing.B) {
			e := benchEnv(b)
			benchGet(b, benchClient(e, proxied), "https://allowed.example:"+e.tlsPort+"/b")
		})
	}
}

// BenchmarkHTTP: a new plain HTTP connection and one GET per op.
func BenchmarkHTTP(b *testing.B) {
	for _, proxied := range []bool{false, true} {
		b.Run(map[bool]string{false: "direct", true: "proxy"}[proxied], func(b *testing.B) {
			e := benchEnv(b)
			benchGet(b, benchClient(e, proxied), "http://allowed.example:"+e.httpPort+"/b")
		})
	}
}

// BenchmarkTLSRefused: a connection refused on its SNI (the end of the
// allow list is searched and the default drop applies).
func BenchmarkTLSRefused(b *testing.B) {
	e := benchEnv(b)
	hello := clientHello(b, "denied.example")
	connect := []byte("CONNECT denied.example:" + e.tlsPort + " HTTP/1.1\r\n\r\n")
	msg := append(connect, hello...)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		c, err := netDial(e.proxyURL.Host)
		if err != nil {
			b.Fatal(err)
		}
		c.Write(msg)
		out, _ := io.ReadAll(c)
		c.Close()
		if !bytes.HasPrefix(out, []byte("HTTP/1.1 200")) || len(out) > 40 {
			b.Fatalf("%q", out)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "conns/s")
}

type directDialer struct{}

func (directDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	_, port, _ := net.SplitHostPort(addr)
	var d net.Dialer
	return d.DialContext(ctx, network, net.JoinHostPort(upstreamIP, port))
}

func netDial(addr string) (net.Conn, error) { return net.Dial("tcp", addr) }

// BenchmarkReadClientHello: parsing a Go client's ClientHello (SNI, JA3).
func BenchmarkReadClientHello(b *testing.B) {
	raw := clientHello(b, "allowed.example")
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, _, err := ReadClientHello(bytes.NewReader(raw)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListSize: the decision's cost as the allow list grows (the
// Aho-Corasick prefilter keeps it nearly flat).
func BenchmarkListSize(b *testing.B) {
	for _, n := range []int{10, 1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			var ds []string
			for i := 0; i < n-1; i++ {
				ds = append(ds, fmt.Sprintf("host%05d.service%d.example.net", i, i%17))
			}
			ds = append(ds, "allowed.example")
			p, err := New(Config{Inspector: policy(b, "STRICT_ORDER", "ALLOWLIST", ds, "", nil, nfw.DropEstablished)})
			if err != nil {
				b.Fatal(err)
			}
			defer p.Close()
			hello := clientHello(b, "allowed.example")
			cli, srv := netip.MustParseAddrPort("127.0.0.1:40000"), netip.MustParseAddrPort("127.0.0.2:443")
			set := func(pk *suricata.Packet) { pk.SetBuffer(suricata.BufTLSSNI, []byte("allowed.example")) }
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				f := p.newFlow(cli, srv, suricata.AppTLS)
				if f.handshake() != nil || f.data(hello, set) != nil || !f.fs.Passed {
					b.Fatal("not passed")
				}
			}
		})
	}
}
