package waf

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/netip"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Forwarded-for handling of the proxy (like an ALB's
// routing.http.xff_header_processing.mode).
const (
	XFFAppend   = "append"   // add the client address to X-Forwarded-For (default)
	XFFPreserve = "preserve" // forward the header unchanged
	XFFRemove   = "remove"   // drop the header
)

// ProxyConfig configures a Proxy.
type ProxyConfig struct {
	Upstream *url.URL
	// ACL returns the web ACL to enforce; it is called per request, so a
	// reloader can swap ACLs without dropping connections.
	ACL func() *WebACL
	// TokenKey signs the aws-waf-token cookies the proxy issues at
	// VerifyPath; use the key given to Compile.
	TokenKey []byte
	XFF      string
	// Log receives one AWS log record per request as a JSON line (nil: none).
	Log io.Writer
	// Sampler, if set, keeps sampled requests for GetSampledRequests.
	Sampler *Sampler
	Source  LogSource
	// Transport reaches the upstream (default http.DefaultTransport).
	Transport http.RoundTripper
	Now       func() time.Time
}

// Proxy is an http.Handler that enforces a web ACL in front of an upstream.
// Bodies are read up to the ACL's inspection limit for inspection; the rest
// streams to the upstream uninspected, as with AWS.
type Proxy struct {
	cfg     ProxyConfig
	rp      *httputil.ReverseProxy
	logMu   sync.Mutex
	fps     sync.Map // client address -> tlsFingerprints
	Metrics *Metrics
}

type tlsFingerprints struct{ ja3, ja4 string }

// TLSConfig returns a copy of base that records each client's JA3 and JA4
// fingerprints from its ClientHello, for JA3Fingerprint / JA4Fingerprint
// rules and log records. Serve TLS with it and set the http.Server's
// ConnState to p.ConnState so that closed connections are forgotten.
func (p *Proxy) TLSConfig(base *tls.Config) *tls.Config {
	c := base.Clone()
	prev := c.GetConfigForClient
	c.GetConfigForClient = func(h *tls.ClientHelloInfo) (*tls.Config, error) {
		if h.Conn != nil {
			p.fps.Store(h.Conn.RemoteAddr().String(), tlsFingerprints{JA3(h), JA4(h)})
		}
		if prev != nil {
			return prev(h)
		}
		return nil, nil
	}
	return c
}

// ConnState forgets the fingerprints of closed connections.
func (p *Proxy) ConnState(c net.Conn, s http.ConnState) {
	if s == http.StateClosed || s == http.StateHijacked {
		p.fps.Delete(c.RemoteAddr().String())
	}
}

// NewProxy returns a proxy; it fails without an upstream or ACL.
func NewProxy(cfg ProxyConfig) (*Proxy, error) {
	if cfg.Upstream == nil || cfg.Upstream.Host == "" {
		return nil, errors.New("proxy: upstream URL with a host is required")
	}
	if cfg.ACL == nil {
		return nil, errors.New("proxy: ACL is required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	switch cfg.XFF {
	case "":
		cfg.XFF = XFFAppend
	case XFFAppend, XFFPreserve, XFFRemove:
	default:
		return nil, fmt.Errorf("proxy: X-Forwarded-For mode must be append, preserve or remove, got %q", cfg.XFF)
	}
	if cfg.Source.Name == "" {
		cfg.Source.Name = "MOAT"
	}
	p := &Proxy{cfg: cfg, Metrics: NewMetrics()}
	up := cfg.Upstream
	p.rp = &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(up)
			pr.Out.Host = pr.In.Host
			switch cfg.XFF {
			case XFFAppend:
				pr.Out.Header["X-Forwarded-For"] = pr.In.Header["X-Forwarded-For"]
				pr.SetXForwarded()
			case XFFPreserve:
				pr.Out.Header["X-Forwarded-For"] = pr.In.Header["X-Forwarded-For"]
			case XFFRemove:
				pr.Out.Header.Del("X-Forwarded-For")
			}
		},
		Transport: cfg.Transport,
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			http.Error(w, "Bad Gateway", http.StatusBadGateway)
		},
	}
	return p, nil
}

func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == VerifyPath && r.Method == http.MethodPost {
		p.verify(w, r)
		return
	}
	acl := p.cfg.ACL()
	req := &Request{Method: r.Method, URI: r.RequestURI, HTTPVersion: r.Proto, ID: r.Header.Get("X-Amzn-Trace-Id")}
	if req.URI == "" {
		req.URI = r.URL.RequestURI()
	}
	if ap, err := netip.ParseAddrPort(r.RemoteAddr); err == nil {
		req.ClientIP = ap.Addr().Unmap()
	}
	if fp, ok := p.fps.Load(r.RemoteAddr); ok && r.TLS != nil {
		req.JA3, req.JA4 = fp.(tlsFingerprints).ja3, fp.(tlsFingerprints).ja4
	}
	req.Headers = append(req.Headers, Header{Name: "Host", Value: r.Host})
	names := make([]string, 0, len(r.Header))
	for k := range r.Header {
		names = append(names, k)
	}
	sort.Strings(names) // net/http does not keep the order of headers
	for _, k := range names {
		for _, v := range r.Header[k] {
			req.Headers = append(req.Headers, Header{Name: k, Value: v})
		}
	}
	if r.Body != nil && r.Body != http.NoBody {
		buf, err := io.ReadAll(io.LimitReader(r.Body, int64(acl.BodyLimit())+1))
		if err != nil {
			http.Error(w, "Bad Request", http.StatusBadRequest) // e.g. invalid chunked encoding
			return
		}
		req.Body = buf
		if len(buf) > acl.BodyLimit() {
			req.Body, req.BodyTruncated = buf[:acl.BodyLimit()], true
		}
		r.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(buf), r.Body), r.Body}
	}
	var res Result
	acl.Evaluate(req, &res)
	p.Metrics.observe(acl.Name(), &res)
	if p.cfg.Log != nil {
		p.writeLog(acl, req, &res)
	}
	if p.cfg.Sampler != nil {
		p.cfg.Sampler.Record(acl, req, &res, p.cfg.Now())
	}
	if res.Response != nil && res.Action != Allow && res.Action != Count {
		writeResponse(w, res.Response)
		return
	}
	for _, h := range res.InsertHeaders {
		r.Header.Add(h.Name, h.Value)
	}
	p.rp.ServeHTTP(w, r)
}

