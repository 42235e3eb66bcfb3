package vpc

import (
	"cmp"
	"slices"
)

// StaleRule is a security group rule that references a group which no
// longer exists, or one in another VPC that is not (or no longer) linked by
// an active peering connection (DescribeStaleSecurityGroups). Such a rule
// matches nothing.
type StaleRule struct {
	GroupId string
	VpcId   string
	Rule    *SecurityGroupRule
	Reason  string
}

// StaleReferences lists stale rules, by group ID.
func (n *Network) StaleReferences() []StaleRule {
	var out []StaleRule
	for _, g := range n.SecurityGroups {
		for _, list := range [][]SecurityGroupRule{g.Ingress, g.Egress} {
			for i := range list {
				r := &list[i]
				if r.ReferencedGroup == nil {
					continue
				}
				ref := n.SecurityGroups[r.ReferencedGroup.GroupId]
				switch {
				case ref == nil:
					out = append(out, StaleRule{g.GroupId, g.VpcId, r, "the referenced group " + r.ReferencedGroup.GroupId + " does not exist (in the input)"})
				case ref.VpcId != "" && g.VpcId != "" && ref.VpcId != g.VpcId && n.peering(g.VpcId, ref.VpcId) == nil:
					out = append(out, StaleRule{g.GroupId, g.VpcId, r, "the referenced group is in " + ref.VpcId + ", which has no active peering with " + g.VpcId})
				}
			}
		}
	}
	slices.SortStableFunc(out, func(a, b StaleRule) int { return cmp.Compare(a.GroupId, b.GroupId) })
	return out
}
