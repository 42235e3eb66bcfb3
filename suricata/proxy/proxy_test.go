package proxy

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/moatdev/moat/suricata/nfw"
)

// Clients live at 127.0.0.1 (HOME_NET), upstream servers at 127.0.0.2
// (EXTERNAL_NET): both loopback.
const upstreamIP = "127.0.0.2"

var testNames = []string{"allowed.example", "denied.example", "www.example.com", "example.com", "notexample.com", "evil.example.com", "other.example"}

// testCert is a self-signed certificate for testNames.
func testCert(t testing.TB) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "moat proxy test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), DNSNames: testNames,
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

// countListener counts accepted connections.
type countListener struct {
	net.Listener
	n atomic.Int64
}

func (l *countListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.n.Add(1)
	}
	return c, err
}

type env struct {
	t           testing.TB
	proxy       *Proxy
	proxyURL    *url.URL
	tlsSrv      *httptest.Server
	tlsLn       *countListener
	httpSrv     *httptest.Server
	httpLn      *countListener
	httpReqs    atomic.Int64
	pool        *x509.CertPool
	cert        tls.Certificate
	alerts      *syncBuf
	flows       *syncBuf
	errs        *syncBuf
	tlsPort     string
	httpPort    string
	goroutines0 int
}

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func listen(t testing.TB) *countListener {
	l, err := net.Listen("tcp", upstreamIP+":0")
	if err != nil {
		t.Skipf("cannot listen on %s (loopback alias): %v", upstreamIP, err)
	}
	return &countListener{Listener: l}
}

// testResolver maps the test names to the upstream address.
func testResolver(_ context.Context, host string) ([]netip.Addr, error) {
	for _, n := range testNames {
		if n == host {
			return []netip.Addr{netip.MustParseAddr(upstreamIP)}, nil
		}
	}
	return nil, &net.DNSError{Err: "no such host (test resolver)", Name: host, IsNotFound: true}
}

func newEnv(t testing.TB, fw Inspector, tweak func(*Config)) *env {
	e := &env{t: t, alerts: &syncBuf{}, flows: &syncBuf{}, errs: &syncBuf{}, goroutines0: runtime.NumGoroutine()}
	e.cert, e.pool = testCert(t)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.httpReqs.Add(1)
		fmt.Fprintf(w, "hello %s %s", r.Host, r.URL.Path)
	})
	e.tlsLn = listen(t)
	e.tlsSrv = &httptest.Server{Listener: e.tlsLn, Config: &http.Server{Handler: h, ErrorLog: log.New(io.Discard, "", 0)}, TLS: &tls.Config{Certificates: []tls.Certificate{e.cert}}}
	e.tlsSrv.StartTLS()
	e.httpLn = listen(t)
	e.httpSrv = &httptest.Server{Listener: e.httpLn, Config: &http.Server{Handler: h}}
	e.httpSrv.Start()
	_, e.tlsPort, _ = net.SplitHostPort(e.tlsLn.Addr().String())
	_, e.httpPort, _ = net.SplitHostPort(e.httpLn.Addr().String())
	cfg := Config{Inspector: fw, Resolve: testResolver, AlertLog: e.alerts, FlowLog: e.flows, FirewallName: "egress-fw", AvailabilityZone: "us-east-1b",
		ErrorLog: log.New(e.errs, "", 0), HandshakeTimeout: 2 * time.Second, DialTimeout: 2 * time.Second, ResponseTimeout: 2 * time.Second}
	if tweak != nil {
		tweak(&cfg)
	}
	p, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.proxy = p
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go p.Serve(l)
	e.proxyURL = &url.URL{Scheme: "http", Host: l.Addr().String()}
	t.Cleanup(e.close)
	return e
}

func (e *env) close() {
	e.proxy.Close()
	e.tlsSrv.Close()
	e.httpSrv.Close()
	// No goroutine outlives Close.
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > e.goroutines0+2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > e.goroutines0+2 {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		e.t.Errorf("goroutine leak: %d goroutines, %d before\n%s", n, e.goroutines0, buf)
	}
}

