package vpc

import (
	"errors"
	"net/netip"
	"slices"
	"strings"
	"testing"
)

func code(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err != nil {
		return "not an *Error: " + err.Error()
	}
	return ""
}

func TestMutationErrors(t *testing.T) {
	t.Parallel()
	x := threeTier(t)
	n := x.n
	vpcID := x.vpc.VpcId
	other := must(n.CreateVpc("172.16.0.0/16"))
	otherSG := must(n.CreateSecurityGroup(other.VpcId, "other", "in an unpeered VPC"))
	var many []IpPermission
	for i := range 61 {
		many = append(many, tcp(1000+i, 1000+i, "10.9.0.0/16"))
	}
	pl := must(n.CreateManagedPrefixList("office", "IPv4", 2, []string{"192.0.2.0/24"}))
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"vpc cidr garbage", second(n.CreateVpc("10.0.0.0/33")), "InvalidParameterValue"},
		{"vpc too large", second(n.CreateVpc("10.0.0.0/8")), "InvalidVpc.Range"},
		{"subnet outside vpc", second(n.CreateSubnet(vpcID, "10.1.0.0/24", "az")), "InvalidSubnet.Range"},
		{"subnet overlap", second(n.CreateSubnet(vpcID, "10.0.1.128/25", "az")), "InvalidSubnet.Conflict"},
		{"subnet missing vpc", second(n.CreateSubnet("vpc-nope", "10.0.9.0/24", "az")), "InvalidVpcID.NotFound"},
		{"second igw", n.AttachInternetGateway(n.CreateInternetGateway().InternetGatewayId, vpcID), "Resource.AlreadyAssociated"},
		{"duplicate group name", second(n.CreateSecurityGroup(vpcID, "web", "again")), "InvalidGroup.Duplicate"},
		{"duplicate rule", second(n.AuthorizeSecurityGroupIngress(x.webSG.GroupId, []IpPermission{tcp(443, 443, "0.0.0.0/0")})), "InvalidPermission.Duplicate"},
		{"port out of range", second(n.AuthorizeSecurityGroupIngress(x.webSG.GroupId, []IpPermission{tcp(0, 70000, "0.0.0.0/0")})), "InvalidParameterValue"},
		{"ports reversed", second(n.AuthorizeSecurityGroupIngress(x.webSG.GroupId, []IpPermission{tcp(90, 80, "0.0.0.0/0")})), "InvalidParameterValue"},
		{"bad protocol", second(n.AuthorizeSecurityGroupIngress(x.webSG.GroupId, []IpPermission{{IpProtocol: "tcpp", IpRanges: []string{"0.0.0.0/0"}}})), "InvalidParameterValue"},
		{"bad cidr", second(n.AuthorizeSecurityGroupIngress(x.webSG.GroupId, []IpPermission{tcp(1, 1, "10.0.0.0/40")})), "InvalidParameterValue"},
		{"too many rules", second(n.AuthorizeSecurityGroupIngress(x.webSG.GroupId, many)), "RulesPerSecurityGroupLimitExceeded"},
		{"unpeered reference", second(n.AuthorizeSecurityGroupIngress(x.webSG.GroupId, []IpPermission{tcp(1, 1, otherSG.GroupId)})), "InvalidGroup.NotFound"},
		{"missing group", second(n.AuthorizeSecurityGroupIngress("sg-nope", nil)), "InvalidGroup.NotFound"},
		{"delete referenced group", n.DeleteSecurityGroup(x.webSG.GroupId), "DependencyViolation"},
		{"delete attached group", n.DeleteSecurityGroup(x.dbSG.GroupId), "DependencyViolation"},
		{"delete default group", n.DeleteSecurityGroup(x.vpc.DefaultSecurityGroupId), "CannotDelete"},
		{"acl rule number 0", n.CreateNetworkAclEntry(x.webACL.NetworkAclId, ACL(0, false, 6, "allow", "0.0.0.0/0", 1, 2)), "InvalidParameterValue"},
		{"acl rule number 32767", n.CreateNetworkAclEntry(x.webACL.NetworkAclId, ACL(32767, false, 6, "allow", "0.0.0.0/0", 1, 2)), "InvalidParameterValue"},
		{"acl duplicate", n.CreateNetworkAclEntry(x.webACL.NetworkAclId, ACL(100, false, 6, "allow", "0.0.0.0/0", 1, 2)), "NetworkAclEntryAlreadyExists"},
		{"acl replace missing", n.ReplaceNetworkAclEntry(x.webACL.NetworkAclId, ACL(555, false, 6, "allow", "0.0.0.0/0", 1, 2)), "InvalidNetworkAclEntry.NotFound"},
		{"acl ports", n.CreateNetworkAclEntry(x.webACL.NetworkAclId, ACL(5, false, 6, "allow", "0.0.0.0/0", 10, 1)), "InvalidParameterValue"},
		{"acl action", n.CreateNetworkAclEntry(x.webACL.NetworkAclId, ACL(5, false, 6, "permit", "0.0.0.0/0", 1, 2)), "InvalidParameterValue"},
		{"delete used acl", n.DeleteNetworkAcl(x.webACL.NetworkAclId), "DependencyViolation"},
		{"route exists", n.CreateRoute(x.vpc.MainRouteTableId, Route{DestinationCidrBlock: netip.MustParsePrefix("10.0.0.0/16"), TargetType: TargetInternetGateway, TargetId: x.igw.InternetGatewayId}), "RouteAlreadyExists"},
		{"route igw of another vpc", n.CreateRoute(x.vpc.MainRouteTableId, Route{DestinationCidrBlock: netip.MustParsePrefix("0.0.0.0/0"), TargetType: TargetInternetGateway, TargetId: "igw-nope"}), "InvalidInternetGatewayID.NotFound"},
		{"route more specific than local", n.CreateRoute(x.vpc.MainRouteTableId, Route{DestinationCidrBlock: netip.MustParsePrefix("10.0.7.0/24"), TargetType: TargetNatGateway, TargetId: x.nat.NatGatewayId}), "InvalidParameterValue"},
		{"delete local route", n.DeleteRoute(x.vpc.MainRouteTableId, "10.0.0.0/16"), "InvalidParameterValue"},
		{"too many groups on an eni", second(n.CreateNetworkInterface(x.webSub.SubnetId, netip.Addr{}, []string{x.webSG.GroupId, x.appSG.GroupId, x.dbSG.GroupId, x.vpc.DefaultSecurityGroupId, must(n.CreateSecurityGroup(vpcID, "five", "5")).GroupId, must(n.CreateSecurityGroup(vpcID, "six", "6")).GroupId})), "SecurityGroupsPerInterfaceLimitExceeded"},
		{"group of another vpc on an eni", second(n.CreateNetworkInterface(x.webSub.SubnetId, netip.Addr{}, []string{otherSG.GroupId})), "InvalidParameterValue"},
		{"ip in use", second(n.CreateNetworkInterface(x.webSub.SubnetId, netip.MustParseAddr("10.0.1.10"), nil)), "InvalidIPAddress.InUse"},
		{"reserved ip", second(n.CreateNetworkInterface(x.webSub.SubnetId, netip.MustParseAddr("10.0.1.2"), nil)), "InvalidParameterValue"},
		{"prefix list full", n.ModifyManagedPrefixList(pl.PrefixListId, []string{"198.51.100.0/24", "203.0.113.0/24"}, nil), "PrefixListMaxEntriesExceeded"},
		{"prefix list family", second(n.CreateManagedPrefixList("x", "IPv4", 5, []string{"2001:db8::/32"})), "InvalidParameterValue"},
		{"gateway endpoint for another service", second(n.CreateVpcEndpoint(vpcID, "Gateway", "com.amazonaws.us-east-1.sqs", nil, nil, nil, "")), "InvalidServiceName"},
		{"endpoint policy garbage", second(n.CreateVpcEndpoint(vpcID, "Gateway", "com.amazonaws.us-east-1.s3", nil, nil, nil, `{"Statement": [`)), "InvalidParameterValue"},
		{"endpoint policy too long", second(n.CreateVpcEndpoint(vpcID, "Gateway", "com.amazonaws.us-east-1.s3", nil, nil, nil, strings.Repeat(" ", 20481))), "InvalidParameterValue"},
		{"accept twice", acceptTwice(n, x.vpc.VpcId, other.VpcId), "InvalidStateTransition"},
	}
	for _, c := range cases {
		if got := code(c.err); got != c.want {
			t.Errorf("%s: code %q (%v), want %q", c.name, got, c.err, c.want)
		}
	}
	// Failed mutations change nothing: the web group still has its one
	// inbound rule and the ENI count is unchanged.
	if len(x.webSG.Ingress) != 1 {
		t.Errorf("web group has %d inbound rules after failed authorizations, want 1", len(x.webSG.Ingress))
	}
	if len(pl.Entries) != 1 || pl.Version != 1 {
		t.Errorf("prefix list changed by a failed modification: %+v", pl)
	}
}

