package server_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
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
	if aws.ToString(pub.AvailabilityZone) != "us-east-1a" || aws.ToString(pub.AvailabilityZoneId) != "use1-az1" || aws.ToInt32(pub.AvailableIpAddressCount) != 251 || aws.ToString(pub.VpcId) != vpcID {
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

	// A prefix list in a rule counts its MaxEntries against the quota, and
	// cannot be deleted while a rule names it.
	pl := ec2ok(c.CreateManagedPrefixList(ctx, &ec2.CreateManagedPrefixListInput{PrefixListName: aws.String("offices"), AddressFamily: aws.String("IPv4"),
		MaxEntries: aws.Int32(10), Entries: []ec2types.AddPrefixListEntry{{Cidr: aws.String("198.51.100.0/24"), Description: aws.String("HQ")}}})).PrefixList
	plID := aws.ToString(pl.PrefixListId)
	ec2ok(c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(app), IpPermissions: []ec2types.IpPermission{
		{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22), PrefixListIds: []ec2types.PrefixListId{{PrefixListId: aws.String(plID)}}}}}))
	ec2ok(c.ModifyManagedPrefixList(ctx, &ec2.ModifyManagedPrefixListInput{PrefixListId: aws.String(plID), CurrentVersion: aws.Int64(1),
		AddEntries: []ec2types.AddPrefixListEntry{{Cidr: aws.String("203.0.113.0/24")}}}))
	_, err = c.ModifyManagedPrefixList(ctx, &ec2.ModifyManagedPrefixListInput{PrefixListId: aws.String(plID), CurrentVersion: aws.Int64(1),
		AddEntries: []ec2types.AddPrefixListEntry{{Cidr: aws.String("192.0.2.0/24")}}})
	apiError(t, err, "PrefixListVersionMismatch")
	entries := ec2ok(c.GetManagedPrefixListEntries(ctx, &ec2.GetManagedPrefixListEntriesInput{PrefixListId: aws.String(plID)})).Entries
	if len(entries) != 2 || aws.ToString(entries[0].Description) != "HQ" {
		t.Fatalf("GetManagedPrefixListEntries: %+v", entries)
	}
	_, err = c.DeleteManagedPrefixList(ctx, &ec2.DeleteManagedPrefixListInput{PrefixListId: aws.String(plID)})
	apiError(t, err, "DependencyViolation")
	_, err = c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(app), IpPermissions: []ec2types.IpPermission{
		{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22), PrefixListIds: []ec2types.PrefixListId{{PrefixListId: aws.String("pl-0123456789abcdef0")}}}}})
	apiError(t, err, "InvalidPrefixListID.NotFound")

	// ModifySecurityGroupRules keeps the rule's ID.
	appRules := ec2ok(c.DescribeSecurityGroupRules(ctx, &ec2.DescribeSecurityGroupRulesInput{Filters: []ec2types.Filter{{Name: aws.String("group-id"), Values: []string{app}}}})).SecurityGroupRules
	var plRule string
	for _, r := range appRules {
		if aws.ToString(r.PrefixListId) == plID {
			plRule = aws.ToString(r.SecurityGroupRuleId)
		}
	}
	ec2ok(c.ModifySecurityGroupRules(ctx, &ec2.ModifySecurityGroupRulesInput{GroupId: aws.String(app), SecurityGroupRules: []ec2types.SecurityGroupRuleUpdate{{
		SecurityGroupRuleId: aws.String(plRule), SecurityGroupRule: &ec2types.SecurityGroupRuleRequest{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(2222), ToPort: aws.Int32(2222), CidrIpv4: aws.String("10.0.0.0/16")}}}}))
	mod := ec2ok(c.DescribeSecurityGroupRules(ctx, &ec2.DescribeSecurityGroupRulesInput{SecurityGroupRuleIds: []string{plRule}})).SecurityGroupRules
	if len(mod) != 1 || aws.ToInt32(mod[0].FromPort) != 2222 || aws.ToString(mod[0].CidrIpv4) != "10.0.0.0/16" {
		t.Fatalf("ModifySecurityGroupRules: %+v", mod)
	}
	ec2ok(c.DeleteManagedPrefixList(ctx, &ec2.DeleteManagedPrefixListInput{PrefixListId: aws.String(plID)}))

	// A group of another, unpeered VPC cannot be referenced.
	other := ec2ok(c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.1.0.0/16")})).Vpc.VpcId
	stranger := ec2ok(c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{VpcId: other, GroupName: aws.String("stranger"), Description: aws.String("elsewhere")})).GroupId
	_, err = c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(app), IpPermissions: []ec2types.IpPermission{tcpFromGroup(22, aws.ToString(stranger))}})
	apiError(t, err, "InvalidGroup.NotFound")

	// DryRun answers DryRunOperation and creates nothing.
	_, err = c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{VpcId: vpcID, GroupName: aws.String("dry"), Description: aws.String("d"), DryRun: aws.Bool(true)})
	apiError(t, err, "DryRunOperation")
}

// threeTier builds the three-tier pattern with the SDK: a public subnet
// routed to an internet gateway (web), private app and DB subnets; web SG
// 443 from anywhere, app SG 8080 from the web SG only, DB SG 5432 from the
// app SG only; one instance per tier.
type threeTier struct {
	vpc, igw, pubSubnet, appSubnet, dbSubnet string
	webSG, appSG, dbSG                       string
	web, app, db                             string
}

func buildThreeTier(t *testing.T, c *ec2.Client) threeTier {
	t.Helper()
	ctx := context.Background()
	var n threeTier
	n.vpc = aws.ToString(ec2ok(c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")})).Vpc.VpcId)
	n.igw = aws.ToString(ec2ok(c.CreateInternetGateway(ctx, &ec2.CreateInternetGatewayInput{})).InternetGateway.InternetGatewayId)
	ec2ok(c.AttachInternetGateway(ctx, &ec2.AttachInternetGatewayInput{InternetGatewayId: aws.String(n.igw), VpcId: aws.String(n.vpc)}))
	subnet := func(cidr string) string {
		return aws.ToString(ec2ok(c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: aws.String(n.vpc), CidrBlock: aws.String(cidr)})).Subnet.SubnetId)
	}
	n.pubSubnet, n.appSubnet, n.dbSubnet = subnet("10.0.1.0/24"), subnet("10.0.2.0/24"), subnet("10.0.3.0/24")
	rt := aws.ToString(ec2ok(c.CreateRouteTable(ctx, &ec2.CreateRouteTableInput{VpcId: aws.String(n.vpc)})).RouteTable.RouteTableId)
	ec2ok(c.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: aws.String(rt), DestinationCidrBlock: aws.String("0.0.0.0/0"), GatewayId: aws.String(n.igw)}))
	ec2ok(c.AssociateRouteTable(ctx, &ec2.AssociateRouteTableInput{RouteTableId: aws.String(rt), SubnetId: aws.String(n.pubSubnet)}))
	group := func(name string, perm ec2types.IpPermission) string {
		id := aws.ToString(ec2ok(c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{VpcId: aws.String(n.vpc), GroupName: aws.String(name), Description: aws.String(name + " tier")})).GroupId)
		ec2ok(c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(id), IpPermissions: []ec2types.IpPermission{perm}}))
		return id
	}
	n.webSG = group("web", tcpFrom(443, "0.0.0.0/0"))
	n.appSG = group("app", tcpFromGroup(8080, n.webSG))
	n.dbSG = group("db", tcpFromGroup(5432, n.appSG))
	run := func(in *ec2.RunInstancesInput) string {
		in.ImageId, in.MinCount, in.MaxCount, in.InstanceType = aws.String("ami-0123456789abcdef0"), aws.Int32(1), aws.Int32(1), ec2types.InstanceTypeT3Micro
		return aws.ToString(ec2ok(c.RunInstances(ctx, in)).Instances[0].InstanceId)
	}
	n.web = run(&ec2.RunInstancesInput{NetworkInterfaces: []ec2types.InstanceNetworkInterfaceSpecification{{DeviceIndex: aws.Int32(0),
		SubnetId: aws.String(n.pubSubnet), Groups: []string{n.webSG}, AssociatePublicIpAddress: aws.Bool(true)}}})
	n.app = run(&ec2.RunInstancesInput{SubnetId: aws.String(n.appSubnet), SecurityGroupIds: []string{n.appSG}, PrivateIpAddress: aws.String("10.0.2.10")})
	n.db = run(&ec2.RunInstancesInput{SubnetId: aws.String(n.dbSubnet), SecurityGroupIds: []string{n.dbSG},
		IamInstanceProfile: &ec2types.IamInstanceProfileSpecification{Name: aws.String("db-role")},
		MetadataOptions:    &ec2types.InstanceMetadataOptionsRequest{HttpTokens: ec2types.HttpTokensStateRequired, HttpPutResponseHopLimit: aws.Int32(1)}})
	return n
}

