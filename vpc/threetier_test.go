package vpc

import (
	"net/netip"
	"strings"
	"testing"
)

// must unwraps a setup result; setup failures panic with the error.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func ok(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func port(p int) *int { return &p }

func tcp(from, to int, peers ...string) IpPermission {
	p := IpPermission{IpProtocol: "tcp", FromPort: port(from), ToPort: port(to)}
	for _, s := range peers {
		if strings.HasPrefix(s, "sg-") {
			p.UserIdGroupPairs = append(p.UserIdGroupPairs, ReferencedGroup{GroupId: s})
		} else {
			p.IpRanges = append(p.IpRanges, s)
		}
	}
	return p
}

// tiers is the three-tier pattern: web (public subnet, 443 from anywhere),
// app (private, 8080 from the web group), db (private, 5432 from the app
// group); NACLs admit each tier's traffic and the ephemeral-port replies.
type tiers struct {
	n                     *Network
	vpc                   *VPC
	igw                   *InternetGateway
	web, web2, app, app2  *Instance
	db, db2               *Instance
	webSub, appSub, dbSub *Subnet
	webACL, appACL, dbACL *NetworkACL
	webSG, appSG, dbSG    *SecurityGroup
	nat                   *NATGateway
}

func threeTier(t testing.TB) *tiers {
	t.Helper()
	n := NewNetwork("111122223333")
	x := &tiers{n: n}
	x.vpc = must(n.CreateVpc("10.0.0.0/16"))
	x.igw = n.CreateInternetGateway()
	ok(t, n.AttachInternetGateway(x.igw.InternetGatewayId, x.vpc.VpcId))
	x.webSub = must(n.CreateSubnet(x.vpc.VpcId, "10.0.1.0/24", "us-east-1a"))
	x.appSub = must(n.CreateSubnet(x.vpc.VpcId, "10.0.2.0/24", "us-east-1a"))
	x.dbSub = must(n.CreateSubnet(x.vpc.VpcId, "10.0.3.0/24", "us-east-1a"))

	pub := must(n.CreateRouteTable(x.vpc.VpcId))
	ok(t, n.CreateRoute(pub.RouteTableId, Route{DestinationCidrBlock: netip.MustParsePrefix("0.0.0.0/0"), TargetType: TargetInternetGateway, TargetId: x.igw.InternetGatewayId}))
	ok(t, n.AssociateRouteTable(pub.RouteTableId, x.webSub.SubnetId))
	x.nat = must(n.CreateNatGateway(x.webSub.SubnetId, netip.MustParseAddr("10.0.1.10"), netip.MustParseAddr("203.0.113.10")))
	priv := must(n.CreateRouteTable(x.vpc.VpcId))
	ok(t, n.CreateRoute(priv.RouteTableId, Route{DestinationCidrBlock: netip.MustParsePrefix("0.0.0.0/0"), TargetType: TargetNatGateway, TargetId: x.nat.NatGatewayId}))
	ok(t, n.AssociateRouteTable(priv.RouteTableId, x.appSub.SubnetId))
	// db uses the main route table: local only.

	x.webSG = must(n.CreateSecurityGroup(x.vpc.VpcId, "web", "web tier"))
	x.appSG = must(n.CreateSecurityGroup(x.vpc.VpcId, "app", "app tier"))
	x.dbSG = must(n.CreateSecurityGroup(x.vpc.VpcId, "db", "db tier"))
	must(n.AuthorizeSecurityGroupIngress(x.webSG.GroupId, []IpPermission{tcp(443, 443, "0.0.0.0/0")}))
	must(n.AuthorizeSecurityGroupIngress(x.appSG.GroupId, []IpPermission{tcp(8080, 8080, x.webSG.GroupId)}))
	must(n.AuthorizeSecurityGroupIngress(x.dbSG.GroupId, []IpPermission{tcp(5432, 5432, x.appSG.GroupId)}))

	x.webACL = x.acl(t, x.webSub, []ACLEntry{
		ACL(100, false, ProtoTCP, "allow", "0.0.0.0/0", 443, 443),
		ACL(110, false, ProtoTCP, "allow", "0.0.0.0/0", 1024, 65535),
		ACL(100, true, ProtoTCP, "allow", "10.0.2.0/24", 8080, 8080),
		ACL(110, true, ProtoTCP, "allow", "0.0.0.0/0", 1024, 65535),
		ACL(120, true, ProtoTCP, "allow", "0.0.0.0/0", 443, 443),
	})
	x.appACL = x.acl(t, x.appSub, []ACLEntry{
		ACL(100, false, ProtoTCP, "allow", "10.0.1.0/24", 8080, 8080),
		ACL(110, false, ProtoTCP, "allow", "10.0.0.0/16", 1024, 65535),
		ACL(120, false, ProtoTCP, "allow", "0.0.0.0/0", 1024, 65535),
		ACL(100, true, ProtoTCP, "allow", "10.0.3.0/24", 5432, 5432),
		ACL(110, true, ProtoTCP, "allow", "10.0.0.0/16", 1024, 65535),
		ACL(120, true, ProtoTCP, "allow", "0.0.0.0/0", 443, 443),
	})
	x.dbACL = x.acl(t, x.dbSub, []ACLEntry{
		ACL(100, false, ProtoTCP, "allow", "10.0.2.0/24", 5432, 5432),
		ACL(110, false, ProtoTCP, "allow", "10.0.2.0/24", 1024, 65535),
		ACL(100, true, ProtoTCP, "allow", "10.0.2.0/24", 1024, 65535),
	})

	x.web = must(n.RunInstance(x.webSub.SubnetId, []string{x.webSG.GroupId}, netip.MustParseAddr("198.51.100.1")))
	x.web2 = must(n.RunInstance(x.webSub.SubnetId, []string{x.webSG.GroupId}, netip.MustParseAddr("198.51.100.2")))
	x.app = must(n.RunInstance(x.appSub.SubnetId, []string{x.appSG.GroupId}, netip.Addr{}))
	x.app2 = must(n.RunInstance(x.appSub.SubnetId, []string{x.appSG.GroupId}, netip.Addr{}))
	x.db = must(n.RunInstance(x.dbSub.SubnetId, []string{x.dbSG.GroupId}, netip.Addr{}))
	x.db2 = must(n.RunInstance(x.dbSub.SubnetId, []string{x.dbSG.GroupId}, netip.Addr{}))
	return x
}

