// Package glob matches IAM wildcard patterns ('*' = any run of characters,
// '?' = exactly one character) in time linear in the text for every pattern
// without colon-restricted wildcards, and O(text × pattern) otherwise: no
// backtracking, so hostile patterns such as "*a*a*a*a*b" cannot blow up.
//
// Two dialects exist. Plain (actions, StringLike): every wildcard matches any
// character. ARN (Resource, NotResource, the Arn* operators per field): a '*'
// or '?' may not match ':' unless the '*' is the last character of its
// colon-separated segment (it is followed by ':' or ends the pattern), which
// the IAM Resource page says may extend past colons.
//
// Patterns are sequences of Tokens so that text substituted for a policy
// variable stays literal even when it contains '*' or '?'.
package glob

import (
	"math/bits"
	"strings"
	"unicode/utf8"
)

// Token is a literal rune (>= 0) or one of the wildcard tokens below.
type Token = rune

// Wildcard tokens.
const (
	Star          Token = -1 // any run of characters
	StarNoColon   Token = -2 // any run of characters without ':'
	AnyOne        Token = -3 // exactly one character
	AnyOneNoColon Token = -4 // exactly one character other than ':'
)

// maxNFA is the longest token sequence matched by the NFA (colon-restricted
// wildcards); longer ones treat restricted wildcards as unrestricted.
const maxNFA = 64*nfaWords - 1

const nfaWords = 32

// Tokens converts pattern text to tokens in the given dialect.
func Tokens(pattern string, arn bool) []Token {
	toks := make([]Token, 0, len(pattern))
	for i, r := range pattern {
		switch r {
		case '*':
			if arn && i+1 < len(pattern) && pattern[i+1] != ':' {
				toks = append(toks, StarNoColon)
			} else {
				toks = append(toks, Star)
			}
		case '?':
			if arn {
				toks = append(toks, AnyOneNoColon)
			} else {
				toks = append(toks, AnyOne)
			}
		default:
			toks = append(toks, r)
		}
	}
	return toks
}

type kind uint8

const (
	kExact kind = iota
	kAll
	kPrefix
	kSuffix
	kGeneral
)

// Pattern is a compiled pattern. The zero value matches only "".
type Pattern struct {
	kind kind
	lit  string
	toks []Token
	// kGeneral without colon-restricted wildcards: anchored head and tail
	// chunks and the chunks between stars, pre-split.
	greedy     bool
	restricted bool
	noStar     bool
	head, tail chunk
	mids       []chunk
}

// chunk is a run of tokens without stars; plain chunks (no '?') keep their
// text for strings.HasPrefix / strings.Index.
type chunk struct {
	toks  []Token
	lit   string
	plain bool
}

func newChunk(toks []Token) chunk {
	c := chunk{toks: toks, plain: true}
	for _, t := range toks {
		if t < 0 {
			c.plain = false
			return c
		}
	}
	c.lit = literal(toks)
	return c
}

// Compile compiles pattern text in the given dialect.
func Compile(pattern string, arn bool) Pattern {
	return CompileTokens(Tokens(pattern, arn))
}

