package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/networkfirewall"
	nfwtypes "github.com/aws/aws-sdk-go-v2/service/networkfirewall/types"
)

// A firewall set up in moat serve through the SDK, then fetched and replayed
// by `moat nfw fetch --pcap`: the drop rule blocks the TLS flow, and
// HOME_NET is the firewall VPC's CIDR (192.168.0.0/16 here, so the client
// at 10.0.0.5 is outside it).
func TestNfwFetchLive(t *testing.T) {
	url, cfg := liveServer(t)
	ctx := context.Background()

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