func second[T any](_ T, err error) error { return err }

func acceptTwice(n *Network, a, b string) error {
	p, err := n.CreateVpcPeeringConnection(a, b)
	if err != nil {
		return err
	}
	if err := n.AcceptVpcPeeringConnection(p.VpcPeeringConnectionId); err != nil {
		return err
	}
	return n.AcceptVpcPeeringConnection(p.VpcPeeringConnectionId)
}

// Defaults as AWS documents them: the default ACL allows all, a custom one
// denies all, a new group allows all outbound and nothing inbound, the
// default group admits its own members.
func TestDefaults(t *testing.T) {
	t.Parallel()
	n := NewNetwork("111122223333")
	v := must(n.CreateVpc("10.5.0.0/16"))
	s := must(n.CreateSubnet(v.VpcId, "10.5.1.0/24", "az"))
	a := must(n.RunInstance(s.SubnetId, nil, netip.Addr{}))
	b := must(n.RunInstance(s.SubnetId, nil, netip.Addr{}))
	s2 := must(n.CreateSubnet(v.VpcId, "10.5.2.0/24", "az"))
	c := must(n.RunInstance(s2.SubnetId, nil, netip.Addr{}))
	reach := func(src, dst string) *Analysis {
		return must(Compile(n).Reach(PathQuery{Source: src, Destination: dst, Protocol: "udp", DestinationPorts: PortRange{53, 53}}))
	}
	if r := reach(a.InstanceId, c.InstanceId); !r.NetworkPathFound {
		t.Fatalf("default group and default ACL: %s", messages(r))
	}
	acl := must(n.CreateNetworkAcl(v.VpcId))
	ok(t, n.ReplaceNetworkAclAssociation(s2.SubnetId, acl.NetworkAclId))
	r := reach(a.InstanceId, c.InstanceId)
	if len(r.Explanations) != 2 || r.Explanations[0].AclRule.RuleLabel() != "*" {
		t.Fatalf("custom ACL must deny in and out with *: %s", messages(r))
	}
	if r := reach(a.InstanceId, b.InstanceId); !r.NetworkPathFound {
		t.Fatalf("same subnet: ACLs do not apply: %s", messages(r))
	}
	g := must(n.CreateSecurityGroup(v.VpcId, "new", "new"))
	ok(t, n.ModifyNetworkInterfaceGroups(b.NetworkInterfaceIds[0], []string{g.GroupId}))
	if r := reach(a.InstanceId, b.InstanceId); r.NetworkPathFound || r.Explanations[0].ExplanationCode != CodeSGRulesMismatch {
		t.Fatalf("a new group has no inbound rule: %s", messages(r))
	}
	// b's new group lets everything out; a's default group only admits
	// members of itself, which b no longer is.
	if r := reach(b.InstanceId, a.InstanceId); len(r.Explanations) != 1 || r.Explanations[0].Direction != "ingress" ||
		r.Explanations[0].Component.Id != a.NetworkInterfaceIds[0] {
		t.Fatalf("want only a's ingress to block: %s", messages(r))
	}
}

