// Package ec2 serves the networking part of the Amazon EC2 API (ec2 query
// protocol, API version 2016-11-15) over a per-account, per-region network
// model kept in the store, so that a user builds a network with the real
// AWS CLI or an SDK and asks moat's analyzer (package vpc) what can reach
// what. Served:
//
//   - VPCs: CreateVpc, DescribeVpcs, DeleteVpc, AssociateVpcCidrBlock,
//     CreateDefaultVpc, Modify/DescribeVpcAttribute (DNS flags, kept); each
//     new VPC gets AWS's defaults: a main route table with the local route,
//     the default network ACL (rule 100 allows all in and out, then "*") and
//     the default security group (all from itself, all out);
//   - subnets (CreateSubnet, DescribeSubnets, DeleteSubnet,
//     ModifySubnetAttribute MapPublicIpOnLaunch), DescribeAvailabilityZones;
//   - internet gateways (Create, Attach, Detach, Delete, Describe);
//   - route tables: CreateRouteTable, CreateRoute/ReplaceRoute/DeleteRoute
//     (targets igw-, nat-, pcx-, eni-, i-, and the others EC2 names),
//     AssociateRouteTable (subnet or gateway), DisassociateRouteTable,
//     ReplaceRouteTableAssociation (also the main one), DeleteRouteTable,
//     DescribeRouteTables;
//   - security groups: Create, Delete, Describe, Authorize/Revoke
//     Ingress/Egress (IpPermissions and the legacy flat members),
//     DescribeSecurityGroupRules, ModifySecurityGroupRules,
//     DescribeStaleSecurityGroups; AWS's quotas and errors;
//   - network ACLs: Create, Delete, Describe,
//     Create/Replace/DeleteNetworkAclEntry, ReplaceNetworkAclAssociation;
//   - instances and interfaces as far as networking needs them: RunInstances
//     (one interface per instance), DescribeInstances, TerminateInstances,
//     ModifyInstanceMetadataOptions, ModifyInstanceAttribute (groups,
//     source/destination check, instance type),
//     Create/Describe/Modify/DeleteNetworkInterface;
//     Elastic IPs (AllocateAddress, DescribeAddresses, AssociateAddress,
//     ReleaseAddress); NAT gateways (Create, Describe, Delete); VPC peering
//     (Create, Accept, Delete, Describe);
//   - Reachability Analyzer: CreateNetworkInsightsPath,
//     StartNetworkInsightsAnalysis, DescribeNetworkInsightsAnalyses,
//     DescribeNetworkInsightsPaths, DeleteNetworkInsightsPath,
//     DeleteNetworkInsightsAnalysis, answered by vpc.Compile(...).Reach on the
//     stored model and rendered from vpc's AWS-shaped analysis (unlike AWS,
//     every blocker on the path is listed, not only the first);
//   - customer-managed prefix lists (Create, Modify, Delete,
//     DescribeManagedPrefixLists, GetManagedPrefixListEntries), usable in
//     security group rules and routes;
//   - VPC endpoints: CreateVpcEndpoint (Gateway for com.amazonaws.REGION.s3
//     and .dynamodb: a route from the service's AWS-managed prefix list to
//     the endpoint in each chosen route table, which Reachability Analyzer
//     follows; Interface for a selection of AWS services: one
//     requester-managed ENI per subnet with the groups, the VPC's default
//     group when none is named, private DNS on by default and refused, as
//     in AWS, unless the VPC has DNS support and DNS hostnames),
//     DescribeVpcEndpoints, ModifyVpcEndpoint (policy, ResetPolicy, route
//     tables, subnets, groups, private DNS), DeleteVpcEndpoints (unknown IDs
//     are Unsuccessful items), DescribeVpcEndpointServices (the services
//     moat knows), DescribePrefixLists; policies are checked by the policy
//     engine as endpoint policies (InvalidPolicyDocument, with the line and
//     column where the document does not parse);
//   - the AWS-managed prefix lists com.amazonaws.REGION.s3 and .dynamodb in
//     every network (DescribeManagedPrefixLists with owner-id AWS,
//     GetManagedPrefixListEntries, usable in routes and rules);
//   - flow log subscriptions: CreateFlowLogs (VPC, Subnet, NetworkInterface;
//     ACCEPT, REJECT, ALL; s3 with arn:aws:s3:::bucket[/prefix] or
//     cloud-watch-logs with a log group and a role; LogFormat checked field
//     by field by vpc.ParseFlowLogFormat, default version 2; unknown
//     resources and duplicates are Unsuccessful items), DescribeFlowLogs,
//     DeleteFlowLogs; a resource's flow logs go when it is deleted;
//   - IPAM (IPv4): CreateIpam (with its public and private default scopes),
//     DescribeIpams, DeleteIpam (Cascade), DescribeIpamScopes,
//     CreateIpamPool (allocation netmask rules, locale, source pool),
//     DescribeIpamPools, ProvisionIpamPoolCidr (top-level CIDRs must not
//     overlap in a scope; a child pool's CIDR is allocated from its source),
//     GetIpamPoolCidrs, AllocateIpamPoolCidr (explicit CIDR or the lowest
//     free aligned block of a netmask length, DisallowedCidrs,
//     PreviewNextCidr), GetIpamPoolAllocations, ReleaseIpamPoolAllocation,
//     and CreateVpc / AssociateVpcCidrBlock with Ipv4IpamPoolId (DeleteVpc
//     gives the blocks back);
//     GetIpamResourceCidrs (private scopes: every VPC and subnet CIDR with
//     its overlap status from vpc.Overlaps and whether a pool manages it);
//   - tags (CreateTags, DeleteTags, DescribeTags, TagSpecifications on the
//     Create* calls) and the common Describe* filters, with * and ? wildcards;
//   - DryRun on every call (DryRunOperation once authorized); the
//     aws:RequestTag/KEY and aws:TagKeys condition keys from
//     TagSpecifications and CreateTags/DeleteTags, for tag-based policies
//     (ec2:ResourceTag and the other ec2: keys are not filled yet).
//
// Validation and most error codes and messages come from package vpc, which
// reproduces EC2's (InvalidSubnet.Conflict, InvalidPermission.Duplicate,
// RulesPerSecurityGroupLimitExceeded, DependencyViolation, ...). Every write
// reads the account's document (TableNetworks), changes it and writes it back
// in one store transaction: a failing call changes nothing. Read-only calls
// share the last decoded document while the stored bytes are unchanged.
//
// Authorization: each operation is the IAM action ec2:<Operation>. The
// resource is the one ARN the call acts on (arn:aws:ec2:REGION:ACCOUNT:
// vpc/vpc-…, security-group/sg-…, ...); creations name the parent (the VPC
// for CreateSubnet, CreateSecurityGroup, CreateRouteTable, CreateNetworkAcl;
// the subnet for RunInstances and CreateNetworkInterface) or "type/*" when
// there is none (CreateVpc, CreateInternetGateway). AWS authorizes some
// calls on several resources at once (RunInstances: image, subnet, groups,
// instance); moat checks one. Describe* calls, DisassociateRouteTable and
// calls naming several resources act on "*".
//
// Not served, and why: AMIs, instance types, volumes and the rest of compute
// (moat models the network, not machines; any well-formed ImageId launches);
// IPv6 address assignment, egress-only internet gateways, transit gateways,
// VPN; Gateway Load Balancer endpoints and endpoint services of one's own
// (PrivateLink providers); IPv6 and public IPAM pools, BYOIP, resource
// discoveries and IPAM across accounts and regions (an IPAM serves its
// account in the region where it was created); flow log records: moat sees
// no packets, so a subscription is recorded but delivers nothing (the vpc
// engine can judge existing records, vpc.Analyzer.CheckFlowLog, but has no
// traffic to make them from); kinesis-data-firehose delivery; prefix list
// versions other than the current one; cross-account and cross-region
// peering; Network Access Analyzer scopes.
//
// Describe* page with MaxResults (5–1000) and NextToken; a token is an
// offset into the answer of the call that made it, so a page may repeat or
// skip a resource created or deleted between pages (AWS's tokens are
// snapshots); DescribeInstances counts reservations, not instances.
//
// Deviations from AWS: states are final at once (an instance is "running"
// at the next Describe, a NAT gateway "available", an analysis "succeeded"
// when StartNetworkInsightsAnalysis returns); an account starts without a
// default VPC (CreateDefaultVpc makes it as AWS does); Availability Zones
// are REGION+a..f in us-east-1 and a..c elsewhere (default: "a"), their
// zone IDs (use1-az1, ...) in the same order (AWS maps names to IDs per
// account); public IPv4 addresses of instances come from 198.51.100.0/24
// and Elastic IPs from 203.0.113.0/24 (documentation ranges); an unspecified HttpTokens is
// "optional" with hop limit 1 (AWS's default for an AMI without
// ImdsSupport v2.0); IamInstanceProfile is kept as given, not checked
// against IAM; association IDs of VPC CIDR blocks are derived from the
// block; DeleteNetworkInsightsPath also deletes the path's analyses; a
// referenced group in a path component's security group rule is named in
// its Cidr member (AWS's shape has no member for it). The AWS-managed
// prefix lists hold one stand-in range each (S3 52.216.0.0/15, DynamoDB
// 52.94.0.0/22, from us-east-1's lists, in every region) under IDs derived
// from region and service, not AWS's; endpoint policies are kept and shown
// but requests to moat's own S3 are not routed "through" an endpoint, so
// aws:SourceVpce is not filled in; IPAM states are final at once
// (provisioned CIDRs answer "pending-provision" once, then "provisioned"),
// a full pool answers InsufficientCidrBlocks and an allocation outside the
// pool's netmask rules InvalidParameterValue (AWS's codes for these cases
// are not documented).
package ec2

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"strings"

	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/protocol"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/vpc"
)

