package macie2

import (
	"context"
	"encoding/json"
	"errors"
	"sort"
	"time"
	"unicode/utf8"

	"github.com/moatdev/moat/dataid"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/service/s3"
	"github.com/moatdev/moat/internal/store"
)

// Allow lists: text (a regex, or words in an S3 object) that a job does not
// report. CreateAllowList, GetAllowList, ListAllowLists, UpdateAllowList,
// DeleteAllowList; jobs take them by allowListIds.

// TableAllowLists holds allow lists: account/region/id → allowListRecord.
const TableAllowLists = "macie2.allowlists"

// MaxWordsListSize is the largest s3WordsList object Macie reads (35 MB).
const MaxWordsListSize = 35 << 20

func (m *Service) allowListOps() []*service.Operation {
	return []*service.Operation{
		service.Op("CreateAllowList", "macie2:CreateAllowList", createAllowList,
			service.Resource(func(_ context.Context, c *service.Call, in *CreateAllowListInput) (string, error) {
				in.id = newAllowListID()
				return arnOf(c, "allow-list", in.id), nil
			}),
			tagging(func(in *CreateAllowListInput) map[string]string { return in.Tags }, true)),
		service.Op("GetAllowList", "macie2:GetAllowList", m.getAllowList, service.ReadOnly[IDInput](),
			onResource("allow-list", func(in *IDInput) string { return in.ID })),
		service.Op("ListAllowLists", "macie2:ListAllowLists", listAllowLists, service.ReadOnly[ListAllowListsInput]()),
		service.Op("UpdateAllowList", "macie2:UpdateAllowList", updateAllowList,
			onResource("allow-list", func(in *UpdateAllowListInput) string { return in.ID })),
		service.Op("DeleteAllowList", "macie2:DeleteAllowList", deleteAllowList,
			onResource("allow-list", func(in *DeleteAllowListInput) string { return in.ID })),
	}
}

// newAllowListID is a 22-character id like Macie's allow list ids.
func newAllowListID() string { return newID()[:22] }

// AllowListCriteria is Macie's AllowListCriteria: exactly one of a regex
// or an S3 object of words.
type AllowListCriteria struct {
	Regex       *string      `aws:"regex" json:"regex,omitempty"`
	S3WordsList *S3WordsList `aws:"s3WordsList" json:"s3WordsList,omitempty"`
}

// S3WordsList names the object holding an allow list's words.
type S3WordsList struct {
	BucketName string `aws:"bucketName" json:"bucketName"`
	ObjectKey  string `aws:"objectKey" json:"objectKey"`
}

type allowListRecord struct {
	ID          string            `json:"id"`
	Arn         string            `json:"arn"`
	Name        string            `json:"name"`
	Description string            `json:"description,omitempty"`
	Criteria    AllowListCriteria `json:"criteria"`
	Tags        map[string]string `json:"tags,omitempty"`
	CreatedAt   time.Time         `json:"createdAt"`
	UpdatedAt   time.Time         `json:"updatedAt"`
}

func checkAllowList(name string, desc *string, cr *AllowListCriteria) error {
	if n := utf8.RuneCountInString(name); n < 1 || n > 128 {
		return errValidation.New("name: must have 1-128 characters")
	}
	if desc != nil && utf8.RuneCountInString(*desc) > 512 {
		return errValidation.New("description: must have at most 512 characters")
	}
	if cr == nil || (cr.Regex == nil) == (cr.S3WordsList == nil) {
		return errValidation.New("criteria: specify either regex or s3WordsList")
	}
	if cr.Regex != nil {
		if _, err := dataid.NewRegexAllowList(name, *cr.Regex); err != nil {
			return validationError(err)
		}
	} else if cr.S3WordsList.BucketName == "" || cr.S3WordsList.ObjectKey == "" {
		return errValidation.New("criteria.s3WordsList: bucketName and objectKey are required")
	}
	return nil
}

// CreateAllowListInput is CreateAllowList's request.
type CreateAllowListInput struct {
	ClientToken *string            `aws:"clientToken"`
	Criteria    *AllowListCriteria `aws:"criteria,required"`
	Description *string            `aws:"description"`
	Name        *string            `aws:"name,required"`
	Tags        map[string]string  `aws:"tags"`
	id          string
}

// AllowListRef is the response of CreateAllowList and UpdateAllowList.
type AllowListRef struct {
	Arn string `aws:"arn"`
	ID  string `aws:"id"`
}

