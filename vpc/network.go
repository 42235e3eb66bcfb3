package vpc

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// Quotas are the VPC quotas the mutations enforce (defaults: AWS's).
var Quotas = struct {
	RulesPerSecurityGroup   int // per direction and address family
	SecurityGroupsPerENI    int
	RuleProductCap          int // rules per group x groups per interface
	SecurityGroupsPerRegion int
	ACLRulesPerDirection    int // per address family, "*" included
	PrefixListMaxEntriesCap int
	EndpointPolicyMaxLength int
}{60, 5, 1000, 2500, 20, 1000, 20480}

func (n *Network) id(prefix string) string {
	if n.NewID != nil {
		return n.NewID(prefix)
	}
	n.seq++
	return fmt.Sprintf("%s-%017x", prefix, n.seq)
}

// parseCIDR parses an IPv4 CIDR as EC2 does for VPC and subnet blocks.
func parseCIDR(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(strings.TrimSpace(s))
	if err != nil || !p.Addr().Is4() {
		return netip.Prefix{}, errf("InvalidParameterValue", "Value (%s) for parameter cidrBlock is invalid. This is not a valid CIDR block.", s)
	}
	return p.Masked(), nil
}

var allIPv4 = netip.MustParsePrefix("0.0.0.0/0")

// CreateVpc creates a VPC with its main route table (local route), default
// network ACL (rule 100 allows all in and out) and default security group
// (inbound from itself, outbound to 0.0.0.0/0).
func (n *Network) CreateVpc(cidr string) (*VPC, error) {
	p, err := parseCIDR(cidr)
	if err != nil {
		return nil, err
	}
	if p.Bits() < 16 || p.Bits() > 28 {
		return nil, errf("InvalidVpc.Range", "The CIDR '%s' is invalid.", cidr)
	}
	v := &VPC{VpcId: n.id("vpc"), OwnerId: n.OwnerID, CidrBlocks: []netip.Prefix{p}}
	n.VPCs[v.VpcId] = v
	rt := &RouteTable{RouteTableId: n.id("rtb"), VpcId: v.VpcId, OwnerId: n.OwnerID, Main: true,
		Routes: []Route{{DestinationCidrBlock: p, TargetType: TargetLocal, TargetId: "local", State: "active", Origin: "CreateRouteTable"}}}
	n.RouteTables[rt.RouteTableId] = rt
	acl := &NetworkACL{NetworkAclId: n.id("acl"), VpcId: v.VpcId, OwnerId: n.OwnerID, IsDefault: true, Entries: []ACLEntry{
		{RuleNumber: 100, Protocol: -1, RuleAction: "allow", CidrBlock: allIPv4},
		{RuleNumber: 100, Egress: true, Protocol: -1, RuleAction: "allow", CidrBlock: allIPv4},
		{RuleNumber: 32767, Protocol: -1, RuleAction: "deny", CidrBlock: allIPv4},
		{RuleNumber: 32767, Egress: true, Protocol: -1, RuleAction: "deny", CidrBlock: allIPv4},
	}}
	n.NetworkACLs[acl.NetworkAclId] = acl
	sg := &SecurityGroup{GroupId: n.id("sg"), GroupName: "default", Description: "default VPC security group", VpcId: v.VpcId, OwnerId: n.OwnerID}
	sg.Ingress = []SecurityGroupRule{{SecurityGroupRuleId: n.id("sgr"), IpProtocol: -1, FromPort: -1, ToPort: -1,
		ReferencedGroup: &ReferencedGroup{GroupId: sg.GroupId, UserId: n.OwnerID}}}
	sg.Egress = []SecurityGroupRule{{SecurityGroupRuleId: n.id("sgr"), IsEgress: true, IpProtocol: -1, FromPort: -1, ToPort: -1, CidrIpv4: allIPv4}}
	n.SecurityGroups[sg.GroupId] = sg
	v.MainRouteTableId, v.DefaultNetworkAclId, v.DefaultSecurityGroupId = rt.RouteTableId, acl.NetworkAclId, sg.GroupId
	return v, nil
}

