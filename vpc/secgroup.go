package vpc

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// IpPermission is one permission as AuthorizeSecurityGroupIngress/Egress take
// it: a protocol and port range and any number of peers. Each peer becomes
// one SecurityGroupRule.
type IpPermission struct {
	IpProtocol       string // "tcp", "udp", "icmp", "icmpv6", "-1" or a number
	FromPort, ToPort *int
	IpRanges         []string // IPv4 CIDRs
	Ipv6Ranges       []string
	PrefixListIds    []string
	UserIdGroupPairs []ReferencedGroup
	Description      string
}

// ParseProtocol reads an IpProtocol value: a name (tcp, udp, icmp, icmpv6,
// all) or a number 0-255; "-1" means all.
func ParseProtocol(s string) (int, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "tcp":
		return ProtoTCP, nil
	case "udp":
		return ProtoUDP, nil
	case "icmp":
		return ProtoICMP, nil
	case "icmpv6":
		return ProtoICMPv6, nil
	case "-1", "all":
		return ProtoAll, nil
	}
	v, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || v < -1 || v > 255 {
		return 0, errf("InvalidParameterValue", "Invalid value '%s' for IP protocol. Unknown protocol.", s)
	}
	return v, nil
}

// ports validates the range of a permission for its protocol and returns
// the stored FromPort/ToPort.
func ports(proto int, from, to *int) (int, int, error) {
	switch proto {
	case ProtoTCP, ProtoUDP:
		if from == nil || to == nil {
			return 0, 0, errf("InvalidParameterValue", "Invalid value for portRange. Must specify both from and to ports with TCP/UDP.")
		}
		if *from < 0 || *from > 65535 || *to < 0 || *to > 65535 || *from > *to {
			return 0, 0, errf("InvalidParameterValue", "Invalid value for portRange. From %d to %d is not a valid range of ports 0-65535.", *from, *to)
		}
		return *from, *to, nil
	case ProtoICMP, ProtoICMPv6:
		f, t := -1, -1
		if from != nil {
			f = *from
		}
		if to != nil {
			t = *to
		}
		if from == nil && proto == ProtoICMP {
			return 0, 0, errf("InvalidParameterValue", "Invalid value for portRange. Must specify both ICMP type and code (-1 for all).")
		}
		if f < -1 || f > 255 || t < -1 || t > 255 {
			return 0, 0, errf("InvalidParameterValue", "Invalid value for portRange. ICMP type %d / code %d must be -1 or 0-255.", f, t)
		}
		if f == -1 && t != -1 {
			return 0, 0, errf("InvalidParameterValue", "Invalid value for portRange. ICMP code must be -1 when the type is -1.")
		}
		return f, t, nil
	}
	return -1, -1, nil
}

// CreateSecurityGroup creates a group with AWS's default rule: all outbound
// traffic to 0.0.0.0/0, no inbound rule.
func (n *Network) CreateSecurityGroup(vpcID, name, description string) (*SecurityGroup, error) {
	v := n.VPCs[vpcID]
	if v == nil {
		return nil, notFound("vpc", vpcID)
	}
	if name == "" || len(name) > 255 || strings.HasPrefix(strings.ToLower(name), "sg-") {
		return nil, errf("InvalidParameterValue", "Invalid value '%s' for groupName. It must be 1-255 characters and may not start with sg-", name)
	}
	if description == "" || len(description) > 255 {
		return nil, errf("InvalidParameterValue", "Invalid value for GroupDescription: it must be 1-255 characters")
	}
	if len(n.SecurityGroups) >= Quotas.SecurityGroupsPerRegion {
		return nil, errf("SecurityGroupLimitExceeded", "The maximum number of security groups has been reached.")
	}
	for _, g := range n.SecurityGroups {
		if g.VpcId == vpcID && g.GroupName == name {
			return nil, errf("InvalidGroup.Duplicate", "The security group '%s' already exists for VPC '%s'", name, vpcID)
		}
	}
	g := &SecurityGroup{GroupId: n.id("sg"), GroupName: name, Description: description, VpcId: vpcID, OwnerId: v.OwnerId}
	g.Egress = []SecurityGroupRule{{SecurityGroupRuleId: n.id("sgr"), IsEgress: true, IpProtocol: -1, FromPort: -1, ToPort: -1, CidrIpv4: allIPv4}}
	n.SecurityGroups[g.GroupId] = g
	return g, nil
}

