package eventpattern

import (
	"slices"
	"sync"
	"sync/atomic"
)

// Set is many patterns compiled together, each under an id (an EventBridge
// rule). Match answers which of them match an event in time that grows with
// the event, not with the number of patterns: each pattern is indexed by
// its most selective field's path and values, the event is read once, each
// leaf value is looked up in its path's index (hash lookups for exact
// values, prefixes, suffixes, equals-ignore-case, numeric equality and cidr;
// a check per condition only for numeric ranges, anything-but and wildcards
// with no literal head or tail), and the patterns found are verified
// against the event's recorded leaves (see the package doc).
//
// A Set is safe for concurrent use: Add and Remove may run alongside Match.
// The index is rebuilt on the first Match after a change.
type Set struct {
	mu    sync.Mutex
	rules map[string]*Pattern
	idx   atomic.Pointer[index]
	pool  sync.Pool
}

// NewSet returns an empty Set.
func NewSet() *Set { return &Set{rules: map[string]*Pattern{}} }

// Add adds p (not nil) under id, replacing any pattern with the same id.
func (s *Set) Add(id string, p *Pattern) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rules[id] = p
	s.idx.Store(nil)
}

// Remove removes the pattern with the given id and reports whether there was one.
func (s *Set) Remove(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.rules[id]
	delete(s.rules, id)
	s.idx.Store(nil)
	return ok
}

// Len is the number of patterns in the set.
func (s *Set) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.rules)
}

// Match returns the ids of the patterns that match event, sorted. Errors are
// *EventError for an event that is not a JSON object (or wrap
// ErrEventTooLarge).
func (s *Set) Match(event []byte) ([]string, error) { return s.MatchAppend(nil, event) }

// MatchAppend is Match appending the ids to dst: with a reused dst it does
// not allocate.
func (s *Set) MatchAppend(dst []string, event []byte) ([]string, error) {
	idx := s.index()
	st, _ := s.pool.Get().(*matchState)
	if st == nil {
		st = &matchState{}
	}
	st.reset(idx)
	start := len(dst)
	st.out = dst
	err := st.sc.scan(event)
	if err == nil {
		st.absentPaths()
		st.finish()
	}
	dst, st.out = st.out, nil
	st.sc.data = nil
	s.pool.Put(st)
	if err != nil {
		return dst[:start], err
	}
	slices.Sort(dst[start:])
	return dst, nil
}

