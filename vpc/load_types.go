package vpc

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// The structs below mirror the AWS CLI's JSON output (field names as EC2's
// API reference spells them); unknown fields are ignored.

func (l *loader) vpc(raw json.RawMessage) error {
	var w struct {
		VpcId, OwnerId, CidrBlock string
		IsDefault                 bool
		CidrBlockAssociationSet   []struct {
			CidrBlock      string
			CidrBlockState struct{ State string }
		}
		Ipv6CidrBlockAssociationSet []struct{ Ipv6CidrBlock string }
	}
	if err := decode(raw, &w); err != nil {
		return err
	}
	if err := need(w.VpcId, "VpcId", "vpc-"); err != nil {
		return err
	}
	v := &VPC{VpcId: w.VpcId, OwnerId: w.OwnerId, IsDefault: w.IsDefault}
	if w.CidrBlock != "" {
		p, err := prefix4(w.CidrBlock, "CidrBlock")
		if err != nil {
			return err
		}
		v.CidrBlocks = append(v.CidrBlocks, p)
	}
	for i, a := range w.CidrBlockAssociationSet {
		if s := a.CidrBlockState.State; s != "" && s != "associated" {
			continue
		}
		p, err := prefix4(a.CidrBlock, fmt.Sprintf("CidrBlockAssociationSet[%d].CidrBlock", i))
		if err != nil {
			return err
		}
		if !slices.Contains(v.CidrBlocks, p) {
			v.CidrBlocks = append(v.CidrBlocks, p)
		}
	}
	for i, a := range w.Ipv6CidrBlockAssociationSet {
		p, err := prefix6(a.Ipv6CidrBlock, fmt.Sprintf("Ipv6CidrBlockAssociationSet[%d].Ipv6CidrBlock", i))
		if err != nil {
			return err
		}
		v.Ipv6CidrBlocks = append(v.Ipv6CidrBlocks, p)
	}
	if len(v.CidrBlocks) == 0 {
		return bad("CidrBlock", "missing")
	}
	l.t.VPCs[v.VpcId] = v
	return nil
}

func (l *loader) subnet(raw json.RawMessage) error {
	var w struct {
		SubnetId, VpcId, OwnerId, CidrBlock, AvailabilityZone string
		MapPublicIpOnLaunch                                   bool
		Ipv6CidrBlockAssociationSet                           []struct{ Ipv6CidrBlock string }
	}
	if err := decode(raw, &w); err != nil {
		return err
	}
	if err := need(w.SubnetId, "SubnetId", "subnet-"); err != nil {
		return err
	}
	if err := need(w.VpcId, "VpcId", "vpc-"); err != nil {
		return err
	}
	p, err := prefix4(w.CidrBlock, "CidrBlock")
	if err != nil {
		return err
	}
	s := &Subnet{SubnetId: w.SubnetId, VpcId: w.VpcId, OwnerId: w.OwnerId, CidrBlock: p,
		AvailabilityZone: w.AvailabilityZone, MapPublicIpOnLaunch: w.MapPublicIpOnLaunch}
	if len(w.Ipv6CidrBlockAssociationSet) > 0 {
		if s.Ipv6CidrBlock, err = prefix6(w.Ipv6CidrBlockAssociationSet[0].Ipv6CidrBlock, "Ipv6CidrBlockAssociationSet[0].Ipv6CidrBlock"); err != nil {
			return err
		}
	}
	l.t.Subnets[s.SubnetId] = s
	return nil
}

type wRoute struct {
	DestinationCidrBlock, DestinationIpv6CidrBlock, DestinationPrefixListId         string
	GatewayId, NatGatewayId, VpcPeeringConnectionId, NetworkInterfaceId, InstanceId string
	TransitGatewayId, EgressOnlyInternetGatewayId, LocalGatewayId, CarrierGatewayId string
	CoreNetworkArn, Origin, State                                                   string
}

