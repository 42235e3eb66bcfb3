package eventpattern

import (
	"fmt"
	"strings"
)

// wildcard is a compiled wildcard operand: literal segments separated by '*'.
// A '*' matches any run of characters, including none; "\*" is a literal
// star and "\\" a literal backslash, as AWS documents.
type wildcard struct {
	parts []string // literal segments; len(parts) = stars + 1
}

// parseWildcard compiles a wildcard operand. Its errors are Event Ruler's
// messages, with pos the index of the offending character.
func parseWildcard(s string) (wildcard, error) {
	var w wildcard
	var cur strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			if i+1 >= len(s) || (s[i+1] != '*' && s[i+1] != '\\') {
				return w, fmt.Errorf("Invalid escape character at pos %d", i)
			}
			cur.WriteByte(s[i+1])
			i++
		case '*':
			if i+1 < len(s) && s[i+1] == '*' {
				return w, fmt.Errorf("Consecutive wildcard characters at pos %d", i)
			}
			w.parts = append(w.parts, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	w.parts = append(w.parts, cur.String())
	return w, nil
}

// stars is the number of '*' in the operand.
func (w *wildcard) stars() int { return len(w.parts) - 1 }

// match reports whether s matches. With '*' the only metacharacter, taking
// each middle segment at its leftmost occurrence is exact, so matching is
// linear in len(s) times the number of segments, with no backtracking.
func (w *wildcard) match(s string) bool {
	n := len(w.parts)
	if n == 1 {
		return s == w.parts[0]
	}
	first, last := w.parts[0], w.parts[n-1]
	if len(s) < len(first)+len(last) || !strings.HasPrefix(s, first) || !strings.HasSuffix(s, last) {
		return false
	}
	mid := s[len(first) : len(s)-len(last)]
	for _, p := range w.parts[1 : n-1] {
		i := strings.Index(mid, p)
		if i < 0 {
			return false
		}
		mid = mid[i+len(p):]
	}
	return true
}