// Middlebox routing: the appliance's source/destination check must be off.
func TestMiddlebox(t *testing.T) {
	t.Parallel()
	n := NewNetwork("111122223333")
	v := must(n.CreateVpc("10.6.0.0/16"))
	a := must(n.CreateSubnet(v.VpcId, "10.6.1.0/24", "az"))
	fw := must(n.CreateSubnet(v.VpcId, "10.6.2.0/24", "az"))
	b := must(n.CreateSubnet(v.VpcId, "10.6.3.0/24", "az"))
	appliance := must(n.RunInstance(fw.SubnetId, nil, netip.Addr{}))
	src := must(n.RunInstance(a.SubnetId, nil, netip.Addr{}))
	dst := must(n.RunInstance(b.SubnetId, nil, netip.Addr{}))
	rt := must(n.CreateRouteTable(v.VpcId))
	ok(t, n.AssociateRouteTable(rt.RouteTableId, a.SubnetId))
	ok(t, n.CreateRoute(rt.RouteTableId, Route{DestinationCidrBlock: b.CidrBlock, TargetType: TargetNetworkInterface, TargetId: appliance.NetworkInterfaceIds[0]}))
	q := PathQuery{Source: src.InstanceId, Destination: dst.InstanceId, Protocol: "tcp", DestinationPorts: PortRange{443, 443}}
	r := must(Compile(n).Reach(q))
	if len(r.Explanations) != 1 || r.Explanations[0].ExplanationCode != CodeSourceDestCheck {
		t.Fatalf("want only %s: %s", CodeSourceDestCheck, messages(r))
	}
	ok(t, n.ModifyNetworkInterfaceSourceDestCheck(appliance.NetworkInterfaceIds[0], false))
	r = must(Compile(n).Reach(q))
	hops := 0
	for _, c := range r.ForwardPath {
		if c.Component.Id == appliance.NetworkInterfaceIds[0] {
			hops++
		}
	}
	if !r.NetworkPathFound || hops == 0 {
		t.Fatalf("through the appliance: found=%v hops=%d %s", r.NetworkPathFound, hops, messages(r))
	}
	// A blackhole route: the appliance is gone.
	rt.Routes[len(rt.Routes)-1].State = "blackhole"
	r = must(Compile(n).Reach(q))
	if r.NetworkPathFound || r.Explanations[0].ExplanationCode != CodeBadStateRoute {
		t.Fatalf("blackhole: %s", messages(r))
	}
}

