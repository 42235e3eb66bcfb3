package vpc

import (
	"net/netip"
	"slices"
)

// CreateNetworkInterface creates an ENI in a subnet with the given private
// IPv4 address (the zero Addr: the next free one) and security groups (none:
// the VPC's default group).
func (n *Network) CreateNetworkInterface(subnetID string, ip netip.Addr, groups []string) (*NetworkInterface, error) {
	s := n.Subnets[subnetID]
	if s == nil {
		return nil, notFound("subnet", subnetID)
	}
	if groups == nil {
		if v := n.VPCs[s.VpcId]; v != nil && v.DefaultSecurityGroupId != "" {
			groups = []string{v.DefaultSecurityGroupId}
		}
	}
	if err := n.checkGroups(s.VpcId, groups); err != nil {
		return nil, err
	}
	if !ip.IsValid() {
		var err error
		if ip, err = n.freeIP(s); err != nil {
			return nil, err
		}
	} else if err := n.checkIP(s, ip); err != nil {
		return nil, err
	}
	e := &NetworkInterface{NetworkInterfaceId: n.id("eni"), SubnetId: subnetID, VpcId: s.VpcId, OwnerId: s.OwnerId,
		InterfaceType: "interface", Status: "available", PrivateIpAddresses: []netip.Addr{ip},
		Groups: slices.Clone(groups), SourceDestCheck: true}
	n.Interfaces[e.NetworkInterfaceId] = e
	return e, nil
}

func (n *Network) checkGroups(vpc string, groups []string) error {
	if len(groups) > Quotas.SecurityGroupsPerENI {
		return errf("SecurityGroupsPerInterfaceLimitExceeded", "The maximum number of security groups per interface has been reached.")
	}
	for _, id := range groups {
		g := n.SecurityGroups[id]
		if g == nil {
			return notFound("sg", id)
		}
		if g.VpcId != vpc {
			return errf("InvalidParameterValue", "Security group %s and subnet belong to different networks.", id)
		}
	}
	return nil
}

// The first four addresses and the last one of a subnet are reserved.
func (n *Network) checkIP(s *Subnet, ip netip.Addr) error {
	if !s.CidrBlock.Contains(ip) {
		return errf("InvalidParameterValue", "Address %s does not fall within the subnet's address range", ip)
	}
	set := PrefixSet(s.CidrBlock)
	lo, _ := set.Min()
	hi := set.s[len(set.s)-1].hi
	if v := addrU32(ip); v < lo+4 || v == hi {
		return errf("InvalidParameterValue", "Address %s is reserved in subnet %s (the first four and the last address are)", ip, s.SubnetId)
	}
	for _, e := range n.Interfaces {
		if e.SubnetId == s.SubnetId && slices.Contains(e.PrivateIpAddresses, ip) {
			return errf("InvalidIPAddress.InUse", "Address %s is in use.", ip)
		}
	}
	return nil
}

func (n *Network) freeIP(s *Subnet) (netip.Addr, error) {
	used := map[netip.Addr]bool{}
	for _, e := range n.Interfaces {
		if e.SubnetId == s.SubnetId {
			for _, ip := range e.PrivateIpAddresses {
				used[ip] = true
			}
		}
	}
	set := PrefixSet(s.CidrBlock)
	lo, _ := set.Min()
	for v := lo + 4; v < set.s[0].hi; v++ {
		if ip := u32Addr(v); !used[ip] {
			return ip, nil
		}
	}
	return netip.Addr{}, errf("InsufficientFreeAddressesInSubnet", "There are not enough free addresses in subnet '%s' to satisfy the requested number of instances.", s.SubnetId)
}

// ModifyNetworkInterfaceGroups replaces the ENI's security groups.
func (n *Network) ModifyNetworkInterfaceGroups(eniID string, groups []string) error {
	e := n.Interfaces[eniID]
	if e == nil {
		return notFound("eni", eniID)
	}
	if len(groups) == 0 {
		return errf("InvalidParameterValue", "at least one security group is required")
	}
	if err := n.checkGroups(e.VpcId, groups); err != nil {
		return err
	}
	e.Groups = slices.Clone(groups)
	return nil
}

// ModifyNetworkInterfaceSourceDestCheck sets the source/destination check.
func (n *Network) ModifyNetworkInterfaceSourceDestCheck(eniID string, check bool) error {
	e := n.Interfaces[eniID]
	if e == nil {
		return notFound("eni", eniID)
	}
	e.SourceDestCheck = check
	return nil
}

// AssociatePublicIp gives the ENI's primary address a public IPv4 address.
func (n *Network) AssociatePublicIp(eniID string, ip netip.Addr) error {
	e := n.Interfaces[eniID]
	if e == nil {
		return notFound("eni", eniID)
	}
	if !ip.Is4() {
		return errf("InvalidParameterValue", "public IP %s is not an IPv4 address", ip)
	}
	for _, o := range n.Interfaces {
		if o.PublicIp == ip {
			return errf("InvalidIPAddress.InUse", "Address %s is in use.", ip)
		}
	}
	e.PublicIp = ip
	return nil
}

// RunInstance launches one running instance in a subnet with a primary ENI.
// Any ImageId is accepted (AMIs are not modelled).
func (n *Network) RunInstance(subnetID string, groups []string, publicIP netip.Addr) (*Instance, error) {
	e, err := n.CreateNetworkInterface(subnetID, netip.Addr{}, groups)
	if err != nil {
		return nil, err
	}
	if publicIP.IsValid() {
		if err := n.AssociatePublicIp(e.NetworkInterfaceId, publicIP); err != nil {
			delete(n.Interfaces, e.NetworkInterfaceId)
			return nil, err
		}
	}
	inst := &Instance{InstanceId: n.id("i"), State: "running", NetworkInterfaceIds: []string{e.NetworkInterfaceId},
		HttpTokens: "required", HttpPutResponseHopLimit: 2}
	e.InstanceId, e.Status = inst.InstanceId, "in-use"
	n.Instances[inst.InstanceId] = inst
	return inst, nil
}

// TerminateInstance terminates an instance and deletes its ENIs.
func (n *Network) TerminateInstance(id string) error {
	inst := n.Instances[id]
	if inst == nil {
		return notFound("i", id)
	}
	for _, e := range inst.NetworkInterfaceIds {
		delete(n.Interfaces, e)
	}
	inst.State = "terminated"
	inst.NetworkInterfaceIds = nil
	return nil
}
