package macie2

import (
	"context"
	"encoding/json"
	"errors"
	"sort"
	"unicode/utf8"

	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
)

// Findings filters and suppression rules: a filter with action ARCHIVE
// archives the findings that match it, those that exist when it is saved
// and those raised later (Macie User Guide, "Suppressing findings"); NOOP
// filters are saved views. Deleting or changing a rule does not unarchive
// findings (moat's reading; AWS does not say).

// TableFilters holds findings filters: account/region/id → filterRecord.
const TableFilters = "macie2.filters"

func filterOps() []*service.Operation {
	res := onResource("findings-filter", func(in *IDInput) string { return in.ID })
	return []*service.Operation{
		service.Op("CreateFindingsFilter", "macie2:CreateFindingsFilter", createFilter,
			service.Resource(func(_ context.Context, c *service.Call, in *CreateFindingsFilterInput) (string, error) {
				in.id = newUUID()
				return arnOf(c, "findings-filter", in.id), nil
			}),
			tagging(func(in *CreateFindingsFilterInput) map[string]string { return in.Tags }, true)),
		service.Op("GetFindingsFilter", "macie2:GetFindingsFilter", getFilter, service.ReadOnly[IDInput](), res),
		service.Op("ListFindingsFilters", "macie2:ListFindingsFilters", listFilters, service.ReadOnly[ListAllowListsInput]()),
		service.Op("UpdateFindingsFilter", "macie2:UpdateFindingsFilter", updateFilter,
			onResource("findings-filter", func(in *UpdateFindingsFilterInput) string { return in.ID })),
		service.Op("DeleteFindingsFilter", "macie2:DeleteFindingsFilter", deleteFilter, res),
	}
}

type filterRecord struct {
	ID          string            `json:"id"`
	Arn         string            `json:"arn"`
	Name        string            `json:"name"`
	Description string            `json:"description,omitempty"`
	Action      string            `json:"action"`
	Position    int               `json:"position"`
	Criteria    json.RawMessage   `json:"findingCriteria"`
	Tags        map[string]string `json:"tags,omitempty"`
}

// CreateFindingsFilterInput is CreateFindingsFilter's request.
type CreateFindingsFilterInput struct {
	Action          *string           `aws:"action,required"`
	ClientToken     *string           `aws:"clientToken"`
	Description     *string           `aws:"description"`
	FindingCriteria json.RawMessage   `aws:"findingCriteria,required"`
	Name            *string           `aws:"name,required"`
	Position        *int              `aws:"position"`
	Tags            map[string]string `aws:"tags"`
	id              string
}

// FilterRef is the response of Create/UpdateFindingsFilter.
type FilterRef struct {
	Arn string `aws:"arn"`
	ID  string `aws:"id"`
}

func checkFilter(action, name string, desc *string, crit json.RawMessage) (criteria, error) {
	if action != "ARCHIVE" && action != "NOOP" {
		return nil, errValidation.New("action: %q is not ARCHIVE or NOOP", action)
	}
	if n := utf8.RuneCountInString(name); n < 3 || n > 64 {
		return nil, errValidation.New("name: must have 3-64 characters")
	}
	if desc != nil && utf8.RuneCountInString(*desc) > 512 {
		return nil, errValidation.New("description: must have at most 512 characters")
	}
	c, err := parseCriteria(crit, "findingCriteria", true)
	if err == nil && len(c) == 0 {
		err = errValidation.New("findingCriteria: at least one criterion is required")
	}
	return c, err
}

// loadFilters returns the filters of the caller, by position.
func loadFilters(tx store.Tx, c *service.Call) ([]*filterRecord, error) {
	var out []*filterRecord
	err := tx.Scan(TableFilters, scope(c)+"/", "", 0, func(_ string, raw []byte) error {
		var f filterRecord
		if err := json.Unmarshal(raw, &f); err != nil {
			return err
		}
		out = append(out, &f)
		return nil
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].Position < out[j].Position })
	return out, err
}

// suppression is the compiled ARCHIVE rules of an account.
type suppression []criteria

