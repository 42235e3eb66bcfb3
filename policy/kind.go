package policy

// Kind is the policy type a document is used as; it changes which elements are
// allowed (Validate) and whether Principal is matched (Compile).
type Kind uint8

// Policy types.
const (
	Identity Kind = iota
	Resource
	Trust
	PermissionsBoundary
	Session
	SCP
	RCP
	EndpointPolicy
)

var kindNames = [...]string{"identity", "resource", "trust", "boundary", "session", "scp", "rcp", "endpoint"}

// String returns the kind's short name as the CLI's --type flag spells it.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(" + itoa(int(k)) + ")"
}

// ParseKind is the inverse of Kind.String.
func ParseKind(s string) (Kind, bool) {
	for i, n := range kindNames {
		if n == s {
			return Kind(i), true
		}
	}
	return 0, false
}

// hasPrincipal reports whether statements of this kind carry Principal.
func (k Kind) hasPrincipal() bool {
	return k == Resource || k == Trust || k == RCP || k == EndpointPolicy
}

// Severity of a validation finding.
type Severity uint8

// Severities, as IAM Access Analyzer names them.
const (
	SeverityError Severity = iota
	SeverityWarning
	SeveritySuggestion
)

// String returns "ERROR", "WARNING" or "SUGGESTION".
func (s Severity) String() string {
	switch s {
	case SeverityError:
		return "ERROR"
	case SeverityWarning:
		return "WARNING"
	case SeveritySuggestion:
		return "SUGGESTION"
	}
	return "Severity(" + itoa(int(s)) + ")"
}

// MarshalText renders the severity as its String.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Finding is one validation result.
type Finding struct {
	Severity Severity
	Code     string // Access Analyzer-style issue code, e.g. "MISSING_PRINCIPAL"
	Path     string // e.g. "Statement[1].Principal"
	Line     int
	Column   int
	Message  string
}
