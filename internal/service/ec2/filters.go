package ec2

import (
	"context"
	"encoding/base64"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/service"
)

// Filter is EC2's Filter (Filter.N.Name, Filter.N.Value.M).
type Filter struct {
	Name   string
	Values []string `aws:"Value"`
}

// Tag is EC2's Tag.
type Tag struct {
	Key   string `aws:"key"`
	Value string `aws:"value"`
}

// TagIn is a tag in a request (Key, Value).
type TagIn struct {
	Key   string
	Value *string
}

// TagSpecification is EC2's TagSpecification (TagSpecification.N.ResourceType,
// TagSpecification.N.Tag.M.Key/Value).
type TagSpecification struct {
	ResourceType string
	Tags         []TagIn `aws:"Tag"`
}

// attrs are a resource's filterable attributes by filter name.
type attrs map[string][]string

// filterSet is the Filters of one Describe call, checked once.
type filterSet []Filter

// newFilters checks filter names against those the call knows (plus tag:KEY,
// tag-key and tag-value, which every resource has).
func newFilters(fs []Filter, known ...string) (filterSet, error) {
	for _, f := range fs {
		if strings.HasPrefix(f.Name, "tag:") || f.Name == "tag-key" || f.Name == "tag-value" || slices.Contains(known, f.Name) {
			continue
		}
		return nil, invalidParamValue.New("The filter '%s' is invalid", f.Name)
	}
	return fs, nil
}

