package ec2

import (
	"context"
	"net/netip"
	"slices"
	"sort"
	"time"

	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/service"
)

// IPAM: CreateIpam/DescribeIpams/DeleteIpam, DescribeIpamScopes,
// CreateIpamPool/DescribeIpamPools, ProvisionIpamPoolCidr,
// GetIpamPoolCidrs, AllocateIpamPoolCidr, GetIpamPoolAllocations,
// ReleaseIpamPoolAllocation, and CreateVpc with Ipv4IpamPoolId. IPv4 only;
// an IPAM serves the account in the region where it was created (its
// operating regions are recorded, not acted on).

var (
	ipamNotFound      = nf("InvalidIpamId.NotFound", "IPAM ID")
	ipamPoolNotFound  = nf("InvalidIpamPoolId.NotFound", "IPAM pool ID")
	ipamScopeNotFound = nf("InvalidIpamScopeId.NotFound", "IPAM scope ID")
	ipamAllocNotFound = nf("InvalidIpamPoolAllocationId.NotFound", "IPAM pool allocation ID")
	dependency        = awserr.Def{Code: "DependencyViolation", Status: 400}
)

type ipamState struct {
	Ipams  map[string]*ipamRec
	Scopes map[string]*ipamScopeRec
	Pools  map[string]*ipamPoolRec
}

type ipamRec struct {
	ID, Description, Tier, Region string
	OperatingRegions              []string
	PublicScope, PrivateScope     string
	Created                       time.Time
}

type ipamScopeRec struct {
	ID, IpamID, Type, Description string
	Default                       bool
}

type ipamPoolRec struct {
	ID, ScopeID, IpamID, Locale, Description, Source string
	AddressFamily                                    string
	MinLen, MaxLen, DefaultLen                       int
	Depth                                            int
	Cidrs                                            []ipamCidr
	Allocations                                      []ipamAlloc
}

type ipamCidr struct {
	ID   string
	Cidr netip.Prefix
}

type ipamAlloc struct {
	ID, Description, ResourceType, ResourceID, Owner string
	Cidr                                             netip.Prefix
}

func (st *state) ipam() *ipamState {
	if st.IPAM == nil {
		st.IPAM = &ipamState{}
	}
	if st.IPAM.Ipams == nil {
		st.IPAM.Ipams, st.IPAM.Scopes, st.IPAM.Pools = map[string]*ipamRec{}, map[string]*ipamScopeRec{}, map[string]*ipamPoolRec{}
	}
	return st.IPAM
}

// ipamARN is an IPAM resource's ARN (IPAM ARNs carry no region).
func ipamARN(c *service.Call, typ, id string) string {
	return "arn:aws:ec2::" + c.Account() + ":" + typ + "/" + id
}

// --- shapes ---

// Ipam is EC2's Ipam.
type Ipam struct {
	OwnerID               string                `aws:"ownerId"`
	IpamID                string                `aws:"ipamId"`
	IpamArn               string                `aws:"ipamArn"`
	IpamRegion            string                `aws:"ipamRegion"`
	PublicDefaultScopeID  string                `aws:"publicDefaultScopeId"`
	PrivateDefaultScopeID string                `aws:"privateDefaultScopeId"`
	ScopeCount            int                   `aws:"scopeCount"`
	Description           string                `aws:"description,omitempty"`
	OperatingRegions      []IpamOperatingRegion `aws:"operatingRegionSet"`
	State                 string                `aws:"state"`
	Tier                  string                `aws:"tier"`
	Tags                  []Tag                 `aws:"tagSet"`
}

// IpamOperatingRegion is EC2's IpamOperatingRegion.
type IpamOperatingRegion struct {
	RegionName string `aws:"regionName"`
}

// IpamScope is EC2's IpamScope.
type IpamScope struct {
	OwnerID       string `aws:"ownerId"`
	IpamScopeID   string `aws:"ipamScopeId"`
	IpamScopeArn  string `aws:"ipamScopeArn"`
	IpamArn       string `aws:"ipamArn"`
	IpamRegion    string `aws:"ipamRegion"`
	IpamScopeType string `aws:"ipamScopeType"`
	IsDefault     bool   `aws:"isDefault"`
	Description   string `aws:"description,omitempty"`
	PoolCount     int    `aws:"poolCount"`
	State         string `aws:"state"`
	Tags          []Tag  `aws:"tagSet"`
}

// IpamPool is EC2's IpamPool.
type IpamPool struct {
	OwnerID                        string `aws:"ownerId"`
	IpamPoolID                     string `aws:"ipamPoolId"`
	SourceIpamPoolID               string `aws:"sourceIpamPoolId,omitempty"`
	IpamPoolArn                    string `aws:"ipamPoolArn"`
	IpamScopeArn                   string `aws:"ipamScopeArn"`
	IpamScopeType                  string `aws:"ipamScopeType"`
	IpamArn                        string `aws:"ipamArn"`
	IpamRegion                     string `aws:"ipamRegion"`
	Locale                         string `aws:"locale,omitempty"`
	PoolDepth                      int    `aws:"poolDepth"`
	State                          string `aws:"state"`
	Description                    string `aws:"description,omitempty"`
	AutoImport                     bool   `aws:"autoImport"`
	AddressFamily                  string `aws:"addressFamily"`
	AllocationMinNetmaskLength     *int   `aws:"allocationMinNetmaskLength"`
	AllocationMaxNetmaskLength     *int   `aws:"allocationMaxNetmaskLength"`
	AllocationDefaultNetmaskLength *int   `aws:"allocationDefaultNetmaskLength"`
	Tags                           []Tag  `aws:"tagSet"`
}

