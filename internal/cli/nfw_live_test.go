package cli

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/networkfirewall"
	nfwtypes "github.com/aws/aws-sdk-go-v2/service/networkfirewall/types"

	"github.com/moatdev/moat/internal/server"
)

// A firewall set up in moat serve through the SDK, then fetched and replayed
// by `moat nfw fetch --pcap`: the drop rule blocks the TLS flow, and
// HOME_NET is the firewall VPC's CIDR (192.168.0.0/16 here, so the client
// at 10.0.0.5 is outside it).
func TestNfwFetchLive(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	srv, err := server.Open(server.Config{Addr: ln.Addr().String(), DataDir: data, Stdout: &strings.Builder{}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() { cancel(); <-done; srv.Close() })
	url := "http://" + ln.Addr().String()

	creds := filepath.Join(data, server.CredentialsFile)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", creds)
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "config"))
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	cfg, err := config.LoadDefaultConfig(ctx, config.WithSharedConfigProfile("moat-root"), config.WithRegion("us-east-1"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		t.Fatal(err)
	}
	cfg.BaseEndpoint = aws.String(url)

	vpc, err := ec2.NewFromConfig(cfg).CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("192.168.0.0/16")})
	if err != nil {
		t.Fatal(err)
	}
	nf := networkfirewall.NewFromConfig(cfg)
	g, err := nf.CreateRuleGroup(ctx, &networkfirewall.CreateRuleGroupInput{RuleGroupName: aws.String("rules"), Type: nfwtypes.RuleGroupTypeStateful, Capacity: aws.Int32(10),
		Rules: aws.String("drop tls any any -> any any (msg:\"blocked sni\"; tls.sni; content:\"blocked.test\"; endswith; sid:2;)\n" +
			"alert http !$HOME_NET any -> any any (msg:\"outside HOME_NET\"; http.uri; content:\"/admin\"; sid:3;)\n")})
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

	// The document alone.
	out, errs, code := runCLI(t, "nfw", "fetch", "--firewall", "edge", "--endpoint-url", url, "--profile", "moat-root")
	if code != 0 || !strings.Contains(out, `"192.168.0.0/16"`) || !strings.Contains(out, "stateful-rulegroup/rules") {
		t.Fatalf("fetch: exit %d\n%s%s", code, out, errs)
	}
	// Replayed.
	dir := t.TempDir()
	pcap := writeNfwFile(t, dir, "c.pcap", nfwCapture(t))
	eve := filepath.Join(dir, "eve.json")
	out, errs, code = runCLI(t, "nfw", "fetch", "--firewall", "edge", "--endpoint-url", url, "--profile", "moat-root", "--pcap", pcap, "--eve", eve, "--format", "aws")
	if code != 0 {
		t.Fatalf("fetch --pcap: exit %d\n%s%s", code, out, errs)
	}
	recs, err := os.ReadFile(eve)
	if err != nil {
		t.Fatal(err)
	}
	s := string(recs)
	if !strings.Contains(s, `"firewall_name":"edge"`) || !strings.Contains(s, `"signature":"blocked sni"`) || !strings.Contains(s, `"action":"blocked"`) ||
		!strings.Contains(s, `"signature":"outside HOME_NET"`) {
		t.Fatalf("records:\n%s\n%s", s, errs)
	}
	_, errs, code = runCLI(t, "nfw", "fetch", "--firewall-policy", "nope", "--endpoint-url", url, "--profile", "moat-root")
	if code == 0 || !strings.Contains(errs, "ResourceNotFoundException") {
		t.Fatalf("unknown policy: exit %d %s", code, errs)
	}
}
