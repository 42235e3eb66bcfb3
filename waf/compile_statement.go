package waf

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// stmt compiles a statement that is not a rule group reference.
func (c *compiler) stmt(s *Statement, p, ns string, top bool) (node, int64) {
	if s == nil {
		c.errf(p, CodeInvalidParameter, "missing statement")
		return orNode{}, 0
	}
	if n := countSet(s); n != 1 {
		c.errf(p, CodeInvalidParameter, "a statement needs exactly one statement type, got %d", n)
		return orNode{}, 0
	}
	switch {
	case s.ByteMatchStatement != nil:
		return c.byteMatch(s.ByteMatchStatement, p+".ByteMatchStatement")
	case s.RegexMatchStatement != nil:
		st := s.RegexMatchStatement
		p += ".RegexMatchStatement"
		re, err := compileRegex(st.RegexString)
		if err != nil {
			c.errf(p+".RegexString", CodeInvalidParameter, "%s", err)
		}
		in, extra := c.inspector(st.FieldToMatch, st.TextTransformations, p)
		return &regexMatch{inspector: in, res: []*regexp.Regexp{re}}, matchCost(&in, 3, extra)
	case s.RegexPatternSetReferenceStatement != nil:
		st := s.RegexPatternSetReferenceStatement
		p += ".RegexPatternSetReferenceStatement"
		res := c.regexSet(st.ARN, p+".ARN")
		in, extra := c.inspector(st.FieldToMatch, st.TextTransformations, p)
		return &regexMatch{inspector: in, res: res}, matchCost(&in, 25, extra)
	case s.SqliMatchStatement != nil:
		st := s.SqliMatchStatement
		p += ".SqliMatchStatement"
		in, extra := c.inspector(st.FieldToMatch, st.TextTransformations, p)
		switch st.SensitivityLevel {
		case "", "LOW":
			return &sqliMatch{inspector: in}, matchCost(&in, 20, extra)
		case "HIGH":
			return &sqliMatch{inspector: in, high: true}, matchCost(&in, 30, extra)
		}
		c.errf(p+".SensitivityLevel", CodeInvalidParameter, "SensitivityLevel must be LOW or HIGH, got %q", st.SensitivityLevel)
		return &sqliMatch{inspector: in}, matchCost(&in, 20, extra)
	case s.XssMatchStatement != nil:
		st := s.XssMatchStatement
		in, extra := c.inspector(st.FieldToMatch, st.TextTransformations, p+".XssMatchStatement")
		return &xssMatch{in}, matchCost(&in, 40, extra)
	case s.SizeConstraintStatement != nil:
		st := s.SizeConstraintStatement
		p += ".SizeConstraintStatement"
		in, extra := c.inspector(st.FieldToMatch, st.TextTransformations, p)
		in.emptyIfMissing = in.f.kind == fSingleHeader || in.f.kind == fSingleQueryArgument
		op, ok := comparisonOperators[st.ComparisonOperator]
		if !ok {
			c.errf(p+".ComparisonOperator", CodeInvalidParameter, "ComparisonOperator must be EQ, NE, LE, LT, GE or GT, got %q", st.ComparisonOperator)
		}
		if st.Size < 0 || st.Size > 21474836480 {
			c.errf(p+".Size", CodeInvalidParameter, "Size must be 0 to 21474836480, got %d", st.Size)
		}
		return &sizeMatch{inspector: in, op: op, size: st.Size}, matchCost(&in, 1, extra)
	case s.GeoMatchStatement != nil:
		st := s.GeoMatchStatement
		p += ".GeoMatchStatement"
		n := &geoMatch{codes: map[string]bool{}, fwd: c.forwarded(st.ForwardedIPConfig, "", p+".ForwardedIPConfig")}
		if len(st.CountryCodes) == 0 {
			c.errf(p+".CountryCodes", CodeInvalidParameter, "CountryCodes needs at least one country code")
		}
		for i, cc := range st.CountryCodes {
			if len(cc) != 2 || strings.ToUpper(cc) != cc {
				c.errf(p+".CountryCodes["+strconv.Itoa(i)+"]", CodeInvalidParameter, "not an ISO 3166 alpha-2 country code: %q", cc)
			}
			n.codes[cc] = true
		}
		return n, 1
	case s.AsnMatchStatement != nil:
		st := s.AsnMatchStatement
		p += ".AsnMatchStatement"
		n := &asnMatch{asns: map[int64]bool{}, fwd: c.forwarded(st.ForwardedIPConfig, "", p+".ForwardedIPConfig")}
		if len(st.AsnList) == 0 {
			c.errf(p+".AsnList", CodeInvalidParameter, "AsnList needs at least one ASN")
		}
		for _, a := range st.AsnList {
			n.asns[a] = true
		}
		return n, 1
	case s.IPSetReferenceStatement != nil:
		st := s.IPSetReferenceStatement
		p += ".IPSetReferenceStatement"
		n := &ipSetMatch{set: c.ipSet(st.ARN, p+".ARN")}
		cost := int64(1)
		if fc := st.IPSetForwardedIPConfig; fc != nil {
			n.fwd = c.forwarded(&ForwardedIPConfig{HeaderName: fc.HeaderName, FallbackBehavior: fc.FallbackBehavior}, fc.Position, p+".IPSetForwardedIPConfig")
			if n.fwd != nil && n.fwd.position == posAny {
				cost += 4
			}
		}
		return n, cost
	case s.LabelMatchStatement != nil:
		st := s.LabelMatchStatement
		p += ".LabelMatchStatement"
		n := &labelMatch{key: st.Key}
		switch st.Scope {
		case "LABEL":
		case "NAMESPACE":
			n.namespace = true
			if !strings.HasSuffix(n.key, ":") {
				n.key += ":"
			}
		default:
			c.errf(p+".Scope", CodeInvalidParameter, "Scope must be LABEL or NAMESPACE, got %q", st.Scope)
		}
		if st.Key == "" || !labelPart.MatchString(st.Key) {
			c.errf(p+".Key", CodeInvalidParameter, "invalid label key %q", st.Key)
		}
		if !strings.HasPrefix(n.key, "awswaf:") {
			n.key = ns + n.key // not fully qualified: same context as the statement
		}
		return n, 1
	case s.AndStatement != nil, s.OrStatement != nil:
		list, name := []Statement(nil), "AndStatement"
		if s.AndStatement != nil {
			list = s.AndStatement.Statements
		} else {
			list, name = s.OrStatement.Statements, "OrStatement"
		}
		p += "." + name
		if len(list) < 2 {
			c.errf(p+".Statements", CodeInvalidParameter, "%s needs at least 2 statements, got %d", name, len(list))
		}
		var kids []node
		var wcu int64
		for i := range list {
			k, w := c.stmt(&list[i], p+".Statements["+strconv.Itoa(i)+"]", ns, false)
			kids = append(kids, k)
			wcu += w
		}
		if name == "AndStatement" {
			return andNode(kids), wcu
		}
		return orNode(kids), wcu
	case s.NotStatement != nil:
		k, w := c.stmt(s.NotStatement.Statement, p+".NotStatement.Statement", ns, false)
		return notNode{k}, w
	case s.RateBasedStatement != nil:
		if !top {
			c.errf(p, CodeInvalidParameter, "a RateBasedStatement can only be the top-level statement of a rule")
		}
		return c.rateBased(s.RateBasedStatement, p+".RateBasedStatement", ns)
	}
	c.errf(p, CodeInvalidParameter, "a rule group statement can only be the top-level statement of a web ACL rule")
	return orNode{}, 0
}

