package eventpattern

import (
	"errors"
	"net/netip"
	"sort"
	"strings"
	"unicode/utf8"
)

// Limits. AWS documents the pattern size only; the others are moat's, set far
// above what a 2048-character pattern can reach in practice, to bound work.
const (
	// DefaultMaxPatternSize is EventBridge's default "Event pattern" quota:
	// 2048 characters (adjustable with AWS up to the PutRule API's 4096).
	// Sizes are counted in characters (runes), as AWS does, not bytes.
	DefaultMaxPatternSize = 2048
	// MaxPatternSize is the PutRule API's length constraint on EventPattern.
	MaxPatternSize = 4096
	// MaxPatternDepth bounds the nesting of a pattern's JSON (moat's limit).
	MaxPatternDepth = 64
	// MaxBranches bounds the AND-branches a pattern's $or combinations expand
	// into (moat's limit; AWS rejects overly complex patterns without saying
	// where its line is).
	MaxBranches = 1024
)

// Pattern is a parsed, validated event pattern. It is immutable and safe to
// share between goroutines.
type Pattern struct {
	source   string
	branches []branch // OR of branches
}

// branch is one AND of field conditions: every field must match.
type branch struct {
	fields []field // sorted by path
}

// field is a condition on one leaf path: any of the matchers (OR).
type field struct {
	path     string
	matchers []matcher
}

// String returns the pattern's JSON as given to Parse.
func (p *Pattern) String() string { return p.source }

// Paths returns the leaf paths the pattern tests, sorted and deduplicated.
func (p *Pattern) Paths() []string {
	seen := map[string]bool{}
	var out []string
	for _, b := range p.branches {
		for _, f := range b.fields {
			if !seen[f.path] {
				seen[f.path] = true
				out = append(out, f.path)
			}
		}
	}
	sort.Strings(out)
	return out
}

// Parse parses and validates an event pattern of at most
// DefaultMaxPatternSize bytes. Errors are *Error.
func Parse(data []byte) (*Pattern, error) { return ParseLimit(data, DefaultMaxPatternSize) }

// ParseLimit is Parse with another size limit (an account with a raised
// quota); maxSize is capped at MaxPatternSize, and 0 or less means
// MaxPatternSize.
func ParseLimit(data []byte, maxSize int) (*Pattern, error) {
	if maxSize <= 0 || maxSize > MaxPatternSize {
		maxSize = MaxPatternSize
	}
	if n := utf8.RuneCount(data); n > maxSize { // AWS counts characters
		return nil, &Error{Line: 1, Column: 1, Reason: "Event pattern is too long: " + itoa(n) +
			" characters, the maximum is " + itoa(maxSize)}
	}
	root, err := parseTree(data, MaxPatternDepth)
	if err != nil {
		return nil, toError(data, "", err)
	}
	c := &compiler{data: data}
	if root.kind != '{' {
		return nil, c.err(root.off, "", "Filter is not an object")
	}
	var branches []map[string]*field
	if err := c.object(&branches, "", root, false); err != nil {
		return nil, err
	}
	p := &Pattern{source: string(data)}
	for _, b := range branches {
		var br branch
		for _, f := range b {
			br.fields = append(br.fields, *f)
		}
		sort.Slice(br.fields, func(i, j int) bool { return br.fields[i].path < br.fields[j].path })
		p.branches = append(p.branches, br)
	}
	return p, nil
}

func toError(data []byte, path string, err error) *Error {
	var ea *errAt
	if errors.As(err, &ea) {
		l, c := lineCol(data, ea.off)
		return &Error{Line: l, Column: c, Path: path, Reason: ea.reason}
	}
	return &Error{Line: 1, Column: 1, Path: path, Reason: err.Error()}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for ; n > 0; n /= 10 {
		i--
		b[i] = byte('0' + n%10)
	}
	return string(b[i:])
}

// compiler turns the JSON tree into branches, following Event Ruler's
// streaming semantics: fields are applied in order, a later field with the
// same path replaces an earlier one, and "$or" forks every branch built so far.
type compiler struct {
	data []byte
}

func (c *compiler) err(off int, path, reason string) *Error {
	l, col := lineCol(c.data, off)
	return &Error{Line: l, Column: col, Path: path, Reason: reason}
}

