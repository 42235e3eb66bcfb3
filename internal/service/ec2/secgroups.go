package ec2

import (
	"context"
	"slices"
	"sort"
	"strconv"

	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/vpc"
)

var groupNotFound = func(id string) error {
	return awserr.Def{Code: "InvalidGroup.NotFound", Status: 400}.New("The security group '%s' does not exist", id)
}

// --- request shapes ---

// IPRangeIn is IpRange / Ipv6Range / PrefixListId in a request.
type IPRangeIn struct {
	CidrIP       *string `aws:"CidrIp"`
	CidrIPv6     *string `aws:"CidrIpv6"`
	PrefixListID *string `aws:"PrefixListId"`
	Description  *string
}

// GroupPairIn is UserIdGroupPair in a request.
type GroupPairIn struct {
	GroupID                *string `aws:"GroupId"`
	GroupName              *string
	UserID                 *string `aws:"UserId"`
	VpcID                  *string `aws:"VpcId"`
	VpcPeeringConnectionID *string `aws:"VpcPeeringConnectionId"`
	Description            *string
}

// IPPermissionIn is IpPermission in a request.
type IPPermissionIn struct {
	IPProtocol    *string       `aws:"IpProtocol"`
	FromPort      *int          `aws:"FromPort"`
	ToPort        *int          `aws:"ToPort"`
	IPRanges      []IPRangeIn   `aws:"IpRanges"`
	IPv6Ranges    []IPRangeIn   `aws:"Ipv6Ranges"`
	PrefixListIDs []IPRangeIn   `aws:"PrefixListIds"`
	Groups        []GroupPairIn `aws:"Groups"`
}

// --- response shapes ---

// IPRange is IpRange.
type IPRange struct {
	CidrIP      string `aws:"cidrIp"`
	Description string `aws:"description,omitempty"`
}

// IPv6Range is Ipv6Range.
type IPv6Range struct {
	CidrIPv6    string `aws:"cidrIpv6"`
	Description string `aws:"description,omitempty"`
}

// PrefixListID is PrefixListId.
type PrefixListID struct {
	PrefixListID string `aws:"prefixListId"`
	Description  string `aws:"description,omitempty"`
}

// UserIDGroupPair is UserIdGroupPair.
type UserIDGroupPair struct {
	GroupID                string `aws:"groupId"`
	UserID                 string `aws:"userId"`
	VpcID                  string `aws:"vpcId,omitempty"`
	VpcPeeringConnectionID string `aws:"vpcPeeringConnectionId,omitempty"`
	PeeringStatus          string `aws:"peeringStatus,omitempty"`
	Description            string `aws:"description,omitempty"`
}

// IPPermission is IpPermission.
type IPPermission struct {
	IPProtocol    string            `aws:"ipProtocol"`
	FromPort      *int              `aws:"fromPort"`
	ToPort        *int              `aws:"toPort"`
	Groups        []UserIDGroupPair `aws:"groups"`
	IPRanges      []IPRange         `aws:"ipRanges"`
	IPv6Ranges    []IPv6Range       `aws:"ipv6Ranges"`
	PrefixListIDs []PrefixListID    `aws:"prefixListIds"`
}

// SecurityGroup is EC2's SecurityGroup.
type SecurityGroup struct {
	OwnerID             string         `aws:"ownerId"`
	GroupID             string         `aws:"groupId"`
	GroupName           string         `aws:"groupName"`
	Description         string         `aws:"groupDescription"`
	VpcID               string         `aws:"vpcId"`
	IPPermissions       []IPPermission `aws:"ipPermissions"`
	IPPermissionsEgress []IPPermission `aws:"ipPermissionsEgress"`
	SecurityGroupArn    string         `aws:"securityGroupArn"`
	Tags                []Tag          `aws:"tagSet"`
}

// ReferencedGroupInfo is ReferencedSecurityGroup.
type ReferencedGroupInfo struct {
	GroupID                string `aws:"groupId"`
	UserID                 string `aws:"userId"`
	VpcID                  string `aws:"vpcId,omitempty"`
	VpcPeeringConnectionID string `aws:"vpcPeeringConnectionId,omitempty"`
	PeeringStatus          string `aws:"peeringStatus,omitempty"`
}