// match reports whether a resource with these attributes and tags passes
// every filter (values of one filter are ORed, filters ANDed; values may use
// the * and ? wildcards).
func (fs filterSet) match(a attrs, tags map[string]string) bool {
	for _, f := range fs {
		var have []string
		switch {
		case strings.HasPrefix(f.Name, "tag:"):
			if v, ok := tags[f.Name[4:]]; ok {
				have = []string{v}
			}
		case f.Name == "tag-key":
			for k := range tags {
				have = append(have, k)
			}
		case f.Name == "tag-value":
			for _, v := range tags {
				have = append(have, v)
			}
		default:
			have = a[f.Name]
		}
		ok := false
		for _, want := range f.Values {
			for _, h := range have {
				if glob(want, h) {
					ok = true
				}
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// glob matches s against a pattern with * (any run) and ? (one character).
func glob(pattern, s string) bool {
	if !strings.ContainsAny(pattern, "*?") {
		return pattern == s
	}
	p, t := 0, 0
	star, mark := -1, 0
	for t < len(s) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, t
			p++
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[t]):
			p++
			t++
		case star >= 0:
			p = star + 1
			mark++
			t = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// tagSet renders a resource's tags (sorted by key); nil when it has none.
func (st *state) tagSet(id string) []Tag {
	m := st.Tags[id]
	if len(m) == 0 {
		return nil
	}
	out := make([]Tag, 0, len(m))
	for k, v := range m {
		out = append(out, Tag{k, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// applyTagSpecs tags a new resource with the specifications naming its
// type (InvalidParameterValue for a type the call does not create).
func (st *state) applyTagSpecs(id, resourceType string, specs []TagSpecification) error {
	for _, s := range specs {
		if s.ResourceType != resourceType {
			return invalidParamValue.New("'%s' is not a valid taggable resource type for this operation.", s.ResourceType)
		}
		if err := st.tag(id, s.Tags); err != nil {
			return err
		}
	}
	return nil
}

func (st *state) tag(id string, tags []TagIn) error {
	for _, t := range tags {
		if t.Key == "" || len(t.Key) > 127 || strings.HasPrefix(strings.ToLower(t.Key), "aws:") {
			return invalidParamValue.New("Tag key '%s' is invalid: it must be 1-127 characters and may not start with aws:", t.Key)
		}
		v := ""
		if t.Value != nil {
			v = *t.Value
		}
		if len(v) > 255 {
			return invalidParamValue.New("Tag value for key '%s' is longer than 255 characters", t.Key)
		}
		if st.Tags[id] == nil {
			st.Tags[id] = map[string]string{}
		}
		st.Tags[id][t.Key] = v
	}
	if len(st.Tags[id]) > 50 {
		return tagLimitExceeded.New("The maximum number of tags per resource (50) has been reached for %s", id)
	}
	return nil
}

// exists reports whether a resource ID names something in the model.
func (st *state) exists(id string) bool {
	n := st.Net
	switch idPrefix(id) {
	case "vpc":
		return n.VPCs[id] != nil
	case "subnet":
		return n.Subnets[id] != nil
	case "igw":
		return n.InternetGateways[id] != nil
	case "rtb":
		return n.RouteTables[id] != nil
	case "sg":
		return n.SecurityGroups[id] != nil
	case "acl":
		return n.NetworkACLs[id] != nil
	case "eni":
		return n.Interfaces[id] != nil
	case "i":
		return n.Instances[id] != nil
	case "nat":
		return n.NATGateways[id] != nil
	case "pcx":
		return n.Peerings[id] != nil
	case "eipalloc":
		return n.Addresses[id] != nil
	case "nip":
		return st.Paths[id] != nil
	case "nia":
		return st.Analyses[id] != nil
	case "pl":
		return st.Net.PrefixLists[id] != nil
	case "sgr":
		for _, g := range n.SecurityGroups {
			for _, r := range append(slices.Clone(g.Ingress), g.Egress...) {
				if r.SecurityGroupRuleId == id {
					return true
				}
			}
		}
	}
	return false
}

// forget drops what the API keeps about a deleted resource.
func (st *state) forget(id string) {
	delete(st.Tags, id)
	delete(st.Created, id)
}

// --- CreateTags, DeleteTags, DescribeTags ---

// CreateTagsInput is CreateTags' input.
type CreateTagsInput struct {
	common
	Resources []string `aws:"ResourceId,required"`
	Tags      []TagIn  `aws:"Tag,required"`
}

// ReturnOutput is the output of calls that answer <return>true</return>.
type ReturnOutput struct {
	Return bool `aws:"return"`
}

var ok = &ReturnOutput{Return: true}

func createTags(ctx context.Context, c *service.Call, in *CreateTagsInput) (*ReturnOutput, error) {
	return ok, update(ctx, c, func(st *state) error {
		for _, id := range in.Resources {
			if !st.exists(id) {
				return invalidID.New("The ID '%s' is not valid", id)
			}
			if err := st.tag(id, in.Tags); err != nil {
				return err
			}
		}
		return nil
	})
}

// DeleteTagsInput is DeleteTags' input.
type DeleteTagsInput struct {
	common
	Resources []string `aws:"ResourceId,required"`
	Tags      []TagIn  `aws:"Tag"`
}

func deleteTags(ctx context.Context, c *service.Call, in *DeleteTagsInput) (*ReturnOutput, error) {
	return ok, update(ctx, c, func(st *state) error {
		for _, id := range in.Resources {
			if !st.exists(id) {
				return invalidID.New("The ID '%s' is not valid", id)
			}
			m := st.Tags[id]
			if len(in.Tags) == 0 {
				delete(st.Tags, id)
				continue
			}
			for _, t := range in.Tags {
				// A tag named with a value is deleted only when the value matches.
				if v, has := m[t.Key]; has && (t.Value == nil || *t.Value == v) {
					delete(m, t.Key)
				}
			}
		}
		return nil
	})
}

// DescribeTagsInput is DescribeTags' input.
type DescribeTagsInput struct {
	common
	Filters    []Filter `aws:"Filter"`
	MaxResults *int32
	NextToken  *string
}

// TagDescription is EC2's TagDescription.
type TagDescription struct {
	Key          string `aws:"key"`
	ResourceID   string `aws:"resourceId"`
	ResourceType string `aws:"resourceType"`
	Value        string `aws:"value"`
}

// DescribeTagsOutput is DescribeTags' output.
type DescribeTagsOutput struct {
	Tags      []TagDescription `aws:"tagSet"`
	NextToken *string          `aws:"nextToken"`
}

func describeTags(ctx context.Context, c *service.Call, in *DescribeTagsInput) (*DescribeTagsOutput, error) {
	fs, err := newFilters(in.Filters, "key", "resource-id", "resource-type", "value")
	if err != nil {
		return nil, err
	}
	out := &DescribeTagsOutput{Tags: []TagDescription{}}
	err = view(ctx, c, func(st *state) error {
		for id, m := range st.Tags {
			rt := resourceTypes[idPrefix(id)][1]
			for k, v := range m {
				if fs.match(attrs{"key": {k}, "value": {v}, "resource-id": {id}, "resource-type": {rt}}, m) {
					out.Tags = append(out.Tags, TagDescription{Key: k, Value: v, ResourceID: id, ResourceType: rt})
				}
			}
		}
		return nil
	})
	sort.Slice(out.Tags, func(i, j int) bool {
		a, b := out.Tags[i], out.Tags[j]
		if a.ResourceID != b.ResourceID {
			return a.ResourceID < b.ResourceID
		}
		return a.Key < b.Key
	})
	if err != nil {
		return nil, err
	}
	out.Tags, out.NextToken, err = paginate(out.Tags, in.MaxResults, in.NextToken, false)
	return out, err
}

func tagOps() []*service.Operation {
	return []*service.Operation{
		op("CreateTags", createTags, func(c *service.Call, in *CreateTagsInput) string { return arnOfID(c, one(in.Resources)) }),
		op("DeleteTags", deleteTags, func(c *service.Call, in *DeleteTagsInput) string { return arnOfID(c, one(in.Resources)) }),
		op("DescribeTags", describeTags, nil, ro[DescribeTagsInput]()),
	}
}

var invalidPaginationToken = awserr.Def{Code: "InvalidPaginationToken", Status: 400}

// paginate cuts a Describe call's full answer into pages of MaxResults
// (5–1000; all when absent). The token is the offset of the next page,
// opaque to callers; a page is computed on the snapshot of its own call.
// EC2 refuses MaxResults together with IDs.
func paginate[T any](items []T, maxResults *int32, token *string, hasIDs bool) ([]T, *string, error) {
	if maxResults == nil && token == nil {
		return items, nil, nil
	}
	if hasIDs && maxResults != nil {
		return nil, nil, invalidParamCombo.New("The parameter MaxResults cannot be used with the parameter of resource IDs")
	}
	start := 0
	if token != nil && *token != "" {
		b, err := base64.RawURLEncoding.DecodeString(*token)
		n, err2 := strconv.Atoi(strings.TrimPrefix(string(b), "moat:"))
		if err != nil || err2 != nil || !strings.HasPrefix(string(b), "moat:") || n < 0 {
			return nil, nil, invalidPaginationToken.New("Invalid pagination token: %s", *token)
		}
		start = min(n, len(items))
	}
	size := len(items) - start
	if maxResults != nil {
		if *maxResults < 5 || *maxResults > 1000 {
			return nil, nil, invalidParamValue.New("Value (%d) for parameter maxResults is invalid. Expecting a value between 5 and 1000.", *maxResults)
		}
		size = min(size, int(*maxResults))
	}
	page := items[start : start+size]
	if start+size < len(items) {
		next := base64.RawURLEncoding.EncodeToString([]byte("moat:" + strconv.Itoa(start+size)))
		return page, &next, nil
	}
	return page, nil, nil
}
