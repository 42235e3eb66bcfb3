package ec2

import (
	"context"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/vpc"
)

var (
	resourceAlreadyAssociated = awserr.Def{Code: "Resource.AlreadyAssociated", Status: 400}
	assocNotFound             = awserr.Def{Code: "InvalidAssociationID.NotFound", Status: 400}
)

// --- output shapes ---

// State is a {state, statusMessage} member (cidrBlockState, associationState).
type State struct {
	State string `aws:"state"`
}

// CidrBlockAssociation is VpcCidrBlockAssociation.
type CidrBlockAssociation struct {
	AssociationID  string `aws:"associationId"`
	CidrBlock      string `aws:"cidrBlock"`
	CidrBlockState State  `aws:"cidrBlockState"`
}

// Vpc is EC2's Vpc.
type Vpc struct {
	VpcID                   string                 `aws:"vpcId"`
	OwnerID                 string                 `aws:"ownerId"`
	State                   string                 `aws:"state"`
	CidrBlock               string                 `aws:"cidrBlock"`
	CidrBlockAssociationSet []CidrBlockAssociation `aws:"cidrBlockAssociationSet"`
	DhcpOptionsID           string                 `aws:"dhcpOptionsId"`
	InstanceTenancy         string                 `aws:"instanceTenancy"`
	IsDefault               bool                   `aws:"isDefault"`
	Tags                    []Tag                  `aws:"tagSet"`
}

// Subnet is EC2's Subnet.
type Subnet struct {
	SubnetID                string `aws:"subnetId"`
	SubnetArn               string `aws:"subnetArn"`
	VpcID                   string `aws:"vpcId"`
	OwnerID                 string `aws:"ownerId"`
	State                   string `aws:"state"`
	CidrBlock               string `aws:"cidrBlock"`
	AvailabilityZone        string `aws:"availabilityZone"`
	AvailabilityZoneID      string `aws:"availabilityZoneId,omitempty"`
	AvailableIPAddressCount int    `aws:"availableIpAddressCount"`
	DefaultForAz            bool   `aws:"defaultForAz"`
	MapPublicIPOnLaunch     bool   `aws:"mapPublicIpOnLaunch"`
	Tags                    []Tag  `aws:"tagSet"`
}

// InternetGatewayAttachment is EC2's InternetGatewayAttachment.
type InternetGatewayAttachment struct {
	VpcID string `aws:"vpcId"`
	State string `aws:"state"`
}

// InternetGateway is EC2's InternetGateway.
type InternetGateway struct {
	InternetGatewayID string                      `aws:"internetGatewayId"`
	OwnerID           string                      `aws:"ownerId"`
	Attachments       []InternetGatewayAttachment `aws:"attachmentSet"`
	Tags              []Tag                       `aws:"tagSet"`
}

// Route is EC2's Route.
type Route struct {
	DestinationCidrBlock        string `aws:"destinationCidrBlock,omitempty"`
	DestinationIpv6CidrBlock    string `aws:"destinationIpv6CidrBlock,omitempty"`
	DestinationPrefixListID     string `aws:"destinationPrefixListId,omitempty"`
	GatewayID                   string `aws:"gatewayId,omitempty"`
	EgressOnlyInternetGatewayID string `aws:"egressOnlyInternetGatewayId,omitempty"`
	NatGatewayID                string `aws:"natGatewayId,omitempty"`
	InstanceID                  string `aws:"instanceId,omitempty"`
	InstanceOwnerID             string `aws:"instanceOwnerId,omitempty"`
	NetworkInterfaceID          string `aws:"networkInterfaceId,omitempty"`
	TransitGatewayID            string `aws:"transitGatewayId,omitempty"`
	VpcPeeringConnectionID      string `aws:"vpcPeeringConnectionId,omitempty"`
	State                       string `aws:"state"`
	Origin                      string `aws:"origin"`
}

// RouteTableAssociation is EC2's RouteTableAssociation.
type RouteTableAssociation struct {
	Main                    bool   `aws:"main"`
	RouteTableAssociationID string `aws:"routeTableAssociationId"`
	RouteTableID            string `aws:"routeTableId"`
	SubnetID                string `aws:"subnetId,omitempty"`
	GatewayID               string `aws:"gatewayId,omitempty"`
	AssociationState        State  `aws:"associationState"`
}

// RouteTable is EC2's RouteTable.
type RouteTable struct {
	RouteTableID    string                  `aws:"routeTableId"`
	VpcID           string                  `aws:"vpcId"`
	OwnerID         string                  `aws:"ownerId"`
	Associations    []RouteTableAssociation `aws:"associationSet"`
	PropagatingVgws []string                `aws:"propagatingVgwSet"`
	Routes          []Route                 `aws:"routeSet"`
	Tags            []Tag                   `aws:"tagSet"`
}

// --- renderers ---

func (st *state) vpcOut(v *vpc.VPC) Vpc {
	out := Vpc{VpcID: v.VpcId, OwnerID: v.OwnerId, State: "available", DhcpOptionsID: "default",
		InstanceTenancy: "default", IsDefault: v.IsDefault, Tags: st.tagSet(v.VpcId), CidrBlockAssociationSet: []CidrBlockAssociation{}}
	if t := st.Tenancy[v.VpcId]; t != "" {
		out.InstanceTenancy = t
	}
	for i, b := range v.CidrBlocks {
		if i == 0 {
			out.CidrBlock = b.String()
		}
		out.CidrBlockAssociationSet = append(out.CidrBlockAssociationSet, CidrBlockAssociation{
			AssociationID: st.cidrAssoc(v.VpcId, b), CidrBlock: b.String(), CidrBlockState: State{"associated"}})
	}
	return out
}

// cidrAssoc is the association ID of a VPC's CIDR block (vpc-cidr-assoc-…),
// derived from the VPC ID and the block so it needs no storage.
func (st *state) cidrAssoc(vpcID string, b netip.Prefix) string {
	h := uint64(14695981039346656037)
	for _, c := range vpcID + "/" + b.String() {
		h = (h ^ uint64(c)) * 1099511628211
	}
	s := strconv.FormatUint(h, 16)
	for len(s) < 17 {
		s = "0" + s
	}
	return "vpc-cidr-assoc-" + s[:17]
}

