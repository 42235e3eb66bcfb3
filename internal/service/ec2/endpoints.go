package ec2

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/vpc"
)

// VPC endpoints (gateway and interface) over the vpc engine, the endpoint
// services moat knows, and the AWS-managed prefix lists of the gateway
// services.

var (
	vpceNotFound          = nf("InvalidVpcEndpointId.NotFound", "VPC endpoint ID")
	invalidPolicyDocument = awserr.Def{Code: "InvalidPolicyDocument", Status: http.StatusBadRequest}
	invalidServiceName    = awserr.Def{Code: "InvalidServiceName", Status: http.StatusBadRequest}
	invalidParameter      = awserr.Def{Code: "InvalidParameter", Status: http.StatusBadRequest}
)

// gatewayServices are the services with gateway endpoints; interfaceServices
// those moat offers as interface endpoints (a selection of AWS's; s3 has
// both kinds).
var (
	gatewayServices   = []string{"dynamodb", "s3"}
	interfaceServices = []string{"ec2", "ec2messages", "ecr.api", "ecr.dkr", "events", "execute-api", "kms", "lambda", "logs",
		"monitoring", "s3", "secretsmanager", "sns", "sqs", "ssm", "ssmmessages", "sts"}
)

// defaultEndpointPolicy is the policy AWS shows for an endpoint created
// without one.
const defaultEndpointPolicy = `{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`

// awsPrefixListID is the ID of the AWS-managed prefix list of a gateway
// service in a region: stable, derived from both names.
func awsPrefixListID(region, svc string) string {
	h := fnv.New32a()
	h.Write([]byte(region + "/" + svc))
	return fmt.Sprintf("pl-%08x", h.Sum32())
}

// awsPrefixCIDRs stand in for the service's address ranges: one range of
// each service's us-east-1 list, used in every region (moat does not ship
// AWS's ip-ranges.json; the documentation ranges are taken by moat's public
// IPs, 198.51.100.0/24, Elastic IPs, 203.0.113.0/24, and tests' "internet"
// addresses, 192.0.2.0/24).
var awsPrefixCIDRs = map[string]string{"s3": "52.216.0.0/15", "dynamodb": "52.94.0.0/22"}

// addAWSPrefixLists adds the AWS-managed prefix lists of S3 and DynamoDB
// (com.amazonaws.REGION.s3, ...) to a network that lacks them. The vpc
// engine finds them by name when a gateway endpoint needs its list.
func (st *state) addAWSPrefixLists(region string) {
	for _, svc := range gatewayServices {
		name := "com.amazonaws." + region + "." + svc
		id := awsPrefixListID(region, svc)
		if st.Net.PrefixLists[id] != nil {
			continue
		}
		st.Net.PrefixLists[id] = &vpc.PrefixList{PrefixListId: id, PrefixListName: name, AddressFamily: "IPv4", MaxEntries: 1,
			Version: 1, OwnerId: "AWS", Entries: []vpc.PrefixListEntry{{Cidr: netip.MustParsePrefix(awsPrefixCIDRs[svc])}}}
	}
}

// endpointsDoc copies endpoints for the stored document without their
// compiled policies (decodeState compiles PolicyDocument again).
func endpointsDoc(m map[string]*vpc.VPCEndpoint) map[string]*vpc.VPCEndpoint {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]*vpc.VPCEndpoint, len(m))
	for id, e := range m {
		c := *e
		c.Policy = nil
		out[id] = &c
	}
	return out
}

// serviceOf splits com.amazonaws.REGION.SERVICE; ok is false for a name in
// another form or region.
func serviceOf(name, region string) (string, bool) {
	p := "com.amazonaws." + region + "."
	if !strings.HasPrefix(name, p) || len(name) == len(p) {
		return "", false
	}
	return name[len(p):], true
}

// policyErr turns the engine's verdict on a policy document into EC2's
// InvalidPolicyDocument (the policy engine's message names the position).
func policyErr(err error) error {
	var ve *vpc.Error
	if errors.As(err, &ve) {
		return invalidPolicyDocument.New("%s", ve.Message)
	}
	return err
}