func loadSuppression(tx store.Tx, c *service.Call) (suppression, error) {
	fs, err := loadFilters(tx, c)
	if err != nil {
		return nil, err
	}
	var out suppression
	for _, f := range fs {
		if f.Action != "ARCHIVE" {
			continue
		}
		if cr, err := parseCriteria(f.Criteria, "findingCriteria", true); err == nil {
			out = append(out, cr)
		}
	}
	return out, nil
}

// apply archives a new finding that a rule matches.
func (s suppression) apply(f *finding) {
	if len(s) == 0 || f.Archived {
		return
	}
	b, _ := json.Marshal(f)
	var v map[string]any
	_ = json.Unmarshal(b, &v)
	for _, cr := range s {
		if cr.match(v) {
			f.Archived = true
			return
		}
	}
}

// archiveMatching archives the stored findings a rule matches.
func archiveMatching(tx store.Tx, c *service.Call, cr criteria) error {
	type upd struct {
		k string
		v map[string]any
	}
	var todo []upd
	if err := tx.Scan(TableFindings, scope(c)+"/", "", 0, func(k string, raw []byte) error {
		var v map[string]any
		if err := json.Unmarshal(raw, &v); err != nil {
			return err
		}
		if v["archived"] != true && cr.match(v) {
			todo = append(todo, upd{k, v})
		}
		return nil
	}); err != nil {
		return err
	}
	for _, u := range todo {
		u.v["archived"] = true
		if err := putJSON(tx, TableFindings, u.k, u.v); err != nil {
			return err
		}
	}
	return nil
}