func TestReachQueryErrors(t *testing.T) {
	t.Parallel()
	x := threeTier(t)
	a := Compile(x.n)
	cases := []struct {
		q    PathQuery
		want string
	}{
		{PathQuery{Source: "i-nope", Destination: x.web.InstanceId, Protocol: "tcp"}, "InvalidInstanceID.NotFound"},
		{PathQuery{Source: x.web.InstanceId, Destination: "eni-nope", Protocol: "tcp"}, "InvalidNetworkInterfaceID.NotFound"},
		{PathQuery{Source: "igw-nope", Destination: x.web.InstanceId, Protocol: "tcp"}, "InvalidInternetGatewayID.NotFound"},
		{PathQuery{Source: x.web.InstanceId, Destination: x.app.InstanceId, Protocol: "icmp"}, "InvalidParameterValue"},
		{PathQuery{Source: x.web.InstanceId, Destination: x.app.InstanceId, Protocol: "tcp", DestinationPorts: PortRange{10, 5}}, "InvalidParameterValue"},
		{PathQuery{Source: x.web.InstanceId, Protocol: "tcp"}, "MissingParameter"},
		{PathQuery{Source: "vpc-1", Destination: x.web.InstanceId, Protocol: "tcp"}, "InvalidParameterValue"},
		{PathQuery{Source: x.web.InstanceId, SourceIp: netip.MustParseAddr("10.9.9.9"), Destination: x.app.InstanceId, Protocol: "tcp"}, "InvalidParameterValue"},
	}
	for _, c := range cases {
		_, err := a.Reach(c.q)
		if got := code(err); got != c.want {
			t.Errorf("%+v: %q (%v), want %q", c.q, got, err, c.want)
		}
	}
}

func TestEndpoints(t *testing.T) {
	t.Parallel()
	x := threeTier(t)
	n := x.n
	priv := ""
	for id, rt := range n.RouteTables {
		if len(rt.SubnetIds) == 1 && rt.SubnetIds[0] == x.appSub.SubnetId {
			priv = id
		}
	}
	e := must(n.CreateVpcEndpoint(x.vpc.VpcId, "Gateway", "com.amazonaws.us-east-1.s3", []string{priv}, nil, nil,
		`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`))
	if e.Policy == nil || EndpointContext(e)["aws:SourceVpce"] != e.VpcEndpointId {
		t.Fatal("endpoint policy or context keys missing")
	}
	// app -> S3 now goes through the endpoint, not the NAT gateway; the
	// app ACL lets 443 out and ephemeral replies in.
	r := must(Compile(n).Reach(PathQuery{Source: x.app.InstanceId, DestinationIp: netip.MustParseAddr("198.51.100.5"), Protocol: "tcp", DestinationPorts: PortRange{443, 443}}))
	via := ""
	for _, c := range r.ForwardPath {
		if c.Component.Id == e.VpcEndpointId {
			via = c.Note
		}
	}
	if !r.NetworkPathFound || !strings.Contains(via, "endpoint policy") {
		t.Fatalf("found=%v via %q %s", r.NetworkPathFound, via, messages(r))
	}
	ie := must(n.CreateVpcEndpoint(x.vpc.VpcId, "Interface", "com.amazonaws.us-east-1.ssm", nil, []string{x.appSub.SubnetId}, []string{x.appSG.GroupId}, ""))
	if len(ie.NetworkInterfaceIds) != 1 || n.Interfaces[ie.NetworkInterfaceIds[0]].InterfaceType != "vpc_endpoint" {
		t.Fatalf("interface endpoint ENIs %+v", ie)
	}
}