func (l *loader) routeTable(raw json.RawMessage) error {
	var w struct {
		RouteTableId, VpcId, OwnerId string
		Associations                 []struct {
			Main                bool
			SubnetId, GatewayId string
			AssociationState    struct{ State string }
		}
		Routes []wRoute
	}
	if err := decode(raw, &w); err != nil {
		return err
	}
	if err := need(w.RouteTableId, "RouteTableId", "rtb-"); err != nil {
		return err
	}
	if err := need(w.VpcId, "VpcId", "vpc-"); err != nil {
		return err
	}
	rt := &RouteTable{RouteTableId: w.RouteTableId, VpcId: w.VpcId, OwnerId: w.OwnerId}
	for _, a := range w.Associations {
		if s := a.AssociationState.State; s != "" && s != "associated" {
			continue
		}
		rt.Main = rt.Main || a.Main
		if a.SubnetId != "" {
			rt.SubnetIds = append(rt.SubnetIds, a.SubnetId)
		}
		if a.GatewayId != "" {
			rt.GatewayIds = append(rt.GatewayIds, a.GatewayId)
		}
	}
	for i, wr := range w.Routes {
		r, err := convRoute(wr, fmt.Sprintf("Routes[%d]", i))
		if err != nil {
			return err
		}
		rt.Routes = append(rt.Routes, r)
	}
	l.t.RouteTables[rt.RouteTableId] = rt
	return nil
}

func convRoute(w wRoute, path string) (Route, error) {
	r := Route{DestinationPrefixListId: w.DestinationPrefixListId, State: w.State, Origin: w.Origin}
	var err error
	switch {
	case w.DestinationCidrBlock != "":
		r.DestinationCidrBlock, err = prefix4(w.DestinationCidrBlock, path+".DestinationCidrBlock")
	case w.DestinationIpv6CidrBlock != "":
		r.DestinationIpv6CidrBlock, err = prefix6(w.DestinationIpv6CidrBlock, path+".DestinationIpv6CidrBlock")
	case w.DestinationPrefixListId == "":
		err = bad(path, "route has no DestinationCidrBlock, DestinationIpv6CidrBlock or DestinationPrefixListId")
	}
	if err != nil {
		return r, err
	}
	switch {
	case w.GatewayId == "local":
		r.TargetType, r.TargetId = TargetLocal, "local"
	case strings.HasPrefix(w.GatewayId, "igw-"):
		r.TargetType, r.TargetId = TargetInternetGateway, w.GatewayId
	case strings.HasPrefix(w.GatewayId, "vgw-"):
		r.TargetType, r.TargetId = TargetVirtualPrivateGateway, w.GatewayId
	case strings.HasPrefix(w.GatewayId, "vpce-"):
		r.TargetType, r.TargetId = TargetGatewayEndpoint, w.GatewayId
		if w.DestinationPrefixListId == "" {
			r.TargetType = TargetGatewayLoadBalancerEndpoint
		}
	case w.NatGatewayId != "":
		r.TargetType, r.TargetId = TargetNatGateway, w.NatGatewayId
	case w.VpcPeeringConnectionId != "":
		r.TargetType, r.TargetId = TargetVpcPeeringConnection, w.VpcPeeringConnectionId
	case w.NetworkInterfaceId != "":
		r.TargetType, r.TargetId = TargetNetworkInterface, w.NetworkInterfaceId
	case w.InstanceId != "":
		r.TargetType, r.TargetId = TargetInstance, w.InstanceId
	case w.TransitGatewayId != "":
		r.TargetType, r.TargetId = TargetTransitGateway, w.TransitGatewayId
	case w.EgressOnlyInternetGatewayId != "":
		r.TargetType, r.TargetId = TargetEgressOnlyInternetGateway, w.EgressOnlyInternetGatewayId
	case w.LocalGatewayId != "":
		r.TargetType, r.TargetId = TargetLocalGateway, w.LocalGatewayId
	case w.CarrierGatewayId != "":
		r.TargetType, r.TargetId = TargetCarrierGateway, w.CarrierGatewayId
	case w.CoreNetworkArn != "":
		r.TargetType, r.TargetId = TargetCoreNetwork, w.CoreNetworkArn
	case w.State == "blackhole":
		r.TargetType = TargetNetworkInterface
	default:
		return r, bad(path, "route to %s has no target", r.Destination())
	}
	if r.State == "" {
		r.State = "active"
	}
	return r, nil
}

