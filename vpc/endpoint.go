package vpc

import (
	"net/netip"
	"strings"

	"github.com/moatdev/moat/policy"
)

// CreateVpcEndpoint creates a gateway endpoint (S3, DynamoDB: a route from
// the service's prefix list to the endpoint in each route table) or an
// interface endpoint (one ENI per subnet with the given groups). A policy
// document, if given, must be a valid endpoint policy of at most 20,480
// characters; none means AWS's default full-access policy.
func (n *Network) CreateVpcEndpoint(vpcID, endpointType, service string, routeTables, subnets, groups []string, policyDoc string) (*VPCEndpoint, error) {
	if n.VPCs[vpcID] == nil {
		return nil, notFound("vpc", vpcID)
	}
	e := &VPCEndpoint{VpcEndpointId: n.id("vpce"), VpcEndpointType: endpointType, VpcId: vpcID, OwnerId: n.OwnerID,
		ServiceName: service, State: "available", PolicyDocument: policyDoc}
	if policyDoc != "" {
		c, err := CompileEndpointPolicy(policyDoc)
		if err != nil {
			return nil, err
		}
		e.Policy = c
	}
	switch endpointType {
	case "Gateway":
		if err := n.gatewayEndpoint(e, routeTables); err != nil {
			return nil, err
		}
	case "Interface":
		if err := n.interfaceEndpoint(e, subnets, groups); err != nil {
			return nil, err
		}
	default:
		return nil, errf("InvalidParameterValue", "Value (%s) for parameter VpcEndpointType is invalid. Valid values: Gateway, Interface", endpointType)
	}
	n.Endpoints[e.VpcEndpointId] = e
	return e, nil
}

// CompileEndpointPolicy parses and compiles an endpoint policy document.
func CompileEndpointPolicy(doc string) (*policy.Compiled, error) {
	if len(doc) > Quotas.EndpointPolicyMaxLength {
		return nil, errf("InvalidParameterValue", "endpoint policy is %d characters; the maximum is %d", len(doc), Quotas.EndpointPolicyMaxLength)
	}
	p, err := policy.Parse([]byte(doc))
	if err != nil {
		return nil, errf("InvalidParameterValue", "invalid endpoint policy: %v", err)
	}
	c, err := policy.Compile(p, policy.EndpointPolicy)
	if err != nil {
		return nil, errf("InvalidParameterValue", "invalid endpoint policy: %v", err)
	}
	return c, nil
}

// EndpointContext returns the condition keys AWS sets for a request that
// arrives through endpoint e (aws:SourceVpce, aws:SourceVpc), for the
// authorization engine.
func EndpointContext(e *VPCEndpoint) map[string]string {
	return map[string]string{"aws:SourceVpce": e.VpcEndpointId, "aws:SourceVpc": e.VpcId}
}

func (n *Network) gatewayEndpoint(e *VPCEndpoint, routeTables []string) error {
	kind := service(e.ServiceName)
	if kind != "s3" && kind != "dynamodb" {
		return errf("InvalidServiceName", "The Vpc Endpoint Service '%s' does not exist or does not support gateway endpoints (s3, dynamodb)", e.ServiceName)
	}
	pl := n.awsPrefixList(e.ServiceName)
	for _, id := range routeTables {
		rt := n.RouteTables[id]
		if rt == nil {
			return notFound("rtb", id)
		}
		if rt.VpcId != e.VpcId {
			return errf("InvalidParameterValue", "route table %s is not in %s", id, e.VpcId)
		}
	}
	for _, id := range routeTables {
		rt := n.RouteTables[id]
		rt.Routes = append(rt.Routes, Route{DestinationPrefixListId: pl.PrefixListId, TargetType: TargetGatewayEndpoint,
			TargetId: e.VpcEndpointId, State: "active", Origin: "CreateRoute"})
	}
	e.RouteTableIds = routeTables
	return nil
}

func service(name string) string {
	i := strings.LastIndexByte(name, '.')
	return name[i+1:]
}

// awsPrefixList returns (creating it if needed) the AWS-managed prefix list
// of a gateway-endpoint service. Its entries are placeholders from the
// documentation range unless the network was loaded with the real ones.
func (n *Network) awsPrefixList(serviceName string) *PrefixList {
	for _, pl := range n.PrefixLists {
		if pl.PrefixListName == serviceName {
			return pl
		}
	}
	pl := &PrefixList{PrefixListId: n.id("pl"), PrefixListName: serviceName, AddressFamily: "IPv4", Version: 1, OwnerId: "AWS"}
	cidr := "198.51.100.0/25" // TEST-NET-2: moat's stand-in for the service's address ranges
	if service(serviceName) == "dynamodb" {
		cidr = "198.51.100.128/25"
	}
	pl.Entries = []PrefixListEntry{{Cidr: netip.MustParsePrefix(cidr)}}
	pl.MaxEntries = len(pl.Entries)
	n.PrefixLists[pl.PrefixListId] = pl
	return pl
}

func (n *Network) interfaceEndpoint(e *VPCEndpoint, subnets, groups []string) error {
	if len(subnets) == 0 {
		return errf("InvalidParameterValue", "an interface endpoint needs at least one subnet")
	}
	for _, id := range subnets {
		if s := n.Subnets[id]; s == nil || s.VpcId != e.VpcId {
			return notFound("subnet", id)
		}
	}
	if err := n.checkGroups(e.VpcId, groups); err != nil {
		return err
	}
	var made []string
	for _, id := range subnets {
		eni, err := n.CreateNetworkInterface(id, netip.Addr{}, groups)
		if err != nil {
			for _, m := range made {
				delete(n.Interfaces, m)
			}
			return err
		}
		eni.InterfaceType, eni.Status, eni.Description = "vpc_endpoint", "in-use", "VPC Endpoint Interface "+e.VpcEndpointId
		made = append(made, eni.NetworkInterfaceId)
	}
	e.SubnetIds, e.Groups, e.NetworkInterfaceIds, e.PrivateDnsEnabled = subnets, groups, made, true
	return nil
}
