package asff

import (
	"cmp"
	"fmt"
	"slices"
)

// InsightResultValue is one group of GetInsightResults.
type InsightResultValue struct {
	GroupByAttributeValue string `json:"GroupByAttributeValue"`
	Count                 int    `json:"Count"`
}

// MaxInsightResults is how many groups GetInsightResults returns
// [unverified: AWS documents a top-100 view in the console; moat applies it
// to the API too].
const MaxInsightResults = 100

// Grouper counts findings per value of a GroupByAttribute. It is not safe for
// concurrent use; build one per GetInsightResults call.
type Grouper struct {
	fd     *field
	counts map[string]int
}

// NewGrouper checks the GroupByAttribute: any string attribute of
// AwsSecurityFindingFilters (AWS's examples: ResourceId, ResourceType,
// SeverityLabel, ProductName, AwsAccountId, ComplianceSecurityControlId).
func NewGrouper(attr string) (*Grouper, error) {
	fd, ok := fields[attr]
	if !ok {
		return nil, fmt.Errorf("GroupByAttribute %q: unknown finding attribute%s", attr, suggestField(attr))
	}
	if fd.kind != kindString {
		return nil, fmt.Errorf("GroupByAttribute %q: only string attributes can group findings, this is a %s attribute", attr, fd.kind)
	}
	return &Grouper{fd: fd, counts: map[string]int{}}, nil
}

// Add counts a finding once under each distinct value it has for the
// attribute (a finding with two resources counts under both ResourceIds);
// findings without the attribute are not counted [inferred].
func (g *Grouper) Add(f *Finding) {
	n := g.fd.n(f)
	for i := 0; i < n; i++ {
		s, ok := g.fd.str(f, i)
		if !ok || seenBefore(g.fd, f, i, s) {
			continue
		}
		g.counts[s]++
	}
}

func seenBefore(fd *field, f *Finding, i int, s string) bool {
	for j := 0; j < i; j++ {
		if t, ok := fd.str(f, j); ok && t == s {
			return true
		}
	}
	return false
}

// Results returns the groups by descending count, ties by value, at most
// MaxInsightResults.
func (g *Grouper) Results() []InsightResultValue {
	out := make([]InsightResultValue, 0, len(g.counts))
	for v, c := range g.counts {
		out = append(out, InsightResultValue{GroupByAttributeValue: v, Count: c})
	}
	slices.SortFunc(out, func(a, b InsightResultValue) int {
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		return cmp.Compare(a.GroupByAttributeValue, b.GroupByAttributeValue)
	})
	if len(out) > MaxInsightResults {
		out = out[:MaxInsightResults]
	}
	return out
}

// GroupBy is GetInsightResults over a slice: the findings that match filter,
// grouped by attr.
func GroupBy(findings []*Finding, filter *Filter, attr string) ([]InsightResultValue, error) {
	g, err := NewGrouper(attr)
	if err != nil {
		return nil, err
	}
	for _, f := range findings {
		if filter.Match(f) {
			g.Add(f)
		}
	}
	return g.Results(), nil
}