func (x *tiers) acl(t testing.TB, s *Subnet, entries []ACLEntry) *NetworkACL {
	t.Helper()
	acl := must(x.n.CreateNetworkAcl(x.vpc.VpcId))
	for _, e := range entries {
		ok(t, x.n.CreateNetworkAclEntry(acl.NetworkAclId, e))
	}
	ok(t, x.n.ReplaceNetworkAclAssociation(s.SubnetId, acl.NetworkAclId))
	return acl
}

// blocker is an expected explanation: code, component and (for ACLs) rule.
type blocker struct {
	code, component, path, dir, rule string
}

func explained(a *Analysis) []blocker {
	var out []blocker
	for _, e := range a.Explanations {
		b := blocker{code: e.ExplanationCode, component: e.Component.Id, path: e.Path, dir: e.Direction}
		if e.AclRule != nil {
			b.rule = e.AclRule.RuleLabel()
		}
		out = append(out, b)
	}
	return out
}

func TestThreeTierNinePairs(t *testing.T) {
	t.Parallel()
	x := threeTier(t)
	a := Compile(x.n)
	inst := map[string]*Instance{"web": x.web, "app": x.app, "db": x.db}
	peer := map[string]*Instance{"web": x.web2, "app": x.app2, "db": x.db2}
	servicePort := map[string]int{"web": 443, "app": 8080, "db": 5432}
	eni := func(i *Instance) string { return i.NetworkInterfaceIds[0] }
	acl := func(n *NetworkACL) string { return n.NetworkAclId }
	cases := []struct {
		src, dst string
		want     []blocker // nil: reachable
	}{
		{"web", "web", nil},
		{"web", "app", nil},
		// The web ACL's ephemeral-range egress rule 110 also admits 5432:
		// the db subnet's ACL and group stop it, and the reply would be
		// stopped too.
		{"web", "db", []blocker{
			{CodeACLRestriction, acl(x.dbACL), "forward", "ingress", "*"},
			{CodeSGRulesMismatch, eni(x.db), "forward", "ingress", ""},
			{CodeACLRestriction, acl(x.dbACL), "return", "egress", "*"},
		}},
		{"app", "web", nil},
		{"app", "app", []blocker{{CodeSGRulesMismatch, eni(x.app2), "forward", "ingress", ""}}},
		{"app", "db", nil},
		{"db", "web", []blocker{
			{CodeACLRestriction, acl(x.dbACL), "forward", "egress", "*"},
			{CodeACLRestriction, acl(x.dbACL), "return", "ingress", "*"},
		}},
		// 8080 is inside the ephemeral ranges both ACLs open (db egress 100,
		// app ingress 110): only the app group stops it. The NACL lesson.
		{"db", "app", []blocker{{CodeSGRulesMismatch, eni(x.app), "forward", "ingress", ""}}},
		{"db", "db", []blocker{{CodeSGRulesMismatch, eni(x.db2), "forward", "ingress", ""}}},
	}
	if len(cases) != 9 {
		t.Fatalf("%d pairs, want 9", len(cases))
	}
	for _, c := range cases {
		t.Run(c.src+"->"+c.dst, func(t *testing.T) {
			dst := inst[c.dst]
			if c.src == c.dst {
				dst = peer[c.dst]
			}
			res := must(a.Reach(PathQuery{Source: inst[c.src].InstanceId, Destination: dst.InstanceId, Protocol: "tcp",
				DestinationPorts: PortRange{servicePort[c.dst], servicePort[c.dst]}}))
			got := explained(res)
			if res.NetworkPathFound != (c.want == nil) {
				t.Fatalf("NetworkPathFound = %v, explanations %+v", res.NetworkPathFound, res.Explanations)
			}
			if len(got) != len(c.want) {
				t.Fatalf("explanations:\n got %+v\nwant %+v\n%s", got, c.want, messages(res))
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Errorf("explanation %d:\n got %+v\nwant %+v\n%s", i, got[i], c.want[i], messages(res))
				}
			}
			if c.want == nil && (res.Example == nil || res.Example.DestinationPort != servicePort[c.dst] || len(res.ReturnPath) == 0) {
				t.Fatalf("reachable without an example packet or return path: %+v", res)
			}
		})
	}
}