// AuthorizeSecurityGroupIngress adds inbound rules (all or none).
func (n *Network) AuthorizeSecurityGroupIngress(groupID string, perms []IpPermission) ([]SecurityGroupRule, error) {
	return n.authorize(groupID, false, perms)
}

// AuthorizeSecurityGroupEgress adds outbound rules (all or none).
func (n *Network) AuthorizeSecurityGroupEgress(groupID string, perms []IpPermission) ([]SecurityGroupRule, error) {
	return n.authorize(groupID, true, perms)
}

func (n *Network) authorize(groupID string, egress bool, perms []IpPermission) ([]SecurityGroupRule, error) {
	g := n.SecurityGroups[groupID]
	if g == nil {
		return nil, notFound("sg", groupID)
	}
	var added []SecurityGroupRule
	for _, p := range perms {
		rules, err := n.expand(g, egress, p)
		if err != nil {
			return nil, err
		}
		added = append(added, rules...)
	}
	list := &g.Ingress
	if egress {
		list = &g.Egress
	}
	all := slices.Clone(*list)
	for _, r := range added {
		if slices.ContainsFunc(all, r.same) {
			return nil, errf("InvalidPermission.Duplicate", "the specified rule \"peer: %s, %s, %s, ALLOW\" already exists", r.Peer(), protoLabel(r.IpProtocol), portLabel(r))
		}
		all = append(all, r)
	}
	if err := n.checkRuleQuota(all); err != nil {
		return nil, err
	}
	for i := range added {
		added[i].SecurityGroupRuleId = n.id("sgr")
		all[len(all)-len(added)+i].SecurityGroupRuleId = added[i].SecurityGroupRuleId
	}
	*list = all
	return added, nil
}

// checkRuleQuota counts rules per address family with AWS's weights: a
// CIDR or group reference counts 1, a customer-managed prefix list its
// MaxEntries, an AWS-managed one its published weight (ruleWeight).
func (n *Network) checkRuleQuota(rules []SecurityGroupRule) error {
	v4, v6 := 0, 0
	for _, r := range rules {
		w := 1
		if r.PrefixListId != "" {
			w = n.ruleWeight(r.PrefixListId)
		}
		if r.CidrIpv6.IsValid() || (r.PrefixListId != "" && n.PrefixLists[r.PrefixListId] != nil && n.PrefixLists[r.PrefixListId].AddressFamily == "IPv6") {
			v6 += w
		} else {
			v4 += w
		}
	}
	if v4 > Quotas.RulesPerSecurityGroup || v6 > Quotas.RulesPerSecurityGroup {
		return errf("RulesPerSecurityGroupLimitExceeded", "The maximum number of rules per security group has been reached.")
	}
	return nil
}

func (r SecurityGroupRule) same(o SecurityGroupRule) bool {
	if r.IpProtocol != o.IpProtocol || r.FromPort != o.FromPort || r.ToPort != o.ToPort || r.IsEgress != o.IsEgress {
		return false
	}
	return r.Peer() == o.Peer()
}

func protoLabel(p int) string {
	switch p {
	case ProtoTCP:
		return "TCP"
	case ProtoUDP:
		return "UDP"
	case ProtoICMP:
		return "ICMP"
	case ProtoAll:
		return "ALL"
	}
	return strconv.Itoa(p)
}

func portLabel(r SecurityGroupRule) string {
	return fmt.Sprintf("from port: %d, to port: %d", r.FromPort, r.ToPort)
}

