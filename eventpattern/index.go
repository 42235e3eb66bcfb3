package eventpattern

import (
	"net/netip"
	"slices"
	"sort"
	"strings"
)

// index is the compiled form of a Set: every condition (one field of one
// branch of one pattern) is registered under its path, by value where the
// matcher allows it.
type index struct {
	nodes      map[string]*pathIndex // every tested path and every path above one (nil value)
	slots      []*pathIndex
	absent     []*pathIndex // paths with exists:false conditions
	condBranch []int32      // condition -> branch
	branchNeed []int32      // branch -> number of conditions
	branchRule []int32      // branch -> pattern
	ruleIDs    []string
}

// entry is a condition to hit, after checking m when m is not nil.
type entry struct {
	cond int32
	m    *matcher
}

// affixIndex finds prefixes (or suffixes) of a value by hash lookups, one per
// distinct operand length.
type affixIndex struct {
	m    map[string][]entry
	lens []int
}

func (a *affixIndex) add(key string, e entry) {
	if a.m == nil {
		a.m = map[string][]entry{}
	}
	if _, ok := a.m[key]; !ok && !slices.Contains(a.lens, len(key)) {
		a.lens = append(a.lens, len(key))
		sort.Ints(a.lens)
	}
	a.m[key] = append(a.m[key], e)
}

func (a *affixIndex) lookup(st *matchState, t string, v *value, suffix bool) {
	for _, n := range a.lens {
		if n > len(t) {
			return
		}
		key := t[:n]
		if suffix {
			key = t[len(t)-n:]
		}
		if es, ok := a.m[key]; ok {
			st.hitEntries(es, v)
		}
	}
}

// pathIndex holds the conditions on one leaf path.
type pathIndex struct {
	slot                   int32
	str, lit               map[string][]int32
	num                    map[int64][]int32
	tru, fal, nul          []int32
	exists, absent         []int32
	prefix, suffix         affixIndex
	prefixFold, suffixFold affixIndex
	fold                   map[string][]int32
	needFold               bool
	cidr                   map[netip.Prefix][]int32
	cidrBits               []int // distinct prefix lengths (IPv4 and IPv6 kept apart by +1000)
	scan                   []entry
}

func addTo[K comparable](m *map[K][]int32, k K, c int32) {
	if *m == nil {
		*m = map[K][]int32{}
	}
	(*m)[k] = append((*m)[k], c)
}

func buildIndex(rules map[string]*Pattern) *index {
	idx := &index{nodes: map[string]*pathIndex{}}
	ids := make([]string, 0, len(rules))
	for id := range rules {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for r, id := range ids {
		idx.ruleIDs = append(idx.ruleIDs, id)
		for _, b := range rules[id].branches {
			bi := int32(len(idx.branchNeed))
			idx.branchNeed = append(idx.branchNeed, int32(len(b.fields)))
			idx.branchRule = append(idx.branchRule, int32(r))
			for fi := range b.fields {
				c := int32(len(idx.condBranch))
				idx.condBranch = append(idx.condBranch, bi)
				f := &b.fields[fi]
				pi := idx.path(f.path)
				for mi := range f.matchers {
					idx.add(pi, c, &f.matchers[mi])
				}
			}
		}
	}
	return idx
}

// path returns the index of a leaf path, creating it and registering the
// paths above it so the event scanner descends into them.
func (idx *index) path(p string) *pathIndex {
	if pi := idx.nodes[p]; pi != nil {
		return pi
	}
	pi := &pathIndex{slot: int32(len(idx.slots))}
	idx.slots = append(idx.slots, pi)
	idx.nodes[p] = pi
	for i := strings.LastIndexByte(p, '.'); i > 0; i = strings.LastIndexByte(p[:i], '.') {
		if _, ok := idx.nodes[p[:i]]; !ok {
			idx.nodes[p[:i]] = nil
		}
	}
	return pi
}

func (idx *index) add(pi *pathIndex, c int32, m *matcher) {
	switch m.op {
	case opExactString:
		addTo(&pi.str, m.text, c)
	case opExactNumber:
		addTo(&pi.lit, m.text, c)
		if m.numOK {
			addTo(&pi.num, m.num, c)
		}
	case opTrue:
		pi.tru = append(pi.tru, c)
	case opFalse:
		pi.fal = append(pi.fal, c)
	case opNull:
		pi.nul = append(pi.nul, c)
	case opExists:
		pi.exists = append(pi.exists, c)
	case opAbsent:
		if len(pi.absent) == 0 {
			idx.absent = append(idx.absent, pi)
		}
		pi.absent = append(pi.absent, c)
	case opPrefix:
		pi.prefix.add(m.text, entry{cond: c})
	case opSuffix:
		pi.suffix.add(m.text, entry{cond: c})
	case opPrefixFold:
		pi.needFold = true
		pi.prefixFold.add(m.text, entry{cond: c})
	case opSuffixFold:
		pi.needFold = true
		pi.suffixFold.add(m.text, entry{cond: c})
	case opEqualsFold:
		pi.needFold = true
		addTo(&pi.fold, m.text, c)
	case opCIDR:
		addTo(&pi.cidr, m.cidr, c)
		bits := m.cidr.Bits()
		if m.cidr.Addr().Is6() {
			bits += 1000
		}
		if !slices.Contains(pi.cidrBits, bits) {
			pi.cidrBits = append(pi.cidrBits, bits)
		}
	case opWildcard:
		idx.addWildcard(pi, c, m)
	case opNumeric:
		if r := m.rng; r.hasLo && r.hasHi && r.lo == r.hi && !r.loOpen && !r.hiOpen {
			addTo(&pi.num, r.lo, c)
			return
		}
		pi.scan = append(pi.scan, entry{cond: c, m: m})
	default: // anything-but
		pi.scan = append(pi.scan, entry{cond: c, m: m})
	}
}

// addWildcard indexes a wildcard by its literal head or tail when it has
// one, so only values with that prefix or suffix are checked in full.
func (idx *index) addWildcard(pi *pathIndex, c int32, m *matcher) {
	parts := m.wild.parts
	switch {
	case len(parts) == 1:
		addTo(&pi.str, parts[0], c)
	case parts[0] != "":
		pi.prefix.add(parts[0], entry{cond: c, m: m})
	case parts[len(parts)-1] != "":
		pi.suffix.add(parts[len(parts)-1], entry{cond: c, m: m})
	default:
		pi.scan = append(pi.scan, entry{cond: c, m: m})
	}
}

func (st *matchState) cidrLeaf(pi *pathIndex, t string) {
	a, err := netip.ParseAddr(t)
	if err != nil || a.Zone() != "" {
		return
	}
	for _, bits := range pi.cidrBits {
		if a.Is6() != (bits >= 1000) {
			continue
		}
		if bits >= 1000 {
			bits -= 1000
		}
		p, err := a.Prefix(bits)
		if err == nil {
			st.hitAll(pi.cidr[p])
		}
	}
}