// SecurityGroupRule is EC2's SecurityGroupRule.
type SecurityGroupRule struct {
	SecurityGroupRuleID  string               `aws:"securityGroupRuleId"`
	GroupID              string               `aws:"groupId"`
	GroupOwnerID         string               `aws:"groupOwnerId"`
	IsEgress             bool                 `aws:"isEgress"`
	IPProtocol           string               `aws:"ipProtocol"`
	FromPort             int                  `aws:"fromPort"`
	ToPort               int                  `aws:"toPort"`
	CidrIPv4             string               `aws:"cidrIpv4,omitempty"`
	CidrIPv6             string               `aws:"cidrIpv6,omitempty"`
	PrefixListID         string               `aws:"prefixListId,omitempty"`
	ReferencedGroupInfo  *ReferencedGroupInfo `aws:"referencedGroupInfo"`
	Description          string               `aws:"description,omitempty"`
	SecurityGroupRuleArn string               `aws:"securityGroupRuleArn"`
	Tags                 []Tag                `aws:"tagSet"`
}

// protoName is how EC2 writes a rule's protocol.
func protoName(p int) string {
	switch p {
	case vpc.ProtoTCP:
		return "tcp"
	case vpc.ProtoUDP:
		return "udp"
	case vpc.ProtoICMP:
		return "icmp"
	case vpc.ProtoICMPv6:
		return "icmpv6"
	}
	return strconv.Itoa(p)
}

func ptr[T any](v T) *T { return &v }

// permissionsOut groups rules with the same protocol and ports into one
// IpPermission, as DescribeSecurityGroups does.
func permissionsOut(rules []vpc.SecurityGroupRule) []IPPermission {
	out := []IPPermission{}
	type key struct{ proto, from, to int }
	idx := map[key]int{}
	for _, r := range rules {
		k := key{r.IpProtocol, r.FromPort, r.ToPort}
		i, seen := idx[k]
		if !seen {
			p := IPPermission{IPProtocol: protoName(r.IpProtocol), Groups: []UserIDGroupPair{}, IPRanges: []IPRange{},
				IPv6Ranges: []IPv6Range{}, PrefixListIDs: []PrefixListID{}}
			if r.IpProtocol != vpc.ProtoAll {
				p.FromPort, p.ToPort = ptr(r.FromPort), ptr(r.ToPort)
			}
			out = append(out, p)
			i = len(out) - 1
			idx[k] = i
		}
		p := &out[i]
		switch {
		case r.ReferencedGroup != nil:
			g := r.ReferencedGroup
			p.Groups = append(p.Groups, UserIDGroupPair{GroupID: g.GroupId, UserID: g.UserId, VpcID: g.VpcId,
				VpcPeeringConnectionID: g.VpcPeeringConnectionId, PeeringStatus: g.PeeringStatus, Description: r.Description})
		case r.PrefixListId != "":
			p.PrefixListIDs = append(p.PrefixListIDs, PrefixListID{r.PrefixListId, r.Description})
		case r.CidrIpv6.IsValid():
			p.IPv6Ranges = append(p.IPv6Ranges, IPv6Range{r.CidrIpv6.String(), r.Description})
		default:
			p.IPRanges = append(p.IPRanges, IPRange{r.CidrIpv4.String(), r.Description})
		}
	}
	return out
}

func (st *state) groupOut(c *service.Call, g *vpc.SecurityGroup) SecurityGroup {
	return SecurityGroup{OwnerID: g.OwnerId, GroupID: g.GroupId, GroupName: g.GroupName, Description: g.Description, VpcID: g.VpcId,
		IPPermissions: permissionsOut(g.Ingress), IPPermissionsEgress: permissionsOut(g.Egress),
		SecurityGroupArn: arn(c, "security-group", g.GroupId), Tags: st.tagSet(g.GroupId)}
}

func (st *state) ruleOut(c *service.Call, g *vpc.SecurityGroup, r vpc.SecurityGroupRule) SecurityGroupRule {
	out := SecurityGroupRule{SecurityGroupRuleID: r.SecurityGroupRuleId, GroupID: g.GroupId, GroupOwnerID: g.OwnerId, IsEgress: r.IsEgress,
		IPProtocol: protoName(r.IpProtocol), FromPort: r.FromPort, ToPort: r.ToPort, PrefixListID: r.PrefixListId, Description: r.Description,
		SecurityGroupRuleArn: arn(c, "security-group-rule", r.SecurityGroupRuleId), Tags: st.tagSet(r.SecurityGroupRuleId)}
	if r.CidrIpv4.IsValid() {
		out.CidrIPv4 = r.CidrIpv4.String()
	}
	if r.CidrIpv6.IsValid() {
		out.CidrIPv6 = r.CidrIpv6.String()
	}
	if rg := r.ReferencedGroup; rg != nil {
		out.ReferencedGroupInfo = &ReferencedGroupInfo{GroupID: rg.GroupId, UserID: rg.UserId, VpcID: rg.VpcId,
			VpcPeeringConnectionID: rg.VpcPeeringConnectionId, PeeringStatus: rg.PeeringStatus}
	}
	return out
}

// --- CreateSecurityGroup, DeleteSecurityGroup, DescribeSecurityGroups ---

