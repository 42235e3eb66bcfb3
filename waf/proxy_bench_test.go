package waf

import (
	"io"
	"net/http"
	"net/url"
	"sort"
	"testing"
	"time"
)

// BenchmarkProxyLatency measures the latency the proxy adds on loopback:
// each op is one GET through the proxy (detection ACL) and one straight to
// the backend; it reports the p50 and p99 of both and the p99 difference.
// The target: < 1 ms p99 added at 1,000 requests/s.
func BenchmarkProxyLatency(b *testing.B) {
	backend := loopbackServerB(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		io.WriteString(w, "ok")
	}))
	acl := detectionACL(b)
	up, _ := url.Parse(backend)
	p, err := NewProxy(ProxyConfig{Upstream: up, ACL: func() *WebACL { return acl }})
	if err != nil {
		b.Fatal(err)
	}
	front := loopbackServerB(b, p)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}, Timeout: 5 * time.Second}
	get := func(base string) time.Duration {
		start := time.Now()
		resp, err := client.Get(base + "/search?q=running+shoes&page=2")
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return time.Since(start)
	}
	get(front)
	get(backend)
	direct := make([]time.Duration, 0, b.N)
	proxied := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		proxied = append(proxied, get(front))
		direct = append(direct, get(backend))
	}
	b.StopTimer()
	pd, pp := percentiles(direct), percentiles(proxied)
	b.ReportMetric(float64(pd[0].Microseconds()), "direct-p50-µs")
	b.ReportMetric(float64(pd[1].Microseconds()), "direct-p99-µs")
	b.ReportMetric(float64(pp[0].Microseconds()), "proxy-p50-µs")
	b.ReportMetric(float64(pp[1].Microseconds()), "proxy-p99-µs")
	b.ReportMetric(float64((pp[1] - pd[1]).Microseconds()), "added-p99-µs")
}

func percentiles(d []time.Duration) [2]time.Duration {
	if len(d) == 0 {
		return [2]time.Duration{}
	}
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return [2]time.Duration{s[len(s)/2], s[len(s)*99/100]}
}

func loopbackServerB(b *testing.B, h http.Handler) string {
	b.Helper()
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	ln, err := listenLoopback()
	if err != nil {
		b.Fatal(err)
	}
	go srv.Serve(ln)
	b.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String()
}