func (e *env) client() *http.Client {
	return &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{Proxy: http.ProxyURL(e.proxyURL),
		TLSClientConfig: &tls.Config{RootCAs: e.pool}, DisableKeepAlives: true}}
}

func (e *env) get(u string) (int, string, error) {
	resp, err := e.client().Get(u)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), nil
}

func (e *env) records(buf *syncBuf) []Record {
	e.t.Helper()
	var out []Record
	sc := bufio.NewScanner(strings.NewReader(buf.String()))
	for sc.Scan() {
		var r Record
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&r); err != nil {
			e.t.Fatalf("log line %s: %v", sc.Text(), err)
		}
		out = append(out, r)
	}
	return out
}

// policy builds a policy document: a Suricata rule group (priority 10),
// optional 5-tuple rules (priority 15) and a domain list (priority 20).
func policy(t testing.TB, order, listType string, domains []string, rules string, tuples []nfw.StatefulRule, defaults ...string) *nfw.Firewall {
	t.Helper()
	doc := &nfw.PolicyDocument{FirewallPolicy: nfw.FirewallPolicy{
		StatelessDefaultActions: []string{"aws:forward_to_sfe"}, StatelessFragmentDefaultActions: []string{"aws:forward_to_sfe"},
		StatefulEngineOptions: &nfw.StatefulEngineOptions{RuleOrder: order}, StatefulDefaultActions: defaults,
		PolicyVariables: &nfw.PolicyVariables{RuleVariables: map[string]nfw.IPSet{"HOME_NET": {Definition: []string{"127.0.0.1/32"}}}}}}
	add := func(name string, prio int, src nfw.RulesSource) {
		arn := "arn:aws:network-firewall:us-east-1:123456789012:stateful-rulegroup/" + name
		doc.RuleGroups = append(doc.RuleGroups, nfw.DescribeRuleGroup{
			RuleGroup:         nfw.RuleGroup{RulesSource: src, StatefulRuleOptions: &nfw.StatefulRuleOptions{RuleOrder: order}},
			RuleGroupResponse: nfw.RuleGroupResponse{RuleGroupArn: arn, RuleGroupName: name, Type: "STATEFUL"}})
		doc.FirewallPolicy.StatefulRuleGroupReferences = append(doc.FirewallPolicy.StatefulRuleGroupReferences, nfw.RuleGroupReference{ResourceArn: arn, Priority: prio})
	}
	if rules != "" {
		add("suricata", 10, nfw.RulesSource{RulesString: rules})
	}
	if len(tuples) > 0 {
		add("tuples", 15, nfw.RulesSource{StatefulRules: tuples})
	}
	if len(domains) > 0 {
		add("domains", 20, nfw.RulesSource{RulesSourceList: &nfw.RulesSourceList{Targets: domains, TargetTypes: []string{"TLS_SNI", "HTTP_HOST"}, GeneratedRulesType: listType}})
	}
	fw, err := nfw.Compile(doc)
	if err != nil {
		t.Fatal(err)
	}
	if len(fw.RuleErrors) > 0 {
		t.Fatal(fw.RuleErrors)
	}
	return fw
}

const testRules = `drop tls $HOME_NET any -> any any (tls.sni; content:"evil"; msg:"evil SNI"; flow:to_server; sid:100; rev:2;)
drop http $HOME_NET any -> any any (http.uri; content:"/forbidden"; msg:"forbidden path"; flow:to_server; sid:101; rev:1;)
alert http $HOME_NET any -> any any (http.uri; content:"/watched"; msg:"watched path"; flow:to_server; sid:102; rev:1;)
`

func allowlistEnv(t *testing.T, tweak ...func(*Config)) *env {
	fw := policy(t, "STRICT_ORDER", "ALLOWLIST", []string{"allowed.example", ".example.com"}, testRules, nil, nfw.DropEstablished, nfw.AlertEstablished)
	var tw func(*Config)
	if len(tweak) > 0 {
		tw = tweak[0]
	}
	return newEnv(t, fw, tw)
}

