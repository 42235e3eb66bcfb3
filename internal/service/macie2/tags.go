package macie2

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
)

// Tagging (TagResource, UntagResource, ListTagsForResource) of
// classification jobs, custom data identifiers and allow lists, the
// resources moat keeps that Macie tags. Terraform reads tags this way.

func tagOps() []*service.Operation {
	return []*service.Operation{
		service.Op("TagResource", "macie2:TagResource", tagResource,
			onARN(func(_ *service.Call, in *TagResourceInput) string { return in.ResourceArn }),
			tagging(func(in *TagResourceInput) map[string]string { return in.Tags }, false)),
		service.Op("UntagResource", "macie2:UntagResource", untagResource,
			onARN(func(_ *service.Call, in *UntagResourceInput) string { return in.ResourceArn })),
		service.Op("ListTagsForResource", "macie2:ListTagsForResource", listTags, service.ReadOnly[ResourceArnInput](),
			onARN(func(_ *service.Call, in *ResourceArnInput) string { return in.ResourceArn })),
	}
}

// resTagged, embedded in the input of a call on an existing resource,
// carries that resource's tags from the Resource func (which may read the
// store) to the condition keys aws:ResourceTag/KEY.
type resTagged struct{ resTags map[string]string }

func (r *resTagged) setResourceTags(m map[string]string) { r.resTags = m }
func (r *resTagged) resourceTags() map[string]string     { return r.resTags }

// onResource declares the ARN a call acts on (kind/id of the caller's
// account and region) and reads the resource's tags for aws:ResourceTag.
func onResource[In any](kind string, id func(*In) string) service.OpOption[In] {
	return onARN(func(c *service.Call, in *In) string { return arnOf(c, kind, id(in)) })
}

// onARN is onResource for calls that name the ARN themselves.
func onARN[In any](arn func(*service.Call, *In) string) service.OpOption[In] {
	res := service.Resource(func(ctx context.Context, c *service.Call, in *In) (string, error) {
		a := arn(c, in)
		if rt, ok := any(in).(interface{ setResourceTags(map[string]string) }); ok {
			tags, _ := viewTags(ctx, c, a)
			rt.setResourceTags(tags)
		}
		return a, nil
	})
	return func(o *service.Operation) {
		res(o)
		prev := o.Context
		o.Context = func(in any, set func(k, v string)) {
			if prev != nil {
				prev(in, set)
			}
			if rt, ok := in.(interface{ resourceTags() map[string]string }); ok {
				for k, v := range rt.resourceTags() {
					set("aws:ResourceTag/"+k, v)
				}
			}
		}
	}
}

// tagging marks an operation that puts tags: their aws:RequestTag/KEY
// condition keys (the server adds aws:TagKeys), and macie2:TagResource as a
// further action when tags are given, as the Service Authorization
// Reference maps CreateClassificationJob, CreateCustomDataIdentifier,
// CreateAllowList and CreateFindingsFilter.
func tagging[In any](get func(*In) map[string]string, extra bool) service.OpOption[In] {
	return func(o *service.Operation) {
		prev := o.Context
		o.Context = func(in any, set func(k, v string)) {
			if prev != nil {
				prev(in, set)
			}
			for k, v := range get(in.(*In)) {
				set("aws:RequestTag/"+k, v)
			}
		}
		if extra {
			o.ExtraActions = func(in any) []string {
				if len(get(in.(*In))) > 0 {
					return []string{"macie2:TagResource"}
				}
				return nil
			}
		}
	}
}

// TagResourceInput is TagResource's request.
type TagResourceInput struct {
	ResourceArn string            `aws:"resourceArn,location=uri"`
	Tags        map[string]string `aws:"tags,required"`
	resTagged
}

// UntagResourceInput is UntagResource's request.
type UntagResourceInput struct {
	ResourceArn string   `aws:"resourceArn,location=uri"`
	TagKeys     []string `aws:"tagKeys,location=querystring"`
	resTagged
}

// ResourceArnInput is ListTagsForResource's request.
type ResourceArnInput struct {
	ResourceArn string `aws:"resourceArn,location=uri"`
	resTagged
}

// ListTagsOutput is ListTagsForResource's response.
type ListTagsOutput struct {
	Tags map[string]string `aws:"tags"`
}

