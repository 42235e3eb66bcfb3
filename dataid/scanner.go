package dataid

import (
	"fmt"
	"slices"
	"strings"
)

// KeywordDistance is Macie's proximity for managed identifiers in unstructured
// text: a keyword within 30 characters, inclusive, of the data.
const KeywordDistance = 30

// Match is one occurrence in a segment: the identifier and [Start,End) bytes.
type Match struct {
	Identifier string
	Category   Category
	Start, End int
	det        int
}

// detector is one active identifier inside a Scanner.
type detector struct {
	id       string
	category Category
	managed  *Managed
	custom   *CustomDataIdentifier
	rule     KeywordRule
	sibling  int // for ..._(NO_KEYWORD): the keyword twin's index, or -1
}

type pattern struct {
	anchor   bool
	boundary [2]bool // keyword must not touch a letter/digit on the left / right
	dets     []int32
}

// Scanner holds compiled identifiers. It is immutable after New and safe for
// concurrent use; each goroutine needs its own State for scratch space.
type Scanner struct {
	dets       []detector
	ac         *automaton
	pats       []pattern
	digitDets  []int
	ibanDets   map[[2]byte]int // IBAN identifiers by country code, dispatched without a call per country
	kwDets     []int           // managed identifiers found by regex near a keyword
	reDets     []int           // custom identifiers without keywords: regex over the whole segment
	customDets []int
	freeDigits []int // digit identifiers offered every run (no keyword required)
	kwDigits   []int // digit identifiers offered runs only when their keyword is present
	allow      []*AllowList
	maxKwLen   int
}

// Selector is Macie's managedDataIdentifierSelector with its ids.
type Selector struct {
	Kind string   // ALL (default), EXCLUDE, INCLUDE, NONE or RECOMMENDED
	IDs  []string // for EXCLUDE and INCLUDE
}

// Config says what a Scanner looks for.
type Config struct {
	Profile    Profile
	Managed    Selector
	Custom     []*CustomDataIdentifier
	AllowLists []*AllowList
}

// New compiles a Scanner.
func New(cfg Config) (*Scanner, error) {
	mids, err := selectManaged(cfg.Profile, cfg.Managed)
	if err != nil {
		return nil, err
	}
	s := &Scanner{allow: cfg.AllowLists}
	index := map[string]int{}
	for _, m := range mids {
		index[m.ID] = len(s.dets)
		s.dets = append(s.dets, detector{id: m.ID, category: m.Category, managed: m, rule: m.KeywordRule, sibling: -1})
	}
	for i := range s.dets {
		if tw := s.dets[i].managed.NoKeywordOf; tw != "" {
			if j, ok := index[tw]; ok {
				s.dets[i].sibling = j
			}
		}
	}
	for _, c := range cfg.Custom {
		if c == nil {
			continue
		}
		s.dets = append(s.dets, detector{id: c.Name, category: CustomIdentifier, custom: c, sibling: -1})
	}
	s.compile()
	return s, nil
}

func selectManaged(p Profile, sel Selector) ([]*Managed, error) {
	all := ManagedIdentifiers(p)
	want := map[string]bool{}
	for _, id := range sel.IDs {
		if _, ok := registry[id]; !ok {
			return nil, fmt.Errorf("managedDataIdentifierIds: unknown managed data identifier %q", id)
		}
		want[id] = true
	}
	var out []*Managed
	for _, m := range all {
		var on bool
		switch strings.ToUpper(sel.Kind) {
		case "", "ALL":
			on = true
		case "NONE":
		case "RECOMMENDED":
			on = m.Recommended
		case "INCLUDE":
			on = want[m.ID]
		case "EXCLUDE":
			on = !want[m.ID]
		default:
			return nil, fmt.Errorf("managedDataIdentifierSelector %q: expected ALL, EXCLUDE, INCLUDE, NONE or RECOMMENDED", sel.Kind)
		}
		if on {
			out = append(out, m)
		}
	}
	return out, nil
}