type wPermission struct {
	IpProtocol       string
	FromPort, ToPort *int
	IpRanges         []struct{ CidrIp, Description string }
	Ipv6Ranges       []struct{ CidrIpv6, Description string }
	PrefixListIds    []struct{ PrefixListId, Description string }
	UserIdGroupPairs []struct {
		GroupId, UserId, VpcId, VpcPeeringConnectionId, PeeringStatus, Description string
	}
}

func (l *loader) securityGroup(raw json.RawMessage) error {
	var w struct {
		GroupId, GroupName, Description, VpcId, OwnerId string
		IpPermissions, IpPermissionsEgress              []wPermission
	}
	if err := decode(raw, &w); err != nil {
		return err
	}
	if err := need(w.GroupId, "GroupId", "sg-"); err != nil {
		return err
	}
	g := &SecurityGroup{GroupId: w.GroupId, GroupName: w.GroupName, Description: w.Description, VpcId: w.VpcId, OwnerId: w.OwnerId}
	for i, p := range w.IpPermissions {
		rules, err := convPermission(p, false, fmt.Sprintf("IpPermissions[%d]", i))
		if err != nil {
			return err
		}
		g.Ingress = append(g.Ingress, rules...)
	}
	for i, p := range w.IpPermissionsEgress {
		rules, err := convPermission(p, true, fmt.Sprintf("IpPermissionsEgress[%d]", i))
		if err != nil {
			return err
		}
		g.Egress = append(g.Egress, rules...)
	}
	l.t.SecurityGroups[g.GroupId] = g
	return nil
}

func convPermission(p wPermission, egress bool, path string) ([]SecurityGroupRule, error) {
	proto, err := ParseProtocol(p.IpProtocol)
	if err != nil {
		return nil, bad(path+".IpProtocol", "%q is not a protocol (tcp, udp, icmp, icmpv6, -1 or 0-255)", p.IpProtocol)
	}
	from, to := -1, -1
	if proto == ProtoTCP || proto == ProtoUDP || proto == ProtoICMP || proto == ProtoICMPv6 {
		if from, to, err = ports(proto, p.FromPort, p.ToPort); err != nil {
			return nil, bad(path+".FromPort", "%s", err.(*Error).Message)
		}
	}
	base := SecurityGroupRule{IsEgress: egress, IpProtocol: proto, FromPort: from, ToPort: to}
	var out []SecurityGroupRule
	for i, r := range p.IpRanges {
		c, err := prefix4(r.CidrIp, fmt.Sprintf("%s.IpRanges[%d].CidrIp", path, i))
		if err != nil {
			return nil, err
		}
		x := base
		x.CidrIpv4, x.Description = c, r.Description
		out = append(out, x)
	}
	for i, r := range p.Ipv6Ranges {
		c, err := prefix6(r.CidrIpv6, fmt.Sprintf("%s.Ipv6Ranges[%d].CidrIpv6", path, i))
		if err != nil {
			return nil, err
		}
		x := base
		x.CidrIpv6, x.Description = c, r.Description
		out = append(out, x)
	}
	for i, r := range p.PrefixListIds {
		if err := need(r.PrefixListId, fmt.Sprintf("%s.PrefixListIds[%d].PrefixListId", path, i), "pl-"); err != nil {
			return nil, err
		}
		x := base
		x.PrefixListId, x.Description = r.PrefixListId, r.Description
		out = append(out, x)
	}
	for i, r := range p.UserIdGroupPairs {
		if err := need(r.GroupId, fmt.Sprintf("%s.UserIdGroupPairs[%d].GroupId", path, i), "sg-"); err != nil {
			return nil, err
		}
		x := base
		x.ReferencedGroup = &ReferencedGroup{GroupId: r.GroupId, UserId: r.UserId, VpcId: r.VpcId,
			VpcPeeringConnectionId: r.VpcPeeringConnectionId, PeeringStatus: r.PeeringStatus}
		x.Description = r.Description
		out = append(out, x)
	}
	return out, nil
}

