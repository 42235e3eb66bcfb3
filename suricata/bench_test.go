package suricata

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func etOpenDir(tb testing.TB) string {
	tb.Helper()
	dir, _ := os.Getwd()
	p := filepath.Join(dir, "..", "..", "shared", "datasets", "network", "et-open")
	if _, err := os.Stat(p); err != nil {
		tb.Skipf("%s is absent (the shared datasets are not checked out next to the repo)", p)
	}
	return p
}

// TestETOpenLint checks the parsed share of the shared ET Open files, so a
// regression in the parser shows up as a number.
func TestETOpenLint(t *testing.T) {
	dir := etOpenDir(t)
	want := map[string][2]int{"emerging-dns.rules": {28, 28}, "emerging-policy.rules": {838, 838}}
	for f, w := range want {
		src, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		rep := Lint(src, nil)
		if rep.Rules != w[0] || rep.Parsed < w[1] {
			t.Errorf("%s: %d rules, %d parsed; want %d rules, at least %d parsed", f, rep.Rules, rep.Parsed, w[0], w[1])
		}
		for _, e := range rep.Errors {
			if e.By == RefusedBySuricata {
				t.Errorf("%s: moat claims Suricata refuses a rule from a Suricata rule set: %v", f, e)
			}
		}
		anf := Lint(src, &Config{NetworkFirewall: true})
		t.Logf("%s: %d rules, %d load (Suricata mode), %d load (Network Firewall mode)", f, rep.Rules, rep.Parsed, anf.Parsed)
	}
}

func loadET(b *testing.B) []*Rule {
	dir := etOpenDir(b)
	var rules []*Rule
	for _, f := range []string{"emerging-policy.rules", "emerging-dns.rules"} {
		src, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			b.Fatal(err)
		}
		rules = append(rules, Parse(src, nil).Rules...)
	}
	return rules
}

func BenchmarkParseETOpen(b *testing.B) {
	dir := etOpenDir(b)
	src, err := os.ReadFile(filepath.Join(dir, "emerging-policy.rules"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		Parse(src, nil)
	}
}

func BenchmarkCompileETOpen(b *testing.B) {
	rules := loadET(b)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := Compile(rules, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkInspect is the per-packet hot path: an HTTP request packet with
// its buffers against 1, 100 and the ET Open rules.
func BenchmarkInspect(b *testing.B) {
	payload := "GET /index.php?id=42&page=../x HTTP/1.1\r\nHost: www.example.test\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64)\r\nAccept: */*\r\nCookie: a=b\r\n\r\n"
	var hundred strings.Builder
	for i := 0; i < 100; i++ {
		fmt.Fprintf(&hundred, "alert http any any -> any any (http.host; content:\"bad%d.test\"; endswith; sid:%d;)\n", i, i+1)
	}
	sets := map[string]func(b *testing.B) []*Rule{
		"1": func(b *testing.B) []*Rule {
			return Parse([]byte(`alert http any any -> any any (http.uri; content:"/admin"; sid:1;)`), nil).Rules
		},
		"100":     func(b *testing.B) []*Rule { return Parse([]byte(hundred.String()), nil).Rules },
		"et-open": loadET,
	}
	for _, name := range []string{"1", "100", "et-open"} {
		b.Run("rules="+name, func(b *testing.B) {
			rules := sets[name](b)
			e, err := Compile(rules, Options{})
			if err != nil {
				b.Fatal(err)
			}
			sc, fs, th := e.NewScratch(), &FlowState{}, NewThresholds()
			p := tcpPacket(payload)
			p.App = AppHTTP
			p.SetBuffer(BufHTTPURI, []byte("/index.php?id=42&page=../x"))
			p.SetBuffer(BufHTTPHost, []byte("www.example.test"))
			p.SetBuffer(BufHTTPMethod, []byte("GET"))
			p.SetBuffer(BufHTTPUserAgent, []byte("Mozilla/5.0 (X11; Linux x86_64)"))
			p.SetBuffer(BufHTTPHeader, []byte("Host: www.example.test\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64)\r\nAccept: */*\r\n"))
			b.SetBytes(int64(len(payload)))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				p.TxID = uint64(i + 1)
				p.Num = uint64(i + 1)
				e.Inspect(p, fs, th, sc)
			}
		})
	}
}