// EC2's errors that the handlers raise themselves (the vpc engine's carry
// their own codes, see ec2Err).
var (
	dryRunOperation   = awserr.Def{Code: "DryRunOperation", Status: http.StatusPreconditionFailed}
	invalidParamValue = awserr.Def{Code: "InvalidParameterValue", Status: http.StatusBadRequest}
	invalidParamCombo = awserr.Def{Code: "InvalidParameterCombination", Status: http.StatusBadRequest}
	missingParameter  = awserr.Def{Code: "MissingParameter", Status: http.StatusBadRequest}
	invalidID         = awserr.Def{Code: "InvalidID", Status: http.StatusBadRequest}
	tagLimitExceeded  = awserr.Def{Code: "TagLimitExceeded", Status: http.StatusBadRequest}
)

// ec2Err turns the vpc engine's *vpc.Error into the EC2 API error with the
// same code; other errors pass as they are.
func ec2Err(err error) error {
	var ve *vpc.Error
	if errors.As(err, &ve) {
		return awserr.Def{Code: ve.Code, Status: http.StatusBadRequest}.New("%s", ve.Message)
	}
	return err
}

// common are the parameters every EC2 input has.
type common struct {
	DryRun *bool
}

func (c *common) dryRun() bool { return c.DryRun != nil && *c.DryRun }

