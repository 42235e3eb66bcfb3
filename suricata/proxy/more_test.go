package proxy

import (
	"bufio"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/moatdev/moat/suricata/nfw"
)

// TestRejectAndStateless: a reject rule on the SNI resets the client
// connection; a stateless drop of a port refuses the CONNECT on the TCP
// handshake; reject on HTTP is a 403 as well.
func TestRejectAndStateless(t *testing.T) {
	l := listen(t)
	_, blocked, _ := net.SplitHostPort(l.Addr().String())
	l.Close()
	doc := &nfw.PolicyDocument{FirewallPolicy: nfw.FirewallPolicy{
		StatelessDefaultActions: []string{"aws:forward_to_sfe"}, StatelessFragmentDefaultActions: []string{"aws:forward_to_sfe"},
		StatelessRuleGroupReferences: []nfw.RuleGroupReference{{ResourceArn: "arn:sl", Priority: 1}},
		StatefulRuleGroupReferences:  []nfw.RuleGroupReference{{ResourceArn: "arn:sf", Priority: 1}},
		PolicyVariables:              &nfw.PolicyVariables{RuleVariables: map[string]nfw.IPSet{"HOME_NET": {Definition: []string{"127.0.0.1/32"}}}}},
		RuleGroups: []nfw.DescribeRuleGroup{
			{RuleGroupResponse: nfw.RuleGroupResponse{RuleGroupArn: "arn:sl", RuleGroupName: "sl", Type: "STATELESS"},
				RuleGroup: nfw.RuleGroup{RulesSource: nfw.RulesSource{StatelessRulesAndCustomActions: &nfw.StatelessRulesAndCustomActions{
					StatelessRules: []nfw.StatelessRule{{Priority: 1, RuleDefinition: nfw.RuleDefinition{Actions: []string{"aws:drop"},
						MatchAttributes: nfw.MatchAttributes{Protocols: []int{6}, DestinationPorts: []nfw.PortRange{{FromPort: atoi(blocked), ToPort: atoi(blocked)}}}}}}}}}},
			{RuleGroupResponse: nfw.RuleGroupResponse{RuleGroupArn: "arn:sf", RuleGroupName: "sf", Type: "STATEFUL"},
				RuleGroup: nfw.RuleGroup{RulesSource: nfw.RulesSource{RulesString: `reject tls $HOME_NET any -> any any (tls.sni; content:"other"; msg:"rejected name"; sid:11;)
reject http $HOME_NET any -> any any (http.host; content:"other"; msg:"rejected host"; sid:12;)
`}}}}}
	fw, err := nfw.Compile(doc)
	if err != nil || len(fw.RuleErrors) > 0 {
		t.Fatal(err, fw.RuleErrors)
	}
	e := newEnv(t, fw, nil)
	if status, _, err := e.get("https://allowed.example:" + e.tlsPort + "/"); err != nil || status != 200 {
		t.Fatalf("allowed: %d %v", status, err)
	}
	before := e.tlsLn.n.Load()
	_, _, err = e.get("https://other.example:" + e.tlsPort + "/")
	if err == nil || e.tlsLn.n.Load() != before {
		t.Fatalf("reject: %v", err)
	}
	if !errors.Is(err, syscall.ECONNRESET) && !strings.Contains(err.Error(), "reset") {
		t.Logf("reject surfaced as %v (not a reset)", err)
	}
	if status, body, _ := e.get("http://other.example:" + e.httpPort + "/"); status != 403 || !strings.Contains(body, "reject rule sid 12: rejected host") {
		t.Fatalf("http reject: %d %q", status, body)
	}
	c, err := net.Dial("tcp", e.proxyURL.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "CONNECT allowed.example:%s HTTP/1.1\r\n\r\n", blocked)
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 403 || !strings.Contains(string(b), "stateless") {
		t.Fatalf("stateless: %d %q", resp.StatusCode, b)
	}
}

func atoi(s string) int {
	n := 0
	fmt.Sscan(s, &n)
	return n
}