func (p *Proxy) writeLog(acl *WebACL, req *Request, res *Result) {
	rec := acl.Log(req, res, p.cfg.Now(), p.cfg.Source)
	b, err := json.Marshal(rec)
	if err != nil {
		return
	}
	b = append(b, '\n')
	p.logMu.Lock()
	p.cfg.Log.Write(b)
	p.logMu.Unlock()
}

func writeResponse(w http.ResponseWriter, resp *Response) {
	for _, h := range resp.Headers {
		w.Header().Add(h.Name, h.Value)
	}
	if resp.ContentType != "" {
		w.Header().Set("Content-Type", resp.ContentType)
	}
	w.WriteHeader(resp.Status)
	io.WriteString(w, resp.Body)
}

// verify issues a token after moat's interstitial and sends the client
// back to the page it came from (same host only).
func (p *Proxy) verify(w http.ResponseWriter, r *http.Request) {
	now := p.cfg.Now()
	var captchaAt time.Time
	if r.FormValue("kind") == "captcha" {
		captchaAt = now
	}
	http.SetCookie(w, &http.Cookie{Name: TokenCookie, Value: IssueToken(p.cfg.TokenKey, now, captchaAt), Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	back := "/"
	if ref, err := url.Parse(r.Referer()); err == nil && ref.Host == r.Host && strings.HasPrefix(ref.Path, "/") {
		back = ref.RequestURI()
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// Metrics counts requests per rule and action, as AWS's CloudWatch metrics
// (AllowedRequests, BlockedRequests, CountedRequests, CaptchaRequests,
// ChallengeRequests with a Rule dimension; "ALL" for the web ACL).
type Metrics struct {
	mu sync.Mutex
	n  map[metricKey]uint64
}

type metricKey struct {
	acl, rule string
	action    Action
}

// NewMetrics returns empty counters.
func NewMetrics() *Metrics { return &Metrics{n: map[metricKey]uint64{}} }

var metricNames = [...]string{"AllowedRequests", "BlockedRequests", "CountedRequests", "CaptchaRequests", "ChallengeRequests"}

func (m *Metrics) observe(acl string, res *Result) {
	m.mu.Lock()
	m.n[metricKey{acl, "ALL", res.Action}]++
	m.n[metricKey{acl, res.TerminatingRuleID, res.Action}]++
	for _, nt := range res.NonTerminating {
		m.n[metricKey{acl, nt.RuleID, nt.Action}]++
	}
	m.mu.Unlock()
}

// ServeHTTP writes the counters in the Prometheus text format.
func (m *Metrics) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	m.mu.Lock()
	keys := make([]metricKey, 0, len(m.n))
	for k := range m.n {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.acl != b.acl {
			return a.acl < b.acl
		}
		if a.rule != b.rule {
			return a.rule < b.rule
		}
		return a.action < b.action
	})
	var b strings.Builder
	b.WriteString("# TYPE moat_waf_requests_total counter\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "moat_waf_requests_total{webacl=%q,rule=%q,metric=%q} %d\n", k.acl, k.rule, metricNames[k.action], m.n[k])
	}
	m.mu.Unlock()
	w.Header().Set("Content-Type", "text/plain; version=0.0.4")
	io.WriteString(w, b.String())
}

// Reloader keeps the compiled web ACL of a set of files current: Current is
// cheap and lock-free; Check recompiles when a file's modification time or
// size changed and keeps the previous ACL when the new one does not compile.
type Reloader struct {
	files Files
	opts  Options
	cur   atomic.Pointer[WebACL]
	stamp string
}

// NewReloader compiles the files once.
func NewReloader(files Files, opts Options) (*Reloader, error) {
	rl := &Reloader{files: files, opts: opts}
	w, err := CompileFiles(files, opts)
	if err != nil {
		return nil, err
	}
	rl.cur.Store(w)
	rl.stamp = rl.fingerprint()
	return rl, nil
}

// Current returns the ACL in force.
func (rl *Reloader) Current() *WebACL { return rl.cur.Load() }

func (rl *Reloader) fingerprint() string {
	var b strings.Builder
	all := append([]string{rl.files.WebACL}, rl.files.IPSets...)
	all = append(append(all, rl.files.RegexPatternSets...), rl.files.RuleGroups...)
	for _, f := range all {
		if st, err := os.Stat(f); err == nil {
			fmt.Fprintf(&b, "%s %d %d;", f, st.ModTime().UnixNano(), st.Size())
		}
	}
	return b.String()
}

// Check reloads when the files changed (call it from one goroutine); it reports whether a new ACL is in
// force, and the compile error that kept the old one.
func (rl *Reloader) Check() (bool, error) {
	fp := rl.fingerprint()
	if fp == rl.stamp {
		return false, nil
	}
	rl.stamp = fp
	w, err := CompileFiles(rl.files, rl.opts)
	if err != nil {
		return false, err
	}
	rl.cur.Store(w)
	return true, nil
}
