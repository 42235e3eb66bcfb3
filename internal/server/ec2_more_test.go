package server_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// toIPAnalysis runs a Reachability Analyzer analysis from an instance to an
// IP address.
func toIPAnalysis(t *testing.T, c *ec2.Client, src, ip string, port int32) *ec2types.NetworkInsightsAnalysis {
	t.Helper()
	ctx := context.Background()
	p := ec2ok(c.CreateNetworkInsightsPath(ctx, &ec2.CreateNetworkInsightsPathInput{Source: aws.String(src), DestinationIp: aws.String(ip),
		Protocol: ec2types.ProtocolTcp, DestinationPort: aws.Int32(port)})).NetworkInsightsPath
	return ec2ok(c.StartNetworkInsightsAnalysis(ctx, &ec2.StartNetworkInsightsAnalysisInput{NetworkInsightsPathId: p.NetworkInsightsPathId})).NetworkInsightsAnalysis
}

func onPath(a *ec2types.NetworkInsightsAnalysis, id string) bool {
	for _, pc := range a.ForwardPathComponents {
		if pc.Component != nil && aws.ToString(pc.Component.Id) == id {
			return true
		}
	}
	return false
}

// A gateway endpoint for S3 adds the S3 prefix list's route to the chosen
// route table; a private instance then reaches the S3 prefix list through
// the endpoint (Reachability Analyzer shows it on the path), and does not
// once the endpoint is deleted. The AWS-managed prefix lists show in
// DescribePrefixLists and DescribeManagedPrefixLists.
func TestEC2EndpointGateway(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	c := ec2c(ts)
	n := buildThreeTier(t, c)

	pls := ec2ok(c.DescribePrefixLists(ctx, &ec2.DescribePrefixListsInput{Filters: []ec2types.Filter{{Name: aws.String("prefix-list-name"), Values: []string{"com.amazonaws.us-east-1.s3"}}}})).PrefixLists
	if len(pls) != 1 || !strings.HasPrefix(aws.ToString(pls[0].PrefixListId), "pl-") || len(pls[0].Cidrs) == 0 {
		t.Fatalf("DescribePrefixLists: %+v", pls)
	}
	s3pl, s3cidr := aws.ToString(pls[0].PrefixListId), pls[0].Cidrs[0]
	mpl := ec2ok(c.DescribeManagedPrefixLists(ctx, &ec2.DescribeManagedPrefixListsInput{Filters: []ec2types.Filter{{Name: aws.String("owner-id"), Values: []string{"AWS"}}}})).PrefixLists
	if len(mpl) != 2 || aws.ToString(mpl[0].OwnerId) != "AWS" {
		t.Fatalf("DescribeManagedPrefixLists owner AWS: %+v", mpl)
	}
	_ = s3cidr
	s3ip := "52.216.10.20"

	mainRT := aws.ToString(ec2ok(c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: []ec2types.Filter{
		{Name: aws.String("vpc-id"), Values: []string{n.vpc}}, {Name: aws.String("association.main"), Values: []string{"true"}}}})).RouteTables[0].RouteTableId)

	// Before: the app tier (private subnet, main route table) has no route to S3.
	if a := toIPAnalysis(t, c, n.app, s3ip, 443); aws.ToBool(a.NetworkPathFound) {
		t.Fatalf("app → S3 without an endpoint: found")
	}

	ep := ec2ok(c.CreateVpcEndpoint(ctx, &ec2.CreateVpcEndpointInput{VpcId: aws.String(n.vpc), ServiceName: aws.String("com.amazonaws.us-east-1.s3"),
		RouteTableIds: []string{mainRT}, PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::corp-data/*"}]}`),
		TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeVpcEndpoint, Tags: []ec2types.Tag{{Key: aws.String("Name"), Value: aws.String("s3")}}}}})).VpcEndpoint
	vpce := aws.ToString(ep.VpcEndpointId)
	if !strings.HasPrefix(vpce, "vpce-") || ep.VpcEndpointType != ec2types.VpcEndpointTypeGateway || len(ep.RouteTableIds) != 1 || len(ep.Tags) != 1 {
		t.Fatalf("CreateVpcEndpoint: %+v", ep)
	}
	rt := ec2ok(c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{RouteTableIds: []string{mainRT}})).RouteTables[0]
	found := false
	for _, r := range rt.Routes {
		found = found || aws.ToString(r.DestinationPrefixListId) == s3pl && aws.ToString(r.GatewayId) == vpce
	}
	if !found {
		t.Fatalf("main route table has no %s → %s route: %+v", s3pl, vpce, rt.Routes)
	}
	a := toIPAnalysis(t, c, n.app, s3ip, 443)
	if !aws.ToBool(a.NetworkPathFound) || !onPath(a, vpce) {
		t.Fatalf("app → S3 through %s: found=%v %s", vpce, aws.ToBool(a.NetworkPathFound), explanations(a))
	}
	// The web tier's route table was not chosen: its S3 traffic goes to the internet gateway.
	if a := toIPAnalysis(t, c, n.web, s3ip, 443); onPath(a, vpce) {
		t.Errorf("web → S3 crossed %s, whose route is not in its table", vpce)
	}

	// Describe with filters.
	for _, f := range []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{n.vpc}}, {Name: aws.String("service-name"), Values: []string{"com.amazonaws.us-east-1.s3"}},
		{Name: aws.String("vpc-endpoint-type"), Values: []string{"Gateway"}}} {
		got := ec2ok(c.DescribeVpcEndpoints(ctx, &ec2.DescribeVpcEndpointsInput{Filters: []ec2types.Filter{f}})).VpcEndpoints
		if len(got) != 1 || aws.ToString(got[0].VpcEndpointId) != vpce || !strings.Contains(aws.ToString(got[0].PolicyDocument), "corp-data") {
			t.Errorf("filter %s: %+v", aws.ToString(f.Name), got)
		}
	}
	if got := ec2ok(c.DescribeVpcEndpoints(ctx, &ec2.DescribeVpcEndpointsInput{Filters: []ec2types.Filter{{Name: aws.String("vpc-endpoint-type"), Values: []string{"Interface"}}}})).VpcEndpoints; len(got) != 0 {
		t.Errorf("Interface filter: %+v", got)
	}

	// ModifyVpcEndpoint: reset the policy, move the route to another table.
	other := aws.ToString(ec2ok(c.CreateRouteTable(ctx, &ec2.CreateRouteTableInput{VpcId: aws.String(n.vpc)})).RouteTable.RouteTableId)
	ec2ok(c.ModifyVpcEndpoint(ctx, &ec2.ModifyVpcEndpointInput{VpcEndpointId: aws.String(vpce), ResetPolicy: aws.Bool(true),
		AddRouteTableIds: []string{other}, RemoveRouteTableIds: []string{mainRT}}))
	got := ec2ok(c.DescribeVpcEndpoints(ctx, &ec2.DescribeVpcEndpointsInput{VpcEndpointIds: []string{vpce}})).VpcEndpoints[0]
	if len(got.RouteTableIds) != 1 || got.RouteTableIds[0] != other || strings.Contains(aws.ToString(got.PolicyDocument), "corp-data") {
		t.Errorf("after ModifyVpcEndpoint: %+v", got)
	}
	if a := toIPAnalysis(t, c, n.app, s3ip, 443); aws.ToBool(a.NetworkPathFound) {
		t.Errorf("app → S3 after the route moved away: found")
	}
	// A bad modification changes nothing.
	_, err := c.ModifyVpcEndpoint(ctx, &ec2.ModifyVpcEndpointInput{VpcEndpointId: aws.String(vpce), AddRouteTableIds: []string{mainRT}, RemoveRouteTableIds: []string{"rtb-0123456789abcdef0"}})
	apiError(t, err, "InvalidParameterValue")
	got = ec2ok(c.DescribeVpcEndpoints(ctx, &ec2.DescribeVpcEndpointsInput{VpcEndpointIds: []string{vpce}})).VpcEndpoints[0]
	if len(got.RouteTableIds) != 1 || got.RouteTableIds[0] != other {
		t.Errorf("failed ModifyVpcEndpoint changed the endpoint: %+v", got.RouteTableIds)
	}

	// Bad input.
	_, err = c.CreateVpcEndpoint(ctx, &ec2.CreateVpcEndpointInput{VpcId: aws.String(n.vpc), ServiceName: aws.String("com.amazonaws.us-east-1.sqs"), RouteTableIds: []string{mainRT}})
	apiError(t, err, "InvalidServiceName")
	_, err = c.CreateVpcEndpoint(ctx, &ec2.CreateVpcEndpointInput{VpcId: aws.String("vpc-0123456789abcdef0"), ServiceName: aws.String("com.amazonaws.us-east-1.s3")})
	apiError(t, err, "InvalidVpcID.NotFound")
	_, err = c.CreateVpcEndpoint(ctx, &ec2.CreateVpcEndpointInput{VpcId: aws.String(n.vpc), ServiceName: aws.String("com.amazonaws.us-east-1.dynamodb"), RouteTableIds: []string{"rtb-0123456789abcdef0"}})
	apiError(t, err, "InvalidRouteTableID.NotFound")

	// DeleteVpcEndpoints: the unknown ID is an Unsuccessful item, the known one goes with its route.
	del := ec2ok(c.DeleteVpcEndpoints(ctx, &ec2.DeleteVpcEndpointsInput{VpcEndpointIds: []string{vpce, "vpce-0123456789abcdef0"}}))
	if len(del.Unsuccessful) != 1 || aws.ToString(del.Unsuccessful[0].ResourceId) != "vpce-0123456789abcdef0" ||
		!strings.Contains(aws.ToString(del.Unsuccessful[0].Error.Code), "NotFound") {
		t.Fatalf("DeleteVpcEndpoints: %+v", del.Unsuccessful)
	}
	if eps := ec2ok(c.DescribeVpcEndpoints(ctx, &ec2.DescribeVpcEndpointsInput{})).VpcEndpoints; len(eps) != 0 {
		t.Errorf("after delete: %+v", eps)
	}
	for _, r := range ec2ok(c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{RouteTableIds: []string{other}})).RouteTables[0].Routes {
		if aws.ToString(r.GatewayId) == vpce {
			t.Errorf("route to the deleted endpoint remains: %+v", r)
		}
	}
}

// An endpoint policy that does not parse is refused with its position; one
// the policy engine refuses is refused; nothing is created.
func TestEC2EndpointPolicy(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	c := ec2c(ts)
	v := aws.ToString(ec2ok(c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.1.0.0/16")})).Vpc.VpcId)
	_, err := c.CreateVpcEndpoint(ctx, &ec2.CreateVpcEndpointInput{VpcId: aws.String(v), ServiceName: aws.String("com.amazonaws.us-east-1.s3"),
		PolicyDocument: aws.String("{\"Statement\": [\n  {\"Effect\": \"Allow\",, }]}")})
	ae := apiError(t, err, "InvalidPolicyDocument")
	if !strings.Contains(ae.ErrorMessage(), "2:") && !strings.Contains(ae.ErrorMessage(), "line 2") {
		t.Errorf("message does not name the position: %s", ae.ErrorMessage())
	}
	_, err = c.CreateVpcEndpoint(ctx, &ec2.CreateVpcEndpointInput{VpcId: aws.String(v), ServiceName: aws.String("com.amazonaws.us-east-1.s3"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Principal":"*","Action":"*","Resource":"*"}]}`)})
	apiError(t, err, "InvalidPolicyDocument")
	if eps := ec2ok(c.DescribeVpcEndpoints(ctx, &ec2.DescribeVpcEndpointsInput{})).VpcEndpoints; len(eps) != 0 {
		t.Errorf("a refused endpoint was created: %+v", eps)
	}
	ep := ec2ok(c.CreateVpcEndpoint(ctx, &ec2.CreateVpcEndpointInput{VpcId: aws.String(v), ServiceName: aws.String("com.amazonaws.us-east-1.dynamodb")})).VpcEndpoint
	if !strings.Contains(aws.ToString(ep.PolicyDocument), `"Action":"*"`) {
		t.Errorf("default policy: %s", aws.ToString(ep.PolicyDocument))
	}
	_, err = c.ModifyVpcEndpoint(ctx, &ec2.ModifyVpcEndpointInput{VpcEndpointId: ep.VpcEndpointId, PolicyDocument: aws.String("not json")})
	apiError(t, err, "InvalidPolicyDocument")
	_, err = c.ModifyVpcEndpoint(ctx, &ec2.ModifyVpcEndpointInput{VpcEndpointId: aws.String("vpce-0123456789abcdef0"), ResetPolicy: aws.Bool(true)})
	apiError(t, err, "InvalidVpcEndpointId.NotFound")
}

// An interface endpoint creates one requester-managed interface per subnet
// with the given groups, visible in DescribeNetworkInterfaces; private DNS
// needs the VPC's DNS attributes, as in AWS; deleting the endpoint deletes
// its interfaces.
func TestEC2EndpointInterface(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	c := ec2c(ts)
	n := buildThreeTier(t, c)

	_, err := c.CreateVpcEndpoint(ctx, &ec2.CreateVpcEndpointInput{VpcId: aws.String(n.vpc), VpcEndpointType: ec2types.VpcEndpointTypeInterface,
		ServiceName: aws.String("com.amazonaws.us-east-1.ssm"), SubnetIds: []string{n.appSubnet}, SecurityGroupIds: []string{n.appSG}})
	if ae := apiError(t, err, "InvalidParameter"); !strings.Contains(ae.ErrorMessage(), "enableDnsHostnames") {
		t.Errorf("private DNS message: %s", ae.ErrorMessage())
	}
	ep := ec2ok(c.CreateVpcEndpoint(ctx, &ec2.CreateVpcEndpointInput{VpcId: aws.String(n.vpc), VpcEndpointType: ec2types.VpcEndpointTypeInterface,
		ServiceName: aws.String("com.amazonaws.us-east-1.ssm"), SubnetIds: []string{n.appSubnet, n.dbSubnet}, SecurityGroupIds: []string{n.appSG},
		PrivateDnsEnabled: aws.Bool(false)})).VpcEndpoint
	vpce := aws.ToString(ep.VpcEndpointId)
	if len(ep.NetworkInterfaceIds) != 2 || len(ep.Groups) != 1 || aws.ToString(ep.Groups[0].GroupId) != n.appSG || aws.ToBool(ep.PrivateDnsEnabled) || len(ep.DnsEntries) == 0 {
		t.Fatalf("interface endpoint: %+v", ep)
	}
	enis := ec2ok(c.DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{Filters: []ec2types.Filter{{Name: aws.String("interface-type"), Values: []string{"vpc_endpoint"}}}})).NetworkInterfaces
	if len(enis) != 2 {
		t.Fatalf("endpoint interfaces: %+v", enis)
	}
	for _, e := range enis {
		if !aws.ToBool(e.RequesterManaged) || len(e.Groups) != 1 || aws.ToString(e.Groups[0].GroupId) != n.appSG || !strings.Contains(aws.ToString(e.Description), vpce) ||
			aws.ToString(e.PrivateIpAddress) == "" {
			t.Errorf("endpoint interface: %+v", e)
		}
	}
	// Modify: add the db group; the interfaces follow.
	ec2ok(c.ModifyVpcEndpoint(ctx, &ec2.ModifyVpcEndpointInput{VpcEndpointId: aws.String(vpce), AddSecurityGroupIds: []string{n.dbSG}, RemoveSubnetIds: []string{n.dbSubnet}}))
	enis = ec2ok(c.DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{Filters: []ec2types.Filter{{Name: aws.String("interface-type"), Values: []string{"vpc_endpoint"}}}})).NetworkInterfaces
	if len(enis) != 1 || len(enis[0].Groups) != 2 {
		t.Errorf("after ModifyVpcEndpoint: %+v", enis)
	}
	// The endpoint's interface cannot be deleted by itself.
	_, err = c.DeleteNetworkInterface(ctx, &ec2.DeleteNetworkInterfaceInput{NetworkInterfaceId: enis[0].NetworkInterfaceId})
	apiError(t, err, "InvalidNetworkInterface.InUse")
	// With DNS hostnames on, private DNS is accepted.
	ec2ok(c.ModifyVpcAttribute(ctx, &ec2.ModifyVpcAttributeInput{VpcId: aws.String(n.vpc), EnableDnsHostnames: &ec2types.AttributeBooleanValue{Value: aws.Bool(true)}}))
	ep2 := ec2ok(c.CreateVpcEndpoint(ctx, &ec2.CreateVpcEndpointInput{VpcId: aws.String(n.vpc), VpcEndpointType: ec2types.VpcEndpointTypeInterface,
		ServiceName: aws.String("com.amazonaws.us-east-1.sts"), SubnetIds: []string{n.pubSubnet}})).VpcEndpoint
	if !aws.ToBool(ep2.PrivateDnsEnabled) || len(ep2.Groups) != 1 {
		t.Errorf("private DNS endpoint with the default group: %+v", ep2)
	}

	svcs := ec2ok(c.DescribeVpcEndpointServices(ctx, &ec2.DescribeVpcEndpointServicesInput{ServiceNames: []string{"com.amazonaws.us-east-1.s3"}}))
	if len(svcs.ServiceDetails) != 1 || len(svcs.ServiceDetails[0].ServiceType) != 2 || len(svcs.ServiceNames) != 1 {
		t.Errorf("DescribeVpcEndpointServices s3: %+v", svcs.ServiceDetails)
	}
	all := ec2ok(c.DescribeVpcEndpointServices(ctx, &ec2.DescribeVpcEndpointServicesInput{}))
	if len(all.ServiceNames) < 10 {
		t.Errorf("DescribeVpcEndpointServices: %v", all.ServiceNames)
	}

	ec2ok(c.DeleteVpcEndpoints(ctx, &ec2.DeleteVpcEndpointsInput{VpcEndpointIds: []string{vpce, aws.ToString(ep2.VpcEndpointId)}}))
	if enis := ec2ok(c.DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{Filters: []ec2types.Filter{{Name: aws.String("interface-type"), Values: []string{"vpc_endpoint"}}}})).NetworkInterfaces; len(enis) != 0 {
		t.Errorf("interfaces outlive their endpoint: %+v", enis)
	}
}

// Flow logs: subscriptions to S3 and CloudWatch Logs for VPCs, subnets and
// interfaces; a custom format is checked field by field; unknown resources
// and unknown flow log IDs come back as Unsuccessful items.
func TestEC2FlowLogs(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	c := ec2c(ts)
	n := buildThreeTier(t, c)

	out := ec2ok(c.CreateFlowLogs(ctx, &ec2.CreateFlowLogsInput{ResourceIds: []string{n.vpc, "vpc-0123456789abcdef0"}, ResourceType: ec2types.FlowLogsResourceTypeVpc,
		TrafficType: ec2types.TrafficTypeAll, LogDestinationType: ec2types.LogDestinationTypeS3, LogDestination: aws.String("arn:aws:s3:::flow-bucket/vpc")}))
	if len(out.FlowLogIds) != 1 || !strings.HasPrefix(out.FlowLogIds[0], "fl-") || len(out.Unsuccessful) != 1 ||
		aws.ToString(out.Unsuccessful[0].ResourceId) != "vpc-0123456789abcdef0" || aws.ToString(out.Unsuccessful[0].Error.Code) != "InvalidVpcID.NotFound" {
		t.Fatalf("CreateFlowLogs: %+v %+v", out.FlowLogIds, out.Unsuccessful)
	}
	vpcFL := out.FlowLogIds[0]
	custom := "${version} ${vpc-id} ${subnet-id} ${srcaddr} ${dstaddr} ${action} ${flow-direction}"
	out = ec2ok(c.CreateFlowLogs(ctx, &ec2.CreateFlowLogsInput{ResourceIds: []string{n.appSubnet}, ResourceType: ec2types.FlowLogsResourceTypeSubnet,
		TrafficType: ec2types.TrafficTypeReject, LogGroupName: aws.String("/vpc/app"), DeliverLogsPermissionArn: aws.String("arn:aws:iam::" + ts.Account + ":role/flowlogs"),
		LogFormat: aws.String(custom), MaxAggregationInterval: aws.Int32(60)}))
	if len(out.FlowLogIds) != 1 || len(out.Unsuccessful) != 0 {
		t.Fatalf("CreateFlowLogs subnet: %+v", out)
	}
	subnetFL := out.FlowLogIds[0]
	// The same subscription twice is FlowLogAlreadyExists.
	out = ec2ok(c.CreateFlowLogs(ctx, &ec2.CreateFlowLogsInput{ResourceIds: []string{n.vpc}, ResourceType: ec2types.FlowLogsResourceTypeVpc,
		TrafficType: ec2types.TrafficTypeAll, LogDestinationType: ec2types.LogDestinationTypeS3, LogDestination: aws.String("arn:aws:s3:::flow-bucket/vpc")}))
	if len(out.FlowLogIds) != 0 || len(out.Unsuccessful) != 1 || aws.ToString(out.Unsuccessful[0].Error.Code) != "FlowLogAlreadyExists" {
		t.Errorf("duplicate: %+v", out.Unsuccessful)
	}

	// Bad custom formats name the field; nothing is created.
	for bad, field := range map[string]string{
		"${srcaddr} ${dstaddr} ${bogus-field}": "${bogus-field}",
		"${srcaddr} dstaddr":                   "dstaddr",
		"${srcaddr} ${srcaddr}":                "${srcaddr}",
	} {
		_, err := c.CreateFlowLogs(ctx, &ec2.CreateFlowLogsInput{ResourceIds: []string{n.dbSubnet}, ResourceType: ec2types.FlowLogsResourceTypeSubnet,
			TrafficType: ec2types.TrafficTypeAll, LogDestinationType: ec2types.LogDestinationTypeS3, LogDestination: aws.String("arn:aws:s3:::flow-bucket"), LogFormat: aws.String(bad)})
		if ae := apiError(t, err, "InvalidParameter"); !strings.Contains(ae.ErrorMessage(), field) {
			t.Errorf("%q: message does not name %s: %s", bad, field, ae.ErrorMessage())
		}
	}
	for _, in := range []*ec2.CreateFlowLogsInput{
		{ResourceIds: []string{n.dbSubnet}, ResourceType: ec2types.FlowLogsResourceTypeSubnet, TrafficType: ec2types.TrafficTypeAll,
			LogDestinationType: ec2types.LogDestinationTypeS3, LogDestination: aws.String("flow-bucket")},
		{ResourceIds: []string{n.dbSubnet}, ResourceType: ec2types.FlowLogsResourceTypeSubnet, TrafficType: ec2types.TrafficTypeAll,
			LogGroupName: aws.String("/vpc/db")}, // cloud-watch-logs needs a role
		{ResourceIds: []string{n.dbSubnet}, ResourceType: ec2types.FlowLogsResourceTypeSubnet, TrafficType: "SOME",
			LogDestinationType: ec2types.LogDestinationTypeS3, LogDestination: aws.String("arn:aws:s3:::flow-bucket")},
	} {
		_, err := c.CreateFlowLogs(ctx, in)
		if err == nil {
			t.Errorf("accepted: %+v", in)
		}
	}
	if fls := ec2ok(c.DescribeFlowLogs(ctx, &ec2.DescribeFlowLogsInput{})).FlowLogs; len(fls) != 2 {
		t.Fatalf("DescribeFlowLogs after refusals: %+v", fls)
	}

	// Describe and its filters.
	fl := ec2ok(c.DescribeFlowLogs(ctx, &ec2.DescribeFlowLogsInput{FlowLogIds: []string{subnetFL}})).FlowLogs
	if len(fl) != 1 || aws.ToString(fl[0].LogFormat) != custom || aws.ToString(fl[0].LogGroupName) != "/vpc/app" || fl[0].LogDestinationType != ec2types.LogDestinationTypeCloudWatchLogs ||
		fl[0].TrafficType != ec2types.TrafficTypeReject || aws.ToString(fl[0].ResourceId) != n.appSubnet || aws.ToInt32(fl[0].MaxAggregationInterval) != 60 ||
		aws.ToString(fl[0].FlowLogStatus) != "ACTIVE" {
		t.Errorf("subnet flow log: %+v", fl)
	}
	fl = ec2ok(c.DescribeFlowLogs(ctx, &ec2.DescribeFlowLogsInput{Filter: []ec2types.Filter{{Name: aws.String("log-destination-type"), Values: []string{"s3"}}}})).FlowLogs
	if len(fl) != 1 || aws.ToString(fl[0].FlowLogId) != vpcFL || aws.ToString(fl[0].LogDestination) != "arn:aws:s3:::flow-bucket/vpc" ||
		!strings.HasPrefix(aws.ToString(fl[0].LogFormat), "${version} ${account-id} ${interface-id}") {
		t.Errorf("filter s3: %+v", fl)
	}
	fl = ec2ok(c.DescribeFlowLogs(ctx, &ec2.DescribeFlowLogsInput{Filter: []ec2types.Filter{{Name: aws.String("resource-id"), Values: []string{n.appSubnet}}}})).FlowLogs
	if len(fl) != 1 || aws.ToString(fl[0].FlowLogId) != subnetFL {
		t.Errorf("filter resource-id: %+v", fl)
	}
	_, err := c.DescribeFlowLogs(ctx, &ec2.DescribeFlowLogsInput{Filter: []ec2types.Filter{{Name: aws.String("colour"), Values: []string{"x"}}}})
	apiError(t, err, "InvalidParameterValue")

	// Delete: unknown IDs are Unsuccessful items; known ones go.
	del := ec2ok(c.DeleteFlowLogs(ctx, &ec2.DeleteFlowLogsInput{FlowLogIds: []string{vpcFL, "fl-0123456789abcdef0"}}))
	if len(del.Unsuccessful) != 1 || aws.ToString(del.Unsuccessful[0].ResourceId) != "fl-0123456789abcdef0" || aws.ToString(del.Unsuccessful[0].Error.Code) != "InvalidFlowLogId.NotFound" {
		t.Errorf("DeleteFlowLogs: %+v", del.Unsuccessful)
	}
	if fls := ec2ok(c.DescribeFlowLogs(ctx, &ec2.DescribeFlowLogsInput{})).FlowLogs; len(fls) != 1 || aws.ToString(fls[0].FlowLogId) != subnetFL {
		t.Errorf("after delete: %+v", fls)
	}
}

// Authorization: a user without EC2 permissions gets UnauthorizedOperation
// on the endpoint and flow log calls and changes nothing; a policy naming one
// VPC's ARN allows endpoints in that VPC only.
func TestEC2EndpointFlowLogAuthorization(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	c := ec2c(ts)
	v1 := aws.ToString(ec2ok(c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.1.0.0/16")})).Vpc.VpcId)
	v2 := aws.ToString(ec2ok(c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.2.0.0/16")})).Vpc.VpcId)

	nobody := ec2.NewFromConfig(ts.config(ec2User(t, ts, "nobody", "")))
	_, err := nobody.CreateVpcEndpoint(ctx, &ec2.CreateVpcEndpointInput{VpcId: aws.String(v1), ServiceName: aws.String("com.amazonaws.us-east-1.s3")})
	if ae := apiError(t, err, "UnauthorizedOperation"); !strings.Contains(ae.ErrorMessage(), "ec2:CreateVpcEndpoint") {
		t.Errorf("message: %s", ae.ErrorMessage())
	}
	_, err = nobody.CreateFlowLogs(ctx, &ec2.CreateFlowLogsInput{ResourceIds: []string{v1}, ResourceType: ec2types.FlowLogsResourceTypeVpc, TrafficType: ec2types.TrafficTypeAll,
		LogDestinationType: ec2types.LogDestinationTypeS3, LogDestination: aws.String("arn:aws:s3:::b")})
	apiError(t, err, "UnauthorizedOperation")
	for _, call := range []func() error{
		func() error { _, err := nobody.DescribeVpcEndpoints(ctx, &ec2.DescribeVpcEndpointsInput{}); return err },
		func() error { _, err := nobody.DescribeFlowLogs(ctx, &ec2.DescribeFlowLogsInput{}); return err },
		func() error { _, err := nobody.DescribePrefixLists(ctx, &ec2.DescribePrefixListsInput{}); return err },
		func() error {
			_, err := nobody.DeleteVpcEndpoints(ctx, &ec2.DeleteVpcEndpointsInput{VpcEndpointIds: []string{"vpce-0123456789abcdef0"}})
			return err
		},
		func() error {
			_, err := nobody.DeleteFlowLogs(ctx, &ec2.DeleteFlowLogsInput{FlowLogIds: []string{"fl-0123456789abcdef0"}})
			return err
		},
	} {
		apiError(t, call(), "UnauthorizedOperation")
	}
	if eps := ec2ok(c.DescribeVpcEndpoints(ctx, &ec2.DescribeVpcEndpointsInput{})).VpcEndpoints; len(eps) != 0 {
		t.Errorf("denied call created %+v", eps)
	}

	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:CreateVpcEndpoint","Resource":"arn:aws:ec2:us-east-1:` + ts.Account + `:vpc/` + v1 + `"}]}`
	one := ec2.NewFromConfig(ts.config(ec2User(t, ts, "netops", doc)))
	ec2ok(one.CreateVpcEndpoint(ctx, &ec2.CreateVpcEndpointInput{VpcId: aws.String(v1), ServiceName: aws.String("com.amazonaws.us-east-1.s3")}))
	_, err = one.CreateVpcEndpoint(ctx, &ec2.CreateVpcEndpointInput{VpcId: aws.String(v2), ServiceName: aws.String("com.amazonaws.us-east-1.s3")})
	apiError(t, err, "UnauthorizedOperation")

	// The calls, allowed and denied, are in CloudTrail.
	ct := cloudtrail.NewFromConfig(ts.config(ts.Root))
	var events []cttypes.Event
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		events = ec2ok(ct.LookupEvents(ctx, &cloudtrail.LookupEventsInput{LookupAttributes: []cttypes.LookupAttribute{{
			AttributeKey: cttypes.LookupAttributeKeyEventName, AttributeValue: aws.String("CreateVpcEndpoint")}}})).Events
		if len(events) >= 3 {
			break
		}
	}
	if len(events) != 3 || aws.ToString(events[0].EventSource) != "ec2.amazonaws.com" {
		t.Errorf("CloudTrail CreateVpcEndpoint events: %d", len(events))
	}
}

// IPAM: an IPAM comes with a public and a private default scope; a pool in
// the private scope takes a provisioned CIDR; allocations never overlap
// (explicit CIDRs that overlap are refused, netmask allocations skip taken
// and disallowed blocks); CreateVpc with Ipv4IpamPoolId takes its block from
// the pool, and DeleteVpc gives it back; a child pool's CIDR comes from its
// source pool.
func TestEC2Ipam(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	c := ec2c(ts)

	ip := ec2ok(c.CreateIpam(ctx, &ec2.CreateIpamInput{Description: aws.String("corp"), OperatingRegions: []ec2types.AddIpamOperatingRegion{{RegionName: aws.String("us-east-1")}}})).Ipam
	if !strings.HasPrefix(aws.ToString(ip.IpamId), "ipam-") || aws.ToString(ip.PrivateDefaultScopeId) == "" || aws.ToString(ip.PublicDefaultScopeId) == "" ||
		!strings.HasPrefix(aws.ToString(ip.IpamArn), "arn:aws:ec2::"+ts.Account+":ipam/") {
		t.Fatalf("CreateIpam: %+v", ip)
	}
	if got := ec2ok(c.DescribeIpams(ctx, &ec2.DescribeIpamsInput{})).Ipams; len(got) != 1 || aws.ToInt32(got[0].ScopeCount) != 2 || len(got[0].OperatingRegions) != 1 {
		t.Fatalf("DescribeIpams: %+v", got)
	}
	scopes := ec2ok(c.DescribeIpamScopes(ctx, &ec2.DescribeIpamScopesInput{Filters: []ec2types.Filter{{Name: aws.String("ipam-scope-type"), Values: []string{"private"}}}})).IpamScopes
	if len(scopes) != 1 || aws.ToString(scopes[0].IpamScopeId) != aws.ToString(ip.PrivateDefaultScopeId) || !aws.ToBool(scopes[0].IsDefault) {
		t.Fatalf("DescribeIpamScopes: %+v", scopes)
	}

	pool := ec2ok(c.CreateIpamPool(ctx, &ec2.CreateIpamPoolInput{IpamScopeId: ip.PrivateDefaultScopeId, AddressFamily: ec2types.AddressFamilyIpv4,
		Locale: aws.String("us-east-1"), AllocationMinNetmaskLength: aws.Int32(16), AllocationMaxNetmaskLength: aws.Int32(28), AllocationDefaultNetmaskLength: aws.Int32(20)})).IpamPool
	poolID := aws.ToString(pool.IpamPoolId)
	ec2ok(c.ProvisionIpamPoolCidr(ctx, &ec2.ProvisionIpamPoolCidrInput{IpamPoolId: aws.String(poolID), Cidr: aws.String("10.0.0.0/16")}))
	// Another top-level pool in the scope cannot take an overlapping CIDR.
	other := ec2ok(c.CreateIpamPool(ctx, &ec2.CreateIpamPoolInput{IpamScopeId: ip.PrivateDefaultScopeId, AddressFamily: ec2types.AddressFamilyIpv4})).IpamPool
	_, err := c.ProvisionIpamPoolCidr(ctx, &ec2.ProvisionIpamPoolCidrInput{IpamPoolId: other.IpamPoolId, Cidr: aws.String("10.0.128.0/17")})
	apiError(t, err, "InvalidParameter")

	alloc := func(in *ec2.AllocateIpamPoolCidrInput) (string, error) {
		in.IpamPoolId = aws.String(poolID)
		out, err := c.AllocateIpamPoolCidr(ctx, in)
		if err != nil {
			return "", err
		}
		return aws.ToString(out.IpamPoolAllocation.Cidr), nil
	}
	if got := ec2ok(alloc(&ec2.AllocateIpamPoolCidrInput{Cidr: aws.String("10.0.0.0/20"), Description: aws.String("legacy")})); got != "10.0.0.0/20" {
		t.Fatalf("explicit allocation: %s", got)
	}
	_, err = alloc(&ec2.AllocateIpamPoolCidrInput{Cidr: aws.String("10.0.8.0/24")})
	apiError(t, err, "InvalidParameterValue") // overlaps 10.0.0.0/20
	if got := ec2ok(alloc(&ec2.AllocateIpamPoolCidrInput{NetmaskLength: aws.Int32(24), DisallowedCidrs: []string{"10.0.16.0/24"}})); got != "10.0.17.0/24" {
		t.Errorf("next /24 skipping the taken /20 and the disallowed /24: %s", got)
	}
	_, err = alloc(&ec2.AllocateIpamPoolCidrInput{NetmaskLength: aws.Int32(12)})
	apiError(t, err, "InvalidParameterValue") // outside the pool's /16–/28 rules

	// CreateVpc from the pool: the default /20 is the next free one.
	v := ec2ok(c.CreateVpc(ctx, &ec2.CreateVpcInput{Ipv4IpamPoolId: aws.String(poolID)})).Vpc
	if aws.ToString(v.CidrBlock) != "10.0.32.0/20" {
		t.Errorf("VPC from the pool: %s", aws.ToString(v.CidrBlock))
	}
	v2 := ec2ok(c.CreateVpc(ctx, &ec2.CreateVpcInput{Ipv4IpamPoolId: aws.String(poolID), Ipv4NetmaskLength: aws.Int32(18)})).Vpc
	if aws.ToString(v2.CidrBlock) != "10.0.64.0/18" {
		t.Errorf("/18 VPC from the pool: %s", aws.ToString(v2.CidrBlock))
	}
	_, err = c.CreateVpc(ctx, &ec2.CreateVpcInput{Ipv4IpamPoolId: aws.String(poolID), Ipv4NetmaskLength: aws.Int32(16)})
	apiError(t, err, "InsufficientCidrBlocks")
	_, err = c.CreateVpc(ctx, &ec2.CreateVpcInput{Ipv4IpamPoolId: aws.String("ipam-pool-0123456789abcdef0")})
	apiError(t, err, "InvalidIpamPoolId.NotFound")
	allocs := ec2ok(c.GetIpamPoolAllocations(ctx, &ec2.GetIpamPoolAllocationsInput{IpamPoolId: aws.String(poolID), Filters: []ec2types.Filter{{Name: aws.String("resource-type"), Values: []string{"vpc"}}}})).IpamPoolAllocations
	if len(allocs) != 2 || aws.ToString(allocs[0].ResourceId) != aws.ToString(v.VpcId) {
		t.Fatalf("VPC allocations: %+v", allocs)
	}
	ec2ok(c.DeleteVpc(ctx, &ec2.DeleteVpcInput{VpcId: v.VpcId}))
	if got := ec2ok(c.CreateVpc(ctx, &ec2.CreateVpcInput{Ipv4IpamPoolId: aws.String(poolID)})).Vpc; aws.ToString(got.CidrBlock) != "10.0.32.0/20" {
		t.Errorf("the deleted VPC's block was not returned to the pool: %s", aws.ToString(got.CidrBlock))
	}

	// GetIpamResourceCidrs: the pool's VPC is managed and compliant; a VPC
	// made by hand over the same range is unmanaged, and both overlap.
	pooled := ec2ok(c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: []ec2types.Filter{{Name: aws.String("cidr"), Values: []string{"10.0.32.0/20"}}}})).Vpcs[0]
	manual := ec2ok(c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.40.0/21")})).Vpc
	rc := ec2ok(c.GetIpamResourceCidrs(ctx, &ec2.GetIpamResourceCidrsInput{IpamScopeId: ip.PrivateDefaultScopeId, ResourceType: ec2types.IpamResourceTypeVpc})).IpamResourceCidrs
	byID := map[string]ec2types.IpamResourceCidr{}
	for _, r := range rc {
		byID[aws.ToString(r.ResourceId)] = r
	}
	if r := byID[aws.ToString(pooled.VpcId)]; r.ManagementState != ec2types.IpamManagementStateManaged || r.ComplianceStatus != ec2types.IpamComplianceStatusCompliant ||
		r.OverlapStatus != ec2types.IpamOverlapStatusOverlapping || aws.ToString(r.IpamPoolId) != poolID {
		t.Errorf("pooled VPC: %+v", r)
	}
	if r := byID[aws.ToString(manual.VpcId)]; r.ManagementState != ec2types.IpamManagementStateUnmanaged || r.OverlapStatus != ec2types.IpamOverlapStatusOverlapping {
		t.Errorf("hand-made VPC: %+v", r)
	}
	if r := byID[aws.ToString(v2.VpcId)]; r.OverlapStatus != ec2types.IpamOverlapStatusNonoverlapping {
		t.Errorf("/18 VPC: %+v", r)
	}
	ec2ok(c.DeleteVpc(ctx, &ec2.DeleteVpcInput{VpcId: manual.VpcId}))
	// A secondary block from the pool.
	assoc := ec2ok(c.AssociateVpcCidrBlock(ctx, &ec2.AssociateVpcCidrBlockInput{VpcId: v2.VpcId, Ipv4IpamPoolId: aws.String(poolID), Ipv4NetmaskLength: aws.Int32(24)}))
	if aws.ToString(assoc.CidrBlockAssociation.CidrBlock) != "10.0.16.0/24" { // the block disallowed earlier is free now
		t.Errorf("secondary block from the pool: %s", aws.ToString(assoc.CidrBlockAssociation.CidrBlock))
	}

	// A child pool's CIDR is allocated from its source.
	child := ec2ok(c.CreateIpamPool(ctx, &ec2.CreateIpamPoolInput{IpamScopeId: ip.PrivateDefaultScopeId, AddressFamily: ec2types.AddressFamilyIpv4, SourceIpamPoolId: aws.String(poolID)})).IpamPool
	pc := ec2ok(c.ProvisionIpamPoolCidr(ctx, &ec2.ProvisionIpamPoolCidrInput{IpamPoolId: child.IpamPoolId, NetmaskLength: aws.Int32(20)})).IpamPoolCidr
	if aws.ToString(pc.Cidr) != "10.0.48.0/20" {
		t.Errorf("child pool CIDR: %+v", pc)
	}
	if pools := ec2ok(c.DescribeIpamPools(ctx, &ec2.DescribeIpamPoolsInput{Filters: []ec2types.Filter{{Name: aws.String("source-ipam-pool-id"), Values: []string{poolID}}}})).IpamPools; len(pools) != 1 || aws.ToInt32(pools[0].PoolDepth) != 2 {
		t.Errorf("DescribeIpamPools child: %+v", pools)
	}
	cidrs := ec2ok(c.GetIpamPoolCidrs(ctx, &ec2.GetIpamPoolCidrsInput{IpamPoolId: aws.String(poolID)})).IpamPoolCidrs
	if len(cidrs) != 1 || aws.ToString(cidrs[0].Cidr) != "10.0.0.0/16" {
		t.Errorf("GetIpamPoolCidrs: %+v", cidrs)
	}
	_, err = c.DeleteIpam(ctx, &ec2.DeleteIpamInput{IpamId: ip.IpamId})
	apiError(t, err, "DependencyViolation")

	nobody := ec2.NewFromConfig(ts.config(ec2User(t, ts, "nobody", "")))
	_, err = nobody.AllocateIpamPoolCidr(ctx, &ec2.AllocateIpamPoolCidrInput{IpamPoolId: aws.String(poolID), NetmaskLength: aws.Int32(24)})
	apiError(t, err, "UnauthorizedOperation")
}

// A subnet's flow logs go with the subnet.
func TestEC2FlowLogDeletedWithResource(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	c := ec2c(ts)
	v := aws.ToString(ec2ok(c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.3.0.0/16")})).Vpc.VpcId)
	s := aws.ToString(ec2ok(c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: aws.String(v), CidrBlock: aws.String("10.3.1.0/24")})).Subnet.SubnetId)
	for _, id := range []string{v, s} {
		typ := ec2types.FlowLogsResourceTypeVpc
		if strings.HasPrefix(id, "subnet-") {
			typ = ec2types.FlowLogsResourceTypeSubnet
		}
		ec2ok(c.CreateFlowLogs(ctx, &ec2.CreateFlowLogsInput{ResourceIds: []string{id}, ResourceType: typ, TrafficType: ec2types.TrafficTypeAll,
			LogDestinationType: ec2types.LogDestinationTypeS3, LogDestination: aws.String("arn:aws:s3:::b")}))
	}
	ec2ok(c.DeleteSubnet(ctx, &ec2.DeleteSubnetInput{SubnetId: aws.String(s)}))
	if fls := ec2ok(c.DescribeFlowLogs(ctx, &ec2.DescribeFlowLogsInput{})).FlowLogs; len(fls) != 1 || aws.ToString(fls[0].ResourceId) != v {
		t.Errorf("after DeleteSubnet: %+v", fls)
	}
}

// The real AWS CLI: a gateway endpoint with its route, a bad endpoint
// policy, a flow log with a bad custom format, and deletes with unknown IDs.
func TestEC2EndpointFlowLogAWSCLI(t *testing.T) {
	v2 := cliV2(t)
	t.Parallel()
	ts := start(t)
	f := newFlow(t, ts, v2)
	const root = "moat-root"
	vpcID := str(f.ok(root, "ec2", "create-vpc", "--cidr-block", "10.0.0.0/16"), "Vpc", "VpcId")
	rts := f.ok(root, "ec2", "describe-route-tables", "--filters", "Name=vpc-id,Values="+vpcID)
	rtID := rts["RouteTables"].([]any)[0].(map[string]any)["RouteTableId"].(string)
	ep := f.ok(root, "ec2", "create-vpc-endpoint", "--vpc-id", vpcID, "--service-name", "com.amazonaws.us-east-1.s3", "--route-table-ids", rtID)
	vpce := str(ep, "VpcEndpoint", "VpcEndpointId")
	if !strings.HasPrefix(vpce, "vpce-") || str(ep, "VpcEndpoint", "VpcEndpointType") != "Gateway" {
		t.Fatalf("create-vpc-endpoint: %v", ep)
	}
	f.denied("InvalidPolicyDocument", "", root, "ec2", "create-vpc-endpoint", "--vpc-id", vpcID, "--service-name", "com.amazonaws.us-east-1.dynamodb",
		"--policy-document", `{"Statement": [}`)
	f.denied("InvalidParameter", "${nope}", root, "ec2", "create-flow-logs", "--resource-type", "VPC", "--resource-ids", vpcID, "--traffic-type", "ALL",
		"--log-destination-type", "s3", "--log-destination", "arn:aws:s3:::flows", "--log-format", "${srcaddr} ${nope}")
	fl := f.ok(root, "ec2", "create-flow-logs", "--resource-type", "VPC", "--resource-ids", vpcID, "--traffic-type", "REJECT",
		"--log-destination-type", "s3", "--log-destination", "arn:aws:s3:::flows/vpc")
	if ids, _ := fl["FlowLogIds"].([]any); len(ids) != 1 {
		t.Fatalf("create-flow-logs: %v", fl)
	}
	del := f.ok(root, "ec2", "delete-flow-logs", "--flow-log-ids", "fl-0123456789abcdef0")
	if u, _ := del["Unsuccessful"].([]any); len(u) != 1 {
		t.Errorf("delete-flow-logs: %v", del)
	}
	del = f.ok(root, "ec2", "delete-vpc-endpoints", "--vpc-endpoint-ids", vpce, "vpce-0123456789abcdef0")
	if u, _ := del["Unsuccessful"].([]any); len(u) != 1 {
		t.Errorf("delete-vpc-endpoints: %v", del)
	}
}