// IpamPoolCidr is EC2's IpamPoolCidr.
type IpamPoolCidr struct {
	Cidr           string `aws:"cidr"`
	State          string `aws:"state"`
	IpamPoolCidrID string `aws:"ipamPoolCidrId"`
	NetmaskLength  int    `aws:"netmaskLength"`
}

// IpamPoolAllocation is EC2's IpamPoolAllocation.
type IpamPoolAllocation struct {
	Cidr                 string `aws:"cidr"`
	IpamPoolAllocationID string `aws:"ipamPoolAllocationId"`
	Description          string `aws:"description,omitempty"`
	ResourceID           string `aws:"resourceId,omitempty"`
	ResourceType         string `aws:"resourceType"`
	ResourceRegion       string `aws:"resourceRegion"`
	ResourceOwner        string `aws:"resourceOwner"`
}

func (st *state) ipamOut(c *service.Call, r *ipamRec) Ipam {
	out := Ipam{OwnerID: c.Account(), IpamID: r.ID, IpamArn: ipamARN(c, "ipam", r.ID), IpamRegion: r.Region, PublicDefaultScopeID: r.PublicScope,
		PrivateDefaultScopeID: r.PrivateScope, Description: r.Description, State: "create-complete", Tier: r.Tier, Tags: st.tagSet(r.ID)}
	for _, s := range st.ipam().Scopes {
		if s.IpamID == r.ID {
			out.ScopeCount++
		}
	}
	for _, rg := range r.OperatingRegions {
		out.OperatingRegions = append(out.OperatingRegions, IpamOperatingRegion{rg})
	}
	return out
}

func (st *state) scopeOut(c *service.Call, s *ipamScopeRec) IpamScope {
	out := IpamScope{OwnerID: c.Account(), IpamScopeID: s.ID, IpamScopeArn: ipamARN(c, "ipam-scope", s.ID), IpamArn: ipamARN(c, "ipam", s.IpamID),
		IpamRegion: c.Region, IpamScopeType: s.Type, IsDefault: s.Default, Description: s.Description, State: "create-complete", Tags: st.tagSet(s.ID)}
	for _, p := range st.ipam().Pools {
		if p.ScopeID == s.ID {
			out.PoolCount++
		}
	}
	return out
}

func (st *state) poolOut(c *service.Call, p *ipamPoolRec) IpamPool {
	s := st.ipam().Scopes[p.ScopeID]
	out := IpamPool{OwnerID: c.Account(), IpamPoolID: p.ID, SourceIpamPoolID: p.Source, IpamPoolArn: ipamARN(c, "ipam-pool", p.ID),
		IpamScopeArn: ipamARN(c, "ipam-scope", p.ScopeID), IpamArn: ipamARN(c, "ipam", p.IpamID), IpamRegion: c.Region, Locale: p.Locale,
		PoolDepth: p.Depth, State: "create-complete", Description: p.Description, AddressFamily: p.AddressFamily, Tags: st.tagSet(p.ID)}
	if s != nil {
		out.IpamScopeType = s.Type
	}
	for _, f := range []struct {
		v   int
		dst **int
	}{{p.MinLen, &out.AllocationMinNetmaskLength}, {p.MaxLen, &out.AllocationMaxNetmaskLength}, {p.DefaultLen, &out.AllocationDefaultNetmaskLength}} {
		if f.v != 0 {
			*f.dst = ptr(f.v)
		}
	}
	return out
}

func allocOut(c *service.Call, a ipamAlloc) IpamPoolAllocation {
	return IpamPoolAllocation{Cidr: a.Cidr.String(), IpamPoolAllocationID: a.ID, Description: a.Description, ResourceID: a.ResourceID,
		ResourceType: a.ResourceType, ResourceRegion: c.Region, ResourceOwner: a.Owner}
}

// --- allocation ---

func u32(a netip.Addr) uint64 {
	b := a.As4()
	return uint64(b[0])<<24 | uint64(b[1])<<16 | uint64(b[2])<<8 | uint64(b[3])
}

func prefixRange(p netip.Prefix) (lo, hi uint64) {
	lo = u32(p.Masked().Addr())
	return lo, lo + 1<<(32-p.Bits()) - 1
}