func TestPrefixListWeightAndStale(t *testing.T) {
	t.Parallel()
	n := NewNetwork("111122223333")
	v := must(n.CreateVpc("10.8.0.0/16"))
	g := must(n.CreateSecurityGroup(v.VpcId, "g", "g"))
	big := must(n.CreateManagedPrefixList("big", "IPv4", 58, []string{"192.0.2.0/24"}))
	// 58 (the list's MaxEntries) + 2 CIDR rules = 60: at the quota.
	must(n.AuthorizeSecurityGroupIngress(g.GroupId, []IpPermission{{IpProtocol: "tcp", FromPort: port(443), ToPort: port(443), PrefixListIds: []string{big.PrefixListId}}}))
	must(n.AuthorizeSecurityGroupIngress(g.GroupId, []IpPermission{tcp(1, 1, "10.0.0.0/8", "172.16.0.0/12")}))
	if _, err := n.AuthorizeSecurityGroupIngress(g.GroupId, []IpPermission{tcp(2, 2, "10.0.0.0/8")}); code(err) != "RulesPerSecurityGroupLimitExceeded" {
		t.Fatalf("61st weighted rule: %v", err)
	}
	// A reference through a peering that is later deleted becomes stale.
	w := must(n.CreateVpc("10.9.0.0/16"))
	peer := must(n.CreateSecurityGroup(w.VpcId, "peer", "peer"))
	p := must(n.CreateVpcPeeringConnection(v.VpcId, w.VpcId))
	ok(t, n.AcceptVpcPeeringConnection(p.VpcPeeringConnectionId))
	h := must(n.CreateSecurityGroup(v.VpcId, "h", "h"))
	must(n.AuthorizeSecurityGroupIngress(h.GroupId, []IpPermission{tcp(5432, 5432, peer.GroupId)}))
	if s := n.StaleReferences(); len(s) != 0 {
		t.Fatalf("active peering: stale %+v", s)
	}
	p.Status = "deleted"
	if s := n.StaleReferences(); len(s) != 1 || s[0].GroupId != h.GroupId {
		t.Fatalf("deleted peering: stale %+v", s)
	}
}

func TestDeletions(t *testing.T) {
	t.Parallel()
	x := threeTier(t)
	n := x.n
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"vpc with subnets", n.DeleteVpc(x.vpc.VpcId), "DependencyViolation"},
		{"subnet with interfaces", n.DeleteSubnet(x.webSub.SubnetId), "DependencyViolation"},
		{"main route table", n.DeleteRouteTable(x.vpc.MainRouteTableId), "DependencyViolation"},
		{"attached igw", n.DeleteInternetGateway(x.igw.InternetGatewayId), "DependencyViolation"},
		{"eni of an instance", n.DeleteNetworkInterface(x.web.NetworkInterfaceIds[0]), "InvalidNetworkInterface.InUse"},
		{"metadata tokens", n.ModifyInstanceMetadataOptions(x.web.InstanceId, "sometimes", 0), "InvalidParameterValue"},
		{"metadata hops", n.ModifyInstanceMetadataOptions(x.web.InstanceId, "", 65), "InvalidParameterValue"},
		{"revoke missing permission", n.RevokeSecurityGroupPermissions(x.webSG.GroupId, false, []IpPermission{tcp(22, 22, "0.0.0.0/0")}), "InvalidPermission.NotFound"},
		{"modify missing rule", n.ModifySecurityGroupRule(x.webSG.GroupId, "sgr-nope", tcp(22, 22, "0.0.0.0/0")), "InvalidSecurityGroupRuleId.NotFound"},
	}
	for _, c := range cases {
		if got := code(c.err); got != c.want {
			t.Errorf("%s: %q (%v), want %q", c.name, got, c.err, c.want)
		}
	}
	ok(t, n.ModifyInstanceMetadataOptions(x.web.InstanceId, "optional", 3))
	if i := n.Instances[x.web.InstanceId]; i.HttpTokens != "optional" || i.HttpPutResponseHopLimit != 3 {
		t.Fatalf("metadata options %+v", i)
	}
	// Narrow the web rule to one range, then revoke it: web loses 443.
	rule := x.webSG.Ingress[0].SecurityGroupRuleId
	ok(t, n.ModifySecurityGroupRule(x.webSG.GroupId, rule, tcp(443, 443, "192.0.2.0/24")))
	if x.webSG.Ingress[0].SecurityGroupRuleId != rule || x.webSG.Ingress[0].CidrIpv4.String() != "192.0.2.0/24" {
		t.Fatalf("modified rule %+v", x.webSG.Ingress[0])
	}
	ok(t, n.RevokeSecurityGroupPermissions(x.webSG.GroupId, false, []IpPermission{tcp(443, 443, "192.0.2.0/24")}))
	if len(x.webSG.Ingress) != 0 {
		t.Fatalf("rules left %+v", x.webSG.Ingress)
	}
	// Deleting the NAT gateway turns the private route into a blackhole.
	ok(t, n.DeleteNatGateway(x.nat.NatGatewayId))
	r := must(Compile(n).Reach(PathQuery{Source: x.app.InstanceId, Destination: x.igw.InternetGatewayId, Protocol: "tcp", DestinationPorts: PortRange{443, 443}}))
	if r.NetworkPathFound || r.Explanations[0].ExplanationCode != CodeBadStateRoute {
		t.Fatalf("after deleting the NAT gateway: %s", messages(r))
	}
	// An empty VPC can be deleted with its defaults.
	v := must(n.CreateVpc("10.20.0.0/16"))
	ok(t, n.DeleteVpc(v.VpcId))
	if n.VPCs[v.VpcId] != nil || n.SecurityGroups[v.DefaultSecurityGroupId] != nil || n.RouteTables[v.MainRouteTableId] != nil {
		t.Fatal("VPC defaults left behind")
	}
}