// analyze creates a path and runs an analysis through the EC2 API.
func analyze(t *testing.T, c *ec2.Client, src, dst string, port int32) *ec2types.NetworkInsightsAnalysis {
	t.Helper()
	ctx := context.Background()
	p := ec2ok(c.CreateNetworkInsightsPath(ctx, &ec2.CreateNetworkInsightsPathInput{Source: aws.String(src), Destination: aws.String(dst),
		Protocol: ec2types.ProtocolTcp, DestinationPort: aws.Int32(port)})).NetworkInsightsPath
	a := ec2ok(c.StartNetworkInsightsAnalysis(ctx, &ec2.StartNetworkInsightsAnalysisInput{NetworkInsightsPathId: p.NetworkInsightsPathId})).NetworkInsightsAnalysis
	if a.Status != ec2types.AnalysisStatusSucceeded {
		t.Fatalf("analysis %s→%s: %s %s", src, dst, a.Status, aws.ToString(a.StatusMessage))
	}
	got := ec2ok(c.DescribeNetworkInsightsAnalyses(ctx, &ec2.DescribeNetworkInsightsAnalysesInput{NetworkInsightsAnalysisIds: []string{aws.ToString(a.NetworkInsightsAnalysisId)}})).NetworkInsightsAnalyses
	if len(got) != 1 || aws.ToBool(got[0].NetworkPathFound) != aws.ToBool(a.NetworkPathFound) || len(got[0].Explanations) != len(a.Explanations) {
		t.Fatalf("DescribeNetworkInsightsAnalyses: %+v", got)
	}
	return &got[0]
}

func explained(a *ec2types.NetworkInsightsAnalysis, code, component string) bool {
	for _, e := range a.Explanations {
		ids := []string{}
		for _, c := range []*ec2types.AnalysisComponent{e.Component, e.Acl, e.RouteTable, e.SecurityGroup} {
			if c != nil {
				ids = append(ids, aws.ToString(c.Id))
			}
		}
		for _, g := range e.SecurityGroups {
			ids = append(ids, aws.ToString(g.Id))
		}
		if (code == "" || aws.ToString(e.ExplanationCode) == code) && (component == "" || strings.Contains(strings.Join(ids, " "), component)) {
			return true
		}
	}
	return false
}

func explanations(a *ec2types.NetworkInsightsAnalysis) string {
	var b strings.Builder
	for _, e := range a.Explanations {
		b.WriteString(aws.ToString(e.ExplanationCode))
		for _, c := range []*ec2types.AnalysisComponent{e.Component, e.Acl, e.RouteTable} {
			if c != nil {
				b.WriteString(" " + aws.ToString(c.Id))
			}
		}
		for _, g := range e.SecurityGroups {
			b.WriteString(" " + aws.ToString(g.Id))
		}
		b.WriteString("; ")
	}
	return b.String()
}

