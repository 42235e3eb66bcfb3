package eventpattern

import (
	"slices"
	"sync"
	"sync/atomic"
)

// Set is many patterns compiled together, each under an id (an EventBridge
// rule). Match answers which of them match an event in time that grows with
// the event, not with the number of patterns: every pattern's conditions are
// indexed by field path and value, the event is read once, and each leaf
// value is looked up in its path's index (hash lookups for exact,
// prefix, suffix, equals-ignore-case, numeric equality and cidr; a check per
// condition only for numeric ranges, anything-but and wildcards with no
// literal prefix or suffix).
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

// Add adds p under id, replacing any pattern with the same id.
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
	fold       []byte
	scratch    []byte
	out        []string
	sc         scanner
}

// recorded is a leaf of the current event at a tested path, kept for
// verifying candidates. Strings live in the arena (off, n).
type recorded struct {
	next   int32
	off, n int32
	v      value
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
	st.leaves, st.arena, st.cands = st.leaves[:0], st.arena[:0], st.cands[:0]
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

// verify reports whether every field of branch b holds for the event.
func (st *matchState) verify(b int32) bool {
	br := st.idx.branches[b]
	slots := st.idx.fieldSlots[b]
	for fi := range br.fields {
		if !st.fieldHolds(&br.fields[fi], slots[fi]) {
			return false
		}
	}
	return true
}

func (st *matchState) fieldHolds(f *field, slot int32) bool {
	present := st.pathSeen[slot] == st.epoch
	for mi := range f.matchers {
		m := &f.matchers[mi]
		if m.op == opAbsent {
			if !present {
				return true
			}
			continue
		}
		if !present {
			continue
		}
		for i := st.slotFirst[slot]; i >= 0; i = st.leaves[i].next {
			l := &st.leaves[i]
			v := l.v
			if v.kind == String {
				v.text = unsafeString(st.arena[l.off : l.off+l.n])
			}
			if m.matchValue(&v, st.scratch[:0]) {
				return true
			}
		}
	}
	return false
}

// record keeps a leaf for verification.
func (st *matchState) record(pi *pathIndex, v *value) {
	if st.pathSeen[pi.slot] != st.epoch {
		st.pathSeen[pi.slot] = st.epoch
		st.slotFirst[pi.slot] = -1
	}
	l := recorded{next: st.slotFirst[pi.slot], v: *v}
	if v.kind == String {
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
	case String:
		st.stringLeaf(pi, v)
	case Number:
		if v.numOK {
			st.hitAll(pi.num[v.num])
		}
		st.hitAll(pi.lit[v.text])
	case True:
		st.hitAll(pi.tru)
	case False:
		st.hitAll(pi.fal)
	case Null:
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
