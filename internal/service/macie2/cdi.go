package macie2

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"sort"
	"strconv"
	"time"

	"github.com/moatdev/moat/dataid"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
)

// Custom data identifiers and the managed catalogue.

func cdiOps() []*service.Operation {
	cdiRes := onResource("custom-data-identifier", func(in *IDInput) string { return in.ID })
	return []*service.Operation{
		service.Op("CreateCustomDataIdentifier", "macie2:CreateCustomDataIdentifier", createCDI,
			service.Resource(func(_ context.Context, c *service.Call, in *CreateCustomDataIdentifierInput) (string, error) {
				in.id = newUUID()
				return arnOf(c, "custom-data-identifier", in.id), nil
			}),
			tagging(func(in *CreateCustomDataIdentifierInput) map[string]string { return in.Tags }, true)),
		service.Op("GetCustomDataIdentifier", "macie2:GetCustomDataIdentifier", getCDI, service.ReadOnly[IDInput](), cdiRes),
		service.Op("DeleteCustomDataIdentifier", "macie2:DeleteCustomDataIdentifier", deleteCDI, cdiRes),
		service.Op("ListCustomDataIdentifiers", "macie2:ListCustomDataIdentifiers", listCDIs, service.ReadOnly[PageInput]()),
		service.Op("BatchGetCustomDataIdentifiers", "macie2:BatchGetCustomDataIdentifiers", batchGetCDIs, service.ReadOnly[BatchGetInput]()),
		service.Op("TestCustomDataIdentifier", "macie2:TestCustomDataIdentifier", testCDI, service.ReadOnly[TestCustomDataIdentifierInput]()),
		service.Op("ListManagedDataIdentifiers", "macie2:ListManagedDataIdentifiers", listManaged, service.ReadOnly[PageInput]()),
	}
}

// cdiRecord is a stored custom data identifier.
type cdiRecord struct {
	ID                   string                 `json:"id"`
	Arn                  string                 `json:"arn"`
	Name                 string                 `json:"name"`
	Description          string                 `json:"description,omitempty"`
	Regex                string                 `json:"regex"`
	Keywords             []string               `json:"keywords,omitempty"`
	IgnoreWords          []string               `json:"ignoreWords,omitempty"`
	MaximumMatchDistance int                    `json:"maximumMatchDistance"`
	SeverityLevels       []dataid.SeverityLevel `json:"severityLevels"`
	Tags                 map[string]string      `json:"tags,omitempty"`
	CreatedAt            time.Time              `json:"createdAt"`
	Deleted              bool                   `json:"deleted"`
}

// input returns the record as dataid's input, to compile it.
func (r *cdiRecord) input() dataid.CustomDataIdentifierInput {
	d := r.MaximumMatchDistance
	return dataid.CustomDataIdentifierInput{Name: r.Name, Description: r.Description, Regex: r.Regex, Keywords: r.Keywords,
		IgnoreWords: r.IgnoreWords, MaximumMatchDistance: &d, SeverityLevels: r.SeverityLevels}
}

// SeverityLevel is Macie's SeverityLevel.
type SeverityLevel struct {
	OccurrencesThreshold int64  `aws:"occurrencesThreshold"`
	Severity             string `aws:"severity"`
}

// CreateCustomDataIdentifierInput is CreateCustomDataIdentifier's request.
type CreateCustomDataIdentifierInput struct {
	ClientToken          *string           `aws:"clientToken"`
	Description          *string           `aws:"description"`
	IgnoreWords          []string          `aws:"ignoreWords"`
	Keywords             []string          `aws:"keywords"`
	MaximumMatchDistance *int              `aws:"maximumMatchDistance"`
	Name                 *string           `aws:"name,required"`
	Regex                *string           `aws:"regex,required"`
	SeverityLevels       []SeverityLevel   `aws:"severityLevels"`
	Tags                 map[string]string `aws:"tags"`
	id                   string
}

// CreateCustomDataIdentifierOutput is its response.
type CreateCustomDataIdentifierOutput struct {
	CustomDataIdentifierID string `aws:"customDataIdentifierId"`
}

