package ec2

import (
	"context"
	"net/netip"
	"slices"

	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/vpc"
)

// Customer-managed prefix lists, so that security group rules and routes can
// name them (the vpc engine resolves a list to its current entries).

var plNotFound = nf("InvalidPrefixListID.NotFound", "prefix list ID")

// ManagedPrefixList is EC2's ManagedPrefixList.
type ManagedPrefixList struct {
	PrefixListID   string `aws:"prefixListId"`
	PrefixListArn  string `aws:"prefixListArn"`
	PrefixListName string `aws:"prefixListName"`
	AddressFamily  string `aws:"addressFamily"`
	State          string `aws:"state"`
	MaxEntries     int    `aws:"maxEntries"`
	Version        int    `aws:"version"`
	OwnerID        string `aws:"ownerId"`
	Tags           []Tag  `aws:"tagSet"`
}

// PrefixListEntry is EC2's PrefixListEntry.
type PrefixListEntry struct {
	Cidr        string `aws:"cidr"`
	Description string `aws:"description,omitempty"`
}

// EntryIn is AddPrefixListEntry / RemovePrefixListEntry.
type EntryIn struct {
	Cidr        string
	Description *string
}

func (st *state) prefixListOut(c *service.Call, pl *vpc.PrefixList, state string) ManagedPrefixList {
	return ManagedPrefixList{PrefixListID: pl.PrefixListId, PrefixListArn: arn(c, "prefix-list", pl.PrefixListId), PrefixListName: pl.PrefixListName,
		AddressFamily: pl.AddressFamily, State: state, MaxEntries: pl.MaxEntries, Version: pl.Version, OwnerID: pl.OwnerId, Tags: st.tagSet(pl.PrefixListId)}
}

// describe sets the entries' descriptions (the engine keeps CIDRs only on add).
func describeEntries(pl *vpc.PrefixList, entries []EntryIn) {
	for _, e := range entries {
		p, err := netip.ParsePrefix(e.Cidr)
		if err != nil || e.Description == nil {
			continue
		}
		for i := range pl.Entries {
			if pl.Entries[i].Cidr == p.Masked() {
				pl.Entries[i].Description = *e.Description
			}
		}
	}
}

func cidrs(entries []EntryIn) []string {
	out := make([]string, len(entries))
	for i, e := range entries {
		out[i] = e.Cidr
	}
	return out
}

// CreateManagedPrefixListInput is CreateManagedPrefixList's input.
type CreateManagedPrefixListInput struct {
	common
	PrefixListName    string    `aws:",required"`
	AddressFamily     string    `aws:",required"`
	MaxEntries        int       `aws:",required"`
	Entries           []EntryIn `aws:"Entry"`
	ClientToken       *string
	TagSpecifications []TagSpecification `aws:"TagSpecification"`
}

// PrefixListOutput is the output of Create/Modify/DeleteManagedPrefixList.
type PrefixListOutput struct {
	PrefixList ManagedPrefixList `aws:"prefixList"`
}

func createManagedPrefixList(ctx context.Context, c *service.Call, in *CreateManagedPrefixListInput) (*PrefixListOutput, error) {
	if in.PrefixListName == "" || len(in.PrefixListName) > 255 || len(in.PrefixListName) >= 4 && in.PrefixListName[:4] == "com." {
		return nil, invalidParamValue.New("Value (%s) for parameter PrefixListName is invalid. It must be 1-255 characters and may not start with com.amazonaws", in.PrefixListName)
	}
	out := &PrefixListOutput{}
	return out, update(ctx, c, func(st *state) error {
		pl, err := st.Net.CreateManagedPrefixList(in.PrefixListName, in.AddressFamily, in.MaxEntries, cidrs(in.Entries))
		if err != nil {
			return err
		}
		describeEntries(pl, in.Entries)
		if err := st.applyTagSpecs(pl.PrefixListId, "prefix-list", in.TagSpecifications); err != nil {
			return err
		}
		out.PrefixList = st.prefixListOut(c, pl, "create-in-progress")
		return nil
	})
}