// op declares an operation: IAM action ec2:<name>; res, when set, names the
// resource ARN. DryRun answers DryRunOperation after authorization, as EC2.
func op[In, Out any](name string, h func(context.Context, *service.Call, *In) (*Out, error), res func(c *service.Call, in *In) string, opts ...service.OpOption[In]) *service.Operation {
	wrapped := func(ctx context.Context, c *service.Call, in *In) (*Out, error) {
		if d, ok := any(in).(interface{ dryRun() bool }); ok && d.dryRun() {
			return nil, dryRunOperation.New("Request would have succeeded, but DryRun flag is set.")
		}
		return h(ctx, c, in)
	}
	if hasRequestTags(new(In)) {
		opts = append(opts, service.ContextKeys(func(in *In, set func(key, value string)) {
			for _, t := range requestTagsOf(in) {
				set("aws:RequestTag/"+t.Key, deref(t.Value))
			}
		}))
	}
	if res != nil {
		opts = append(opts, service.Resource(func(_ context.Context, c *service.Call, in *In) (string, error) { return res(c, in), nil }))
	}
	return service.Op(name, "ec2:"+name, wrapped, opts...)
}

func ro[In any]() service.OpOption[In] { return service.ReadOnly[In]() }

// hasRequestTags reports whether an input carries tags (TagSpecifications
// on Create* calls, Tags on CreateTags and DeleteTags).
func hasRequestTags(in any) bool {
	t := reflect.TypeOf(in).Elem()
	_, specs := t.FieldByName("TagSpecifications")
	f, tags := t.FieldByName("Tags")
	return specs || tags && f.Type == reflect.TypeOf([]TagIn(nil))
}

