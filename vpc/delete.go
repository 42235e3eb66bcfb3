package vpc

import (
	"slices"
)

// DeleteVpc deletes a VPC with nothing left in it but its defaults (main
// route table, default network ACL, default security group).
func (n *Network) DeleteVpc(id string) error {
	v := n.VPCs[id]
	if v == nil {
		return notFound("vpc", id)
	}
	dep := func(what string) error {
		return errf("DependencyViolation", "The vpc '%s' has dependencies and cannot be deleted (%s).", id, what)
	}
	for _, s := range n.Subnets {
		if s.VpcId == id {
			return dep("subnet " + s.SubnetId)
		}
	}
	for _, g := range n.InternetGateways {
		if g.VpcId == id {
			return dep("internet gateway " + g.InternetGatewayId)
		}
	}
	for _, g := range n.SecurityGroups {
		if g.VpcId == id && g.GroupId != v.DefaultSecurityGroupId && g.GroupName != "default" {
			return dep("security group " + g.GroupId)
		}
	}
	for _, rt := range n.RouteTables {
		if rt.VpcId == id && !rt.Main {
			return dep("route table " + rt.RouteTableId)
		}
	}
	for _, a := range n.NetworkACLs {
		if a.VpcId == id && !a.IsDefault {
			return dep("network ACL " + a.NetworkAclId)
		}
	}
	for _, e := range n.Endpoints {
		if e.VpcId == id {
			return dep("VPC endpoint " + e.VpcEndpointId)
		}
	}
	for _, p := range n.Peerings {
		if p.Peer(id) != "" && p.Status == "active" {
			return dep("peering connection " + p.VpcPeeringConnectionId)
		}
	}
	for rid, rt := range n.RouteTables {
		if rt.VpcId == id {
			delete(n.RouteTables, rid)
		}
	}
	for aid, a := range n.NetworkACLs {
		if a.VpcId == id {
			delete(n.NetworkACLs, aid)
		}
	}
	for gid, g := range n.SecurityGroups {
		if g.VpcId == id {
			delete(n.SecurityGroups, gid)
		}
	}
	delete(n.VPCs, id)
	return nil
}

// DeleteSubnet deletes a subnet without network interfaces.
func (n *Network) DeleteSubnet(id string) error {
	if n.Subnets[id] == nil {
		return notFound("subnet", id)
	}
	for _, e := range n.Interfaces {
		if e.SubnetId == id {
			return errf("DependencyViolation", "The subnet '%s' has dependencies and cannot be deleted (network interface %s).", id, e.NetworkInterfaceId)
		}
	}
	for _, g := range n.NATGateways {
		if g.SubnetId == id && g.State != "deleted" {
			return errf("DependencyViolation", "The subnet '%s' has dependencies and cannot be deleted (NAT gateway %s).", id, g.NatGatewayId)
		}
	}
	drop := func(x string) bool { return x == id }
	for _, rt := range n.RouteTables {
		rt.SubnetIds = slices.DeleteFunc(rt.SubnetIds, drop)
	}
	for _, a := range n.NetworkACLs {
		a.SubnetIds = slices.DeleteFunc(a.SubnetIds, drop)
	}
	delete(n.Subnets, id)
	return nil
}

// DeleteRouteTable deletes a route table that is neither main nor associated.
func (n *Network) DeleteRouteTable(id string) error {
	rt := n.RouteTables[id]
	if rt == nil {
		return notFound("rtb", id)
	}
	if rt.Main || len(rt.SubnetIds) > 0 || len(rt.GatewayIds) > 0 {
		return errf("DependencyViolation", "The routeTable '%s' has dependencies and cannot be deleted.", id)
	}
	delete(n.RouteTables, id)
	return nil
}

// DisassociateRouteTable returns a subnet to its VPC's main route table.
func (n *Network) DisassociateRouteTable(subnetID string) error {
	if n.Subnets[subnetID] == nil {
		return notFound("subnet", subnetID)
	}
	for _, rt := range n.RouteTables {
		if i := slices.Index(rt.SubnetIds, subnetID); i >= 0 {
			rt.SubnetIds = slices.Delete(rt.SubnetIds, i, i+1)
			return nil
		}
	}
	return errf("InvalidAssociationID.NotFound", "subnet %s has no explicit route table association", subnetID)
}

// ReplaceMainRouteTable makes rt the main route table of its VPC.
func (n *Network) ReplaceMainRouteTable(rtbID string) error {
	rt := n.RouteTables[rtbID]
	if rt == nil {
		return notFound("rtb", rtbID)
	}
	for _, o := range n.RouteTables {
		if o.VpcId == rt.VpcId {
			o.Main = false
		}
	}
	rt.Main = true
	if v := n.VPCs[rt.VpcId]; v != nil {
		v.MainRouteTableId = rtbID
	}
	return nil
}

// DeleteInternetGateway deletes a detached internet gateway.
func (n *Network) DeleteInternetGateway(id string) error {
	g := n.InternetGateways[id]
	if g == nil {
		return notFound("igw", id)
	}
	if g.VpcId != "" {
		return errf("DependencyViolation", "The internetGateway '%s' has dependencies and cannot be deleted.", id)
	}
	delete(n.InternetGateways, id)
	n.blackhole(id)
	return nil
}

// DeleteNatGateway deletes a NAT gateway (state "deleted", its interface
// removed); routes to it become blackholes.
func (n *Network) DeleteNatGateway(id string) error {
	g := n.NATGateways[id]
	if g == nil {
		return notFound("nat", id)
	}
	for eid, e := range n.Interfaces {
		if e.InterfaceType == "nat_gateway" && e.SubnetId == g.SubnetId && e.PrimaryIP() == g.PrivateIp {
			delete(n.Interfaces, eid)
		}
	}
	g.State = "deleted"
	n.blackhole(id)
	return nil
}

