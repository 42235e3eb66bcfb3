package asff

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// SortCriterion is AWS's SortCriterion: a finding attribute (a filter
// attribute name such as "SeverityLabel" or "UpdatedAt") and asc or desc.
type SortCriterion struct {
	Field     string `json:"Field"`
	SortOrder string `json:"SortOrder,omitempty"`
}

// Sorter orders findings by SortCriteria; immutable, safe for concurrent use.
type Sorter struct {
	keys []sortKey
}

type sortKey struct {
	fd   *field
	desc bool
}

// CompileSort checks SortCriteria. The field must be a string, number or
// date attribute; SortOrder is "asc" (the default) or "desc" [doc: SDK
// types.SortOrder]. Sorting by SeverityLabel follows severity
// (INFORMATIONAL < LOW < MEDIUM < HIGH < CRITICAL), not the alphabet
// [inferred]. Ties keep the earlier criteria's order, then Id.
func CompileSort(criteria []SortCriterion) (*Sorter, error) {
	s := &Sorter{}
	for i, c := range criteria {
		fd, ok := fields[c.Field]
		if !ok {
			return nil, fmt.Errorf("SortCriteria[%d].Field %q: unknown finding attribute%s", i, c.Field, suggestField(c.Field))
		}
		if fd.kind != kindString && fd.kind != kindNumber && fd.kind != kindDate && fd.kind != kindIP {
			return nil, fmt.Errorf("SortCriteria[%d].Field %q: cannot sort by a %s attribute", i, c.Field, fd.kind)
		}
		switch strings.ToLower(c.SortOrder) {
		case "", "asc":
			s.keys = append(s.keys, sortKey{fd: fd})
		case "desc":
			s.keys = append(s.keys, sortKey{fd: fd, desc: true})
		default:
			return nil, fmt.Errorf("SortCriteria[%d].SortOrder %q: expected asc or desc", i, c.SortOrder)
		}
	}
	return s, nil
}

// Compare orders a before b (-1), after (+1) or equal (0). Findings without
// the attribute sort last in either order [inferred].
func (s *Sorter) Compare(a, b *Finding) int {
	for _, k := range s.keys {
		if c := compareKey(k, a, b); c != 0 {
			return c
		}
	}
	return strings.Compare(a.Id, b.Id)
}

// Sort sorts findings in place, stably.
func (s *Sorter) Sort(findings []*Finding) {
	slices.SortStableFunc(findings, s.Compare)
}

func compareKey(k sortKey, a, b *Finding) int {
	var c int
	var okA, okB bool
	switch k.fd.kind {
	case kindNumber:
		var x, y float64
		x, okA = firstNum(k.fd, a)
		y, okB = firstNum(k.fd, b)
		c = cmp.Compare(x, y)
	case kindDate:
		var x, y time.Time
		x, okA = firstTime(k.fd, a)
		y, okB = firstTime(k.fd, b)
		c = x.Compare(y)
	default:
		var x, y string
		x, okA = firstStr(k.fd, a)
		y, okB = firstStr(k.fd, b)
		if k.fd.name == "SeverityLabel" || k.fd.name == "FindingProviderFieldsSeverityLabel" {
			c = cmp.Compare(SeverityRank(x), SeverityRank(y))
		} else {
			c = strings.Compare(x, y)
		}
	}
	switch {
	case okA && !okB:
		return -1
	case !okA && okB:
		return 1
	case !okA && !okB:
		return 0
	}
	if k.desc {
		return -c
	}
	return c
}

func firstStr(fd *field, f *Finding) (string, bool) {
	for i, n := 0, fd.n(f); i < n; i++ {
		if s, ok := fd.str(f, i); ok {
			return s, true
		}
	}
	return "", false
}

func firstNum(fd *field, f *Finding) (float64, bool) {
	for i, n := 0, fd.n(f); i < n; i++ {
		if v, ok := fd.num(f, i); ok {
			return v, true
		}
	}
	return 0, false
}

func firstTime(fd *field, f *Finding) (time.Time, bool) {
	s, ok := firstStr(fd, f)
	if !ok {
		return time.Time{}, false
	}
	t, err := ParseTime(s)
	return t, err == nil
}