func (s *Scanner) compile() {
	var lits []string
	byLit := map[string]int{}
	add := func(lit string, anchor bool, det int) {
		key := lit
		if anchor {
			key = "\x00" + lit
		}
		pi, ok := byLit[key]
		if !ok {
			pi = len(lits)
			byLit[key] = pi
			lits = append(lits, lit) // the automaton folds ASCII case itself; strings.ToLower would mangle CP949 bytes
			p := pattern{anchor: anchor}
			if !anchor {
				p.boundary = [2]bool{isAlnum(lit[0]), isAlnum(lit[len(lit)-1])}
			}
			s.pats = append(s.pats, p)
		}
		s.pats[pi].dets = append(s.pats[pi].dets, int32(det))
		s.maxKwLen = max(s.maxKwLen, len(lit))
	}
	for i, d := range s.dets {
		var kws []string
		if m := d.managed; m != nil {
			kws = m.Keywords
			for _, a := range m.anchors {
				add(a, true, i)
			}
			switch m.trig {
			case triggerDigits:
				if m.ibanCC != "" {
					if s.ibanDets == nil {
						s.ibanDets = map[[2]byte]int{}
					}
					s.ibanDets[[2]byte{m.ibanCC[0], m.ibanCC[1]}] = i
				} else {
					s.digitDets = append(s.digitDets, i)
				}
			case triggerKeyword:
				s.kwDets = append(s.kwDets, i)
			}
			if d.sibling >= 0 {
				kws = s.dets[d.sibling].managed.Keywords
			}
		} else {
			kws = d.custom.Keywords
			s.customDets = append(s.customDets, i)
			if len(kws) == 0 {
				s.reDets = append(s.reDets, i)
			}
		}
		for _, k := range kws {
			for _, v := range keywordVariants(k) {
				if v != "" {
					add(v, false, i)
				}
			}
		}
	}
	s.ac = newAutomaton(lits)
	for _, di := range s.digitDets {
		if s.dets[di].rule == KeywordRequired {
			s.kwDigits = append(s.kwDigits, di)
		} else {
			s.freeDigits = append(s.freeDigits, di)
		}
	}
}

type ctxEntry struct {
	set []bool
	any bool
}

// State is per-goroutine scratch space for Scan; reuse it across calls.
type State struct {
	hits       []hit
	kw         []hit // keyword hits that passed the boundary check
	spans      []span
	matches    []Match
	ctx        []bool // detectors with a keyword in the segment's context
	ctxCache   map[string]ctxEntry
	present    []bool   // detectors with a keyword somewhere in the segment
	anyCtx     bool     // some detector has a keyword in the context
	dirty      bool     // present has entries set
	near       []uint32 // detector -> stamp of the last digit run with its keyword near
	stamp      uint32
	active     []int
	run        numRun
	fileBuf    []byte   // ScanPaths reads each file into it
	memberBufs [][]byte // archive members, one buffer per nesting depth
	digits     []byte
}

// NewState returns scratch space for s.
func (s *Scanner) NewState() *State { return &State{ctx: make([]bool, len(s.dets))} }

// Identifiers returns the ids (managed) and names (custom) s looks for, in its order.
func (s *Scanner) Identifiers() []string {
	out := make([]string, len(s.dets))
	for i, d := range s.dets {
		out[i] = d.id
	}
	return out
}

// Scan finds the occurrences in one segment of text. For unstructured text
// pass context "" and structured false: keywords count within
// KeywordDistance characters. For a CSV cell or a JSON value pass the column
// name or the JSON path as context and structured true: a keyword counts
// anywhere in the value or in the context (Macie's rule for columnar and
// record-based files). The returned matches, sorted by Start, are valid until
// the next call with st.
func (s *Scanner) Scan(st *State, b []byte, context string, structured bool) []Match {
	return s.scan(st, b, []byte(context), structured)
}

func (s *Scanner) scan(st *State, b []byte, context []byte, structured bool) []Match {
	if len(st.ctx) != len(s.dets) {
		st.ctx = make([]bool, len(s.dets))
	}
	st.matches = st.matches[:0]
	s.contextKeywords(st, context)
	st.hits = s.ac.scan(b, st.hits[:0])
	s.keywordHits(st, b)
	s.anchorHits(st, b, structured)
	s.digitRuns(st, b, structured)
	if len(st.kw) > 0 || st.anyCtx {
		for _, di := range s.kwDets {
			if st.present[di] || st.ctx[di] {
				s.nearKeywords(st, b, di, structured)
			}
		}
	}
	for _, i := range s.customDets {
		s.scanCustom(st, b, i, s.dets[i].custom, structured)
	}
	st.matches = sortMatches(st.matches)
	return st.matches
}