// VpcEndpoint is EC2's VpcEndpoint.
type VpcEndpoint struct {
	VpcEndpointID       string            `aws:"vpcEndpointId"`
	VpcEndpointType     string            `aws:"vpcEndpointType"`
	VpcID               string            `aws:"vpcId"`
	ServiceName         string            `aws:"serviceName"`
	State               string            `aws:"state"`
	PolicyDocument      string            `aws:"policyDocument"`
	RouteTableIDs       []string          `aws:"routeTableIdSet"`
	SubnetIDs           []string          `aws:"subnetIdSet"`
	Groups              []GroupIdentifier `aws:"groupSet"`
	IPAddressType       string            `aws:"ipAddressType,omitempty"`
	PrivateDNSEnabled   bool              `aws:"privateDnsEnabled"`
	RequesterManaged    bool              `aws:"requesterManaged"`
	NetworkInterfaceIDs []string          `aws:"networkInterfaceIdSet"`
	DNSEntries          []DNSEntry        `aws:"dnsEntrySet"`
	CreationTimestamp   time.Time         `aws:"creationTimestamp"`
	Tags                []Tag             `aws:"tagSet"`
	OwnerID             string            `aws:"ownerId"`
}

// DNSEntry is EC2's DnsEntry.
type DNSEntry struct {
	DNSName      string `aws:"dnsName"`
	HostedZoneID string `aws:"hostedZoneId,omitempty"`
}