func TestTLSAllowlist(t *testing.T) {
	e := allowlistEnv(t)
	for _, c := range []struct {
		host  string
		ok    bool
		sid   uint32 // the blocking rule
		alert string
	}{
		{"allowed.example", true, 0, ""},
		{"www.example.com", true, 0, ""},                                       // ".example.com": subdomain
		{"example.com", true, 0, ""},                                           // ".example.com": the domain itself
		{"notexample.com", false, 5, "not matching any TLS allowlisted FQDNs"}, // not a subdomain
		{"denied.example", false, 5, "not matching any TLS allowlisted FQDNs"},
		{"evil.example.com", false, 100, "evil SNI"}, // the Suricata group comes first
	} {
		t.Run(c.host, func(t *testing.T) {
			before := e.tlsLn.n.Load()
			status, body, err := e.get("https://" + c.host + ":" + e.tlsPort + "/x")
			if c.ok {
				if err != nil || status != 200 || body != "hello "+c.host+":"+e.tlsPort+" /x" {
					t.Fatalf("got %d %q %v", status, body, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("refused host answered %d %q", status, body)
			}
			if n := e.tlsLn.n.Load(); n != before {
				t.Fatalf("upstream saw %d connections for a refused SNI", n-before)
			}
			var found bool
			for _, r := range e.records(e.alerts) {
				ev := r.Event
				if ev.TLS != nil && ev.TLS.SNI == c.host && ev.Alert.Action == "blocked" && ev.Alert.SignatureID == c.sid && ev.Alert.Signature == c.alert {
					found = true
					if r.FirewallName != "egress-fw" || r.AvailabilityZone != "us-east-1b" || r.EventTimestamp == "" || ev.EventType != "alert" ||
						ev.SrcIP != "127.0.0.1" || ev.DestIP != upstreamIP || fmt.Sprint(ev.DestPort) != e.tlsPort || ev.Proto != "TCP" || ev.AppProto != "tls" || ev.FlowID == 0 {
						t.Fatalf("alert record: %+v %+v", r, ev)
					}
				}
			}
			if !found {
				t.Fatalf("no blocked alert sid %d for %s in\n%s", c.sid, c.host, e.alerts)
			}
			if !strings.Contains(e.errs.String(), fmt.Sprintf("TLS SNI %q refused", c.host)) {
				t.Fatalf("log: %s", e.errs)
			}
		})
	}
}

func TestHTTP(t *testing.T) {
	e := allowlistEnv(t)
	base := "http://allowed.example:" + e.httpPort
	if status, body, err := e.get(base + "/ok"); err != nil || status != 200 || body != "hello allowed.example:"+e.httpPort+" /ok" {
		t.Fatalf("allowed: %d %q %v", status, body, err)
	}
	n := e.httpReqs.Load()
	status, body, err := e.get(base + "/forbidden/x")
	if err != nil || status != 403 || !strings.Contains(body, "forbidden path") || !strings.Contains(body, "sid 101") {
		t.Fatalf("forbidden: %d %q %v", status, body, err)
	}
	status, body, err = e.get("http://denied.example:" + e.httpPort + "/")
	if err != nil || status != 403 || !strings.Contains(body, "not matching any HTTP allowlisted FQDNs") {
		t.Fatalf("denied host: %d %q %v", status, body, err)
	}
	if e.httpReqs.Load() != n {
		t.Fatal("a refused request reached the upstream")
	}
	// An alert rule lets the request through and logs it.
	if status, _, err := e.get(base + "/watched?q=1"); err != nil || status != 200 {
		t.Fatalf("watched: %d %v", status, err)
	}
	got := map[uint32]Record{}
	for _, r := range e.records(e.alerts) {
		got[r.Event.Alert.SignatureID] = r
	}
	if r := got[101]; r.Event.Alert == nil || r.Event.Alert.Action != "blocked" || r.Event.Alert.Rev != 1 || r.Event.HTTP == nil ||
		r.Event.HTTP.Hostname != "allowed.example" || r.Event.HTTP.URL != base+"/forbidden/x" || r.Event.HTTP.HTTPMethod != "GET" || r.Event.AppProto != "http" {
		t.Fatalf("sid 101 record: %+v %+v", r, r.Event.HTTP)
	}
	if r := got[102]; r.Event.Alert == nil || r.Event.Alert.Action != "allowed" || r.Event.Alert.Signature != "watched path" {
		t.Fatalf("sid 102 record: %+v", r)
	}
	if r := got[6]; r.Event.Alert == nil || r.Event.HTTP.Hostname != "denied.example" {
		t.Fatalf("sid 6 record: %+v", r)
	}
	// Flow log: the allowed flows carried data both ways.
	e.proxy.Close()
	var both bool
	for _, r := range e.records(e.flows) {
		ev := r.Event
		if ev.EventType != "netflow" || ev.Netflow == nil || ev.Netflow.Start == "" || ev.FlowID == 0 {
			t.Fatalf("flow record: %+v", r)
		}
		if ev.SrcIP == upstreamIP && ev.Netflow.Bytes > 0 && ev.AppProto == "http" {
			both = true
		}
	}
	if !both {
		t.Fatalf("no to-client netflow record:\n%s", e.flows)
	}
}

// TestKeepAlive sends several requests on one client connection, to two
// hosts: each host is its own flow.
func TestKeepAlive(t *testing.T) {
	e := allowlistEnv(t)
	tr := &http.Transport{Proxy: http.ProxyURL(e.proxyURL), MaxConnsPerHost: 1}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr, Timeout: 5 * time.Second}
	for i, host := range []string{"allowed.example", "allowed.example", "www.example.com", "allowed.example"} {
		resp, err := c.Get("http://" + host + ":" + e.httpPort + "/k")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(b) != "hello "+host+":"+e.httpPort+" /k" {
			t.Fatalf("%d: %d %q", i, resp.StatusCode, b)
		}
	}
	// As in Network Firewall, a pass rule passes the rest of its flow:
	// a later request on the same upstream connection is not inspected.
	resp, err := c.Get("http://allowed.example:" + e.httpPort + "/forbidden")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("same flow: %d", resp.StatusCode)
	}
	// A new flow is inspected.
	if status, _, _ := e.get("http://allowed.example:" + e.httpPort + "/forbidden"); status != 403 {
		t.Fatalf("new flow: %d", status)
	}
	// Expect: 100-continue is answered by the proxy once the request is allowed.
	req, _ := http.NewRequest("POST", "http://allowed.example:"+e.httpPort+"/post", strings.NewReader("body"))
	req.Header.Set("Expect", "100-continue")
	c2 := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{Proxy: http.ProxyURL(e.proxyURL), ExpectContinueTimeout: 5 * time.Second, DisableKeepAlives: true}}
	start := time.Now()
	resp, err = c2.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || time.Since(start) > 2*time.Second {
		t.Fatalf("expect: %d after %s", resp.StatusCode, time.Since(start))
	}
}