// validationError turns dataid's rejection into ValidationException naming
// the field.
func validationError(err error) error {
	var ve *dataid.ValidationError
	if errors.As(err, &ve) {
		return errValidation.New("%s", ve.Error())
	}
	return errValidation.New("%s", err.Error())
}

func levels(in []SeverityLevel) []dataid.SeverityLevel {
	var out []dataid.SeverityLevel
	for _, l := range in {
		out = append(out, dataid.SeverityLevel{OccurrencesThreshold: l.OccurrencesThreshold, Severity: dataid.Severity(l.Severity)})
	}
	return out
}

func createCDI(ctx context.Context, c *service.Call, in *CreateCustomDataIdentifierInput) (*CreateCustomDataIdentifierOutput, error) {
	din := dataid.CustomDataIdentifierInput{Name: deref(in.Name), Description: deref(in.Description), Regex: deref(in.Regex),
		Keywords: in.Keywords, IgnoreWords: in.IgnoreWords, MaximumMatchDistance: in.MaximumMatchDistance, SeverityLevels: levels(in.SeverityLevels)}
	compiled, err := dataid.CompileCustom(din)
	if err != nil {
		return nil, validationError(err)
	}
	if len(in.Tags) > 50 {
		return nil, errValidation.New("tags: at most 50 tags are allowed")
	}
	id := in.id
	if id == "" {
		id = newUUID()
	}
	rec := cdiRecord{ID: id, Arn: arnOf(c, "custom-data-identifier", id), Name: compiled.Name, Description: din.Description,
		Regex: din.Regex, Keywords: in.Keywords, IgnoreWords: in.IgnoreWords, MaximumMatchDistance: compiled.MaximumMatchDistance,
		SeverityLevels: compiled.SeverityLevels, Tags: in.Tags, CreatedAt: c.Now.UTC()}
	err = c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		if _, err := session(tx, c); err != nil {
			return err
		}
		if in.ClientToken != nil && *in.ClientToken != "" {
			tk := key(c, "cdi/"+*in.ClientToken)
			if old, err := tx.Get(TableTokens, tk); err == nil {
				id = string(old)
				return nil
			}
			if err := tx.Put(TableTokens, tk, []byte(id)); err != nil {
				return err
			}
		}
		// Names are unique among an account's identifiers [unverified: AWS
		// answers ValidationException for a duplicate name].
		dup := false
		if err := scanCDIs(tx, c, func(r *cdiRecord) { dup = dup || (!r.Deleted && r.Name == rec.Name) }); err != nil {
			return err
		}
		if dup {
			return errValidation.New("name: a custom data identifier named %q already exists", rec.Name)
		}
		return putJSON(tx, TableCDIs, key(c, id), &rec)
	})
	if err != nil {
		return nil, err
	}
	return &CreateCustomDataIdentifierOutput{CustomDataIdentifierID: id}, nil
}