// Ingress routing: the internet gateway's edge route table sends the web
// subnet's traffic through an inspection appliance.
func TestIngressRouting(t *testing.T) {
	t.Parallel()
	n := NewNetwork("111122223333")
	v := must(n.CreateVpc("10.10.0.0/16"))
	igw := n.CreateInternetGateway()
	ok(t, n.AttachInternetGateway(igw.InternetGatewayId, v.VpcId))
	fw := must(n.CreateSubnet(v.VpcId, "10.10.1.0/24", "az"))
	web := must(n.CreateSubnet(v.VpcId, "10.10.2.0/24", "az"))
	ok(t, n.CreateRoute(v.MainRouteTableId, Route{DestinationCidrBlock: allIPv4, TargetType: TargetInternetGateway, TargetId: igw.InternetGatewayId}))
	open := must(n.CreateSecurityGroup(v.VpcId, "open", "https"))
	must(n.AuthorizeSecurityGroupIngress(open.GroupId, []IpPermission{tcp(443, 443, "0.0.0.0/0")}))
	appliance := must(n.RunInstance(fw.SubnetId, []string{open.GroupId}, netip.Addr{}))
	server := must(n.RunInstance(web.SubnetId, []string{open.GroupId}, netip.MustParseAddr("198.51.100.44")))
	edge := must(n.CreateRouteTable(v.VpcId))
	ok(t, n.CreateRoute(edge.RouteTableId, Route{DestinationCidrBlock: web.CidrBlock, TargetType: TargetNetworkInterface, TargetId: appliance.NetworkInterfaceIds[0]}))
	ok(t, n.AssociateGatewayRouteTable(edge.RouteTableId, igw.InternetGatewayId))
	q := PathQuery{Source: igw.InternetGatewayId, Destination: server.InstanceId, Protocol: "tcp", DestinationPorts: PortRange{443, 443}}
	r := must(Compile(n).Reach(q))
	if len(r.Explanations) != 1 || r.Explanations[0].ExplanationCode != CodeSourceDestCheck {
		t.Fatalf("want only the appliance's source/destination check: %s", messages(r))
	}
	ok(t, n.ModifyNetworkInterfaceSourceDestCheck(appliance.NetworkInterfaceIds[0], false))
	r = must(Compile(n).Reach(q))
	through := false
	for _, c := range r.ForwardPath {
		through = through || c.Component.Id == appliance.NetworkInterfaceIds[0]
	}
	if !r.NetworkPathFound || !through {
		t.Fatalf("found=%v through=%v %s", r.NetworkPathFound, through, messages(r))
	}
}

func TestElasticIPs(t *testing.T) {
	t.Parallel()
	n := NewNetwork("111122223333")
	v := must(n.CreateVpc("10.11.0.0/16"))
	s := must(n.CreateSubnet(v.VpcId, "10.11.1.0/24", "az"))
	a := must(n.AllocateAddress(netip.Addr{}))
	b := must(n.AllocateAddress(netip.Addr{}))
	if a.PublicIp == b.PublicIp || !AddressPool.Contains(a.PublicIp) {
		t.Fatalf("addresses %s %s", a.PublicIp, b.PublicIp)
	}
	if _, err := n.AllocateAddress(a.PublicIp); code(err) != "InvalidIPAddress.InUse" {
		t.Fatalf("duplicate: %v", err)
	}
	if _, err := n.AllocateAddress(netip.MustParseAddr("10.1.1.1")); code(err) != "InvalidParameterValue" {
		t.Fatalf("private: %v", err)
	}
	nat := must(n.CreateNatGatewayWithAllocation(s.SubnetId, a.AllocationId))
	if nat.PublicIp != a.PublicIp || nat.AllocationId != a.AllocationId {
		t.Fatalf("nat %+v", nat)
	}
	if err := n.ReleaseAddress(a.AllocationId); code(err) != "InvalidIPAddress.InUse" {
		t.Fatalf("release in use: %v", err)
	}
	inst := must(n.RunInstance(s.SubnetId, nil, netip.Addr{}))
	ok(t, n.AssociateAddress(b.AllocationId, inst.NetworkInterfaceIds[0]))
	if n.Interfaces[inst.NetworkInterfaceIds[0]].PublicIp != b.PublicIp {
		t.Fatal("not associated")
	}
	if err := n.AssociateAddress(b.AllocationId, inst.NetworkInterfaceIds[0]); code(err) != "Resource.AlreadyAssociated" {
		t.Fatalf("associate twice: %v", err)
	}
	ok(t, n.DisassociateAddress(b.AllocationId))
	ok(t, n.ReleaseAddress(b.AllocationId))
	if n.Interfaces[inst.NetworkInterfaceIds[0]].PublicIp.IsValid() || len(n.Addresses) != 1 {
		t.Fatal("disassociate/release left state behind")
	}
}