// compileRegex checks a regex as AWS would (length) and compiles it with
// Go's RE2 syntax, which rejects what AWS rejects (backreferences,
// lookaround) and shares PCRE's common syntax.
func compileRegex(s string) (*regexp.Regexp, error) {
	if s == "" {
		return nil, fmt.Errorf("empty regex")
	}
	if len(s) > maxRegexLength {
		return nil, fmt.Errorf("regex is %d characters, more than %d", len(s), maxRegexLength)
	}
	re, err := regexp.Compile(s)
	if err != nil {
		return nil, fmt.Errorf("regex not supported: %v", err)
	}
	return re, nil
}

func (c *compiler) byteMatch(st *ByteMatchStatement, p string) (node, int64) {
	in, extra := c.inspector(st.FieldToMatch, st.TextTransformations, p)
	pc, ok := positionalConstraints[st.PositionalConstraint]
	if !ok {
		c.errf(p+".PositionalConstraint", CodeInvalidParameter, "PositionalConstraint must be EXACTLY, STARTS_WITH, ENDS_WITH, CONTAINS or CONTAINS_WORD, got %q", st.PositionalConstraint)
	}
	search := c.searchString(st.SearchString, p+".SearchString")
	if len(search) == 0 || len(search) > 200 {
		c.errf(p+".SearchString", CodeInvalidParameter, "SearchString needs 1 to 200 bytes, got %d", len(search))
	}
	base := int64(2)
	if pc == pcContains || pc == pcContainsWord {
		base = 10
	}
	return &byteMatch{inspector: in, search: search, pc: pc}, matchCost(&in, base, extra)
}

