package eventpattern

import (
	"net/netip"
	"slices"
	"sort"
	"strings"
)

// index is the compiled form of a Set. Each branch (one AND of fields of
// one pattern) is registered under one anchor field only: the field whose
// matchers the fewest other fields share, by path and value. A leaf value
// that satisfies an anchor makes its branch a candidate, and candidates are
// verified against the event's recorded leaves once the event is read. So a
// condition many rules share (detail-type, source) costs nothing unless a
// rule's more selective condition also holds.
type index struct {
	nodes      map[string]*pathIndex // every tested path and every path above one (nil value)
	slots      []*pathIndex
	absent     []*pathIndex // paths with exists:false anchors
	branches   []*branch
	fieldSlots [][]int32 // branch -> slot of each field
	branchRule []int32   // branch -> pattern
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
	fanout := map[anchorKey]int{}
	for _, id := range ids {
		for _, b := range rules[id].branches {
			for _, f := range b.fields {
				for mi := range f.matchers {
					fanout[keyOf(f.path, &f.matchers[mi])]++
				}
			}
		}
	}
	for r, id := range ids {
		idx.ruleIDs = append(idx.ruleIDs, id)
		for bi := range rules[id].branches {
			b := &rules[id].branches[bi]
			c := int32(len(idx.branches))
			idx.branches = append(idx.branches, b)
			idx.branchRule = append(idx.branchRule, int32(r))
			slots := make([]int32, len(b.fields))
			for fi := range b.fields {
				slots[fi] = idx.path(b.fields[fi].path).slot
			}
			idx.fieldSlots = append(idx.fieldSlots, slots)
			a := &b.fields[anchor(b, fanout)]
			pi := idx.path(a.path)
			for mi := range a.matchers {
				idx.add(pi, c, &a.matchers[mi])
			}
		}
	}
	return idx
}

// anchorKey identifies where a matcher is registered: path, operator and
// operand; operators checked one by one share one key per path.
type anchorKey struct {
	path string
	op   op
	text string
	num  int64
}

func keyOf(path string, m *matcher) anchorKey {
	switch m.op {
	case opExactString, opPrefix, opSuffix, opPrefixFold, opSuffixFold, opEqualsFold, opWildcard:
		return anchorKey{path: path, op: m.op, text: m.text}
	case opExactNumber:
		return anchorKey{path: path, op: m.op, text: m.text}
	case opCIDR:
		return anchorKey{path: path, op: m.op, text: m.cidr.String()}
	case opNumeric:
		if r := m.rng; r.hasLo && r.hasHi && r.lo == r.hi && !r.loOpen && !r.hiOpen {
			return anchorKey{path: path, op: opNumeric, num: r.lo}
		}
	}
	return anchorKey{path: path, op: m.op}
}

// unselective is the weight of matchers that hold for most values (or for
// absence): a field made of them is an anchor only when nothing else is.
const unselective = 1 << 20

// anchor picks the field of b whose matchers are the least shared.
func anchor(b *branch, fanout map[anchorKey]int) int {
	best, bestCost := 0, -1
	for fi, f := range b.fields {
		cost := 0
		for mi := range f.matchers {
			m := &f.matchers[mi]
			switch {
			case m.op == opExists || m.op == opAbsent || m.op == opAnythingBut:
				cost += unselective
			case m.op == opNumeric && !(m.rng.hasLo && m.rng.hasHi && m.rng.lo == m.rng.hi):
				cost += unselective / 2
			case m.op == opWildcard && m.wild.parts[0] == "" && m.wild.parts[len(m.wild.parts)-1] == "":
				cost += unselective / 2
			default:
				cost += fanout[keyOf(f.path, m)]
			}
		}
		if bestCost < 0 || cost < bestCost {
			best, bestCost = fi, cost
		}
	}
	return best
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
	for i := strings.LastIndexByte(p, '.'); i >= 0; i = strings.LastIndexByte(p[:i], '.') {
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
