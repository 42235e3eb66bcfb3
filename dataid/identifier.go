package dataid

import (
	"fmt"
	"regexp"
	"sort"
)

// Category is Macie's SensitiveDataItemCategory, plus CUSTOM_IDENTIFIER for
// occurrences of custom data identifiers (Macie reports those under
// customDataIdentifiers, not sensitiveData).
type Category string

// The categories of managed data identifiers, as Macie names them.
const (
	Credentials          Category = "CREDENTIALS"
	FinancialInformation Category = "FINANCIAL_INFORMATION"
	PersonalInformation  Category = "PERSONAL_INFORMATION"
	CustomIdentifier     Category = "CUSTOM_IDENTIFIER"
)

// Profile selects which managed identifiers exist: ProfileMacie holds only
// identifiers Macie has, under Macie's ids; ProfileExtended adds moat's own
// (Korean identifiers, e-mail addresses, AWS access key ids).
type Profile int

const (
	ProfileMacie Profile = iota
	ProfileExtended
)

// ParseProfile reads "macie" or "extended".
func ParseProfile(s string) (Profile, error) {
	switch s {
	case "macie":
		return ProfileMacie, nil
	case "extended":
		return ProfileExtended, nil
	}
	return 0, fmt.Errorf("profile %q: expected macie or extended", s)
}

// KeywordRule says when an identifier needs a keyword in proximity.
type KeywordRule int

const (
	// KeywordNotRequired: the data alone is reported.
	KeywordNotRequired KeywordRule = iota
	// KeywordRequired: a keyword must be in proximity (Macie's "Keyword required: Yes").
	KeywordRequired
	// KeywordUnlessStrong: weak matches (a phone number without a country
	// code, a Korean RRN without a valid check digit) need a keyword; strong
	// ones do not.
	KeywordUnlessStrong
)

type trigger int

const (
	triggerDigits  trigger = iota + 1 // called for each run of digits and separators
	triggerAnchor                     // called at each occurrence of a literal anchor
	triggerKeyword                    // regex searched near each keyword occurrence
)

// span is one match: [start, end) in the segment; strong marks matches that
// satisfy KeywordUnlessStrong without a keyword.
type span struct {
	start, end int
	strong     bool
}

// Managed is one managed data identifier. The exported fields describe it
// (ListManagedDataIdentifiers reports them); the unexported ones match it.
type Managed struct {
	ID          string   // Macie's id, e.g. CREDIT_CARD_NUMBER; moat's own ids for extensions
	Category    Category // CREDENTIALS, FINANCIAL_INFORMATION or PERSONAL_INFORMATION
	Countries   []string // "Any" or country names as Macie lists them
	Extended    bool     // a moat extension, absent from Macie (only in ProfileExtended)
	Recommended bool     // in Macie's recommended set for discovery jobs
	Keywords    []string // case-insensitive; spaces also match '_', '-' or nothing
	KeywordRule KeywordRule

	// NoKeywordOf names the identifier whose keyword-less matches this one
	// reports (CREDIT_CARD_NUMBER_(NO_KEYWORD) reports the card numbers
	// CREDIT_CARD_NUMBER would report if a keyword were near).
	NoKeywordOf string

	trig      trigger
	minDigits int    // triggerDigits: runs with fewer digits are not offered
	ibanCC    string // IBAN identifiers: offered only runs right after this country code
	// strongGate, for KeywordUnlessStrong digit identifiers: when no keyword
	// is present, runs it rejects are not offered (they could only be weak).
	strongGate func(b []byte, r *numRun) bool
	anchors    []string                                     // triggerAnchor: case-insensitive literals
	findAt     func(b []byte, s, e int, out []span) []span  // triggerAnchor: verify at the anchor [s,e)
	findRun    func(b []byte, r *numRun, out []span) []span // triggerDigits: verify a digit run
	re         *regexp.Regexp                               // triggerKeyword: the shape
	window     int                                          // triggerKeyword: bytes searched on each side of a keyword
	valid      func(m []byte) (ok, strong bool)             // triggerKeyword: optional check on the shape
}

var registry = map[string]*Managed{}

// register adds an identifier; it panics on a missing field or duplicate id,
// since both are programming errors in this package.
func register(m *Managed) {
	switch {
	case m.ID == "" || m.Category == "" || m.trig == 0:
		panic(fmt.Sprintf("dataid: incomplete identifier %+v", m))
	case registry[m.ID] != nil:
		panic("dataid: duplicate identifier " + m.ID)
	case m.trig == triggerKeyword && (m.re == nil || len(m.Keywords) == 0):
		panic("dataid: keyword-triggered identifier without regex or keywords: " + m.ID)
	case m.trig == triggerAnchor && (m.findAt == nil || len(m.anchors) == 0), m.trig == triggerDigits && m.findRun == nil:
		panic("dataid: identifier without matcher: " + m.ID)
	}
	registry[m.ID] = m
}

// ManagedIdentifiers returns the identifiers of the profile, sorted by id.
func ManagedIdentifiers(p Profile) []*Managed {
	var out []*Managed
	for _, m := range registry {
		if !m.Extended || p == ProfileExtended {
			out = append(out, m)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// LookupManaged returns the identifier with this id, in any profile.
func LookupManaged(id string) (*Managed, bool) {
	m, ok := registry[id]
	return m, ok
}