// reservedInOr are the names Event Ruler refuses as field names inside $or
// (Constants.RESERVED_FIELD_NAMES_IN_OR_RELATIONSHIP): its match types,
// the numeric operators and names it reserves for future operators.
var reservedInOr = map[string]bool{
	"exactly": true, "equals-ignore-case": true, "prefix": true, "suffix": true, "anything-but": true,
	"exists": true, "wildcard": true, "numeric": true, "cidr": true,
	"=": true, "<": true, "<=": true, ">": true, ">=": true,
	"regex": true, "not-wildcard": true, "not-equals-ignore-case": true,
	"date-after": true, "date-on-or-after": true, "date-before": true, "date-on-or-before": true, "in-date-range": true,
	"ip-address-in-range": true, "ip-address-not-in-range": true,
}

// object compiles the fields of an object whose path is prefix ("" at the
// top, "detail." below detail: an empty key is a name too, so {"": {"a":
// [1]}} tests the path ".a", as the event scanner builds it).
func (c *compiler) object(branches *[]map[string]*field, prefix string, n *node, inOr bool) error {
	path := strings.TrimSuffix(prefix, ".")
	if len(n.keys) == 0 {
		return c.err(n.off, path, "Empty objects are not allowed")
	}
	for i, key := range n.keys {
		v, koff := n.vals[i], n.kOffs[i]
		if key == "$or" {
			if err := c.or(branches, prefix, v); err != nil {
				return err
			}
			continue
		}
		if inOr && reservedInOr[key] {
			return c.err(koff, path, key+" is Ruler reserved fieldName which cannot be used inside $or.")
		}
		name := prefix + key
		switch v.kind {
		case '{':
			if err := c.object(branches, name+".", v, inOr); err != nil {
				return err
			}
		case '[':
			ms, err := c.values(name, v)
			if err != nil {
				return err
			}
			if len(*branches) == 0 {
				*branches = append(*branches, map[string]*field{})
			}
			for _, b := range *branches {
				b[name] = &field{path: name, matchers: ms}
			}
		default:
			return c.err(v.off, name, `"`+key+`" must be an object or an array`)
		}
	}
	return nil
}

func (c *compiler) or(branches *[]map[string]*field, prefix string, v *node) error {
	path := strings.TrimSuffix(prefix, ".")
	if v.kind != '[' {
		return c.err(v.off, path, "It must be an Array followed with $or.")
	}
	current := *branches
	var out []map[string]*field
	for _, alt := range v.elems {
		if alt.kind != '{' {
			return c.err(alt.off, path, "Only JSON object is allowed in array of $or relationship.")
		}
		fork := make([]map[string]*field, 0, max(len(current), 1))
		for _, b := range current {
			fork = append(fork, copyBranch(b))
		}
		if len(fork) == 0 {
			fork = append(fork, map[string]*field{})
		}
		if err := c.object(&fork, prefix, alt, true); err != nil {
			return err
		}
		out = append(out, fork...)
		if len(out) > MaxBranches {
			return c.err(v.off, path, "Event pattern is too complex: its $or combinations exceed "+itoa(MaxBranches))
		}
	}
	if len(v.elems) < 2 {
		return c.err(v.off, path, "There must have at least 2 Objects in $or relationship.")
	}
	*branches = out
	return nil
}

func copyBranch(b map[string]*field) map[string]*field {
	out := make(map[string]*field, len(b))
	for k, v := range b {
		out[k] = v
	}
	return out
}

// values compiles a field's array of matchers.
func (c *compiler) values(path string, n *node) ([]matcher, error) {
	if len(n.elems) == 0 {
		return nil, c.err(n.off, path, "Empty arrays are not allowed")
	}
	var out []matcher
	for _, e := range n.elems {
		switch e.kind {
		case 's':
			out = append(out, matcher{op: opExactString, text: e.text})
			// Like Event Ruler, a string that is an IP address also matches
			// the same address written another way (2001:DB8:0::1).
			if a, err := netip.ParseAddr(e.text); err == nil && a.Zone() == "" {
				out = append(out, matcher{op: opCIDR, text: e.text, cidr: netip.PrefixFrom(a, a.BitLen())})
			}
		case 'n':
			v := numberValue(e.text)
			out = append(out, matcher{op: opExactNumber, text: e.text, num: v.num, numOK: v.numOK})
		case 't':
			out = append(out, matcher{op: opTrue})
		case 'f':
			out = append(out, matcher{op: opFalse})
		case 'z':
			out = append(out, matcher{op: opNull})
		case '{':
			m, err := c.expression(path, e)
			if err != nil {
				return nil, err
			}
			out = append(out, m)
		default:
			return nil, c.err(e.off, path, "Match value must be String, number, true, false, or null")
		}
	}
	return out, nil
}
