package vpc

import (
	"net/netip"
	"slices"
)

// CreateNetworkAcl creates a custom network ACL: only the "*" rules, so it
// denies everything until entries are added.
func (n *Network) CreateNetworkAcl(vpcID string) (*NetworkACL, error) {
	v := n.VPCs[vpcID]
	if v == nil {
		return nil, notFound("vpc", vpcID)
	}
	acl := &NetworkACL{NetworkAclId: n.id("acl"), VpcId: vpcID, OwnerId: v.OwnerId, Entries: []ACLEntry{
		{RuleNumber: 32767, Protocol: -1, RuleAction: "deny", CidrBlock: allIPv4},
		{RuleNumber: 32767, Egress: true, Protocol: -1, RuleAction: "deny", CidrBlock: allIPv4},
	}}
	n.NetworkACLs[acl.NetworkAclId] = acl
	return acl, nil
}

// CreateNetworkAclEntry adds a numbered entry (1-32766).
func (n *Network) CreateNetworkAclEntry(aclID string, e ACLEntry) error {
	acl := n.NetworkACLs[aclID]
	if acl == nil {
		return notFound("acl", aclID)
	}
	if err := checkEntry(&e); err != nil {
		return err
	}
	if acl.find(e.RuleNumber, e.Egress) >= 0 {
		return errf("NetworkAclEntryAlreadyExists", "The network acl entry identified by %d already exists.", e.RuleNumber)
	}
	count := 1 // the "*" rule counts
	for _, o := range acl.Entries {
		if o.Egress == e.Egress && o.RuleNumber < 32767 && o.CidrBlock.IsValid() == e.CidrBlock.IsValid() {
			count++
		}
	}
	if count >= Quotas.ACLRulesPerDirection {
		return errf("NetworkAclEntryLimitExceeded", "The maximum number of network ACL entries has been reached.")
	}
	acl.Entries = append(acl.Entries, e)
	return nil
}

// ReplaceNetworkAclEntry replaces an existing entry.
func (n *Network) ReplaceNetworkAclEntry(aclID string, e ACLEntry) error {
	acl := n.NetworkACLs[aclID]
	if acl == nil {
		return notFound("acl", aclID)
	}
	if err := checkEntry(&e); err != nil {
		return err
	}
	i := acl.find(e.RuleNumber, e.Egress)
	if i < 0 {
		return errf("InvalidNetworkAclEntry.NotFound", "The network acl entry identified by %d does not exist.", e.RuleNumber)
	}
	acl.Entries[i] = e
	return nil
}

// DeleteNetworkAclEntry deletes an entry.
func (n *Network) DeleteNetworkAclEntry(aclID string, rule int, egress bool) error {
	acl := n.NetworkACLs[aclID]
	if acl == nil {
		return notFound("acl", aclID)
	}
	i := acl.find(rule, egress)
	if i < 0 || rule >= 32767 {
		return errf("InvalidNetworkAclEntry.NotFound", "The network acl entry identified by %d does not exist.", rule)
	}
	acl.Entries = slices.Delete(acl.Entries, i, i+1)
	return nil
}

func (acl *NetworkACL) find(rule int, egress bool) int {
	return slices.IndexFunc(acl.Entries, func(o ACLEntry) bool { return o.RuleNumber == rule && o.Egress == egress })
}

func checkEntry(e *ACLEntry) error {
	if e.RuleNumber < 1 || e.RuleNumber > 32766 {
		return errf("InvalidParameterValue", "Invalid value '%d' for ruleNumber. It must be between 1 and 32766.", e.RuleNumber)
	}
	if e.RuleAction != "allow" && e.RuleAction != "deny" {
		return errf("InvalidParameterValue", "Invalid value '%s' for ruleAction. It must be allow or deny.", e.RuleAction)
	}
	if e.Protocol < -1 || e.Protocol > 255 {
		return errf("InvalidParameterValue", "Invalid value '%d' for protocol.", e.Protocol)
	}
	if e.CidrBlock.IsValid() == e.Ipv6CidrBlock.IsValid() {
		return errf("InvalidParameterValue", "Exactly one of cidrBlock and ipv6CidrBlock is required")
	}
	if e.CidrBlock.IsValid() && !e.CidrBlock.Addr().Is4() {
		return errf("InvalidParameterValue", "cidrBlock %s is not an IPv4 CIDR", e.CidrBlock)
	}
	e.CidrBlock, e.Ipv6CidrBlock = e.CidrBlock.Masked(), e.Ipv6CidrBlock.Masked()
	switch e.Protocol {
	case ProtoTCP, ProtoUDP:
		if e.FromPort < 0 || e.ToPort > 65535 || e.FromPort > e.ToPort {
			return errf("InvalidParameterValue", "Invalid value for portRange: %d-%d (TCP and UDP need 0-65535, From <= To)", e.FromPort, e.ToPort)
		}
	case ProtoICMP, ProtoICMPv6:
		if e.IcmpType < -1 || e.IcmpType > 255 || e.IcmpCode < -1 || e.IcmpCode > 255 {
			return errf("InvalidParameterValue", "Invalid value for icmpTypeCode: type %d code %d", e.IcmpType, e.IcmpCode)
		}
	}
	return nil
}

// ReplaceNetworkAclAssociation moves a subnet to another ACL of its VPC.
func (n *Network) ReplaceNetworkAclAssociation(subnetID, aclID string) error {
	acl := n.NetworkACLs[aclID]
	if acl == nil {
		return notFound("acl", aclID)
	}
	s := n.Subnets[subnetID]
	if s == nil {
		return notFound("subnet", subnetID)
	}
	if s.VpcId != acl.VpcId {
		return errf("InvalidParameterValue", "network ACL %s and subnet %s belong to different networks", aclID, subnetID)
	}
	for _, o := range n.NetworkACLs {
		o.SubnetIds = slices.DeleteFunc(o.SubnetIds, func(x string) bool { return x == subnetID })
	}
	acl.SubnetIds = append(acl.SubnetIds, subnetID)
	return nil
}

// DeleteNetworkAcl deletes a custom ACL with no subnets.
func (n *Network) DeleteNetworkAcl(aclID string) error {
	acl := n.NetworkACLs[aclID]
	if acl == nil {
		return notFound("acl", aclID)
	}
	if acl.IsDefault {
		return errf("InvalidParameterValue", "cannot delete default network ACL %s", aclID)
	}
	if len(acl.SubnetIds) > 0 {
		return errf("DependencyViolation", "The network ACL '%s' has dependencies and cannot be deleted.", aclID)
	}
	delete(n.NetworkACLs, aclID)
	return nil
}

// ACL is a convenience constructor for an IPv4 entry.
func ACL(rule int, egress bool, proto int, action, cidr string, from, to int) ACLEntry {
	return ACLEntry{RuleNumber: rule, Egress: egress, Protocol: proto, RuleAction: action,
		CidrBlock: netip.MustParsePrefix(cidr), FromPort: from, ToPort: to, IcmpType: -1, IcmpCode: -1}
}