func (st *state) subnetOut(c *service.Call, s *vpc.Subnet) Subnet {
	used := 0
	for _, e := range st.Net.Interfaces {
		if e.SubnetId == s.SubnetId {
			used += len(e.PrivateIpAddresses)
		}
	}
	size := 1 << (32 - s.CidrBlock.Bits())
	zoneIDOf := ""
	if i := slices.Index(zones(c.Region), s.AvailabilityZone); i >= 0 {
		zoneIDOf = zoneID(c.Region, i)
	}
	return Subnet{AvailabilityZoneID: zoneIDOf, SubnetID: s.SubnetId, SubnetArn: arn(c, "subnet", s.SubnetId), VpcID: s.VpcId, OwnerID: s.OwnerId,
		State: "available", CidrBlock: s.CidrBlock.String(), AvailabilityZone: s.AvailabilityZone,
		AvailableIPAddressCount: max(size-5-used, 0), DefaultForAz: st.Net.VPCs[s.VpcId] != nil && st.Net.VPCs[s.VpcId].IsDefault, MapPublicIPOnLaunch: s.MapPublicIpOnLaunch, Tags: st.tagSet(s.SubnetId)}
}

func (st *state) igwOut(g *vpc.InternetGateway) InternetGateway {
	out := InternetGateway{InternetGatewayID: g.InternetGatewayId, OwnerID: g.OwnerId, Attachments: []InternetGatewayAttachment{}, Tags: st.tagSet(g.InternetGatewayId)}
	if g.VpcId != "" {
		out.Attachments = append(out.Attachments, InternetGatewayAttachment{VpcID: g.VpcId, State: "available"})
	}
	return out
}

func routeOut(r *vpc.Route) Route {
	out := Route{DestinationPrefixListID: r.DestinationPrefixListId, State: r.State, Origin: r.Origin}
	if r.DestinationCidrBlock.IsValid() {
		out.DestinationCidrBlock = r.DestinationCidrBlock.String()
	}
	if r.DestinationIpv6CidrBlock.IsValid() {
		out.DestinationIpv6CidrBlock = r.DestinationIpv6CidrBlock.String()
	}
	switch r.TargetType {
	case vpc.TargetNatGateway:
		out.NatGatewayID = r.TargetId
	case vpc.TargetInstance:
		out.InstanceID = r.TargetId
	case vpc.TargetNetworkInterface:
		out.NetworkInterfaceID = r.TargetId
	case vpc.TargetVpcPeeringConnection:
		out.VpcPeeringConnectionID = r.TargetId
	case vpc.TargetTransitGateway:
		out.TransitGatewayID = r.TargetId
	case vpc.TargetEgressOnlyInternetGateway:
		out.EgressOnlyInternetGatewayID = r.TargetId
	default:
		out.GatewayID = r.TargetId
	}
	return out
}

func (st *state) rtbOut(rt *vpc.RouteTable) RouteTable {
	out := RouteTable{RouteTableID: rt.RouteTableId, VpcID: rt.VpcId, OwnerID: rt.OwnerId, Associations: []RouteTableAssociation{},
		PropagatingVgws: []string{}, Routes: []Route{}, Tags: st.tagSet(rt.RouteTableId)}
	if rt.Main {
		out.Associations = append(out.Associations, RouteTableAssociation{Main: true, RouteTableAssociationID: st.MainAssoc[rt.RouteTableId],
			RouteTableID: rt.RouteTableId, AssociationState: State{"associated"}})
	}
	for _, s := range rt.SubnetIds {
		out.Associations = append(out.Associations, RouteTableAssociation{RouteTableAssociationID: st.RtbAssoc[s],
			RouteTableID: rt.RouteTableId, SubnetID: s, AssociationState: State{"associated"}})
	}
	for _, g := range rt.GatewayIds {
		out.Associations = append(out.Associations, RouteTableAssociation{RouteTableAssociationID: st.RtbAssoc[g],
			RouteTableID: rt.RouteTableId, GatewayID: g, AssociationState: State{"associated"}})
	}
	for i := range rt.Routes {
		out.Routes = append(out.Routes, routeOut(&rt.Routes[i]))
	}
	return out
}

// sortedIDs returns the keys of m in order, or ids (checked with notFound)
// when the caller named some.
func sortedIDs[V any](m map[string]V, ids []string, notFound func(id string) error) ([]string, error) {
	if len(ids) > 0 {
		for _, id := range ids {
			if _, ok := m[id]; !ok {
				return nil, notFound(id)
			}
		}
		return ids, nil
	}
	out := make([]string, 0, len(m))
	for id := range m {
		out = append(out, id)
	}
	sort.Strings(out)
	return out, nil
}

func nf(code, what string) func(string) error {
	return func(id string) error {
		return awserr.Def{Code: code, Status: 400}.New("The %s '%s' does not exist", what, id)
	}
}

var (
	vpcNotFound    = nf("InvalidVpcID.NotFound", "vpc ID")
	subnetNotFound = nf("InvalidSubnetID.NotFound", "subnet ID")
	igwNotFound    = nf("InvalidInternetGatewayID.NotFound", "internet gateway ID")
	rtbNotFound    = nf("InvalidRouteTableID.NotFound", "route table ID")
)

func cidrParam(s, param string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(strings.TrimSpace(s))
	if err != nil {
		return netip.Prefix{}, invalidParamValue.New("Value (%s) for parameter %s is invalid. This is not a valid CIDR block.", s, param)
	}
	return p.Masked(), nil
}

// --- VPCs ---

// CreateVpcInput is CreateVpc's input.
type CreateVpcInput struct {
	common
	CidrBlock         *string
	Ipv4IpamPoolID    *string `aws:"Ipv4IpamPoolId"`
	Ipv4NetmaskLength *int
	InstanceTenancy   *string
	TagSpecifications []TagSpecification `aws:"TagSpecification"`
}

// CreateVpcOutput is CreateVpc's output.
type CreateVpcOutput struct {
	Vpc Vpc `aws:"vpc"`
}

