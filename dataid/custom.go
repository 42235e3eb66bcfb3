package dataid

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

// Limits of CreateCustomDataIdentifier, as the Macie API reference states them.
const (
	MaxCustomNameLength   = 128
	MaxCustomRegexLength  = 512
	MaxCustomKeywords     = 50
	MaxCustomIgnoreWords  = 10
	DefaultMatchDistance  = 50
	MaxMatchDistance      = 300
	MaxDescriptionLength  = 512
	maxCustomRepeat       = 100 // moat's bound on {n,m} repeats; Macie rejects "large" ones without a number
	minKeywordLen, maxKwd = 3, 90
	minIgnoreLen, maxIgn  = 4, 90
)

// Severity is a finding severity as Macie names it.
type Severity string

const (
	Low    Severity = "LOW"
	Medium Severity = "MEDIUM"
	High   Severity = "HIGH"
)

// Score is Macie's severity score: 1 Low, 2 Medium, 3 High.
func (s Severity) Score() int {
	switch s {
	case Low:
		return 1
	case Medium:
		return 2
	case High:
		return 3
	}
	return 0
}

// SeverityLevel is one {occurrencesThreshold, severity} of a custom identifier.
type SeverityLevel struct {
	OccurrencesThreshold int64    `json:"occurrencesThreshold"`
	Severity             Severity `json:"severity"`
}

// CustomDataIdentifierInput is the body of CreateCustomDataIdentifier (and of
// a --custom file), with Macie's lowerCamel field names.
type CustomDataIdentifierInput struct {
	Name                 string          `json:"name"`
	Description          string          `json:"description,omitempty"`
	Regex                string          `json:"regex"`
	Keywords             []string        `json:"keywords,omitempty"`
	IgnoreWords          []string        `json:"ignoreWords,omitempty"`
	MaximumMatchDistance *int            `json:"maximumMatchDistance,omitempty"`
	SeverityLevels       []SeverityLevel `json:"severityLevels,omitempty"`
}

// CustomDataIdentifier is a compiled custom data identifier.
type CustomDataIdentifier struct {
	Name                 string
	Keywords             []string
	IgnoreWords          []string
	MaximumMatchDistance int
	SeverityLevels       []SeverityLevel
	re                   *regexp.Regexp
}

// ValidationError is a rejected custom identifier or allow list: Field names
// the input field as Macie's API spells it (ValidationException in Macie).
type ValidationError struct {
	Field   string
	Message string
}

func (e *ValidationError) Error() string { return e.Field + ": " + e.Message }

func invalid(field, format string, a ...any) error {
	return &ValidationError{Field: field, Message: fmt.Sprintf(format, a...)}
}

// CompileCustom validates in as CreateCustomDataIdentifier does and compiles it.
func CompileCustom(in CustomDataIdentifierInput) (*CustomDataIdentifier, error) {
	switch n := utf8.RuneCountInString(in.Name); {
	case n == 0:
		return nil, invalid("name", "is required")
	case n > MaxCustomNameLength:
		return nil, invalid("name", "has %d characters, at most %d are allowed", n, MaxCustomNameLength)
	}
	if n := utf8.RuneCountInString(in.Description); n > MaxDescriptionLength {
		return nil, invalid("description", "has %d characters, at most %d are allowed", n, MaxDescriptionLength)
	}
	re, err := compileMacieRegex("regex", in.Regex)
	if err != nil {
		return nil, err
	}
	if err := checkWords("keywords", in.Keywords, MaxCustomKeywords, minKeywordLen, maxKwd); err != nil {
		return nil, err
	}
	if err := checkWords("ignoreWords", in.IgnoreWords, MaxCustomIgnoreWords, minIgnoreLen, maxIgn); err != nil {
		return nil, err
	}
	dist := DefaultMatchDistance
	if in.MaximumMatchDistance != nil {
		dist = *in.MaximumMatchDistance
		if dist < 1 || dist > MaxMatchDistance {
			return nil, invalid("maximumMatchDistance", "%d is outside 1-%d", dist, MaxMatchDistance)
		}
	}
	levels, err := checkSeverityLevels(in.SeverityLevels)
	if err != nil {
		return nil, err
	}
	return &CustomDataIdentifier{Name: in.Name, Keywords: in.Keywords, IgnoreWords: in.IgnoreWords,
		MaximumMatchDistance: dist, SeverityLevels: levels, re: re}, nil
}