func (s *Set) index() *index {
	if idx := s.idx.Load(); idx != nil {
		return idx
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if idx := s.idx.Load(); idx != nil {
		return idx
	}
	idx := buildIndex(s.rules)
	s.idx.Store(idx)
	return idx
}

// matchState is one goroutine's working space for Match. Marks are epoch
// numbers, so nothing is cleared between events.
type matchState struct {
	idx        *index
	epoch      uint32
	branchSeen []uint32
	ruleSeen   []uint32
	pathSeen   []uint32
	slotFirst  []int32 // slot -> first recorded leaf, valid when pathSeen
	leaves     []recorded
	arena      []byte // decoded strings of recorded leaves
	cands      []int32
	arrs       []arrPos // array positions of recorded leaves
	chosen     []int32  // leaves picked by the consistency search
	steps      int
	fold       []byte
	scratch    []byte
	out        []string
	sc         scanner
}

// recorded is a leaf of the current event at a tested path, kept for
// verifying candidates. Strings live in the arena (off, n).
type recorded struct {
	next       int32
	off, n     int32
	aOff, aEnd int32 // the leaf's arrays in matchState.arrs
	v          value
}

func grow(s []uint32, n int) []uint32 {
	if cap(s) < n {
		return make([]uint32, n)
	}
	return s[:n]
}

func (st *matchState) reset(idx *index) {
	if st.idx != idx {
		st.idx = idx
		st.branchSeen = grow(st.branchSeen, len(idx.branches))
		st.ruleSeen = grow(st.ruleSeen, len(idx.ruleIDs))
		st.pathSeen = grow(st.pathSeen, len(idx.slots))
		if cap(st.slotFirst) < len(idx.slots) {
			st.slotFirst = make([]int32, len(idx.slots))
		}
		st.slotFirst = st.slotFirst[:len(idx.slots)]
		clear(st.branchSeen)
		clear(st.ruleSeen)
		clear(st.pathSeen)
		st.epoch = 0
	}
	st.epoch++
	if st.epoch == 0 { // wrapped: forget every old mark
		clear(st.branchSeen)
		clear(st.ruleSeen)
		clear(st.pathSeen)
		st.epoch = 1
	}
	st.leaves, st.arena, st.cands, st.arrs = st.leaves[:0], st.arena[:0], st.cands[:0], st.arrs[:0]
	st.sc.visit = st
	if st.scratch == nil {
		st.scratch = make([]byte, 0, 512)
		st.fold = make([]byte, 0, 512)
	}
}

// hit makes branch b a candidate.
func (st *matchState) hit(b int32) {
	if st.branchSeen[b] != st.epoch {
		st.branchSeen[b] = st.epoch
		st.cands = append(st.cands, b)
	}
}

// finish verifies the candidates and appends the ids of matching patterns.
func (st *matchState) finish() {
	idx := st.idx
	for _, b := range st.cands {
		r := idx.branchRule[b]
		if st.ruleSeen[r] == st.epoch || !st.verify(b) {
			continue
		}
		st.ruleSeen[r] = st.epoch
		st.out = append(st.out, idx.ruleIDs[r])
	}
}

// verify reports whether every field of branch b holds for the event with
// leaves that are array-consistent: no two of the leaves used come from
// different elements of the same array (Event Ruler's rulesForJSONEvent).
// The search is bounded by maxVerifySteps.
func (st *matchState) verify(b int32) bool {
	st.chosen, st.steps = st.chosen[:0], 0
	return st.search(st.idx.branches[b], st.idx.fieldSlots[b], 0)
}

// maxVerifySteps bounds the search for array-consistent leaves of one
// branch; past it the branch does not match (moat's limit, reached only by
// events with large arrays of objects tested by many fields).
const maxVerifySteps = 1 << 16

func (st *matchState) search(br *branch, slots []int32, fi int) bool {
	if fi == len(br.fields) {
		return true
	}
	f, slot := &br.fields[fi], slots[fi]
	if st.pathSeen[slot] != st.epoch {
		return f.allowsAbsent() && st.search(br, slots, fi+1)
	}
	for i := st.slotFirst[slot]; i >= 0; i = st.leaves[i].next {
		if st.steps++; st.steps > maxVerifySteps {
			return false
		}
		if !st.leafHolds(f, i) || !st.consistent(i) {
			continue
		}
		st.chosen = append(st.chosen, i)
		if st.search(br, slots, fi+1) {
			return true
		}
		st.chosen = st.chosen[:len(st.chosen)-1]
	}
	return false
}

func (f *field) allowsAbsent() bool {
	for i := range f.matchers {
		if f.matchers[i].op == opAbsent {
			return true
		}
	}
	return false
}

// leafHolds reports whether recorded leaf i satisfies one of f's matchers.
func (st *matchState) leafHolds(f *field, i int32) bool {
	l := &st.leaves[i]
	v := l.v
	if v.kind == kString {
		v.text = unsafeString(st.arena[l.off : l.off+l.n])
	}
	for mi := range f.matchers {
		if f.matchers[mi].matchValue(&v, st.scratch[:0]) {
			return true
		}
	}
	return false
}

// consistent reports whether leaf i is array-consistent with the chosen ones.
func (st *matchState) consistent(i int32) bool {
	a := st.arrs[st.leaves[i].aOff:st.leaves[i].aEnd]
	if len(a) == 0 {
		return true
	}
	for _, j := range st.chosen {
		for _, q := range st.arrs[st.leaves[j].aOff:st.leaves[j].aEnd] {
			for _, p := range a {
				if p.id == q.id && p.idx != q.idx {
					return false
				}
			}
		}
	}
	return true
}

// record keeps a leaf for verification.
func (st *matchState) record(pi *pathIndex, v *value) {
	if st.pathSeen[pi.slot] != st.epoch {
		st.pathSeen[pi.slot] = st.epoch
		st.slotFirst[pi.slot] = -1
	}
	l := recorded{next: st.slotFirst[pi.slot], v: *v, aOff: int32(len(st.arrs))}
	st.arrs = append(st.arrs, st.sc.arrs...)
	l.aEnd = int32(len(st.arrs))
	if v.kind == kString {
		l.off, l.n = int32(len(st.arena)), int32(len(v.text))
		st.arena = append(st.arena, v.text...)
		l.v.text = ""
	}
	st.slotFirst[pi.slot] = int32(len(st.leaves))
	st.leaves = append(st.leaves, l)
}

func (st *matchState) hitAll(cs []int32) {
	for _, c := range cs {
		st.hit(c)
	}
}

func (st *matchState) hitEntries(es []entry, v *value) {
	for i := range es {
		if es[i].m == nil || es[i].m.matchValue(v, st.scratch[:0]) {
			st.hit(es[i].cond)
		}
	}
}

func (st *matchState) wants(path []byte) (*pathIndex, bool) {
	n, ok := st.idx.nodes[unsafeString(path)]
	return n, ok
}

// absentPaths satisfies the exists:false conditions of paths the event did
// not have as leaves.
func (st *matchState) absentPaths() {
	for _, pi := range st.idx.absent {
		if st.pathSeen[pi.slot] != st.epoch {
			st.hitAll(pi.absent)
		}
	}
}

func (st *matchState) leaf(pi *pathIndex, v *value) {
	if pi == nil {
		return
	}
	st.record(pi, v)
	st.hitAll(pi.exists)
	switch v.kind {
	case kString:
		st.stringLeaf(pi, v)
	case kNumber:
		if v.numOK {
			st.hitAll(pi.num[v.num])
		}
		st.hitAll(pi.lit[v.text])
	case kTrue:
		st.hitAll(pi.tru)
	case kFalse:
		st.hitAll(pi.fal)
	case kNull:
		st.hitAll(pi.nul)
	}
	for i := range pi.scan {
		if pi.scan[i].m.matchValue(v, st.scratch[:0]) {
			st.hit(pi.scan[i].cond)
		}
	}
}

func (st *matchState) stringLeaf(pi *pathIndex, v *value) {
	t := v.text
	st.hitAll(pi.str[t])
	pi.prefix.lookup(st, t, v, false)
	pi.suffix.lookup(st, t, v, true)
	if pi.needFold {
		st.fold = appendFold(st.fold[:0], t)
		ft := unsafeString(st.fold)
		st.hitAll(pi.fold[ft])
		pi.prefixFold.lookup(st, ft, v, false)
		pi.suffixFold.lookup(st, ft, v, true)
	}
	if len(pi.cidr) > 0 {
		st.cidrLeaf(pi, t)
	}
}
