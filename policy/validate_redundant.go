package policy

import (
	"strconv"
	"strings"

	"github.com/moatdev/moat/policy/internal/glob"
)

// redundancy reports Access Analyzer's REDUNDANT_ACTION and
// REDUNDANT_RESOURCE suggestions (an entry another wildcard entry of the same
// statement already covers) and the PASS_ROLE_WITH_STAR_IN_RESOURCE security
// warning.
func (v *validator) redundancy(s *Statement) {
	actElem, resElem := "Action", "Resource"
	if s.NotAction {
		actElem = "NotAction"
	}
	if s.NotResource {
		resElem = "NotResource"
	}
	lower := make([]string, len(s.Actions))
	for i, a := range s.Actions {
		lower[i] = strings.ToLower(a)
	}
	for i, j := range coveredBy(lower, false) {
		if j >= 0 {
			v.at(s, actElem+"["+strconv.Itoa(i)+"]", SeveritySuggestion, "REDUNDANT_ACTION",
				"the action %q is already covered by %q in the same statement", s.Actions[i], s.Actions[j])
		}
	}
	for i, j := range coveredBy(s.Resources, true) {
		if j >= 0 {
			v.at(s, resElem+"["+strconv.Itoa(i)+"]", SeveritySuggestion, "REDUNDANT_RESOURCE",
				"the resource %q is already covered by %q in the same statement", s.Resources[i], s.Resources[j])
		}
	}
	if s.Effect == Allow && !s.NotAction && s.HasResource && !s.NotResource && v.kind.grantsToCaller() {
		star := false
		for _, r := range s.Resources {
			star = star || r == "*"
		}
		for _, c := range s.Conditions {
			star = star && !strings.EqualFold(c.Key, "iam:PassedToService")
		}
		for i, a := range lower {
			p := glob.Compile(a, false)
			if !star || !p.Match("iam:passrole") {
				continue
			}
			code := "PASS_ROLE_WITH_STAR_IN_RESOURCE"
			if a != "iam:passrole" {
				code = "PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE"
			}
			v.at(s, actElem+"["+strconv.Itoa(i)+"]", SeverityWarning, code,
				"using iam:PassRole with a wildcard resource can let the principal pass any role to any service; list the role ARNs in Resource or add the iam:PassedToService condition key")
			break
		}
	}
}

// grantsToCaller reports whether the kind's Allow statements grant permissions
// (rather than only limit them).
func (k Kind) grantsToCaller() bool { return k == Identity || k == Resource }

// covers reports whether wildcard pattern p matches everything q (text e)
// matches, using only sound rules: "*" covers all, "prefix*" covers what
// starts with prefix, and a wildcard pattern covers a literal it matches.
func covers(p, q *glob.Pattern, e string) bool {
	if strings.Contains(e, "${") {
		return false
	}
	if _, lit := p.IsLiteral(); lit {
		return false
	}
	if p.MatchesAll() {
		return true
	}
	if pre, ok := p.Prefix(); ok {
		return strings.HasPrefix(e, pre)
	}
	if _, lit := q.IsLiteral(); lit {
		return p.Match(e)
	}
	return false
}

// coveredBy returns, for each entry, the index of a different, wildcard entry
// that matches it, or -1. Identical duplicates count the later one as covered.
func coveredBy(entries []string, arn bool) []int {
	out := make([]int, len(entries))
	if len(entries) > 500 { // quadratic; skip huge lists (ReadOnlyAccess has ~1,500 per statement)
		for i := range out {
			out[i] = -1
		}
		return out
	}
	pats := make([]glob.Pattern, len(entries))
	for i, e := range entries {
		pats[i] = glob.Compile(e, arn)
	}
	for i, e := range entries {
		out[i] = -1
		for j := range entries {
			if i == j {
				continue
			}
			if entries[j] == e {
				if j < i {
					out[i] = j
					break
				}
				continue
			}
			if covers(&pats[j], &pats[i], e) {
				out[i] = j
				break
			}
		}
	}
	return out
}