func messages(a *Analysis) string {
	var b strings.Builder
	for _, e := range a.Explanations {
		b.WriteString("  " + e.ExplanationCode + ": " + e.Message + "\n")
	}
	return b.String()
}

// The admitting rules are named on the reachable path.
func TestThreeTierPathNamesRules(t *testing.T) {
	t.Parallel()
	x := threeTier(t)
	res := must(Compile(x.n).Reach(PathQuery{Source: x.web.InstanceId, Destination: x.app.InstanceId, Protocol: "tcp", DestinationPorts: PortRange{8080, 8080}}))
	var acls []string
	var sgRule *SecurityGroupRule
	for _, c := range res.ForwardPath {
		if c.AclRule != nil {
			acls = append(acls, c.Component.Id+"/"+c.Direction+"/"+c.AclRule.RuleLabel())
		}
		if c.SecurityGroupRule != nil && c.Direction == "ingress" {
			sgRule = c.SecurityGroupRule
		}
	}
	want := []string{x.webACL.NetworkAclId + "/egress/100", x.appACL.NetworkAclId + "/ingress/100"}
	if strings.Join(acls, " ") != strings.Join(want, " ") {
		t.Fatalf("ACL hops %v, want %v", acls, want)
	}
	if sgRule == nil || sgRule.ReferencedGroup == nil || sgRule.ReferencedGroup.GroupId != x.webSG.GroupId || sgRule.SecurityGroupRuleId == "" {
		t.Fatalf("ingress SG rule %+v, want the rule referencing %s", sgRule, x.webSG.GroupId)
	}
	var ret []string
	for _, c := range res.ReturnPath {
		if c.AclRule != nil {
			ret = append(ret, c.Component.Id+"/"+c.Direction+"/"+c.AclRule.RuleLabel())
		}
	}
	want = []string{x.appACL.NetworkAclId + "/egress/110", x.webACL.NetworkAclId + "/ingress/110"}
	if strings.Join(ret, " ") != strings.Join(want, " ") {
		t.Fatalf("return ACL hops %v, want %v", ret, want)
	}
}