func createAllowList(ctx context.Context, c *service.Call, in *CreateAllowListInput) (*AllowListRef, error) {
	if err := checkAllowList(deref(in.Name), in.Description, in.Criteria); err != nil {
		return nil, err
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	id := in.id
	if id == "" {
		id = newAllowListID()
	}
	now := c.Now.UTC()
	r := allowListRecord{ID: id, Arn: arnOf(c, "allow-list", id), Name: deref(in.Name), Description: deref(in.Description),
		Criteria: *in.Criteria, Tags: in.Tags, CreatedAt: now, UpdatedAt: now}
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		if _, err := session(tx, c); err != nil {
			return err
		}
		if t := deref(in.ClientToken); t != "" {
			tk := key(c, "allow-list/"+t)
			if old, err := tx.Get(TableTokens, tk); err == nil {
				id = string(old)
				r.Arn = arnOf(c, "allow-list", id)
				return nil
			}
			if err := tx.Put(TableTokens, tk, []byte(id)); err != nil {
				return err
			}
		}
		n := 0
		_ = tx.Scan(TableAllowLists, scope(c)+"/", "", 0, func(string, []byte) error { n++; return nil })
		if n >= 10 {
			// Macie's quota: 10 allow lists per account.
			return errQuota.New("The account has 10 allow lists, the most Macie allows.")
		}
		return putJSON(tx, TableAllowLists, key(c, id), &r)
	})
	if err != nil {
		return nil, err
	}
	return &AllowListRef{Arn: r.Arn, ID: id}, nil
}

func loadAllowList(tx store.Tx, c *service.Call, id string) (*allowListRecord, error) {
	var r allowListRecord
	err := getJSON(tx, TableAllowLists, key(c, id), &r)
	if errors.Is(err, store.ErrNotFound) || id == "" {
		return nil, errNotFound.New("The allow list %s doesn't exist.", id)
	}
	return &r, err
}

// AllowListStatus is Macie's AllowListStatus.
type AllowListStatus struct {
	Code        string `aws:"code"`
	Description string `aws:"description,omitempty"`
}

// GetAllowListOutput is GetAllowList's response.
type GetAllowListOutput struct {
	Arn         string            `aws:"arn"`
	CreatedAt   time.Time         `aws:"createdAt,timestamp=iso8601"`
	Criteria    AllowListCriteria `aws:"criteria"`
	Description string            `aws:"description,omitempty"`
	ID          string            `aws:"id"`
	Name        string            `aws:"name"`
	Status      AllowListStatus   `aws:"status"`
	Tags        map[string]string `aws:"tags"`
	UpdatedAt   time.Time         `aws:"updatedAt,timestamp=iso8601"`
}

// compileAllowList reads an allow list as a job would use it; the status
// says why it cannot be used.
func (m *Service) compileAllowList(ctx context.Context, c *service.Call, r *allowListRecord) (*dataid.AllowList, AllowListStatus) {
	if r.Criteria.Regex != nil {
		a, err := dataid.NewRegexAllowList(r.Name, *r.Criteria.Regex)
		if err != nil {
			return nil, AllowListStatus{Code: "UNKNOWN_ERROR", Description: err.Error()}
		}
		return a, AllowListStatus{Code: "OK"}
	}
	w := r.Criteria.S3WordsList
	var obj *s3.ObjectInfo
	err := s3.WalkObjects(ctx, c.Deps.Store, w.BucketName, w.ObjectKey, func(o s3.ObjectInfo) error {
		if o.Key == w.ObjectKey {
			obj = &o
		}
		return nil
	})
	switch {
	case err != nil && !errors.Is(err, s3.ErrNoSuchBucket):
		return nil, AllowListStatus{Code: "UNKNOWN_ERROR", Description: err.Error()}
	case obj == nil:
		return nil, AllowListStatus{Code: "S3_OBJECT_NOT_FOUND", Description: "s3://" + w.BucketName + "/" + w.ObjectKey + " doesn't exist."}
	case obj.Size > MaxWordsListSize:
		return nil, AllowListStatus{Code: "S3_OBJECT_OVERSIZE", Description: "The object is larger than 35 MB."}
	case obj.Size == 0:
		return nil, AllowListStatus{Code: "S3_OBJECT_EMPTY", Description: "The object is empty."}
	}
	data, err := s3.NewReader(m.dataDir).Read(*obj)
	if err != nil {
		return nil, AllowListStatus{Code: "S3_OBJECT_NOT_FOUND", Description: err.Error()}
	}
	a, err := dataid.NewWordsAllowList(r.Name, string(data))
	if err != nil {
		return nil, AllowListStatus{Code: "UNKNOWN_ERROR", Description: err.Error()}
	}
	return a, AllowListStatus{Code: "OK"}
}

