package waf

import (
	"bytes"
	"net/netip"
	"regexp"
	"strings"

	libinjection "github.com/corazawaf/libinjection-go"
)

// node is a compiled statement.
type node interface{ match(ec *evalCtx) bool }

// tester tests one transformed value.
type tester interface{ test(b []byte) bool }

// inspector is a FieldToMatch with its TextTransformations.
type inspector struct {
	f  field
	tx []transform
	// emptyIfMissing makes a missing single header / argument inspect as
	// an empty value (SizeConstraint only; see docs/waf.md).
	emptyIfMissing bool
}

func (in *inspector) run(ec *evalCtx, t tester) bool {
	switch in.f.extract(ec) {
	case forceMatch:
		return true
	case forceNoMatch:
		return false
	}
	if len(ec.vals) == 0 && in.emptyIfMissing {
		return t.test(in.apply(ec, nil))
	}
	for i := 0; i < len(ec.vals); i++ {
		if v := in.apply(ec, ec.vals[i]); t.test(v) {
			if d, ok := t.(detailer); ok {
				ec.detail = d.detail(in.f.kind, v)
			}
			return true
		}
	}
	return false
}

// MatchDetail is an entry of ruleMatchDetails / terminatingRuleMatchDetails
// in AWS's log, filled for SQL injection and XSS matches.
type MatchDetail struct {
	ConditionType    string   `json:"conditionType"` // SQL_INJECTION or XSS
	SensitivityLevel string   `json:"sensitivityLevel,omitempty"`
	Location         string   `json:"location"`
	MatchedData      []string `json:"matchedData"`
}

// detailer is a tester that reports what matched.
type detailer interface {
	detail(kind fieldKind, v []byte) *MatchDetail
}

var locations = [...]string{fUriPath: "URI", fQueryString: "QUERY_STRING", fMethod: "METHOD", fSingleHeader: "HEADER",
	fHeaders: "HEADER", fCookies: "COOKIES", fBody: "BODY", fJsonBody: "BODY", fSingleQueryArgument: "SINGLE_QUERY_ARG",
	fAllQueryArguments: "ALL_QUERY_ARGS", fHeaderOrder: "HEADER_ORDER", fJA3: "JA3_FINGERPRINT", fJA4: "JA4_FINGERPRINT", fUriFragment: "URI_FRAGMENT"}

// matchedTokens splits the matched value into at most 8 words, as AWS
// shows matched data (["10", "AND", "1"]); the tokens are moat's.
func matchedTokens(v []byte) []string {
	f := strings.FieldsFunc(string(v), func(r rune) bool { return r == ' ' || r == '=' || r == '&' || r == '\t' || r == '\n' })
	if len(f) > 8 {
		f = f[:8]
	}
	return f
}

func (n *sqliMatch) detail(kind fieldKind, v []byte) *MatchDetail {
	sens := "LOW"
	if n.high {
		sens = "HIGH"
	}
	return &MatchDetail{ConditionType: "SQL_INJECTION", SensitivityLevel: sens, Location: locations[kind], MatchedData: matchedTokens(v)}
}

func (n *xssMatch) detail(kind fieldKind, v []byte) *MatchDetail {
	return &MatchDetail{ConditionType: "XSS", Location: locations[kind], MatchedData: matchedTokens(v)}
}

// apply runs the transformations in priority order, alternating between
// two scratch buffers so that no transformation reads what it writes.
func (in *inspector) apply(ec *evalCtx, v []byte) []byte {
	for i, t := range in.tx {
		if i%2 == 0 {
			ec.bufA = t(ec.bufA[:0], v)
			v = ec.bufA
		} else {
			ec.bufB = t(ec.bufB[:0], v)
			v = ec.bufB
		}
	}
	return v
}

// ByteMatchStatement

const (
	pcExactly = iota
	pcStartsWith
	pcEndsWith
	pcContains
	pcContainsWord
)

var positionalConstraints = map[string]int{
	"EXACTLY": pcExactly, "STARTS_WITH": pcStartsWith, "ENDS_WITH": pcEndsWith,
	"CONTAINS": pcContains, "CONTAINS_WORD": pcContainsWord,
}

type byteMatch struct {
	inspector
	search []byte
	pc     int
}

func (n *byteMatch) match(ec *evalCtx) bool { return n.run(ec, n) }