func TestThreeTierInternet(t *testing.T) {
	t.Parallel()
	x := threeTier(t)
	a := Compile(x.n)
	igw := x.igw.InternetGatewayId
	cases := []struct {
		name string
		q    PathQuery
		want []string // explanation codes
	}{
		{"internet to web 443", PathQuery{Source: igw, Destination: x.web.InstanceId, Protocol: "tcp", DestinationPorts: PortRange{443, 443}}, nil},
		{"internet to web 22", PathQuery{Source: igw, Destination: x.web.InstanceId, Protocol: "tcp", DestinationPorts: PortRange{22, 22}},
			[]string{CodeACLRestriction, CodeSGRulesMismatch}},
		{"internet to app", PathQuery{Source: igw, Destination: x.app.InstanceId, Protocol: "tcp", DestinationPorts: PortRange{8080, 8080}},
			[]string{CodeIGWPrivateIP, CodeSGRulesMismatch, CodeNoRoute, CodeACLRestriction}},
		{"app to internet via NAT", PathQuery{Source: x.app.InstanceId, Destination: igw, Protocol: "tcp", DestinationPorts: PortRange{443, 443}}, nil},
		{"app to internet port 80", PathQuery{Source: x.app.InstanceId, Destination: igw, Protocol: "tcp", DestinationPorts: PortRange{80, 80}},
			[]string{CodeACLRestriction, CodeACLRestriction, CodeACLRestriction}},
		{"web to internet", PathQuery{Source: x.web.InstanceId, DestinationIp: netip.MustParseAddr("192.0.2.7"), Protocol: "tcp", DestinationPorts: PortRange{443, 443}}, nil},
		{"db to internet", PathQuery{Source: x.db.InstanceId, Destination: igw, Protocol: "tcp", DestinationPorts: PortRange{443, 443}},
			[]string{CodeNoRoute}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := must(a.Reach(c.q))
			var got []string
			for _, e := range res.Explanations {
				got = append(got, e.ExplanationCode)
			}
			if strings.Join(got, " ") != strings.Join(c.want, " ") || res.NetworkPathFound != (c.want == nil) {
				t.Fatalf("found=%v codes %v, want %v\n%s", res.NetworkPathFound, got, c.want, messages(res))
			}
		})
	}
}

func TestReachCIDR(t *testing.T) {
	t.Parallel()
	x := threeTier(t)
	a := Compile(x.n)
	cases := []struct {
		cidr  string
		codes string
	}{
		{"192.0.2.0/24", ""},
		{"10.200.0.0/16", CodeNoRoute}, // private, outside the VPC: the NAT/IGW cannot deliver
		{"0.0.0.0/0", ""},
	}
	for _, c := range cases {
		res := must(a.Reach(PathQuery{Source: x.app.InstanceId, DestinationCidr: netip.MustParsePrefix(c.cidr), Protocol: "tcp", DestinationPorts: PortRange{443, 443}}))
		var codes []string
		for _, e := range res.Explanations {
			codes = append(codes, e.ExplanationCode)
		}
		if strings.Join(codes, " ") != c.codes {
			t.Errorf("%s: codes %v, want %q\n%s", c.cidr, codes, c.codes, messages(res))
		}
	}
}

// One compiled Analyzer answers from many goroutines (run with -race).
func TestAnalyzerConcurrent(t *testing.T) {
	t.Parallel()
	x := threeTier(t)
	a := Compile(x.n)
	want := must(a.Reach(PathQuery{Source: x.web.InstanceId, Destination: x.app.InstanceId, Protocol: "tcp", DestinationPorts: PortRange{8080, 8080}}))
	done := make(chan bool)
	for range 4 {
		go func() {
			defer func() { done <- true }()
			for range 50 {
				got, err := a.Reach(PathQuery{Source: x.web.InstanceId, Destination: x.app.InstanceId, Protocol: "tcp", DestinationPorts: PortRange{8080, 8080}})
				if err != nil || got.NetworkPathFound != want.NetworkPathFound || len(got.ForwardPath) != len(want.ForwardPath) {
					t.Errorf("concurrent reach differs: %v %+v", err, got)
					return
				}
				a.Exposed()
			}
		}()
	}
	for range 4 {
		<-done
	}
}