// tagTable finds the table and key of a taggable resource of the caller.
func tagTable(c *service.Call, arn string) (table, k string, err error) {
	prefix := "arn:aws:macie2:" + c.Region + ":" + c.Account() + ":"
	rest, ok := strings.CutPrefix(arn, prefix)
	kind, id, _ := strings.Cut(rest, "/")
	if ok && id != "" && !strings.Contains(id, "/") {
		switch kind {
		case "classification-job":
			return TableJobs, key(c, id), nil
		case "custom-data-identifier":
			return TableCDIs, key(c, id), nil
		case "allow-list":
			return TableAllowLists, key(c, id), nil
		case "findings-filter":
			return TableFilters, key(c, id), nil
		}
	}
	return "", "", errNotFound.New("The resource %s doesn't exist.", arn)
}

// editTags applies fn to a resource's stored tags in one transaction.
func editTags(ctx context.Context, c *service.Call, arn string, fn func(map[string]string) error) (map[string]string, error) {
	table, k, err := tagTable(c, arn)
	if err != nil {
		return nil, err
	}
	var tags map[string]string
	err = c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		if _, err := session(tx, c); err != nil {
			return err
		}
		raw, err := tx.Get(table, k)
		if errors.Is(err, store.ErrNotFound) {
			return errNotFound.New("The resource %s doesn't exist.", arn)
		}
		if err != nil {
			return err
		}
		var doc map[string]json.RawMessage
		if err := json.Unmarshal(raw, &doc); err != nil {
			return err
		}
		if d, ok := doc["deleted"]; ok && string(d) == "true" {
			return errNotFound.New("The resource %s doesn't exist.", arn)
		}
		tags = map[string]string{}
		if t, ok := doc["tags"]; ok {
			if err := json.Unmarshal(t, &tags); err != nil {
				return err
			}
		}
		if err := fn(tags); err != nil {
			return err
		}
		b, _ := json.Marshal(tags)
		doc["tags"] = b
		out, _ := json.Marshal(doc)
		return tx.Put(table, k, out)
	})
	return tags, err
}

func checkTags(tags map[string]string) error {
	if len(tags) > 50 {
		return errValidation.New("tags: at most 50 tags are allowed")
	}
	for k, v := range tags {
		if n := utf8.RuneCountInString(k); n < 1 || n > 128 || strings.HasPrefix(strings.ToLower(k), "aws:") {
			return errValidation.New("tags: the key %q must have 1-128 characters and not start with aws:", k)
		}
		if utf8.RuneCountInString(v) > 256 {
			return errValidation.New("tags: the value of %q has more than 256 characters", k)
		}
	}
	return nil
}

func tagResource(ctx context.Context, c *service.Call, in *TagResourceInput) (*struct{}, error) {
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	_, err := editTags(ctx, c, in.ResourceArn, func(tags map[string]string) error {
		for k, v := range in.Tags {
			tags[k] = v
		}
		return checkTags(tags)
	})
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

func untagResource(ctx context.Context, c *service.Call, in *UntagResourceInput) (*struct{}, error) {
	if len(in.TagKeys) == 0 {
		return nil, errValidation.New("tagKeys: at least one key is required")
	}
	_, err := editTags(ctx, c, in.ResourceArn, func(tags map[string]string) error {
		for _, k := range in.TagKeys {
			delete(tags, k)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

func listTags(ctx context.Context, c *service.Call, in *ResourceArnInput) (*ListTagsOutput, error) {
	tags, err := viewTags(ctx, c, in.ResourceArn)
	if err != nil {
		return nil, err
	}
	return &ListTagsOutput{Tags: tags}, nil
}

func viewTags(ctx context.Context, c *service.Call, arn string) (map[string]string, error) {
	table, k, err := tagTable(c, arn)
	if err != nil {
		return nil, err
	}
	tags := map[string]string{}
	err = c.Deps.Store.View(ctx, func(tx store.Tx) error {
		if _, err := session(tx, c); err != nil {
			return err
		}
		var doc struct {
			Deleted bool              `json:"deleted"`
			Tags    map[string]string `json:"tags"`
		}
		if err := getJSON(tx, table, k, &doc); errors.Is(err, store.ErrNotFound) || doc.Deleted {
			return errNotFound.New("The resource %s doesn't exist.", arn)
		} else if err != nil {
			return err
		}
		for k, v := range doc.Tags {
			tags[k] = v
		}
		return nil
	})
	return tags, err
}
