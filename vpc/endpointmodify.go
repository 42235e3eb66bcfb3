package vpc

import (
	"net/netip"
	"slices"
)

// EndpointChange is a ModifyVpcEndpoint request: nil/empty members change
// nothing. Policy replaces the endpoint policy; ResetPolicy restores the
// default full-access policy.
type EndpointChange struct {
	Policy                            *string
	ResetPolicy                       bool
	AddRouteTables, RemoveRouteTables []string
	AddSubnets, RemoveSubnets         []string
	AddGroups, RemoveGroups           []string
	PrivateDNS                        *bool
}

// ModifyVpcEndpoint changes an endpoint's policy, route tables (gateway
// endpoints: the service's prefix-list route is added to or removed from
// each table), subnets (interface endpoints: one interface per subnet) and
// security groups (interface endpoints: every interface gets the new
// groups). Everything is checked before anything changes.
func (n *Network) ModifyVpcEndpoint(id string, ch EndpointChange) error {
	e := n.Endpoints[id]
	if e == nil {
		return notFound("vpce", id)
	}
	gateway := e.VpcEndpointType == "Gateway"
	if !gateway && (len(ch.AddRouteTables) > 0 || len(ch.RemoveRouteTables) > 0) {
		return errf("InvalidParameter", "route tables apply to gateway endpoints only; %s is an %s endpoint", id, e.VpcEndpointType)
	}
	if gateway && (len(ch.AddSubnets)+len(ch.RemoveSubnets)+len(ch.AddGroups)+len(ch.RemoveGroups) > 0 || ch.PrivateDNS != nil) {
		return errf("InvalidParameter", "subnets, security groups and private DNS apply to interface endpoints only; %s is a Gateway endpoint", id)
	}
	var compiled = e.Policy
	if ch.Policy != nil {
		c, err := CompileEndpointPolicy(*ch.Policy)
		if err != nil {
			return err
		}
		compiled = c
	}
	for _, rt := range ch.AddRouteTables {
		t := n.RouteTables[rt]
		if t == nil {
			return notFound("rtb", rt)
		}
		if t.VpcId != e.VpcId {
			return errf("InvalidParameterValue", "route table %s is not in %s", rt, e.VpcId)
		}
		if slices.Contains(e.RouteTableIds, rt) {
			return errf("InvalidParameterValue", "route table %s is already associated with %s", rt, id)
		}
	}
	for _, rt := range ch.RemoveRouteTables {
		if !slices.Contains(e.RouteTableIds, rt) {
			return errf("InvalidParameterValue", "route table %s is not associated with %s", rt, id)
		}
	}
	for _, s := range ch.AddSubnets {
		if sub := n.Subnets[s]; sub == nil || sub.VpcId != e.VpcId {
			return notFound("subnet", s)
		}
		if slices.Contains(e.SubnetIds, s) {
			return errf("InvalidParameterValue", "subnet %s already has an interface of %s", s, id)
		}
	}
	for _, s := range ch.RemoveSubnets {
		if !slices.Contains(e.SubnetIds, s) {
			return errf("InvalidParameterValue", "subnet %s is not a subnet of %s", s, id)
		}
	}
	groups := slices.Clone(e.Groups)
	for _, g := range ch.AddGroups {
		if !slices.Contains(groups, g) {
			groups = append(groups, g)
		}
	}
	for _, g := range ch.RemoveGroups {
		if !slices.Contains(groups, g) {
			return errf("InvalidParameterValue", "security group %s is not a group of %s", g, id)
		}
		groups = slices.DeleteFunc(groups, func(x string) bool { return x == g })
	}
	if !gateway {
		if err := n.checkGroups(e.VpcId, groups); err != nil {
			return err
		}
		if len(e.SubnetIds)+len(ch.AddSubnets)-len(ch.RemoveSubnets) == 0 {
			return errf("InvalidParameterValue", "an interface endpoint needs at least one subnet")
		}
	}

	// Checked: apply.
	if ch.ResetPolicy {
		e.PolicyDocument, e.Policy = "", nil
	} else if ch.Policy != nil {
		e.PolicyDocument, e.Policy = *ch.Policy, compiled
	}
	if len(ch.AddRouteTables) > 0 {
		pl := n.awsPrefixList(e.ServiceName)
		for _, rt := range ch.AddRouteTables {
			t := n.RouteTables[rt]
			t.Routes = append(t.Routes, Route{DestinationPrefixListId: pl.PrefixListId, TargetType: TargetGatewayEndpoint,
				TargetId: e.VpcEndpointId, State: "active", Origin: "CreateRoute"})
			e.RouteTableIds = append(e.RouteTableIds, rt)
		}
	}
	for _, rt := range ch.RemoveRouteTables {
		t := n.RouteTables[rt]
		t.Routes = slices.DeleteFunc(t.Routes, func(r Route) bool { return r.TargetId == id })
		e.RouteTableIds = slices.DeleteFunc(e.RouteTableIds, func(x string) bool { return x == rt })
	}
	for _, s := range ch.RemoveSubnets {
		for _, eni := range e.NetworkInterfaceIds {
			if i := n.Interfaces[eni]; i != nil && i.SubnetId == s {
				delete(n.Interfaces, eni)
				e.NetworkInterfaceIds = slices.DeleteFunc(e.NetworkInterfaceIds, func(x string) bool { return x == eni })
				break
			}
		}
		e.SubnetIds = slices.DeleteFunc(e.SubnetIds, func(x string) bool { return x == s })
	}
	if !gateway {
		e.Groups = groups
		for _, eni := range e.NetworkInterfaceIds {
			if i := n.Interfaces[eni]; i != nil {
				i.Groups = slices.Clone(groups)
			}
		}
	}
	for _, s := range ch.AddSubnets {
		eni, err := n.CreateNetworkInterface(s, netip.Addr{}, groups)
		if err != nil {
			return err
		}
		eni.InterfaceType, eni.Status, eni.Description = "vpc_endpoint", "in-use", "VPC Endpoint Interface "+e.VpcEndpointId
		e.NetworkInterfaceIds = append(e.NetworkInterfaceIds, eni.NetworkInterfaceId)
		e.SubnetIds = append(e.SubnetIds, s)
	}
	if ch.PrivateDNS != nil {
		e.PrivateDnsEnabled = *ch.PrivateDNS
	}
	return nil
}