// ModifyManagedPrefixListInput is ModifyManagedPrefixList's input.
type ModifyManagedPrefixListInput struct {
	common
	PrefixListID   string `aws:"PrefixListId,required"`
	CurrentVersion *int
	PrefixListName *string
	MaxEntries     *int
	AddEntries     []EntryIn `aws:"AddEntry"`
	RemoveEntries  []EntryIn `aws:"RemoveEntry"`
}

func modifyManagedPrefixList(ctx context.Context, c *service.Call, in *ModifyManagedPrefixListInput) (*PrefixListOutput, error) {
	out := &PrefixListOutput{}
	return out, update(ctx, c, func(st *state) error {
		pl := st.Net.PrefixLists[in.PrefixListID]
		if pl == nil {
			return plNotFound(in.PrefixListID)
		}
		if in.CurrentVersion != nil && *in.CurrentVersion != pl.Version {
			return awserr.Def{Code: "PrefixListVersionMismatch", Status: 400}.New("The prefix list %s has version %d, not %d.", pl.PrefixListId, pl.Version, *in.CurrentVersion)
		}
		if in.MaxEntries != nil {
			if len(in.AddEntries) > 0 || len(in.RemoveEntries) > 0 {
				return invalidParamCombo.New("MaxEntries cannot be changed together with entries")
			}
			if *in.MaxEntries < len(pl.Entries) || *in.MaxEntries > vpc.Quotas.PrefixListMaxEntriesCap {
				return invalidParamValue.New("Value (%d) for parameter MaxEntries is invalid. It must be at least the number of entries (%d) and at most %d", *in.MaxEntries, len(pl.Entries), vpc.Quotas.PrefixListMaxEntriesCap)
			}
			pl.MaxEntries = *in.MaxEntries
		}
		if in.PrefixListName != nil {
			pl.PrefixListName = *in.PrefixListName
		}
		if len(in.AddEntries) > 0 || len(in.RemoveEntries) > 0 {
			if err := st.Net.ModifyManagedPrefixList(in.PrefixListID, cidrs(in.AddEntries), cidrs(in.RemoveEntries)); err != nil {
				return err
			}
			describeEntries(pl, in.AddEntries)
		}
		out.PrefixList = st.prefixListOut(c, pl, "modify-in-progress")
		return nil
	})
}

// PrefixListIDInput names one prefix list.
type PrefixListIDInput struct {
	common
	PrefixListID string `aws:"PrefixListId,required"`
}

func deleteManagedPrefixList(ctx context.Context, c *service.Call, in *PrefixListIDInput) (*PrefixListOutput, error) {
	out := &PrefixListOutput{}
	return out, update(ctx, c, func(st *state) error {
		pl := st.Net.PrefixLists[in.PrefixListID]
		if pl == nil || pl.OwnerId == "AWS" {
			return plNotFound(in.PrefixListID)
		}
		for _, g := range st.Net.SecurityGroups {
			for _, r := range append(slices.Clone(g.Ingress), g.Egress...) {
				if r.PrefixListId == pl.PrefixListId {
					return awserr.Def{Code: "DependencyViolation", Status: 400}.New("The prefix list %s is referenced by security group %s.", pl.PrefixListId, g.GroupId)
				}
			}
		}
		for _, rt := range st.Net.RouteTables {
			for _, r := range rt.Routes {
				if r.DestinationPrefixListId == pl.PrefixListId {
					return awserr.Def{Code: "DependencyViolation", Status: 400}.New("The prefix list %s is referenced by route table %s.", pl.PrefixListId, rt.RouteTableId)
				}
			}
		}
		out.PrefixList = st.prefixListOut(c, pl, "delete-in-progress")
		delete(st.Net.PrefixLists, pl.PrefixListId)
		st.forget(pl.PrefixListId)
		return nil
	})
}

// DescribeManagedPrefixListsInput is DescribeManagedPrefixLists' input.
type DescribeManagedPrefixListsInput struct {
	common
	PrefixListIDs []string `aws:"PrefixListId"`
	Filters       []Filter `aws:"Filter"`
	MaxResults    *int32
	NextToken     *string
}

