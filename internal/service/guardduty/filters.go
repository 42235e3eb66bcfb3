package guardduty

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
)

// Filters (saved FindingCriteria) and suppression rules (filters whose
// action is ARCHIVE). An ARCHIVE filter archives each finding the live
// detectors (or CreateSampleFindings) raise or update from then on, in the
// transaction that stores it, and such a finding is not sent on to
// Security Hub, as GuardDuty's suppressed findings are not. Findings stored
// before the filter existed are left as they are, as in GuardDuty.

// TableFilters holds filters by account/region/name.
const TableFilters = "guardduty.filters"

// maxFilters is GuardDuty's quota of saved filters per account per Region.
const maxFilters = 100

type filterRecord struct {
	Name        string            `json:"name"`
	Description string            `json:"description,omitempty"`
	Action      string            `json:"action"`
	Rank        int32             `json:"rank"`
	Criteria    FindingCriteria   `json:"criteria"`
	Tags        map[string]string `json:"tags,omitempty"`
	Created     time.Time         `json:"created"`
	Updated     time.Time         `json:"updated"`
}

func filterKey(account, region, name string) string { return account + "/" + region + "/" + name }

func filterARN(c *service.Call, detector, name string) string {
	return "arn:aws:guardduty:" + c.Region + ":" + c.Account() + ":detector/" + detector + "/filter/" + name
}

func filterOps() []*service.Operation {
	detRes := func(c *service.Call, id string) string {
		return "arn:aws:guardduty:" + c.Region + ":" + c.Account() + ":detector/" + id
	}
	return []*service.Operation{
		service.Op("CreateFilter", "guardduty:CreateFilter", createFilter,
			service.Resource(func(_ context.Context, c *service.Call, in *CreateFilterInput) (string, error) {
				return filterARN(c, in.DetectorID, in.Name), nil
			})),
		service.Op("GetFilter", "guardduty:GetFilter", getFilter, service.ReadOnly[FilterNameInput](),
			service.Resource(func(_ context.Context, c *service.Call, in *FilterNameInput) (string, error) {
				return filterARN(c, in.DetectorID, in.FilterName), nil
			})),
		service.Op("UpdateFilter", "guardduty:UpdateFilter", updateFilter,
			service.Resource(func(_ context.Context, c *service.Call, in *UpdateFilterInput) (string, error) {
				return filterARN(c, in.DetectorID, in.FilterName), nil
			})),
		service.Op("DeleteFilter", "guardduty:DeleteFilter", deleteFilter,
			service.Resource(func(_ context.Context, c *service.Call, in *FilterNameInput) (string, error) {
				return filterARN(c, in.DetectorID, in.FilterName), nil
			})),
		service.Op("ListFilters", "guardduty:ListFilters", listFilters, service.ReadOnly[ListFiltersInput](),
			service.Resource(func(_ context.Context, c *service.Call, in *ListFiltersInput) (string, error) {
				return detRes(c, in.DetectorID), nil
			})),
	}
}

// CreateFilterInput is GuardDuty's CreateFilter request.
type CreateFilterInput struct {
	DetectorID      string            `aws:"detectorId,location=uri"`
	Name            string            `aws:"name"`
	Description     *string           `aws:"description"`
	Action          *string           `aws:"action"`
	Rank            *int32            `aws:"rank"`
	FindingCriteria *FindingCriteria  `aws:"findingCriteria"`
	ClientToken     *string           `aws:"clientToken"`
	Tags            map[string]string `aws:"tags"`
}

// FilterNameOutput is CreateFilter's and UpdateFilter's response.
type FilterNameOutput struct {
	Name string `aws:"name"`
}

var filterNameRE = regexp.MustCompile(`^[A-Za-z0-9._-]{3,64}$`)

func checkAction(a *string) (string, error) {
	if a == nil {
		return "NOOP", nil
	}
	switch *a {
	case "NOOP", "ARCHIVE":
		return *a, nil
	}
	return "", badRequest.New("The request is rejected because the action %q is not valid: use NOOP or ARCHIVE.", *a)
}

func checkRank(r *int32) error {
	if r != nil && (*r < 1 || *r > 100) {
		return badRequest.New("The request is rejected because the rank %d is out of range: it is between 1 and 100.", *r)
	}
	return nil
}

func checkDescription(d *string) error {
	if d != nil && len(*d) > 512 {
		return badRequest.New("The request is rejected because the description is longer than 512 characters.")
	}
	return nil
}

func checkTags(tags map[string]string) error {
	if len(tags) > 50 {
		return badRequest.New("The request is rejected because a resource has at most 50 tags.")
	}
	for k, v := range tags {
		if k == "" || len(k) > 128 || len(v) > 256 {
			return badRequest.New("The request is rejected because the tag %q is not valid.", k)
		}
	}
	return nil
}