func (l *loader) networkACL(raw json.RawMessage) error {
	var w struct {
		NetworkAclId, VpcId, OwnerId string
		IsDefault                    bool
		Associations                 []struct{ SubnetId string }
		Entries                      []struct {
			RuleNumber                                     int
			Protocol, RuleAction, CidrBlock, Ipv6CidrBlock string
			Egress                                         bool
			PortRange                                      *struct{ From, To int }
			IcmpTypeCode                                   *struct{ Type, Code int }
		}
	}
	if err := decode(raw, &w); err != nil {
		return err
	}
	if err := need(w.NetworkAclId, "NetworkAclId", "acl-"); err != nil {
		return err
	}
	acl := &NetworkACL{NetworkAclId: w.NetworkAclId, VpcId: w.VpcId, OwnerId: w.OwnerId, IsDefault: w.IsDefault}
	for _, a := range w.Associations {
		acl.SubnetIds = append(acl.SubnetIds, a.SubnetId)
	}
	for i, e := range w.Entries {
		path := fmt.Sprintf("Entries[%d]", i)
		if e.RuleNumber < 1 || e.RuleNumber > 32768 {
			return bad(path+".RuleNumber", "%d is outside 1-32766 (32767/32768 for the default rule)", e.RuleNumber)
		}
		if e.RuleAction != "allow" && e.RuleAction != "deny" {
			return bad(path+".RuleAction", "%q is not allow or deny", e.RuleAction)
		}
		proto, err := ParseProtocol(e.Protocol)
		if err != nil {
			return bad(path+".Protocol", "%q is not a protocol number", e.Protocol)
		}
		x := ACLEntry{RuleNumber: e.RuleNumber, Egress: e.Egress, Protocol: proto, RuleAction: e.RuleAction,
			FromPort: -1, ToPort: -1, IcmpType: -1, IcmpCode: -1}
		switch {
		case e.CidrBlock != "":
			if x.CidrBlock, err = prefix4(e.CidrBlock, path+".CidrBlock"); err != nil {
				return err
			}
		case e.Ipv6CidrBlock != "":
			if x.Ipv6CidrBlock, err = prefix6(e.Ipv6CidrBlock, path+".Ipv6CidrBlock"); err != nil {
				return err
			}
		default:
			return bad(path, "entry has no CidrBlock or Ipv6CidrBlock")
		}
		if e.PortRange != nil {
			if e.PortRange.From < 0 || e.PortRange.To > 65535 || e.PortRange.From > e.PortRange.To {
				return bad(path+".PortRange", "%d-%d is not a port range within 0-65535", e.PortRange.From, e.PortRange.To)
			}
			x.FromPort, x.ToPort = e.PortRange.From, e.PortRange.To
		}
		if e.IcmpTypeCode != nil {
			x.IcmpType, x.IcmpCode = e.IcmpTypeCode.Type, e.IcmpTypeCode.Code
		}
		acl.Entries = append(acl.Entries, x)
	}
	l.t.NetworkACLs[acl.NetworkAclId] = acl
	return nil
}

type wENI struct {
	NetworkInterfaceId, SubnetId, VpcId, OwnerId, InterfaceType, Status, Description string
	PrivateIpAddress                                                                 string
	SourceDestCheck                                                                  *bool
	Association                                                                      *struct{ PublicIp string }
	Attachment                                                                       *struct {
		InstanceId  string
		DeviceIndex int
	}
	Groups             []struct{ GroupId string }
	PrivateIpAddresses []struct {
		PrivateIpAddress string
		Primary          bool
		Association      *struct{ PublicIp string }
	}
	Ipv6Addresses []struct{ Ipv6Address string }
}

