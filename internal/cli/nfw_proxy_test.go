package cli

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/networkfirewall"
	nfwtypes "github.com/aws/aws-sdk-go-v2/service/networkfirewall/types"
	"github.com/spf13/cobra"
)

type lockedBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestNfwProxy runs moat nfw proxy on a policy document with a domain
// deny list and a --rules file; upstream servers listen on 127.0.0.2 (loopback), names are
// resolved with --resolve.
func TestNfwProxy(t *testing.T) {
	if c, _, _ := newRootCmd().Find([]string{"nfw", "proxy"}); c == nil || c.Name() != "proxy" {
		t.Fatal("moat nfw proxy is not registered")
	}
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("no 127.0.0.2 loopback alias: %v", err)
	}
	var seen sync.Map
	srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen.Store(r.Host, true)
		io.WriteString(w, "ok")
	})}}
	srv.StartTLS()
	defer srv.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	dir := t.TempDir()
	doc := `{"FirewallPolicy": {"StatelessDefaultActions": ["aws:forward_to_sfe"], "StatelessFragmentDefaultActions": ["aws:forward_to_sfe"],
	  "StatefulRuleGroupReferences": [{"ResourceArn": "arn:aws:network-firewall:us-east-1:123456789012:stateful-rulegroup/domains", "Priority": 1}],
	  "StatefulEngineOptions": {"RuleOrder": "STRICT_ORDER"}},
	 "RuleGroups": [{"RuleGroup": {"RulesSource": {"RulesSourceList": {"Targets": ["other.test"], "TargetTypes": ["TLS_SNI", "HTTP_HOST"], "GeneratedRulesType": "DENYLIST"}},
	   "StatefulRuleOptions": {"RuleOrder": "STRICT_ORDER"}},
	  "RuleGroupResponse": {"RuleGroupArn": "arn:aws:network-firewall:us-east-1:123456789012:stateful-rulegroup/domains", "RuleGroupName": "domains", "Type": "STATEFUL"}}]}`
	policy := writeNfwFile(t, dir, "policy.json", []byte(doc))
	rules := writeNfwFile(t, dir, "extra.rules", []byte(`drop tls $HOME_NET any -> any any (tls.sni; content:"blocked"; msg:"no blocked names"; sid:900;)`+"\n"))
	alerts := filepath.Join(dir, "alert.log")
	ctx, stop := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	o := &nfwProxyOpts{policy: policy, rules: []string{rules}, listen: "127.0.0.1:0", homeNet: []string{"127.0.0.1/32"}, region: "eu-west-1",
		resolve:  []string{"www.example.com=127.0.0.2", "blocked.example.com=127.0.0.2", "other.test=127.0.0.2"},
		alertLog: alerts, flowLog: alerts, fwName: "edge", stop: ctx, ready: func(a string) { ready <- a }}
	cmd := &cobra.Command{}
	errOut := &lockedBuf{}
	cmd.SetErr(errOut)
	done := make(chan error, 1)
	go func() { done <- runNfwProxy(cmd, o) }()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("proxy: %v\n%s", err, errOut)
	}
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{Proxy: http.ProxyURL(&url.URL{Scheme: "http", Host: addr}),
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, DisableKeepAlives: true}}
	resp, err := client.Get("https://www.example.com:" + port + "/")
	if err != nil {
		t.Fatalf("allowed: %v\n%s", err, errOut)
	}
	resp.Body.Close()
	for _, h := range []string{"other.test", "blocked.example.com"} {
		if _, err := client.Get("https://" + h + ":" + port + "/"); err == nil {
			t.Fatalf("%s passed", h)
		}
		if _, ok := seen.Load(h + ":" + port); ok {
			t.Fatalf("%s reached the upstream", h)
		}
	}
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	body, err := os.ReadFile(alerts)
	if err != nil {
		t.Fatal(err)
	}
	sids := map[float64]bool{}
	netflows := 0
	for _, line := range strings.Split(strings.TrimSpace(string(body)), "\n") {
		var r struct {
			FW    string `json:"firewall_name"`
			AZ    string `json:"availability_zone"`
			Event map[string]any
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		if r.FW != "edge" || r.AZ != "eu-west-1a" {
			t.Fatalf("envelope: %s", line)
		}
		switch r.Event["event_type"] {
		case "alert":
			sids[r.Event["alert"].(map[string]any)["signature_id"].(float64)] = true
		case "netflow":
			netflows++
		}
	}
	// 900: the --rules group, after the policy's; 1: the deny list's TLS rule.
	if !sids[900] || !sids[1] || netflows < 3 {
		t.Fatalf("sids %v, %d netflow records:\n%s\n%s", sids, netflows, body, errOut)
	}
	if !strings.Contains(errOut.String(), `TLS SNI "other.test" refused`) {
		t.Fatalf("log: %s", errOut)
	}
}