// The three-tier pattern built through the EC2 API and asked through
// Reachability Analyzer's API: the internet reaches the web tier on 443 and
// nothing else; each tier reaches only the next; where a path is blocked,
// the analysis names the blocking component; network ACLs stop what they
// should and the analysis names the ACL.
func TestEC2ThreeTierReachability(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	c := ec2c(ts)
	n := buildThreeTier(t, c)

	if a := analyze(t, c, n.igw, n.web, 443); !aws.ToBool(a.NetworkPathFound) || len(a.ForwardPathComponents) == 0 || len(a.ReturnPathComponents) == 0 {
		t.Fatalf("internet → web:443 not found: %s", explanations(a))
	} else {
		sgRule := false
		for _, pc := range a.ForwardPathComponents {
			if r := pc.SecurityGroupRule; r != nil && aws.ToString(r.SecurityGroupId) == n.webSG && aws.ToString(r.Cidr) == "0.0.0.0/0" && aws.ToInt32(r.PortRange.From) == 443 {
				sgRule = true
			}
		}
		if !sgRule {
			t.Errorf("internet → web: the admitting rule of %s is not on the path: %+v", n.webSG, a.ForwardPathComponents)
		}
	}
	if a := analyze(t, c, n.igw, n.web, 22); aws.ToBool(a.NetworkPathFound) || !explained(a, "ENI_SG_RULES_MISMATCH", n.webSG) {
		t.Errorf("internet → web:22: found=%v %s", aws.ToBool(a.NetworkPathFound), explanations(a))
	}
	a := analyze(t, c, n.igw, n.db, 5432)
	if aws.ToBool(a.NetworkPathFound) || len(a.Explanations) == 0 {
		t.Fatalf("internet → db:5432 found: %s", explanations(a))
	}
	t.Logf("internet → db:5432 blocked by: %s", explanations(a))
	// Every blocker is named: the DB has no public address, its group
	// admits only the app tier, its subnet has no route back to the gateway.
	if !explained(a, "ENI_SG_RULES_MISMATCH", n.dbSG) || !explained(a, "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS", "") || !explained(a, "NO_ROUTE_TO_DESTINATION", "") {
		t.Errorf("internet → db: %s", explanations(a))
	}
	for _, tc := range []struct {
		src, dst string
		port     int32
		want     bool
		blocker  string
	}{
		{n.web, n.app, 8080, true, ""},
		{n.app, n.db, 5432, true, ""},
		{n.web, n.db, 5432, false, n.dbSG},
		{n.db, n.app, 8080, false, n.appSG},
		{n.app, n.web, 443, true, ""},
		{n.app, n.db, 22, false, n.dbSG},
		{n.db, n.web, 443, true, ""},
		{n.igw, n.app, 8080, false, n.appSG},
	} {
		a := analyze(t, c, tc.src, tc.dst, tc.port)
		if aws.ToBool(a.NetworkPathFound) != tc.want {
			t.Errorf("%s → %s:%d found=%v, want %v (%s)", tc.src, tc.dst, tc.port, aws.ToBool(a.NetworkPathFound), tc.want, explanations(a))
		}
		if !tc.want && !explained(a, "ENI_SG_RULES_MISMATCH", tc.blocker) {
			t.Errorf("%s → %s:%d: want ENI_SG_RULES_MISMATCH naming %s, got %s", tc.src, tc.dst, tc.port, tc.blocker, explanations(a))
		}
	}

	// A network ACL on the DB subnet: 5432 in from the app subnet, but no
	// rule for the replies; the analysis names the ACL. With the ephemeral
	// return rule, the path is back.
	acl := aws.ToString(ec2ok(c.CreateNetworkAcl(ctx, &ec2.CreateNetworkAclInput{VpcId: aws.String(n.vpc)})).NetworkAcl.NetworkAclId)
	entry := func(rule int32, egress bool, cidr string, from, to int32) {
		ec2ok(c.CreateNetworkAclEntry(ctx, &ec2.CreateNetworkAclEntryInput{NetworkAclId: aws.String(acl), RuleNumber: aws.Int32(rule), Egress: aws.Bool(egress),
			Protocol: aws.String("6"), RuleAction: ec2types.RuleActionAllow, CidrBlock: aws.String(cidr), PortRange: &ec2types.PortRange{From: aws.Int32(from), To: aws.Int32(to)}}))
	}
	entry(100, false, "10.0.2.0/24", 5432, 5432)
	_, err := c.CreateNetworkAclEntry(ctx, &ec2.CreateNetworkAclEntryInput{NetworkAclId: aws.String(acl), RuleNumber: aws.Int32(100), Egress: aws.Bool(false),
		Protocol: aws.String("6"), RuleAction: ec2types.RuleActionAllow, CidrBlock: aws.String("10.0.0.0/16"), PortRange: &ec2types.PortRange{From: aws.Int32(1), To: aws.Int32(2)}})
	apiError(t, err, "NetworkAclEntryAlreadyExists")
	_, err = c.CreateNetworkAclEntry(ctx, &ec2.CreateNetworkAclEntryInput{NetworkAclId: aws.String(acl), RuleNumber: aws.Int32(32767), Egress: aws.Bool(false),
		Protocol: aws.String("-1"), RuleAction: ec2types.RuleActionDeny, CidrBlock: aws.String("10.0.0.0/16")})
	apiError(t, err, "InvalidParameterValue")
	var assocID string
	for _, acl := range ec2ok(c.DescribeNetworkAcls(ctx, &ec2.DescribeNetworkAclsInput{Filters: []ec2types.Filter{{Name: aws.String("association.subnet-id"), Values: []string{n.dbSubnet}}}})).NetworkAcls {
		for _, as := range acl.Associations {
			if aws.ToString(as.SubnetId) == n.dbSubnet {
				assocID = aws.ToString(as.NetworkAclAssociationId)
			}
		}
	}
	if !strings.HasPrefix(assocID, "aclassoc-") {
		t.Fatalf("no ACL association for %s", n.dbSubnet)
	}
	ec2ok(c.ReplaceNetworkAclAssociation(ctx, &ec2.ReplaceNetworkAclAssociationInput{AssociationId: aws.String(assocID), NetworkAclId: aws.String(acl)}))
	_, err = c.DeleteNetworkAcl(ctx, &ec2.DeleteNetworkAclInput{NetworkAclId: aws.String(acl)})
	apiError(t, err, "DependencyViolation")
	if a := analyze(t, c, n.app, n.db, 5432); aws.ToBool(a.NetworkPathFound) || !explained(a, "SUBNET_ACL_RESTRICTION", acl) {
		t.Errorf("app → db without ACL return rule: found=%v %s", aws.ToBool(a.NetworkPathFound), explanations(a))
	}
	entry(100, true, "10.0.2.0/24", 1024, 65535)
	if a := analyze(t, c, n.app, n.db, 5432); !aws.ToBool(a.NetworkPathFound) {
		t.Errorf("app → db with the ACL's return rule: %s", explanations(a))
	}
	// A deny rule numbered before the allow wins.
	ec2ok(c.CreateNetworkAclEntry(ctx, &ec2.CreateNetworkAclEntryInput{NetworkAclId: aws.String(acl), RuleNumber: aws.Int32(50), Egress: aws.Bool(false),
		Protocol: aws.String("-1"), RuleAction: ec2types.RuleActionDeny, CidrBlock: aws.String("10.0.2.10/32")}))
	if a := analyze(t, c, n.app, n.db, 5432); aws.ToBool(a.NetworkPathFound) || !explained(a, "SUBNET_ACL_RESTRICTION", acl) {
		t.Errorf("app → db with deny 50: found=%v %s", aws.ToBool(a.NetworkPathFound), explanations(a))
	}
	ec2ok(c.DeleteNetworkAclEntry(ctx, &ec2.DeleteNetworkAclEntryInput{NetworkAclId: aws.String(acl), RuleNumber: aws.Int32(50), Egress: aws.Bool(false)}))
	if a := analyze(t, c, n.app, n.db, 5432); !aws.ToBool(a.NetworkPathFound) {
		t.Errorf("app → db after deleting deny 50: %s", explanations(a))
	}

	// Paths to an internet address: the web tier gets out, the DB tier has
	// no route.
	toIP := func(src string) *ec2types.NetworkInsightsAnalysis {
		p := ec2ok(c.CreateNetworkInsightsPath(ctx, &ec2.CreateNetworkInsightsPathInput{Source: aws.String(src), DestinationIp: aws.String("192.0.2.10"),
			Protocol: ec2types.ProtocolTcp, DestinationPort: aws.Int32(443)})).NetworkInsightsPath
		if aws.ToString(p.DestinationIp) != "192.0.2.10" || aws.ToString(p.SourceArn) != "arn:aws:ec2:us-east-1:"+ts.Account+":instance/"+src {
			t.Fatalf("CreateNetworkInsightsPath: %+v", p)
		}
		return ec2ok(c.StartNetworkInsightsAnalysis(ctx, &ec2.StartNetworkInsightsAnalysisInput{NetworkInsightsPathId: p.NetworkInsightsPathId})).NetworkInsightsAnalysis
	}
	if a := toIP(n.web); !aws.ToBool(a.NetworkPathFound) {
		t.Errorf("web → 192.0.2.10:443: %s", explanations(a))
	}
	if a := toIP(n.db); aws.ToBool(a.NetworkPathFound) || !explained(a, "NO_ROUTE_TO_DESTINATION", "") {
		t.Errorf("db → 192.0.2.10:443: found=%v %s", aws.ToBool(a.NetworkPathFound), explanations(a))
	}

	// Paths naming missing resources.
	_, err = c.CreateNetworkInsightsPath(ctx, &ec2.CreateNetworkInsightsPathInput{Source: aws.String("i-0123456789abcdef0"), Destination: aws.String(n.db), Protocol: ec2types.ProtocolTcp})
	apiError(t, err, "InvalidInstanceID.NotFound")
	_, err = c.StartNetworkInsightsAnalysis(ctx, &ec2.StartNetworkInsightsAnalysisInput{NetworkInsightsPathId: aws.String("nip-0123456789abcdef0")})
	apiError(t, err, "InvalidNetworkInsightsPathId.NotFound")
	paths := ec2ok(c.DescribeNetworkInsightsPaths(ctx, &ec2.DescribeNetworkInsightsPathsInput{})).NetworkInsightsPaths
	if len(paths) < 10 || paths[0].Protocol != ec2types.ProtocolTcp {
		t.Fatalf("DescribeNetworkInsightsPaths: %d", len(paths))
	}
	ec2ok(c.DeleteNetworkInsightsPath(ctx, &ec2.DeleteNetworkInsightsPathInput{NetworkInsightsPathId: paths[0].NetworkInsightsPathId}))
	_, err = c.DeleteNetworkInsightsPath(ctx, &ec2.DeleteNetworkInsightsPathInput{NetworkInsightsPathId: paths[0].NetworkInsightsPathId})
	apiError(t, err, "InvalidNetworkInsightsPathId.NotFound")
}

