package ec2

import (
	"context"
	"net/netip"
	"slices"
	"sort"
	"strconv"

	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/vpc"
)

var aclNotFound = nf("InvalidNetworkAclID.NotFound", "network ACL ID")

// IcmpTypeCode is EC2's IcmpTypeCode.
type IcmpTypeCode struct {
	Code int `aws:"code"`
	Type int `aws:"type"`
}

// PortRange is EC2's PortRange.
type PortRange struct {
	From int `aws:"from"`
	To   int `aws:"to"`
}

// NetworkAclEntry is EC2's NetworkAclEntry.
type NetworkAclEntry struct {
	RuleNumber    int           `aws:"ruleNumber"`
	Protocol      string        `aws:"protocol"`
	RuleAction    string        `aws:"ruleAction"`
	Egress        bool          `aws:"egress"`
	CidrBlock     string        `aws:"cidrBlock,omitempty"`
	Ipv6CidrBlock string        `aws:"ipv6CidrBlock,omitempty"`
	IcmpTypeCode  *IcmpTypeCode `aws:"icmpTypeCode"`
	PortRange     *PortRange    `aws:"portRange"`
}

// NetworkAclAssociation is EC2's NetworkAclAssociation.
type NetworkAclAssociation struct {
	NetworkAclAssociationID string `aws:"networkAclAssociationId"`
	NetworkAclID            string `aws:"networkAclId"`
	SubnetID                string `aws:"subnetId"`
}

// NetworkAcl is EC2's NetworkAcl.
type NetworkAcl struct {
	NetworkAclID string                  `aws:"networkAclId"`
	VpcID        string                  `aws:"vpcId"`
	OwnerID      string                  `aws:"ownerId"`
	IsDefault    bool                    `aws:"default"`
	Entries      []NetworkAclEntry       `aws:"entrySet"`
	Associations []NetworkAclAssociation `aws:"associationSet"`
	Tags         []Tag                   `aws:"tagSet"`
}

// aclOf returns the network ACL a subnet is associated with (explicitly,
// or the VPC's default).
func (st *state) aclOf(subnetID string) string {
	s := st.Net.Subnets[subnetID]
	if s == nil {
		return ""
	}
	def := ""
	for id, a := range st.Net.NetworkACLs {
		if a.VpcId != s.VpcId {
			continue
		}
		if slices.Contains(a.SubnetIds, subnetID) {
			return id
		}
		if a.IsDefault {
			def = id
		}
	}
	return def
}

func (st *state) aclOut(a *vpc.NetworkACL) NetworkAcl {
	out := NetworkAcl{NetworkAclID: a.NetworkAclId, VpcID: a.VpcId, OwnerID: a.OwnerId, IsDefault: a.IsDefault,
		Entries: []NetworkAclEntry{}, Associations: []NetworkAclAssociation{}, Tags: st.tagSet(a.NetworkAclId)}
	entries := slices.Clone(a.Entries)
	sort.SliceStable(entries, func(i, j int) bool {
		if entries[i].Egress != entries[j].Egress {
			return entries[i].Egress
		}
		return entries[i].RuleNumber < entries[j].RuleNumber
	})
	for _, e := range entries {
		o := NetworkAclEntry{RuleNumber: e.RuleNumber, Protocol: strconv.Itoa(e.Protocol), RuleAction: e.RuleAction, Egress: e.Egress}
		if e.CidrBlock.IsValid() {
			o.CidrBlock = e.CidrBlock.String()
		}
		if e.Ipv6CidrBlock.IsValid() {
			o.Ipv6CidrBlock = e.Ipv6CidrBlock.String()
		}
		switch e.Protocol {
		case vpc.ProtoTCP, vpc.ProtoUDP:
			o.PortRange = &PortRange{e.FromPort, e.ToPort}
		case vpc.ProtoICMP, vpc.ProtoICMPv6:
			o.IcmpTypeCode = &IcmpTypeCode{Code: e.IcmpCode, Type: e.IcmpType}
		}
		out.Entries = append(out.Entries, o)
	}
	subnets, _ := sortedIDs(st.Net.Subnets, nil, nil)
	for _, s := range subnets {
		if st.aclOf(s) == a.NetworkAclId {
			out.Associations = append(out.Associations, NetworkAclAssociation{NetworkAclAssociationID: st.AclAssoc[s],
				NetworkAclID: a.NetworkAclId, SubnetID: s})
		}
	}
	return out
}