func (st *state) endpointOut(c *service.Call, e *vpc.VPCEndpoint) VpcEndpoint {
	out := VpcEndpoint{VpcEndpointID: e.VpcEndpointId, VpcEndpointType: e.VpcEndpointType, VpcID: e.VpcId, ServiceName: e.ServiceName,
		State: e.State, PolicyDocument: e.PolicyDocument, RouteTableIDs: nonNil(e.RouteTableIds), SubnetIDs: nonNil(e.SubnetIds),
		Groups: st.groupIDs(e.Groups), PrivateDNSEnabled: e.PrivateDnsEnabled, NetworkInterfaceIDs: nonNil(e.NetworkInterfaceIds),
		DNSEntries: []DNSEntry{}, CreationTimestamp: st.Created[e.VpcEndpointId], Tags: st.tagSet(e.VpcEndpointId), OwnerID: e.OwnerId}
	if out.PolicyDocument == "" {
		out.PolicyDocument = defaultEndpointPolicy
	}
	if e.VpcEndpointType == "Interface" {
		out.IPAddressType = "ipv4"
		svc, _ := serviceOf(e.ServiceName, c.Region)
		out.DNSEntries = append(out.DNSEntries, DNSEntry{DNSName: e.VpcEndpointId + "." + svc + "." + c.Region + ".vpce.amazonaws.com"})
		if e.PrivateDnsEnabled {
			out.DNSEntries = append(out.DNSEntries, DNSEntry{DNSName: svc + "." + c.Region + ".amazonaws.com"})
		}
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// CreateVpcEndpointInput is CreateVpcEndpoint's input.
type CreateVpcEndpointInput struct {
	common
	VpcID             string `aws:"VpcId,required"`
	ServiceName       string `aws:",required"`
	VpcEndpointType   *string
	PolicyDocument    *string
	RouteTableIDs     []string `aws:"RouteTableId"`
	SubnetIDs         []string `aws:"SubnetId"`
	SecurityGroupIDs  []string `aws:"SecurityGroupId"`
	PrivateDNSEnabled *bool    `aws:"PrivateDnsEnabled"`
	IPAddressType     *string  `aws:"IpAddressType"`
	ClientToken       *string
	TagSpecifications []TagSpecification `aws:"TagSpecification"`
}

// CreateVpcEndpointOutput is CreateVpcEndpoint's output.
type CreateVpcEndpointOutput struct {
	VpcEndpoint VpcEndpoint `aws:"vpcEndpoint"`
	ClientToken *string     `aws:"clientToken"`
}

func createVpcEndpoint(ctx context.Context, c *service.Call, in *CreateVpcEndpointInput) (*CreateVpcEndpointOutput, error) {
	typ := "Gateway"
	if in.VpcEndpointType != nil {
		typ = *in.VpcEndpointType
	}
	svc, ok := serviceOf(in.ServiceName, c.Region)
	switch {
	case typ != "Gateway" && typ != "Interface":
		return nil, invalidParamValue.New("Value (%s) for parameter VpcEndpointType is invalid. moat serves Gateway and Interface endpoints", typ)
	case !ok || typ == "Gateway" && !slices.Contains(gatewayServices, svc) || typ == "Interface" && !slices.Contains(interfaceServices, svc):
		return nil, invalidServiceName.New("The Vpc Endpoint Service '%s' does not exist", in.ServiceName)
	case in.IPAddressType != nil && *in.IPAddressType != "ipv4":
		return nil, invalidParameter.New("moat serves IpAddressType ipv4 only")
	case typ == "Gateway" && (len(in.SubnetIDs) > 0 || len(in.SecurityGroupIDs) > 0 || in.PrivateDNSEnabled != nil):
		return nil, invalidParameter.New("SubnetIds, SecurityGroupIds and PrivateDnsEnabled apply to Interface endpoints only")
	case typ == "Interface" && len(in.RouteTableIDs) > 0:
		return nil, invalidParameter.New("RouteTableIds apply to Gateway endpoints only")
	}
	doc := deref(in.PolicyDocument)
	if doc != "" {
		if _, err := vpc.CompileEndpointPolicy(doc); err != nil {
			return nil, policyErr(err)
		}
	}
	out := &CreateVpcEndpointOutput{ClientToken: in.ClientToken}
	return out, update(ctx, c, func(st *state) error {
		groups := in.SecurityGroupIDs
		if v := st.Net.VPCs[in.VpcID]; typ == "Interface" && len(groups) == 0 && v != nil {
			groups = []string{v.DefaultSecurityGroupId} // AWS's default: the VPC's default group
		}
		privateDNS := typ == "Interface" && (in.PrivateDNSEnabled == nil || *in.PrivateDNSEnabled)
		if privateDNS && st.Net.VPCs[in.VpcID] != nil && !(st.vpcAttr(in.VpcID, "enableDnsSupport") && st.vpcAttr(in.VpcID, "enableDnsHostnames")) {
			return invalidParameter.New("Enabling private DNS requires both enableDnsSupport and enableDnsHostnames VPC attributes set to true for %s", in.VpcID)
		}
		e, err := st.Net.CreateVpcEndpoint(in.VpcID, typ, in.ServiceName, in.RouteTableIDs, in.SubnetIDs, groups, doc)
		if err != nil {
			return err // the policy was checked above
		}
		e.PrivateDnsEnabled = privateDNS
		st.Created[e.VpcEndpointId] = c.Now.UTC().Truncate(time.Second)
		for _, id := range e.NetworkInterfaceIds {
			st.Created[id] = st.Created[e.VpcEndpointId]
		}
		if err := st.applyTagSpecs(e.VpcEndpointId, "vpc-endpoint", in.TagSpecifications); err != nil {
			return err
		}
		out.VpcEndpoint = st.endpointOut(c, e)
		out.VpcEndpoint.State = "pending"
		return nil
	})
}

// DescribeVpcEndpointsInput is DescribeVpcEndpoints' input.
type DescribeVpcEndpointsInput struct {
	common
	VpcEndpointIDs []string `aws:"VpcEndpointId"`
	Filters        []Filter `aws:"Filter"`
	MaxResults     *int32
	NextToken      *string
}

// DescribeVpcEndpointsOutput is DescribeVpcEndpoints' output.
type DescribeVpcEndpointsOutput struct {
	VpcEndpoints []VpcEndpoint `aws:"vpcEndpointSet"`
	NextToken    *string       `aws:"nextToken"`
}

func describeVpcEndpoints(ctx context.Context, c *service.Call, in *DescribeVpcEndpointsInput) (*DescribeVpcEndpointsOutput, error) {
	fs, err := newFilters(in.Filters, "vpc-id", "service-name", "vpc-endpoint-type", "vpc-endpoint-id", "vpc-endpoint-state", "ip-address-type")
	if err != nil {
		return nil, err
	}
	out := &DescribeVpcEndpointsOutput{VpcEndpoints: []VpcEndpoint{}}
	err = view(ctx, c, func(st *state) error {
		ids, err := sortedIDs(st.Net.Endpoints, in.VpcEndpointIDs, vpceNotFound)
		if err != nil {
			return err
		}
		for _, id := range ids {
			e := st.Net.Endpoints[id]
			a := attrs{"vpc-id": {e.VpcId}, "service-name": {e.ServiceName}, "vpc-endpoint-type": {e.VpcEndpointType},
				"vpc-endpoint-id": {id}, "vpc-endpoint-state": {e.State}, "ip-address-type": {"ipv4"}}
			if fs.match(a, st.Tags[id]) {
				out.VpcEndpoints = append(out.VpcEndpoints, st.endpointOut(c, e))
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.VpcEndpoints, out.NextToken, err = paginate(out.VpcEndpoints, in.MaxResults, in.NextToken, len(in.VpcEndpointIDs) > 0)
	return out, err
}

// ModifyVpcEndpointInput is ModifyVpcEndpoint's input.
type ModifyVpcEndpointInput struct {
	common
	VpcEndpointID          string `aws:"VpcEndpointId,required"`
	ResetPolicy            *bool
	PolicyDocument         *string
	AddRouteTableIDs       []string `aws:"AddRouteTableId"`
	RemoveRouteTableIDs    []string `aws:"RemoveRouteTableId"`
	AddSubnetIDs           []string `aws:"AddSubnetId"`
	RemoveSubnetIDs        []string `aws:"RemoveSubnetId"`
	AddSecurityGroupIDs    []string `aws:"AddSecurityGroupId"`
	RemoveSecurityGroupIDs []string `aws:"RemoveSecurityGroupId"`
	PrivateDNSEnabled      *bool    `aws:"PrivateDnsEnabled"`
}

func modifyVpcEndpoint(ctx context.Context, c *service.Call, in *ModifyVpcEndpointInput) (*ReturnOutput, error) {
	reset := in.ResetPolicy != nil && *in.ResetPolicy
	if reset && in.PolicyDocument != nil {
		return nil, invalidParamCombo.New("ResetPolicy and PolicyDocument cannot be used together")
	}
	if in.PolicyDocument != nil {
		if _, err := vpc.CompileEndpointPolicy(*in.PolicyDocument); err != nil {
			return nil, policyErr(err)
		}
	}
	return &ReturnOutput{Return: true}, update(ctx, c, func(st *state) error {
		e := st.Net.Endpoints[in.VpcEndpointID]
		if e != nil && in.PrivateDNSEnabled != nil && *in.PrivateDNSEnabled && e.VpcEndpointType == "Interface" &&
			!(st.vpcAttr(e.VpcId, "enableDnsSupport") && st.vpcAttr(e.VpcId, "enableDnsHostnames")) {
			return invalidParameter.New("Enabling private DNS requires both enableDnsSupport and enableDnsHostnames VPC attributes set to true for %s", e.VpcId)
		}
		before := len(st.Net.Interfaces)
		err := st.Net.ModifyVpcEndpoint(in.VpcEndpointID, vpc.EndpointChange{Policy: in.PolicyDocument, ResetPolicy: reset,
			AddRouteTables: in.AddRouteTableIDs, RemoveRouteTables: in.RemoveRouteTableIDs, AddSubnets: in.AddSubnetIDs,
			RemoveSubnets: in.RemoveSubnetIDs, AddGroups: in.AddSecurityGroupIDs, RemoveGroups: in.RemoveSecurityGroupIDs, PrivateDNS: in.PrivateDNSEnabled})
		if err != nil {
			return err // the policy was checked above
		}
		if len(st.Net.Interfaces) != before {
			for _, id := range e.NetworkInterfaceIds {
				if _, ok := st.Created[id]; !ok {
					st.Created[id] = c.Now.UTC().Truncate(time.Second)
				}
			}
		}
		return nil
	})
}

// UnsuccessfulItem is EC2's UnsuccessfulItem.
type UnsuccessfulItem struct {
	Error      UnsuccessfulItemError `aws:"error"`
	ResourceID string                `aws:"resourceId"`
}

// UnsuccessfulItemError is EC2's UnsuccessfulItemError.
type UnsuccessfulItemError struct {
	Code    string `aws:"code"`
	Message string `aws:"message"`
}

func unsuccessful(id, code, format string, args ...any) UnsuccessfulItem {
	return UnsuccessfulItem{ResourceID: id, Error: UnsuccessfulItemError{Code: code, Message: fmt.Sprintf(format, args...)}}
}

// DeleteVpcEndpointsInput is DeleteVpcEndpoints' input.
type DeleteVpcEndpointsInput struct {
	common
	VpcEndpointIDs []string `aws:"VpcEndpointId"`
}

// UnsuccessfulOutput is the output of batch deletions.
type UnsuccessfulOutput struct {
	Unsuccessful []UnsuccessfulItem `aws:"unsuccessful"`
}

func deleteVpcEndpoints(ctx context.Context, c *service.Call, in *DeleteVpcEndpointsInput) (*UnsuccessfulOutput, error) {
	if len(in.VpcEndpointIDs) == 0 {
		return nil, missingParameter.New("The request must contain the parameter VpcEndpointId")
	}
	out := &UnsuccessfulOutput{Unsuccessful: []UnsuccessfulItem{}}
	return out, update(ctx, c, func(st *state) error {
		for _, id := range in.VpcEndpointIDs {
			e := st.Net.Endpoints[id]
			if e == nil {
				out.Unsuccessful = append(out.Unsuccessful, unsuccessful(id, "InvalidVpcEndpoint.NotFound", "The Vpc Endpoint Id '%s' does not exist", id))
				continue
			}
			enis := slices.Clone(e.NetworkInterfaceIds)
			if err := st.Net.DeleteVpcEndpoint(id); err != nil {
				return err
			}
			st.forget(id)
			for _, eni := range enis {
				st.forget(eni)
			}
		}
		return nil
	})
}

// DescribeVpcEndpointServicesInput is DescribeVpcEndpointServices' input.
type DescribeVpcEndpointServicesInput struct {
	common
	ServiceNames []string `aws:"ServiceName"`
	Filters      []Filter `aws:"Filter"`
	MaxResults   *int32
	NextToken    *string
}

// ServiceDetail is EC2's ServiceDetail.
type ServiceDetail struct {
	ServiceName                string        `aws:"serviceName"`
	ServiceID                  string        `aws:"serviceId"`
	ServiceType                []ServiceType `aws:"serviceType"`
	AvailabilityZones          []string      `aws:"availabilityZoneSet"`
	Owner                      string        `aws:"owner"`
	BaseEndpointDNSNames       []string      `aws:"baseEndpointDnsNameSet"`
	PrivateDNSName             string        `aws:"privateDnsName,omitempty"`
	VpcEndpointPolicySupported bool          `aws:"vpcEndpointPolicySupported"`
	AcceptanceRequired         bool          `aws:"acceptanceRequired"`
	ManagesVpcEndpoints        bool          `aws:"managesVpcEndpoints"`
	SupportedIPAddressTypes    []string      `aws:"supportedIpAddressTypeSet"`
}

// ServiceType is EC2's ServiceTypeDetail.
type ServiceType struct {
	ServiceType string `aws:"serviceType"`
}

// DescribeVpcEndpointServicesOutput is DescribeVpcEndpointServices' output.
type DescribeVpcEndpointServicesOutput struct {
	ServiceNames   []string        `aws:"serviceNameSet"`
	ServiceDetails []ServiceDetail `aws:"serviceDetailSet"`
	NextToken      *string         `aws:"nextToken"`
}

func describeVpcEndpointServices(ctx context.Context, c *service.Call, in *DescribeVpcEndpointServicesInput) (*DescribeVpcEndpointServicesOutput, error) {
	fs, err := newFilters(in.Filters, "service-name", "service-type", "owner")
	if err != nil {
		return nil, err
	}
	var details []ServiceDetail
	zs := zones(c.Region)
	for _, svc := range mergedServices() {
		name := "com.amazonaws." + c.Region + "." + svc
		d := ServiceDetail{ServiceName: name, ServiceID: "vpce-svc-" + strconv.FormatUint(uint64(fnvOf(name)), 16), AvailabilityZones: zs,
			Owner: "amazon", VpcEndpointPolicySupported: true, SupportedIPAddressTypes: []string{"ipv4"}}
		var types []string
		if slices.Contains(gatewayServices, svc) {
			types = append(types, "Gateway")
		}
		if slices.Contains(interfaceServices, svc) {
			types = append(types, "Interface")
			d.BaseEndpointDNSNames = []string{svc + "." + c.Region + ".vpce.amazonaws.com"}
			d.PrivateDNSName = svc + "." + c.Region + ".amazonaws.com"
		}
		for _, t := range types {
			d.ServiceType = append(d.ServiceType, ServiceType{t})
		}
		if d.BaseEndpointDNSNames == nil {
			d.BaseEndpointDNSNames = []string{svc + "." + c.Region + ".amazonaws.com"}
		}
		if len(in.ServiceNames) > 0 && !slices.Contains(in.ServiceNames, name) {
			continue
		}
		if fs.match(attrs{"service-name": {name}, "service-type": types, "owner": {"amazon"}}, nil) {
			details = append(details, d)
		}
	}
	for _, n := range in.ServiceNames {
		if !slices.ContainsFunc(details, func(d ServiceDetail) bool { return d.ServiceName == n }) && len(in.Filters) == 0 {
			return nil, invalidServiceName.New("The Vpc Endpoint Service '%s' does not exist", n)
		}
	}
	details, next, err := paginate(details, in.MaxResults, in.NextToken, false)
	if err != nil {
		return nil, err
	}
	out := &DescribeVpcEndpointServicesOutput{ServiceDetails: details, ServiceNames: []string{}, NextToken: next}
	for _, d := range details {
		out.ServiceNames = append(out.ServiceNames, d.ServiceName)
	}
	if out.ServiceDetails == nil {
		out.ServiceDetails = []ServiceDetail{}
	}
	return out, nil
}

func fnvOf(s string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(s))
	return h.Sum32()
}

func mergedServices() []string {
	all := slices.Clone(interfaceServices)
	for _, s := range gatewayServices {
		if !slices.Contains(all, s) {
			all = append(all, s)
		}
	}
	slices.Sort(all)
	return all
}

// DescribePrefixListsInput is DescribePrefixLists' input.
type DescribePrefixListsInput struct {
	common
	PrefixListIDs []string `aws:"PrefixListId"`
	Filters       []Filter `aws:"Filter"`
	MaxResults    *int32
	NextToken     *string
}

// PrefixList is EC2's PrefixList (an AWS service's prefix list).
type PrefixList struct {
	PrefixListID   string   `aws:"prefixListId"`
	PrefixListName string   `aws:"prefixListName"`
	Cidrs          []string `aws:"cidrSet"`
}

// DescribePrefixListsOutput is DescribePrefixLists' output.
type DescribePrefixListsOutput struct {
	PrefixLists []PrefixList `aws:"prefixListSet"`
	NextToken   *string      `aws:"nextToken"`
}

func describePrefixLists(ctx context.Context, c *service.Call, in *DescribePrefixListsInput) (*DescribePrefixListsOutput, error) {
	fs, err := newFilters(in.Filters, "prefix-list-id", "prefix-list-name")
	if err != nil {
		return nil, err
	}
	out := &DescribePrefixListsOutput{PrefixLists: []PrefixList{}}
	err = view(ctx, c, func(st *state) error {
		aws := map[string]*vpc.PrefixList{}
		for id, pl := range st.Net.PrefixLists {
			if pl.OwnerId == "AWS" {
				aws[id] = pl
			}
		}
		ids, err := sortedIDs(aws, in.PrefixListIDs, plNotFound)
		if err != nil {
			return err
		}
		for _, id := range ids {
			pl := aws[id]
			if !fs.match(attrs{"prefix-list-id": {id}, "prefix-list-name": {pl.PrefixListName}}, nil) {
				continue
			}
			o := PrefixList{PrefixListID: id, PrefixListName: pl.PrefixListName, Cidrs: []string{}}
			for _, e := range pl.Entries {
				o.Cidrs = append(o.Cidrs, e.Cidr.String())
			}
			out.PrefixLists = append(out.PrefixLists, o)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.PrefixLists, out.NextToken, err = paginate(out.PrefixLists, in.MaxResults, in.NextToken, len(in.PrefixListIDs) > 0)
	return out, err
}

func endpointOps() []*service.Operation {
	res := func(c *service.Call, id string) string { return arn(c, "vpc-endpoint", id) }
	return []*service.Operation{
		op("CreateVpcEndpoint", createVpcEndpoint, func(c *service.Call, in *CreateVpcEndpointInput) string { return arn(c, "vpc", in.VpcID) }),
		op("DescribeVpcEndpoints", describeVpcEndpoints, nil, ro[DescribeVpcEndpointsInput]()),
		op("ModifyVpcEndpoint", modifyVpcEndpoint, func(c *service.Call, in *ModifyVpcEndpointInput) string { return res(c, in.VpcEndpointID) }),
		op("DeleteVpcEndpoints", deleteVpcEndpoints, func(c *service.Call, in *DeleteVpcEndpointsInput) string { return res(c, one(in.VpcEndpointIDs)) }),
		op("DescribeVpcEndpointServices", describeVpcEndpointServices, nil, ro[DescribeVpcEndpointServicesInput]()),
		op("DescribePrefixLists", describePrefixLists, nil, ro[DescribePrefixListsInput]()),
	}
}