func scanCDIs(tx store.Tx, c *service.Call, fn func(*cdiRecord)) error {
	return tx.Scan(TableCDIs, scope(c)+"/", "", 0, func(_ string, raw []byte) error {
		var r cdiRecord
		if err := json.Unmarshal(raw, &r); err != nil {
			return err
		}
		fn(&r)
		return nil
	})
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// IDInput names a resource by its id in the URI.
type IDInput struct {
	ID string `aws:"id,location=uri"`
	resTagged
}

// GetCustomDataIdentifierOutput is GetCustomDataIdentifier's response.
type GetCustomDataIdentifierOutput struct {
	Arn                  string            `aws:"arn"`
	CreatedAt            time.Time         `aws:"createdAt,timestamp=iso8601"`
	Deleted              bool              `aws:"deleted"`
	Description          string            `aws:"description,omitempty"`
	ID                   string            `aws:"id"`
	IgnoreWords          []string          `aws:"ignoreWords"`
	Keywords             []string          `aws:"keywords"`
	MaximumMatchDistance int               `aws:"maximumMatchDistance"`
	Name                 string            `aws:"name"`
	Regex                string            `aws:"regex"`
	SeverityLevels       []SeverityLevel   `aws:"severityLevels"`
	Tags                 map[string]string `aws:"tags"`
}

func loadCDI(tx store.Tx, c *service.Call, id string) (*cdiRecord, error) {
	var r cdiRecord
	err := getJSON(tx, TableCDIs, key(c, id), &r)
	if errors.Is(err, store.ErrNotFound) || id == "" {
		return nil, errNotFound.New("The custom data identifier %s doesn't exist.", id)
	}
	return &r, err
}

func getCDI(ctx context.Context, c *service.Call, in *IDInput) (*GetCustomDataIdentifierOutput, error) {
	var r *cdiRecord
	err := c.Deps.Store.View(ctx, func(tx store.Tx) (err error) {
		if _, err := session(tx, c); err != nil {
			return err
		}
		r, err = loadCDI(tx, c, in.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := &GetCustomDataIdentifierOutput{Arn: r.Arn, CreatedAt: r.CreatedAt, Deleted: r.Deleted, Description: r.Description, ID: r.ID,
		IgnoreWords: nonNil(r.IgnoreWords), Keywords: nonNil(r.Keywords), MaximumMatchDistance: r.MaximumMatchDistance, Name: r.Name,
		Regex: r.Regex, Tags: r.Tags}
	if out.Tags == nil {
		out.Tags = map[string]string{}
	}
	for _, l := range r.SeverityLevels {
		out.SeverityLevels = append(out.SeverityLevels, SeverityLevel{OccurrencesThreshold: l.OccurrencesThreshold, Severity: string(l.Severity)})
	}
	return out, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func deleteCDI(ctx context.Context, c *service.Call, in *IDInput) (*struct{}, error) {
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		if _, err := session(tx, c); err != nil {
			return err
		}
		r, err := loadCDI(tx, c, in.ID)
		if err != nil {
			return err
		}
		if r.Deleted {
			return errNotFound.New("The custom data identifier %s doesn't exist.", in.ID)
		}
		r.Deleted = true
		return putJSON(tx, TableCDIs, key(c, in.ID), r)
	})
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

// PageInput is a list request with paging.
type PageInput struct {
	MaxResults *int    `aws:"maxResults"`
	NextToken  *string `aws:"nextToken"`
}

// CDISummary is Macie's CustomDataIdentifierSummary.
type CDISummary struct {
	Arn         string    `aws:"arn"`
	CreatedAt   time.Time `aws:"createdAt,timestamp=iso8601"`
	Description string    `aws:"description,omitempty"`
	ID          string    `aws:"id"`
	Name        string    `aws:"name"`
}

// ListCustomDataIdentifiersOutput is its response.
type ListCustomDataIdentifiersOutput struct {
	Items     []CDISummary `aws:"items"`
	NextToken *string      `aws:"nextToken"`
}

// page cuts items [from token, from token + max) and returns the next token.
func page(n int, maxResults *int, token *string, def, limit int) (from, to int, next *string, err error) {
	size := def
	if maxResults != nil {
		if *maxResults < 1 || *maxResults > limit {
			return 0, 0, nil, errValidation.New("maxResults: %d is outside 1-%d", *maxResults, limit)
		}
		size = *maxResults
	}
	if token != nil && *token != "" {
		b, derr := base64.RawURLEncoding.DecodeString(*token)
		v, cerr := strconv.Atoi(string(b))
		if derr != nil || cerr != nil || v < 0 {
			return 0, 0, nil, errValidation.New("nextToken: the token is not valid")
		}
		from = v
	}
	from = min(from, n)
	to = min(from+size, n)
	if to < n {
		t := base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(to)))
		next = &t
	}
	return from, to, next, nil
}

func listCDIs(ctx context.Context, c *service.Call, in *PageInput) (*ListCustomDataIdentifiersOutput, error) {
	var all []CDISummary
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		if _, err := session(tx, c); err != nil {
			return err
		}
		return scanCDIs(tx, c, func(r *cdiRecord) {
			if !r.Deleted {
				all = append(all, CDISummary{Arn: r.Arn, CreatedAt: r.CreatedAt, Description: r.Description, ID: r.ID, Name: r.Name})
			}
		})
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(all, func(i, j int) bool {
		if !all[i].CreatedAt.Equal(all[j].CreatedAt) {
			return all[i].CreatedAt.Before(all[j].CreatedAt)
		}
		return all[i].ID < all[j].ID
	})
	from, to, next, err := page(len(all), in.MaxResults, in.NextToken, 1000, 1000)
	if err != nil {
		return nil, err
	}
	return &ListCustomDataIdentifiersOutput{Items: append([]CDISummary{}, all[from:to]...), NextToken: next}, nil
}

// BatchGetInput is BatchGetCustomDataIdentifiers' request.
type BatchGetInput struct {
	IDs []string `aws:"ids"`
}

// BatchCDI is Macie's BatchGetCustomDataIdentifierSummary.
type BatchCDI struct {
	Arn         string    `aws:"arn"`
	CreatedAt   time.Time `aws:"createdAt,timestamp=iso8601"`
	Deleted     bool      `aws:"deleted"`
	Description string    `aws:"description,omitempty"`
	ID          string    `aws:"id"`
	Name        string    `aws:"name"`
}

// BatchGetOutput is its response.
type BatchGetOutput struct {
	CustomDataIdentifiers []BatchCDI `aws:"customDataIdentifiers"`
	NotFoundIdentifierIDs []string   `aws:"notFoundIdentifierIds"`
}

func batchGetCDIs(ctx context.Context, c *service.Call, in *BatchGetInput) (*BatchGetOutput, error) {
	if len(in.IDs) > 50 {
		return nil, errValidation.New("ids: at most 50 ids are allowed")
	}
	out := &BatchGetOutput{CustomDataIdentifiers: []BatchCDI{}, NotFoundIdentifierIDs: []string{}}
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		if _, err := session(tx, c); err != nil {
			return err
		}
		for _, id := range in.IDs {
			r, err := loadCDI(tx, c, id)
			if errNotFound.Is(err) {
				out.NotFoundIdentifierIDs = append(out.NotFoundIdentifierIDs, id)
				continue
			}
			if err != nil {
				return err
			}
			out.CustomDataIdentifiers = append(out.CustomDataIdentifiers, BatchCDI{Arn: r.Arn, CreatedAt: r.CreatedAt, Deleted: r.Deleted,
				Description: r.Description, ID: r.ID, Name: r.Name})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// TestCustomDataIdentifierInput is TestCustomDataIdentifier's request.
type TestCustomDataIdentifierInput struct {
	IgnoreWords          []string `aws:"ignoreWords"`
	Keywords             []string `aws:"keywords"`
	MaximumMatchDistance *int     `aws:"maximumMatchDistance"`
	Regex                *string  `aws:"regex,required"`
	SampleText           *string  `aws:"sampleText,required"`
}

// TestCustomDataIdentifierOutput is its response.
type TestCustomDataIdentifierOutput struct {
	MatchCount int `aws:"matchCount"`
}

func testCDI(ctx context.Context, c *service.Call, in *TestCustomDataIdentifierInput) (*TestCustomDataIdentifierOutput, error) {
	if err := enabled(ctx, c); err != nil {
		return nil, err
	}
	n, err := dataid.TestCustomDataIdentifier(dataid.CustomDataIdentifierInput{Name: "test", Regex: deref(in.Regex), Keywords: in.Keywords,
		IgnoreWords: in.IgnoreWords, MaximumMatchDistance: in.MaximumMatchDistance}, deref(in.SampleText))
	if err != nil {
		return nil, validationError(err)
	}
	return &TestCustomDataIdentifierOutput{MatchCount: n}, nil
}

// ManagedSummary is Macie's ManagedDataIdentifierSummary.
type ManagedSummary struct {
	Category string `aws:"category"`
	ID       string `aws:"id"`
}

// ListManagedOutput is ListManagedDataIdentifiers' response.
type ListManagedOutput struct {
	Items     []ManagedSummary `aws:"items"`
	NextToken *string          `aws:"nextToken"`
}

// listManaged lists Macie's managed identifiers (moat's extensions, usable
// with INCLUDE, are not listed: AWS does not have them).
func listManaged(ctx context.Context, c *service.Call, in *PageInput) (*ListManagedOutput, error) {
	if err := enabled(ctx, c); err != nil {
		return nil, err
	}
	out := &ListManagedOutput{Items: []ManagedSummary{}}
	for _, m := range dataid.ManagedIdentifiers(dataid.ProfileMacie) {
		out.Items = append(out.Items, ManagedSummary{Category: string(m.Category), ID: m.ID})
	}
	return out, nil
}