func TestDenylistDefaultOrder(t *testing.T) {
	fw := policy(t, "DEFAULT_ACTION_ORDER", "DENYLIST", []string{"denied.example"}, "", nil)
	e := newEnv(t, fw, nil)
	if status, _, err := e.get("https://other.example:" + e.tlsPort + "/"); err != nil || status != 200 {
		t.Fatalf("other: %d %v", status, err)
	}
	before := e.tlsLn.n.Load()
	if _, _, err := e.get("https://denied.example:" + e.tlsPort + "/"); err == nil {
		t.Fatal("denied.example passed")
	}
	if e.tlsLn.n.Load() != before {
		t.Fatal("upstream saw the refused connection")
	}
	if status, body, _ := e.get("http://denied.example:" + e.httpPort + "/"); status != 403 || !strings.Contains(body, "matching HTTP denylisted FQDNs") {
		t.Fatalf("http: %d %q", status, body)
	}
}

// TestFiveTuple drops the TLS server's port with a StatefulRule: the
// CONNECT is answered 403 on the TCP handshake.
func TestFiveTuple(t *testing.T) {
	l := listen(t)
	_, port, _ := net.SplitHostPort(l.Addr().String())
	l.Close()
	tuples := []nfw.StatefulRule{{Action: "DROP", Header: nfw.Header{Protocol: "TCP", Source: "ANY", SourcePort: "ANY", Direction: "FORWARD", Destination: upstreamIP, DestinationPort: port},
		RuleOptions: []nfw.RuleOption{{Keyword: "msg", Settings: []string{`"no port ` + port + `"`}}, {Keyword: "sid", Settings: []string{"7"}}}}}
	fw := policy(t, "STRICT_ORDER", "ALLOWLIST", []string{"allowed.example"}, "", tuples, nfw.DropEstablished)
	e := newEnv(t, fw, nil)
	c, err := net.Dial("tcp", e.proxyURL.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "CONNECT allowed.example:%s HTTP/1.1\r\nHost: allowed.example:%s\r\n\r\n", port, port)
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 403 || !strings.Contains(string(b), "sid 7") || !strings.Contains(string(b), "no port "+port) {
		t.Fatalf("%d %q", resp.StatusCode, b)
	}
	// The other port still works.
	if status, _, err := e.get("https://allowed.example:" + e.tlsPort + "/"); err != nil || status != 200 {
		t.Fatalf("%d %v", status, err)
	}
}