func createFilter(ctx context.Context, c *service.Call, in *CreateFilterInput) (*FilterNameOutput, error) {
	if !filterNameRE.MatchString(in.Name) {
		return nil, badRequest.New("The request is rejected because the filter name %q is not valid: 3 to 64 letters, digits, periods, underscores or dashes.", in.Name)
	}
	action, err := checkAction(in.Action)
	if err != nil {
		return nil, err
	}
	if err := checkRank(in.Rank); err != nil {
		return nil, err
	}
	if err := checkDescription(in.Description); err != nil {
		return nil, err
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	if in.FindingCriteria == nil || len(in.FindingCriteria.Criterion) == 0 {
		return nil, badRequest.New("The request is rejected because the findingCriteria is missing.")
	}
	if _, err := compileCriteria(in.FindingCriteria, true); err != nil {
		return nil, err
	}
	rec := filterRecord{Name: in.Name, Action: action, Criteria: *in.FindingCriteria, Tags: in.Tags, Created: c.Now.UTC(), Updated: c.Now.UTC()}
	if in.Description != nil {
		rec.Description = *in.Description
	}
	err = c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		if _, err := loadDetector(tx, c, in.DetectorID); err != nil {
			return err
		}
		existing, err := readFilters(tx, c.Account(), c.Region)
		if err != nil {
			return err
		}
		if len(existing) >= maxFilters {
			return badRequest.New("The request is rejected because the number of filters exceeds the limit of %d per account per Region.", maxFilters)
		}
		rec.Rank = int32(len(existing) + 1)
		if in.Rank != nil {
			rec.Rank = *in.Rank
		}
		b, _ := json.Marshal(&rec)
		err = tx.Insert(TableFilters, filterKey(c.Account(), c.Region, rec.Name), b)
		if errors.Is(err, store.ErrExists) {
			return badRequest.New("The request is rejected because a filter named %s already exists.", rec.Name)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &FilterNameOutput{Name: rec.Name}, nil
}

// readFilters returns an account's filters in a region, by rank then name.
func readFilters(tx store.Tx, account, region string) ([]filterRecord, error) {
	var out []filterRecord
	err := tx.Scan(TableFilters, account+"/"+region+"/", "", 0, func(_ string, b []byte) error {
		var f filterRecord
		if err := json.Unmarshal(b, &f); err != nil {
			return err
		}
		out = append(out, f)
		return nil
	})
	slices.SortFunc(out, func(a, b filterRecord) int {
		if c := cmp.Compare(a.Rank, b.Rank); c != 0 {
			return c
		}
		return cmp.Compare(a.Name, b.Name)
	})
	return out, err
}

func deleteFilters(tx store.Tx, account, region string) error {
	fs, err := readFilters(tx, account, region)
	if err != nil {
		return err
	}
	for _, f := range fs {
		if err := tx.Delete(TableFilters, filterKey(account, region, f.Name)); err != nil {
			return err
		}
	}
	return nil
}

// FilterNameInput names a filter.
type FilterNameInput struct {
	DetectorID string `aws:"detectorId,location=uri"`
	FilterName string `aws:"filterName,location=uri"`
}

// GetFilterOutput is GuardDuty's GetFilter response.
type GetFilterOutput struct {
	Name            string            `aws:"name"`
	Description     string            `aws:"description,omitempty"`
	Action          string            `aws:"action"`
	Rank            int32             `aws:"rank"`
	FindingCriteria FindingCriteria   `aws:"findingCriteria"`
	Tags            map[string]string `aws:"tags"`
	CreatedAt       time.Time         `aws:"createdAt"`
	UpdatedAt       time.Time         `aws:"updatedAt"`
}

func noSuchFilter(name string) error {
	return badRequest.New("The request is rejected since no such resource found: filter %s.", name)
}

func loadFilter(tx store.Tx, c *service.Call, detector, name string) (*filterRecord, error) {
	if _, err := loadDetector(tx, c, detector); err != nil {
		return nil, err
	}
	b, err := tx.Get(TableFilters, filterKey(c.Account(), c.Region, name))
	if errors.Is(err, store.ErrNotFound) {
		return nil, noSuchFilter(name)
	}
	if err != nil {
		return nil, err
	}
	var f filterRecord
	return &f, json.Unmarshal(b, &f)
}

func getFilter(ctx context.Context, c *service.Call, in *FilterNameInput) (*GetFilterOutput, error) {
	var out *GetFilterOutput
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		f, err := loadFilter(tx, c, in.DetectorID, in.FilterName)
		if err != nil {
			return err
		}
		tags := f.Tags
		if tags == nil {
			tags = map[string]string{}
		}
		out = &GetFilterOutput{Name: f.Name, Description: f.Description, Action: f.Action, Rank: f.Rank, FindingCriteria: f.Criteria,
			Tags: tags, CreatedAt: f.Created, UpdatedAt: f.Updated}
		return nil
	})
	return out, err
}