func TestLifecycle(t *testing.T) {
	t.Parallel()
	x := threeTier(t)
	n := x.n
	v := x.vpc.VpcId
	// Secondary CIDR: local route everywhere, subnets may use it.
	if err := n.AssociateVpcCidrBlock(v, "10.0.128.0/17"); code(err) != "InvalidVpc.Range" {
		t.Fatalf("overlapping secondary block: %v", err)
	}
	ok(t, n.AssociateVpcCidrBlock(v, "10.1.0.0/16"))
	s2 := must(n.CreateSubnet(v, "10.1.1.0/24", "az"))
	for _, rt := range n.RouteTables {
		if rt.VpcId == v && !slices.ContainsFunc(rt.Routes, func(r Route) bool { return r.Destination() == "10.1.0.0/16" && r.TargetType == TargetLocal }) {
			t.Fatalf("%s lacks the local route of the new block", rt.RouteTableId)
		}
	}
	// Route table associations.
	rt := must(n.CreateRouteTable(v))
	ok(t, n.AssociateRouteTable(rt.RouteTableId, s2.SubnetId))
	if err := n.DeleteRouteTable(rt.RouteTableId); code(err) != "DependencyViolation" {
		t.Fatalf("delete associated table: %v", err)
	}
	ok(t, n.DisassociateRouteTable(s2.SubnetId))
	if err := n.DisassociateRouteTable(s2.SubnetId); code(err) != "InvalidAssociationID.NotFound" {
		t.Fatalf("disassociate twice: %v", err)
	}
	ok(t, n.ReplaceMainRouteTable(rt.RouteTableId))
	if !rt.Main || n.RouteTables[x.vpc.MainRouteTableId] != nil && n.RouteTables[x.vpc.MainRouteTableId] != rt && n.RouteTables[x.vpc.MainRouteTableId].Main {
		t.Fatal("main route table not replaced")
	}
	// Routes.
	dst := netip.MustParsePrefix("192.0.2.0/24")
	if err := n.ReplaceRoute(rt.RouteTableId, Route{DestinationCidrBlock: dst, TargetType: TargetInternetGateway, TargetId: x.igw.InternetGatewayId}); code(err) != "InvalidRoute.NotFound" {
		t.Fatalf("replace missing route: %v", err)
	}
	ok(t, n.CreateRoute(rt.RouteTableId, Route{DestinationCidrBlock: dst, TargetType: TargetInternetGateway, TargetId: x.igw.InternetGatewayId}))
	ok(t, n.ReplaceRoute(rt.RouteTableId, Route{DestinationCidrBlock: dst, TargetType: TargetNatGateway, TargetId: x.nat.NatGatewayId}))
	ok(t, n.DeleteRoute(rt.RouteTableId, dst.String()))
	if err := n.DeleteRoute(rt.RouteTableId, dst.String()); code(err) != "InvalidRoute.NotFound" {
		t.Fatalf("delete twice: %v", err)
	}
	// ACL entries.
	ok(t, n.DeleteNetworkAclEntry(x.webACL.NetworkAclId, 120, true))
	if err := n.DeleteNetworkAclEntry(x.webACL.NetworkAclId, 32767, true); code(err) != "InvalidNetworkAclEntry.NotFound" {
		t.Fatalf("delete the * rule: %v", err)
	}
	ok(t, n.ReplaceNetworkAclEntry(x.webACL.NetworkAclId, ACL(100, false, ProtoTCP, "deny", "0.0.0.0/0", 443, 443)))
	if r := must(Compile(n).Reach(PathQuery{Source: x.igw.InternetGatewayId, Destination: x.web.InstanceId, Protocol: "tcp", DestinationPorts: PortRange{443, 443}})); r.NetworkPathFound ||
		r.Explanations[0].AclRule == nil || r.Explanations[0].AclRule.RuleNumber != 100 {
		t.Fatalf("rule 100 now denies 443: %s", messages(r))
	}
	// Egress rules: revoke the default allow-all of the db group, then db
	// cannot start connections.
	ok(t, n.RevokeSecurityGroupPermissions(x.dbSG.GroupId, true, []IpPermission{{IpProtocol: "-1", IpRanges: []string{"0.0.0.0/0"}}}))
	must(n.AuthorizeSecurityGroupEgress(x.dbSG.GroupId, []IpPermission{tcp(443, 443, "10.0.1.0/24")}))
	if len(x.dbSG.Egress) != 1 || x.dbSG.Egress[0].FromPort != 443 {
		t.Fatalf("db egress %+v", x.dbSG.Egress)
	}
	// Prefix lists: versions, removal, AWS-managed lists are read-only.
	pl := must(n.CreateManagedPrefixList("office", "IPv4", 5, []string{"192.0.2.0/24", "198.51.100.0/24"}))
	ok(t, n.ModifyManagedPrefixList(pl.PrefixListId, []string{"203.0.113.0/24"}, []string{"192.0.2.0/24"}))
	if pl.Version != 2 || len(pl.Entries) != 2 {
		t.Fatalf("prefix list %+v", pl)
	}
	if err := n.ModifyManagedPrefixList(pl.PrefixListId, nil, []string{"10.9.9.0/24"}); code(err) != "InvalidParameterValue" {
		t.Fatalf("remove missing entry: %v", err)
	}
	s3 := must(n.CreateVpcEndpoint(v, "Gateway", "com.amazonaws.us-east-1.s3", []string{rt.RouteTableId}, nil, nil, ""))
	for _, l := range n.PrefixLists {
		if l.OwnerId == "AWS" {
			if err := n.ModifyManagedPrefixList(l.PrefixListId, []string{"10.0.0.0/8"}, nil); code(err) != "InvalidParameterValue" {
				t.Fatalf("AWS-managed list modified: %v", err)
			}
			if n.ruleWeight(l.PrefixListId) != 1 {
				t.Fatalf("weight of %s", l.PrefixListName)
			}
		}
	}
	ok(t, n.DeleteVpcEndpoint(s3.VpcEndpointId))
	if slices.ContainsFunc(rt.Routes, func(r Route) bool { return r.TargetId == s3.VpcEndpointId }) {
		t.Fatal("endpoint route left behind")
	}
	// Peering: reject, delete (routes become blackholes).
	other := must(n.CreateVpc("172.20.0.0/16"))
	p1 := must(n.CreateVpcPeeringConnection(v, other.VpcId))
	ok(t, n.RejectVpcPeeringConnection(p1.VpcPeeringConnectionId))
	if err := n.RejectVpcPeeringConnection(p1.VpcPeeringConnectionId); code(err) != "InvalidStateTransition" {
		t.Fatalf("reject twice: %v", err)
	}
	p2 := must(n.CreateVpcPeeringConnection(v, other.VpcId))
	ok(t, n.AcceptVpcPeeringConnection(p2.VpcPeeringConnectionId))
	ok(t, n.CreateRoute(rt.RouteTableId, Route{DestinationCidrBlock: netip.MustParsePrefix("172.20.0.0/16"), TargetType: TargetVpcPeeringConnection, TargetId: p2.VpcPeeringConnectionId}))
	ok(t, n.DeleteVpcPeeringConnection(p2.VpcPeeringConnectionId))
	if rt.Routes[len(rt.Routes)-1].State != "blackhole" {
		t.Fatal("route through a deleted peering is not a blackhole")
	}
	// Internet gateway detach, instances terminate, groups delete once free.
	if err := n.DetachInternetGateway(x.igw.InternetGatewayId, other.VpcId); code(err) != "Gateway.NotAttached" {
		t.Fatalf("detach from the wrong VPC: %v", err)
	}
	ok(t, n.DetachInternetGateway(x.igw.InternetGatewayId, v))
	ok(t, n.DeleteInternetGateway(x.igw.InternetGatewayId))
	ok(t, n.TerminateInstance(x.db.InstanceId))
	ok(t, n.TerminateInstance(x.db2.InstanceId))
	ok(t, n.DeleteSecurityGroup(x.dbSG.GroupId))
	if err := n.DeleteSubnet(s2.SubnetId); err != nil {
		t.Fatal(err)
	}
	if err := n.TerminateInstance("i-nope"); code(err) != "InvalidInstanceID.NotFound" {
		t.Fatalf("terminate missing: %v", err)
	}
}
