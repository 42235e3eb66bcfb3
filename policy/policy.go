package policy

import (
	"strconv"
	"strings"
)

// Policy is a parsed IAM policy document. Positions refer to the JSON text
// given to Parse.
type Policy struct {
	Version    string // "" when absent
	ID         string // the "Id" element
	Statements []*Statement

	versionLine, versionColumn int
	hasStatement               bool
	idLine, idColumn           int
}

// Effect is a statement's "Effect".
type Effect uint8

// The two effects IAM knows.
const (
	Allow Effect = iota + 1
	Deny
)

// String returns "Allow" or "Deny" ("" for the zero value).
func (e Effect) String() string {
	switch e {
	case Allow:
		return "Allow"
	case Deny:
		return "Deny"
	}
	return ""
}

// Statement is one element of the "Statement" array.
type Statement struct {
	Index        int // position in the Statement array (0 when Statement is a single object)
	Sid          string
	Effect       Effect
	Principal    *Principals // from Principal or NotPrincipal; nil when neither
	NotPrincipal bool
	Actions      []string // from Action or NotAction
	NotAction    bool
	Resources    []string // from Resource or NotResource
	NotResource  bool
	HasResource  bool // Resource or NotResource present
	Conditions   []Condition
	Line, Column int

	path string              // JSON path of the statement ("Statement[2]" or "Statement")
	pos  map[string]position // element name ("Effect", "Action", "Action[2]", ...) -> position
	has  map[string]bool     // which elements appeared (incl. both Action and NotAction)
	raw  rawStatement
	ops  []opRef // condition operators in document order, even those without keys
}

// opRef is a condition operator and its position.
type opRef struct {
	name      string
	line, col int
}

// rawStatement keeps what is needed to report problems the typed fields cannot show.
type rawStatement struct {
	effect       string // verbatim Effect text
	effectIsText bool
}

type position struct{ line, col int }

// Principals is the value of Principal or NotPrincipal.
type Principals struct {
	Any           bool // "*" or {"AWS": "*"}
	AWS           []string
	Service       []string
	Federated     []string
	CanonicalUser []string
}

// Condition is one (operator, key) pair of a Condition block.
type Condition struct {
	Operator string   // verbatim, e.g. "ForAnyValue:StringLikeIfExists"
	Key      string   // verbatim
	Values   []string // JSON booleans and numbers keep their text ("true", "10")
	Line     int      // position of the key
	Column   int

	opLine, opColumn int // position of the operator
}

// Error is a parse or compile error with its position in the document.
type Error struct {
	Line, Column int    // 1-based; 0 when unknown
	Path         string // JSON path such as "Statement[1].Effect"
	Message      string
	Code         string // Access Analyzer-style issue code, e.g. "JSON_SYNTAX_ERROR" (parse errors only)
	Err          error  // wrapped cause, if any
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		b.WriteString("line ")
		b.WriteString(strconv.Itoa(e.Line))
		b.WriteString(", column ")
		b.WriteString(strconv.Itoa(e.Column))
	}
	if e.Path != "" {
		if b.Len() > 0 {
			b.WriteString(": ")
		}
		b.WriteString(e.Path)
	}
	if e.Message != "" {
		if b.Len() > 0 {
			b.WriteString(": ")
		}
		b.WriteString(e.Message)
	}
	return b.String()
}

// Unwrap returns the wrapped cause.
func (e *Error) Unwrap() error { return e.Err }