// Instances and interfaces as far as networking needs: the Reservations
// shape, private and public addresses, metadata options, the 5-group limit
// per interface, source/destination check, termination; NAT gateways with
// an Elastic IP, VPC peering, tags and filters.
func TestEC2InstancesInterfaces(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	c := ec2c(ts)
	n := buildThreeTier(t, c)

	res := ec2ok(c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{n.web}})).Reservations
	if len(res) != 1 || len(res[0].Instances) != 1 {
		t.Fatalf("DescribeInstances: %+v", res)
	}
	web := res[0].Instances[0]
	if web.State.Name != ec2types.InstanceStateNameRunning || aws.ToInt32(web.State.Code) != 16 || aws.ToString(web.SubnetId) != n.pubSubnet ||
		aws.ToString(web.VpcId) != n.vpc || !strings.HasPrefix(aws.ToString(web.PrivateIpAddress), "10.0.1.") ||
		!strings.HasPrefix(aws.ToString(web.PublicIpAddress), "198.51.100.") || len(web.SecurityGroups) != 1 ||
		aws.ToString(web.SecurityGroups[0].GroupName) != "web" || len(web.NetworkInterfaces) != 1 || web.InstanceType != ec2types.InstanceTypeT3Micro ||
		web.MetadataOptions.HttpTokens != ec2types.HttpTokensStateOptional || aws.ToInt32(web.MetadataOptions.HttpPutResponseHopLimit) != 1 {
		t.Fatalf("web instance: %+v", web)
	}
	db := ec2ok(c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{Filters: []ec2types.Filter{{Name: aws.String("instance.group-id"), Values: []string{n.dbSG}}}})).Reservations
	if len(db) != 1 || aws.ToString(db[0].Instances[0].InstanceId) != n.db || db[0].Instances[0].PublicIpAddress != nil ||
		db[0].Instances[0].MetadataOptions.HttpTokens != ec2types.HttpTokensStateRequired ||
		aws.ToString(db[0].Instances[0].IamInstanceProfile.Arn) != "arn:aws:iam::"+ts.Account+":instance-profile/db-role" {
		t.Fatalf("db instance: %+v", db)
	}
	app := ec2ok(c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{Filters: []ec2types.Filter{{Name: aws.String("private-ip-address"), Values: []string{"10.0.2.10"}}}})).Reservations
	if len(app) != 1 || aws.ToString(app[0].Instances[0].InstanceId) != n.app {
		t.Fatalf("app by private IP: %+v", app)
	}
	mo := ec2ok(c.ModifyInstanceMetadataOptions(ctx, &ec2.ModifyInstanceMetadataOptionsInput{InstanceId: aws.String(n.web), HttpTokens: ec2types.HttpTokensStateRequired}))
	if mo.InstanceMetadataOptions.HttpTokens != ec2types.HttpTokensStateRequired {
		t.Fatalf("ModifyInstanceMetadataOptions: %+v", mo.InstanceMetadataOptions)
	}
	if v1 := ec2ok(c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{Filters: []ec2types.Filter{{Name: aws.String("metadata-options.http-tokens"), Values: []string{"optional"}}}})).Reservations; len(v1) != 1 {
		t.Fatalf("instances still on IMDSv1: %d, want 1 (app)", len(v1))
	}
	_, err := c.ModifyInstanceMetadataOptions(ctx, &ec2.ModifyInstanceMetadataOptionsInput{InstanceId: aws.String(n.web), HttpPutResponseHopLimit: aws.Int32(65)})
	apiError(t, err, "InvalidParameterValue")

	// Instance attributes of the primary interface.
	ec2ok(c.ModifyInstanceAttribute(ctx, &ec2.ModifyInstanceAttributeInput{InstanceId: aws.String(n.app), SourceDestCheck: &ec2types.AttributeBooleanValue{Value: aws.Bool(false)}}))
	ec2ok(c.ModifyInstanceAttribute(ctx, &ec2.ModifyInstanceAttributeInput{InstanceId: aws.String(n.app), Groups: []string{n.appSG, n.webSG}}))
	appNow := ec2ok(c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{n.app}})).Reservations[0].Instances[0]
	if aws.ToBool(appNow.SourceDestCheck) || len(appNow.SecurityGroups) != 2 {
		t.Fatalf("ModifyInstanceAttribute: %+v", appNow)
	}
	_, err = c.ModifyInstanceAttribute(ctx, &ec2.ModifyInstanceAttributeInput{InstanceId: aws.String(n.app), Groups: []string{"sg-0123456789abcdef0"}})
	apiError(t, err, "InvalidGroup.NotFound")
	ec2ok(c.ModifyInstanceAttribute(ctx, &ec2.ModifyInstanceAttributeInput{InstanceId: aws.String(n.app), Groups: []string{n.appSG}}))

	// Bad launches change nothing.
	_, err = c.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String("banana"), MinCount: aws.Int32(1), MaxCount: aws.Int32(1), SubnetId: aws.String(n.appSubnet)})
	apiError(t, err, "InvalidAMIID.Malformed")
	_, err = c.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String("ami-0123456789abcdef0"), MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
		SubnetId: aws.String(n.appSubnet), PrivateIpAddress: aws.String("10.0.2.10")})
	apiError(t, err, "InvalidIPAddress.InUse")
	_, err = c.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String("ami-0123456789abcdef0"), MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
		SubnetId: aws.String(n.appSubnet), SecurityGroupIds: []string{"sg-0123456789abcdef0"}})
	apiError(t, err, "InvalidGroup.NotFound")
	_, err = c.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String("ami-0123456789abcdef0"), MinCount: aws.Int32(1), MaxCount: aws.Int32(1)})
	apiError(t, err, "VPCIdNotSpecified")
	if all := ec2ok(c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{})).Reservations; len(all) != 3 {
		t.Fatalf("reservations after failed launches: %d", len(all))
	}
	two := ec2ok(c.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String("ami-0123456789abcdef0"), MinCount: aws.Int32(2), MaxCount: aws.Int32(2),
		SubnetId: aws.String(n.appSubnet), SecurityGroupIds: []string{n.appSG},
		TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeInstance, Tags: []ec2types.Tag{{Key: aws.String("tier"), Value: aws.String("app")}}}}}))
	if len(two.Instances) != 2 || aws.ToString(two.ReservationId) == "" {
		t.Fatalf("RunInstances x2: %+v", two)
	}
	tagged := ec2ok(c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{Filters: []ec2types.Filter{{Name: aws.String("tag:tier"), Values: []string{"app"}}}})).Reservations
	if len(tagged) != 1 || len(tagged[0].Instances) != 2 {
		t.Fatalf("by tag: %+v", tagged)
	}

	// A /28 holds 11 addresses: MinCount 12 launches nothing, MinCount 1
	// MaxCount 20 launches 11.
	small := ec2ok(c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: aws.String(n.vpc), CidrBlock: aws.String("10.0.9.0/28")})).Subnet.SubnetId
	_, err = c.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String("ami-0123456789abcdef0"), MinCount: aws.Int32(12), MaxCount: aws.Int32(12), SubnetId: small})
	apiError(t, err, "InsufficientFreeAddressesInSubnet")
	if got := ec2ok(c.DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{Filters: []ec2types.Filter{{Name: aws.String("subnet-id"), Values: []string{aws.ToString(small)}}}})).NetworkInterfaces; len(got) != 0 {
		t.Fatalf("a failed launch left %d interfaces", len(got))
	}
	if got := ec2ok(c.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String("ami-0123456789abcdef0"), MinCount: aws.Int32(1), MaxCount: aws.Int32(20), SubnetId: small})).Instances; len(got) != 11 {
		t.Fatalf("launched %d in a /28, want 11", len(got))
	}

	// Interfaces: five groups at most, source/destination check.
	groups := []string{n.appSG}
	for i := 0; i < 5; i++ {
		groups = append(groups, aws.ToString(ec2ok(c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{VpcId: aws.String(n.vpc),
			GroupName: aws.String("extra" + string(rune('a'+i))), Description: aws.String("extra")})).GroupId))
	}
	_, err = c.CreateNetworkInterface(ctx, &ec2.CreateNetworkInterfaceInput{SubnetId: aws.String(n.appSubnet), Groups: groups})
	apiError(t, err, "SecurityGroupsPerInterfaceLimitExceeded")
	eni := ec2ok(c.CreateNetworkInterface(ctx, &ec2.CreateNetworkInterfaceInput{SubnetId: aws.String(n.appSubnet), Groups: groups[:5], PrivateIpAddress: aws.String("10.0.2.50"), Description: aws.String("appliance")})).NetworkInterface
	eniID := aws.ToString(eni.NetworkInterfaceId)
	if !strings.HasPrefix(eniID, "eni-") || len(eni.Groups) != 5 || aws.ToString(eni.PrivateIpAddress) != "10.0.2.50" || !aws.ToBool(eni.SourceDestCheck) || eni.Status != ec2types.NetworkInterfaceStatusAvailable {
		t.Fatalf("CreateNetworkInterface: %+v", eni)
	}
	_, err = c.ModifyNetworkInterfaceAttribute(ctx, &ec2.ModifyNetworkInterfaceAttributeInput{NetworkInterfaceId: aws.String(eniID), Groups: groups})
	apiError(t, err, "SecurityGroupsPerInterfaceLimitExceeded")
	ec2ok(c.ModifyNetworkInterfaceAttribute(ctx, &ec2.ModifyNetworkInterfaceAttributeInput{NetworkInterfaceId: aws.String(eniID), SourceDestCheck: &ec2types.AttributeBooleanValue{Value: aws.Bool(false)}}))
	ec2ok(c.ModifyNetworkInterfaceAttribute(ctx, &ec2.ModifyNetworkInterfaceAttributeInput{NetworkInterfaceId: aws.String(eniID), Groups: []string{n.dbSG}}))
	got := ec2ok(c.DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{NetworkInterfaceIds: []string{eniID}})).NetworkInterfaces[0]
	if aws.ToBool(got.SourceDestCheck) || len(got.Groups) != 1 || aws.ToString(got.Groups[0].GroupId) != n.dbSG || aws.ToString(got.Description) != "appliance" {
		t.Fatalf("modified interface: %+v", got)
	}
	_, err = c.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: aws.String(n.dbSG)})
	apiError(t, err, "DependencyViolation")
	_, err = c.DeleteSubnet(ctx, &ec2.DeleteSubnetInput{SubnetId: aws.String(n.appSubnet)})
	apiError(t, err, "DependencyViolation")
	ec2ok(c.DeleteNetworkInterface(ctx, &ec2.DeleteNetworkInterfaceInput{NetworkInterfaceId: aws.String(eniID)}))
	_, err = c.DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{NetworkInterfaceIds: []string{eniID}})
	apiError(t, err, "InvalidNetworkInterfaceID.NotFound")
	webENI := aws.ToString(web.NetworkInterfaces[0].NetworkInterfaceId)
	_, err = c.DeleteNetworkInterface(ctx, &ec2.DeleteNetworkInterfaceInput{NetworkInterfaceId: aws.String(webENI)})
	apiError(t, err, "InvalidNetworkInterface.InUse")

	// A NAT gateway with an Elastic IP; the app subnet's default route to it.
	alloc := ec2ok(c.AllocateAddress(ctx, &ec2.AllocateAddressInput{Domain: ec2types.DomainTypeVpc}))
	nat := ec2ok(c.CreateNatGateway(ctx, &ec2.CreateNatGatewayInput{SubnetId: aws.String(n.pubSubnet), AllocationId: alloc.AllocationId})).NatGateway
	natID := aws.ToString(nat.NatGatewayId)
	if !strings.HasPrefix(natID, "nat-") || len(nat.NatGatewayAddresses) != 1 || aws.ToString(nat.NatGatewayAddresses[0].PublicIp) != aws.ToString(alloc.PublicIp) {
		t.Fatalf("CreateNatGateway: %+v", nat)
	}
	_, err = c.CreateNatGateway(ctx, &ec2.CreateNatGatewayInput{SubnetId: aws.String(n.pubSubnet), AllocationId: alloc.AllocationId})
	apiError(t, err, "Resource.AlreadyAssociated")
	appRT := aws.ToString(ec2ok(c.CreateRouteTable(ctx, &ec2.CreateRouteTableInput{VpcId: aws.String(n.vpc)})).RouteTable.RouteTableId)
	ec2ok(c.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: aws.String(appRT), DestinationCidrBlock: aws.String("0.0.0.0/0"), NatGatewayId: aws.String(natID)}))
	ec2ok(c.AssociateRouteTable(ctx, &ec2.AssociateRouteTableInput{RouteTableId: aws.String(appRT), SubnetId: aws.String(n.appSubnet)}))
	if nats := ec2ok(c.DescribeNatGateways(ctx, &ec2.DescribeNatGatewaysInput{Filter: []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{n.vpc}}}})).NatGateways; len(nats) != 1 || nats[0].State != ec2types.NatGatewayStateAvailable {
		t.Fatalf("DescribeNatGateways: %+v", nats)
	}
	// The internet still cannot reach the app tier through the NAT gateway.
	if a := analyze(t, c, n.igw, n.app, 8080); aws.ToBool(a.NetworkPathFound) {
		t.Errorf("internet → app through NAT found")
	}

	// Peering: a second VPC, overlapping CIDRs refused, accept makes it active.
	other := aws.ToString(ec2ok(c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.1.0.0/16")})).Vpc.VpcId)
	same := aws.ToString(ec2ok(c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")})).Vpc.VpcId)
	_, err = c.CreateVpcPeeringConnection(ctx, &ec2.CreateVpcPeeringConnectionInput{VpcId: aws.String(n.vpc), PeerVpcId: aws.String(same)})
	apiError(t, err, "InvalidParameterValue")
	pcx := ec2ok(c.CreateVpcPeeringConnection(ctx, &ec2.CreateVpcPeeringConnectionInput{VpcId: aws.String(n.vpc), PeerVpcId: aws.String(other)})).VpcPeeringConnection
	pcxID := aws.ToString(pcx.VpcPeeringConnectionId)
	acc := ec2ok(c.AcceptVpcPeeringConnection(ctx, &ec2.AcceptVpcPeeringConnectionInput{VpcPeeringConnectionId: aws.String(pcxID)})).VpcPeeringConnection
	if acc.Status.Code != ec2types.VpcPeeringConnectionStateReasonCodeActive || aws.ToString(acc.AccepterVpcInfo.CidrBlock) != "10.1.0.0/16" {
		t.Fatalf("AcceptVpcPeeringConnection: %+v", acc)
	}
	ec2ok(c.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: aws.String(appRT), DestinationCidrBlock: aws.String("10.1.0.0/16"), VpcPeeringConnectionId: aws.String(pcxID)}))
	_, err = c.DeleteVpc(ctx, &ec2.DeleteVpcInput{VpcId: aws.String(other)})
	apiError(t, err, "DependencyViolation")
	// A rule naming a group across the peering goes stale when the peering goes.
	peerSG := ec2ok(c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{VpcId: aws.String(other), GroupName: aws.String("peer"), Description: aws.String("peer")})).GroupId
	ec2ok(c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(n.appSG), IpPermissions: []ec2types.IpPermission{tcpFromGroup(8080, aws.ToString(peerSG))}}))
	if stale := ec2ok(c.DescribeStaleSecurityGroups(ctx, &ec2.DescribeStaleSecurityGroupsInput{VpcId: aws.String(n.vpc)})).StaleSecurityGroupSet; len(stale) != 0 {
		t.Fatalf("stale while peered: %+v", stale)
	}
	ec2ok(c.DeleteVpcPeeringConnection(ctx, &ec2.DeleteVpcPeeringConnectionInput{VpcPeeringConnectionId: aws.String(pcxID)}))
	stale := ec2ok(c.DescribeStaleSecurityGroups(ctx, &ec2.DescribeStaleSecurityGroupsInput{VpcId: aws.String(n.vpc)})).StaleSecurityGroupSet
	if len(stale) != 1 || aws.ToString(stale[0].GroupId) != n.appSG || len(stale[0].StaleIpPermissions) != 1 ||
		aws.ToString(stale[0].StaleIpPermissions[0].UserIdGroupPairs[0].GroupId) != aws.ToString(peerSG) {
		t.Fatalf("DescribeStaleSecurityGroups: %+v", stale)
	}

	// Tags.
	ec2ok(c.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{n.vpc, n.webSG}, Tags: []ec2types.Tag{{Key: aws.String("env"), Value: aws.String("prod")}}}))
	_, err = c.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{"vpc-0123456789abcdef0"}, Tags: []ec2types.Tag{{Key: aws.String("env"), Value: aws.String("prod")}}})
	apiError(t, err, "InvalidID")
	tags := ec2ok(c.DescribeTags(ctx, &ec2.DescribeTagsInput{Filters: []ec2types.Filter{{Name: aws.String("key"), Values: []string{"env"}}}})).Tags
	if len(tags) != 2 {
		t.Fatalf("DescribeTags: %+v", tags)
	}
	if sgs := ec2ok(c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{{Name: aws.String("tag:env"), Values: []string{"pr*"}}}})).SecurityGroups; len(sgs) != 1 || aws.ToString(sgs[0].GroupId) != n.webSG {
		t.Fatalf("groups by tag wildcard: %+v", sgs)
	}
	ec2ok(c.DeleteTags(ctx, &ec2.DeleteTagsInput{Resources: []string{n.vpc}, Tags: []ec2types.Tag{{Key: aws.String("env")}}}))
	if tags := ec2ok(c.DescribeTags(ctx, &ec2.DescribeTagsInput{})).Tags; len(tags) != 3 { // webSG env, two app instances' tier
		t.Fatalf("after DeleteTags: %+v", tags)
	}

	// Termination.
	term := ec2ok(c.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{n.web}})).TerminatingInstances
	if len(term) != 1 || term[0].PreviousState.Name != ec2types.InstanceStateNameRunning || term[0].CurrentState.Name != ec2types.InstanceStateNameShuttingDown {
		t.Fatalf("TerminateInstances: %+v", term)
	}
	gone := ec2ok(c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{n.web}})).Reservations[0].Instances[0]
	if gone.State.Name != ec2types.InstanceStateNameTerminated || len(gone.NetworkInterfaces) != 0 {
		t.Fatalf("terminated: %+v", gone)
	}
	_, err = c.DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{NetworkInterfaceIds: []string{webENI}})
	apiError(t, err, "InvalidNetworkInterfaceID.NotFound")
	_, err = c.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{"i-0123456789abcdef0"}})
	apiError(t, err, "InvalidInstanceID.NotFound")
}