// rawProxy sends bytes to the proxy and returns what it answers until it
// closes the connection.
func rawProxy(t *testing.T, e *env, closeWrite bool, send ...[]byte) string {
	t.Helper()
	c, err := net.Dial("tcp", e.proxyURL.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	for _, b := range send {
		if _, err := c.Write(b); err != nil {
			break
		}
	}
	if closeWrite {
		c.(*net.TCPConn).CloseWrite()
	}
	out, err := io.ReadAll(c)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatalf("the proxy did not close the connection; got %q", out)
	}
	return string(out)
}

func TestBadInput(t *testing.T) {
	e := allowlistEnv(t, func(c *Config) { c.HandshakeTimeout = 300 * time.Millisecond })
	connect := []byte("CONNECT allowed.example:" + e.tlsPort + " HTTP/1.1\r\nHost: x\r\n\r\n")
	before := e.tlsLn.n.Load()
	cases := []struct {
		name   string
		eof    bool // the client half-closes after sending
		send   [][]byte
		answer string // prefix of the answer
		log    string
	}{
		{"non-TLS in CONNECT", false, [][]byte{connect, []byte("GET / HTTP/1.1\r\n\r\n")}, "HTTP/1.1 200", "not a TLS handshake"},
		{"malformed ClientHello", false, [][]byte{connect, {22, 3, 1, 0, 8, 1, 0, 0, 4, 3, 3, 0, 0}}, "HTTP/1.1 200", "malformed ClientHello"},
		{"huge record length", false, [][]byte{connect, {22, 3, 1, 0xff, 0xff}}, "HTTP/1.1 200", "TLS record length 65535"},
		{"truncated hello", false, [][]byte{connect, {22, 3, 1, 0, 50, 1, 0}}, "HTTP/1.1 200", "no ClientHello within"},
		{"silent client", false, nil, "", "no complete request within"},
		{"hello cut short", true, [][]byte{connect, {22, 3, 1, 0, 50, 1, 0}}, "HTTP/1.1 200", "truncated TLS record"},
		{"malformed request", false, [][]byte{[]byte("BLAH\r\n\r\n")}, "HTTP/1.1 400", "malformed HTTP request"},
		{"origin-form request", false, [][]byte{[]byte("GET / HTTP/1.1\r\nHost: allowed.example\r\n\r\n")}, "HTTP/1.1 400", "absolute-form"},
		{"oversized head", false, [][]byte{[]byte("GET http://allowed.example/ HTTP/1.1\r\nX: " + strings.Repeat("a", 70<<10) + "\r\n\r\n")}, "HTTP/1.1 431", "request head larger than"},
		{"bad CONNECT target", false, [][]byte{[]byte("CONNECT allowed.example HTTP/1.1\r\n\r\n")}, "HTTP/1.1 400", "CONNECT: target"},
		{"unknown host", false, [][]byte{[]byte("CONNECT nowhere.example:443 HTTP/1.1\r\n\r\n")}, "HTTP/1.1 502", "cannot resolve"},
		{"SNI mismatch", false, [][]byte{connect, clientHello(t, "denied.example")}, "HTTP/1.1 200", "not the CONNECT host"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := rawProxy(t, e, c.eof, c.send...)
			if !strings.HasPrefix(got, c.answer) {
				t.Fatalf("answer %q", got)
			}
			if !strings.Contains(e.errs.String(), c.log) {
				t.Fatalf("log %q lacks %q", e.errs, c.log)
			}
		})
	}
	if e.tlsLn.n.Load() != before {
		t.Fatal("bad input reached the upstream")
	}
}

