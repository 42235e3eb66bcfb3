package vpc

import (
	"net/netip"
)

// Address is an Elastic IP address.
type Address struct {
	AllocationId       string
	PublicIp           netip.Addr
	Domain             string // "vpc"
	NetworkInterfaceId string // "" when not associated
	NatGatewayId       string
}

// AddressPool is where AllocateAddress takes public addresses from when the
// caller names none. AWS picks from Amazon's pool; moat uses a documentation
// range by default (254 addresses) so that no real address appears; a server
// can widen it.
var AddressPool = netip.MustParsePrefix("203.0.113.0/24")

// AllocateAddress allocates an Elastic IP: ip, or the next free address of
// AddressPool when ip is the zero Addr.
func (n *Network) AllocateAddress(ip netip.Addr) (*Address, error) {
	used := map[netip.Addr]bool{}
	for _, a := range n.Addresses {
		used[a.PublicIp] = true
	}
	for _, e := range n.Interfaces {
		if e.PublicIp.IsValid() {
			used[e.PublicIp] = true
		}
	}
	if ip.IsValid() {
		if !ip.Is4() || !internetAddrs.Contains(addrU32(ip)) {
			return nil, errf("InvalidParameterValue", "Address %s is not a public IPv4 address", ip)
		}
		if used[ip] {
			return nil, errf("InvalidIPAddress.InUse", "Address %s is in use.", ip)
		}
	} else {
		set := PrefixSet(AddressPool)
		lo, _ := set.Min()
		for v := lo + 1; v < set.s[0].hi; v++ {
			if a := u32Addr(v); !used[a] {
				ip = a
				break
			}
		}
		if !ip.IsValid() {
			return nil, errf("AddressLimitExceeded", "The maximum number of addresses has been reached.")
		}
	}
	a := &Address{AllocationId: n.id("eipalloc"), PublicIp: ip, Domain: "vpc"}
	n.Addresses[a.AllocationId] = a
	return a, nil
}

// AssociateAddress gives an ENI's primary private address the Elastic IP
// (replacing any public IP it had).
func (n *Network) AssociateAddress(allocationID, eniID string) error {
	a := n.Addresses[allocationID]
	if a == nil {
		return errf("InvalidAllocationID.NotFound", "The allocation ID '%s' does not exist", allocationID)
	}
	e := n.Interfaces[eniID]
	if e == nil {
		return notFound("eni", eniID)
	}
	if a.NetworkInterfaceId != "" || a.NatGatewayId != "" {
		return errf("Resource.AlreadyAssociated", "resource %s is already associated with associate-id %s%s", allocationID, a.NetworkInterfaceId, a.NatGatewayId)
	}
	e.PublicIp, a.NetworkInterfaceId = a.PublicIp, eniID
	return nil
}

// DisassociateAddress removes an Elastic IP from its interface.
func (n *Network) DisassociateAddress(allocationID string) error {
	a := n.Addresses[allocationID]
	if a == nil {
		return errf("InvalidAllocationID.NotFound", "The allocation ID '%s' does not exist", allocationID)
	}
	if e := n.Interfaces[a.NetworkInterfaceId]; e != nil && e.PublicIp == a.PublicIp {
		e.PublicIp = netip.Addr{}
	}
	a.NetworkInterfaceId = ""
	return nil
}

// ReleaseAddress releases an Elastic IP that is not associated.
func (n *Network) ReleaseAddress(allocationID string) error {
	a := n.Addresses[allocationID]
	if a == nil {
		return errf("InvalidAllocationID.NotFound", "The allocation ID '%s' does not exist", allocationID)
	}
	if a.NetworkInterfaceId != "" || a.NatGatewayId != "" {
		return errf("InvalidIPAddress.InUse", "Address %s is in use.", a.PublicIp)
	}
	delete(n.Addresses, allocationID)
	return nil
}

// CreateNatGatewayWithAllocation creates a public NAT gateway in a subnet
// with an allocated Elastic IP (CreateNatGateway's AllocationId).
func (n *Network) CreateNatGatewayWithAllocation(subnetID, allocationID string) (*NATGateway, error) {
	a := n.Addresses[allocationID]
	if a == nil {
		return nil, errf("InvalidAllocationID.NotFound", "The allocation ID '%s' does not exist", allocationID)
	}
	if a.NetworkInterfaceId != "" || a.NatGatewayId != "" {
		return nil, errf("Resource.AlreadyAssociated", "Elastic IP address [%s] is already associated", allocationID)
	}
	g, err := n.CreateNatGateway(subnetID, netip.Addr{}, a.PublicIp)
	if err != nil {
		return nil, err
	}
	g.AllocationId, a.NatGatewayId = allocationID, g.NatGatewayId
	return g, nil
}