// AssociateVpcCidrBlock adds a secondary IPv4 block and its local route.
func (n *Network) AssociateVpcCidrBlock(vpcID, cidr string) error {
	v := n.VPCs[vpcID]
	if v == nil {
		return notFound("vpc", vpcID)
	}
	p, err := parseCIDR(cidr)
	if err != nil {
		return err
	}
	if p.Bits() < 16 || p.Bits() > 28 {
		return errf("InvalidVpc.Range", "The CIDR '%s' is invalid.", cidr)
	}
	for _, b := range v.CidrBlocks {
		if b.Overlaps(p) {
			return errf("InvalidVpc.Range", "The CIDR '%s' overlaps with the VPC's CIDR '%s'.", cidr, b)
		}
	}
	v.CidrBlocks = append(v.CidrBlocks, p)
	for _, rt := range n.RouteTables {
		if rt.VpcId == vpcID {
			rt.Routes = append(rt.Routes, Route{DestinationCidrBlock: p, TargetType: TargetLocal, TargetId: "local", State: "active", Origin: "CreateRouteTable"})
		}
	}
	return nil
}

// CreateSubnet creates a subnet inside one of the VPC's blocks; it may not
// overlap another subnet of the VPC (InvalidSubnet.Conflict).
func (n *Network) CreateSubnet(vpcID, cidr, az string) (*Subnet, error) {
	v := n.VPCs[vpcID]
	if v == nil {
		return nil, notFound("vpc", vpcID)
	}
	p, err := parseCIDR(cidr)
	if err != nil {
		return nil, err
	}
	inside := false
	for _, b := range v.CidrBlocks {
		inside = inside || (b.Contains(p.Addr()) && p.Bits() >= b.Bits())
	}
	if !inside || p.Bits() < 16 || p.Bits() > 28 {
		return nil, errf("InvalidSubnet.Range", "The CIDR '%s' is invalid.", cidr)
	}
	for _, s := range n.Subnets {
		if s.VpcId == vpcID && s.CidrBlock.Overlaps(p) {
			return nil, errf("InvalidSubnet.Conflict", "The CIDR '%s' conflicts with another subnet", cidr)
		}
	}
	s := &Subnet{SubnetId: n.id("subnet"), VpcId: vpcID, OwnerId: v.OwnerId, AvailabilityZone: az, CidrBlock: p}
	n.Subnets[s.SubnetId] = s
	return s, nil
}

// CreateInternetGateway creates a detached internet gateway.
func (n *Network) CreateInternetGateway() *InternetGateway {
	g := &InternetGateway{InternetGatewayId: n.id("igw"), OwnerId: n.OwnerID}
	n.InternetGateways[g.InternetGatewayId] = g
	return g
}

// AttachInternetGateway attaches g to a VPC (one gateway per VPC).
func (n *Network) AttachInternetGateway(igwID, vpcID string) error {
	g := n.InternetGateways[igwID]
	if g == nil {
		return notFound("igw", igwID)
	}
	if n.VPCs[vpcID] == nil {
		return notFound("vpc", vpcID)
	}
	if g.VpcId != "" {
		return errf("Resource.AlreadyAssociated", "resource %s is already attached to network %s", igwID, g.VpcId)
	}
	for _, o := range n.InternetGateways {
		if o.VpcId == vpcID {
			return errf("Resource.AlreadyAssociated", "network %s already has an internet gateway attached", vpcID)
		}
	}
	g.VpcId = vpcID
	return nil
}

// DetachInternetGateway detaches g from vpcID.
func (n *Network) DetachInternetGateway(igwID, vpcID string) error {
	g := n.InternetGateways[igwID]
	if g == nil {
		return notFound("igw", igwID)
	}
	if g.VpcId != vpcID {
		return errf("Gateway.NotAttached", "resource %s is not attached to network %s", igwID, vpcID)
	}
	g.VpcId = ""
	return nil
}

