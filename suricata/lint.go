package suricata

import (
	"sort"
)

// LintReport summarises how much of a rule file moat loads.
type LintReport struct {
	Rules  int // rule lines seen
	Parsed int
	// Unsupported counts, per keyword (or header field), the rules refused
	// because of it, split by who refuses.
	Unsupported []KeywordCount
	Errors      []*Error
}

// KeywordCount is one row of a LintReport.
type KeywordCount struct {
	Keyword string
	By      Refuser
	Rules   int
}

// Lint parses src and reports the parsed share and what made the rest fail.
func Lint(src []byte, cfg *Config) *LintReport {
	rs := Parse(src, cfg)
	rep := &LintReport{Rules: rs.Lines, Parsed: len(rs.Rules), Errors: rs.Errors}
	counts := map[KeywordCount]int{}
	for _, e := range rs.Errors {
		counts[KeywordCount{Keyword: e.Keyword, By: e.By}]++
	}
	for k, n := range counts {
		k.Rules = n
		rep.Unsupported = append(rep.Unsupported, k)
	}
	sort.Slice(rep.Unsupported, func(i, j int) bool {
		a, b := rep.Unsupported[i], rep.Unsupported[j]
		if a.Rules != b.Rules {
			return a.Rules > b.Rules
		}
		if a.Keyword != b.Keyword {
			return a.Keyword < b.Keyword
		}
		return a.By < b.By
	})
	return rep
}