// compileMacieRegex accepts the regex dialect Macie documents for custom
// identifiers and allow lists: no capture groups (use (?:...)), no
// back-references or look-around (RE2 has neither), no huge bounded repeats,
// and flags only as inline (?i) style groups.
func compileMacieRegex(field, expr string) (*regexp.Regexp, error) {
	switch n := utf8.RuneCountInString(expr); {
	case n == 0:
		return nil, invalid(field, "is required")
	case n > MaxCustomRegexLength:
		return nil, invalid(field, "has %d characters, at most %d are allowed", n, MaxCustomRegexLength)
	}
	tree, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil, invalid(field, "%v", err)
	}
	if err := checkRegexTree(field, tree); err != nil {
		return nil, err
	}
	return regexp.Compile(expr)
}

func checkRegexTree(field string, t *syntax.Regexp) error {
	switch t.Op {
	case syntax.OpCapture:
		return invalid(field, "capture groups are not supported; use a non-capturing group (?:...) instead of %q", t.String())
	case syntax.OpRepeat:
		if t.Max > maxCustomRepeat || t.Min > maxCustomRepeat {
			return invalid(field, "the repeat %s is too large (moat allows bounds up to %d)", t.String(), maxCustomRepeat)
		}
	}
	for _, s := range t.Sub {
		if err := checkRegexTree(field, s); err != nil {
			return err
		}
	}
	return nil
}

func checkWords(field string, words []string, maxN, minLen, maxLen int) error {
	if len(words) > maxN {
		return invalid(field, "has %d entries, at most %d are allowed", len(words), maxN)
	}
	for i, w := range words {
		if n := utf8.RuneCountInString(w); n < minLen || n > maxLen {
			return invalid(fmt.Sprintf("%s[%d]", field, i), "%q has %d characters, %d-%d are allowed", w, n, minLen, maxLen)
		}
	}
	return nil
}

func checkSeverityLevels(in []SeverityLevel) ([]SeverityLevel, error) {
	if len(in) == 0 {
		return []SeverityLevel{{OccurrencesThreshold: 1, Severity: Medium}}, nil
	}
	if len(in) > 3 {
		return nil, invalid("severityLevels", "has %d entries, at most 3 are allowed", len(in))
	}
	seen := map[Severity]bool{}
	for i, l := range in {
		f := fmt.Sprintf("severityLevels[%d]", i)
		if l.Severity.Score() == 0 {
			return nil, invalid(f+".severity", "%q: expected LOW, MEDIUM or HIGH", l.Severity)
		}
		if seen[l.Severity] {
			return nil, invalid(f+".severity", "%s is given twice", l.Severity)
		}
		seen[l.Severity] = true
		if l.OccurrencesThreshold < 1 {
			return nil, invalid(f+".occurrencesThreshold", "%d must be at least 1", l.OccurrencesThreshold)
		}
		if i > 0 && (l.OccurrencesThreshold <= in[i-1].OccurrencesThreshold || l.Severity.Score() <= in[i-1].Severity.Score()) {
			return nil, invalid(f, "thresholds must ascend with severity from LOW to HIGH")
		}
	}
	return append([]SeverityLevel(nil), in...), nil
}

// SeverityFor returns the severity of a finding with n occurrences, and false
// when n is below the lowest threshold (Macie then creates no finding).
func (c *CustomDataIdentifier) SeverityFor(n int64) (Severity, bool) {
	var sev Severity
	for _, l := range c.SeverityLevels {
		if n >= l.OccurrencesThreshold {
			sev = l.Severity
		}
	}
	return sev, sev != ""
}

