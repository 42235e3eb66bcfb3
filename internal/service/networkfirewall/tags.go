package networkfirewall

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
)

func tagOps() []*service.Operation {
	return []*service.Operation{
		service.Op("TagResource", "network-firewall:TagResource", tagResource,
			service.Resource(func(_ context.Context, _ *service.Call, in *TagResourceInput) (string, error) {
				return in.ResourceArn, nil
			})),
		service.Op("UntagResource", "network-firewall:UntagResource", untagResource,
			service.Resource(func(_ context.Context, _ *service.Call, in *UntagResourceInput) (string, error) {
				return in.ResourceArn, nil
			})),
		service.Op("ListTagsForResource", "network-firewall:ListTagsForResource", listTags, service.ReadOnly[ListTagsForResourceInput](),
			service.Resource(func(_ context.Context, _ *service.Call, in *ListTagsForResourceInput) (string, error) {
				return in.ResourceArn, nil
			})),
	}
}

// taggable finds the stored record an ARN names: its table and key.
func taggable(tx store.Tx, c *service.Call, arn string) (string, string, error) {
	p, ok := parseARN(arn)
	if !ok {
		return "", "", invalidRequest.New("ResourceArn: %q is not a Network Firewall ARN", arn)
	}
	var table, key string
	switch p.Kind {
	case "firewall":
		table, key = TableFirewalls, firewallKey(c, p.Name)
	case "firewall-policy":
		table, key = TablePolicies, policyKey(c, p.Name)
	case "stateful-rulegroup":
		table, key = TableRuleGroups, groupKey(c, "STATEFUL", p.Name)
	case "stateless-rulegroup":
		table, key = TableRuleGroups, groupKey(c, "STATELESS", p.Name)
	default:
		return "", "", invalidRequest.New("ResourceArn: %q is not a firewall, firewall policy or rule group ARN", arn)
	}
	if p.Account != c.Account() || p.Region != c.Region {
		return "", "", notFound.New("Resource %s not found", arn)
	}
	if _, err := tx.Get(table, key); errors.Is(err, store.ErrNotFound) {
		return "", "", notFound.New("Resource %s not found", arn)
	} else if err != nil {
		return "", "", err
	}
	return table, key, nil
}

// withTags reads the record's Tags, lets change rewrite them, and stores
// the record back with every other member as it was.
func withTags(tx store.Tx, table, key string, change func([]Tag) ([]Tag, error)) ([]Tag, error) {
	b, err := tx.Get(table, key)
	if err != nil {
		return nil, err
	}
	var rec map[string]json.RawMessage
	if err := json.Unmarshal(b, &rec); err != nil {
		return nil, err
	}
	var tags []Tag
	if raw, ok := rec["Tags"]; ok {
		if err := json.Unmarshal(raw, &tags); err != nil {
			return nil, err
		}
	}
	if change == nil {
		return tags, nil
	}
	if tags, err = change(tags); err != nil {
		return nil, err
	}
	if rec["Tags"], err = json.Marshal(tags); err != nil {
		return nil, err
	}
	return tags, putJSON(tx, table, key, rec)
}

// TagResourceInput is the TagResource request.
type TagResourceInput struct {
	ResourceArn string `aws:",required"`
	Tags        []Tag  `aws:",required"`
}

func tagResource(ctx context.Context, c *service.Call, in *TagResourceInput) (*struct{}, error) {
	if len(in.Tags) == 0 {
		return nil, invalidRequest.New("Tags: at least one tag is required")
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	return &struct{}{}, c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		table, key, err := taggable(tx, c, in.ResourceArn)
		if err != nil {
			return err
		}
		_, err = withTags(tx, table, key, func(tags []Tag) ([]Tag, error) {
			for _, t := range in.Tags {
				replaced := false
				for i := range tags {
					if tags[i].Key == t.Key {
						tags[i].Value, replaced = t.Value, true
					}
				}
				if !replaced {
					tags = append(tags, t)
				}
			}
			if len(tags) > 200 {
				return nil, invalidRequest.New("Tags: a resource has at most 200 tags")
			}
			return tags, nil
		})
		return err
	})
}

// UntagResourceInput is the UntagResource request.
type UntagResourceInput struct {
	ResourceArn string   `aws:",required"`
	TagKeys     []string `aws:",required"`
}

func untagResource(ctx context.Context, c *service.Call, in *UntagResourceInput) (*struct{}, error) {
	if len(in.TagKeys) == 0 {
		return nil, invalidRequest.New("TagKeys: at least one key is required")
	}
	drop := map[string]bool{}
	for _, k := range in.TagKeys {
		drop[k] = true
	}
	return &struct{}{}, c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		table, key, err := taggable(tx, c, in.ResourceArn)
		if err != nil {
			return err
		}
		_, err = withTags(tx, table, key, func(tags []Tag) ([]Tag, error) {
			kept := []Tag{}
			for _, t := range tags {
				if !drop[t.Key] {
					kept = append(kept, t)
				}
			}
			return kept, nil
		})
		return err
	})
}

// ListTagsForResourceInput is the ListTagsForResource request.
type ListTagsForResourceInput struct {
	NextToken   *string
	MaxResults  *int32
	ResourceArn string `aws:",required"`
}

// ListTagsForResourceOutput is its response (every tag on one page: a
// resource has at most 200).
type ListTagsForResourceOutput struct {
	NextToken *string
	Tags      []Tag
}

func listTags(ctx context.Context, c *service.Call, in *ListTagsForResourceInput) (*ListTagsForResourceOutput, error) {
	if in.MaxResults != nil && (*in.MaxResults < 0 || *in.MaxResults > 100) {
		return nil, invalidRequest.New("MaxResults: %d is outside 0-100", *in.MaxResults)
	}
	out := &ListTagsForResourceOutput{Tags: []Tag{}}
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		table, key, err := taggable(tx, c, in.ResourceArn)
		if err != nil {
			return err
		}
		tags, err := withTags(tx, table, key, nil)
		if tags != nil {
			out.Tags = tags
		}
		return err
	})
	return out, err
}