// ec2User makes an IAM user with an inline policy (none when doc is "")
// and returns its credentials.
func ec2User(t *testing.T, ts *testServer, name, doc string) aws.Credentials {
	t.Helper()
	ctx := context.Background()
	root := iam.NewFromConfig(ts.config(ts.Root))
	ec2ok(root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}))
	if doc != "" {
		ec2ok(root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String("ec2"), PolicyDocument: aws.String(doc)}))
	}
	k := ec2ok(root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)}))
	return aws.Credentials{AccessKeyID: aws.ToString(k.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(k.AccessKey.SecretAccessKey)}
}

// Authorization: a user without EC2 permissions gets UnauthorizedOperation;
// a policy naming one security group's ARN allows rules on that group only;
// Describe* act on "*"; state is per account and region; calls are in
// CloudTrail with eventSource ec2.amazonaws.com.
func TestEC2Authorization(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	c := ec2c(ts)
	n := buildThreeTier(t, c)

	nobody := ec2.NewFromConfig(ts.config(ec2User(t, ts, "nobody", "")))
	_, err := nobody.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.9.0.0/16")})
	if ae := apiError(t, err, "UnauthorizedOperation"); !strings.Contains(ae.ErrorMessage(), "ec2:CreateVpc") {
		t.Errorf("message: %s", ae.ErrorMessage())
	}
	_, err = nobody.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
	apiError(t, err, "UnauthorizedOperation")

	sgARN := "arn:aws:ec2:us-east-1:" + ts.Account + ":security-group/" + n.webSG
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:Describe*","Resource":"*"},` +
		`{"Effect":"Allow","Action":["ec2:AuthorizeSecurityGroupIngress","ec2:RevokeSecurityGroupIngress"],"Resource":"` + sgARN + `"}]}`
	netops := ec2.NewFromConfig(ts.config(ec2User(t, ts, "netops", doc)))
	if sgs := ec2ok(netops.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{n.webSG}})).SecurityGroups; len(sgs) != 1 {
		t.Fatalf("DescribeSecurityGroups as netops: %+v", sgs)
	}
	ec2ok(netops.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(n.webSG), IpPermissions: []ec2types.IpPermission{tcpFrom(80, "0.0.0.0/0")}}))
	_, err = netops.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(n.dbSG), IpPermissions: []ec2types.IpPermission{tcpFrom(5432, "0.0.0.0/0")}})
	apiError(t, err, "UnauthorizedOperation")
	_, err = netops.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: aws.String(n.webSG)})
	apiError(t, err, "UnauthorizedOperation")
	// The denied call changed nothing.
	db := ec2ok(c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{n.dbSG}})).SecurityGroups[0]
	if len(db.IpPermissions) != 1 || len(db.IpPermissions[0].IpRanges) != 0 {
		t.Fatalf("db group after a denied call: %+v", db.IpPermissions)
	}

	// Tag-based control: VPCs may be created only tagged team=net.
	tagged := ec2.NewFromConfig(ts.config(ec2User(t, ts, "tagger", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:CreateVpc","Resource":"*",`+
		`"Condition":{"StringEquals":{"aws:RequestTag/team":"net"},"ForAllValues:StringEquals":{"aws:TagKeys":["team"]}}}]}`)))
	_, err = tagged.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.7.0.0/16")})
	apiError(t, err, "UnauthorizedOperation")
	_, err = tagged.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.7.0.0/16"), TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeVpc,
		Tags: []ec2types.Tag{{Key: aws.String("team"), Value: aws.String("app")}}}}})
	apiError(t, err, "UnauthorizedOperation")
	ec2ok(tagged.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.7.0.0/16"), TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeVpc,
		Tags: []ec2types.Tag{{Key: aws.String("team"), Value: aws.String("net")}}}}}))

	// Another region is another network.
	west := ts.config(ts.Root)
	west.Region = "us-west-2"
	if vpcs := ec2ok(ec2.NewFromConfig(west).DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})).Vpcs; len(vpcs) != 0 {
		t.Fatalf("us-west-2 sees %d VPCs", len(vpcs))
	}

	// CloudTrail.
	ct := cloudtrail.NewFromConfig(ts.config(ts.Root))
	var events []cttypes.Event
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		events = ec2ok(ct.LookupEvents(ctx, &cloudtrail.LookupEventsInput{LookupAttributes: []cttypes.LookupAttribute{{
			AttributeKey: cttypes.LookupAttributeKeyEventName, AttributeValue: aws.String("AuthorizeSecurityGroupIngress")}}})).Events
		if len(events) >= 5 {
			break
		}
	}
	denied := false
	for _, e := range events {
		var rec map[string]any
		if err := json.Unmarshal([]byte(aws.ToString(e.CloudTrailEvent)), &rec); err != nil {
			t.Fatal(err)
		}
		if rec["eventSource"] != "ec2.amazonaws.com" {
			t.Errorf("eventSource: %v", rec["eventSource"])
		}
		denied = denied || rec["errorCode"] == "Client.UnauthorizedOperation" || rec["errorCode"] == "UnauthorizedOperation"
	}
	if len(events) < 5 || !denied {
		t.Errorf("AuthorizeSecurityGroupIngress events: %d, denied recorded: %v", len(events), denied)
	}
}