func createFilter(ctx context.Context, c *service.Call, in *CreateFindingsFilterInput) (*FilterRef, error) {
	cr, err := checkFilter(deref(in.Action), deref(in.Name), in.Description, in.FindingCriteria)
	if err != nil {
		return nil, err
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	id := in.id
	if id == "" {
		id = newUUID()
	}
	r := filterRecord{ID: id, Arn: arnOf(c, "findings-filter", id), Name: deref(in.Name), Description: deref(in.Description),
		Action: deref(in.Action), Criteria: in.FindingCriteria, Tags: in.Tags}
	err = c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		if _, err := session(tx, c); err != nil {
			return err
		}
		if t := deref(in.ClientToken); t != "" {
			tk := key(c, "filter/"+t)
			if old, err := tx.Get(TableTokens, tk); err == nil {
				id = string(old)
				r.Arn = arnOf(c, "findings-filter", id)
				return nil
			}
			if err := tx.Put(TableTokens, tk, []byte(id)); err != nil {
				return err
			}
		}
		fs, err := loadFilters(tx, c)
		if err != nil {
			return err
		}
		if len(fs) >= 1000 {
			return errQuota.New("The account has 1,000 findings filters, the most Macie allows.")
		}
		for _, f := range fs {
			if f.Name == r.Name {
				return errValidation.New("name: a findings filter named %q already exists", r.Name)
			}
		}
		r.Position = len(fs) + 1
		if in.Position != nil {
			r.Position = *in.Position
		}
		if err := putJSON(tx, TableFilters, key(c, id), &r); err != nil {
			return err
		}
		if r.Action == "ARCHIVE" {
			return archiveMatching(tx, c, cr)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &FilterRef{Arn: r.Arn, ID: id}, nil
}

func loadFilter(tx store.Tx, c *service.Call, id string) (*filterRecord, error) {
	var f filterRecord
	err := getJSON(tx, TableFilters, key(c, id), &f)
	if errors.Is(err, store.ErrNotFound) || id == "" {
		return nil, errNotFound.New("The findings filter %s doesn't exist.", id)
	}
	return &f, err
}

// GetFindingsFilterOutput is GetFindingsFilter's response.
type GetFindingsFilterOutput struct {
	Action          string            `aws:"action"`
	Arn             string            `aws:"arn"`
	Description     string            `aws:"description,omitempty"`
	FindingCriteria json.RawMessage   `aws:"findingCriteria"`
	ID              string            `aws:"id"`
	Name            string            `aws:"name"`
	Position        int               `aws:"position"`
	Tags            map[string]string `aws:"tags"`
}

func getFilter(ctx context.Context, c *service.Call, in *IDInput) (*GetFindingsFilterOutput, error) {
	var f *filterRecord
	err := c.Deps.Store.View(ctx, func(tx store.Tx) (err error) {
		if _, err := session(tx, c); err != nil {
			return err
		}
		f, err = loadFilter(tx, c, in.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := &GetFindingsFilterOutput{Action: f.Action, Arn: f.Arn, Description: f.Description, FindingCriteria: f.Criteria, ID: f.ID,
		Name: f.Name, Position: f.Position, Tags: f.Tags}
	if out.Tags == nil {
		out.Tags = map[string]string{}
	}
	return out, nil
}

// FilterListItem is Macie's FindingsFilterListItem.
type FilterListItem struct {
	Action string            `aws:"action"`
	Arn    string            `aws:"arn"`
	ID     string            `aws:"id"`
	Name   string            `aws:"name"`
	Tags   map[string]string `aws:"tags"`
}

// ListFindingsFiltersOutput is ListFindingsFilters' response.
type ListFindingsFiltersOutput struct {
	Items     []FilterListItem `aws:"findingsFilterListItems"`
	NextToken *string          `aws:"nextToken"`
}

func listFilters(ctx context.Context, c *service.Call, in *ListAllowListsInput) (*ListFindingsFiltersOutput, error) {
	var fs []*filterRecord
	err := c.Deps.Store.View(ctx, func(tx store.Tx) (err error) {
		if _, err := session(tx, c); err != nil {
			return err
		}
		fs, err = loadFilters(tx, c)
		return err
	})
	if err != nil {
		return nil, err
	}
	from, to, next, err := page(len(fs), in.MaxResults, in.NextToken, 50, 50)
	if err != nil {
		return nil, err
	}
	out := &ListFindingsFiltersOutput{Items: []FilterListItem{}, NextToken: next}
	for _, f := range fs[from:to] {
		tags := f.Tags
		if tags == nil {
			tags = map[string]string{}
		}
		out.Items = append(out.Items, FilterListItem{Action: f.Action, Arn: f.Arn, ID: f.ID, Name: f.Name, Tags: tags})
	}
	return out, nil
}

// UpdateFindingsFilterInput is UpdateFindingsFilter's request.
type UpdateFindingsFilterInput struct {
	ID              string          `aws:"id,location=uri"`
	Action          *string         `aws:"action"`
	ClientToken     *string         `aws:"clientToken"`
	Description     *string         `aws:"description"`
	FindingCriteria json.RawMessage `aws:"findingCriteria"`
	Name            *string         `aws:"name"`
	Position        *int            `aws:"position"`
	resTagged
}

func updateFilter(ctx context.Context, c *service.Call, in *UpdateFindingsFilterInput) (*FilterRef, error) {
	var arn string
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		if _, err := session(tx, c); err != nil {
			return err
		}
		f, err := loadFilter(tx, c, in.ID)
		if err != nil {
			return err
		}
		if in.Action != nil {
			f.Action = *in.Action
		}
		if in.Name != nil {
			f.Name = *in.Name
		}
		if in.Description != nil {
			f.Description = *in.Description
		}
		if len(in.FindingCriteria) > 0 && string(in.FindingCriteria) != "null" {
			f.Criteria = in.FindingCriteria
		}
		if in.Position != nil {
			f.Position = *in.Position
		}
		cr, err := checkFilter(f.Action, f.Name, &f.Description, f.Criteria)
		if err != nil {
			return err
		}
		arn = f.Arn
		if err := putJSON(tx, TableFilters, key(c, in.ID), f); err != nil {
			return err
		}
		if f.Action == "ARCHIVE" {
			return archiveMatching(tx, c, cr)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &FilterRef{Arn: arn, ID: in.ID}, nil
}

func deleteFilter(ctx context.Context, c *service.Call, in *IDInput) (*struct{}, error) {
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		if _, err := session(tx, c); err != nil {
			return err
		}
		if _, err := loadFilter(tx, c, in.ID); err != nil {
			return err
		}
		return tx.Delete(TableFilters, key(c, in.ID))
	})
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}