func (c *compiler) searchString(s, p string) []byte {
	mode := c.opts.SearchString
	switch mode {
	case "raw":
		return []byte(s)
	case "base64":
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			c.errf(p, CodeInvalidParameter, "SearchString is not base64 (use raw search strings with the raw mode): %v", err)
		}
		return b
	case "", "auto":
		if len(s) >= 4 && len(s)%4 == 0 {
			if b, err := base64.StdEncoding.DecodeString(s); err == nil && printable(b) {
				return b
			}
		}
		return []byte(s)
	}
	c.errf(p, CodeInvalidParameter, "unknown SearchString mode %q", mode)
	return []byte(s)
}

func printable(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	for _, r := range string(b) {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' {
			return false
		}
	}
	return true
}

var oversizeNames = map[string]uint8{"": ovContinue, "CONTINUE": ovContinue, "MATCH": ovMatch, "NO_MATCH": ovNoMatch}

func (c *compiler) oversize(v, p string) uint8 {
	o, ok := oversizeNames[v]
	if !ok {
		c.errf(p, CodeInvalidParameter, "OversizeHandling must be CONTINUE, MATCH or NO_MATCH, got %q", v)
	}
	return o
}

func (c *compiler) fallback(v, p string) uint8 {
	switch v {
	case "MATCH":
		return ovMatch
	case "NO_MATCH":
		return ovNoMatch
	}
	c.errf(p, CodeInvalidParameter, "FallbackBehavior must be MATCH or NO_MATCH, got %q", v)
	return ovNoMatch
}

var scopes = map[string]uint8{"ALL": scopeAll, "KEY": scopeKey, "VALUE": scopeValue}

func (c *compiler) scope(v, p string) uint8 {
	s, ok := scopes[v]
	if !ok {
		c.errf(p, CodeInvalidParameter, "MatchScope must be ALL, KEY or VALUE, got %q", v)
	}
	return s
}

// inspector compiles FieldToMatch and TextTransformations; the WCU
// returned are the field's and the transformations' extra cost.
func (c *compiler) inspector(ftm *FieldToMatch, txs []TextTransformation, p string) (inspector, int64) {
	var in inspector
	var extra int64
	if ftm == nil {
		c.errf(p+".FieldToMatch", CodeInvalidParameter, "missing required member FieldToMatch")
	} else {
		extra = c.field(&in.f, ftm, p+".FieldToMatch")
	}
	if len(txs) == 0 {
		c.errf(p+".TextTransformations", CodeInvalidParameter, "TextTransformations needs at least one entry (use NONE)")
	}
	if len(txs) > maxTransformations {
		c.errf(p+".TextTransformations", CodeInvalidParameter, "at most %d TextTransformations, got %d", maxTransformations, len(txs))
	}
	sorted := append([]TextTransformation(nil), txs...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Priority < sorted[j].Priority })
	seen := map[int64]bool{}
	for i, t := range txs {
		tp := p + ".TextTransformations[" + strconv.Itoa(i) + "]"
		if seen[t.Priority] {
			c.errf(tp+".Priority", CodeInvalidParameter, "duplicate TextTransformation Priority %d", t.Priority)
		}
		seen[t.Priority] = true
		if _, ok := transforms[t.Type]; !ok {
			c.errf(tp+".Type", CodeInvalidParameter, "unknown TextTransformation Type %q", t.Type)
		}
	}
	for _, t := range sorted {
		if fn := transforms[t.Type]; fn != nil {
			in.tx = append(in.tx, fn)
			extra += 10
		}
	}
	return in, extra
}

// matchCost is a match statement's capacity: its base cost (doubled when it
// inspects JsonBody), plus 10 for AllQueryArguments and 10 per
// transformation other than NONE (aws-waf-capacity-units, waf-rule-statements-match).
func matchCost(in *inspector, base, extra int64) int64 {
	if in.f.bodyJSON {
		base *= 2
	}
	return base + extra
}