// CreateNetworkAclInput is CreateNetworkAcl's input.
type CreateNetworkAclInput struct {
	common
	VpcID             string `aws:"VpcId,required"`
	ClientToken       *string
	TagSpecifications []TagSpecification `aws:"TagSpecification"`
}

// CreateNetworkAclOutput is CreateNetworkAcl's output.
type CreateNetworkAclOutput struct {
	ClientToken *string    `aws:"clientToken"`
	NetworkAcl  NetworkAcl `aws:"networkAcl"`
}

func createNetworkAcl(ctx context.Context, c *service.Call, in *CreateNetworkAclInput) (*CreateNetworkAclOutput, error) {
	out := CreateNetworkAclOutput{ClientToken: in.ClientToken}
	err := update(ctx, c, func(st *state) error {
		a, err := st.Net.CreateNetworkAcl(in.VpcID)
		if err != nil {
			return err
		}
		if err := st.applyTagSpecs(a.NetworkAclId, "network-acl", in.TagSpecifications); err != nil {
			return err
		}
		out.NetworkAcl = st.aclOut(a)
		return nil
	})
	return &out, err
}

// NetworkAclIDInput names one network ACL.
type NetworkAclIDInput struct {
	common
	NetworkAclID string `aws:"NetworkAclId,required"`
}

func deleteNetworkAcl(ctx context.Context, c *service.Call, in *NetworkAclIDInput) (*struct{}, error) {
	return &struct{}{}, update(ctx, c, func(st *state) error {
		if err := st.Net.DeleteNetworkAcl(in.NetworkAclID); err != nil {
			return err
		}
		st.forget(in.NetworkAclID)
		return nil
	})
}

// IcmpIn is IcmpTypeCode in a request.
type IcmpIn struct {
	Code *int
	Type *int
}

// PortRangeIn is PortRange in a request.
type PortRangeIn struct {
	From *int
	To   *int
}

// NetworkAclEntryInput is the input of Create/ReplaceNetworkAclEntry.
type NetworkAclEntryInput struct {
	common
	NetworkAclID  string `aws:"NetworkAclId,required"`
	RuleNumber    int    `aws:",required"`
	Protocol      string `aws:",required"`
	RuleAction    string `aws:",required"`
	Egress        bool   `aws:",required"`
	CidrBlock     *string
	Ipv6CidrBlock *string
	Icmp          *IcmpIn
	PortRange     *PortRangeIn
}

func (in *NetworkAclEntryInput) entry() (vpc.ACLEntry, error) {
	proto, err := vpc.ParseProtocol(in.Protocol)
	if err != nil {
		return vpc.ACLEntry{}, err
	}
	e := vpc.ACLEntry{RuleNumber: in.RuleNumber, Egress: in.Egress, Protocol: proto, RuleAction: in.RuleAction,
		FromPort: -1, ToPort: -1, IcmpType: -1, IcmpCode: -1}
	if in.CidrBlock != nil {
		p, err := netip.ParsePrefix(*in.CidrBlock)
		if err != nil || !p.Addr().Is4() {
			return e, invalidParamValue.New("Value (%s) for parameter cidrBlock is invalid. This is not a valid CIDR block.", *in.CidrBlock)
		}
		e.CidrBlock = p
	}
	if in.Ipv6CidrBlock != nil {
		p, err := netip.ParsePrefix(*in.Ipv6CidrBlock)
		if err != nil || !p.Addr().Is6() {
			return e, invalidParamValue.New("Value (%s) for parameter ipv6CidrBlock is invalid. This is not a valid IPv6 CIDR block.", *in.Ipv6CidrBlock)
		}
		e.Ipv6CidrBlock = p
	}
	switch proto {
	case vpc.ProtoTCP, vpc.ProtoUDP:
		if in.PortRange == nil || in.PortRange.From == nil || in.PortRange.To == nil {
			return e, missingParameter.New("The request must contain the parameter portRange")
		}
		e.FromPort, e.ToPort = *in.PortRange.From, *in.PortRange.To
	case vpc.ProtoICMP, vpc.ProtoICMPv6:
		if in.Icmp == nil || in.Icmp.Type == nil || in.Icmp.Code == nil {
			return e, missingParameter.New("The request must contain the parameter icmpTypeCode")
		}
		e.IcmpType, e.IcmpCode = *in.Icmp.Type, *in.Icmp.Code
	}
	return e, nil
}

