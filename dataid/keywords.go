package dataid

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// Keywords: Macie's proximity rule, and the gates that keep identifiers
// needing a keyword from running where none is near.

// keywordVariants spells a keyword as Macie matches it: lower-cased, and a
// keyword with spaces also with '_', '-' or nothing in their place.
func keywordVariants(k string) []string {
	k = strings.ToLower(strings.TrimSpace(k))
	out := []string{k}
	if strings.Contains(k, " ") {
		out = append(out, strings.ReplaceAll(k, " ", "_"), strings.ReplaceAll(k, " ", "-"), strings.ReplaceAll(k, " ", ""))
	}
	if b, ok := cp949Keywords[k]; ok {
		out = append(out, b)
	}
	return out
}

// keywordHits keeps the keyword hits that stand apart from letters and
// digits (see boundary) and marks which detectors have one.
func (s *Scanner) keywordHits(st *State, b []byte) {
	st.kw = st.kw[:0]
	for _, h := range st.hits {
		p := &s.pats[h.pat]
		if p.anchor || (p.boundary[0] && h.start > 0 && isAlnum(b[h.start-1])) || (p.boundary[1] && h.end < len(b) && isAlnum(b[h.end])) {
			continue
		}
		st.kw = append(st.kw, h)
	}
	s.markPresent(st)
}

// markNear stamps the detectors with a keyword in a byte window around the
// current run (wider than 30 characters; emit checks exactly). Runs come in
// order, so the first candidate hit only moves forward.
func (s *Scanner) markNear(st *State, kwPtr int) (int, bool) {
	lo := st.run.start - KeywordDistance*utf8.UTFMax - s.maxKwLen
	hi := st.run.end + KeywordDistance*utf8.UTFMax
	for kwPtr < len(st.kw) && st.kw[kwPtr].end < lo {
		kwPtr++
	}
	st.stamp++
	found := false
	for k := kwPtr; k < len(st.kw) && st.kw[k].end <= hi+s.maxKwLen; k++ {
		if st.kw[k].start <= hi {
			for _, di := range s.pats[st.kw[k].pat].dets {
				st.near[di] = st.stamp
			}
			found = true
		}
	}
	return kwPtr, found
}

// contextKeywords fills st.ctx for a column name or JSON path, cached per
// distinct context (the cache is bounded).
// markPresent sets st.present for every detector with a keyword hit.
func (s *Scanner) markPresent(st *State) {
	if len(st.present) != len(s.dets) {
		st.present = make([]bool, len(s.dets))
	}
	if st.dirty {
		clear(st.present)
		st.dirty = false
	}
	for _, h := range st.kw {
		st.dirty = true
		for _, di := range s.pats[h.pat].dets {
			st.present[di] = true
		}
	}
}

func (s *Scanner) contextKeywords(st *State, b []byte) {
	if len(b) == 0 {
		if st.anyCtx {
			clear(st.ctx)
			st.anyCtx = false
		}
		return
	}
	if c, ok := st.ctxCache[string(b)]; ok {
		copy(st.ctx, c.set)
		st.anyCtx = c.any
		return
	}
	clear(st.ctx)
	st.anyCtx = false
	st.hits = s.ac.scan(b, st.hits[:0])
	for _, h := range st.hits {
		p := &s.pats[h.pat]
		if p.anchor || (p.boundary[0] && h.start > 0 && isAlnum(b[h.start-1])) || (p.boundary[1] && h.end < len(b) && isAlnum(b[h.end])) {
			continue
		}
		for _, di := range p.dets {
			st.ctx[di] = true
			st.anyCtx = true
		}
	}
	if st.ctxCache == nil || len(st.ctxCache) > 4096 {
		st.ctxCache = map[string]ctxEntry{}
	}
	st.ctxCache[string(b)] = ctxEntry{append([]bool(nil), st.ctx...), st.anyCtx}
}

// nearKeywords runs a keyword-triggered identifier's regex around each of its
// keywords (or over the whole value when the context has a keyword).
func (s *Scanner) nearKeywords(st *State, b []byte, di int, structured bool) {
	m := s.dets[di].managed
	if st.ctx[di] || (structured && s.hasKeyword(st, di)) {
		s.regexIn(st, b, di, 0, len(b), structured)
		return
	}
	lastEnd := 0
	for _, h := range st.kw {
		if !s.patHas(h.pat, di) {
			continue
		}
		lo, hi := max(h.start-m.window, lastEnd), min(h.end+m.window, len(b))
		if lo < hi {
			s.regexIn(st, b, di, lo, hi, structured)
		}
		lastEnd = max(lastEnd, hi)
	}
}

func (s *Scanner) regexIn(st *State, b []byte, di, lo, hi int, structured bool) {
	m := s.dets[di].managed
	st.spans = st.spans[:0]
	for _, loc := range m.re.FindAllIndex(b[lo:hi], -1) {
		a, e := lo+loc[0], lo+loc[1]
		if !regexEdgeOK(b, a, e) {
			continue
		}
		strong := false
		if m.valid != nil {
			ok, str := m.valid(b[a:e])
			if !ok {
				continue
			}
			strong = str
		}
		st.spans = append(st.spans, span{a, e, strong})
	}
	s.emit(st, b, di, st.spans, structured)
}

// regexEdgeOK keeps a shape from matching inside a longer token.
func regexEdgeOK(b []byte, s, e int) bool {
	tok := func(c byte) bool { return isAlnum(c) || c == '/' || c == '+' || c == '_' || c == '-' }
	return (s == 0 || !tok(b[s-1]) || !tok(b[s])) && (e == len(b) || !(tok(b[e]) || b[e] == '=') || !tok(b[e-1]))
}

func (s *Scanner) patHas(pat int32, di int) bool {
	for _, d := range s.pats[pat].dets {
		if int(d) == di {
			return true
		}
	}
	return false
}

func (s *Scanner) hasKeyword(st *State, di int) bool { return st.present[di] }

// keywordNear applies Macie's proximity rule for detector di at [a,e).
func (s *Scanner) keywordNear(st *State, b []byte, di, a, e int, structured bool) bool {
	if st.ctx[di] {
		return true
	}
	if structured {
		return s.hasKeyword(st, di)
	}
	lo := a - KeywordDistance*utf8.UTFMax - s.maxKwLen
	i := sort.Search(len(st.kw), func(i int) bool { return st.kw[i].end >= lo })
	for ; i < len(st.kw); i++ {
		h := st.kw[i]
		if h.start > e+KeywordDistance*utf8.UTFMax {
			break
		}
		if !s.patHas(h.pat, di) {
			continue
		}
		var gap []byte
		switch {
		case h.end <= a:
			gap = b[h.end:a]
		case h.start >= e:
			gap = b[e:h.start]
		}
		if utf8.RuneCount(gap) <= KeywordDistance {
			return true
		}
	}
	return false
}