func convENI(w wENI, path string) (*NetworkInterface, error) {
	if err := need(w.NetworkInterfaceId, path+"NetworkInterfaceId", "eni-"); err != nil {
		return nil, err
	}
	e := &NetworkInterface{NetworkInterfaceId: w.NetworkInterfaceId, SubnetId: w.SubnetId, VpcId: w.VpcId, OwnerId: w.OwnerId,
		InterfaceType: w.InterfaceType, Status: w.Status, Description: w.Description, SourceDestCheck: true}
	if w.SourceDestCheck != nil {
		e.SourceDestCheck = *w.SourceDestCheck
	}
	if w.Attachment != nil {
		e.InstanceId = w.Attachment.InstanceId
	}
	for _, g := range w.Groups {
		e.Groups = append(e.Groups, g.GroupId)
	}
	ips := w.PrivateIpAddresses
	slices.SortStableFunc(ips, func(a, b struct {
		PrivateIpAddress string
		Primary          bool
		Association      *struct{ PublicIp string }
	}) int {
		if a.Primary == b.Primary {
			return 0
		}
		if a.Primary {
			return -1
		}
		return 1
	})
	for i, p := range ips {
		a, err := addr(p.PrivateIpAddress, fmt.Sprintf("%sPrivateIpAddresses[%d].PrivateIpAddress", path, i))
		if err != nil {
			return nil, err
		}
		if a.IsValid() {
			e.PrivateIpAddresses = append(e.PrivateIpAddresses, a)
		}
		if p.Primary && p.Association != nil && !e.PublicIp.IsValid() {
			if e.PublicIp, err = addr(p.Association.PublicIp, fmt.Sprintf("%sPrivateIpAddresses[%d].Association.PublicIp", path, i)); err != nil {
				return nil, err
			}
		}
	}
	if len(e.PrivateIpAddresses) == 0 && w.PrivateIpAddress != "" {
		a, err := addr(w.PrivateIpAddress, path+"PrivateIpAddress")
		if err != nil {
			return nil, err
		}
		e.PrivateIpAddresses = []netip.Addr{a}
	}
	if w.Association != nil && !e.PublicIp.IsValid() {
		var err error
		if e.PublicIp, err = addr(w.Association.PublicIp, path+"Association.PublicIp"); err != nil {
			return nil, err
		}
	}
	for i, a := range w.Ipv6Addresses {
		ip, err := addr(a.Ipv6Address, fmt.Sprintf("%sIpv6Addresses[%d].Ipv6Address", path, i))
		if err != nil {
			return nil, err
		}
		e.Ipv6Addresses = append(e.Ipv6Addresses, ip)
	}
	if err := need(e.SubnetId, path+"SubnetId", "subnet-"); err != nil {
		return nil, err
	}
	return e, nil
}

func (l *loader) networkInterface(raw json.RawMessage) error {
	var w wENI
	if err := decode(raw, &w); err != nil {
		return err
	}
	e, err := convENI(w, "")
	if err != nil {
		return err
	}
	l.t.Interfaces[e.NetworkInterfaceId] = e
	return nil
}