func (n *Network) expand(g *SecurityGroup, egress bool, p IpPermission) ([]SecurityGroupRule, error) {
	proto, err := ParseProtocol(p.IpProtocol)
	if err != nil {
		return nil, err
	}
	from, to, err := ports(proto, p.FromPort, p.ToPort)
	if err != nil {
		return nil, err
	}
	base := SecurityGroupRule{IsEgress: egress, IpProtocol: proto, FromPort: from, ToPort: to, Description: p.Description}
	var out []SecurityGroupRule
	for _, c := range p.IpRanges {
		pf, err := netip.ParsePrefix(strings.TrimSpace(c))
		if err != nil || !pf.Addr().Is4() {
			return nil, errf("InvalidParameterValue", "CIDR block %s is malformed", c)
		}
		r := base
		r.CidrIpv4 = pf.Masked()
		out = append(out, r)
	}
	for _, c := range p.Ipv6Ranges {
		pf, err := netip.ParsePrefix(strings.TrimSpace(c))
		if err != nil || !pf.Addr().Is6() {
			return nil, errf("InvalidParameterValue", "CIDR block %s is malformed", c)
		}
		r := base
		r.CidrIpv6 = pf.Masked()
		out = append(out, r)
	}
	for _, id := range p.PrefixListIds {
		if n.PrefixLists[id] == nil {
			return nil, notFound("pl", id)
		}
		r := base
		r.PrefixListId = id
		out = append(out, r)
	}
	for _, pair := range p.UserIdGroupPairs {
		ref := n.SecurityGroups[pair.GroupId]
		if ref == nil {
			return nil, notFound("sg", pair.GroupId)
		}
		pcx := n.peering(g.VpcId, ref.VpcId)
		if ref.VpcId != g.VpcId && pcx == nil {
			return nil, errf("InvalidGroup.NotFound", "You have specified two resources that belong to different networks: %s is in %s, which is not peered with %s.", ref.GroupId, ref.VpcId, g.VpcId)
		}
		r := base
		r.ReferencedGroup = &ReferencedGroup{GroupId: ref.GroupId, UserId: ref.OwnerId, VpcId: ref.VpcId}
		if pcx != nil {
			r.ReferencedGroup.VpcPeeringConnectionId, r.ReferencedGroup.PeeringStatus = pcx.VpcPeeringConnectionId, pcx.Status
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		return nil, errf("InvalidParameterValue", "The request must name a peer: IpRanges, Ipv6Ranges, PrefixListIds or UserIdGroupPairs")
	}
	return out, nil
}

// peering returns an active peering between two distinct VPCs, or nil.
func (n *Network) peering(a, b string) *PeeringConnection {
	if a == b {
		return nil
	}
	for _, p := range n.Peerings {
		if p.Status == "active" && p.Peer(a) == b {
			return p
		}
	}
	return nil
}

// RevokeSecurityGroupRules removes rules by ID (sgr-…), all or none.
func (n *Network) RevokeSecurityGroupRules(groupID string, egress bool, ruleIDs []string) error {
	g := n.SecurityGroups[groupID]
	if g == nil {
		return notFound("sg", groupID)
	}
	list := &g.Ingress
	if egress {
		list = &g.Egress
	}
	for _, id := range ruleIDs {
		if !slices.ContainsFunc(*list, func(r SecurityGroupRule) bool { return r.SecurityGroupRuleId == id }) {
			return errf("InvalidSecurityGroupRuleId.NotFound", "The security group rule ID '%s' does not exist", id)
		}
	}
	*list = slices.DeleteFunc(*list, func(r SecurityGroupRule) bool { return slices.Contains(ruleIDs, r.SecurityGroupRuleId) })
	return nil
}

// DeleteSecurityGroup deletes a group that no interface carries and no other
// group's rule references (DependencyViolation otherwise); the default group
// cannot be deleted (CannotDelete).
func (n *Network) DeleteSecurityGroup(groupID string) error {
	g := n.SecurityGroups[groupID]
	if g == nil {
		return notFound("sg", groupID)
	}
	if g.GroupName == "default" {
		return errf("CannotDelete", "the specified group: \"%s\" name: \"default\" cannot be deleted by a user", groupID)
	}
	for _, e := range n.Interfaces {
		if slices.Contains(e.Groups, groupID) {
			return errf("DependencyViolation", "resource %s has a dependent object (network interface %s)", groupID, e.NetworkInterfaceId)
		}
	}
	for _, o := range n.SecurityGroups {
		if o == g {
			continue
		}
		for _, r := range append(slices.Clone(o.Ingress), o.Egress...) {
			if r.ReferencedGroup != nil && r.ReferencedGroup.GroupId == groupID {
				return errf("DependencyViolation", "resource %s has a dependent object (a rule of %s references it)", groupID, o.GroupId)
			}
		}
	}
	delete(n.SecurityGroups, groupID)
	return nil
}

// awsListWeights are the published rule weights of AWS-managed prefix lists
// (amazon-vpc-limits page), by the end of the list's name.
var awsListWeights = map[string]int{"s3": 1, "dynamodb": 1, "cloudfront.origin-facing": 55, "vpc-lattice": 10, "groundstation": 5}

// ruleWeight is the quota weight of a rule naming prefix list id.
func (n *Network) ruleWeight(id string) int {
	pl := n.PrefixLists[id]
	if pl == nil {
		return 1
	}
	if pl.OwnerId == "AWS" {
		for suffix, w := range awsListWeights {
			if strings.HasSuffix(pl.PrefixListName, "."+suffix) {
				return w
			}
		}
		return 1
	}
	return max(pl.MaxEntries, 1)
}