func createNetworkAclEntry(ctx context.Context, c *service.Call, in *NetworkAclEntryInput) (*struct{}, error) {
	e, err := in.entry()
	if err != nil {
		return nil, ec2Err(err)
	}
	return &struct{}{}, update(ctx, c, func(st *state) error { return st.Net.CreateNetworkAclEntry(in.NetworkAclID, e) })
}

func replaceNetworkAclEntry(ctx context.Context, c *service.Call, in *NetworkAclEntryInput) (*struct{}, error) {
	e, err := in.entry()
	if err != nil {
		return nil, ec2Err(err)
	}
	return &struct{}{}, update(ctx, c, func(st *state) error { return st.Net.ReplaceNetworkAclEntry(in.NetworkAclID, e) })
}

// DeleteNetworkAclEntryInput is DeleteNetworkAclEntry's input.
type DeleteNetworkAclEntryInput struct {
	common
	NetworkAclID string `aws:"NetworkAclId,required"`
	RuleNumber   int    `aws:",required"`
	Egress       bool   `aws:",required"`
}

func deleteNetworkAclEntry(ctx context.Context, c *service.Call, in *DeleteNetworkAclEntryInput) (*struct{}, error) {
	return &struct{}{}, update(ctx, c, func(st *state) error {
		return st.Net.DeleteNetworkAclEntry(in.NetworkAclID, in.RuleNumber, in.Egress)
	})
}

// ReplaceNetworkAclAssociationInput is ReplaceNetworkAclAssociation's input.
type ReplaceNetworkAclAssociationInput struct {
	common
	AssociationID string `aws:"AssociationId,required"`
	NetworkAclID  string `aws:"NetworkAclId,required"`
}

// ReplaceNetworkAclAssociationOutput is ReplaceNetworkAclAssociation's output.
type ReplaceNetworkAclAssociationOutput struct {
	NewAssociationID string `aws:"newAssociationId"`
}

func replaceNetworkAclAssociation(ctx context.Context, c *service.Call, in *ReplaceNetworkAclAssociationInput) (*ReplaceNetworkAclAssociationOutput, error) {
	out := &ReplaceNetworkAclAssociationOutput{}
	return out, update(ctx, c, func(st *state) error {
		subnet := ""
		for s, id := range st.AclAssoc {
			if id == in.AssociationID {
				subnet = s
			}
		}
		if subnet == "" {
			return assocNotFound.New("The association ID '%s' does not exist", in.AssociationID)
		}
		if err := st.Net.ReplaceNetworkAclAssociation(subnet, in.NetworkAclID); err != nil {
			return err
		}
		out.NewAssociationID = newID("aclassoc")
		st.AclAssoc[subnet] = out.NewAssociationID
		return nil
	})
}

// DescribeNetworkAclsInput is DescribeNetworkAcls' input.
type DescribeNetworkAclsInput struct {
	common
	NetworkAclIDs []string `aws:"NetworkAclId"`
	Filters       []Filter `aws:"Filter"`
	MaxResults    *int32
	NextToken     *string
}

// DescribeNetworkAclsOutput is DescribeNetworkAcls' output.
type DescribeNetworkAclsOutput struct {
	NetworkAcls []NetworkAcl `aws:"networkAclSet"`
	NextToken   *string      `aws:"nextToken"`
}