// CreateSecurityGroupInput is CreateSecurityGroup's input.
type CreateSecurityGroupInput struct {
	common
	GroupName         string             `aws:",required"`
	Description       string             `aws:"GroupDescription,required"`
	VpcID             *string            `aws:"VpcId"`
	TagSpecifications []TagSpecification `aws:"TagSpecification"`
}

// CreateSecurityGroupOutput is CreateSecurityGroup's output.
type CreateSecurityGroupOutput struct {
	GroupID          string `aws:"groupId"`
	SecurityGroupArn string `aws:"securityGroupArn"`
	Tags             []Tag  `aws:"tagSet"`
}

func createSecurityGroup(ctx context.Context, c *service.Call, in *CreateSecurityGroupInput) (*CreateSecurityGroupOutput, error) {
	var out CreateSecurityGroupOutput
	err := update(ctx, c, func(st *state) error {
		vpcID := ""
		if in.VpcID != nil {
			vpcID = *in.VpcID
		} else if vpcID = st.defaultVpc(); vpcID == "" {
			return awserr.Def{Code: "VPCIdNotSpecified", Status: 400}.New("No default VPC for this user")
		}
		g, err := st.Net.CreateSecurityGroup(vpcID, in.GroupName, in.Description)
		if err != nil {
			return err
		}
		if err := st.applyTagSpecs(g.GroupId, "security-group", in.TagSpecifications); err != nil {
			return err
		}
		out = CreateSecurityGroupOutput{GroupID: g.GroupId, SecurityGroupArn: arn(c, "security-group", g.GroupId), Tags: st.tagSet(g.GroupId)}
		return nil
	})
	return &out, err
}

// defaultVpc returns the ID of the region's default VPC, or "".
func (st *state) defaultVpc() string {
	for id, v := range st.Net.VPCs {
		if v.IsDefault {
			return id
		}
	}
	return ""
}

// GroupRefInput names one group by ID or (default VPC) name.
type GroupRefInput struct {
	common
	GroupID   *string `aws:"GroupId"`
	GroupName *string
}

// groupID resolves the group a call names (GroupId, or GroupName in the
// default VPC).
func (st *state) groupID(id, name *string) (string, error) {
	if id != nil {
		if st.Net.SecurityGroups[*id] == nil {
			return "", groupNotFound(*id)
		}
		return *id, nil
	}
	if name == nil {
		return "", missingParameter.New("The request must contain the parameter groupId")
	}
	def := st.defaultVpc()
	for gid, g := range st.Net.SecurityGroups {
		if g.GroupName == *name && g.VpcId == def && def != "" {
			return gid, nil
		}
	}
	return "", awserr.Def{Code: "InvalidGroup.NotFound", Status: 400}.New("The security group '%s' does not exist in default VPC '%s'", *name, def)
}

// DeleteSecurityGroupOutput is DeleteSecurityGroup's output.
type DeleteSecurityGroupOutput struct {
	Return  bool   `aws:"return"`
	GroupID string `aws:"groupId"`
}

func deleteSecurityGroup(ctx context.Context, c *service.Call, in *GroupRefInput) (*DeleteSecurityGroupOutput, error) {
	out := &DeleteSecurityGroupOutput{Return: true}
	return out, update(ctx, c, func(st *state) error {
		id, err := st.groupID(in.GroupID, in.GroupName)
		if err != nil {
			return err
		}
		g := st.Net.SecurityGroups[id]
		rules := append(slices.Clone(g.Ingress), g.Egress...)
		if err := st.Net.DeleteSecurityGroup(id); err != nil {
			if ve, isVE := err.(*vpc.Error); isVE && ve.Code == "DependencyViolation" {
				// EC2's wording (the dependent object is not named).
				return awserr.Def{Code: "DependencyViolation", Status: 400}.New("resource %s has a dependent object", id)
			}
			return err
		}
		for _, r := range rules {
			st.forget(r.SecurityGroupRuleId)
		}
		st.forget(id)
		out.GroupID = id
		return nil
	})
}

// DescribeSecurityGroupsInput is DescribeSecurityGroups' input.
type DescribeSecurityGroupsInput struct {
	common
	GroupIDs   []string `aws:"GroupId"`
	GroupNames []string `aws:"GroupName"`
	Filters    []Filter `aws:"Filter"`
	MaxResults *int32
	NextToken  *string
}

// DescribeSecurityGroupsOutput is DescribeSecurityGroups' output.
type DescribeSecurityGroupsOutput struct {
	SecurityGroups []SecurityGroup `aws:"securityGroupInfo"`
	NextToken      *string         `aws:"nextToken"`
}