func (m *Service) getAllowList(ctx context.Context, c *service.Call, in *IDInput) (*GetAllowListOutput, error) {
	var r *allowListRecord
	err := c.Deps.Store.View(ctx, func(tx store.Tx) (err error) {
		if _, err := session(tx, c); err != nil {
			return err
		}
		r, err = loadAllowList(tx, c, in.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	_, status := m.compileAllowList(ctx, c, r)
	out := &GetAllowListOutput{Arn: r.Arn, CreatedAt: r.CreatedAt, Criteria: r.Criteria, Description: r.Description, ID: r.ID, Name: r.Name,
		Status: status, Tags: r.Tags, UpdatedAt: r.UpdatedAt}
	if out.Tags == nil {
		out.Tags = map[string]string{}
	}
	return out, nil
}

// ListAllowListsInput is ListAllowLists' request.
type ListAllowListsInput struct {
	MaxResults *int    `aws:"maxResults,location=querystring"`
	NextToken  *string `aws:"nextToken,location=querystring"`
}

// AllowListSummary is Macie's AllowListSummary.
type AllowListSummary struct {
	Arn         string    `aws:"arn"`
	CreatedAt   time.Time `aws:"createdAt,timestamp=iso8601"`
	Description string    `aws:"description,omitempty"`
	ID          string    `aws:"id"`
	Name        string    `aws:"name"`
	UpdatedAt   time.Time `aws:"updatedAt,timestamp=iso8601"`
}

// ListAllowListsOutput is its response.
type ListAllowListsOutput struct {
	AllowLists []AllowListSummary `aws:"allowLists"`
	NextToken  *string            `aws:"nextToken"`
}

func listAllowLists(ctx context.Context, c *service.Call, in *ListAllowListsInput) (*ListAllowListsOutput, error) {
	var all []AllowListSummary
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		if _, err := session(tx, c); err != nil {
			return err
		}
		return tx.Scan(TableAllowLists, scope(c)+"/", "", 0, func(_ string, raw []byte) error {
			var r allowListRecord
			if err := json.Unmarshal(raw, &r); err != nil {
				return err
			}
			all = append(all, AllowListSummary{Arn: r.Arn, CreatedAt: r.CreatedAt, Description: r.Description, ID: r.ID, Name: r.Name, UpdatedAt: r.UpdatedAt})
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(all, func(i, j int) bool {
		return all[i].CreatedAt.Before(all[j].CreatedAt) || all[i].CreatedAt.Equal(all[j].CreatedAt) && all[i].ID < all[j].ID
	})
	from, to, next, err := page(len(all), in.MaxResults, in.NextToken, 25, 25)
	if err != nil {
		return nil, err
	}
	return &ListAllowListsOutput{AllowLists: append([]AllowListSummary{}, all[from:to]...), NextToken: next}, nil
}

// UpdateAllowListInput is UpdateAllowList's request.
type UpdateAllowListInput struct {
	ID          string             `aws:"id,location=uri"`
	Criteria    *AllowListCriteria `aws:"criteria,required"`
	Description *string            `aws:"description"`
	Name        *string            `aws:"name,required"`
	resTagged
}

func updateAllowList(ctx context.Context, c *service.Call, in *UpdateAllowListInput) (*AllowListRef, error) {
	if err := checkAllowList(deref(in.Name), in.Description, in.Criteria); err != nil {
		return nil, err
	}
	var arn string
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		if _, err := session(tx, c); err != nil {
			return err
		}
		r, err := loadAllowList(tx, c, in.ID)
		if err != nil {
			return err
		}
		r.Name, r.Description, r.Criteria, r.UpdatedAt = deref(in.Name), deref(in.Description), *in.Criteria, c.Now.UTC()
		arn = r.Arn
		return putJSON(tx, TableAllowLists, key(c, in.ID), r)
	})
	if err != nil {
		return nil, err
	}
	return &AllowListRef{Arn: arn, ID: in.ID}, nil
}

// DeleteAllowListInput is DeleteAllowList's request.
type DeleteAllowListInput struct {
	ID              string  `aws:"id,location=uri"`
	IgnoreJobChecks *string `aws:"ignoreJobChecks,location=querystring"`
	resTagged
}

// deleteAllowList deletes a list; unless ignoreJobChecks is true, a list
// that a job which has not finished uses is refused (ValidationException,
// as the API reference describes).
func deleteAllowList(ctx context.Context, c *service.Call, in *DeleteAllowListInput) (*struct{}, error) {
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		if _, err := session(tx, c); err != nil {
			return err
		}
		if _, err := loadAllowList(tx, c, in.ID); err != nil {
			return err
		}
		if deref(in.IgnoreJobChecks) != "true" {
			var used string
			if err := tx.Scan(TableJobs, scope(c)+"/", "", 0, func(_ string, raw []byte) error {
				var j jobRecord
				if err := json.Unmarshal(raw, &j); err != nil {
					return err
				}
				for _, id := range j.AllowListIDs {
					if id == in.ID && j.Status != statusComplete && j.Status != statusCancelled {
						used = j.ID
					}
				}
				return nil
			}); err != nil {
				return err
			}
			if used != "" {
				return errValidation.New("The allow list %s is used by the job %s, which hasn't finished; set ignoreJobChecks to delete it anyway.", in.ID, used)
			}
		}
		return tx.Delete(TableAllowLists, key(c, in.ID))
	})
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}
