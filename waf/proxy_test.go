package waf

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a locked log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// listenLoopback listens on 127.0.0.1 only (tests never bind other addresses).
func listenLoopback() (net.Listener, error) { return net.Listen("tcp", "127.0.0.1:0") }

// loopbackServer starts an httptest server bound to 127.0.0.1 only.
func loopbackServer(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	ln, err := listenLoopback()
	if err != nil {
		t.Fatal(err)
	}
	s := &httptest.Server{Listener: ln, Config: &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}}
	s.Start()
	t.Cleanup(s.Close)
	return s
}

func TestProxyEndToEnd(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var seen []*http.Request
	var bodies []string
	backend := loopbackServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		seen, bodies = append(seen, r), append(bodies, string(b))
		mu.Unlock()
		io.WriteString(w, "upstream ok")
	}))
	key := []byte("0123456789abcdef")
	clock := newClock()
	acl := exampleACL(t, clock, key)
	up, _ := url.Parse(backend.URL)
	logs := &syncBuffer{}
	sampler := NewSampler()
	p, err := NewProxy(ProxyConfig{Upstream: up, ACL: func() *WebACL { return acl }, TokenKey: key, Log: logs, Now: clock.now, Sampler: sampler})
	if err != nil {
		t.Fatal(err)
	}
	front := loopbackServer(t, p)
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 5 * time.Second}

	// allowed, forwarded, X-Forwarded-For appended
	resp, err := client.Get(front.URL + "/hello?q=shoes")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "upstream ok" {
		t.Fatalf("allowed request: %d %q", resp.StatusCode, body)
	}
	mu.Lock()
	if xff := seen[0].Header.Get("X-Forwarded-For"); xff != "127.0.0.1" {
		t.Errorf("X-Forwarded-For %q", xff)
	}
	mu.Unlock()

	// blocked with the custom response
	resp, err = client.Get(front.URL + "/?id=1%27%20OR%20%271%27%3D%271")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 406 || string(body) != `{"error":"denied"}` || resp.Header.Get("x-amzn-waf-reason") != "sqli" {
		t.Fatalf("blocked request: %d %q %v", resp.StatusCode, body, resp.Header)
	}

	// a large body: inspected up to the limit, forwarded whole
	big := strings.Repeat("a", 100_000)
	resp, err = client.Post(front.URL+"/upload", "text/plain", strings.NewReader(big))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 { // xss-body has OversizeHandling MATCH
		t.Fatalf("oversize body: %d, want 403 (OversizeHandling MATCH)", resp.StatusCode)
	}
	resp, err = client.Post(front.URL+"/upload", "text/plain", strings.NewReader("small body"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	mu.Lock()
	if last := bodies[len(bodies)-1]; last != "small body" {
		t.Errorf("upstream got body %q", last)
	}
	mu.Unlock()

	// CAPTCHA: interstitial, then the verify endpoint issues a token, then the request passes
	resp, err = client.Get(front.URL + "/admin")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 405 || resp.Header.Get("x-amzn-waf-action") != "captcha" || !strings.Contains(string(body), VerifyPath) {
		t.Fatalf("captcha: %d %v", resp.StatusCode, resp.Header)
	}
	req, _ := http.NewRequest("POST", front.URL+VerifyPath, strings.NewReader("kind=captcha"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Referer", front.URL+"/admin")
	resp, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "upstream ok" {
		t.Fatalf("after solving the CAPTCHA: %d %q", resp.StatusCode, body)
	}

	// one AWS log record per request
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 6 {
		t.Fatalf("%d log records, want 6:\n%s", len(lines), logs.String())
	}
	var rec LogRecord
	if err := json.Unmarshal([]byte(lines[1]), &rec); err != nil || rec.Action != "BLOCK" || rec.TerminatingRuleID != "sqli-query" || rec.HTTPRequest.ClientIP != "127.0.0.1" {
		t.Fatalf("log record %v: %s", err, lines[1])
	}

	// sampled requests
	if got, pop := sampler.Sampled("sqli-query", clock.t.Add(-time.Minute), clock.t, 10); pop != 1 || got[0].Request.URI != "/?id=1%27%20OR%20%271%27%3D%271" || got[0].ResponseCodeSent != 406 {
		t.Fatalf("sampled requests: %+v (population %d)", got, pop)
	}

	// metrics
	mrec := httptest.NewRecorder()
	p.Metrics.ServeHTTP(mrec, httptest.NewRequest("GET", "/metrics", nil))
	if !strings.Contains(mrec.Body.String(), `moat_waf_requests_total{webacl="example-acl",rule="sqli-query",metric="BlockedRequests"} 1`) {
		t.Fatalf("metrics:\n%s", mrec.Body.String())
	}
}

func TestProxyBadRequests(t *testing.T) {
	t.Parallel()
	backend := loopbackServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	clock := newClock()
	acl := exampleACL(t, clock, nil)
	up, _ := url.Parse(backend.URL)
	p, err := NewProxy(ProxyConfig{Upstream: up, ACL: func() *WebACL { return acl }})
	if err != nil {
		t.Fatal(err)
	}
	front := loopbackServer(t, p)
	raw := []struct{ req, status string }{
		{"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nbad\r\n0\r\n\r\n", "HTTP/1.1 400"},
		// within net/http's 1 MB header limit: evaluated, and this ACL
		// has no rule on headers, so it is forwarded
		{"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 1<<19) + "\r\n\r\n", "HTTP/1.1 200"},
		{"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 2<<20) + "\r\n\r\n", "HTTP/1.1 431"},
		{"GARBAGE\r\n\r\n", "HTTP/1.1 400"},
	}
	for i, rc := range raw {
		r := rc.req
		c, err := net.Dial("tcp", front.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(5 * time.Second))
		io.WriteString(c, r)
		line, _ := bufio.NewReader(c).ReadString('\n')
		c.Close()
		if !strings.HasPrefix(line, rc.status) {
			t.Errorf("raw request %d: status line %q, want %s", i, line, rc.status)
		}
	}
	// the proxy still serves
	resp, err := http.Get(front.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("after bad requests: %d", resp.StatusCode)
	}
	if _, err := NewProxy(ProxyConfig{ACL: func() *WebACL { return acl }}); err == nil {
		t.Fatal("proxy without upstream accepted")
	}
	if _, err := NewProxy(ProxyConfig{Upstream: up, ACL: func() *WebACL { return acl }, XFF: "sometimes"}); err == nil {
		t.Fatal("bad X-Forwarded-For mode accepted")
	}
}

func TestReloader(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	aclPath := filepath.Join(dir, "acl.json")
	write := func(action string) {
		t.Helper()
		doc := strings.Replace(oneRule(`{"ByteMatchStatement":{"FieldToMatch":{"UriPath":{}},"SearchString":"/x","PositionalConstraint":"EXACTLY","TextTransformations":[{"Priority":0,"Type":"NONE"}]}}`), `"Block"`, `"`+action+`"`, 1)
		if err := os.WriteFile(aclPath, []byte(doc), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("Block")
	rl, err := NewReloader(Files{WebACL: aclPath}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if eval(rl.Current(), get("/x")).Action != Block {
		t.Fatal("initial ACL does not block")
	}
	if changed, err := rl.Check(); changed || err != nil {
		t.Fatalf("unchanged files: %v %v", changed, err)
	}
	time.Sleep(10 * time.Millisecond)
	write("Count")
	os.Chtimes(aclPath, time.Now().Add(time.Second), time.Now().Add(time.Second))
	if changed, err := rl.Check(); !changed || err != nil {
		t.Fatalf("changed file: %v %v", changed, err)
	}
	if eval(rl.Current(), get("/x")).Action != Allow {
		t.Fatal("reloaded ACL still blocks")
	}
	os.WriteFile(aclPath, []byte(`{"Name":`), 0o600)
	os.Chtimes(aclPath, time.Now().Add(2*time.Second), time.Now().Add(2*time.Second))
	if changed, err := rl.Check(); changed || err == nil {
		t.Fatalf("broken file: changed %v, err %v; want the old ACL kept and an error", changed, err)
	}
	if eval(rl.Current(), get("/x")).Action != Allow {
		t.Fatal("broken file replaced the ACL")
	}
}

func TestProxyTLSFingerprints(t *testing.T) {
	t.Parallel()
	backend := loopbackServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	// Block when there is no JA3 fingerprint (FallbackBehavior MATCH) or it is a known bad one.
	acl := compileJSON(t, oneRule(`{"ByteMatchStatement":{"FieldToMatch":{"JA3Fingerprint":{"FallbackBehavior":"MATCH"}},"SearchString":"e7d705a3286e19ea42f587b344ee6865","PositionalConstraint":"EXACTLY","TextTransformations":[{"Priority":0,"Type":"NONE"}]}}`), Options{SearchString: "raw"})
	up, _ := url.Parse(backend.URL)
	logs := &syncBuffer{}
	p, err := NewProxy(ProxyConfig{Upstream: up, ACL: func() *WebACL { return acl }, Log: logs})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := listenLoopback()
	if err != nil {
		t.Fatal(err)
	}
	s := &httptest.Server{Listener: ln, Config: &http.Server{Handler: p, ConnState: p.ConnState, ReadHeaderTimeout: 5 * time.Second}, EnableHTTP2: true}
	s.TLS = p.TLSConfig(&tls.Config{})
	s.StartTLS()
	defer s.Close()
	resp, err := s.Client().Get(s.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.ProtoMajor != 2 {
		t.Fatalf("over TLS: %d %s, want 200 over HTTP/2 (the fingerprint is known, so no fallback)", resp.StatusCode, resp.Proto)
	}
	var rec LogRecord
	if err := json.Unmarshal([]byte(strings.TrimSpace(logs.String())), &rec); err != nil || len(rec.JA3Fingerprint) != 32 || !strings.HasPrefix(rec.JA4Fingerprint, "t13i") { // no SNI for an IP address
		t.Fatalf("log record %v: ja3 %q ja4 %q", err, rec.JA3Fingerprint, rec.JA4Fingerprint)
	}
	plain := loopbackServer(t, p)
	resp, err = http.Get(plain.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Fatalf("plain HTTP: %d, want 403 (no fingerprint, FallbackBehavior MATCH)", resp.StatusCode)
	}
}
