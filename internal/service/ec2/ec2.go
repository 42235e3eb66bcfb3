// Package ec2 serves the networking part of the Amazon EC2 API (ec2 query
// protocol, API version 2016-11-15) over a per-account, per-region network
// model kept in the store, so that a user builds a network with the real
// AWS CLI or an SDK and asks moat's analyzer (package vpc) what can reach
// what:
//
//   - VPCs (CreateVpc, DescribeVpcs, DeleteVpc, AssociateVpcCidrBlock), each
//     with AWS's defaults: a main route table with the local route, the
//     default network ACL (rule 100 allows all in and out, then "*") and the
//     default security group (all from itself, all out);
//   - subnets, internet gateways, route tables (routes to igw-, nat-, pcx-,
//     eni- and i- targets; subnet associations; the main route table);
//   - security groups and their rules (Authorize/Revoke Ingress/Egress,
//     DescribeSecurityGroupRules) with AWS's quotas and errors;
//   - network ACLs and their numbered entries, ReplaceNetworkAclAssociation;
//   - instances and network interfaces as far as networking needs them
//     (RunInstances, DescribeInstances, TerminateInstances,
//     ModifyInstanceMetadataOptions, Create/Describe/Modify/DeleteNetworkInterface),
//     Elastic IPs (AllocateAddress), NAT gateways, VPC peering;
//   - Reachability Analyzer: CreateNetworkInsightsPath,
//     StartNetworkInsightsAnalysis, DescribeNetworkInsightsAnalyses/Paths,
//     DeleteNetworkInsightsPath, answered by vpc.Compile(...).Reach on the
//     stored model (AWS's shapes; unlike AWS, every blocker on the path is
//     listed, not only the first);
//   - tags (CreateTags, DeleteTags, DescribeTags, TagSpecifications on the
//     Create* calls) and the common Describe* filters.
//
// Validation and most error codes and messages come from package vpc, which
// reproduces EC2's (InvalidSubnet.Conflict, InvalidPermission.Duplicate,
// RulesPerSecurityGroupLimitExceeded, DependencyViolation, ...). Every call
// reads the account's model, changes it and writes it back in one store
// transaction: a failing call changes nothing.
//
// Authorization: each operation is the IAM action ec2:<Operation>. The
// resource is the one ARN the call acts on (arn:aws:ec2:REGION:ACCOUNT:
// vpc/vpc-…, security-group/sg-…, ...); creations name the parent (the VPC
// for CreateSubnet, CreateSecurityGroup, CreateRouteTable, CreateNetworkAcl;
// the subnet for RunInstances and CreateNetworkInterface) or "type/*" when
// there is none (CreateVpc, CreateInternetGateway). AWS authorizes some
// calls on several resources at once (RunInstances: image, subnet, groups,
// instance); moat checks one. Describe* calls and the calls that name only
// an association ID act on "*".
//
// Not served (yet), and why: AMIs, instance types, volumes and everything
// that is not networking (moat models the network, not compute); IPv6
// address assignment, egress-only internet gateways, transit gateways,
// VPN, endpoints and prefix lists over the API (the vpc engine has them, the
// API does not expose them yet); pagination (Describe* return everything,
// NextToken is never set); DescribeStaleSecurityGroups and Network Access
// Analyzer scopes. Deviations: states are final at once (a NAT gateway is
// "available", an instance "running", an analysis "succeeded" when the call
// returns), AvailabilityZone defaults to REGION+"a", and instance public
// IPv4 addresses come from 198.51.100.0/24 (a documentation range) rather
// than Amazon's pool.
package ec2

import (
	"context"
	"errors"
	"net/http"
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
	if res != nil {
		opts = append(opts, service.Resource(func(_ context.Context, c *service.Call, in *In) (string, error) { return res(c, in), nil }))
	}
	return service.Op(name, "ec2:"+name, wrapped, opts...)
}

func ro[In any]() service.OpOption[In] { return service.ReadOnly[In]() }

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
	"vpc":      {"vpc", "vpc"},
	"subnet":   {"subnet", "subnet"},
	"igw":      {"internet-gateway", "internet-gateway"},
	"rtb":      {"route-table", "route-table"},
	"sg":       {"security-group", "security-group"},
	"sgr":      {"security-group-rule", "security-group-rule"},
	"acl":      {"network-acl", "network-acl"},
	"eni":      {"network-interface", "network-interface"},
	"i":        {"instance", "instance"},
	"nat":      {"natgateway", "natgateway"},
	"pcx":      {"vpc-peering-connection", "vpc-peering-connection"},
	"eipalloc": {"elastic-ip", "elastic-ip"},
	"nip":      {"network-insights-path", "network-insights-path"},
	"nia":      {"network-insights-analysis", "network-insights-analysis"},
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
	return ops
}