// CreateNatGateway creates an available public NAT gateway in a subnet, with
// an ENI holding privateIP and the Elastic IP publicIP.
func (n *Network) CreateNatGateway(subnetID string, privateIP, publicIP netip.Addr) (*NATGateway, error) {
	s := n.Subnets[subnetID]
	if s == nil {
		return nil, notFound("subnet", subnetID)
	}
	eni, err := n.CreateNetworkInterface(subnetID, privateIP, nil)
	if err != nil {
		return nil, err
	}
	eni.InterfaceType, eni.PublicIp, eni.Groups = "nat_gateway", publicIP, nil
	g := &NATGateway{NatGatewayId: n.id("nat"), VpcId: s.VpcId, SubnetId: subnetID, ConnectivityType: "public",
		State: "available", PrivateIp: eni.PrimaryIP(), PublicIp: publicIP}
	n.NATGateways[g.NatGatewayId] = g
	return g, nil
}

// CreateRouteTable creates a custom route table with the VPC's local routes.
func (n *Network) CreateRouteTable(vpcID string) (*RouteTable, error) {
	v := n.VPCs[vpcID]
	if v == nil {
		return nil, notFound("vpc", vpcID)
	}
	rt := &RouteTable{RouteTableId: n.id("rtb"), VpcId: vpcID, OwnerId: v.OwnerId}
	for _, b := range v.CidrBlocks {
		rt.Routes = append(rt.Routes, Route{DestinationCidrBlock: b, TargetType: TargetLocal, TargetId: "local", State: "active", Origin: "CreateRouteTable"})
	}
	n.RouteTables[rt.RouteTableId] = rt
	return rt, nil
}

// AssociateRouteTable associates a subnet with rt (replacing its previous
// explicit association).
func (n *Network) AssociateRouteTable(rtbID, subnetID string) error {
	rt := n.RouteTables[rtbID]
	if rt == nil {
		return notFound("rtb", rtbID)
	}
	s := n.Subnets[subnetID]
	if s == nil {
		return notFound("subnet", subnetID)
	}
	if s.VpcId != rt.VpcId {
		return errf("InvalidParameterValue", "route table %s and subnet %s belong to different networks", rtbID, subnetID)
	}
	for _, o := range n.RouteTables {
		o.SubnetIds = slices.DeleteFunc(o.SubnetIds, func(x string) bool { return x == subnetID })
	}
	rt.SubnetIds = append(rt.SubnetIds, subnetID)
	return nil
}

// AssociateGatewayRouteTable makes rt the edge route table of an internet gateway.
func (n *Network) AssociateGatewayRouteTable(rtbID, gatewayID string) error {
	rt := n.RouteTables[rtbID]
	if rt == nil {
		return notFound("rtb", rtbID)
	}
	g := n.InternetGateways[gatewayID]
	if g == nil {
		return notFound("igw", gatewayID)
	}
	if g.VpcId != rt.VpcId {
		return errf("InvalidParameterValue", "gateway %s is not attached to %s", gatewayID, rt.VpcId)
	}
	rt.GatewayIds = append(rt.GatewayIds, gatewayID)
	return nil
}

// CreateRoute adds r to a route table after checking its destination and
// target as EC2 does.
func (n *Network) CreateRoute(rtbID string, r Route) error {
	rt := n.RouteTables[rtbID]
	if rt == nil {
		return notFound("rtb", rtbID)
	}
	if err := n.checkRoute(rt, &r); err != nil {
		return err
	}
	for _, o := range rt.Routes {
		if o.Destination() == r.Destination() {
			return errf("RouteAlreadyExists", "The route identified by %s already exists.", r.Destination())
		}
	}
	if r.State == "" {
		r.State = "active"
	}
	r.Origin = "CreateRoute"
	rt.Routes = append(rt.Routes, r)
	return nil
}

// ReplaceRoute replaces the route with r's destination.
func (n *Network) ReplaceRoute(rtbID string, r Route) error {
	rt := n.RouteTables[rtbID]
	if rt == nil {
		return notFound("rtb", rtbID)
	}
	if err := n.checkRoute(rt, &r); err != nil {
		return err
	}
	for i := range rt.Routes {
		if rt.Routes[i].Destination() == r.Destination() {
			r.State, r.Origin = "active", "ReplaceRoute"
			rt.Routes[i] = r
			return nil
		}
	}
	return errf("InvalidRoute.NotFound", "no route with destination-cidr-block %s in route table %s", r.Destination(), rtbID)
}

