package eventpattern

import (
	"net/netip"
	"strings"
)

// op is the kind of one matcher: one element of a field's array in a pattern.
type op uint8

const (
	opExactString op = iota + 1 // "x"
	opExactNumber               // 12.5: numerically (within NumericLimit) or by its literal
	opTrue                      // true
	opFalse                     // false
	opNull                      // null
	opPrefix                    // {"prefix": "x"}
	opPrefixFold                // {"prefix": {"equals-ignore-case": "x"}}
	opSuffix                    // {"suffix": "x"}
	opSuffixFold                // {"suffix": {"equals-ignore-case": "x"}}
	opEqualsFold                // {"equals-ignore-case": "x"}
	opWildcard                  // {"wildcard": "x*y"}
	opNumeric                   // {"numeric": [">", 0, "<=", 5]}
	opCIDR                      // {"cidr": "10.0.0.0/8"}
	opExists                    // {"exists": true}
	opAbsent                    // {"exists": false}
	opAnythingBut               // {"anything-but": ...}
)

// matcher is one compiled element of a field's array. text holds the operand
// (already folded for the case-insensitive operators).
type matcher struct {
	op    op
	text  string
	num   int64 // opExactNumber: comparable form when numOK
	numOK bool
	rng   numRange
	cidr  netip.Prefix
	wild  wildcard
	but   *anythingBut
}

// numRange is a numeric range over comparable numbers; an unset side is open
// to infinity.
type numRange struct {
	lo, hi         int64
	hasLo, hasHi   bool
	loOpen, hiOpen bool // true for > and <, false for >= and <=
}

func (r *numRange) contains(n int64) bool {
	if r.hasLo && (n < r.lo || (r.loOpen && n == r.lo)) {
		return false
	}
	if r.hasHi && (n > r.hi || (r.hiOpen && n == r.hi)) {
		return false
	}
	return true
}

// anythingBut is the exclusion of an anything-but matcher: a value matches
// when it is a leaf that none of the exclusions covers.
type anythingBut struct {
	strs                 map[string]struct{} // exact strings (folded when fold)
	nums                 map[int64]struct{}  // comparable numbers
	fold                 bool                // equals-ignore-case list
	prefix               string              // anything-but prefix (hasPrefix)
	suffix               string              // anything-but suffix (hasSuffix)
	wilds                []wildcard          // anything-but wildcard list
	hasPrefix, hasSuffix bool
}

// excludes reports whether v is one of the excluded values.
func (a *anythingBut) excludes(v *value, scratch []byte) bool {
	switch {
	case a.nums != nil:
		if v.kind != kNumber || !v.numOK {
			return false
		}
		_, ok := a.nums[v.num]
		return ok
	case v.kind != kString:
		return false
	case a.hasPrefix:
		return strings.HasPrefix(v.text, a.prefix)
	case a.hasSuffix:
		return strings.HasSuffix(v.text, a.suffix)
	case a.wilds != nil:
		for i := range a.wilds {
			if a.wilds[i].match(v.text) {
				return true
			}
		}
		return false
	case a.fold:
		_, ok := a.strs[unsafeString(appendFold(scratch[:0], v.text))]
		return ok
	default:
		_, ok := a.strs[v.text]
		return ok
	}
}

// matchValue reports whether the leaf v satisfies m. opAbsent never matches a
// present value: absence is decided per event, not per value. scratch is
// working space for case folding.
func (m *matcher) matchValue(v *value, scratch []byte) bool {
	switch m.op {
	case opExactString:
		return v.kind == kString && v.text == m.text
	case opExactNumber:
		return v.kind == kNumber && (v.text == m.text || (m.numOK && v.numOK && v.num == m.num))
	case opTrue:
		return v.kind == kTrue
	case opFalse:
		return v.kind == kFalse
	case opNull:
		return v.kind == kNull
	case opExists:
		return true
	case opAbsent:
		return false
	case opAnythingBut:
		return !m.but.excludes(v, scratch)
	case opNumeric:
		return v.kind == kNumber && v.numOK && m.rng.contains(v.num)
	}
	if v.kind != kString {
		return false
	}
	switch m.op {
	case opPrefix:
		return strings.HasPrefix(v.text, m.text)
	case opSuffix:
		return strings.HasSuffix(v.text, m.text)
	case opPrefixFold:
		return strings.HasPrefix(unsafeString(appendFold(scratch[:0], v.text)), m.text)
	case opSuffixFold:
		return strings.HasSuffix(unsafeString(appendFold(scratch[:0], v.text)), m.text)
	case opEqualsFold:
		return unsafeString(appendFold(scratch[:0], v.text)) == m.text
	case opWildcard:
		return m.wild.match(v.text)
	case opCIDR:
		a, err := netip.ParseAddr(v.text)
		return err == nil && a.Zone() == "" && m.cidr.Contains(a)
	}
	return false
}