// DescribeManagedPrefixListsOutput is DescribeManagedPrefixLists' output.
type DescribeManagedPrefixListsOutput struct {
	PrefixLists []ManagedPrefixList `aws:"prefixListSet"`
	NextToken   *string             `aws:"nextToken"`
}

func describeManagedPrefixLists(ctx context.Context, c *service.Call, in *DescribeManagedPrefixListsInput) (*DescribeManagedPrefixListsOutput, error) {
	fs, err := newFilters(in.Filters, "owner-id", "prefix-list-id", "prefix-list-name")
	if err != nil {
		return nil, err
	}
	out := &DescribeManagedPrefixListsOutput{PrefixLists: []ManagedPrefixList{}}
	err = view(ctx, c, func(st *state) error {
		ids, err := sortedIDs(st.Net.PrefixLists, in.PrefixListIDs, plNotFound)
		if err != nil {
			return err
		}
		for _, id := range ids {
			pl := st.Net.PrefixLists[id]
			if fs.match(attrs{"owner-id": {pl.OwnerId}, "prefix-list-id": {id}, "prefix-list-name": {pl.PrefixListName}}, st.Tags[id]) {
				state := "create-complete"
				if pl.Version > 1 {
					state = "modify-complete"
				}
				out.PrefixLists = append(out.PrefixLists, st.prefixListOut(c, pl, state))
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.PrefixLists, out.NextToken, err = paginate(out.PrefixLists, in.MaxResults, in.NextToken, len(in.PrefixListIDs) > 0)
	return out, err
}

// GetManagedPrefixListEntriesInput is GetManagedPrefixListEntries' input.
type GetManagedPrefixListEntriesInput struct {
	common
	PrefixListID  string `aws:"PrefixListId,required"`
	TargetVersion *int
	MaxResults    *int32
	NextToken     *string
}

// GetManagedPrefixListEntriesOutput is GetManagedPrefixListEntries' output.
type GetManagedPrefixListEntriesOutput struct {
	Entries   []PrefixListEntry `aws:"entrySet"`
	NextToken *string           `aws:"nextToken"`
}

func getManagedPrefixListEntries(ctx context.Context, c *service.Call, in *GetManagedPrefixListEntriesInput) (*GetManagedPrefixListEntriesOutput, error) {
	out := &GetManagedPrefixListEntriesOutput{Entries: []PrefixListEntry{}}
	err := view(ctx, c, func(st *state) error {
		pl := st.Net.PrefixLists[in.PrefixListID]
		if pl == nil {
			return plNotFound(in.PrefixListID)
		}
		if in.TargetVersion != nil && *in.TargetVersion != pl.Version {
			return invalidParamValue.New("moat keeps the current version (%d) of prefix list %s only", pl.Version, pl.PrefixListId)
		}
		for _, e := range pl.Entries {
			out.Entries = append(out.Entries, PrefixListEntry{Cidr: e.Cidr.String(), Description: e.Description})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.Entries, out.NextToken, err = paginate(out.Entries, in.MaxResults, in.NextToken, false)
	return out, err
}

func prefixListOps() []*service.Operation {
	plRes := func(c *service.Call, id string) string { return arn(c, "prefix-list", id) }
	return []*service.Operation{
		op("CreateManagedPrefixList", createManagedPrefixList, func(c *service.Call, _ *CreateManagedPrefixListInput) string { return plRes(c, "") }),
		op("ModifyManagedPrefixList", modifyManagedPrefixList, func(c *service.Call, in *ModifyManagedPrefixListInput) string { return plRes(c, in.PrefixListID) }),
		op("DeleteManagedPrefixList", deleteManagedPrefixList, func(c *service.Call, in *PrefixListIDInput) string { return plRes(c, in.PrefixListID) }),
		op("DescribeManagedPrefixLists", describeManagedPrefixLists, nil, ro[DescribeManagedPrefixListsInput]()),
		op("GetManagedPrefixListEntries", getManagedPrefixListEntries, func(c *service.Call, in *GetManagedPrefixListEntriesInput) string {
			return plRes(c, in.PrefixListID)
		}, ro[GetManagedPrefixListEntriesInput]()),
	}
}