// DeleteRoute removes the route to dest (a CIDR or pl- ID).
func (n *Network) DeleteRoute(rtbID, dest string) error {
	rt := n.RouteTables[rtbID]
	if rt == nil {
		return notFound("rtb", rtbID)
	}
	for i := range rt.Routes {
		if rt.Routes[i].Destination() == dest {
			if rt.Routes[i].TargetType == TargetLocal {
				return errf("InvalidParameterValue", "cannot remove local route %s in route table %s", dest, rtbID)
			}
			rt.Routes = slices.Delete(rt.Routes, i, i+1)
			return nil
		}
	}
	return errf("InvalidRoute.NotFound", "no route with destination-cidr-block %s in route table %s", dest, rtbID)
}

func (n *Network) checkRoute(rt *RouteTable, r *Route) error {
	if r.DestinationPrefixListId != "" {
		if n.PrefixLists[r.DestinationPrefixListId] == nil {
			return notFound("pl", r.DestinationPrefixListId)
		}
	} else if !r.DestinationCidrBlock.IsValid() && !r.DestinationIpv6CidrBlock.IsValid() {
		return errf("MissingParameter", "The request must contain the parameter destinationCidrBlock or destinationIpv6CidrBlock")
	}
	r.DestinationCidrBlock = r.DestinationCidrBlock.Masked()
	v := n.VPCs[rt.VpcId]
	if r.DestinationCidrBlock.IsValid() && v != nil {
		for _, b := range v.CidrBlocks {
			if b.Bits() < r.DestinationCidrBlock.Bits() && b.Contains(r.DestinationCidrBlock.Addr()) {
				if !n.isSubnetCIDR(rt.VpcId, r.DestinationCidrBlock) || !middleboxTarget(r.TargetType) {
					return errf("InvalidParameterValue", "The destination CIDR block %s is equal to or more specific than one of this VPC's CIDR blocks. This route can target only an interface or an instance.", r.DestinationCidrBlock)
				}
			}
		}
	}
	return n.checkTarget(rt.VpcId, r)
}

func middleboxTarget(t TargetType) bool {
	return t == TargetNetworkInterface || t == TargetInstance || t == TargetNatGateway || t == TargetGatewayLoadBalancerEndpoint
}

func (n *Network) isSubnetCIDR(vpc string, p netip.Prefix) bool {
	for _, s := range n.Subnets {
		if s.VpcId == vpc && s.CidrBlock == p {
			return true
		}
	}
	return false
}

func (n *Network) checkTarget(vpc string, r *Route) error {
	id := r.TargetId
	var ok bool
	switch r.TargetType {
	case TargetInternetGateway:
		g := n.InternetGateways[id]
		if g == nil {
			return notFound("igw", id)
		}
		if g.VpcId != vpc {
			return errf("InvalidParameterValue", "route table and network gateway %s belong to different networks", id)
		}
		ok = true
	case TargetNatGateway:
		ok = n.NATGateways[id] != nil
		if !ok {
			return notFound("nat", id)
		}
	case TargetVpcPeeringConnection:
		p := n.Peerings[id]
		if p == nil {
			return notFound("pcx", id)
		}
		ok = p.Peer(vpc) != ""
	case TargetNetworkInterface:
		ok = n.Interfaces[id] != nil
		if !ok {
			return notFound("eni", id)
		}
	case TargetInstance:
		ok = n.Instances[id] != nil
		if !ok {
			return notFound("i", id)
		}
	case TargetGatewayEndpoint:
		ok = n.Endpoints[id] != nil
		if !ok {
			return notFound("vpce", id)
		}
	case TargetLocal:
		return errf("InvalidParameterValue", "cannot create a route to local; local routes are created with the VPC's CIDR blocks")
	case 0:
		return errf("MissingParameter", "The request must contain a route target")
	default:
		ok = id != ""
	}
	if !ok {
		return errf("InvalidParameterValue", "route target %s does not belong to network %s", id, vpc)
	}
	return nil
}

