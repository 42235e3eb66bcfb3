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
	return Pattern{kind: kGeneral, toks: toks}
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
	return MatchTokens(p.toks, s)
}

// MatchTokens matches s against an uncompiled token sequence without allocating.
func MatchTokens(toks []Token, s string) bool {
	restricted := false
	for _, t := range toks {
		if t == StarNoColon || t == AnyOneNoColon {
			restricted = true
			break
		}
	}
	if restricted && len(toks) <= maxNFA {
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

// matchNFA simulates the pattern's NFA over s, one bit per token position.
func matchNFA(toks []Token, s string) bool {
	var cur, next [nfaWords]uint64
	m := len(toks)
	words := m/64 + 1
	set := func(b *[nfaWords]uint64, j int) { b[j>>6] |= 1 << (j & 63) }
	closure := func(b *[nfaWords]uint64) {
		for j := 0; j < m; j++ {
			if b[j>>6]&(1<<(j&63)) != 0 && isStar(toks[j]) {
				set(b, j+1)
			}
		}
	}
	set(&cur, 0)
	closure(&cur)
	for i := 0; i < len(s); {
		r, n := decode(s, i)
		i += n
		next = [nfaWords]uint64{}
		any := false
		for w := 0; w < words; w++ {
			for x := cur[w]; x != 0; x &= x - 1 {
				j := w*64 + bits.TrailingZeros64(x)
				if j == m {
					continue
				}
				switch t := toks[j]; t {
				case Star:
					set(&next, j)
					any = true
				case StarNoColon:
					if r != ':' {
						set(&next, j)
						any = true
					}
				default:
					if matchOne(t, r) {
						set(&next, j+1)
						any = true
					}
				}
			}
		}
		if !any {
			return false
		}
		closure(&next)
		cur = next
	}
	return cur[m>>6]&(1<<(m&63)) != 0
}