// The everyday flow through the real AWS CLI: create a VPC and a group,
// open a port, read the group back; errors as the CLI shows them.
func TestEC2AWSCLI(t *testing.T) {
	v2 := cliV2(t)
	t.Parallel()
	ts := start(t)
	f := newFlow(t, ts, v2)
	const root = "moat-root"
	vpc := f.ok(root, "ec2", "create-vpc", "--cidr-block", "10.0.0.0/16", "--tag-specifications", "ResourceType=vpc,Tags=[{Key=Name,Value=lab}]")
	vpcID := str(vpc, "Vpc", "VpcId")
	if !strings.HasPrefix(vpcID, "vpc-") || str(vpc, "Vpc", "CidrBlock") != "10.0.0.0/16" {
		t.Fatalf("create-vpc: %v", vpc)
	}
	f.denied("InvalidVpc.Range", "10.0.0.0/8", root, "ec2", "create-vpc", "--cidr-block", "10.0.0.0/8")
	sg := f.ok(root, "ec2", "create-security-group", "--group-name", "web", "--description", "web tier", "--vpc-id", vpcID)
	sgID := str(sg, "GroupId")
	f.ok(root, "ec2", "authorize-security-group-ingress", "--group-id", sgID, "--protocol", "tcp", "--port", "443", "--cidr", "0.0.0.0/0")
	f.denied("InvalidPermission.Duplicate", "already exists", root, "ec2", "authorize-security-group-ingress", "--group-id", sgID, "--protocol", "tcp", "--port", "443", "--cidr", "0.0.0.0/0")
	f.ok(root, "ec2", "authorize-security-group-ingress", "--group-id", sgID, "--ip-permissions",
		`IpProtocol=tcp,FromPort=8000,ToPort=8080,IpRanges=[{CidrIp=10.0.0.0/16,Description=internal}]`)
	out := f.ok(root, "ec2", "describe-security-groups", "--group-ids", sgID)
	groups, _ := out["SecurityGroups"].([]any)
	if len(groups) != 1 {
		t.Fatalf("describe-security-groups: %v", out)
	}
	g := groups[0].(map[string]any)
	perms, _ := g["IpPermissions"].([]any)
	if g["GroupName"] != "web" || g["VpcId"] != vpcID || len(perms) != 2 {
		t.Fatalf("describe-security-groups: %v", g)
	}
	byVpc := f.ok(root, "ec2", "describe-security-groups", "--filters", "Name=vpc-id,Values="+vpcID, "Name=group-name,Values=default")
	if gs, _ := byVpc["SecurityGroups"].([]any); len(gs) != 1 {
		t.Fatalf("default group by filter: %v", byVpc)
	}
	f.denied("InvalidGroup.NotFound", "sg-0123456789abcdef0", root, "ec2", "describe-security-groups", "--group-ids", "sg-0123456789abcdef0")
	f.denied("DependencyViolation", "", root, "ec2", "delete-vpc", "--vpc-id", vpcID)
	f.ok(root, "ec2", "delete-security-group", "--group-id", sgID)
	f.ok(root, "ec2", "delete-vpc", "--vpc-id", vpcID)
}

