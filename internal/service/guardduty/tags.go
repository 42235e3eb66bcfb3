package guardduty

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"strings"

	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
)

// Tagging (TagResource, UntagResource, ListTagsForResource) of filters, the
// one GuardDuty resource moat stores tags for (CreateFilter's tags); other
// ARNs are refused with BadRequestException.

func tagOps() []*service.Operation {
	res := func(_ context.Context, _ *service.Call, arn string) (string, error) { return arn, nil }
	return []*service.Operation{
		service.Op("TagResource", "guardduty:TagResource", tagResource,
			service.Resource(func(ctx context.Context, c *service.Call, in *TagResourceInput) (string, error) {
				return res(ctx, c, in.ResourceArn)
			})),
		service.Op("UntagResource", "guardduty:UntagResource", untagResource,
			service.Resource(func(ctx context.Context, c *service.Call, in *UntagResourceInput) (string, error) {
				return res(ctx, c, in.ResourceArn)
			})),
		service.Op("ListTagsForResource", "guardduty:ListTagsForResource", listTags, service.ReadOnly[ResourceARNInput](),
			service.Resource(func(ctx context.Context, c *service.Call, in *ResourceARNInput) (string, error) {
				return res(ctx, c, in.ResourceArn)
			})),
	}
}

// TagResourceInput is GuardDuty's TagResource request.
type TagResourceInput struct {
	ResourceArn string            `aws:"resourceArn,location=uri"`
	Tags        map[string]string `aws:"tags"`
}

// UntagResourceInput is GuardDuty's UntagResource request.
type UntagResourceInput struct {
	ResourceArn string   `aws:"resourceArn,location=uri"`
	TagKeys     []string `aws:"tagKeys,location=querystring"`
}

// ResourceARNInput is ListTagsForResource's request.
type ResourceARNInput struct {
	ResourceArn string `aws:"resourceArn,location=uri"`
}

// ListTagsOutput is ListTagsForResource's response.
type ListTagsOutput struct {
	Tags map[string]string `aws:"tags"`
}

// withFilter loads the filter arn names (it must be the caller's, in the
// call's region, under its detector) and, for writes, stores what fn did.
func withFilter(tx store.Tx, c *service.Call, arn string, write bool, fn func(f *filterRecord) error) error {
	prefix := "arn:aws:guardduty:" + c.Region + ":" + c.Account() + ":detector/"
	rest, ok := strings.CutPrefix(arn, prefix)
	detector, name, ok2 := strings.Cut(rest, "/filter/")
	if !ok || !ok2 || detector == "" || name == "" {
		return badRequest.New("The request is rejected because the parameter resourceArn has an invalid value: moat tags filters (%s<detectorId>/filter/<name>).", prefix)
	}
	f, err := loadFilter(tx, c, detector, name)
	if err != nil {
		return err
	}
	if err := fn(f); err != nil || !write {
		return err
	}
	b, _ := json.Marshal(f)
	return tx.Put(TableFilters, filterKey(c.Account(), c.Region, f.Name), b)
}

func tagResource(ctx context.Context, c *service.Call, in *TagResourceInput) (*struct{}, error) {
	if len(in.Tags) == 0 {
		return nil, badRequest.New("The request is rejected because the parameter tags has an invalid value: at least one tag is required.")
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	return &struct{}{}, c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		return withFilter(tx, c, in.ResourceArn, true, func(f *filterRecord) error {
			merged := maps.Clone(f.Tags)
			if merged == nil {
				merged = map[string]string{}
			}
			maps.Copy(merged, in.Tags)
			if err := checkTags(merged); err != nil {
				return err
			}
			f.Tags = merged
			return nil
		})
	})
}

func untagResource(ctx context.Context, c *service.Call, in *UntagResourceInput) (*struct{}, error) {
	if len(in.TagKeys) == 0 {
		return nil, badRequest.New("The request is rejected because the parameter tagKeys has an invalid value: at least one key is required.")
	}
	return &struct{}{}, c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		return withFilter(tx, c, in.ResourceArn, true, func(f *filterRecord) error {
			for _, k := range in.TagKeys {
				delete(f.Tags, k)
			}
			return nil
		})
	})
}

func listTags(ctx context.Context, c *service.Call, in *ResourceARNInput) (*ListTagsOutput, error) {
	out := &ListTagsOutput{Tags: map[string]string{}}
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		return withFilter(tx, c, in.ResourceArn, false, func(f *filterRecord) error {
			maps.Copy(out.Tags, f.Tags)
			return nil
		})
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, noSuchFilter(in.ResourceArn)
	}
	return out, err
}
