package vpc

import (
	"net/netip"
	"strings"
	"testing"
)

func TestEvaluatePackets(t *testing.T) {
	t.Parallel()
	x := threeTier(t)
	n := x.n
	// ICMP echo from web to web2 (same subnet): the web group admits only
	// TCP 443; then allow ICMP echo and check the reply.
	ip := func(i *Instance) netip.Addr { return n.Interfaces[i.NetworkInterfaceIds[0]].PrimaryIP() }
	a := Compile(n)
	cases := []struct {
		name  string
		f     Flow
		codes string
	}{
		{"https from the internet", Flow{Protocol: ProtoTCP, SrcAddr: netip.MustParseAddr("192.0.2.10"), DstAddr: netip.MustParseAddr("198.51.100.1"), SrcPort: 40000, DstPort: 443}, ""},
		{"reply port outside the web ACL's ephemeral range", Flow{Protocol: ProtoTCP, SrcAddr: netip.MustParseAddr("192.0.2.10"), DstAddr: netip.MustParseAddr("198.51.100.1"), SrcPort: 1000, DstPort: 443}, CodeACLRestriction},
		{"web to app", Flow{Protocol: ProtoTCP, SrcAddr: ip(x.web), DstAddr: ip(x.app), SrcPort: 50000, DstPort: 8080}, ""},
		{"ping between web instances", Flow{Protocol: ProtoICMP, SrcAddr: ip(x.web), DstAddr: ip(x.web2), DstPort: 8}, CodeSGRulesMismatch},
		{"app to the internet through NAT", Flow{Protocol: ProtoTCP, SrcAddr: ip(x.app), DstAddr: netip.MustParseAddr("192.0.2.80"), SrcPort: 50000, DstPort: 443}, ""},
		{"gre from web to app", Flow{Protocol: 47, SrcAddr: ip(x.web), DstAddr: ip(x.app)}, CodeACLRestriction + " " + CodeACLRestriction + " " + CodeSGRulesMismatch + " " + CodeACLRestriction + " " + CodeACLRestriction},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := must(a.Evaluate(c.f))
			var codes []string
			for _, e := range res.Explanations {
				codes = append(codes, e.ExplanationCode)
			}
			if got := strings.Join(codes, " "); got != c.codes || res.NetworkPathFound != (c.codes == "") {
				t.Fatalf("found=%v codes %q, want %q\n%s", res.NetworkPathFound, got, c.codes, messages(res))
			}
		})
	}
	// Allow ICMP echo within the web group and the echo reply passes.
	must(n.AuthorizeSecurityGroupIngress(x.webSG.GroupId, []IpPermission{{IpProtocol: "icmp", FromPort: port(8), ToPort: port(-1), UserIdGroupPairs: []ReferencedGroup{{GroupId: x.webSG.GroupId}}}}))
	res := must(Compile(n).Evaluate(Flow{Protocol: ProtoICMP, SrcAddr: ip(x.web), DstAddr: ip(x.web2), DstPort: 8}))
	if !res.NetworkPathFound || res.Example == nil || res.Example.DestinationPort != 8 {
		t.Fatalf("echo after allowing it: %+v %s", res.Example, messages(res))
	}
	res = must(Compile(n).Evaluate(Flow{Protocol: ProtoICMP, SrcAddr: ip(x.web), DstAddr: ip(x.web2), DstPort: 3, SrcPort: 4}))
	if res.NetworkPathFound {
		t.Fatal("type 3 is not allowed by a type-8 rule")
	}
	if _, err := a.Evaluate(Flow{Protocol: 300, SrcAddr: ip(x.web), DstAddr: ip(x.app)}); code(err) != "InvalidParameterValue" {
		t.Fatalf("protocol 300: %v", err)
	}
}

// The connection-tracking page's example: inbound TCP 22 from one address
// and TCP 80 from 0.0.0.0/0, outbound all: port 80 is untracked, 22 tracked.
func TestUntracked(t *testing.T) {
	t.Parallel()
	n := NewNetwork("111122223333")
	v := must(n.CreateVpc("10.7.0.0/16"))
	s := must(n.CreateSubnet(v.VpcId, "10.7.1.0/24", "az"))
	g := must(n.CreateSecurityGroup(v.VpcId, "doc", "doc example"))
	must(n.AuthorizeSecurityGroupIngress(g.GroupId, []IpPermission{tcp(22, 22, "203.0.113.1/32"), tcp(80, 80, "0.0.0.0/0")}))
	igw := n.CreateInternetGateway()
	ok(t, n.AttachInternetGateway(igw.InternetGatewayId, v.VpcId))
	ok(t, n.CreateRoute(v.MainRouteTableId, Route{DestinationCidrBlock: allIPv4, TargetType: TargetInternetGateway, TargetId: igw.InternetGatewayId}))
	inst := must(n.RunInstance(s.SubnetId, []string{g.GroupId}, netip.MustParseAddr("198.51.100.77")))
	a := Compile(n)
	note := func(p int) string {
		res := must(a.Evaluate(Flow{Protocol: ProtoTCP, SrcAddr: netip.MustParseAddr("203.0.113.1"), DstAddr: netip.MustParseAddr("198.51.100.77"), SrcPort: 40000, DstPort: p}))
		if !res.NetworkPathFound {
			t.Fatalf("port %d: %s", p, messages(res))
		}
		for _, c := range res.ForwardPath {
			if c.SecurityGroupRule != nil {
				return c.Note
			}
		}
		return "no security group hop"
	}
	if !strings.HasPrefix(note(80), "untracked") || note(22) != "" {
		t.Fatalf("port 80 note %q, port 22 note %q", note(80), note(22))
	}
	_ = inst
}