func describeNetworkAcls(ctx context.Context, c *service.Call, in *DescribeNetworkAclsInput) (*DescribeNetworkAclsOutput, error) {
	fs, err := newFilters(in.Filters, "network-acl-id", "vpc-id", "default", "owner-id", "association.association-id",
		"association.network-acl-id", "association.subnet-id", "entry.cidr", "entry.egress", "entry.protocol",
		"entry.rule-action", "entry.rule-number", "entry.port-range.from", "entry.port-range.to")
	if err != nil {
		return nil, err
	}
	out := &DescribeNetworkAclsOutput{NetworkAcls: []NetworkAcl{}}
	err = view(ctx, c, func(st *state) error {
		ids, err := sortedIDs(st.Net.NetworkACLs, in.NetworkAclIDs, aclNotFound)
		if err != nil {
			return err
		}
		for _, id := range ids {
			o := st.aclOut(st.Net.NetworkACLs[id])
			a := attrs{"network-acl-id": {id}, "vpc-id": {o.VpcID}, "default": {strconv.FormatBool(o.IsDefault)}, "owner-id": {o.OwnerID}}
			for _, as := range o.Associations {
				a["association.association-id"] = append(a["association.association-id"], as.NetworkAclAssociationID)
				a["association.network-acl-id"] = append(a["association.network-acl-id"], id)
				a["association.subnet-id"] = append(a["association.subnet-id"], as.SubnetID)
			}
			for _, e := range o.Entries {
				a["entry.cidr"] = append(a["entry.cidr"], e.CidrBlock)
				a["entry.egress"] = append(a["entry.egress"], strconv.FormatBool(e.Egress))
				a["entry.protocol"] = append(a["entry.protocol"], e.Protocol)
				a["entry.rule-action"] = append(a["entry.rule-action"], e.RuleAction)
				a["entry.rule-number"] = append(a["entry.rule-number"], strconv.Itoa(e.RuleNumber))
				if e.PortRange != nil {
					a["entry.port-range.from"] = append(a["entry.port-range.from"], strconv.Itoa(e.PortRange.From))
					a["entry.port-range.to"] = append(a["entry.port-range.to"], strconv.Itoa(e.PortRange.To))
				}
			}
			if fs.match(a, st.Tags[id]) {
				out.NetworkAcls = append(out.NetworkAcls, o)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.NetworkAcls, out.NextToken, err = paginate(out.NetworkAcls, in.MaxResults, in.NextToken, len(in.NetworkAclIDs) > 0)
	return out, err
}

func aclOps() []*service.Operation {
	aclRes := func(c *service.Call, id string) string { return arn(c, "network-acl", id) }
	return []*service.Operation{
		op("CreateNetworkAcl", createNetworkAcl, func(c *service.Call, in *CreateNetworkAclInput) string { return arn(c, "vpc", in.VpcID) }),
		op("DeleteNetworkAcl", deleteNetworkAcl, func(c *service.Call, in *NetworkAclIDInput) string { return aclRes(c, in.NetworkAclID) }),
		op("DescribeNetworkAcls", describeNetworkAcls, nil, ro[DescribeNetworkAclsInput]()),
		op("CreateNetworkAclEntry", createNetworkAclEntry, func(c *service.Call, in *NetworkAclEntryInput) string { return aclRes(c, in.NetworkAclID) }),
		op("ReplaceNetworkAclEntry", replaceNetworkAclEntry, func(c *service.Call, in *NetworkAclEntryInput) string { return aclRes(c, in.NetworkAclID) }),
		op("DeleteNetworkAclEntry", deleteNetworkAclEntry, func(c *service.Call, in *DeleteNetworkAclEntryInput) string { return aclRes(c, in.NetworkAclID) }),
		op("ReplaceNetworkAclAssociation", replaceNetworkAclAssociation, func(c *service.Call, in *ReplaceNetworkAclAssociationInput) string {
			return aclRes(c, in.NetworkAclID)
		}),
	}
}