// CompileTokens compiles a token sequence, choosing a fast path when the
// pattern is a literal, "*", "literal*" or "*literal".
func CompileTokens(toks []Token) Pattern {
	wild, first, last := 0, -1, -1
	for i, t := range toks {
		if t < 0 {
			wild++
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	switch {
	case wild == 0:
		return Pattern{kind: kExact, lit: literal(toks)}
	case wild == 1 && len(toks) == 1 && toks[0] == Star:
		return Pattern{kind: kAll}
	case wild == 1 && last == len(toks)-1 && toks[last] == Star:
		return Pattern{kind: kPrefix, lit: literal(toks[:last])}
	case wild == 1 && first == 0 && toks[0] == Star:
		return Pattern{kind: kSuffix, lit: literal(toks[1:])}
	}
	p := Pattern{kind: kGeneral, toks: toks}
	// Patterns with colon-restricted wildcards are pre-split too: the chunk
	// matcher (treating every star as unrestricted) is a quick necessary
	// test, and sufficient when no ':' follows the literal head.
	p.restricted = hasRestricted(toks) && len(toks) <= maxNFA
	p.greedy = !p.restricted
	s0 := 0
	for s0 < len(toks) && !isStar(toks[s0]) {
		s0++
	}
	if s0 == len(toks) {
		p.noStar, p.head = true, newChunk(toks)
		return p
	}
	e0 := len(toks) - 1
	for !isStar(toks[e0]) {
		e0--
	}
	p.head, p.tail = newChunk(toks[:s0]), newChunk(toks[e0+1:])
	for k := s0 + 1; k <= e0; {
		if isStar(toks[k]) {
			k++
			continue
		}
		j := k
		for j <= e0 && !isStar(toks[j]) {
			j++
		}
		p.mids = append(p.mids, newChunk(toks[k:j]))
		k = j
	}
	return p
}

func hasRestricted(toks []Token) bool {
	for _, t := range toks {
		if t == StarNoColon || t == AnyOneNoColon {
			return true
		}
	}
	return false
}

// matchCompiled is matchGreedy over pre-split chunks.
func (p *Pattern) matchCompiled(s string) bool {
	if p.noStar {
		end, ok := chunkAt(p.head.toks, s, 0)
		return ok && end == len(s)
	}
	var start, end int
	if p.head.plain {
		if !strings.HasPrefix(s, p.head.lit) {
			return false
		}
		start = len(p.head.lit)
	} else {
		var ok bool
		if start, ok = chunkAt(p.head.toks, s, 0); !ok {
			return false
		}
	}
	if p.tail.plain {
		if !strings.HasSuffix(s, p.tail.lit) {
			return false
		}
		end = len(s) - len(p.tail.lit)
	} else {
		var ok bool
		if end, ok = chunkBefore(p.tail.toks, s, len(s)); !ok {
			return false
		}
	}
	if end < start {
		return false
	}
	i := start
	for k := range p.mids {
		c := &p.mids[k]
		if c.plain {
			idx := strings.Index(s[i:end], c.lit)
			if idx < 0 {
				return false
			}
			i += idx + len(c.lit)
			continue
		}
		next, ok := findChunk(c.toks, s, i, end)
		if !ok {
			return false
		}
		i = next
	}
	return true
}

func literal(toks []Token) string {
	var b strings.Builder
	for _, t := range toks {
		b.WriteRune(t)
	}
	return b.String()
}

// IsLiteral reports whether the pattern has no wildcard, and returns its text.
func (p *Pattern) IsLiteral() (string, bool) { return p.lit, p.kind == kExact }

// Prefix reports whether the pattern is "literal*", and returns the literal.
func (p *Pattern) Prefix() (string, bool) { return p.lit, p.kind == kPrefix }

// MatchesAll reports whether the pattern is "*".
func (p *Pattern) MatchesAll() bool { return p.kind == kAll }

// Match reports whether s matches the whole pattern.
func (p *Pattern) Match(s string) bool {
	switch p.kind {
	case kExact:
		return s == p.lit
	case kAll:
		return true
	case kPrefix:
		return strings.HasPrefix(s, p.lit)
	case kSuffix:
		return strings.HasSuffix(s, p.lit)
	}
	if p.greedy {
		return p.matchCompiled(s)
	}
	if !p.matchCompiled(s) {
		return false
	}
	if p.head.plain && strings.IndexByte(s[len(p.head.lit):], ':') < 0 {
		return true
	}
	return matchNFA(p.toks, s)
}

// MatchTokens matches s against an uncompiled token sequence without allocating.
func MatchTokens(toks []Token, s string) bool {
	if hasRestricted(toks) && len(toks) <= maxNFA {
		return matchNFA(toks, s)
	}
	return matchGreedy(toks, s)
}

func isStar(t Token) bool { return t == Star || t == StarNoColon }

// matchOne reports whether token t accepts rune r.
func matchOne(t Token, r rune) bool {
	switch t {
	case AnyOne:
		return true
	case AnyOneNoColon:
		return r != ':'
	}
	return t == r
}

func decode(s string, i int) (rune, int) {
	if c := s[i]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeRuneInString(s[i:])
}

// chunkAt matches a wildcard-free (stars excluded) chunk at s[i:], returning its end.
func chunkAt(chunk []Token, s string, i int) (int, bool) {
	for _, t := range chunk {
		if i >= len(s) {
			return 0, false
		}
		r, n := decode(s, i)
		if !matchOne(t, r) {
			return 0, false
		}
		i += n
	}
	return i, true
}

// chunkBefore matches chunk so that it ends exactly at end, returning its start.
func chunkBefore(chunk []Token, s string, end int) (int, bool) {
	for k := len(chunk) - 1; k >= 0; k-- {
		if end <= 0 {
			return 0, false
		}
		r, n := utf8.DecodeLastRuneInString(s[:end])
		if !matchOne(chunk[k], r) {
			return 0, false
		}
		end -= n
	}
	return end, true
}

// matchGreedy treats every star as unrestricted: anchored first and last
// chunks, then each middle chunk at its leftmost position. Leftmost placement
// is optimal for such patterns, so no backtracking is needed.
func matchGreedy(toks []Token, s string) bool {
	first := 0
	for first < len(toks) && !isStar(toks[first]) {
		first++
	}
	if first == len(toks) { // no star
		end, ok := chunkAt(toks, s, 0)
		return ok && end == len(s)
	}
	last := len(toks) - 1
	for !isStar(toks[last]) {
		last--
	}
	start, ok := chunkAt(toks[:first], s, 0)
	if !ok {
		return false
	}
	end, ok := chunkBefore(toks[last+1:], s, len(s))
	if !ok || end < start {
		return false
	}
	i := start
	for k := first + 1; k <= last; {
		if isStar(toks[k]) {
			k++
			continue
		}
		j := k
		for j <= last && !isStar(toks[j]) {
			j++
		}
		next, ok := findChunk(toks[k:j], s, i, end)
		if !ok {
			return false
		}
		i, k = next, j
	}
	return true
}

// findChunk finds chunk's leftmost occurrence within s[from:limit], returning its end.
func findChunk(chunk []Token, s string, from, limit int) (int, bool) {
	if lit, ok := plain(chunk); ok {
		var buf [64]byte
		if len(lit) <= len(buf) {
			n := 0
			for _, r := range lit {
				n += utf8.EncodeRune(buf[n:], r)
			}
			if idx := strings.Index(s[from:limit], string(buf[:n])); idx >= 0 {
				return from + idx + n, true
			}
			return 0, false
		}
	}
	for i := from; i < limit; {
		if end, ok := chunkAt(chunk, s, i); ok && end <= limit {
			return end, true
		}
		_, n := decode(s, i)
		i += n
	}
	return 0, false
}

// plain reports whether a chunk is all literal runes (and short enough to
// encode on the stack).
func plain(chunk []Token) ([]Token, bool) {
	if len(chunk) > 16 {
		return nil, false
	}
	for _, t := range chunk {
		if t < 0 {
			return nil, false
		}
	}
	return chunk, true
}

// matchNFA simulates the pattern's NFA over s, one bit per token position:
// O(len(s) × active states), no backtracking.
func matchNFA(toks []Token, s string) bool {
	var cur, next, stars [nfaWords]uint64
	m := len(toks)
	words := m/64 + 1
	for j, t := range toks {
		if isStar(t) {
			stars[j>>6] |= 1 << (j & 63)
		}
	}
	// closure adds, for every active star position j, position j+1 (a star
	// may match nothing), repeating for runs of consecutive stars.
	closure := func(b *[nfaWords]uint64) {
		for {
			changed := false
			var carry uint64
			for w := 0; w < words; w++ {
				x := b[w] & stars[w]
				add := (x << 1) | carry
				carry = x >> 63
				if add&^b[w] != 0 {
					b[w] |= add
					changed = true
				}
			}
			if !changed {
				return
			}
		}
	}
	cur[0] = 1
	closure(&cur)
	for i := 0; i < len(s); {
		r, n := decode(s, i)
		i += n
		any := false
		for w := 0; w < words; w++ {
			next[w] = 0
		}
		for w := 0; w < words; w++ {
			for x := cur[w]; x != 0; x &= x - 1 {
				j := w*64 + bits.TrailingZeros64(x)
				if j == m {
					continue
				}
				switch t := toks[j]; t {
				case Star:
				case StarNoColon:
					if r == ':' {
						continue
					}
				default:
					if matchOne(t, r) {
						next[(j+1)>>6] |= 1 << ((j + 1) & 63)
						any = true
					}
					continue
				}
				next[w] |= 1 << (j & 63) // a star consumes r and stays
				any = true
			}
		}
		if !any {
			return false
		}
		closure(&next)
		cur, next = next, cur
	}
	return cur[m>>6]&(1<<(m&63)) != 0
}
