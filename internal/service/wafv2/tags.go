package wafv2

import (
	"context"

	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
)

// TagResourceInput is WAFV2's TagResource request.
type TagResourceInput struct {
	ResourceARN string `aws:",required"`
	Tags        []Tag  `aws:",required"`
}

// UntagResourceInput is WAFV2's UntagResource request.
type UntagResourceInput struct {
	ResourceARN string   `aws:",required"`
	TagKeys     []string `aws:",required"`
}

// retag changes the tags of a web ACL, IP set, regex pattern set or rule
// group in one transaction; the lock token does not change, as in AWS.
func retag(ctx context.Context, c *service.Call, arn string, change func([]Tag) ([]Tag, error)) error {
	return c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		e, err := loadARN(tx, c, arn)
		if err != nil {
			return err
		}
		tags, err := change(e.Tags)
		if err != nil {
			return err
		}
		e.Tags = tags
		return save(tx, c, e, false)
	})
}

func tagResource(ctx context.Context, c *service.Call, in *TagResourceInput) (*struct{}, error) {
	err := retag(ctx, c, in.ResourceARN, func(old []Tag) ([]Tag, error) {
		out := append([]Tag(nil), old...)
		for _, t := range in.Tags {
			replaced := false
			for i := range out {
				if out[i].Key == t.Key {
					out[i].Value, replaced = t.Value, true
				}
			}
			if !replaced {
				out = append(out, t)
			}
		}
		return out, checkTags(out)
	})
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

func untagResource(ctx context.Context, c *service.Call, in *UntagResourceInput) (*struct{}, error) {
	drop := map[string]bool{}
	for _, k := range in.TagKeys {
		drop[k] = true
	}
	err := retag(ctx, c, in.ResourceARN, func(old []Tag) ([]Tag, error) {
		var out []Tag
		for _, t := range old {
			if !drop[t.Key] {
				out = append(out, t)
			}
		}
		return out, nil
	})
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

// ListTagsForResourceInput is WAFV2's ListTagsForResource request.
type ListTagsForResourceInput struct {
	ResourceARN string `aws:",required"`
	NextMarker  *string
	Limit       *int32
}

// TagInfoForResource is WAFV2's TagInfoForResource.
type TagInfoForResource struct {
	ResourceARN string
	TagList     []Tag
}

// ListTagsForResourceOutput is WAFV2's ListTagsForResource response.
type ListTagsForResourceOutput struct {
	NextMarker         *string
	TagInfoForResource *TagInfoForResource
}

func listTags(ctx context.Context, c *service.Call, in *ListTagsForResourceInput) (*ListTagsForResourceOutput, error) {
	var e *entity
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		var err error
		e, err = loadARN(tx, c, in.ResourceARN)
		return err
	})
	if err != nil {
		return nil, err
	}
	tags := append([]Tag{}, e.Tags...)
	return &ListTagsForResourceOutput{TagInfoForResource: &TagInfoForResource{ResourceARN: e.ARN, TagList: tags}}, nil
}