func createVpc(ctx context.Context, c *service.Call, in *CreateVpcInput) (*CreateVpcOutput, error) {
	var out CreateVpcOutput
	err := update(ctx, c, func(st *state) error {
		if t := in.InstanceTenancy; t != nil && *t != "default" && *t != "dedicated" && *t != "host" {
			return invalidParamValue.New("Value (%s) for parameter instanceTenancy is invalid. Valid values: default, dedicated, host", *t)
		}
		cidr, alloc, err := st.vpcCidr(c, in)
		if err != nil {
			return err
		}
		v, err := st.Net.CreateVpc(cidr)
		if err != nil {
			return err
		}
		if alloc != nil {
			alloc.ResourceID = v.VpcId
		}
		if err := st.applyTagSpecs(v.VpcId, "vpc", in.TagSpecifications); err != nil {
			return err
		}
		if t := in.InstanceTenancy; t != nil && *t != "default" {
			st.Tenancy[v.VpcId] = *t
		}
		st.MainAssoc[v.MainRouteTableId] = newID("rtbassoc")
		out.Vpc = st.vpcOut(v)
		return nil
	})
	return &out, err
}

// DescribeVpcsInput is DescribeVpcs' input.
type DescribeVpcsInput struct {
	common
	VpcIDs     []string `aws:"VpcId"`
	Filters    []Filter `aws:"Filter"`
	MaxResults *int32
	NextToken  *string
}

// DescribeVpcsOutput is DescribeVpcs' output.
type DescribeVpcsOutput struct {
	Vpcs      []Vpc   `aws:"vpcSet"`
	NextToken *string `aws:"nextToken"`
}