// TestConcurrent mixes allowed and refused clients in parallel.
func TestConcurrent(t *testing.T) {
	e := allowlistEnv(t)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := 0; i < 32; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			host, want := "allowed.example", true
			if i%3 == 0 {
				host, want = "denied.example", false
			}
			for j := 0; j < 5; j++ {
				u := "https://" + host + ":" + e.tlsPort + "/"
				if j%2 == 1 {
					u = "http://" + host + ":" + e.httpPort + "/"
				}
				status, _, err := e.get(u)
				ok := err == nil && status == 200
				if ok != want {
					errs <- fmt.Errorf("%s: %d %v", u, status, err)
					return
				}
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestCloseWithOpenTunnel: Close ends open tunnels and returns.
func TestCloseWithOpenTunnel(t *testing.T) {
	e := allowlistEnv(t)
	c, err := net.Dial("tcp", e.proxyURL.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "CONNECT allowed.example:%s HTTP/1.1\r\n\r\n", e.tlsPort)
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatal(resp, err)
	}
	tc := tls.Client(&bufConn{c, br}, &tls.Config{ServerName: "allowed.example", RootCAs: e.pool})
	if err := tc.Handshake(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { e.proxy.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close hangs with an open tunnel")
	}
	tc.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := tc.Read(make([]byte, 1)); err == nil {
		t.Fatal("tunnel still open after Close")
	} else if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatal("tunnel not closed by Close")
	}
}

type bufConn struct {
	net.Conn
	r *bufio.Reader
}

func (b *bufConn) Read(p []byte) (int, error) { return b.r.Read(p) }

// TestIdleTimeouts: the idle timeout bounds the time between reads, not a
// whole transfer; a client that stalls its request body is cut off.
func TestIdleTimeouts(t *testing.T) {
	e := allowlistEnv(t, func(c *Config) { c.IdleTimeout = 300 * time.Millisecond })
	slow := listen(t)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i < 8; i++ {
			io.WriteString(w, "chunk\n")
			w.(http.Flusher).Flush()
			time.Sleep(100 * time.Millisecond)
		}
	})}
	go srv.Serve(slow)
	defer srv.Close()
	_, port, _ := net.SplitHostPort(slow.Addr().String())
	status, body, err := e.get("http://allowed.example:" + port + "/slow")
	if err != nil || status != 200 || strings.Count(body, "chunk") != 8 {
		t.Fatalf("slow download: %d %q %v", status, body, err)
	}
	start := time.Now()
	got := rawProxy(t, e, false, []byte("POST http://allowed.example:"+e.httpPort+"/ HTTP/1.1\r\nHost: allowed.example\r\nContent-Length: 100\r\n\r\nabc"))
	if !strings.HasPrefix(got, "HTTP/1.1 502") || time.Since(start) > 3*time.Second {
		t.Fatalf("stalled body: %q after %s", got, time.Since(start))
	}
}

// TestJA3Rule: a ja3.hash rule refuses one client fingerprint (here, a
// TLS 1.2-only Go client) and not another.
func TestJA3Rule(t *testing.T) {
	old := &tls.Config{ServerName: "allowed.example", MaxVersion: tls.VersionTLS12}
	hash := func() string {
		a, b := net.Pipe()
		go func() { tls.Client(a, old.Clone()).Handshake(); a.Close() }()
		_, h, err := ReadClientHello(b)
		b.Close()
		if err != nil {
			t.Fatal(err)
		}
		return h.JA3Hash
	}
	h1 := hash()
	if hash() != h1 {
		t.Skip("this Go client's JA3 varies between handshakes")
	}
	rules := `drop tls $HOME_NET any -> any any (ja3.hash; content:"` + h1 + `"; msg:"fingerprint"; sid:104;)` + "\n"
	fw := policy(t, "STRICT_ORDER", "ALLOWLIST", []string{"allowed.example"}, rules, nil, nfw.DropEstablished)
	e := newEnv(t, fw, nil)
	if status, _, err := e.get("https://allowed.example:" + e.tlsPort + "/"); err != nil || status != 200 {
		t.Fatalf("TLS 1.3 client: %d %v", status, err)
	}
	c := e.client()
	c.Transport.(*http.Transport).TLSClientConfig.MaxVersion = tls.VersionTLS12
	if _, err := c.Get("https://allowed.example:" + e.tlsPort + "/"); err == nil {
		t.Fatal("the fingerprinted client passed")
	}
	if !strings.Contains(e.alerts.String(), `"signature_id":104`) || !strings.Contains(e.alerts.String(), `"version":"TLS 1.2"`) {
		t.Fatalf("alerts:\n%s", e.alerts)
	}
}