// clientHello returns the first flight of a Go TLS client for sni.
func clientHello(t testing.TB, sni string) []byte {
	a, b := net.Pipe()
	go func() {
		tls.Client(a, &tls.Config{ServerName: sni}).Handshake()
		a.Close()
	}()
	raw, _, err := ReadClientHello(b)
	b.Close()
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestUpstreamFailures(t *testing.T) {
	// A listener that accepts and never answers.
	silent := listen(t)
	var held []net.Conn
	var mu sync.Mutex
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			held = append(held, c)
			mu.Unlock()
		}
	}()
	defer func() {
		silent.Close()
		mu.Lock()
		for _, c := range held {
			c.Close()
		}
		mu.Unlock()
	}()
	_, silentPort, _ := net.SplitHostPort(silent.Addr().String())
	closed := listen(t)
	_, closedPort, _ := net.SplitHostPort(closed.Addr().String())
	closed.Close()
	fw := policy(t, "STRICT_ORDER", "ALLOWLIST", []string{"allowed.example"}, "", nil, nfw.DropEstablished)
	e := newEnv(t, fw, func(c *Config) { c.ResponseTimeout = 300 * time.Millisecond })
	if status, body, err := e.get("http://allowed.example:" + silentPort + "/"); err != nil || status != 504 {
		t.Fatalf("silent upstream: %d %q %v", status, body, err)
	}
	if status, body, err := e.get("http://allowed.example:" + closedPort + "/"); err != nil || status != 502 {
		t.Fatalf("closed port: %d %q %v", status, body, err)
	}
	if _, _, err := e.get("https://allowed.example:" + closedPort + "/"); err == nil {
		t.Fatal("CONNECT to a closed port succeeded")
	}
	for _, want := range []string{"sent no response within", "upstream: dial tcp", "connection refused"} {
		if !strings.Contains(e.errs.String(), want) {
			t.Fatalf("log %q lacks %q", e.errs, want)
		}
	}
}

// TestCurl drives the proxy with curl --proxy.
func TestCurl(t *testing.T) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("curl is not installed: skipping the curl --proxy test")
	}
	e := allowlistEnv(t)
	ca := t.TempDir() + "/ca.pem"
	if err := os.WriteFile(ca, pemCert(e.cert.Leaf.Raw), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(url string) (string, error) {
		out, err := exec.Command(curl, "--silent", "--show-error", "--max-time", "5", "--noproxy", "", "--proxy", e.proxyURL.String(), "--cacert", ca, url).CombinedOutput()
		return string(out), err
	}
	if out, err := run("https://allowed.example:" + e.tlsPort + "/c"); err != nil || out != "hello allowed.example:"+e.tlsPort+" /c" {
		t.Fatalf("curl allowed: %q %v", out, err)
	}
	before := e.tlsLn.n.Load()
	if out, err := run("https://denied.example:" + e.tlsPort + "/c"); err == nil {
		t.Fatalf("curl denied passed: %q", out)
	}
	if e.tlsLn.n.Load() != before {
		t.Fatal("upstream saw the denied connection")
	}
	if out, _ := run("http://allowed.example:" + e.httpPort + "/forbidden"); !strings.Contains(out, "forbidden path") {
		t.Fatalf("curl http: %q", out)
	}
}

func pemCert(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}
