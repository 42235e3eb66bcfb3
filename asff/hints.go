package asff

import "slices"

// IndexHint tells a store how to narrow a query with an index: every finding
// the filter matches has, for Attribute, a value equal to one of Equals or
// starting with one of Prefixes. Hints come only from string attributes
// whose positive comparisons are all EQUALS or PREFIX (CONTAINS cannot use an
// ordered index); the filter must still be applied to the candidates, since
// the hint ignores every other condition.
type IndexHint struct {
	Attribute string
	Equals    []string
	Prefixes  []string
}

// IndexHints returns one hint per attribute that can drive an index lookup,
// sorted by attribute name. A store picks the one its indexes serve best
// (SeverityLabel, WorkflowStatus, ResourceId, ComplianceStatus ... are the
// usual candidates).
func (c *Filter) IndexHints() []IndexHint {
	if c == nil {
		return nil
	}
	var out []IndexHint
	for _, p := range c.preds {
		m, ok := p.(*strMatcher)
		if !ok || len(m.pos) == 0 {
			continue
		}
		h := IndexHint{Attribute: m.fd.name}
		usable := true
		for _, cmp := range m.pos {
			switch cmp.op {
			case opEquals:
				h.Equals = append(h.Equals, cmp.value)
			case opPrefix:
				h.Prefixes = append(h.Prefixes, cmp.value)
			default:
				usable = false
			}
		}
		if usable {
			out = append(out, h)
		}
	}
	slices.SortFunc(out, func(a, b IndexHint) int {
		switch {
		case a.Attribute < b.Attribute:
			return -1
		case a.Attribute > b.Attribute:
			return 1
		}
		return 0
	})
	return out
}

// Attribute reads a string attribute of a finding by its filter name
// (ResourceId, SeverityLabel ...), for building index keys: every value the
// finding has for it. It returns false for unknown or non-string attributes.
func Attribute(f *Finding, name string) ([]string, bool) {
	fd, ok := fields[name]
	if !ok || (fd.kind != kindString && fd.kind != kindDate && fd.kind != kindIP) {
		return nil, false
	}
	n := fd.n(f)
	out := make([]string, 0, n)
	for i := 0; i < n; i++ {
		if s, ok := fd.str(f, i); ok {
			out = append(out, s)
		}
	}
	return out, true
}