// scanCustom finds a custom identifier's matches. With keywords, a match must
// end within MaximumMatchDistance characters after the end of a keyword
// (Macie's definition), or the structured context must hold a keyword.
func (s *Scanner) scanCustom(st *State, b []byte, di int, c *CustomDataIdentifier, structured bool) {
	st.spans = st.spans[:0]
	if len(c.Keywords) == 0 || st.ctx[di] || (structured && s.hasKeyword(st, di)) {
		for _, loc := range c.re.FindAllIndex(b, -1) {
			st.spans = append(st.spans, span{loc[0], loc[1], true})
		}
	} else {
		lastEnd := -1
		for _, h := range st.kw {
			if !s.patHas(h.pat, di) {
				continue
			}
			hi := advanceRunes(b, h.end, c.MaximumMatchDistance)
			for _, loc := range c.re.FindAllIndex(b[h.end:hi], -1) {
				a, e := h.end+loc[0], h.end+loc[1]
				if a >= lastEnd && a < e {
					st.spans = append(st.spans, span{a, e, true})
					lastEnd = e
				}
			}
		}
	}
	out := st.spans[:0]
	for _, sp := range st.spans {
		if sp.start == sp.end || c.ignored(b[sp.start:sp.end]) {
			continue
		}
		out = append(out, sp)
	}
	s.emit(st, b, di, out, structured)
}

// ignored: Macie drops a match that contains an ignore word (case-sensitive).
func (c *CustomDataIdentifier) ignored(m []byte) bool {
	for _, w := range c.IgnoreWords {
		if strings.Contains(string(m), w) {
			return true
		}
	}
	return false
}

func advanceRunes(b []byte, i, n int) int {
	for ; n > 0 && i < len(b); n-- {
		_, sz := utf8.DecodeRune(b[i:])
		i += sz
	}
	return i
}

// TestCustomDataIdentifier is Macie's TestCustomDataIdentifier: it compiles
// the identifier and returns how many times it matches sampleText (at most
// 1,000 characters in Macie).
func TestCustomDataIdentifier(in CustomDataIdentifierInput, sampleText string) (int, error) {
	if n := utf8.RuneCountInString(sampleText); n == 0 || n > 1000 {
		return 0, invalid("sampleText", "has %d characters, 1-1000 are allowed", n)
	}
	c, err := CompileCustom(in)
	if err != nil {
		return 0, err
	}
	s, err := New(Config{Managed: Selector{Kind: "NONE"}, Custom: []*CustomDataIdentifier{c}})
	if err != nil {
		return 0, err
	}
	return len(s.Scan(s.NewState(), []byte(sampleText), "", false)), nil
}

// AllowList is a Macie allow list: a regex, or predefined words that must
// match an occurrence exactly (case-insensitively).
type AllowList struct {
	Name  string
	re    *regexp.Regexp
	words map[string]struct{}
}

// NewRegexAllowList compiles an allow list of type regex (<= 512 characters).
func NewRegexAllowList(name, expr string) (*AllowList, error) {
	if _, err := compileMacieRegex("criteria.regex", expr); err != nil {
		return nil, err
	}
	re, err := regexp.Compile(`^(?:` + expr + `)$`)
	if err != nil {
		return nil, invalid("criteria.regex", "%v", err)
	}
	return &AllowList{Name: name, re: re}, nil
}

// NewWordsAllowList builds an allow list of predefined text, one entry a line
// as in Macie's s3WordsList file (blank lines ignored; at most 100,000 entries).
func NewWordsAllowList(name string, text string) (*AllowList, error) {
	words := map[string]struct{}{}
	for i, line := range strings.Split(text, "\n") {
		w := strings.TrimRight(line, "\r")
		if strings.TrimSpace(w) == "" {
			continue
		}
		if utf8.RuneCountInString(w) > 90 {
			return nil, invalid(fmt.Sprintf("s3WordsList line %d", i+1), "entry has more than 90 characters")
		}
		words[strings.ToLower(w)] = struct{}{}
	}
	if len(words) > 100000 {
		return nil, invalid("s3WordsList", "has %d entries, at most 100,000 are allowed", len(words))
	}
	return &AllowList{Name: name, words: words}, nil
}

// Allows reports whether an occurrence's text is on the list. A regex list
// allows text it matches in full. [unverified] Macie says only that data
// matching the pattern is not reported; moat requires the pattern to cover
// the whole occurrence.
func (a *AllowList) Allows(text []byte) bool {
	if a.re != nil {
		return a.re.Match(text)
	}
	_, ok := a.words[strings.ToLower(string(text))]
	return ok
}
