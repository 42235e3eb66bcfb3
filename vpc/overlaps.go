package vpc

import (
	"cmp"
	"net/netip"
	"slices"
)

// CIDRRef is one allocated block: a VPC block or a subnet.
type CIDRRef struct {
	ResourceId   string
	ResourceType string // "vpc" or "subnet" (IPAM's resource types)
	VpcId        string
	OwnerId      string
	Cidr         netip.Prefix
}

// Overlap is two blocks whose ranges intersect (IPAM OverlapStatus
// "overlapping"). A VPC and its own subnets are parent and child, not an
// overlap.
type Overlap struct {
	A, B CIDRRef
	// Peered is set when the two VPCs are linked by a peering connection in
	// any state: AWS refuses to activate such a peering.
	Peered bool
}

// Overlaps finds every overlapping pair of VPC blocks (across VPCs and
// accounts) and of subnets (across VPCs, or inside one VPC when the input
// holds a conflict EC2 would have refused), in one scope. IPv4 blocks are
// swept in start order (O(n log n + overlaps)); IPv6 blocks are compared
// pairwise.
func Overlaps(n *Network) []Overlap {
	var refs []CIDRRef
	for _, v := range n.VPCs {
		for _, c := range append(slices.Clone(v.CidrBlocks), v.Ipv6CidrBlocks...) {
			refs = append(refs, CIDRRef{ResourceId: v.VpcId, ResourceType: "vpc", VpcId: v.VpcId, OwnerId: v.OwnerId, Cidr: c.Masked()})
		}
	}
	for _, s := range n.Subnets {
		refs = append(refs, CIDRRef{ResourceId: s.SubnetId, ResourceType: "subnet", VpcId: s.VpcId, OwnerId: s.OwnerId, Cidr: s.CidrBlock.Masked()})
		if s.Ipv6CidrBlock.IsValid() {
			refs = append(refs, CIDRRef{ResourceId: s.SubnetId, ResourceType: "subnet", VpcId: s.VpcId, OwnerId: s.OwnerId, Cidr: s.Ipv6CidrBlock.Masked()})
		}
	}
	slices.SortFunc(refs, func(x, y CIDRRef) int {
		if c := x.Cidr.Addr().Compare(y.Cidr.Addr()); c != 0 {
			return c
		}
		if c := cmp.Compare(x.Cidr.Bits(), y.Cidr.Bits()); c != 0 {
			return c
		}
		return cmp.Compare(x.ResourceId, y.ResourceId)
	})
	peered := map[[2]string]bool{}
	for _, p := range n.Peerings {
		peered[[2]string{p.RequesterVpcId, p.AccepterVpcId}] = true
		peered[[2]string{p.AccepterVpcId, p.RequesterVpcId}] = true
	}
	var out []Overlap
	var active []CIDRRef // IPv4 blocks whose range may still reach later starts
	for i, r := range refs {
		if r.Cidr.Addr().Is6() {
			for _, o := range refs[:i] {
				if o.Cidr.Addr().Is6() && o.Cidr.Overlaps(r.Cidr) && conflict(o, r) {
					out = append(out, Overlap{A: o, B: r, Peered: peered[[2]string{o.VpcId, r.VpcId}]})
				}
			}
			continue
		}
		start := addrU32(r.Cidr.Addr())
		active = slices.DeleteFunc(active, func(o CIDRRef) bool { return lastU32(o.Cidr) < start })
		for _, o := range active {
			if conflict(o, r) {
				out = append(out, Overlap{A: o, B: r, Peered: peered[[2]string{o.VpcId, r.VpcId}]})
			}
		}
		active = append(active, r)
	}
	return out
}

func lastU32(p netip.Prefix) uint32 {
	s := PrefixSet(p)
	return s.s[0].hi
}

// conflict reports whether two intersecting blocks are a real overlap.
func conflict(a, b CIDRRef) bool {
	if a.ResourceId == b.ResourceId {
		return false
	}
	if a.VpcId == b.VpcId {
		// Parent/child inside one VPC is normal; two subnets are not.
		return a.ResourceType == "subnet" && b.ResourceType == "subnet"
	}
	// Across VPCs: report VPC blocks once; subnets only when both VPC blocks
	// do not already overlap would be redundant, so report VPC pairs only.
	return a.ResourceType == "vpc" && b.ResourceType == "vpc"
}