// UpdateFilterInput is GuardDuty's UpdateFilter request.
type UpdateFilterInput struct {
	DetectorID      string           `aws:"detectorId,location=uri"`
	FilterName      string           `aws:"filterName,location=uri"`
	Description     *string          `aws:"description"`
	Action          *string          `aws:"action"`
	Rank            *int32           `aws:"rank"`
	FindingCriteria *FindingCriteria `aws:"findingCriteria"`
}

func updateFilter(ctx context.Context, c *service.Call, in *UpdateFilterInput) (*FilterNameOutput, error) {
	if in.Action != nil {
		if _, err := checkAction(in.Action); err != nil {
			return nil, err
		}
	}
	if err := checkRank(in.Rank); err != nil {
		return nil, err
	}
	if err := checkDescription(in.Description); err != nil {
		return nil, err
	}
	if in.FindingCriteria != nil {
		if len(in.FindingCriteria.Criterion) == 0 {
			return nil, badRequest.New("The request is rejected because the findingCriteria is empty.")
		}
		if _, err := compileCriteria(in.FindingCriteria, true); err != nil {
			return nil, err
		}
	}
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		f, err := loadFilter(tx, c, in.DetectorID, in.FilterName)
		if err != nil {
			return err
		}
		if in.Action != nil {
			f.Action = *in.Action
		}
		if in.Rank != nil {
			f.Rank = *in.Rank
		}
		if in.Description != nil {
			f.Description = *in.Description
		}
		if in.FindingCriteria != nil {
			f.Criteria = *in.FindingCriteria
		}
		f.Updated = c.Now.UTC()
		b, _ := json.Marshal(f)
		return tx.Put(TableFilters, filterKey(c.Account(), c.Region, f.Name), b)
	})
	if err != nil {
		return nil, err
	}
	return &FilterNameOutput{Name: in.FilterName}, nil
}

func deleteFilter(ctx context.Context, c *service.Call, in *FilterNameInput) (*struct{}, error) {
	return &struct{}{}, c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		if _, err := loadFilter(tx, c, in.DetectorID, in.FilterName); err != nil {
			return err
		}
		return tx.Delete(TableFilters, filterKey(c.Account(), c.Region, in.FilterName))
	})
}

// ListFiltersInput is GuardDuty's ListFilters request.
type ListFiltersInput struct {
	DetectorID string  `aws:"detectorId,location=uri"`
	MaxResults *int32  `aws:"maxResults,location=querystring"`
	NextToken  *string `aws:"nextToken,location=querystring"`
}

// ListFiltersOutput is GuardDuty's ListFilters response.
type ListFiltersOutput struct {
	FilterNames []string `aws:"filterNames"`
	NextToken   *string  `aws:"nextToken"`
}

func listFilters(ctx context.Context, c *service.Call, in *ListFiltersInput) (*ListFiltersOutput, error) {
	limit := 50
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > 50 {
			return nil, invalidValue()
		}
		limit = int(*in.MaxResults)
	}
	start := 0
	if in.NextToken != nil && *in.NextToken != "" {
		n, err := strconv.Atoi(*in.NextToken)
		if err != nil || n < 0 {
			return nil, badRequest.New("The request is rejected because the nextToken is not valid.")
		}
		start = n
	}
	out := &ListFiltersOutput{FilterNames: []string{}}
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		if _, err := loadDetector(tx, c, in.DetectorID); err != nil {
			return err
		}
		fs, err := readFilters(tx, c.Account(), c.Region)
		if err != nil {
			return err
		}
		for i := start; i < len(fs) && i < start+limit; i++ {
			out.FilterNames = append(out.FilterNames, fs[i].Name)
		}
		if start+limit < len(fs) {
			next := strconv.Itoa(start + limit)
			out.NextToken = &next
		}
		return nil
	})
	return out, err
}

// suppressor is an account's ARCHIVE filters, compiled.
type suppressor []*criteria

// loadSuppressor compiles the ARCHIVE filters of account in region. A
// stored filter that no longer compiles is skipped (it compiled when saved).
func loadSuppressor(tx store.Tx, account, region string) (suppressor, error) {
	fs, err := readFilters(tx, account, region)
	if err != nil {
		return nil, err
	}
	var s suppressor
	for i := range fs {
		if fs[i].Action != "ARCHIVE" {
			continue
		}
		if c, err := compileCriteria(&fs[i].Criteria, true); err == nil {
			s = append(s, c)
		}
	}
	return s, nil
}

// suppresses reports whether an ARCHIVE filter matches the finding (decoded
// as it will be stored).
func (s suppressor) suppresses(f map[string]any) bool {
	for _, c := range s {
		if c.Match(f) {
			return true
		}
	}
	return false
}