// DeleteNetworkInterface deletes an ENI that is not attached to an instance;
// routes to it become blackholes.
func (n *Network) DeleteNetworkInterface(id string) error {
	e := n.Interfaces[id]
	if e == nil {
		return notFound("eni", id)
	}
	if e.InstanceId != "" || e.Status == "in-use" {
		return errf("InvalidNetworkInterface.InUse", "Interface: [%s] in use.", id)
	}
	delete(n.Interfaces, id)
	n.blackhole(id)
	return nil
}

// DeleteVpcPeeringConnection marks a peering deleted; routes through it
// become blackholes and references through it stale.
func (n *Network) DeleteVpcPeeringConnection(id string) error {
	p := n.Peerings[id]
	if p == nil {
		return notFound("pcx", id)
	}
	p.Status = "deleted"
	n.blackhole(id)
	return nil
}

// RejectVpcPeeringConnection rejects a pending peering.
func (n *Network) RejectVpcPeeringConnection(id string) error {
	p := n.Peerings[id]
	if p == nil {
		return notFound("pcx", id)
	}
	if p.Status != "pending-acceptance" {
		return errf("InvalidStateTransition", "Invalid state transition for %s, attempted to transition from %s to rejected", id, p.Status)
	}
	p.Status = "rejected"
	return nil
}

// DeleteVpcEndpoint deletes an endpoint with its routes and interfaces.
func (n *Network) DeleteVpcEndpoint(id string) error {
	e := n.Endpoints[id]
	if e == nil {
		return notFound("vpce", id)
	}
	for _, rt := range n.RouteTables {
		rt.Routes = slices.DeleteFunc(rt.Routes, func(r Route) bool { return r.TargetId == id })
	}
	for _, eni := range e.NetworkInterfaceIds {
		delete(n.Interfaces, eni)
	}
	delete(n.Endpoints, id)
	return nil
}

// blackhole marks every route to target as a blackhole, as EC2 does when a
// route's target is deleted.
func (n *Network) blackhole(target string) {
	for _, rt := range n.RouteTables {
		for i := range rt.Routes {
			if rt.Routes[i].TargetId == target {
				rt.Routes[i].State = "blackhole"
			}
		}
	}
}

// ModifyInstanceMetadataOptions sets HttpTokens ("required" or "optional";
// "" keeps it) and HttpPutResponseHopLimit (1-64; 0 keeps it).
func (n *Network) ModifyInstanceMetadataOptions(id, httpTokens string, hopLimit int) error {
	inst := n.Instances[id]
	if inst == nil {
		return notFound("i", id)
	}
	if httpTokens != "" && httpTokens != "required" && httpTokens != "optional" {
		return errf("InvalidParameterValue", "Value (%s) for parameter HttpTokens is invalid. Valid values: required, optional", httpTokens)
	}
	if hopLimit != 0 && (hopLimit < 1 || hopLimit > 64) {
		return errf("InvalidParameterValue", "Value (%d) for parameter HttpPutResponseHopLimit is invalid. It must be 1-64", hopLimit)
	}
	if httpTokens != "" {
		inst.HttpTokens = httpTokens
	}
	if hopLimit != 0 {
		inst.HttpPutResponseHopLimit = hopLimit
	}
	return nil
}

// RevokeSecurityGroupPermissions removes the rules a permission describes
// (RevokeSecurityGroupIngress/Egress with IpPermissions), all or none.
func (n *Network) RevokeSecurityGroupPermissions(groupID string, egress bool, perms []IpPermission) error {
	g := n.SecurityGroups[groupID]
	if g == nil {
		return notFound("sg", groupID)
	}
	list := g.Ingress
	if egress {
		list = g.Egress
	}
	var ids []string
	for _, p := range perms {
		rules, err := n.expand(g, egress, p)
		if err != nil {
			return err
		}
		for _, r := range rules {
			i := slices.IndexFunc(list, r.same)
			if i < 0 {
				return errf("InvalidPermission.NotFound", "The specified rule does not exist in this security group (peer: %s, %s, %s).", r.Peer(), protoLabel(r.IpProtocol), portLabel(r))
			}
			ids = append(ids, list[i].SecurityGroupRuleId)
		}
	}
	return n.RevokeSecurityGroupRules(groupID, egress, ids)
}

// ModifySecurityGroupRule replaces rule ruleID of a group with the single
// rule p describes (ModifySecurityGroupRules); the rule keeps its ID.
func (n *Network) ModifySecurityGroupRule(groupID, ruleID string, p IpPermission) error {
	g := n.SecurityGroups[groupID]
	if g == nil {
		return notFound("sg", groupID)
	}
	for _, list := range []*[]SecurityGroupRule{&g.Ingress, &g.Egress} {
		i := slices.IndexFunc(*list, func(r SecurityGroupRule) bool { return r.SecurityGroupRuleId == ruleID })
		if i < 0 {
			continue
		}
		rules, err := n.expand(g, (*list)[i].IsEgress, p)
		if err != nil {
			return err
		}
		if len(rules) != 1 {
			return errf("InvalidParameterValue", "a security group rule has exactly one peer; got %d", len(rules))
		}
		r := rules[0]
		r.SecurityGroupRuleId = ruleID
		for j, o := range *list {
			if j != i && o.same(r) {
				return errf("InvalidPermission.Duplicate", "the specified rule \"peer: %s, %s, %s, ALLOW\" already exists", r.Peer(), protoLabel(r.IpProtocol), portLabel(r))
			}
		}
		(*list)[i] = r
		return nil
	}
	return errf("InvalidSecurityGroupRuleId.NotFound", "The security group rule ID '%s' does not exist", ruleID)
}
