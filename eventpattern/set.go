package eventpattern

import (
	"sort"
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
	}
	dst, st.out = st.out, nil
	st.sc.data = nil
	s.pool.Put(st)
	if err != nil {
		return dst[:start], err
	}
	sort.Strings(dst[start:])
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
	idx         *index
	epoch       uint32
	condSeen    []uint32
	branchSeen  []uint32
	branchCount []int32
	ruleSeen    []uint32
	pathSeen    []uint32
	fold        []byte
	scratch     []byte
	out         []string
	sc          scanner
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
		st.condSeen = grow(st.condSeen, len(idx.condBranch))
		st.branchSeen = grow(st.branchSeen, len(idx.branchNeed))
		if cap(st.branchCount) < len(idx.branchNeed) {
			st.branchCount = make([]int32, len(idx.branchNeed))
		}
		st.branchCount = st.branchCount[:len(idx.branchNeed)]
		st.ruleSeen = grow(st.ruleSeen, len(idx.ruleIDs))
		st.pathSeen = grow(st.pathSeen, len(idx.slots))
		clear(st.condSeen)
		clear(st.branchSeen)
		clear(st.ruleSeen)
		clear(st.pathSeen)
		st.epoch = 0
	}
	st.epoch++
	if st.epoch == 0 { // wrapped: forget every old mark
		clear(st.condSeen)
		clear(st.branchSeen)
		clear(st.ruleSeen)
		clear(st.pathSeen)
		st.epoch = 1
	}
	st.sc.visit = st
	if st.scratch == nil {
		st.scratch = make([]byte, 0, 512)
		st.fold = make([]byte, 0, 512)
	}
}

// hit records that condition c holds for this event.
func (st *matchState) hit(c int32) {
	if st.condSeen[c] == st.epoch {
		return
	}
	st.condSeen[c] = st.epoch
	idx := st.idx
	b := idx.condBranch[c]
	if st.branchSeen[b] != st.epoch {
		st.branchSeen[b] = st.epoch
		st.branchCount[b] = 0
	}
	st.branchCount[b]++
	if st.branchCount[b] == idx.branchNeed[b] {
		r := idx.branchRule[b]
		if st.ruleSeen[r] != st.epoch {
			st.ruleSeen[r] = st.epoch
			st.out = append(st.out, idx.ruleIDs[r])
		}
	}
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
	st.pathSeen[pi.slot] = st.epoch
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
