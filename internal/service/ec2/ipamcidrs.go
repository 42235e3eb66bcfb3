package ec2

import (
	"context"
	"slices"
	"strings"

	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/vpc"
)

// GetIpamResourceCidrs: the VPC and subnet CIDRs of the account's network
// in the region, with their overlap status (vpc.Overlaps: VPC blocks that
// overlap across VPCs, subnets that overlap inside a VPC) and whether an
// IPAM pool of the scope manages them. Private scopes only: the public
// scope has no resources in moat.

// IpamResourceCidr is EC2's IpamResourceCidr.
type IpamResourceCidr struct {
	IpamID           string `aws:"ipamId"`
	IpamScopeID      string `aws:"ipamScopeId"`
	IpamPoolID       string `aws:"ipamPoolId,omitempty"`
	ResourceRegion   string `aws:"resourceRegion"`
	ResourceOwnerID  string `aws:"resourceOwnerId"`
	ResourceID       string `aws:"resourceId"`
	ResourceName     string `aws:"resourceName,omitempty"`
	ResourceCidr     string `aws:"resourceCidr"`
	ResourceType     string `aws:"resourceType"`
	ResourceTags     []Tag  `aws:"resourceTagSet"`
	ComplianceStatus string `aws:"complianceStatus"`
	ManagementState  string `aws:"managementState"`
	OverlapStatus    string `aws:"overlapStatus"`
	VpcID            string `aws:"vpcId"`
}

// GetIpamResourceCidrsInput is GetIpamResourceCidrs' input.
type GetIpamResourceCidrsInput struct {
	common
	IpamScopeID   string `aws:"IpamScopeId,required"`
	IpamPoolID    *string
	ResourceID    *string
	ResourceType  *string
	ResourceOwner *string
	Filters       []Filter `aws:"Filter"`
	MaxResults    *int32
	NextToken     *string
}

// GetIpamResourceCidrsOutput is GetIpamResourceCidrs' output.
type GetIpamResourceCidrsOutput struct {
	IpamResourceCidrs []IpamResourceCidr `aws:"ipamResourceCidrSet"`
	NextToken         *string            `aws:"nextToken"`
}

func getIpamResourceCidrs(ctx context.Context, c *service.Call, in *GetIpamResourceCidrsInput) (*GetIpamResourceCidrsOutput, error) {
	fs, err := newFilters(in.Filters, "resource-id", "resource-type", "resource-cidr", "overlap-status", "compliance-status", "management-state", "vpc-id", "ipam-pool-id")
	if err != nil {
		return nil, err
	}
	out := &GetIpamResourceCidrsOutput{IpamResourceCidrs: []IpamResourceCidr{}}
	err = view(ctx, c, func(st *state) error {
		var scope *ipamScopeRec
		if st.IPAM != nil {
			scope = st.IPAM.Scopes[in.IpamScopeID]
		}
		if scope == nil {
			return ipamScopeNotFound(in.IpamScopeID)
		}
		if scope.Type != "private" {
			return nil
		}
		overlapping := map[string]bool{}
		for _, o := range vpc.Overlaps(st.Net) {
			overlapping[o.A.ResourceId+" "+o.A.Cidr.String()] = true
			overlapping[o.B.ResourceId+" "+o.B.Cidr.String()] = true
		}
		// managedBy: resource ID + CIDR → pool of this scope that allocated it.
		managedBy := map[string]string{}
		for _, p := range st.IPAM.Pools {
			if p.ScopeID != scope.ID {
				continue
			}
			for _, a := range p.Allocations {
				if a.ResourceID != "" {
					managedBy[a.ResourceID+" "+a.Cidr.String()] = p.ID
				}
			}
		}
		add := func(id, typ, vpcID, owner, cidr string) {
			key := id + " " + cidr
			r := IpamResourceCidr{IpamID: scope.IpamID, IpamScopeID: scope.ID, ResourceRegion: c.Region, ResourceOwnerID: owner, ResourceID: id,
				ResourceName: st.Tags[id]["Name"], ResourceCidr: cidr, ResourceType: typ, ResourceTags: st.tagSet(id), VpcID: vpcID,
				ComplianceStatus: "unmanaged", ManagementState: "unmanaged", OverlapStatus: "nonoverlapping"}
			if typ == "subnet" {
				r.ComplianceStatus = "" // AWS reports compliance for VPCs only
			}
			if pool := managedBy[key]; pool != "" {
				r.IpamPoolID, r.ManagementState, r.ComplianceStatus = pool, "managed", "compliant"
			}
			if overlapping[key] {
				r.OverlapStatus = "overlapping"
			}
			if in.IpamPoolID != nil && r.IpamPoolID != *in.IpamPoolID || in.ResourceID != nil && id != *in.ResourceID ||
				in.ResourceType != nil && typ != *in.ResourceType || in.ResourceOwner != nil && owner != *in.ResourceOwner {
				return
			}
			a := attrs{"resource-id": {id}, "resource-type": {typ}, "resource-cidr": {cidr}, "overlap-status": {r.OverlapStatus},
				"compliance-status": {r.ComplianceStatus}, "management-state": {r.ManagementState}, "vpc-id": {vpcID}, "ipam-pool-id": {r.IpamPoolID}}
			if fs.match(a, st.Tags[id]) {
				out.IpamResourceCidrs = append(out.IpamResourceCidrs, r)
			}
		}
		for _, id := range sortedKeys(st.Net.VPCs) {
			v := st.Net.VPCs[id]
			for _, b := range v.CidrBlocks {
				add(id, "vpc", id, v.OwnerId, b.Masked().String())
			}
		}
		for _, id := range sortedKeys(st.Net.Subnets) {
			s := st.Net.Subnets[id]
			add(id, "subnet", s.VpcId, s.OwnerId, s.CidrBlock.Masked().String())
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.IpamResourceCidrs, out.NextToken, err = paginate(out.IpamResourceCidrs, in.MaxResults, in.NextToken, false)
	return out, err
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, strings.Compare)
	return keys
}

func ipamResourceOps() []*service.Operation {
	return []*service.Operation{
		op("GetIpamResourceCidrs", getIpamResourceCidrs, func(c *service.Call, in *GetIpamResourceCidrsInput) string {
			return ipamARN(c, "ipam-scope", in.IpamScopeID)
		}, ro[GetIpamResourceCidrsInput]()),
	}
}