func describeVpcs(ctx context.Context, c *service.Call, in *DescribeVpcsInput) (*DescribeVpcsOutput, error) {
	fs, err := newFilters(in.Filters, "vpc-id", "cidr", "cidr-block-association.cidr-block", "cidr-block-association.association-id",
		"cidr-block-association.state", "state", "is-default", "owner-id", "dhcp-options-id")
	if err != nil {
		return nil, err
	}
	out := &DescribeVpcsOutput{Vpcs: []Vpc{}}
	err = view(ctx, c, func(st *state) error {
		ids, err := sortedIDs(st.Net.VPCs, in.VpcIDs, vpcNotFound)
		if err != nil {
			return err
		}
		for _, id := range ids {
			v := st.Net.VPCs[id]
			o := st.vpcOut(v)
			a := attrs{"vpc-id": {id}, "cidr": {o.CidrBlock}, "state": {"available"}, "is-default": {strconv.FormatBool(v.IsDefault)},
				"owner-id": {v.OwnerId}, "dhcp-options-id": {"default"}, "cidr-block-association.state": {"associated"}}
			for _, b := range o.CidrBlockAssociationSet {
				a["cidr-block-association.cidr-block"] = append(a["cidr-block-association.cidr-block"], b.CidrBlock)
				a["cidr-block-association.association-id"] = append(a["cidr-block-association.association-id"], b.AssociationID)
			}
			if fs.match(a, st.Tags[id]) {
				out.Vpcs = append(out.Vpcs, o)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.Vpcs, out.NextToken, err = paginate(out.Vpcs, in.MaxResults, in.NextToken, len(in.VpcIDs) > 0)
	return out, err
}

// VpcIDInput names one VPC.
type VpcIDInput struct {
	common
	VpcID string `aws:"VpcId,required"`
}

func deleteVpc(ctx context.Context, c *service.Call, in *VpcIDInput) (*ReturnOutput, error) {
	return ok, update(ctx, c, func(st *state) error {
		var gone []string
		for id, rt := range st.Net.RouteTables {
			if rt.VpcId == in.VpcID {
				gone = append(gone, id)
			}
		}
		for id, a := range st.Net.NetworkACLs {
			if a.VpcId == in.VpcID {
				gone = append(gone, id)
			}
		}
		for id, g := range st.Net.SecurityGroups {
			if g.VpcId == in.VpcID {
				gone = append(gone, id)
			}
		}
		if err := st.Net.DeleteVpc(in.VpcID); err != nil {
			return err
		}
		st.forget(in.VpcID)
		st.releaseResource(in.VpcID)
		delete(st.Tenancy, in.VpcID)
		delete(st.VpcAttrs, in.VpcID)
		for _, id := range gone {
			st.forget(id)
			delete(st.MainAssoc, id)
		}
		return nil
	})
}

// AssociateVpcCidrBlockInput is AssociateVpcCidrBlock's input.
type AssociateVpcCidrBlockInput struct {
	common
	VpcID             string `aws:"VpcId,required"`
	CidrBlock         *string
	Ipv4IpamPoolID    *string `aws:"Ipv4IpamPoolId"`
	Ipv4NetmaskLength *int
}

// AssociateVpcCidrBlockOutput is AssociateVpcCidrBlock's output.
type AssociateVpcCidrBlockOutput struct {
	CidrBlockAssociation *CidrBlockAssociation `aws:"cidrBlockAssociation"`
	VpcID                string                `aws:"vpcId"`
}

func associateVpcCidrBlock(ctx context.Context, c *service.Call, in *AssociateVpcCidrBlockInput) (*AssociateVpcCidrBlockOutput, error) {
	if in.CidrBlock == nil && in.Ipv4IpamPoolID == nil {
		return nil, missingParameter.New("The request must contain the parameter CidrBlock")
	}
	out := &AssociateVpcCidrBlockOutput{VpcID: in.VpcID}
	return out, update(ctx, c, func(st *state) error {
		if st.Net.VPCs[in.VpcID] == nil {
			return vpcNotFound(in.VpcID)
		}
		cidr, alloc, err := st.vpcCidr(c, &CreateVpcInput{CidrBlock: in.CidrBlock, Ipv4IpamPoolID: in.Ipv4IpamPoolID, Ipv4NetmaskLength: in.Ipv4NetmaskLength})
		if err != nil {
			return err
		}
		if alloc != nil {
			alloc.ResourceID = in.VpcID
		}
		if err := st.Net.AssociateVpcCidrBlock(in.VpcID, cidr); err != nil {
			return err
		}
		v := st.Net.VPCs[in.VpcID]
		b := v.CidrBlocks[len(v.CidrBlocks)-1]
		out.CidrBlockAssociation = &CidrBlockAssociation{AssociationID: st.cidrAssoc(in.VpcID, b), CidrBlock: b.String(), CidrBlockState: State{"associated"}}
		return nil
	})
}

// --- subnets ---

// CreateSubnetInput is CreateSubnet's input.
type CreateSubnetInput struct {
	common
	VpcID             string `aws:"VpcId,required"`
	CidrBlock         *string
	AvailabilityZone  *string
	TagSpecifications []TagSpecification `aws:"TagSpecification"`
}

// CreateSubnetOutput is CreateSubnet's output.
type CreateSubnetOutput struct {
	Subnet Subnet `aws:"subnet"`
}

func createSubnet(ctx context.Context, c *service.Call, in *CreateSubnetInput) (*CreateSubnetOutput, error) {
	if in.CidrBlock == nil {
		return nil, missingParameter.New("The request must contain the parameter CidrBlock")
	}
	az := c.Region + "a"
	if in.AvailabilityZone != nil {
		az = *in.AvailabilityZone
		if err := checkZone(c.Region, az); err != nil {
			return nil, err
		}
	}
	var out CreateSubnetOutput
	err := update(ctx, c, func(st *state) error {
		s, err := st.Net.CreateSubnet(in.VpcID, *in.CidrBlock, az)
		if err != nil {
			return err
		}
		if err := st.applyTagSpecs(s.SubnetId, "subnet", in.TagSpecifications); err != nil {
			return err
		}
		st.AclAssoc[s.SubnetId] = newID("aclassoc")
		out.Subnet = st.subnetOut(c, s)
		return nil
	})
	return &out, err
}

// DescribeSubnetsInput is DescribeSubnets' input.
type DescribeSubnetsInput struct {
	common
	SubnetIDs  []string `aws:"SubnetId"`
	Filters    []Filter `aws:"Filter"`
	MaxResults *int32
	NextToken  *string
}

// DescribeSubnetsOutput is DescribeSubnets' output.
type DescribeSubnetsOutput struct {
	Subnets   []Subnet `aws:"subnetSet"`
	NextToken *string  `aws:"nextToken"`
}

func describeSubnets(ctx context.Context, c *service.Call, in *DescribeSubnetsInput) (*DescribeSubnetsOutput, error) {
	fs, err := newFilters(in.Filters, "subnet-id", "vpc-id", "cidr-block", "cidr", "cidrBlock", "availability-zone", "availabilityZone", "availability-zone-id",
		"state", "owner-id", "map-public-ip-on-launch", "default-for-az", "subnet-arn")
	if err != nil {
		return nil, err
	}
	out := &DescribeSubnetsOutput{Subnets: []Subnet{}}
	err = view(ctx, c, func(st *state) error {
		ids, err := sortedIDs(st.Net.Subnets, in.SubnetIDs, subnetNotFound)
		if err != nil {
			return err
		}
		for _, id := range ids {
			o := st.subnetOut(c, st.Net.Subnets[id])
			a := attrs{"subnet-id": {id}, "vpc-id": {o.VpcID}, "cidr-block": {o.CidrBlock}, "cidr": {o.CidrBlock}, "cidrBlock": {o.CidrBlock},
				"availability-zone": {o.AvailabilityZone}, "availabilityZone": {o.AvailabilityZone}, "availability-zone-id": {o.AvailabilityZoneID}, "state": {"available"},
				"owner-id": {o.OwnerID}, "map-public-ip-on-launch": {strconv.FormatBool(o.MapPublicIPOnLaunch)},
				"default-for-az": {strconv.FormatBool(o.DefaultForAz)}, "subnet-arn": {o.SubnetArn}}
			if fs.match(a, st.Tags[id]) {
				out.Subnets = append(out.Subnets, o)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.Subnets, out.NextToken, err = paginate(out.Subnets, in.MaxResults, in.NextToken, len(in.SubnetIDs) > 0)
	return out, err
}

// SubnetIDInput names one subnet.
type SubnetIDInput struct {
	common
	SubnetID string `aws:"SubnetId,required"`
}

func deleteSubnet(ctx context.Context, c *service.Call, in *SubnetIDInput) (*ReturnOutput, error) {
	return ok, update(ctx, c, func(st *state) error {
		if err := st.Net.DeleteSubnet(in.SubnetID); err != nil {
			return err
		}
		st.forget(in.SubnetID)
		delete(st.RtbAssoc, in.SubnetID)
		delete(st.AclAssoc, in.SubnetID)
		return nil
	})
}

// BoolValue is AttributeBooleanValue.
type BoolValue struct {
	Value *bool
}

// ModifySubnetAttributeInput is ModifySubnetAttribute's input (the
// MapPublicIpOnLaunch attribute; the others are accepted and ignored).
type ModifySubnetAttributeInput struct {
	common
	SubnetID            string     `aws:"SubnetId,required"`
	MapPublicIPOnLaunch *BoolValue `aws:"MapPublicIpOnLaunch"`
}

func modifySubnetAttribute(ctx context.Context, c *service.Call, in *ModifySubnetAttributeInput) (*struct{}, error) {
	return &struct{}{}, update(ctx, c, func(st *state) error {
		s := st.Net.Subnets[in.SubnetID]
		if s == nil {
			return subnetNotFound(in.SubnetID)
		}
		if in.MapPublicIPOnLaunch != nil && in.MapPublicIPOnLaunch.Value != nil {
			s.MapPublicIpOnLaunch = *in.MapPublicIPOnLaunch.Value
		}
		return nil
	})
}

// --- internet gateways ---

// CreateInternetGatewayInput is CreateInternetGateway's input.
type CreateInternetGatewayInput struct {
	common
	TagSpecifications []TagSpecification `aws:"TagSpecification"`
}

// CreateInternetGatewayOutput is CreateInternetGateway's output.
type CreateInternetGatewayOutput struct {
	InternetGateway InternetGateway `aws:"internetGateway"`
}

func createInternetGateway(ctx context.Context, c *service.Call, in *CreateInternetGatewayInput) (*CreateInternetGatewayOutput, error) {
	var out CreateInternetGatewayOutput
	err := update(ctx, c, func(st *state) error {
		g := st.Net.CreateInternetGateway()
		if err := st.applyTagSpecs(g.InternetGatewayId, "internet-gateway", in.TagSpecifications); err != nil {
			return err
		}
		out.InternetGateway = st.igwOut(g)
		return nil
	})
	return &out, err
}

// IgwVpcInput names a gateway and a VPC.
type IgwVpcInput struct {
	common
	InternetGatewayID string `aws:"InternetGatewayId,required"`
	VpcID             string `aws:"VpcId,required"`
}

func attachInternetGateway(ctx context.Context, c *service.Call, in *IgwVpcInput) (*struct{}, error) {
	return &struct{}{}, update(ctx, c, func(st *state) error { return st.Net.AttachInternetGateway(in.InternetGatewayID, in.VpcID) })
}

func detachInternetGateway(ctx context.Context, c *service.Call, in *IgwVpcInput) (*struct{}, error) {
	return &struct{}{}, update(ctx, c, func(st *state) error {
		if st.Net.VPCs[in.VpcID] == nil {
			return vpcNotFound(in.VpcID)
		}
		return st.Net.DetachInternetGateway(in.InternetGatewayID, in.VpcID)
	})
}

// IgwInput names one internet gateway.
type IgwInput struct {
	common
	InternetGatewayID string `aws:"InternetGatewayId,required"`
}

func deleteInternetGateway(ctx context.Context, c *service.Call, in *IgwInput) (*struct{}, error) {
	return &struct{}{}, update(ctx, c, func(st *state) error {
		if g := st.Net.InternetGateways[in.InternetGatewayID]; g != nil && g.VpcId != "" {
			return awserr.Def{Code: "DependencyViolation", Status: 400}.New("The internetGateway '%s' has dependencies and cannot be deleted.", in.InternetGatewayID)
		}
		if err := st.Net.DeleteInternetGateway(in.InternetGatewayID); err != nil {
			return err
		}
		for _, rt := range st.Net.RouteTables {
			rt.GatewayIds = slices.DeleteFunc(rt.GatewayIds, func(g string) bool { return g == in.InternetGatewayID })
		}
		delete(st.RtbAssoc, in.InternetGatewayID)
		st.forget(in.InternetGatewayID)
		return nil
	})
}

// DescribeInternetGatewaysInput is DescribeInternetGateways' input.
type DescribeInternetGatewaysInput struct {
	common
	InternetGatewayIDs []string `aws:"InternetGatewayId"`
	Filters            []Filter `aws:"Filter"`
	MaxResults         *int32
	NextToken          *string
}

// DescribeInternetGatewaysOutput is DescribeInternetGateways' output.
type DescribeInternetGatewaysOutput struct {
	InternetGateways []InternetGateway `aws:"internetGatewaySet"`
	NextToken        *string           `aws:"nextToken"`
}

func describeInternetGateways(ctx context.Context, c *service.Call, in *DescribeInternetGatewaysInput) (*DescribeInternetGatewaysOutput, error) {
	fs, err := newFilters(in.Filters, "internet-gateway-id", "attachment.vpc-id", "attachment.state", "owner-id")
	if err != nil {
		return nil, err
	}
	out := &DescribeInternetGatewaysOutput{InternetGateways: []InternetGateway{}}
	err = view(ctx, c, func(st *state) error {
		ids, err := sortedIDs(st.Net.InternetGateways, in.InternetGatewayIDs, igwNotFound)
		if err != nil {
			return err
		}
		for _, id := range ids {
			g := st.Net.InternetGateways[id]
			a := attrs{"internet-gateway-id": {id}, "owner-id": {g.OwnerId}}
			if g.VpcId != "" {
				a["attachment.vpc-id"], a["attachment.state"] = []string{g.VpcId}, []string{"available"}
			}
			if fs.match(a, st.Tags[id]) {
				out.InternetGateways = append(out.InternetGateways, st.igwOut(g))
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.InternetGateways, out.NextToken, err = paginate(out.InternetGateways, in.MaxResults, in.NextToken, len(in.InternetGatewayIDs) > 0)
	return out, err
}

// --- route tables ---

// CreateRouteTableInput is CreateRouteTable's input.
type CreateRouteTableInput struct {
	common
	VpcID             string `aws:"VpcId,required"`
	ClientToken       *string
	TagSpecifications []TagSpecification `aws:"TagSpecification"`
}

// CreateRouteTableOutput is CreateRouteTable's output.
type CreateRouteTableOutput struct {
	ClientToken *string    `aws:"clientToken"`
	RouteTable  RouteTable `aws:"routeTable"`
}

func createRouteTable(ctx context.Context, c *service.Call, in *CreateRouteTableInput) (*CreateRouteTableOutput, error) {
	out := CreateRouteTableOutput{ClientToken: in.ClientToken}
	err := update(ctx, c, func(st *state) error {
		rt, err := st.Net.CreateRouteTable(in.VpcID)
		if err != nil {
			return err
		}
		if err := st.applyTagSpecs(rt.RouteTableId, "route-table", in.TagSpecifications); err != nil {
			return err
		}
		out.RouteTable = st.rtbOut(rt)
		return nil
	})
	return &out, err
}

// RouteInput is the destination and target of CreateRoute and ReplaceRoute.
type RouteInput struct {
	common
	RouteTableID                string `aws:"RouteTableId,required"`
	DestinationCidrBlock        *string
	DestinationIpv6CidrBlock    *string
	DestinationPrefixListID     *string `aws:"DestinationPrefixListId"`
	GatewayID                   *string `aws:"GatewayId"`
	NatGatewayID                *string `aws:"NatGatewayId"`
	InstanceID                  *string `aws:"InstanceId"`
	NetworkInterfaceID          *string `aws:"NetworkInterfaceId"`
	VpcPeeringConnectionID      *string `aws:"VpcPeeringConnectionId"`
	TransitGatewayID            *string `aws:"TransitGatewayId"`
	EgressOnlyInternetGatewayID *string `aws:"EgressOnlyInternetGatewayId"`
	VpcEndpointID               *string `aws:"VpcEndpointId"`
	LocalGatewayID              *string `aws:"LocalGatewayId"`
	CarrierGatewayID            *string `aws:"CarrierGatewayId"`
}

func (in *RouteInput) route() (vpc.Route, error) {
	var r vpc.Route
	dests := 0
	if in.DestinationCidrBlock != nil {
		p, err := cidrParam(*in.DestinationCidrBlock, "destinationCidrBlock")
		if err != nil {
			return r, err
		}
		if !p.Addr().Is4() {
			return r, invalidParamValue.New("Value (%s) for parameter destinationCidrBlock is invalid. This is not a valid CIDR block.", *in.DestinationCidrBlock)
		}
		r.DestinationCidrBlock = p
		dests++
	}
	if in.DestinationIpv6CidrBlock != nil {
		p, err := cidrParam(*in.DestinationIpv6CidrBlock, "destinationIpv6CidrBlock")
		if err != nil || !p.Addr().Is6() {
			return r, invalidParamValue.New("Value (%s) for parameter destinationIpv6CidrBlock is invalid. This is not a valid IPv6 CIDR block.", *in.DestinationIpv6CidrBlock)
		}
		r.DestinationIpv6CidrBlock = p
		dests++
	}
	if in.DestinationPrefixListID != nil {
		r.DestinationPrefixListId = *in.DestinationPrefixListID
		dests++
	}
	if dests == 0 {
		return r, missingParameter.New("The request must contain the parameter destinationCidrBlock or destinationIpv6CidrBlock or destinationPrefixListId")
	}
	if dests > 1 {
		return r, invalidParamCombo.New("Only one of destinationCidrBlock, destinationIpv6CidrBlock and destinationPrefixListId may be specified")
	}
	targets := 0
	set := func(p *string, t vpc.TargetType) {
		if p != nil {
			targets++
			r.TargetType, r.TargetId = t, *p
		}
	}
	if in.GatewayID != nil {
		switch g := *in.GatewayID; {
		case g == "local":
			set(in.GatewayID, vpc.TargetLocal)
		case strings.HasPrefix(g, "vpce-"):
			set(in.GatewayID, vpc.TargetGatewayEndpoint)
		case strings.HasPrefix(g, "vgw-"):
			set(in.GatewayID, vpc.TargetVirtualPrivateGateway)
		default:
			set(in.GatewayID, vpc.TargetInternetGateway)
		}
	}
	set(in.NatGatewayID, vpc.TargetNatGateway)
	set(in.InstanceID, vpc.TargetInstance)
	set(in.NetworkInterfaceID, vpc.TargetNetworkInterface)
	set(in.VpcPeeringConnectionID, vpc.TargetVpcPeeringConnection)
	set(in.TransitGatewayID, vpc.TargetTransitGateway)
	set(in.EgressOnlyInternetGatewayID, vpc.TargetEgressOnlyInternetGateway)
	set(in.VpcEndpointID, vpc.TargetGatewayLoadBalancerEndpoint)
	set(in.LocalGatewayID, vpc.TargetLocalGateway)
	set(in.CarrierGatewayID, vpc.TargetCarrierGateway)
	if targets == 0 {
		return r, missingParameter.New("The request must contain exactly one of gatewayId, natGatewayId, instanceId, networkInterfaceId, vpcPeeringConnectionId, transitGatewayId, egressOnlyInternetGatewayId, vpcEndpointId, localGatewayId or carrierGatewayId")
	}
	if targets > 1 {
		return r, invalidParamCombo.New("The parameter combination is not valid: specify exactly one route target")
	}
	return r, nil
}

func createRoute(ctx context.Context, c *service.Call, in *RouteInput) (*ReturnOutput, error) {
	r, err := in.route()
	if err != nil {
		return nil, err
	}
	return ok, update(ctx, c, func(st *state) error {
		if r.TargetType == vpc.TargetInternetGateway && !strings.HasPrefix(r.TargetId, "igw-") {
			return awserr.Def{Code: "InvalidGatewayID.NotFound", Status: 400}.New("The gateway ID '%s' does not exist", r.TargetId)
		}
		if r.TargetType == vpc.TargetInstance {
			if err := st.instanceRouteTarget(r.TargetId); err != nil {
				return err
			}
		}
		return st.Net.CreateRoute(in.RouteTableID, r)
	})
}

// instanceRouteTarget checks an instance named as a route target: it must
// be running and have exactly one interface.
func (st *state) instanceRouteTarget(id string) error {
	inst := st.Net.Instances[id]
	if inst == nil || inst.State == "terminated" {
		return nf("InvalidInstanceID.NotFound", "instance ID")(id)
	}
	if len(inst.NetworkInterfaceIds) != 1 {
		return invalidParamValue.New("Instance %s has more than one network interface; name the interface instead", id)
	}
	return nil
}

func replaceRoute(ctx context.Context, c *service.Call, in *RouteInput) (*struct{}, error) {
	r, err := in.route()
	if err != nil {
		return nil, err
	}
	return &struct{}{}, update(ctx, c, func(st *state) error {
		if r.TargetType == vpc.TargetInstance {
			if err := st.instanceRouteTarget(r.TargetId); err != nil {
				return err
			}
		}
		if r.TargetType == vpc.TargetLocal {
			return st.replaceLocal(in.RouteTableID, r)
		}
		return st.Net.ReplaceRoute(in.RouteTableID, r)
	})
}

// replaceLocal restores a local route's target (ReplaceRoute with
// GatewayId=local after a middlebox route replaced it).
func (st *state) replaceLocal(rtbID string, r vpc.Route) error {
	rt := st.Net.RouteTables[rtbID]
	if rt == nil {
		return rtbNotFound(rtbID)
	}
	for i := range rt.Routes {
		if rt.Routes[i].Destination() == r.Destination() {
			rt.Routes[i].TargetType, rt.Routes[i].TargetId, rt.Routes[i].State = vpc.TargetLocal, "local", "active"
			return nil
		}
	}
	return awserr.Def{Code: "InvalidRoute.NotFound", Status: 400}.New("no route with destination-cidr-block %s in route table %s", r.Destination(), rtbID)
}

// DeleteRouteInput is DeleteRoute's input.
type DeleteRouteInput struct {
	common
	RouteTableID             string `aws:"RouteTableId,required"`
	DestinationCidrBlock     *string
	DestinationIpv6CidrBlock *string
	DestinationPrefixListID  *string `aws:"DestinationPrefixListId"`
}

func deleteRoute(ctx context.Context, c *service.Call, in *DeleteRouteInput) (*struct{}, error) {
	var dest string
	switch {
	case in.DestinationCidrBlock != nil:
		p, err := cidrParam(*in.DestinationCidrBlock, "destinationCidrBlock")
		if err != nil {
			return nil, err
		}
		dest = p.String()
	case in.DestinationIpv6CidrBlock != nil:
		p, err := cidrParam(*in.DestinationIpv6CidrBlock, "destinationIpv6CidrBlock")
		if err != nil {
			return nil, err
		}
		dest = p.String()
	case in.DestinationPrefixListID != nil:
		dest = *in.DestinationPrefixListID
	default:
		return nil, missingParameter.New("The request must contain the parameter destinationCidrBlock or destinationIpv6CidrBlock or destinationPrefixListId")
	}
	return &struct{}{}, update(ctx, c, func(st *state) error { return st.Net.DeleteRoute(in.RouteTableID, dest) })
}

// AssociateRouteTableInput is AssociateRouteTable's input.
type AssociateRouteTableInput struct {
	common
	RouteTableID string  `aws:"RouteTableId,required"`
	SubnetID     *string `aws:"SubnetId"`
	GatewayID    *string `aws:"GatewayId"`
}

// AssociateRouteTableOutput is AssociateRouteTable's output.
type AssociateRouteTableOutput struct {
	AssociationID    string `aws:"associationId"`
	AssociationState State  `aws:"associationState"`
}

func associateRouteTable(ctx context.Context, c *service.Call, in *AssociateRouteTableInput) (*AssociateRouteTableOutput, error) {
	if (in.SubnetID == nil) == (in.GatewayID == nil) {
		return nil, invalidParamCombo.New("Specify either a subnet ID or a gateway ID, not both")
	}
	out := &AssociateRouteTableOutput{AssociationState: State{"associated"}}
	return out, update(ctx, c, func(st *state) error {
		if in.GatewayID != nil {
			g := *in.GatewayID
			if st.RtbAssoc[g] != "" {
				return resourceAlreadyAssociated.New("the specified association for route table %s conflicts with an existing association", in.RouteTableID)
			}
			if err := st.Net.AssociateGatewayRouteTable(in.RouteTableID, g); err != nil {
				return err
			}
			out.AssociationID = newID("rtbassoc")
			st.RtbAssoc[g] = out.AssociationID
			return nil
		}
		s := *in.SubnetID
		if st.RtbAssoc[s] != "" && st.Net.Subnets[s] != nil {
			return resourceAlreadyAssociated.New("the specified association for route table %s conflicts with an existing association", in.RouteTableID)
		}
		if err := st.Net.AssociateRouteTable(in.RouteTableID, s); err != nil {
			return err
		}
		out.AssociationID = newID("rtbassoc")
		st.RtbAssoc[s] = out.AssociationID
		return nil
	})
}

// AssociationIDInput names one association.
type AssociationIDInput struct {
	common
	AssociationID string `aws:"AssociationId,required"`
}

// findAssoc returns the subnet or gateway an explicit association ID
// belongs to, or the route table of a main association.
func (st *state) findAssoc(id string) (target string, main bool, err error) {
	for k, v := range st.RtbAssoc {
		if v == id {
			return k, false, nil
		}
	}
	for k, v := range st.MainAssoc {
		if v == id {
			return k, true, nil
		}
	}
	return "", false, assocNotFound.New("The association ID '%s' does not exist", id)
}

func disassociateRouteTable(ctx context.Context, c *service.Call, in *AssociationIDInput) (*struct{}, error) {
	return &struct{}{}, update(ctx, c, func(st *state) error {
		target, main, err := st.findAssoc(in.AssociationID)
		if err != nil {
			return err
		}
		if main {
			return invalidParamValue.New("The association '%s' is the main route table association and cannot be disassociated; use ReplaceRouteTableAssociation", in.AssociationID)
		}
		delete(st.RtbAssoc, target)
		if strings.HasPrefix(target, "subnet-") {
			return st.Net.DisassociateRouteTable(target)
		}
		for _, rt := range st.Net.RouteTables {
			rt.GatewayIds = slices.DeleteFunc(rt.GatewayIds, func(g string) bool { return g == target })
		}
		return nil
	})
}

// ReplaceRouteTableAssociationInput is ReplaceRouteTableAssociation's input.
type ReplaceRouteTableAssociationInput struct {
	common
	AssociationID string `aws:"AssociationId,required"`
	RouteTableID  string `aws:"RouteTableId,required"`
}

// ReplaceRouteTableAssociationOutput is ReplaceRouteTableAssociation's output.
type ReplaceRouteTableAssociationOutput struct {
	NewAssociationID string `aws:"newAssociationId"`
	AssociationState State  `aws:"associationState"`
}

func replaceRouteTableAssociation(ctx context.Context, c *service.Call, in *ReplaceRouteTableAssociationInput) (*ReplaceRouteTableAssociationOutput, error) {
	out := &ReplaceRouteTableAssociationOutput{AssociationState: State{"associated"}}
	return out, update(ctx, c, func(st *state) error {
		target, main, err := st.findAssoc(in.AssociationID)
		if err != nil {
			return err
		}
		rt := st.Net.RouteTables[in.RouteTableID]
		if rt == nil {
			return rtbNotFound(in.RouteTableID)
		}
		out.NewAssociationID = newID("rtbassoc")
		if main {
			if st.Net.RouteTables[target].VpcId != rt.VpcId {
				return invalidParamValue.New("route table %s and association %s belong to different networks", in.RouteTableID, in.AssociationID)
			}
			if err := st.Net.ReplaceMainRouteTable(in.RouteTableID); err != nil {
				return err
			}
			delete(st.MainAssoc, target)
			st.MainAssoc[in.RouteTableID] = out.NewAssociationID
			return nil
		}
		if strings.HasPrefix(target, "subnet-") {
			if err := st.Net.AssociateRouteTable(in.RouteTableID, target); err != nil {
				return err
			}
		} else {
			for _, o := range st.Net.RouteTables {
				o.GatewayIds = slices.DeleteFunc(o.GatewayIds, func(g string) bool { return g == target })
			}
			if err := st.Net.AssociateGatewayRouteTable(in.RouteTableID, target); err != nil {
				return err
			}
		}
		st.RtbAssoc[target] = out.NewAssociationID
		return nil
	})
}

// RouteTableIDInput names one route table.
type RouteTableIDInput struct {
	common
	RouteTableID string `aws:"RouteTableId,required"`
}

func deleteRouteTable(ctx context.Context, c *service.Call, in *RouteTableIDInput) (*struct{}, error) {
	return &struct{}{}, update(ctx, c, func(st *state) error {
		if err := st.Net.DeleteRouteTable(in.RouteTableID); err != nil {
			return err
		}
		st.forget(in.RouteTableID)
		return nil
	})
}

// DescribeRouteTablesInput is DescribeRouteTables' input.
type DescribeRouteTablesInput struct {
	common
	RouteTableIDs []string `aws:"RouteTableId"`
	Filters       []Filter `aws:"Filter"`
	MaxResults    *int32
	NextToken     *string
}

// DescribeRouteTablesOutput is DescribeRouteTables' output.
type DescribeRouteTablesOutput struct {
	RouteTables []RouteTable `aws:"routeTableSet"`
	NextToken   *string      `aws:"nextToken"`
}

func describeRouteTables(ctx context.Context, c *service.Call, in *DescribeRouteTablesInput) (*DescribeRouteTablesOutput, error) {
	fs, err := newFilters(in.Filters, "route-table-id", "vpc-id", "owner-id", "association.subnet-id", "association.main",
		"association.route-table-association-id", "association.route-table-id", "association.gateway-id",
		"route.destination-cidr-block", "route.gateway-id", "route.nat-gateway-id", "route.instance-id",
		"route.vpc-peering-connection-id", "route.state", "route.origin", "route.destination-prefix-list-id")
	if err != nil {
		return nil, err
	}
	out := &DescribeRouteTablesOutput{RouteTables: []RouteTable{}}
	err = view(ctx, c, func(st *state) error {
		ids, err := sortedIDs(st.Net.RouteTables, in.RouteTableIDs, rtbNotFound)
		if err != nil {
			return err
		}
		for _, id := range ids {
			o := st.rtbOut(st.Net.RouteTables[id])
			a := attrs{"route-table-id": {id}, "vpc-id": {o.VpcID}, "owner-id": {o.OwnerID}}
			add := func(k, v string) {
				if v != "" {
					a[k] = append(a[k], v)
				}
			}
			for _, as := range o.Associations {
				add("association.subnet-id", as.SubnetID)
				add("association.gateway-id", as.GatewayID)
				add("association.route-table-association-id", as.RouteTableAssociationID)
				add("association.route-table-id", as.RouteTableID)
				add("association.main", strconv.FormatBool(as.Main))
			}
			if len(o.Associations) == 0 {
				add("association.main", "false")
			}
			for _, r := range o.Routes {
				add("route.destination-cidr-block", r.DestinationCidrBlock)
				add("route.destination-prefix-list-id", r.DestinationPrefixListID)
				add("route.gateway-id", r.GatewayID)
				add("route.nat-gateway-id", r.NatGatewayID)
				add("route.instance-id", r.InstanceID)
				add("route.vpc-peering-connection-id", r.VpcPeeringConnectionID)
				add("route.state", r.State)
				add("route.origin", r.Origin)
			}
			if fs.match(a, st.Tags[id]) {
				out.RouteTables = append(out.RouteTables, o)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.RouteTables, out.NextToken, err = paginate(out.RouteTables, in.MaxResults, in.NextToken, len(in.RouteTableIDs) > 0)
	return out, err
}

func vpcOps() []*service.Operation {
	vpcRes := func(c *service.Call, id string) string { return arn(c, "vpc", id) }
	return []*service.Operation{
		op("CreateVpc", createVpc, func(c *service.Call, _ *CreateVpcInput) string { return vpcRes(c, "") }),
		op("DescribeVpcs", describeVpcs, nil, ro[DescribeVpcsInput]()),
		op("DeleteVpc", deleteVpc, func(c *service.Call, in *VpcIDInput) string { return vpcRes(c, in.VpcID) }),
		op("AssociateVpcCidrBlock", associateVpcCidrBlock, func(c *service.Call, in *AssociateVpcCidrBlockInput) string { return vpcRes(c, in.VpcID) }),
		op("CreateSubnet", createSubnet, func(c *service.Call, in *CreateSubnetInput) string { return vpcRes(c, in.VpcID) }),
		op("DescribeSubnets", describeSubnets, nil, ro[DescribeSubnetsInput]()),
		op("DeleteSubnet", deleteSubnet, func(c *service.Call, in *SubnetIDInput) string { return arn(c, "subnet", in.SubnetID) }),
		op("ModifySubnetAttribute", modifySubnetAttribute, func(c *service.Call, in *ModifySubnetAttributeInput) string { return arn(c, "subnet", in.SubnetID) }),
		op("CreateInternetGateway", createInternetGateway, func(c *service.Call, _ *CreateInternetGatewayInput) string { return arn(c, "internet-gateway", "") }),
		op("AttachInternetGateway", attachInternetGateway, func(c *service.Call, in *IgwVpcInput) string { return arn(c, "internet-gateway", in.InternetGatewayID) }),
		op("DetachInternetGateway", detachInternetGateway, func(c *service.Call, in *IgwVpcInput) string { return arn(c, "internet-gateway", in.InternetGatewayID) }),
		op("DeleteInternetGateway", deleteInternetGateway, func(c *service.Call, in *IgwInput) string { return arn(c, "internet-gateway", in.InternetGatewayID) }),
		op("DescribeInternetGateways", describeInternetGateways, nil, ro[DescribeInternetGatewaysInput]()),
		op("CreateRouteTable", createRouteTable, func(c *service.Call, in *CreateRouteTableInput) string { return vpcRes(c, in.VpcID) }),
		op("CreateRoute", createRoute, func(c *service.Call, in *RouteInput) string { return arn(c, "route-table", in.RouteTableID) }),
		op("ReplaceRoute", replaceRoute, func(c *service.Call, in *RouteInput) string { return arn(c, "route-table", in.RouteTableID) }),
		op("DeleteRoute", deleteRoute, func(c *service.Call, in *DeleteRouteInput) string { return arn(c, "route-table", in.RouteTableID) }),
		op("AssociateRouteTable", associateRouteTable, func(c *service.Call, in *AssociateRouteTableInput) string {
			return arn(c, "route-table", in.RouteTableID)
		}),
		op("DisassociateRouteTable", disassociateRouteTable, nil),
		op("ReplaceRouteTableAssociation", replaceRouteTableAssociation, func(c *service.Call, in *ReplaceRouteTableAssociationInput) string {
			return arn(c, "route-table", in.RouteTableID)
		}),
		op("DeleteRouteTable", deleteRouteTable, func(c *service.Call, in *RouteTableIDInput) string { return arn(c, "route-table", in.RouteTableID) }),
		op("DescribeRouteTables", describeRouteTables, nil, ro[DescribeRouteTablesInput]()),
	}
}
