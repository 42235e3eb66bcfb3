package server_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// ec2c is an EC2 client of the root user.
func ec2c(ts *testServer) *ec2.Client { return ec2.NewFromConfig(ts.config(ts.Root)) }

// ec2ok returns v when err is nil and panics otherwise (Go cannot pass a
// call's two results after a *testing.T); the panic names the failing call.
func ec2ok[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func tcpFrom(port int32, cidr string) ec2types.IpPermission {
	return ec2types.IpPermission{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(port), ToPort: aws.Int32(port),
		IpRanges: []ec2types.IpRange{{CidrIp: aws.String(cidr)}}}
}

func tcpFromGroup(port int32, group string) ec2types.IpPermission {
	return ec2types.IpPermission{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(port), ToPort: aws.Int32(port),
		UserIdGroupPairs: []ec2types.UserIdGroupPair{{GroupId: aws.String(group)}}}
}

// A VPC comes with AWS's defaults (main route table with the local route,
// default network ACL, default security group); subnets must sit inside the
// VPC and not overlap; internet gateways attach once; route tables take
// routes and associations; a VPC with dependencies cannot be deleted; bad
// input answers EC2's error codes and changes nothing.
func TestEC2VPCSubnetsRoutes(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	c := ec2c(ts)

	v := ec2ok(c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16"),
		TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeVpc, Tags: []ec2types.Tag{{Key: aws.String("Name"), Value: aws.String("lab")}}}}})).Vpc
	vpcID := aws.ToString(v.VpcId)
	if !strings.HasPrefix(vpcID, "vpc-") || len(vpcID) != len("vpc-")+17 || aws.ToString(v.CidrBlock) != "10.0.0.0/16" ||
		v.State != ec2types.VpcStateAvailable || aws.ToString(v.OwnerId) != ts.Account || len(v.Tags) != 1 {
		t.Fatalf("CreateVpc: %+v", v)
	}
	for _, bad := range []string{"10.0.0.0/33", "banana", "10.0.0.0"} {
		_, err := c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String(bad)})
		if ae := apiError(t, err, "InvalidParameterValue"); !strings.Contains(ae.ErrorMessage(), "cidrBlock") {
			t.Errorf("%s: %s", bad, ae.ErrorMessage())
		}
	}
	_, err := c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/8")})
	apiError(t, err, "InvalidVpc.Range")
	_, err = c.CreateVpc(ctx, &ec2.CreateVpcInput{})
	apiError(t, err, "MissingParameter")

	// Defaults.
	rts := ec2ok(c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{vpcID}}}})).RouteTables
	if len(rts) != 1 || len(rts[0].Associations) != 1 || !aws.ToBool(rts[0].Associations[0].Main) || len(rts[0].Routes) != 1 ||
		aws.ToString(rts[0].Routes[0].GatewayId) != "local" || aws.ToString(rts[0].Routes[0].DestinationCidrBlock) != "10.0.0.0/16" {
		t.Fatalf("main route table: %+v", rts)
	}
	mainRT := aws.ToString(rts[0].RouteTableId)
	acls := ec2ok(c.DescribeNetworkAcls(ctx, &ec2.DescribeNetworkAclsInput{Filters: []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{vpcID}}, {Name: aws.String("default"), Values: []string{"true"}}}})).NetworkAcls
	if len(acls) != 1 || len(acls[0].Entries) != 4 {
		t.Fatalf("default NACL: %+v", acls)
	}
	for _, e := range acls[0].Entries {
		if !(aws.ToInt32(e.RuleNumber) == 100 && e.RuleAction == ec2types.RuleActionAllow || aws.ToInt32(e.RuleNumber) == 32767 && e.RuleAction == ec2types.RuleActionDeny) ||
			aws.ToString(e.Protocol) != "-1" || aws.ToString(e.CidrBlock) != "0.0.0.0/0" {
			t.Errorf("default NACL entry: %+v", e)
		}
	}
	sgs := ec2ok(c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{vpcID}}, {Name: aws.String("group-name"), Values: []string{"default"}}}})).SecurityGroups
	if len(sgs) != 1 || len(sgs[0].IpPermissions) != 1 || len(sgs[0].IpPermissions[0].UserIdGroupPairs) != 1 ||
		aws.ToString(sgs[0].IpPermissions[0].UserIdGroupPairs[0].GroupId) != aws.ToString(sgs[0].GroupId) ||
		len(sgs[0].IpPermissionsEgress) != 1 || aws.ToString(sgs[0].IpPermissionsEgress[0].IpProtocol) != "-1" ||
		aws.ToString(sgs[0].IpPermissionsEgress[0].IpRanges[0].CidrIp) != "0.0.0.0/0" {
		t.Fatalf("default SG: %+v", sgs)
	}
	_, err = c.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: sgs[0].GroupId})
	apiError(t, err, "CannotDelete")

	// Subnets.
	pub := ec2ok(c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: aws.String(vpcID), CidrBlock: aws.String("10.0.1.0/24"), AvailabilityZone: aws.String("us-east-1a")})).Subnet
	if aws.ToString(pub.AvailabilityZone) != "us-east-1a" || aws.ToInt32(pub.AvailableIpAddressCount) != 251 || aws.ToString(pub.VpcId) != vpcID {
		t.Fatalf("CreateSubnet: %+v", pub)
	}
	_, err = c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: aws.String(vpcID), CidrBlock: aws.String("10.0.1.128/25")})
	apiError(t, err, "InvalidSubnet.Conflict")
	_, err = c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: aws.String(vpcID), CidrBlock: aws.String("10.1.0.0/24")})
	apiError(t, err, "InvalidSubnet.Range")
	_, err = c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: aws.String("vpc-0123456789abcdef0"), CidrBlock: aws.String("10.0.2.0/24")})
	if ae := apiError(t, err, "InvalidVpcID.NotFound"); !strings.Contains(ae.ErrorMessage(), "vpc-0123456789abcdef0") {
		t.Errorf("message: %s", ae.ErrorMessage())
	}
	_, err = c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: aws.String(vpcID), CidrBlock: aws.String("10.0.2.0/24"), AvailabilityZone: aws.String("eu-west-1a")})
	apiError(t, err, "InvalidParameterValue")
	priv := ec2ok(c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: aws.String(vpcID), CidrBlock: aws.String("10.0.2.0/24")})).Subnet
	subs := ec2ok(c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{vpcID}}}})).Subnets
	if len(subs) != 2 {
		t.Fatalf("DescribeSubnets: %+v", subs)
	}
	_, err = c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: []string{"subnet-0000000000000000a"}})
	apiError(t, err, "InvalidSubnetID.NotFound")
	_, err = c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: []ec2types.Filter{{Name: aws.String("colour"), Values: []string{"red"}}}})
	apiError(t, err, "InvalidParameterValue")

	// Internet gateway and a public route table.
	igw := aws.ToString(ec2ok(c.CreateInternetGateway(ctx, &ec2.CreateInternetGatewayInput{})).InternetGateway.InternetGatewayId)
	ec2ok(c.AttachInternetGateway(ctx, &ec2.AttachInternetGatewayInput{InternetGatewayId: aws.String(igw), VpcId: aws.String(vpcID)}))
	_, err = c.AttachInternetGateway(ctx, &ec2.AttachInternetGatewayInput{InternetGatewayId: aws.String(igw), VpcId: aws.String(vpcID)})
	apiError(t, err, "Resource.AlreadyAssociated")
	_, err = c.DeleteInternetGateway(ctx, &ec2.DeleteInternetGatewayInput{InternetGatewayId: aws.String(igw)})
	apiError(t, err, "DependencyViolation")
	igws := ec2ok(c.DescribeInternetGateways(ctx, &ec2.DescribeInternetGatewaysInput{Filters: []ec2types.Filter{{Name: aws.String("attachment.vpc-id"), Values: []string{vpcID}}}})).InternetGateways
	if len(igws) != 1 || len(igws[0].Attachments) != 1 || aws.ToString(igws[0].Attachments[0].VpcId) != vpcID {
		t.Fatalf("DescribeInternetGateways: %+v", igws)
	}
	rt := aws.ToString(ec2ok(c.CreateRouteTable(ctx, &ec2.CreateRouteTableInput{VpcId: aws.String(vpcID)})).RouteTable.RouteTableId)
	ec2ok(c.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: aws.String(rt), DestinationCidrBlock: aws.String("0.0.0.0/0"), GatewayId: aws.String(igw)}))
	_, err = c.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: aws.String(rt), DestinationCidrBlock: aws.String("0.0.0.0/0"), GatewayId: aws.String(igw)})
	apiError(t, err, "RouteAlreadyExists")
	_, err = c.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: aws.String(rt), DestinationCidrBlock: aws.String("192.0.2.0/24"), GatewayId: aws.String("igw-0123456789abcdef0")})
	apiError(t, err, "InvalidInternetGatewayID.NotFound")
	_, err = c.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: aws.String("rtb-0123456789abcdef0"), DestinationCidrBlock: aws.String("192.0.2.0/24"), GatewayId: aws.String(igw)})
	apiError(t, err, "InvalidRouteTableID.NotFound")
	_, err = c.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: aws.String(rt), DestinationCidrBlock: aws.String("192.0.2.0/24")})
	apiError(t, err, "MissingParameter")
	assoc := ec2ok(c.AssociateRouteTable(ctx, &ec2.AssociateRouteTableInput{RouteTableId: aws.String(rt), SubnetId: pub.SubnetId}))
	if !strings.HasPrefix(aws.ToString(assoc.AssociationId), "rtbassoc-") {
		t.Fatalf("AssociateRouteTable: %+v", assoc)
	}
	got := ec2ok(c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: []ec2types.Filter{{Name: aws.String("association.subnet-id"), Values: []string{aws.ToString(pub.SubnetId)}}}})).RouteTables
	if len(got) != 1 || aws.ToString(got[0].RouteTableId) != rt || len(got[0].Routes) != 2 || aws.ToString(got[0].Routes[1].GatewayId) != igw {
		t.Fatalf("public route table: %+v", got)
	}
	_, err = c.DeleteRouteTable(ctx, &ec2.DeleteRouteTableInput{RouteTableId: aws.String(rt)})
	apiError(t, err, "DependencyViolation")
	_, err = c.DeleteRouteTable(ctx, &ec2.DeleteRouteTableInput{RouteTableId: aws.String(mainRT)})
	apiError(t, err, "DependencyViolation")
	ec2ok(c.DisassociateRouteTable(ctx, &ec2.DisassociateRouteTableInput{AssociationId: assoc.AssociationId}))
	_, err = c.DisassociateRouteTable(ctx, &ec2.DisassociateRouteTableInput{AssociationId: assoc.AssociationId})
	apiError(t, err, "InvalidAssociationID.NotFound")
	ec2ok(c.ReplaceRoute(ctx, &ec2.ReplaceRouteInput{RouteTableId: aws.String(rt), DestinationCidrBlock: aws.String("0.0.0.0/0"), GatewayId: aws.String(igw)}))
	ec2ok(c.DeleteRoute(ctx, &ec2.DeleteRouteInput{RouteTableId: aws.String(rt), DestinationCidrBlock: aws.String("0.0.0.0/0")}))
	_, err = c.DeleteRoute(ctx, &ec2.DeleteRouteInput{RouteTableId: aws.String(rt), DestinationCidrBlock: aws.String("0.0.0.0/0")})
	apiError(t, err, "InvalidRoute.NotFound")

	// Deleting: dependencies first.
	_, err = c.DeleteVpc(ctx, &ec2.DeleteVpcInput{VpcId: aws.String(vpcID)})
	apiError(t, err, "DependencyViolation")
	ec2ok(c.DeleteRouteTable(ctx, &ec2.DeleteRouteTableInput{RouteTableId: aws.String(rt)}))
	ec2ok(c.DetachInternetGateway(ctx, &ec2.DetachInternetGatewayInput{InternetGatewayId: aws.String(igw), VpcId: aws.String(vpcID)}))
	ec2ok(c.DeleteInternetGateway(ctx, &ec2.DeleteInternetGatewayInput{InternetGatewayId: aws.String(igw)}))
	ec2ok(c.DeleteSubnet(ctx, &ec2.DeleteSubnetInput{SubnetId: pub.SubnetId}))
	ec2ok(c.DeleteSubnet(ctx, &ec2.DeleteSubnetInput{SubnetId: priv.SubnetId}))
	ec2ok(c.DeleteVpc(ctx, &ec2.DeleteVpcInput{VpcId: aws.String(vpcID)}))
	_, err = c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{VpcIds: []string{vpcID}})
	apiError(t, err, "InvalidVpcID.NotFound")
	if left := ec2ok(c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{})).SecurityGroups; len(left) != 0 {
		t.Fatalf("groups left after DeleteVpc: %+v", left)
	}
}