// The default VPC as AWS makes it (CreateDefaultVpc): default subnets per
// Availability Zone that give instances public addresses, an internet
// gateway; RunInstances without a subnet lands there, reachable from the
// internet only where its group allows. Secondary CIDR blocks; moving the
// main route table.
func TestEC2DefaultVpc(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	c := ec2c(ts)
	azs := ec2ok(c.DescribeAvailabilityZones(ctx, &ec2.DescribeAvailabilityZonesInput{})).AvailabilityZones
	if len(azs) != 6 || aws.ToString(azs[0].ZoneName) != "us-east-1a" || aws.ToString(azs[0].ZoneId) != "use1-az1" {
		t.Fatalf("DescribeAvailabilityZones: %+v", azs)
	}
	v := ec2ok(c.CreateDefaultVpc(ctx, &ec2.CreateDefaultVpcInput{})).Vpc
	if !aws.ToBool(v.IsDefault) || aws.ToString(v.CidrBlock) != "172.31.0.0/16" {
		t.Fatalf("CreateDefaultVpc: %+v", v)
	}
	_, err := c.CreateDefaultVpc(ctx, &ec2.CreateDefaultVpcInput{})
	apiError(t, err, "DefaultVpcAlreadyExists")
	subs := ec2ok(c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: []ec2types.Filter{{Name: aws.String("default-for-az"), Values: []string{"true"}}}})).Subnets
	if len(subs) != 6 || !aws.ToBool(subs[0].MapPublicIpOnLaunch) {
		t.Fatalf("default subnets: %+v", subs)
	}
	sg := aws.ToString(ec2ok(c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("ssh"), Description: aws.String("ssh")})).GroupId)
	ec2ok(c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupName: aws.String("ssh"), IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22), CidrIp: aws.String("0.0.0.0/0")}))
	inst := ec2ok(c.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String("ami-12345678"), MinCount: aws.Int32(1), MaxCount: aws.Int32(1), SecurityGroups: []string{"ssh"}})).Instances[0]
	if aws.ToString(inst.VpcId) != aws.ToString(v.VpcId) || len(inst.SecurityGroups) != 1 || aws.ToString(inst.SecurityGroups[0].GroupId) != sg {
		t.Fatalf("RunInstances in the default VPC: %+v", inst)
	}
	igw := aws.ToString(ec2ok(c.DescribeInternetGateways(ctx, &ec2.DescribeInternetGatewaysInput{})).InternetGateways[0].InternetGatewayId)
	if a := analyze(t, c, igw, aws.ToString(inst.InstanceId), 22); !aws.ToBool(a.NetworkPathFound) {
		t.Errorf("internet → default-VPC instance:22: %s", explanations(a))
	}
	if a := analyze(t, c, igw, aws.ToString(inst.InstanceId), 3389); aws.ToBool(a.NetworkPathFound) {
		t.Errorf("internet → default-VPC instance:3389 found")
	}

	// A secondary block: subnets may use it, route tables get its local route.
	assoc := ec2ok(c.AssociateVpcCidrBlock(ctx, &ec2.AssociateVpcCidrBlockInput{VpcId: v.VpcId, CidrBlock: aws.String("100.64.0.0/16")}))
	if aws.ToString(assoc.CidrBlockAssociation.CidrBlock) != "100.64.0.0/16" {
		t.Fatalf("AssociateVpcCidrBlock: %+v", assoc)
	}
	_, err = c.AssociateVpcCidrBlock(ctx, &ec2.AssociateVpcCidrBlockInput{VpcId: v.VpcId, CidrBlock: aws.String("172.31.128.0/17")})
	apiError(t, err, "InvalidVpc.Range")
	ec2ok(c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: v.VpcId, CidrBlock: aws.String("100.64.1.0/24"), AvailabilityZone: aws.String("us-east-1f")}))
	_, err = c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: v.VpcId, CidrBlock: aws.String("100.64.2.0/24"), AvailabilityZone: aws.String("us-east-1z")})
	apiError(t, err, "InvalidParameterValue")
	if got := ec2ok(c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: []ec2types.Filter{{Name: aws.String("cidr-block-association.cidr-block"), Values: []string{"100.64.0.0/16"}}}})).Vpcs; len(got) != 1 || len(got[0].CidrBlockAssociationSet) != 2 {
		t.Fatalf("VPC by secondary block: %+v", got)
	}

	// Moving the main association to another table.
	rts := ec2ok(c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: []ec2types.Filter{{Name: aws.String("association.main"), Values: []string{"true"}}}})).RouteTables
	mainAssoc := rts[0].Associations[0].RouteTableAssociationId
	if len(rts[0].Routes) != 3 { // two local routes and the internet
		t.Fatalf("main route table: %+v", rts[0].Routes)
	}
	rt := ec2ok(c.CreateRouteTable(ctx, &ec2.CreateRouteTableInput{VpcId: v.VpcId})).RouteTable.RouteTableId
	_, err = c.DisassociateRouteTable(ctx, &ec2.DisassociateRouteTableInput{AssociationId: mainAssoc})
	apiError(t, err, "InvalidParameterValue")
	ec2ok(c.ReplaceRouteTableAssociation(ctx, &ec2.ReplaceRouteTableAssociationInput{AssociationId: mainAssoc, RouteTableId: rt}))
	rts = ec2ok(c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: []ec2types.Filter{{Name: aws.String("association.main"), Values: []string{"true"}}}})).RouteTables
	if len(rts) != 1 || aws.ToString(rts[0].RouteTableId) != aws.ToString(rt) {
		t.Fatalf("main after replace: %+v", rts)
	}
	// Without the internet route in the main table, the instance is cut off.
	if a := analyze(t, c, igw, aws.ToString(inst.InstanceId), 22); aws.ToBool(a.NetworkPathFound) {
		t.Errorf("internet → instance after the main table lost its internet route: found")
	}

	// A route through the instance becomes a blackhole when it terminates.
	ec2ok(c.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: rt, DestinationCidrBlock: aws.String("192.168.0.0/16"), InstanceId: inst.InstanceId}))
	ec2ok(c.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{aws.ToString(inst.InstanceId)}}))
	routes := ec2ok(c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{RouteTableIds: []string{aws.ToString(rt)}})).RouteTables[0].Routes
	if last := routes[len(routes)-1]; aws.ToString(last.InstanceId) != aws.ToString(inst.InstanceId) || last.State != ec2types.RouteStateBlackhole {
		t.Fatalf("route to a terminated instance: %+v", last)
	}

	// VPC attributes: AWS's defaults, one at a time.
	dns := func(vpcID *string, attr ec2types.VpcAttributeName) *ec2.DescribeVpcAttributeOutput {
		return ec2ok(c.DescribeVpcAttribute(ctx, &ec2.DescribeVpcAttributeInput{VpcId: vpcID, Attribute: attr}))
	}
	if !aws.ToBool(dns(v.VpcId, ec2types.VpcAttributeNameEnableDnsHostnames).EnableDnsHostnames.Value) {
		t.Error("default VPC without DNS hostnames")
	}
	lab := ec2ok(c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")})).Vpc.VpcId
	if aws.ToBool(dns(lab, ec2types.VpcAttributeNameEnableDnsHostnames).EnableDnsHostnames.Value) || !aws.ToBool(dns(lab, ec2types.VpcAttributeNameEnableDnsSupport).EnableDnsSupport.Value) {
		t.Error("new VPC: want DNS support on, hostnames off")
	}
	ec2ok(c.ModifyVpcAttribute(ctx, &ec2.ModifyVpcAttributeInput{VpcId: lab, EnableDnsHostnames: &ec2types.AttributeBooleanValue{Value: aws.Bool(true)}}))
	if !aws.ToBool(dns(lab, ec2types.VpcAttributeNameEnableDnsHostnames).EnableDnsHostnames.Value) {
		t.Error("ModifyVpcAttribute EnableDnsHostnames did not stick")
	}
	_, err = c.ModifyVpcAttribute(ctx, &ec2.ModifyVpcAttributeInput{VpcId: lab, EnableDnsHostnames: &ec2types.AttributeBooleanValue{Value: aws.Bool(true)},
		EnableDnsSupport: &ec2types.AttributeBooleanValue{Value: aws.Bool(true)}})
	apiError(t, err, "InvalidParameterCombination")
}