// anchorHits verifies each literal anchor with its identifiers.
func (s *Scanner) anchorHits(st *State, b []byte, structured bool) {
	for _, h := range st.hits {
		p := &s.pats[h.pat]
		if !p.anchor {
			continue
		}
		for _, di := range p.dets {
			m := s.dets[di].managed
			st.spans = m.findAt(b, h.start, h.end, st.spans[:0])
			s.emit(st, b, int(di), st.spans, structured)
		}
	}
}

// digitRuns offers every run of digits to the numeric identifiers. Those
// that need a keyword and have none in the segment, its context or (in text)
// near the run are skipped: most numbers in most text have no keyword.
func (s *Scanner) digitRuns(st *State, b []byte, structured bool) {
	st.active = append(st.active[:0], s.freeDigits...)
	if len(st.kw) > 0 || st.anyCtx {
		for _, di := range s.kwDigits {
			if st.present[di] || st.ctx[di] {
				st.active = append(st.active, di)
			}
		}
	}
	if len(st.active) == 0 && s.ibanDets == nil {
		return
	}
	if len(st.near) != len(s.dets) {
		st.near = make([]uint32, len(s.dets))
	}
	kwPtr := 0
	for i, ok := nextRun(b, 0, &st.run); ok; i, ok = nextRun(b, i, &st.run) {
		nearAny := false
		if !structured && len(st.kw) > 0 {
			kwPtr, nearAny = s.markNear(st, kwPtr)
		}
		digits := st.run.cum[st.run.n]
		for _, di := range st.active {
			m := s.dets[di].managed
			if digits < m.minDigits {
				continue
			}
			if m.KeywordRule != KeywordNotRequired && !st.ctx[di] &&
				!(structured && st.present[di] || nearAny && st.near[di] == st.stamp) &&
				(m.KeywordRule == KeywordRequired || m.strongGate != nil && !m.strongGate(b, &st.run)) {
				continue // it would need a keyword, and none is near
			}
			st.spans = m.findRun(b, &st.run, st.spans[:0])
			if len(st.spans) > 0 {
				s.emit(st, b, di, st.spans, structured)
			}
		}
		if s.ibanDets != nil && st.run.start >= 2 && isUpper(b[st.run.start-2]) && isUpper(b[st.run.start-1]) {
			if di, ok := s.ibanDets[[2]byte{b[st.run.start-2], b[st.run.start-1]}]; ok {
				st.spans = s.dets[di].managed.findRun(b, &st.run, st.spans[:0])
				s.emit(st, b, di, st.spans, structured)
			}
		}
	}
}

// emit applies the keyword rule, the NO_KEYWORD twin rule and the allow lists.
func (s *Scanner) emit(st *State, b []byte, di int, spans []span, structured bool) {
	d := &s.dets[di]
	for _, sp := range spans {
		need := d.rule == KeywordRequired || (d.rule == KeywordUnlessStrong && !sp.strong)
		if need && !s.keywordNear(st, b, di, sp.start, sp.end, structured) {
			continue
		}
		if d.sibling >= 0 && s.keywordNear(st, b, di, sp.start, sp.end, structured) {
			continue // the keyword twin reports it
		}
		if s.allowed(b[sp.start:sp.end]) {
			continue
		}
		st.matches = append(st.matches, Match{Identifier: d.id, Category: d.category, Start: sp.start, End: sp.end, det: di})
	}
}

func (s *Scanner) allowed(text []byte) bool {
	for _, a := range s.allow {
		if a.Allows(text) {
			return true
		}
	}
	return false
}

// sortMatches orders by Start, then End, then identifier, and drops exact duplicates.
func sortMatches(ms []Match) []Match {
	if len(ms) < 2 {
		return ms
	}
	slices.SortFunc(ms, func(a, b Match) int {
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		if a.End != b.End {
			return a.End - b.End
		}
		return a.det - b.det
	})
	out := ms[:0]
	for i, m := range ms {
		if i > 0 && m.Start == ms[i-1].Start && m.End == ms[i-1].End && m.det == ms[i-1].det {
			continue
		}
		out = append(out, m)
	}
	return out
}