func addrOf(v uint64) netip.Addr {
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// used are the ranges of a pool already taken: allocations plus the
// caller's disallowed CIDRs, sorted by start.
func (p *ipamPoolRec) used(disallowed []netip.Prefix) [][2]uint64 {
	var r [][2]uint64
	for _, a := range p.Allocations {
		lo, hi := prefixRange(a.Cidr)
		r = append(r, [2]uint64{lo, hi})
	}
	for _, d := range disallowed {
		lo, hi := prefixRange(d)
		r = append(r, [2]uint64{lo, hi})
	}
	sort.Slice(r, func(i, j int) bool { return r[i][0] < r[j][0] })
	return r
}

// allocate finds the lowest free, aligned block of length bits inside the
// pool's provisioned CIDRs. used is sorted by start, and candidates only
// move forward, so one pass over used per provisioned CIDR suffices: a
// candidate that hits a used range jumps to the first aligned address past
// it (O(provisioned × used) in all).
func (p *ipamPoolRec) allocate(bits int, disallowed []netip.Prefix) (netip.Prefix, bool) {
	used := p.used(disallowed)
	size := uint64(1) << (32 - bits)
	cidrs := slices.Clone(p.Cidrs)
	sort.Slice(cidrs, func(i, j int) bool { return cidrs[i].Cidr.Addr().Less(cidrs[j].Cidr.Addr()) })
	for _, pc := range cidrs {
		if pc.Cidr.Bits() > bits {
			continue
		}
		lo, hi := prefixRange(pc.Cidr)
		cand, j := lo, 0
		for cand+size-1 <= hi {
			for j < len(used) && used[j][1] < cand {
				j++
			}
			end, clash := cand+size-1, uint64(0)
			for k := j; k < len(used) && used[k][0] <= end; k++ {
				if used[k][1] >= cand && used[k][1] >= clash {
					clash = used[k][1] + 1
				}
			}
			if clash == 0 {
				return netip.PrefixFrom(addrOf(cand), bits), true
			}
			cand = (clash + size - 1) / size * size
		}
	}
	return netip.Prefix{}, false
}

// take reserves cidr (or a block of length bits) in the pool for a resource.
func (p *ipamPoolRec) take(cidr *string, bits *int, disallowed []string, resType, resID, owner, desc string) (ipamAlloc, error) {
	if (cidr == nil) == (bits == nil) {
		if cidr == nil && p.DefaultLen != 0 {
			bits = &p.DefaultLen
		} else {
			return ipamAlloc{}, invalidParamCombo.New("The request cannot contain empty CIDR and Netmask Length for a pool with no default allocation netmask length set. Exactly one of them should be provided.")
		}
	}
	var dis []netip.Prefix
	for _, d := range disallowed {
		pd, err := netip.ParsePrefix(d)
		if err != nil || !pd.Addr().Is4() {
			return ipamAlloc{}, invalidParamValue.New("Value (%s) for parameter DisallowedCidr is invalid", d)
		}
		dis = append(dis, pd.Masked())
	}
	n := 0
	if bits != nil {
		n = *bits
	} else {
		pc, err := netip.ParsePrefix(*cidr)
		if err != nil || !pc.Addr().Is4() || pc.Masked() != pc {
			return ipamAlloc{}, invalidParamValue.New("Value (%s) for parameter Cidr is invalid", *cidr)
		}
		n = pc.Bits()
	}
	if n < 0 || n > 32 || p.MinLen != 0 && n < p.MinLen || p.MaxLen != 0 && n > p.MaxLen {
		return ipamAlloc{}, invalidParamValue.New("The allocation netmask length /%d is outside the pool's allocation rules (/%d to /%d).", n, p.MinLen, orDefault(p.MaxLen, 32))
	}
	a := ipamAlloc{ID: newID("ipam-pool-alloc"), Description: desc, ResourceType: resType, ResourceID: resID, Owner: owner}
	if cidr != nil {
		pc := netip.MustParsePrefix(*cidr)
		inside := slices.ContainsFunc(p.Cidrs, func(c ipamCidr) bool { return c.Cidr.Bits() <= pc.Bits() && c.Cidr.Contains(pc.Addr()) })
		if !inside {
			return ipamAlloc{}, invalidParamValue.New("The CIDR %s is not provisioned in pool %s.", pc, p.ID)
		}
		lo, hi := prefixRange(pc)
		for _, u := range p.used(dis) {
			if u[0] <= hi && lo <= u[1] {
				return ipamAlloc{}, invalidParamValue.New("The CIDR %s overlaps an existing allocation or disallowed CIDR in pool %s.", pc, p.ID)
			}
		}
		a.Cidr = pc
	} else {
		biggest := 33
		for _, c := range p.Cidrs {
			biggest = min(biggest, c.Cidr.Bits())
		}
		if n < biggest {
			return ipamAlloc{}, invalidParamValue.New("The allocation size is too big for the pool.")
		}
		got, ok := p.allocate(n, dis)
		if !ok {
			return ipamAlloc{}, awserr.Def{Code: "InsufficientCidrBlocks", Status: 400}.New("The pool %s has no free /%d block.", p.ID, n)
		}
		a.Cidr = got
	}
	p.Allocations = append(p.Allocations, a)
	return a, nil
}

func orDefault(v, d int) int {
	if v == 0 {
		return d
	}
	return v
}

// releaseResource frees a resource's allocations (a VPC being deleted).
func (st *state) releaseResource(id string) {
	if st.IPAM == nil {
		return
	}
	for _, p := range st.IPAM.Pools {
		p.Allocations = slices.DeleteFunc(p.Allocations, func(a ipamAlloc) bool { return a.ResourceID == id })
	}
}

// --- operations ---

// CreateIpamInput is CreateIpam's input.
type CreateIpamInput struct {
	common
	Description       *string
	OperatingRegions  []IpamOperatingRegionIn `aws:"OperatingRegion"`
	Tier              *string
	ClientToken       *string
	TagSpecifications []TagSpecification `aws:"TagSpecification"`
}

// IpamOperatingRegionIn is AddIpamOperatingRegion.
type IpamOperatingRegionIn struct {
	RegionName string
}

// CreateIpamOutput is CreateIpam's output.
type CreateIpamOutput struct {
	Ipam Ipam `aws:"ipam"`
}

func createIpam(ctx context.Context, c *service.Call, in *CreateIpamInput) (*CreateIpamOutput, error) {
	tier := "advanced"
	if in.Tier != nil {
		tier = *in.Tier
	}
	if tier != "free" && tier != "advanced" {
		return nil, invalidParamValue.New("Value (%s) for parameter Tier is invalid. Valid values: free, advanced", tier)
	}
	out := &CreateIpamOutput{}
	return out, update(ctx, c, func(st *state) error {
		ip := st.ipam()
		r := &ipamRec{ID: newID("ipam"), Description: deref(in.Description), Tier: tier, Region: c.Region, Created: c.Now.UTC()}
		r.OperatingRegions = []string{c.Region}
		for _, o := range in.OperatingRegions {
			if !slices.Contains(r.OperatingRegions, o.RegionName) {
				r.OperatingRegions = append(r.OperatingRegions, o.RegionName)
			}
		}
		pub := &ipamScopeRec{ID: newID("ipam-scope"), IpamID: r.ID, Type: "public", Default: true}
		priv := &ipamScopeRec{ID: newID("ipam-scope"), IpamID: r.ID, Type: "private", Default: true}
		r.PublicScope, r.PrivateScope = pub.ID, priv.ID
		ip.Ipams[r.ID], ip.Scopes[pub.ID], ip.Scopes[priv.ID] = r, pub, priv
		if err := st.applyTagSpecs(r.ID, "ipam", in.TagSpecifications); err != nil {
			return err
		}
		out.Ipam = st.ipamOut(c, r)
		out.Ipam.State = "create-in-progress"
		return nil
	})
}

// DescribeIpamsInput is DescribeIpams' input.
type DescribeIpamsInput struct {
	common
	IpamIDs    []string `aws:"IpamId"`
	Filters    []Filter `aws:"Filter"`
	MaxResults *int32
	NextToken  *string
}

// DescribeIpamsOutput is DescribeIpams' output.
type DescribeIpamsOutput struct {
	Ipams     []Ipam  `aws:"ipamSet"`
	NextToken *string `aws:"nextToken"`
}

func describeIpams(ctx context.Context, c *service.Call, in *DescribeIpamsInput) (*DescribeIpamsOutput, error) {
	fs, err := newFilters(in.Filters, "ipam-id", "owner-id", "tier")
	if err != nil {
		return nil, err
	}
	out := &DescribeIpamsOutput{Ipams: []Ipam{}}
	err = view(ctx, c, func(st *state) error {
		m := map[string]*ipamRec{}
		if st.IPAM != nil {
			m = st.IPAM.Ipams
		}
		ids, err := sortedIDs(m, in.IpamIDs, ipamNotFound)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if fs.match(attrs{"ipam-id": {id}, "owner-id": {c.Account()}, "tier": {m[id].Tier}}, st.Tags[id]) {
				out.Ipams = append(out.Ipams, st.ipamOut(c, m[id]))
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.Ipams, out.NextToken, err = paginate(out.Ipams, in.MaxResults, in.NextToken, len(in.IpamIDs) > 0)
	return out, err
}

// DeleteIpamInput is DeleteIpam's input.
type DeleteIpamInput struct {
	common
	IpamID  string `aws:"IpamId,required"`
	Cascade *bool
}

func deleteIpam(ctx context.Context, c *service.Call, in *DeleteIpamInput) (*CreateIpamOutput, error) {
	out := &CreateIpamOutput{}
	return out, update(ctx, c, func(st *state) error {
		ip := st.ipam()
		r := ip.Ipams[in.IpamID]
		if r == nil {
			return ipamNotFound(in.IpamID)
		}
		cascade := in.Cascade != nil && *in.Cascade
		for id, p := range ip.Pools {
			if p.IpamID != r.ID {
				continue
			}
			if !cascade {
				return dependency.New("The IPAM %s has pools (%s); delete them first or use Cascade.", r.ID, id)
			}
		}
		out.Ipam = st.ipamOut(c, r)
		out.Ipam.State = "delete-in-progress"
		for id, p := range ip.Pools {
			if p.IpamID == r.ID {
				delete(ip.Pools, id)
				st.forget(id)
			}
		}
		for id, s := range ip.Scopes {
			if s.IpamID == r.ID {
				delete(ip.Scopes, id)
				st.forget(id)
			}
		}
		delete(ip.Ipams, r.ID)
		st.forget(r.ID)
		return nil
	})
}

// DescribeIpamScopesInput is DescribeIpamScopes' input.
type DescribeIpamScopesInput struct {
	common
	IpamScopeIDs []string `aws:"IpamScopeId"`
	Filters      []Filter `aws:"Filter"`
	MaxResults   *int32
	NextToken    *string
}

// DescribeIpamScopesOutput is DescribeIpamScopes' output.
type DescribeIpamScopesOutput struct {
	IpamScopes []IpamScope `aws:"ipamScopeSet"`
	NextToken  *string     `aws:"nextToken"`
}

func describeIpamScopes(ctx context.Context, c *service.Call, in *DescribeIpamScopesInput) (*DescribeIpamScopesOutput, error) {
	fs, err := newFilters(in.Filters, "ipam-scope-id", "ipam-id", "ipam-scope-type", "is-default", "owner-id")
	if err != nil {
		return nil, err
	}
	out := &DescribeIpamScopesOutput{IpamScopes: []IpamScope{}}
	err = view(ctx, c, func(st *state) error {
		m := map[string]*ipamScopeRec{}
		if st.IPAM != nil {
			m = st.IPAM.Scopes
		}
		ids, err := sortedIDs(m, in.IpamScopeIDs, ipamScopeNotFound)
		if err != nil {
			return err
		}
		for _, id := range ids {
			s := m[id]
			a := attrs{"ipam-scope-id": {id}, "ipam-id": {s.IpamID}, "ipam-scope-type": {s.Type}, "is-default": {boolStr(s.Default)}, "owner-id": {c.Account()}}
			if fs.match(a, st.Tags[id]) {
				out.IpamScopes = append(out.IpamScopes, st.scopeOut(c, s))
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.IpamScopes, out.NextToken, err = paginate(out.IpamScopes, in.MaxResults, in.NextToken, len(in.IpamScopeIDs) > 0)
	return out, err
}

func boolStr(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// CreateIpamPoolInput is CreateIpamPool's input.
type CreateIpamPoolInput struct {
	common
	IpamScopeID                    string `aws:"IpamScopeId,required"`
	AddressFamily                  string `aws:",required"`
	Locale                         *string
	SourceIpamPoolID               *string `aws:"SourceIpamPoolId"`
	Description                    *string
	AutoImport                     *bool
	PubliclyAdvertisable           *bool
	AllocationMinNetmaskLength     *int
	AllocationMaxNetmaskLength     *int
	AllocationDefaultNetmaskLength *int
	ClientToken                    *string
	TagSpecifications              []TagSpecification `aws:"TagSpecification"`
}

// IpamPoolOutput is the output of CreateIpamPool and DeleteIpamPool.
type IpamPoolOutput struct {
	IpamPool IpamPool `aws:"ipamPool"`
}

func createIpamPool(ctx context.Context, c *service.Call, in *CreateIpamPoolInput) (*IpamPoolOutput, error) {
	if in.AddressFamily != "ipv4" {
		if in.AddressFamily == "ipv6" {
			return nil, invalidParameter.New("moat's IPAM serves ipv4 pools only")
		}
		return nil, invalidParamValue.New("Value (%s) for parameter AddressFamily is invalid. Valid values: ipv4, ipv6", in.AddressFamily)
	}
	get := func(p *int) int {
		if p == nil {
			return 0
		}
		return *p
	}
	minL, maxL, defL := get(in.AllocationMinNetmaskLength), get(in.AllocationMaxNetmaskLength), get(in.AllocationDefaultNetmaskLength)
	for _, v := range []int{minL, maxL, defL} {
		if v < 0 || v > 32 {
			return nil, invalidParamValue.New("Allocation netmask lengths must be 0-32, not %d", v)
		}
	}
	if maxL != 0 && minL > maxL || defL != 0 && (minL != 0 && defL < minL || maxL != 0 && defL > maxL) {
		return nil, invalidParameter.New("The allocation netmask lengths must satisfy min (%d) <= default (%d) <= max (%d)", minL, defL, maxL)
	}
	out := &IpamPoolOutput{}
	return out, update(ctx, c, func(st *state) error {
		ip := st.ipam()
		s := ip.Scopes[in.IpamScopeID]
		if s == nil {
			return ipamScopeNotFound(in.IpamScopeID)
		}
		p := &ipamPoolRec{ID: newID("ipam-pool"), ScopeID: s.ID, IpamID: s.IpamID, Locale: deref(in.Locale), Description: deref(in.Description),
			AddressFamily: "ipv4", MinLen: minL, MaxLen: maxL, DefaultLen: defL, Depth: 1}
		if in.SourceIpamPoolID != nil {
			src := ip.Pools[*in.SourceIpamPoolID]
			if src == nil {
				return ipamPoolNotFound(*in.SourceIpamPoolID)
			}
			if src.ScopeID != s.ID {
				return invalidParameter.New("The source pool %s is in another scope than %s", src.ID, s.ID)
			}
			p.Source, p.Depth = src.ID, src.Depth+1
		}
		if p.Locale != "" && p.Locale != "None" && !slices.Contains(ip.Ipams[s.IpamID].OperatingRegions, p.Locale) {
			return invalidParameter.New("The locale %s is not an operating region of %s", p.Locale, s.IpamID)
		}
		ip.Pools[p.ID] = p
		if err := st.applyTagSpecs(p.ID, "ipam-pool", in.TagSpecifications); err != nil {
			return err
		}
		out.IpamPool = st.poolOut(c, p)
		out.IpamPool.State = "create-in-progress"
		return nil
	})
}

// DescribeIpamPoolsInput is DescribeIpamPools' input.
type DescribeIpamPoolsInput struct {
	common
	IpamPoolIDs []string `aws:"IpamPoolId"`
	Filters     []Filter `aws:"Filter"`
	MaxResults  *int32
	NextToken   *string
}

// DescribeIpamPoolsOutput is DescribeIpamPools' output.
type DescribeIpamPoolsOutput struct {
	IpamPools []IpamPool `aws:"ipamPoolSet"`
	NextToken *string    `aws:"nextToken"`
}

func describeIpamPools(ctx context.Context, c *service.Call, in *DescribeIpamPoolsInput) (*DescribeIpamPoolsOutput, error) {
	fs, err := newFilters(in.Filters, "ipam-pool-id", "ipam-scope-id", "ipam-id", "locale", "address-family", "source-ipam-pool-id", "owner-id")
	if err != nil {
		return nil, err
	}
	out := &DescribeIpamPoolsOutput{IpamPools: []IpamPool{}}
	err = view(ctx, c, func(st *state) error {
		m := map[string]*ipamPoolRec{}
		if st.IPAM != nil {
			m = st.IPAM.Pools
		}
		ids, err := sortedIDs(m, in.IpamPoolIDs, ipamPoolNotFound)
		if err != nil {
			return err
		}
		for _, id := range ids {
			p := m[id]
			a := attrs{"ipam-pool-id": {id}, "ipam-scope-id": {p.ScopeID}, "ipam-id": {p.IpamID}, "locale": {p.Locale}, "address-family": {p.AddressFamily},
				"source-ipam-pool-id": {p.Source}, "owner-id": {c.Account()}}
			if fs.match(a, st.Tags[id]) {
				out.IpamPools = append(out.IpamPools, st.poolOut(c, p))
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.IpamPools, out.NextToken, err = paginate(out.IpamPools, in.MaxResults, in.NextToken, len(in.IpamPoolIDs) > 0)
	return out, err
}

// ProvisionIpamPoolCidrInput is ProvisionIpamPoolCidr's input.
type ProvisionIpamPoolCidrInput struct {
	common
	IpamPoolID    string `aws:"IpamPoolId,required"`
	Cidr          *string
	NetmaskLength *int
	ClientToken   *string
}

// ProvisionIpamPoolCidrOutput is ProvisionIpamPoolCidr's output.
type ProvisionIpamPoolCidrOutput struct {
	IpamPoolCidr IpamPoolCidr `aws:"ipamPoolCidr"`
}

func provisionIpamPoolCidr(ctx context.Context, c *service.Call, in *ProvisionIpamPoolCidrInput) (*ProvisionIpamPoolCidrOutput, error) {
	out := &ProvisionIpamPoolCidrOutput{}
	return out, update(ctx, c, func(st *state) error {
		ip := st.ipam()
		p := ip.Pools[in.IpamPoolID]
		if p == nil {
			return ipamPoolNotFound(in.IpamPoolID)
		}
		var pc netip.Prefix
		if p.Source != "" {
			// A child pool's CIDR is an allocation from its source pool.
			a, err := ip.Pools[p.Source].take(in.Cidr, in.NetmaskLength, nil, "ipam-pool", p.ID, c.Account(), "")
			if err != nil {
				return err
			}
			pc = a.Cidr
		} else {
			if in.Cidr == nil {
				return missingParameter.New("The request must contain the parameter Cidr (a top-level pool has no source to allocate NetmaskLength from)")
			}
			var err error
			pc, err = netip.ParsePrefix(*in.Cidr)
			if err != nil || !pc.Addr().Is4() || pc.Masked() != pc {
				return invalidParamValue.New("Value (%s) for parameter Cidr is invalid", *in.Cidr)
			}
			// No overlap with any other top-level CIDR in the same scope.
			for _, q := range ip.Pools {
				if q.ScopeID != p.ScopeID || q.Source != "" {
					continue
				}
				for _, c := range q.Cidrs {
					if c.Cidr.Overlaps(pc) {
						return invalidParameter.New("The CIDR %s overlaps %s, provisioned in pool %s of the same scope.", pc, c.Cidr, q.ID)
					}
				}
			}
		}
		cidr := ipamCidr{ID: "ipam-pool-cidr-" + newID("x")[2:], Cidr: pc}
		p.Cidrs = append(p.Cidrs, cidr)
		out.IpamPoolCidr = IpamPoolCidr{Cidr: pc.String(), State: "pending-provision", IpamPoolCidrID: cidr.ID, NetmaskLength: pc.Bits()}
		return nil
	})
}

// GetIpamPoolCidrsInput is GetIpamPoolCidrs' input.
type GetIpamPoolCidrsInput struct {
	common
	IpamPoolID string   `aws:"IpamPoolId,required"`
	Filters    []Filter `aws:"Filter"`
	MaxResults *int32
	NextToken  *string
}

// GetIpamPoolCidrsOutput is GetIpamPoolCidrs' output.
type GetIpamPoolCidrsOutput struct {
	IpamPoolCidrs []IpamPoolCidr `aws:"ipamPoolCidrSet"`
	NextToken     *string        `aws:"nextToken"`
}

func getIpamPoolCidrs(ctx context.Context, c *service.Call, in *GetIpamPoolCidrsInput) (*GetIpamPoolCidrsOutput, error) {
	fs, err := newFilters(in.Filters, "cidr", "state")
	if err != nil {
		return nil, err
	}
	out := &GetIpamPoolCidrsOutput{IpamPoolCidrs: []IpamPoolCidr{}}
	err = view(ctx, c, func(st *state) error {
		var p *ipamPoolRec
		if st.IPAM != nil {
			p = st.IPAM.Pools[in.IpamPoolID]
		}
		if p == nil {
			return ipamPoolNotFound(in.IpamPoolID)
		}
		for _, pc := range p.Cidrs {
			if fs.match(attrs{"cidr": {pc.Cidr.String()}, "state": {"provisioned"}}, nil) {
				out.IpamPoolCidrs = append(out.IpamPoolCidrs, IpamPoolCidr{Cidr: pc.Cidr.String(), State: "provisioned", IpamPoolCidrID: pc.ID, NetmaskLength: pc.Cidr.Bits()})
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.IpamPoolCidrs, out.NextToken, err = paginate(out.IpamPoolCidrs, in.MaxResults, in.NextToken, false)
	return out, err
}

// AllocateIpamPoolCidrInput is AllocateIpamPoolCidr's input.
type AllocateIpamPoolCidrInput struct {
	common
	IpamPoolID      string `aws:"IpamPoolId,required"`
	Cidr            *string
	NetmaskLength   *int
	Description     *string
	DisallowedCidrs []string `aws:"DisallowedCidr"`
	PreviewNextCidr *bool
	ClientToken     *string
}

// AllocateIpamPoolCidrOutput is AllocateIpamPoolCidr's output.
type AllocateIpamPoolCidrOutput struct {
	IpamPoolAllocation IpamPoolAllocation `aws:"ipamPoolAllocation"`
}

func allocateIpamPoolCidr(ctx context.Context, c *service.Call, in *AllocateIpamPoolCidrInput) (*AllocateIpamPoolCidrOutput, error) {
	out := &AllocateIpamPoolCidrOutput{}
	preview := in.PreviewNextCidr != nil && *in.PreviewNextCidr
	return out, update(ctx, c, func(st *state) error {
		p := st.ipam().Pools[in.IpamPoolID]
		if p == nil {
			return ipamPoolNotFound(in.IpamPoolID)
		}
		a, err := p.take(in.Cidr, in.NetmaskLength, in.DisallowedCidrs, "custom", "", c.Account(), deref(in.Description))
		if err != nil {
			return err
		}
		out.IpamPoolAllocation = allocOut(c, a)
		if preview {
			p.Allocations = p.Allocations[:len(p.Allocations)-1]
			out.IpamPoolAllocation.IpamPoolAllocationID = ""
		}
		return nil
	})
}

// GetIpamPoolAllocationsInput is GetIpamPoolAllocations' input.
type GetIpamPoolAllocationsInput struct {
	common
	IpamPoolID           string   `aws:"IpamPoolId,required"`
	IpamPoolAllocationID *string  `aws:"IpamPoolAllocationId"`
	Filters              []Filter `aws:"Filter"`
	MaxResults           *int32
	NextToken            *string
}

// GetIpamPoolAllocationsOutput is GetIpamPoolAllocations' output.
type GetIpamPoolAllocationsOutput struct {
	IpamPoolAllocations []IpamPoolAllocation `aws:"ipamPoolAllocationSet"`
	NextToken           *string              `aws:"nextToken"`
}

func getIpamPoolAllocations(ctx context.Context, c *service.Call, in *GetIpamPoolAllocationsInput) (*GetIpamPoolAllocationsOutput, error) {
	fs, err := newFilters(in.Filters, "cidr", "resource-type", "resource-id", "ipam-pool-allocation-id")
	if err != nil {
		return nil, err
	}
	out := &GetIpamPoolAllocationsOutput{IpamPoolAllocations: []IpamPoolAllocation{}}
	err = view(ctx, c, func(st *state) error {
		var p *ipamPoolRec
		if st.IPAM != nil {
			p = st.IPAM.Pools[in.IpamPoolID]
		}
		if p == nil {
			return ipamPoolNotFound(in.IpamPoolID)
		}
		found := false
		for _, a := range p.Allocations {
			if in.IpamPoolAllocationID != nil && a.ID != *in.IpamPoolAllocationID {
				continue
			}
			found = true
			if fs.match(attrs{"cidr": {a.Cidr.String()}, "resource-type": {a.ResourceType}, "resource-id": {a.ResourceID}, "ipam-pool-allocation-id": {a.ID}}, nil) {
				out.IpamPoolAllocations = append(out.IpamPoolAllocations, allocOut(c, a))
			}
		}
		if in.IpamPoolAllocationID != nil && !found {
			return ipamAllocNotFound(*in.IpamPoolAllocationID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.IpamPoolAllocations, out.NextToken, err = paginate(out.IpamPoolAllocations, in.MaxResults, in.NextToken, false)
	return out, err
}

// ReleaseIpamPoolAllocationInput is ReleaseIpamPoolAllocation's input.
type ReleaseIpamPoolAllocationInput struct {
	common
	IpamPoolID           string `aws:"IpamPoolId,required"`
	Cidr                 string `aws:",required"`
	IpamPoolAllocationID string `aws:"IpamPoolAllocationId,required"`
}

// ReleaseIpamPoolAllocationOutput is ReleaseIpamPoolAllocation's output.
type ReleaseIpamPoolAllocationOutput struct {
	Success bool `aws:"success"`
}

func releaseIpamPoolAllocation(ctx context.Context, c *service.Call, in *ReleaseIpamPoolAllocationInput) (*ReleaseIpamPoolAllocationOutput, error) {
	return &ReleaseIpamPoolAllocationOutput{Success: true}, update(ctx, c, func(st *state) error {
		p := st.ipam().Pools[in.IpamPoolID]
		if p == nil {
			return ipamPoolNotFound(in.IpamPoolID)
		}
		i := slices.IndexFunc(p.Allocations, func(a ipamAlloc) bool { return a.ID == in.IpamPoolAllocationID })
		if i < 0 || p.Allocations[i].Cidr.String() != in.Cidr {
			return ipamAllocNotFound(in.IpamPoolAllocationID)
		}
		if p.Allocations[i].ResourceType != "custom" {
			return invalidParameter.New("Allocation %s belongs to %s %s; it is released when that resource is deleted", in.IpamPoolAllocationID, p.Allocations[i].ResourceType, p.Allocations[i].ResourceID)
		}
		p.Allocations = slices.Delete(p.Allocations, i, i+1)
		return nil
	})
}

func ipamOps() []*service.Operation {
	poolRes := func(c *service.Call, id string) string { return ipamARN(c, "ipam-pool", id) }
	return []*service.Operation{
		op("CreateIpam", createIpam, func(c *service.Call, _ *CreateIpamInput) string { return ipamARN(c, "ipam", "*") }),
		op("DescribeIpams", describeIpams, nil, ro[DescribeIpamsInput]()),
		op("DeleteIpam", deleteIpam, func(c *service.Call, in *DeleteIpamInput) string { return ipamARN(c, "ipam", in.IpamID) }),
		op("DescribeIpamScopes", describeIpamScopes, nil, ro[DescribeIpamScopesInput]()),
		op("CreateIpamPool", createIpamPool, func(c *service.Call, in *CreateIpamPoolInput) string { return ipamARN(c, "ipam-scope", in.IpamScopeID) }),
		op("DescribeIpamPools", describeIpamPools, nil, ro[DescribeIpamPoolsInput]()),
		op("ProvisionIpamPoolCidr", provisionIpamPoolCidr, func(c *service.Call, in *ProvisionIpamPoolCidrInput) string { return poolRes(c, in.IpamPoolID) }),
		op("GetIpamPoolCidrs", getIpamPoolCidrs, func(c *service.Call, in *GetIpamPoolCidrsInput) string { return poolRes(c, in.IpamPoolID) }, ro[GetIpamPoolCidrsInput]()),
		op("AllocateIpamPoolCidr", allocateIpamPoolCidr, func(c *service.Call, in *AllocateIpamPoolCidrInput) string { return poolRes(c, in.IpamPoolID) }),
		op("GetIpamPoolAllocations", getIpamPoolAllocations, func(c *service.Call, in *GetIpamPoolAllocationsInput) string { return poolRes(c, in.IpamPoolID) }, ro[GetIpamPoolAllocationsInput]()),
		op("ReleaseIpamPoolAllocation", releaseIpamPoolAllocation, func(c *service.Call, in *ReleaseIpamPoolAllocationInput) string { return poolRes(c, in.IpamPoolID) }),
	}
}

// vpcCidr is CreateVpc's primary block: CidrBlock, or an allocation from
// Ipv4IpamPoolId (CidrBlock or Ipv4NetmaskLength, else the pool's default
// length). The allocation's ResourceID is set by the caller.
func (st *state) vpcCidr(c *service.Call, in *CreateVpcInput) (string, *ipamAlloc, error) {
	if in.Ipv4IpamPoolID == nil {
		if in.CidrBlock == nil {
			return "", nil, missingParameter.New("The request must contain the parameter cidrBlock or ipv4IpamPoolId")
		}
		if in.Ipv4NetmaskLength != nil {
			return "", nil, invalidParamCombo.New("Ipv4NetmaskLength requires Ipv4IpamPoolId")
		}
		return *in.CidrBlock, nil, nil
	}
	p := st.ipam().Pools[*in.Ipv4IpamPoolID]
	if p == nil {
		return "", nil, ipamPoolNotFound(*in.Ipv4IpamPoolID)
	}
	if p.Locale != "" && p.Locale != "None" && p.Locale != c.Region {
		return "", nil, invalidParameter.New("The pool %s has locale %s; a VPC in %s cannot use it", p.ID, p.Locale, c.Region)
	}
	if in.CidrBlock != nil {
		if _, err := netip.ParsePrefix(*in.CidrBlock); err != nil {
			return "", nil, invalidParamValue.New("Value (%s) for parameter cidrBlock is invalid. This is not a valid CIDR block.", *in.CidrBlock)
		}
	}
	if _, err := p.take(in.CidrBlock, in.Ipv4NetmaskLength, nil, "vpc", "", c.Account(), ""); err != nil {
		return "", nil, err
	}
	a := &p.Allocations[len(p.Allocations)-1]
	return a.Cidr.String(), a, nil
}