func describeSecurityGroups(ctx context.Context, c *service.Call, in *DescribeSecurityGroupsInput) (*DescribeSecurityGroupsOutput, error) {
	fs, err := newFilters(in.Filters, "group-id", "group-name", "vpc-id", "owner-id", "description",
		"ip-permission.protocol", "ip-permission.from-port", "ip-permission.to-port", "ip-permission.cidr", "ip-permission.ipv6-cidr",
		"ip-permission.group-id", "ip-permission.prefix-list-id", "egress.ip-permission.protocol", "egress.ip-permission.from-port",
		"egress.ip-permission.to-port", "egress.ip-permission.cidr", "egress.ip-permission.ipv6-cidr", "egress.ip-permission.group-id",
		"egress.ip-permission.prefix-list-id")
	if err != nil {
		return nil, err
	}
	out := &DescribeSecurityGroupsOutput{SecurityGroups: []SecurityGroup{}}
	err = view(ctx, c, func(st *state) error {
		ids, err := sortedIDs(st.Net.SecurityGroups, in.GroupIDs, groupNotFound)
		if err != nil {
			return err
		}
		if len(in.GroupNames) > 0 && len(in.GroupIDs) == 0 {
			ids = nil
		}
		for _, name := range in.GroupNames {
			id, err := st.groupID(nil, &name)
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		for _, id := range ids {
			g := st.Net.SecurityGroups[id]
			a := attrs{"group-id": {id}, "group-name": {g.GroupName}, "vpc-id": {g.VpcId}, "owner-id": {g.OwnerId}, "description": {g.Description}}
			for _, r := range append(slices.Clone(g.Ingress), g.Egress...) {
				p := "ip-permission."
				if r.IsEgress {
					p = "egress.ip-permission."
				}
				a[p+"protocol"] = append(a[p+"protocol"], protoName(r.IpProtocol))
				a[p+"from-port"] = append(a[p+"from-port"], strconv.Itoa(r.FromPort))
				a[p+"to-port"] = append(a[p+"to-port"], strconv.Itoa(r.ToPort))
				switch {
				case r.ReferencedGroup != nil:
					a[p+"group-id"] = append(a[p+"group-id"], r.ReferencedGroup.GroupId)
				case r.PrefixListId != "":
					a[p+"prefix-list-id"] = append(a[p+"prefix-list-id"], r.PrefixListId)
				case r.CidrIpv6.IsValid():
					a[p+"ipv6-cidr"] = append(a[p+"ipv6-cidr"], r.CidrIpv6.String())
				default:
					a[p+"cidr"] = append(a[p+"cidr"], r.CidrIpv4.String())
				}
			}
			if fs.match(a, st.Tags[id]) {
				out.SecurityGroups = append(out.SecurityGroups, st.groupOut(c, g))
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.SecurityGroups, out.NextToken, err = paginate(out.SecurityGroups, in.MaxResults, in.NextToken, len(in.GroupIDs) > 0)
	return out, err
}

// --- Authorize / Revoke ---

// SGRulesInput is the input of AuthorizeSecurityGroupIngress/Egress and
// RevokeSecurityGroupIngress/Egress (the legacy top-level CidrIp,
// IpProtocol, FromPort, ToPort and SourceSecurityGroupName members too).
type SGRulesInput struct {
	common
	GroupID                    *string          `aws:"GroupId"`
	GroupName                  *string          `aws:"GroupName"`
	IPPermissions              []IPPermissionIn `aws:"IpPermissions"`
	CidrIP                     *string          `aws:"CidrIp"`
	IPProtocol                 *string          `aws:"IpProtocol"`
	FromPort                   *int             `aws:"FromPort"`
	ToPort                     *int             `aws:"ToPort"`
	SourceSecurityGroupName    *string
	SourceSecurityGroupOwnerID *string            `aws:"SourceSecurityGroupOwnerId"`
	SecurityGroupRuleIDs       []string           `aws:"SecurityGroupRuleId"`
	TagSpecifications          []TagSpecification `aws:"TagSpecification"`
}

// permissions converts the request's permissions to the engine's: one
// vpc.IpPermission per peer, so each rule keeps its own description.
func (in *SGRulesInput) permissions(st *state) ([]vpc.IpPermission, error) {
	perms := in.IPPermissions
	if in.IPProtocol != nil || in.CidrIP != nil || in.SourceSecurityGroupName != nil {
		if len(perms) > 0 {
			return nil, invalidParamCombo.New("The parameter 'ipPermissions' may not be used in combination with 'ipProtocol', 'cidrIp' or 'sourceSecurityGroupName'")
		}
		p := IPPermissionIn{IPProtocol: in.IPProtocol, FromPort: in.FromPort, ToPort: in.ToPort}
		if p.IPProtocol == nil {
			p.IPProtocol = ptr("-1")
		}
		if in.CidrIP != nil {
			p.IPRanges = []IPRangeIn{{CidrIP: in.CidrIP}}
		}
		if in.SourceSecurityGroupName != nil {
			id, err := st.groupID(nil, in.SourceSecurityGroupName)
			if err != nil {
				return nil, err
			}
			p.Groups = []GroupPairIn{{GroupID: &id}}
		}
		perms = []IPPermissionIn{p}
	}
	if len(perms) == 0 {
		return nil, missingParameter.New("The request must contain the parameter ipPermissions")
	}
	var out []vpc.IpPermission
	for _, p := range perms {
		if p.IPProtocol == nil {
			return nil, missingParameter.New("The request must contain the parameter ipProtocol")
		}
		base := vpc.IpPermission{IpProtocol: *p.IPProtocol, FromPort: p.FromPort, ToPort: p.ToPort}
		n := 0
		add := func(q vpc.IpPermission, desc *string) error {
			if desc != nil {
				if len(*desc) > 255 {
					return invalidParamValue.New("Invalid rule description. Valid descriptions are strings less than 256 characters")
				}
				q.Description = *desc
			}
			out = append(out, q)
			n++
			return nil
		}
		for _, r := range p.IPRanges {
			if r.CidrIP == nil {
				return nil, missingParameter.New("The request must contain the parameter cidrIp")
			}
			q := base
			q.IpRanges = []string{*r.CidrIP}
			if err := add(q, r.Description); err != nil {
				return nil, err
			}
		}
		for _, r := range p.IPv6Ranges {
			if r.CidrIPv6 == nil {
				return nil, missingParameter.New("The request must contain the parameter cidrIpv6")
			}
			q := base
			q.Ipv6Ranges = []string{*r.CidrIPv6}
			if err := add(q, r.Description); err != nil {
				return nil, err
			}
		}
		for _, r := range p.PrefixListIDs {
			if r.PrefixListID == nil {
				return nil, missingParameter.New("The request must contain the parameter prefixListId")
			}
			q := base
			q.PrefixListIds = []string{*r.PrefixListID}
			if err := add(q, r.Description); err != nil {
				return nil, err
			}
		}
		for _, g := range p.Groups {
			var id string
			switch {
			case g.GroupID != nil:
				id = *g.GroupID
			case g.GroupName != nil:
				var err error
				if id, err = st.groupID(nil, g.GroupName); err != nil {
					return nil, err
				}
			default:
				return nil, missingParameter.New("The request must contain the parameter groupId")
			}
			q := base
			q.UserIdGroupPairs = []vpc.ReferencedGroup{{GroupId: id}}
			if err := add(q, g.Description); err != nil {
				return nil, err
			}
		}
		if n == 0 {
			// Every permission must name at least one peer.
			return nil, missingParameter.New("The request must contain the parameter ipRanges, ipv6Ranges, prefixListIds or groups")
		}
	}
	return out, nil
}

// AuthorizeOutput is the output of AuthorizeSecurityGroupIngress/Egress.
type AuthorizeOutput struct {
	Return             bool                `aws:"return"`
	SecurityGroupRules []SecurityGroupRule `aws:"securityGroupRuleSet"`
}

func authorize(egress bool) func(context.Context, *service.Call, *SGRulesInput) (*AuthorizeOutput, error) {
	return func(ctx context.Context, c *service.Call, in *SGRulesInput) (*AuthorizeOutput, error) {
		out := &AuthorizeOutput{Return: true, SecurityGroupRules: []SecurityGroupRule{}}
		return out, update(ctx, c, func(st *state) error {
			if egress && in.GroupID == nil {
				return missingParameter.New("The request must contain the parameter groupId")
			}
			id, err := st.groupID(in.GroupID, in.GroupName)
			if err != nil {
				return err
			}
			perms, err := in.permissions(st)
			if err != nil {
				return err
			}
			add := st.Net.AuthorizeSecurityGroupIngress
			if egress {
				add = st.Net.AuthorizeSecurityGroupEgress
			}
			rules, err := add(id, perms)
			if err != nil {
				return err
			}
			g := st.Net.SecurityGroups[id]
			for _, r := range rules {
				if err := st.applyTagSpecs(r.SecurityGroupRuleId, "security-group-rule", in.TagSpecifications); err != nil {
					return err
				}
				out.SecurityGroupRules = append(out.SecurityGroupRules, st.ruleOut(c, g, r))
			}
			return nil
		})
	}
}

// RevokedSecurityGroupRule is EC2's RevokedSecurityGroupRule.
type RevokedSecurityGroupRule struct {
	SecurityGroupRuleID string `aws:"securityGroupRuleId"`
	GroupID             string `aws:"groupId"`
	IsEgress            bool   `aws:"isEgress"`
	IPProtocol          string `aws:"ipProtocol"`
	FromPort            int    `aws:"fromPort"`
	ToPort              int    `aws:"toPort"`
	CidrIPv4            string `aws:"cidrIpv4,omitempty"`
	CidrIPv6            string `aws:"cidrIpv6,omitempty"`
	PrefixListID        string `aws:"prefixListId,omitempty"`
	ReferencedGroupID   string `aws:"referencedGroupId,omitempty"`
	Description         string `aws:"description,omitempty"`
}

// RevokeOutput is the output of RevokeSecurityGroupIngress/Egress.
type RevokeOutput struct {
	Return       bool                       `aws:"return"`
	Revoked      []RevokedSecurityGroupRule `aws:"revokedSecurityGroupRuleSet"`
	UnknownPerms []IPPermission             `aws:"unknownIpPermissionSet"`
}

func revoke(egress bool) func(context.Context, *service.Call, *SGRulesInput) (*RevokeOutput, error) {
	return func(ctx context.Context, c *service.Call, in *SGRulesInput) (*RevokeOutput, error) {
		out := &RevokeOutput{Return: true, Revoked: []RevokedSecurityGroupRule{}}
		return out, update(ctx, c, func(st *state) error {
			id, err := st.groupID(in.GroupID, in.GroupName)
			if err != nil {
				return err
			}
			g := st.Net.SecurityGroups[id]
			list := g.Ingress
			if egress {
				list = g.Egress
			}
			before := slices.Clone(list)
			if len(in.SecurityGroupRuleIDs) > 0 {
				if len(in.IPPermissions) > 0 || in.CidrIP != nil || in.IPProtocol != nil {
					return invalidParamCombo.New("The parameter 'SecurityGroupRuleIds' may not be used in combination with 'ipPermissions'")
				}
				if err := st.Net.RevokeSecurityGroupRules(id, egress, in.SecurityGroupRuleIDs); err != nil {
					return err
				}
			} else {
				perms, err := in.permissions(st)
				if err != nil {
					return err
				}
				if err := st.Net.RevokeSecurityGroupPermissions(id, egress, perms); err != nil {
					return err
				}
			}
			now := g.Ingress
			if egress {
				now = g.Egress
			}
			for _, r := range before {
				if slices.ContainsFunc(now, func(x vpc.SecurityGroupRule) bool { return x.SecurityGroupRuleId == r.SecurityGroupRuleId }) {
					continue
				}
				o := st.ruleOut(c, g, r)
				rv := RevokedSecurityGroupRule{SecurityGroupRuleID: o.SecurityGroupRuleID, GroupID: id, IsEgress: egress, IPProtocol: o.IPProtocol,
					FromPort: o.FromPort, ToPort: o.ToPort, CidrIPv4: o.CidrIPv4, CidrIPv6: o.CidrIPv6, PrefixListID: o.PrefixListID, Description: o.Description}
				if o.ReferencedGroupInfo != nil {
					rv.ReferencedGroupID = o.ReferencedGroupInfo.GroupID
				}
				out.Revoked = append(out.Revoked, rv)
				st.forget(r.SecurityGroupRuleId)
			}
			return nil
		})
	}
}

// --- DescribeSecurityGroupRules, ModifySecurityGroupRules ---

// DescribeSecurityGroupRulesInput is DescribeSecurityGroupRules' input.
type DescribeSecurityGroupRulesInput struct {
	common
	SecurityGroupRuleIDs []string `aws:"SecurityGroupRuleId"`
	Filters              []Filter `aws:"Filter"`
	MaxResults           *int32
	NextToken            *string
}

// DescribeSecurityGroupRulesOutput is DescribeSecurityGroupRules' output.
type DescribeSecurityGroupRulesOutput struct {
	SecurityGroupRules []SecurityGroupRule `aws:"securityGroupRuleSet"`
	NextToken          *string             `aws:"nextToken"`
}

func describeSecurityGroupRules(ctx context.Context, c *service.Call, in *DescribeSecurityGroupRulesInput) (*DescribeSecurityGroupRulesOutput, error) {
	fs, err := newFilters(in.Filters, "group-id", "security-group-rule-id")
	if err != nil {
		return nil, err
	}
	out := &DescribeSecurityGroupRulesOutput{SecurityGroupRules: []SecurityGroupRule{}}
	err = view(ctx, c, func(st *state) error {
		found := map[string]bool{}
		gids, _ := sortedIDs(st.Net.SecurityGroups, nil, nil)
		for _, gid := range gids {
			g := st.Net.SecurityGroups[gid]
			for _, r := range append(slices.Clone(g.Ingress), g.Egress...) {
				if len(in.SecurityGroupRuleIDs) > 0 && !slices.Contains(in.SecurityGroupRuleIDs, r.SecurityGroupRuleId) {
					continue
				}
				found[r.SecurityGroupRuleId] = true
				if fs.match(attrs{"group-id": {gid}, "security-group-rule-id": {r.SecurityGroupRuleId}}, st.Tags[r.SecurityGroupRuleId]) {
					out.SecurityGroupRules = append(out.SecurityGroupRules, st.ruleOut(c, g, r))
				}
			}
		}
		for _, id := range in.SecurityGroupRuleIDs {
			if !found[id] {
				return awserr.Def{Code: "InvalidSecurityGroupRuleId.NotFound", Status: 400}.New("The security group rule ID '%s' does not exist", id)
			}
		}
		sort.SliceStable(out.SecurityGroupRules, func(i, j int) bool {
			return out.SecurityGroupRules[i].GroupID < out.SecurityGroupRules[j].GroupID
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.SecurityGroupRules, out.NextToken, err = paginate(out.SecurityGroupRules, in.MaxResults, in.NextToken, len(in.SecurityGroupRuleIDs) > 0)
	return out, err
}

// SecurityGroupRuleRequest is EC2's SecurityGroupRuleRequest.
type SecurityGroupRuleRequest struct {
	IPProtocol        *string `aws:"IpProtocol"`
	FromPort          *int
	ToPort            *int
	CidrIPv4          *string `aws:"CidrIpv4"`
	CidrIPv6          *string `aws:"CidrIpv6"`
	PrefixListID      *string `aws:"PrefixListId"`
	ReferencedGroupID *string `aws:"ReferencedGroupId"`
	Description       *string
}

// SecurityGroupRuleUpdate is EC2's SecurityGroupRuleUpdate.
type SecurityGroupRuleUpdate struct {
	SecurityGroupRuleID string                    `aws:"SecurityGroupRuleId"`
	SecurityGroupRule   *SecurityGroupRuleRequest `aws:"SecurityGroupRule"`
}

// ModifySecurityGroupRulesInput is ModifySecurityGroupRules' input.
type ModifySecurityGroupRulesInput struct {
	common
	GroupID            string                    `aws:"GroupId,required"`
	SecurityGroupRules []SecurityGroupRuleUpdate `aws:"SecurityGroupRule,required"`
}

func modifySecurityGroupRules(ctx context.Context, c *service.Call, in *ModifySecurityGroupRulesInput) (*ReturnOutput, error) {
	return ok, update(ctx, c, func(st *state) error {
		for _, u := range in.SecurityGroupRules {
			r := u.SecurityGroupRule
			if r == nil || r.IPProtocol == nil {
				return missingParameter.New("The request must contain the parameter SecurityGroupRule.IpProtocol")
			}
			p := vpc.IpPermission{IpProtocol: *r.IPProtocol, FromPort: r.FromPort, ToPort: r.ToPort}
			switch {
			case r.CidrIPv4 != nil:
				p.IpRanges = []string{*r.CidrIPv4}
			case r.CidrIPv6 != nil:
				p.Ipv6Ranges = []string{*r.CidrIPv6}
			case r.PrefixListID != nil:
				p.PrefixListIds = []string{*r.PrefixListID}
			case r.ReferencedGroupID != nil:
				p.UserIdGroupPairs = []vpc.ReferencedGroup{{GroupId: *r.ReferencedGroupID}}
			}
			if r.Description != nil {
				p.Description = *r.Description
			}
			if err := st.Net.ModifySecurityGroupRule(in.GroupID, u.SecurityGroupRuleID, p); err != nil {
				return err
			}
		}
		return nil
	})
}

func sgOps() []*service.Operation {
	sgRes := func(c *service.Call, id *string) string {
		if id == nil {
			return arn(c, "security-group", "")
		}
		return arn(c, "security-group", *id)
	}
	rules := func(c *service.Call, in *SGRulesInput) string { return sgRes(c, in.GroupID) }
	return []*service.Operation{
		op("CreateSecurityGroup", createSecurityGroup, func(c *service.Call, in *CreateSecurityGroupInput) string {
			if in.VpcID == nil {
				return arn(c, "vpc", "")
			}
			return arn(c, "vpc", *in.VpcID)
		}),
		op("DeleteSecurityGroup", deleteSecurityGroup, func(c *service.Call, in *GroupRefInput) string { return sgRes(c, in.GroupID) }),
		op("DescribeSecurityGroups", describeSecurityGroups, nil, ro[DescribeSecurityGroupsInput]()),
		op("AuthorizeSecurityGroupIngress", authorize(false), rules),
		op("AuthorizeSecurityGroupEgress", authorize(true), rules),
		op("RevokeSecurityGroupIngress", revoke(false), rules),
		op("RevokeSecurityGroupEgress", revoke(true), rules),
		op("DescribeSecurityGroupRules", describeSecurityGroupRules, nil, ro[DescribeSecurityGroupRulesInput]()),
		op("DescribeStaleSecurityGroups", describeStaleSecurityGroups, nil, ro[DescribeStaleSecurityGroupsInput]()),
		op("ModifySecurityGroupRules", modifySecurityGroupRules, func(c *service.Call, in *ModifySecurityGroupRulesInput) string {
			return arn(c, "security-group", in.GroupID)
		}),
	}
}

// StaleIPPermission is EC2's StaleIpPermission.
type StaleIPPermission struct {
	IPProtocol    string            `aws:"ipProtocol"`
	FromPort      *int              `aws:"fromPort"`
	ToPort        *int              `aws:"toPort"`
	Groups        []UserIDGroupPair `aws:"groups"`
	IPRanges      []string          `aws:"ipRanges"`
	PrefixListIDs []string          `aws:"prefixListIds"`
}

// StaleSecurityGroup is EC2's StaleSecurityGroup.
type StaleSecurityGroup struct {
	GroupID                  string              `aws:"groupId"`
	GroupName                string              `aws:"groupName"`
	Description              string              `aws:"description"`
	VpcID                    string              `aws:"vpcId"`
	StaleIPPermissions       []StaleIPPermission `aws:"staleIpPermissions"`
	StaleIPPermissionsEgress []StaleIPPermission `aws:"staleIpPermissionsEgress"`
}

// DescribeStaleSecurityGroupsInput is DescribeStaleSecurityGroups' input.
type DescribeStaleSecurityGroupsInput struct {
	common
	VpcID      string `aws:"VpcId,required"`
	MaxResults *int32
	NextToken  *string
}

// DescribeStaleSecurityGroupsOutput is DescribeStaleSecurityGroups' output.
type DescribeStaleSecurityGroupsOutput struct {
	StaleSecurityGroups []StaleSecurityGroup `aws:"staleSecurityGroupSet"`
	NextToken           *string              `aws:"nextToken"`
}

// describeStaleSecurityGroups lists the rules of a VPC's groups that name a
// group which is gone or no longer reachable through an active peering
// (vpc.Network.StaleReferences).
func describeStaleSecurityGroups(ctx context.Context, c *service.Call, in *DescribeStaleSecurityGroupsInput) (*DescribeStaleSecurityGroupsOutput, error) {
	out := &DescribeStaleSecurityGroupsOutput{StaleSecurityGroups: []StaleSecurityGroup{}}
	err := view(ctx, c, func(st *state) error {
		if st.Net.VPCs[in.VpcID] == nil {
			return vpcNotFound(in.VpcID)
		}
		idx := map[string]int{}
		for _, s := range st.Net.StaleReferences() {
			if s.VpcId != in.VpcID {
				continue
			}
			i, seen := idx[s.GroupId]
			if !seen {
				g := st.Net.SecurityGroups[s.GroupId]
				out.StaleSecurityGroups = append(out.StaleSecurityGroups, StaleSecurityGroup{GroupID: g.GroupId, GroupName: g.GroupName,
					Description: g.Description, VpcID: g.VpcId, StaleIPPermissions: []StaleIPPermission{}, StaleIPPermissionsEgress: []StaleIPPermission{}})
				i = len(out.StaleSecurityGroups) - 1
				idx[s.GroupId] = i
			}
			r := s.Rule
			p := StaleIPPermission{IPProtocol: protoName(r.IpProtocol), IPRanges: []string{}, PrefixListIDs: []string{},
				Groups: []UserIDGroupPair{{GroupID: r.ReferencedGroup.GroupId, UserID: r.ReferencedGroup.UserId, VpcID: r.ReferencedGroup.VpcId,
					VpcPeeringConnectionID: r.ReferencedGroup.VpcPeeringConnectionId, PeeringStatus: r.ReferencedGroup.PeeringStatus, Description: r.Description}}}
			if r.IpProtocol != vpc.ProtoAll {
				p.FromPort, p.ToPort = ptr(r.FromPort), ptr(r.ToPort)
			}
			sg := &out.StaleSecurityGroups[i]
			if r.IsEgress {
				sg.StaleIPPermissionsEgress = append(sg.StaleIPPermissionsEgress, p)
			} else {
				sg.StaleIPPermissions = append(sg.StaleIPPermissions, p)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.StaleSecurityGroups, out.NextToken, err = paginate(out.StaleSecurityGroups, in.MaxResults, in.NextToken, false)
	return out, err
}