// Ingress routing through an appliance: the internet gateway's edge route
// table sends the public subnet's traffic to an inspection interface; the
// path crosses it only while its source/destination check is off and its
// group admits the traffic.
func TestEC2GatewayRouteTable(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	c := ec2c(ts)
	n := buildThreeTier(t, c)
	inspect := aws.ToString(ec2ok(c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: aws.String(n.vpc), CidrBlock: aws.String("10.0.100.0/24")})).Subnet.SubnetId)
	fw := aws.ToString(ec2ok(c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{VpcId: aws.String(n.vpc), GroupName: aws.String("fw"), Description: aws.String("firewall")})).GroupId)
	ec2ok(c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(fw), IpPermissions: []ec2types.IpPermission{tcpFrom(443, "0.0.0.0/0")}}))
	eni := aws.ToString(ec2ok(c.CreateNetworkInterface(ctx, &ec2.CreateNetworkInterfaceInput{SubnetId: aws.String(inspect), Groups: []string{fw}})).NetworkInterface.NetworkInterfaceId)
	edge := aws.ToString(ec2ok(c.CreateRouteTable(ctx, &ec2.CreateRouteTableInput{VpcId: aws.String(n.vpc)})).RouteTable.RouteTableId)
	ec2ok(c.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: aws.String(edge), DestinationCidrBlock: aws.String("10.0.1.0/24"), NetworkInterfaceId: aws.String(eni)}))
	assoc := ec2ok(c.AssociateRouteTable(ctx, &ec2.AssociateRouteTableInput{RouteTableId: aws.String(edge), GatewayId: aws.String(n.igw)}))
	got := ec2ok(c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: []ec2types.Filter{{Name: aws.String("association.gateway-id"), Values: []string{n.igw}}}})).RouteTables
	if len(got) != 1 || aws.ToString(got[0].RouteTableId) != edge || aws.ToString(got[0].Associations[0].RouteTableAssociationId) != aws.ToString(assoc.AssociationId) {
		t.Fatalf("edge association: %+v", got)
	}
	_, err := c.AssociateRouteTable(ctx, &ec2.AssociateRouteTableInput{RouteTableId: aws.String(edge), GatewayId: aws.String(n.igw)})
	apiError(t, err, "Resource.AlreadyAssociated")

	a := analyze(t, c, n.igw, n.web, 443)
	if aws.ToBool(a.NetworkPathFound) || !explained(a, "ENI_SOURCE_DEST_CHECK_RESTRICTION", eni) {
		t.Errorf("internet → web through an appliance with source/destination check on: found=%v %s", aws.ToBool(a.NetworkPathFound), explanations(a))
	}
	ec2ok(c.ModifyNetworkInterfaceAttribute(ctx, &ec2.ModifyNetworkInterfaceAttributeInput{NetworkInterfaceId: aws.String(eni), SourceDestCheck: &ec2types.AttributeBooleanValue{Value: aws.Bool(false)}}))
	a = analyze(t, c, n.igw, n.web, 443)
	crossed := false
	for _, pc := range a.ForwardPathComponents {
		crossed = crossed || aws.ToString(pc.Component.Id) == eni
	}
	if !aws.ToBool(a.NetworkPathFound) || !crossed {
		t.Errorf("internet → web through the appliance: found=%v crossed=%v %s", aws.ToBool(a.NetworkPathFound), crossed, explanations(a))
	}
	ec2ok(c.DisassociateRouteTable(ctx, &ec2.DisassociateRouteTableInput{AssociationId: assoc.AssociationId}))
	if a := analyze(t, c, n.igw, n.web, 443); !aws.ToBool(a.NetworkPathFound) {
		t.Errorf("internet → web without the edge table: %s", explanations(a))
	}
}

// Describe* pages with MaxResults and NextToken as EC2 does; the SDK's
// paginator walks them.
func TestEC2Pagination(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	c := ec2c(ts)
	vpcID := ec2ok(c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")})).Vpc.VpcId
	for i := 0; i < 12; i++ {
		ec2ok(c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{VpcId: vpcID, GroupName: aws.String("g" + string(rune('a'+i))), Description: aws.String("page")}))
	}
	seen, pages := map[string]bool{}, 0
	p := ec2.NewDescribeSecurityGroupsPaginator(c, &ec2.DescribeSecurityGroupsInput{MaxResults: aws.Int32(5)})
	for p.HasMorePages() {
		page := ec2ok(p.NextPage(ctx))
		pages++
		if len(page.SecurityGroups) > 5 {
			t.Fatalf("page of %d", len(page.SecurityGroups))
		}
		for _, g := range page.SecurityGroups {
			seen[aws.ToString(g.GroupId)] = true
		}
	}
	if len(seen) != 13 || pages != 3 {
		t.Fatalf("paginated: %d groups in %d pages, want 13 in 3", len(seen), pages)
	}
	_, err := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{VpcIds: []string{aws.ToString(vpcID)}, MaxResults: aws.Int32(5)})
	apiError(t, err, "InvalidParameterCombination")
	_, err = c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{MaxResults: aws.Int32(2)})
	apiError(t, err, "InvalidParameterValue")
	_, err = c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{NextToken: aws.String("bogus")})
	apiError(t, err, "InvalidPaginationToken")
}