// requestTagsOf returns the tags a request puts on resources, for the
// aws:RequestTag/KEY condition keys (the server adds aws:TagKeys).
func requestTagsOf(in any) []TagIn {
	v := reflect.ValueOf(in).Elem()
	var out []TagIn
	if f := v.FieldByName("TagSpecifications"); f.IsValid() {
		for _, s := range f.Interface().([]TagSpecification) {
			out = append(out, s.Tags...)
		}
	}
	if f := v.FieldByName("Tags"); f.IsValid() {
		if t, isTags := f.Interface().([]TagIn); isTags {
			out = append(out, t...)
		}
	}
	return out
}

// arn is an EC2 resource ARN: arn:aws:ec2:REGION:ACCOUNT:TYPE/ID.
func arn(c *service.Call, typ, id string) string {
	if id == "" {
		id = "*"
	}
	return "arn:aws:ec2:" + c.Region + ":" + c.Account() + ":" + typ + "/" + id
}

// resourceTypes maps ID prefixes to ARN resource types (Service
// Authorization Reference, Amazon EC2) and to tag resource types.
var resourceTypes = map[string][2]string{
	"vpc":        {"vpc", "vpc"},
	"subnet":     {"subnet", "subnet"},
	"igw":        {"internet-gateway", "internet-gateway"},
	"rtb":        {"route-table", "route-table"},
	"sg":         {"security-group", "security-group"},
	"sgr":        {"security-group-rule", "security-group-rule"},
	"acl":        {"network-acl", "network-acl"},
	"eni":        {"network-interface", "network-interface"},
	"i":          {"instance", "instance"},
	"nat":        {"natgateway", "natgateway"},
	"pcx":        {"vpc-peering-connection", "vpc-peering-connection"},
	"eipalloc":   {"elastic-ip", "elastic-ip"},
	"nip":        {"network-insights-path", "network-insights-path"},
	"nia":        {"network-insights-analysis", "network-insights-analysis"},
	"pl":         {"prefix-list", "prefix-list"},
	"vpce":       {"vpc-endpoint", "vpc-endpoint"},
	"fl":         {"vpc-flow-log", "vpc-flow-log"},
	"ipam":       {"ipam", "ipam"},
	"ipam-pool":  {"ipam-pool", "ipam-pool"},
	"ipam-scope": {"ipam-scope", "ipam-scope"},
}

func idPrefix(id string) string {
	if i := strings.LastIndexByte(id, '-'); i > 0 {
		return id[:i]
	}
	return ""
}

// arnOfID is the ARN of a resource named by its ID ("*" when the prefix is
// not one moat serves).
func arnOfID(c *service.Call, id string) string {
	t, ok := resourceTypes[idPrefix(id)]
	if !ok {
		return "*"
	}
	return arn(c, t[0], id)
}

func one(ids []string) string {
	if len(ids) == 1 {
		return ids[0]
	}
	return ""
}

// New returns the EC2 service.
func New() *service.Service {
	return &service.Service{
		Meta: protocol.Service{Name: "ec2", Protocol: protocol.EC2, APIVersion: "2016-11-15",
			XMLNamespace: "http://ec2.amazonaws.com/doc/2016-11-15/"},
		EventSource: "ec2.amazonaws.com",
		Ops:         service.Table(operations()...),
	}
}

func operations() []*service.Operation {
	var ops []*service.Operation
	ops = append(ops, vpcOps()...)
	ops = append(ops, sgOps()...)
	ops = append(ops, aclOps()...)
	ops = append(ops, instanceOps()...)
	ops = append(ops, insightsOps()...)
	ops = append(ops, tagOps()...)
	ops = append(ops, zoneOps()...)
	ops = append(ops, vpcAttrOps()...)
	ops = append(ops, prefixListOps()...)
	ops = append(ops, endpointOps()...)
	ops = append(ops, flowLogOps()...)
	ops = append(ops, ipamOps()...)
	ops = append(ops, ipamResourceOps()...)
	return ops
}