// Security groups: rules by CIDR, IPv6, group reference; AWS's errors for
// duplicates, bad ports and CIDRs, the 60-rule quota, unknown and referenced
// groups; a failing call adds nothing.
func TestEC2SecurityGroups(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	c := ec2c(ts)
	vpcID := ec2ok(c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")})).Vpc.VpcId

	web := ec2ok(c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{VpcId: vpcID, GroupName: aws.String("web"), Description: aws.String("web tier")}))
	webID := aws.ToString(web.GroupId)
	if !strings.HasPrefix(webID, "sg-") || !strings.HasSuffix(aws.ToString(web.SecurityGroupArn), ":security-group/"+webID) {
		t.Fatalf("CreateSecurityGroup: %+v", web)
	}
	_, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{VpcId: vpcID, GroupName: aws.String("web"), Description: aws.String("again")})
	apiError(t, err, "InvalidGroup.Duplicate")
	app := aws.ToString(ec2ok(c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{VpcId: vpcID, GroupName: aws.String("app"), Description: aws.String("app tier")})).GroupId)

	out := ec2ok(c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(webID), IpPermissions: []ec2types.IpPermission{
		tcpFrom(443, "0.0.0.0/0"),
		{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(80), ToPort: aws.Int32(80), Ipv6Ranges: []ec2types.Ipv6Range{{CidrIpv6: aws.String("::/0"), Description: aws.String("http v6")}}},
		{IpProtocol: aws.String("icmp"), FromPort: aws.Int32(-1), ToPort: aws.Int32(-1), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("10.0.0.0/16")}}},
	}}))
	if !aws.ToBool(out.Return) || len(out.SecurityGroupRules) != 3 || !strings.HasPrefix(aws.ToString(out.SecurityGroupRules[0].SecurityGroupRuleId), "sgr-") ||
		aws.ToString(out.SecurityGroupRules[0].CidrIpv4) != "0.0.0.0/0" || aws.ToString(out.SecurityGroupRules[1].Description) != "http v6" {
		t.Fatalf("AuthorizeSecurityGroupIngress: %+v", out)
	}
	ec2ok(c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(app), IpPermissions: []ec2types.IpPermission{tcpFromGroup(8080, webID)}}))

	_, err = c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(webID), IpPermissions: []ec2types.IpPermission{tcpFrom(443, "0.0.0.0/0")}})
	if ae := apiError(t, err, "InvalidPermission.Duplicate"); !strings.Contains(ae.ErrorMessage(), `peer: 0.0.0.0/0, TCP, from port: 443, to port: 443, ALLOW`) {
		t.Errorf("duplicate message: %s", ae.ErrorMessage())
	}
	_, err = c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(webID), IpPermissions: []ec2types.IpPermission{tcpFrom(70000, "0.0.0.0/0")}})
	if ae := apiError(t, err, "InvalidParameterValue"); !strings.Contains(ae.ErrorMessage(), "portRange") {
		t.Errorf("port message: %s", ae.ErrorMessage())
	}
	// A bad CIDR in the second permission: the first is not added either.
	_, err = c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(webID), IpPermissions: []ec2types.IpPermission{tcpFrom(22, "10.0.0.0/8"), tcpFrom(23, "10.0.0.0/40")}})
	apiError(t, err, "InvalidParameterValue")
	_, err = c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String("sg-0123456789abcdef0"), IpPermissions: []ec2types.IpPermission{tcpFrom(22, "10.0.0.0/8")}})
	apiError(t, err, "InvalidGroup.NotFound")
	_, err = c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(webID), IpPermissions: []ec2types.IpPermission{tcpFromGroup(22, "sg-0123456789abcdef0")}})
	apiError(t, err, "InvalidGroup.NotFound")
	rules := ec2ok(c.DescribeSecurityGroupRules(ctx, &ec2.DescribeSecurityGroupRulesInput{Filters: []ec2types.Filter{{Name: aws.String("group-id"), Values: []string{webID}}}})).SecurityGroupRules
	if len(rules) != 4 { // 3 inbound + the default outbound
		t.Fatalf("rules after failed calls: %d %+v", len(rules), rules)
	}

	// The 60-rule quota per direction (and address family): 3 IPv4 rules
	// here already count 2 (the IPv6 one is apart).
	var perms []ec2types.IpPermission
	for i := 0; i < 58; i++ {
		perms = append(perms, tcpFrom(int32(1000+i), "10.0.0.0/8"))
	}
	ec2ok(c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(webID), IpPermissions: perms}))
	_, err = c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(webID), IpPermissions: []ec2types.IpPermission{tcpFrom(2000, "10.0.0.0/8")}})
	apiError(t, err, "RulesPerSecurityGroupLimitExceeded")

	// Revoke by permission and by rule ID.
	ec2ok(c.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: aws.String(webID), IpPermissions: perms}))
	_, err = c.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: aws.String(webID), IpPermissions: []ec2types.IpPermission{tcpFrom(1000, "10.0.0.0/8")}})
	apiError(t, err, "InvalidPermission.NotFound")
	rv := ec2ok(c.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: aws.String(webID), SecurityGroupRuleIds: []string{aws.ToString(out.SecurityGroupRules[2].SecurityGroupRuleId)}}))
	if len(rv.RevokedSecurityGroupRules) != 1 || aws.ToString(rv.RevokedSecurityGroupRules[0].IpProtocol) != "icmp" {
		t.Fatalf("revoked: %+v", rv.RevokedSecurityGroupRules)
	}
	ec2ok(c.RevokeSecurityGroupEgress(ctx, &ec2.RevokeSecurityGroupEgressInput{GroupId: aws.String(webID), IpPermissions: []ec2types.IpPermission{
		{IpProtocol: aws.String("-1"), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}}))
	ec2ok(c.AuthorizeSecurityGroupEgress(ctx, &ec2.AuthorizeSecurityGroupEgressInput{GroupId: aws.String(webID), IpPermissions: []ec2types.IpPermission{tcpFromGroup(8080, app)}}))

	g := ec2ok(c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{webID}})).SecurityGroups[0]
	if len(g.IpPermissions) != 2 || len(g.IpPermissionsEgress) != 1 || aws.ToString(g.IpPermissionsEgress[0].UserIdGroupPairs[0].GroupId) != app ||
		aws.ToInt32(g.IpPermissionsEgress[0].FromPort) != 8080 {
		t.Fatalf("DescribeSecurityGroups: %+v", g)
	}

	// A group referenced by another's rule cannot go.
	_, err = c.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: aws.String(webID)})
	if ae := apiError(t, err, "DependencyViolation"); ae.ErrorMessage() != "resource "+webID+" has a dependent object" {
		t.Errorf("message: %s", ae.ErrorMessage())
	}
	_, err = c.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: aws.String("sg-0123456789abcdef0")})
	apiError(t, err, "InvalidGroup.NotFound")
	ec2ok(c.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: aws.String(app), IpPermissions: []ec2types.IpPermission{tcpFromGroup(8080, webID)}}))
	ec2ok(c.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: aws.String(webID)}))
	_, err = c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{webID}})
	apiError(t, err, "InvalidGroup.NotFound")

	// DryRun answers DryRunOperation and creates nothing.
	_, err = c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{VpcId: vpcID, GroupName: aws.String("dry"), Description: aws.String("d"), DryRun: aws.Bool(true)})
	apiError(t, err, "DryRunOperation")
}