func (n *byteMatch) test(b []byte) bool {
	switch n.pc {
	case pcExactly:
		return bytes.Equal(b, n.search)
	case pcStartsWith:
		return bytes.HasPrefix(b, n.search)
	case pcEndsWith:
		return bytes.HasSuffix(b, n.search)
	case pcContains:
		return bytes.Contains(b, n.search)
	}
	return containsWord(b, n.search)
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// containsWord: the search string appears with a non-word character (or
// the start/end of the value) on both sides (AWS: CONTAINS_WORD).
func containsWord(b, w []byte) bool {
	if len(w) == 0 {
		return false
	}
	for off := 0; off <= len(b)-len(w); {
		i := bytes.Index(b[off:], w)
		if i < 0 {
			return false
		}
		i += off
		end := i + len(w)
		if (i == 0 || !isWordByte(b[i-1])) && (end == len(b) || !isWordByte(b[end])) {
			return true
		}
		off = i + 1
	}
	return false
}

// RegexMatchStatement, RegexPatternSetReferenceStatement

type regexMatch struct {
	inspector
	res []*regexp.Regexp
}

func (n *regexMatch) match(ec *evalCtx) bool { return n.run(ec, n) }

func (n *regexMatch) test(b []byte) bool {
	for _, re := range n.res {
		if re.Match(b) {
			return true
		}
	}
	return false
}

// SqliMatchStatement: libinjection's SQL tokenizer and fingerprints for LOW;
// HIGH adds moat's own patterns (AWS does not publish either algorithm).

type sqliMatch struct {
	inspector
	high bool
}

var sqliHigh = regexp.MustCompile(`(?i)(\bunion\b[\s\S]{0,40}\bselect\b|\binsert\s+into\b[\s\S]{0,100}\bvalues\b|\bdelete\s+from\b|\bdrop\s+(table|database)\b|\b(sleep|benchmark|pg_sleep)\s*\(\s*\d|\bwaitfor\s+delay\b|['"]\s*(or|and)\s+['"\w]+\s*(=|<|>|like\b)|['"]\s*;\s*(shutdown|exec|declare|insert|update|delete|drop)\b|\bxp_cmdshell\b|/\*!\d*|['"]\s*(--|#))`)

func (n *sqliMatch) match(ec *evalCtx) bool { return n.run(ec, n) }

func (n *sqliMatch) test(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	if ok, _ := libinjection.IsSQLi(stringOf(b)); ok {
		return true
	}
	return n.high && sqliHigh.Match(b)
}

// XssMatchStatement: libinjection's HTML5 tokenizer.

type xssMatch struct{ inspector }

func (n *xssMatch) match(ec *evalCtx) bool { return n.run(ec, n) }

func (n *xssMatch) test(b []byte) bool { return len(b) > 0 && libinjection.IsXSS(stringOf(b)) }

// SizeConstraintStatement: size in bytes after the transformations.

var comparisonOperators = map[string]int{"EQ": 0, "NE": 1, "LE": 2, "LT": 3, "GE": 4, "GT": 5}

type sizeMatch struct {
	inspector
	op   int
	size int64
}

func (n *sizeMatch) match(ec *evalCtx) bool { return n.run(ec, n) }

func (n *sizeMatch) test(b []byte) bool {
	l := int64(len(b))
	switch n.op {
	case 0:
		return l == n.size
	case 1:
		return l != n.size
	case 2:
		return l <= n.size
	case 3:
		return l < n.size
	case 4:
		return l >= n.size
	}
	return l > n.size
}

// LabelMatchStatement

type labelMatch struct {
	key       string // fully qualified
	namespace bool
}

func (n *labelMatch) match(ec *evalCtx) bool {
	for _, l := range ec.labels {
		if n.namespace {
			if strings.HasPrefix(l, n.key) {
				return true
			}
		} else if l == n.key {
			return true
		}
	}
	return false
}

// And / Or / Not

type andNode []node

func (n andNode) match(ec *evalCtx) bool {
	for _, c := range n {
		if !c.match(ec) {
			return false
		}
	}
	return true
}

type orNode []node

func (n orNode) match(ec *evalCtx) bool {
	for _, c := range n {
		if c.match(ec) {
			return true
		}
	}
	return false
}

type notNode struct{ n node }

func (n notNode) match(ec *evalCtx) bool { return !n.n.match(ec) }

// IPSetReferenceStatement

type ipSet struct {
	v4, v6 map[netip.Prefix]struct{}
	bits4  []int // prefix lengths present, longest first
	bits6  []int
}

func (s *ipSet) contains(a netip.Addr) bool {
	a = a.Unmap()
	m, bits := s.v4, s.bits4
	if a.Is6() {
		m, bits = s.v6, s.bits6
	}
	for _, l := range bits {
		p, err := a.Prefix(l)
		if err == nil {
			if _, ok := m[p]; ok {
				return true
			}
		}
	}
	return false
}

type ipSetMatch struct {
	set *ipSet
	fwd *forwardedIP
}

func (n *ipSetMatch) match(ec *evalCtx) bool {
	if n.fwd == nil {
		return ec.req.ClientIP.IsValid() && n.set.contains(ec.req.ClientIP)
	}
	return n.fwd.matchAny(ec, n.set.contains)
}

// GeoMatchStatement

type geoMatch struct {
	codes map[string]bool
	fwd   *forwardedIP
}

func (n *geoMatch) match(ec *evalCtx) bool {
	ip := ec.req.ClientIP
	source := "clientip"
	if n.fwd != nil {
		var ok bool
		ip, ok = n.fwd.first(ec)
		if !ok {
			return n.fwd.fallbackMatch
		}
		source = "forwardedip"
	}
	country, region := ec.acl.geoLookup(ec, ip, n.fwd != nil)
	if country != "" {
		ec.addLabel("awswaf:" + source + ":geo:country:" + country)
		if region != "" {
			ec.addLabel("awswaf:" + source + ":geo:region:" + country + "-" + region)
		}
	}
	return n.codes[country]
}

// AsnMatchStatement

type asnMatch struct {
	asns map[int64]bool
	fwd  *forwardedIP
}

func (n *asnMatch) match(ec *evalCtx) bool {
	ip := ec.req.ClientIP
	if n.fwd != nil {
		var ok bool
		ip, ok = n.fwd.first(ec)
		if !ok {
			return n.fwd.fallbackMatch
		}
	}
	if ec.acl.geo == nil || !ip.IsValid() {
		return false
	}
	asn, ok := ec.acl.geo.ASN(ip)
	return ok && n.asns[int64(asn)]
}