// TestNfwProxyLive: --firewall fetches a firewall's policy from moat serve's
// Network Firewall API (as moat nfw fetch does) and enforces it.
func TestNfwProxyLive(t *testing.T) {
	up, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("no 127.0.0.2 loopback alias: %v", err)
	}
	srv := &httptest.Server{Listener: up, Config: &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })}}
	srv.StartTLS()
	defer srv.Close()
	_, port, _ := net.SplitHostPort(up.Addr().String())

	endpoint, cfg := liveServer(t)
	ctx := context.Background()
	vpc, err := ec2.NewFromConfig(cfg).CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.1.0.0/16")})
	if err != nil {
		t.Fatal(err)
	}
	nf := networkfirewall.NewFromConfig(cfg)
	g, err := nf.CreateRuleGroup(ctx, &networkfirewall.CreateRuleGroupInput{RuleGroupName: aws.String("egress-domains"), Type: nfwtypes.RuleGroupTypeStateful, Capacity: aws.Int32(10),
		RuleGroup: &nfwtypes.RuleGroup{RulesSource: &nfwtypes.RulesSource{RulesSourceList: &nfwtypes.RulesSourceList{
			Targets: []string{".allowed.test"}, TargetTypes: []nfwtypes.TargetType{nfwtypes.TargetTypeTlsSni}, GeneratedRulesType: nfwtypes.GeneratedRulesTypeAllowlist}}}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := nf.CreateFirewallPolicy(ctx, &networkfirewall.CreateFirewallPolicyInput{FirewallPolicyName: aws.String("egress"), FirewallPolicy: &nfwtypes.FirewallPolicy{
		StatelessDefaultActions: []string{"aws:forward_to_sfe"}, StatelessFragmentDefaultActions: []string{"aws:forward_to_sfe"},
		StatefulRuleGroupReferences: []nfwtypes.StatefulRuleGroupReference{{ResourceArn: g.RuleGroupResponse.RuleGroupArn}}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := nf.CreateFirewall(ctx, &networkfirewall.CreateFirewallInput{FirewallName: aws.String("edge"), FirewallPolicyArn: p.FirewallPolicyResponse.FirewallPolicyArn,
		VpcId: vpc.Vpc.VpcId, SubnetMappings: []nfwtypes.SubnetMapping{{SubnetId: aws.String("subnet-0a")}}}); err != nil {
		t.Fatal(err)
	}

	alerts := filepath.Join(t.TempDir(), "alert.log")
	stopCtx, stop := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	o := &nfwProxyOpts{firewall: "edge", endpoint: endpoint, profile: "moat-root", region: "us-east-1", listen: "127.0.0.1:0",
		homeNet: []string{"127.0.0.1/32"}, resolve: []string{"www.allowed.test=127.0.0.2", "other.test=127.0.0.2"},
		alertLog: alerts, stop: stopCtx, ready: func(a string) { ready <- a }}
	cmd := &cobra.Command{}
	errOut := &lockedBuf{}
	cmd.SetErr(errOut)
	done := make(chan error, 1)
	go func() { done <- runNfwProxy(cmd, o) }()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("proxy: %v\n%s", err, errOut)
	}
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{Proxy: http.ProxyURL(&url.URL{Scheme: "http", Host: addr}),
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, DisableKeepAlives: true}}
	resp, err := client.Get("https://www.allowed.test:" + port + "/")
	if err != nil {
		t.Fatalf("allowed: %v\n%s", err, errOut)
	}
	resp.Body.Close()
	if _, err := client.Get("https://other.test:" + port + "/"); err == nil {
		t.Fatal("other.test passed")
	}
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	body, _ := os.ReadFile(alerts)
	if !strings.Contains(string(body), `"firewall_name":"edge"`) || !strings.Contains(string(body), `"sni":"other.test"`) || !strings.Contains(string(body), `"action":"blocked"`) {
		t.Fatalf("alert log:\n%s\n%s", body, errOut)
	}
}

func TestNfwProxyFlags(t *testing.T) {
	dir := t.TempDir()
	rules := writeNfwFile(t, dir, "r.rules", []byte(`drop tls any any -> any any (tls.sni; content:"x"; sid:1;)`+"\n"))
	for _, c := range []struct {
		o    nfwProxyOpts
		want string
	}{
		{nfwProxyOpts{}, "give --policy FILE, --firewall NAME or --rules FILE"},
		{nfwProxyOpts{policy: "p.json", firewall: "edge"}, "give one of --policy FILE and --firewall NAME"},
		{nfwProxyOpts{policy: "p.json", strict: true}, "--strict-order and --default-action apply to --rules alone"},
		{nfwProxyOpts{rules: []string{rules}, resolve: []string{"a.test"}}, `--resolve "a.test": want HOST=ADDR`},
		{nfwProxyOpts{rules: []string{rules}, homeNet: []string{"10.0.0.0/33"}}, `--home-net "10.0.0.0/33"`},
		{nfwProxyOpts{rules: []string{rules}, defaults: []string{"aws:drop_strict"}}, "--default-action needs --strict-order"},
		{nfwProxyOpts{rules: []string{rules}, listen: "256.0.0.1:1"}, "256.0.0.1"},
	} {
		cmd := &cobra.Command{}
		cmd.SetErr(io.Discard)
		err := runNfwProxy(cmd, &c.o)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.o, err, c.want)
		}
	}
	a := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 3128}
	if n := homeNetNote(a, nil); !strings.Contains(n, "--home-net 127.0.0.1/32") {
		t.Fatalf("note: %q", n)
	}
	if n := homeNetNote(a, []string{"127.0.0.0/8"}); n != "" {
		t.Fatalf("note: %q", n)
	}
	if n := homeNetNote(&net.TCPAddr{IP: net.IPv4(0, 0, 0, 0)}, nil); n != "" {
		t.Fatalf("note: %q", n)
	}
}