func (l *loader) reservation(raw json.RawMessage) error {
	var w struct {
		OwnerId   string
		Instances []struct {
			InstanceId, ImageId, SubnetId, VpcId string
			PrivateIpAddress, PublicIpAddress    string
			SourceDestCheck                      *bool
			SecurityGroups                       []struct{ GroupId string }
			State                                struct{ Name string }
			IamInstanceProfile                   *struct{ Arn string }
			MetadataOptions                      *struct {
				HttpTokens              string
				HttpPutResponseHopLimit int
			}
			NetworkInterfaces []wENI
		}
	}
	if err := decode(raw, &w); err != nil {
		return err
	}
	for i, wi := range w.Instances {
		path := fmt.Sprintf("Instances[%d].", i)
		if err := need(wi.InstanceId, path+"InstanceId", "i-"); err != nil {
			return err
		}
		inst := &Instance{InstanceId: wi.InstanceId, State: wi.State.Name, ImageId: wi.ImageId}
		if wi.IamInstanceProfile != nil {
			inst.IamInstanceProfile = wi.IamInstanceProfile.Arn
		}
		if m := wi.MetadataOptions; m != nil {
			inst.HttpTokens, inst.HttpPutResponseHopLimit = m.HttpTokens, m.HttpPutResponseHopLimit
		}
		nis := wi.NetworkInterfaces
		if len(nis) == 0 && wi.SubnetId != "" && wi.PrivateIpAddress != "" {
			// Output without NetworkInterfaces (trimmed with --query, or
			// older): the instance-level fields describe the primary ENI.
			syn := wENI{NetworkInterfaceId: "eni-of-" + wi.InstanceId, SubnetId: wi.SubnetId, VpcId: wi.VpcId,
				PrivateIpAddress: wi.PrivateIpAddress, SourceDestCheck: wi.SourceDestCheck}
			if wi.PublicIpAddress != "" {
				syn.Association = &struct{ PublicIp string }{wi.PublicIpAddress}
			}
			for _, g := range wi.SecurityGroups {
				syn.Groups = append(syn.Groups, struct{ GroupId string }{g.GroupId})
			}
			nis = []wENI{syn}
		}
		slices.SortStableFunc(nis, func(a, b wENI) int { return deviceIndex(a) - deviceIndex(b) })
		for j, wn := range nis {
			if wn.VpcId == "" {
				wn.VpcId = wi.VpcId
			}
			if wn.OwnerId == "" {
				wn.OwnerId = w.OwnerId
			}
			e, err := convENI(wn, fmt.Sprintf("%sNetworkInterfaces[%d].", path, j))
			if err != nil {
				return err
			}
			e.InstanceId = inst.InstanceId
			l.t.Interfaces[e.NetworkInterfaceId] = e
			inst.NetworkInterfaceIds = append(inst.NetworkInterfaceIds, e.NetworkInterfaceId)
		}
		l.t.Instances[inst.InstanceId] = inst
	}
	return nil
}

func deviceIndex(w wENI) int {
	if w.Attachment == nil {
		return 1 << 20
	}
	return w.Attachment.DeviceIndex
}

func (l *loader) internetGateway(raw json.RawMessage) error {
	var w struct {
		InternetGatewayId, OwnerId string
		Attachments                []struct{ VpcId, State string }
	}
	if err := decode(raw, &w); err != nil {
		return err
	}
	if err := need(w.InternetGatewayId, "InternetGatewayId", "igw-"); err != nil {
		return err
	}
	g := &InternetGateway{InternetGatewayId: w.InternetGatewayId, OwnerId: w.OwnerId}
	for _, a := range w.Attachments {
		if a.State == "available" || a.State == "attached" || a.State == "" {
			g.VpcId = a.VpcId
		}
	}
	l.t.InternetGateways[g.InternetGatewayId] = g
	return nil
}

func (l *loader) natGateway(raw json.RawMessage) error {
	var w struct {
		NatGatewayId, SubnetId, VpcId, State, ConnectivityType string
		NatGatewayAddresses                                    []struct{ PublicIp, PrivateIp, AllocationId string }
	}
	if err := decode(raw, &w); err != nil {
		return err
	}
	if err := need(w.NatGatewayId, "NatGatewayId", "nat-"); err != nil {
		return err
	}
	if err := need(w.SubnetId, "SubnetId", "subnet-"); err != nil {
		return err
	}
	g := &NATGateway{NatGatewayId: w.NatGatewayId, SubnetId: w.SubnetId, VpcId: w.VpcId, State: w.State, ConnectivityType: w.ConnectivityType}
	if g.ConnectivityType == "" {
		g.ConnectivityType = "public"
	}
	for i, a := range w.NatGatewayAddresses {
		p := fmt.Sprintf("NatGatewayAddresses[%d].", i)
		var err error
		if i == 0 {
			if g.PrivateIp, err = addr(a.PrivateIp, p+"PrivateIp"); err != nil {
				return err
			}
			if g.PublicIp, err = addr(a.PublicIp, p+"PublicIp"); err != nil {
				return err
			}
			g.AllocationId = a.AllocationId
		}
	}
	l.t.NATGateways[g.NatGatewayId] = g
	return nil
}