// CreateVpcPeeringConnection requests a peering between two VPCs (of this
// network, possibly of two accounts). Overlapping CIDR blocks make the
// request fail, as EC2's status "failed" does.
func (n *Network) CreateVpcPeeringConnection(vpcID, peerVpcID string) (*PeeringConnection, error) {
	a, b := n.VPCs[vpcID], n.VPCs[peerVpcID]
	if a == nil {
		return nil, notFound("vpc", vpcID)
	}
	if b == nil {
		return nil, notFound("vpc", peerVpcID)
	}
	p := &PeeringConnection{VpcPeeringConnectionId: n.id("pcx"), RequesterVpcId: vpcID, RequesterOwnerId: a.OwnerId,
		AccepterVpcId: peerVpcID, AccepterOwnerId: b.OwnerId, Status: "pending-acceptance"}
	for _, x := range a.CidrBlocks {
		for _, y := range b.CidrBlocks {
			if x.Overlaps(y) {
				p.Status = "failed"
			}
		}
	}
	n.Peerings[p.VpcPeeringConnectionId] = p
	return p, nil
}

// AcceptVpcPeeringConnection makes a pending peering active.
func (n *Network) AcceptVpcPeeringConnection(pcxID string) error {
	p := n.Peerings[pcxID]
	if p == nil {
		return notFound("pcx", pcxID)
	}
	if p.Status != "pending-acceptance" {
		return errf("InvalidStateTransition", "Invalid state transition for %s, attempted to transition from %s to active", pcxID, p.Status)
	}
	p.Status = "active"
	return nil
}

// CreateManagedPrefixList creates a customer-managed IPv4 or IPv6 list.
func (n *Network) CreateManagedPrefixList(name, family string, maxEntries int, entries []string) (*PrefixList, error) {
	if family != "IPv4" && family != "IPv6" {
		return nil, errf("InvalidParameterValue", "Value (%s) for parameter AddressFamily is invalid. Valid values: IPv4, IPv6", family)
	}
	if maxEntries < 1 || maxEntries > Quotas.PrefixListMaxEntriesCap {
		return nil, errf("InvalidParameterValue", "MaxEntries %d is out of range 1-%d", maxEntries, Quotas.PrefixListMaxEntriesCap)
	}
	pl := &PrefixList{PrefixListId: n.id("pl"), PrefixListName: name, AddressFamily: family, MaxEntries: maxEntries, Version: 1, OwnerId: n.OwnerID}
	if err := pl.add(entries); err != nil {
		return nil, err
	}
	n.PrefixLists[pl.PrefixListId] = pl
	return pl, nil
}

// ModifyManagedPrefixList adds and removes entries; each change is a new version.
func (n *Network) ModifyManagedPrefixList(id string, add, remove []string) error {
	pl := n.PrefixLists[id]
	if pl == nil {
		return notFound("pl", id)
	}
	if pl.OwnerId == "AWS" {
		return errf("InvalidParameterValue", "prefix list %s is AWS-managed and read-only", id)
	}
	next := *pl
	next.Entries = slices.Clone(pl.Entries)
	for _, r := range remove {
		p, err := netip.ParsePrefix(r)
		i := slices.IndexFunc(next.Entries, func(e PrefixListEntry) bool { return err == nil && e.Cidr == p.Masked() })
		if i < 0 {
			return errf("InvalidParameterValue", "prefix list %s has no entry %s", id, r)
		}
		next.Entries = slices.Delete(next.Entries, i, i+1)
	}
	if err := next.add(add); err != nil {
		return err
	}
	next.Version++
	*pl = next
	return nil
}

func (pl *PrefixList) add(entries []string) error {
	out := slices.Clone(pl.Entries)
	for _, e := range entries {
		p, err := netip.ParsePrefix(strings.TrimSpace(e))
		if err != nil || p.Addr().Is4() != (pl.AddressFamily == "IPv4") {
			return errf("InvalidParameterValue", "The CIDR '%s' is not a valid %s CIDR", e, pl.AddressFamily)
		}
		if slices.ContainsFunc(out, func(x PrefixListEntry) bool { return x.Cidr == p.Masked() }) {
			return errf("InvalidParameterValue", "The CIDR '%s' is already in prefix list %s", e, pl.PrefixListId)
		}
		out = append(out, PrefixListEntry{Cidr: p.Masked()})
	}
	if len(out) > pl.MaxEntries {
		return errf("PrefixListMaxEntriesExceeded", "prefix list %s would have %d entries; its MaxEntries is %d", pl.PrefixListId, len(out), pl.MaxEntries)
	}
	pl.Entries = out
	return nil
}
