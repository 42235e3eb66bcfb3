package asff

import (
	"encoding/json"
	"fmt"
	"strings"
)

// String comparisons [doc: SDK types.StringFilterComparison and the
// StringFilter doc comment]. CONTAINS_WORD exists only in the V2 APIs and is
// rejected here.
const (
	Equals          = "EQUALS"
	Prefix          = "PREFIX"
	NotEquals       = "NOT_EQUALS"
	PrefixNotEquals = "PREFIX_NOT_EQUALS"
	Contains        = "CONTAINS"
	NotContains     = "NOT_CONTAINS"
)

type strOp uint8

const (
	opEquals strOp = iota
	opPrefix
	opContains
)

type strCmp struct {
	op    strOp
	value string
}

func (c strCmp) test(s string) bool {
	switch c.op {
	case opEquals:
		return s == c.value
	case opPrefix:
		return strings.HasPrefix(s, c.value)
	default:
		return strings.Contains(s, c.value)
	}
}

// strMatcher applies AWS's rule: positive comparisons (EQUALS, PREFIX,
// CONTAINS) are ORed, negative ones (NOT_EQUALS, PREFIX_NOT_EQUALS,
// NOT_CONTAINS) ANDed, positives first. For a list-valued attribute (Type,
// ResourceId of several resources...) a positive comparison needs one value
// to match and a negative one needs no value to match; a finding without the
// attribute fails positive filters and passes negative ones [inferred: AWS
// documents single values only].
type strMatcher struct {
	fd       *field
	pos, neg []strCmp
}

func compileString(fd *field, raw json.RawMessage) (matcher, error) {
	sfs, err := decodeArray[StringFilter](fd, raw)
	if err != nil || len(sfs) == 0 {
		return nil, err
	}
	m := &strMatcher{fd: fd}
	seen := map[string]bool{}
	for i, sf := range sfs {
		if sf.Value == nil {
			return nil, &FilterError{Attribute: fd.name, Index: i, Message: "a StringFilter needs Value"}
		}
		c, positive, err := stringComparison(sf.Comparison)
		if err != nil {
			return nil, &FilterError{Attribute: fd.name, Index: i, Message: err.Error()}
		}
		seen[sf.Comparison] = true
		c.value = *sf.Value
		if positive {
			m.pos = append(m.pos, c)
		} else {
			m.neg = append(m.neg, c)
		}
	}
	if err := checkCombination(seen, false); err != nil {
		return nil, &FilterError{Attribute: fd.name, Index: -1, Message: err.Error()}
	}
	return m, nil
}

func stringComparison(s string) (strCmp, bool, error) {
	switch s {
	case Equals:
		return strCmp{op: opEquals}, true, nil
	case Prefix:
		return strCmp{op: opPrefix}, true, nil
	case Contains:
		return strCmp{op: opContains}, true, nil
	case NotEquals:
		return strCmp{op: opEquals}, false, nil
	case PrefixNotEquals:
		return strCmp{op: opPrefix}, false, nil
	case NotContains:
		return strCmp{op: opContains}, false, nil
	case "CONTAINS_WORD":
		return strCmp{}, false, fmt.Errorf("Comparison CONTAINS_WORD works only in the V2 APIs (GetFindingsV2 and friends)")
	case "":
		return strCmp{}, false, fmt.Errorf("a StringFilter needs Comparison")
	}
	return strCmp{}, false, fmt.Errorf("Comparison %q: expected EQUALS, PREFIX, NOT_EQUALS, PREFIX_NOT_EQUALS, CONTAINS or NOT_CONTAINS", s)
}

// checkCombination enforces the combinations AWS documents as errors:
// CONTAINS only with CONTAINS, NOT_CONTAINS only with NOT_CONTAINS, EQUALS
// not with NOT_EQUALS or PREFIX_NOT_EQUALS (maps: EQUALS not with NOT_EQUALS).
func checkCombination(seen map[string]bool, isMap bool) error {
	for _, only := range []string{Contains, NotContains} {
		if seen[only] && len(seen) > 1 {
			return fmt.Errorf("%s filters can only be combined with other %s filters on the same attribute", only, only)
		}
	}
	if seen[Equals] && (seen[NotEquals] || (!isMap && seen[PrefixNotEquals])) {
		return fmt.Errorf("EQUALS cannot be combined with NOT_EQUALS or PREFIX_NOT_EQUALS on the same attribute")
	}
	return nil
}

func (m *strMatcher) match(f *Finding) bool {
	n := m.fd.n(f)
	if len(m.pos) > 0 {
		hit := false
		for i := 0; i < n && !hit; i++ {
			s, ok := m.fd.str(f, i)
			if !ok {
				continue
			}
			for _, c := range m.pos {
				if c.test(s) {
					hit = true
					break
				}
			}
		}
		if !hit {
			return false
		}
	}
	for i := 0; i < n && len(m.neg) > 0; i++ {
		s, ok := m.fd.str(f, i)
		if !ok {
			continue
		}
		for _, c := range m.neg {
			if c.test(s) {
				return false
			}
		}
	}
	return true
}

// ---- maps ----

type mapCmp struct {
	key   string
	value string
	op    strOp // opEquals or opContains
}

func (c mapCmp) test(m map[string]string) bool {
	v, ok := m[c.key]
	if !ok {
		return false
	}
	if c.op == opEquals {
		return v == c.value
	}
	return strings.Contains(v, c.value)
}

// mapMatcher: EQUALS/CONTAINS ORed, NOT_EQUALS/NOT_CONTAINS ANDed [doc:
// MapFilter doc comment]. A missing key fails EQUALS and passes NOT_EQUALS
// [inferred].
type mapMatcher struct {
	fd       *field
	pos, neg []mapCmp
}

func compileMap(fd *field, raw json.RawMessage) (matcher, error) {
	mfs, err := decodeArray[MapFilter](fd, raw)
	if err != nil || len(mfs) == 0 {
		return nil, err
	}
	m := &mapMatcher{fd: fd}
	seen := map[string]bool{}
	for i, mf := range mfs {
		if mf.Key == nil || mf.Value == nil {
			return nil, &FilterError{Attribute: fd.name, Index: i, Message: "a MapFilter needs Key and Value"}
		}
		c := mapCmp{key: *mf.Key, value: *mf.Value}
		switch mf.Comparison {
		case Equals, NotEquals:
			c.op = opEquals
		case Contains, NotContains:
			c.op = opContains
		default:
			return nil, &FilterError{Attribute: fd.name, Index: i, Message: fmt.Sprintf("Comparison %q: expected EQUALS, NOT_EQUALS, CONTAINS or NOT_CONTAINS", mf.Comparison)}
		}
		seen[mf.Comparison] = true
		if mf.Comparison == Equals || mf.Comparison == Contains {
			m.pos = append(m.pos, c)
		} else {
			m.neg = append(m.neg, c)
		}
	}
	if err := checkCombination(seen, true); err != nil {
		return nil, &FilterError{Attribute: fd.name, Index: -1, Message: err.Error()}
	}
	return m, nil
}

func (m *mapMatcher) match(f *Finding) bool {
	n := m.fd.n(f)
	if len(m.pos) > 0 {
		hit := false
		for i := 0; i < n && !hit; i++ {
			mp := m.fd.mp(f, i)
			for _, c := range m.pos {
				if c.test(mp) {
					hit = true
					break
				}
			}
		}
		if !hit {
			return false
		}
	}
	for i := 0; i < n && len(m.neg) > 0; i++ {
		mp := m.fd.mp(f, i)
		for _, c := range m.neg {
			if c.test(mp) {
				return false
			}
		}
	}
	return true
}