func (l *loader) peering(raw json.RawMessage) error {
	type info struct{ VpcId, OwnerId string }
	var w struct {
		VpcPeeringConnectionId            string
		Status                            struct{ Code string }
		RequesterVpcInfo, AccepterVpcInfo info
	}
	if err := decode(raw, &w); err != nil {
		return err
	}
	if err := need(w.VpcPeeringConnectionId, "VpcPeeringConnectionId", "pcx-"); err != nil {
		return err
	}
	l.t.Peerings[w.VpcPeeringConnectionId] = &PeeringConnection{VpcPeeringConnectionId: w.VpcPeeringConnectionId,
		RequesterVpcId: w.RequesterVpcInfo.VpcId, RequesterOwnerId: w.RequesterVpcInfo.OwnerId,
		AccepterVpcId: w.AccepterVpcInfo.VpcId, AccepterOwnerId: w.AccepterVpcInfo.OwnerId, Status: w.Status.Code}
	return nil
}

func (l *loader) prefixList(raw json.RawMessage) error {
	var w struct {
		PrefixListId, PrefixListName, AddressFamily, OwnerId string
		MaxEntries                                           *int
		Version                                              *int64
	}
	if err := decode(raw, &w); err != nil {
		return err
	}
	if err := need(w.PrefixListId, "PrefixListId", "pl-"); err != nil {
		return err
	}
	pl := &PrefixList{PrefixListId: w.PrefixListId, PrefixListName: w.PrefixListName, AddressFamily: w.AddressFamily, OwnerId: w.OwnerId}
	if w.MaxEntries != nil {
		pl.MaxEntries = *w.MaxEntries
	}
	if w.Version != nil {
		pl.Version = int(*w.Version)
	}
	l.t.PrefixLists[pl.PrefixListId] = pl
	return nil
}

func (l *loader) endpoint(raw json.RawMessage) error {
	var w struct {
		VpcEndpointId, VpcEndpointType, VpcId, OwnerId, ServiceName, State, PolicyDocument string
		RouteTableIds, SubnetIds, NetworkInterfaceIds                                      []string
		Groups                                                                             []struct{ GroupId string }
		PrivateDnsEnabled                                                                  bool
	}
	if err := decode(raw, &w); err != nil {
		return err
	}
	if err := need(w.VpcEndpointId, "VpcEndpointId", "vpce-"); err != nil {
		return err
	}
	e := &VPCEndpoint{VpcEndpointId: w.VpcEndpointId, VpcEndpointType: w.VpcEndpointType, VpcId: w.VpcId, OwnerId: w.OwnerId,
		ServiceName: w.ServiceName, State: w.State, PolicyDocument: w.PolicyDocument, RouteTableIds: w.RouteTableIds,
		SubnetIds: w.SubnetIds, NetworkInterfaceIds: w.NetworkInterfaceIds, PrivateDnsEnabled: w.PrivateDnsEnabled}
	for _, g := range w.Groups {
		e.Groups = append(e.Groups, g.GroupId)
	}
	if e.PolicyDocument != "" {
		c, err := CompileEndpointPolicy(e.PolicyDocument)
		if err != nil {
			return bad("PolicyDocument", "%s", err.(*Error).Message)
		}
		e.Policy = c
	}
	l.t.Endpoints[e.VpcEndpointId] = e
	return nil
}
