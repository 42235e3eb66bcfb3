package waf

import (
	"encoding/base64"
	"fmt"
	"net/netip"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Resources are the objects a web ACL refers to by ARN. Lookups try the
// ARN, then "name/id", then the name alone, so that files exported from one
// account can be used as they are.
type Resources struct {
	IPSets           []*IPSetDoc
	RegexPatternSets []*RegexPatternSetDoc
	RuleGroups       []*RuleGroupFile
	// ManagedRuleGroups are the definitions of managed rule groups keyed
	// by "Vendor:Name" (e.g. "AWS:AWSManagedRulesSQLiRuleSet"); moat's own
	// definitions register through RegisterManagedRuleGroup.
	ManagedRuleGroups map[string]*RuleGroupFile
}

// Options configure Compile. The zero value is usable.
type Options struct {
	Resources
	// Geo resolves countries and ASNs for GeoMatch / AsnMatch; without it
	// those statements never match.
	Geo GeoResolver
	// ResourceType is the protected resource (CLOUDFRONT, API_GATEWAY,
	// COGNITO_USER_POOL, APP_RUNNER_SERVICE, VERIFIED_ACCESS_INSTANCE,
	// AMPLIFY, APPLICATION_LOAD_BALANCER, APPSYNC). It sets the body
	// inspection limit: 8 KB for ALB and AppSync, otherwise 16 KB or the
	// web ACL's AssociationConfig. Default CLOUDFRONT.
	ResourceType string
	// Now is the clock (rate-based rules, tokens). Default time.Now.
	Now func() time.Time
	// TokenKey signs and verifies aws-waf-token cookies issued by moat.
	// Without it no token is valid, so CAPTCHA and Challenge always
	// terminate.
	TokenKey []byte
	// SearchString says how ByteMatchStatement.SearchString is written:
	// "base64" (the API and `aws wafv2 get-web-acl` output), "raw" (what
	// you pass to the AWS CLI v2 as input), or "auto" (default: base64 when
	// the text is valid padded base64 of printable UTF-8, else raw).
	SearchString string
	// Account is used for label namespaces when the ACL has neither
	// LabelNamespace nor an ARN. Default 123456789012.
	Account string
}

// AWS limits used by Compile.
const (
	MaxWebACLCapacity    = 5000 // hard maximum; above 1,500 AWS charges more
	BaseWebACLCapacity   = 1500
	MaxRuleGroupCapacity = 5000
	maxTransformations   = 10
	maxRegexLength       = 512
)

type compiler struct {
	opts    *Options
	d       *doc
	acl     *WebACL
	errs    []*Error
	ipsets  map[string]*ipSet
	regexes map[string][]*regexp.Regexp
}

func (c *compiler) errf(path, code, format string, args ...any) {
	e := &Error{Path: path, Message: fmt.Sprintf(format, args...), Code: code}
	c.d.locate(e)
	c.errs = append(c.errs, e)
}

// Compile checks a web ACL as AWS's CreateWebACL would and compiles it into
// an immutable evaluator (rate counters aside, which are locked). It
// returns the first error, an *Error with line, column and JSON path.
func Compile(f *WebACLFile, opts Options) (*WebACL, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	c := &compiler{opts: &opts, d: f.doc, ipsets: map[string]*ipSet{}, regexes: map[string][]*regexp.Regexp{}}
	w := &WebACL{name: f.Name, arn: f.ARN, id: f.Id, geo: opts.Geo, now: opts.Now, tokenKey: opts.TokenKey,
		bodies: f.CustomResponseBodies, captchaImmunity: 300 * time.Second, challengeImmunity: 300 * time.Second}
	c.acl = w
	w.pool = sync.Pool{New: func() any { return new(evalCtx) }}
	w.namespace = f.LabelNamespace
	if w.namespace == "" {
		w.namespace = "awswaf:" + accountOf(f.ARN, opts.Account) + ":webacl:" + f.Name + ":"
	}
	if f.CaptchaConfig != nil && f.CaptchaConfig.ImmunityTimeProperty != nil {
		w.captchaImmunity = time.Duration(f.CaptchaConfig.ImmunityTimeProperty.ImmunityTime) * time.Second
	}
	if f.ChallengeConfig != nil && f.ChallengeConfig.ImmunityTimeProperty != nil {
		w.challengeImmunity = time.Duration(f.ChallengeConfig.ImmunityTimeProperty.ImmunityTime) * time.Second
	}
	w.bodyLimit = bodyLimit(opts.ResourceType, f.AssociationConfig)
	c.checkBodies(f.CustomResponseBodies)
	switch {
	case f.DefaultAction == nil:
		c.errf("DefaultAction", CodeInvalidParameter, "missing required member DefaultAction")
	case (f.DefaultAction.Allow == nil) == (f.DefaultAction.Block == nil):
		c.errf("DefaultAction", CodeInvalidParameter, "DefaultAction needs exactly one of Allow, Block")
	case f.DefaultAction.Allow != nil:
		w.defaultAction = c.action(&RuleAction{Allow: f.DefaultAction.Allow}, "DefaultAction", f.CustomResponseBodies)
	default:
		w.defaultAction = c.action(&RuleAction{Block: f.DefaultAction.Block}, "DefaultAction", f.CustomResponseBodies)
	}
	w.rules, w.capacity = c.rules(f.Rules, "Rules", w.namespace, false, f.CustomResponseBodies)
	if len(c.errs) == 0 && w.capacity > MaxWebACLCapacity {
		c.errf("Rules", CodeLimitsExceeded, "web ACL needs %d WCUs, more than the maximum %d", w.capacity, MaxWebACLCapacity)
	}
	if len(c.errs) > 0 {
		return nil, c.errs[0]
	}
	return w, nil
}

func accountOf(arn, dflt string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) == 6 && parts[4] != "" {
		return parts[4]
	}
	if dflt != "" {
		return dflt
	}
	return "123456789012"
}

func bodyLimit(resource string, ac *AssociationConfig) int {
	switch resource {
	case "APPLICATION_LOAD_BALANCER", "APPSYNC":
		return 8 * 1024
	case "":
		resource = "CLOUDFRONT"
	}
	if ac != nil {
		if cfg, ok := ac.RequestBody[resource]; ok {
			switch cfg.DefaultSizeInspectionLimit {
			case "KB_32":
				return 32 * 1024
			case "KB_48":
				return 48 * 1024
			case "KB_64":
				return 64 * 1024
			}
		}
	}
	return 16 * 1024
}

func (c *compiler) checkBodies(bodies map[string]CustomResponseBody) {
	for k, b := range bodies {
		switch b.ContentType {
		case "TEXT_PLAIN", "TEXT_HTML", "APPLICATION_JSON":
		default:
			c.errf("CustomResponseBodies."+k+".ContentType", CodeInvalidParameter, "ContentType must be TEXT_PLAIN, TEXT_HTML or APPLICATION_JSON, got %q", b.ContentType)
		}
	}
}

// rules compiles a rule list, sorted by Priority, and returns its WCUs.
func (c *compiler) rules(rs []Rule, path, ns string, inGroup bool, bodies map[string]CustomResponseBody) ([]*rule, int64) {
	out := make([]*rule, 0, len(rs))
	names := map[string]bool{}
	prios := map[int64]string{}
	var total int64
	for i := range rs {
		r := &rs[i]
		p := path + "[" + strconv.Itoa(i) + "]"
		if r.Name == "" {
			c.errf(p+".Name", CodeInvalidParameter, "missing required member Name")
		} else if names[r.Name] {
			c.errf(p+".Name", CodeInvalidParameter, "duplicate rule name %q", r.Name)
		}
		names[r.Name] = true
		if other, dup := prios[r.Priority]; dup {
			c.errf(p+".Priority", CodeInvalidParameter, "duplicate Priority %d (also rule %q)", r.Priority, other)
		}
		if r.Priority < 0 {
			c.errf(p+".Priority", CodeInvalidParameter, "Priority must be 0 or more, got %d", r.Priority)
		}
		prios[r.Priority] = r.Name
		cr, wcu := c.rule(r, p, ns, inGroup, bodies)
		total += wcu
		if cr != nil {
			out = append(out, cr)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].priority < out[j].priority })
	return out, total
}

func (c *compiler) rule(r *Rule, p, ns string, inGroup bool, bodies map[string]CustomResponseBody) (*rule, int64) {
	cr := &rule{name: r.Name, priority: r.Priority, typ: "REGULAR", metric: r.Name}
	if r.VisibilityConfig != nil && r.VisibilityConfig.MetricName != "" {
		cr.metric = r.VisibilityConfig.MetricName
	}
	for j, l := range r.RuleLabels {
		if err := checkLabel(l.Name); err != "" {
			c.errf(p+".RuleLabels["+strconv.Itoa(j)+"].Name", CodeInvalidParameter, "%s", err)
		}
		cr.labels = append(cr.labels, ns+l.Name)
	}
	if r.CaptchaConfig != nil && r.CaptchaConfig.ImmunityTimeProperty != nil {
		cr.captchaImmunity = time.Duration(r.CaptchaConfig.ImmunityTimeProperty.ImmunityTime) * time.Second
	}
	if r.ChallengeConfig != nil && r.ChallengeConfig.ImmunityTimeProperty != nil {
		cr.challengeImmunity = time.Duration(r.ChallengeConfig.ImmunityTimeProperty.ImmunityTime) * time.Second
	}
	if r.Statement == nil {
		c.errf(p+".Statement", CodeInvalidParameter, "missing required member Statement")
		return nil, 0
	}
	sp := p + ".Statement"
	st := r.Statement
	isGroup := st.ManagedRuleGroupStatement != nil || st.RuleGroupReferenceStatement != nil
	switch {
	case isGroup && inGroup:
		c.errf(sp, CodeInvalidParameter, "a rule group cannot reference another rule group")
		return nil, 0
	case isGroup:
		if r.Action != nil {
			c.errf(p+".Action", CodeInvalidParameter, "a rule group statement takes OverrideAction, not Action")
		}
		if r.OverrideAction == nil {
			c.errf(p, CodeInvalidParameter, "missing required member OverrideAction for a rule group statement")
		} else if (r.OverrideAction.Count == nil) == (r.OverrideAction.None == nil) {
			c.errf(p+".OverrideAction", CodeInvalidParameter, "OverrideAction needs exactly one of None, Count")
		} else {
			cr.overrideCount = r.OverrideAction.Count != nil
		}
		if n := countSet(st); n != 1 {
			c.errf(sp, CodeInvalidParameter, "a statement needs exactly one statement type, got %d", n)
		}
		wcu := c.group(cr, st, sp, bodies)
		return cr, wcu
	}
	if r.OverrideAction != nil {
		c.errf(p+".OverrideAction", CodeInvalidParameter, "OverrideAction is only for rule group statements; use Action")
	}
	if r.Action == nil {
		c.errf(p, CodeInvalidParameter, "missing required member Action")
	} else {
		cr.action = c.action(r.Action, p+".Action", bodies)
	}
	n, wcu := c.stmt(st, sp, ns, true)
	cr.stmt = n
	if rn, ok := n.(*rateNode); ok {
		cr.typ = "RATE_BASED"
		cr.rate = rn
	}
	return cr, wcu
}

func countSet(s *Statement) int {
	n := 0
	for _, set := range []bool{s.ByteMatchStatement != nil, s.SqliMatchStatement != nil, s.XssMatchStatement != nil,
		s.SizeConstraintStatement != nil, s.GeoMatchStatement != nil, s.RuleGroupReferenceStatement != nil,
		s.IPSetReferenceStatement != nil, s.RegexPatternSetReferenceStatement != nil, s.RateBasedStatement != nil,
		s.AndStatement != nil, s.OrStatement != nil, s.NotStatement != nil, s.ManagedRuleGroupStatement != nil,
		s.LabelMatchStatement != nil, s.RegexMatchStatement != nil, s.AsnMatchStatement != nil} {
		if set {
			n++
		}
	}
	return n
}

var labelPart = regexp.MustCompile(`^[0-9A-Za-z_\-:]+$`)

// checkLabel applies AWS's label rules: characters, parts of at most 128
// characters, at most five namespaces, no reserved words.
func checkLabel(name string) string {
	if name == "" || len(name) > 1024 || !labelPart.MatchString(name) {
		return fmt.Sprintf("invalid label %q: use letters, digits, _, - and : only", name)
	}
	parts := strings.Split(name, ":")
	if len(parts) > 6 {
		return fmt.Sprintf("invalid label %q: at most 5 namespaces", name)
	}
	for _, p := range parts {
		if p == "" || len(p) > 128 {
			return fmt.Sprintf("invalid label %q: each part needs 1 to 128 characters", name)
		}
		switch p {
		case "awswaf", "aws", "waf", "rulegroup", "webacl", "regexpatternset", "ipset", "managed":
			return fmt.Sprintf("invalid label %q: %q is reserved", name, p)
		}
	}
	return ""
}

// action compiles a RuleAction; it needs exactly one member.
func (c *compiler) action(a *RuleAction, p string, bodies map[string]CustomResponseBody) action {
	var out action
	n := 0
	var crh *CustomRequestHandling
	if a.Allow != nil {
		n++
		out.kind, crh = Allow, a.Allow.CustomRequestHandling
	}
	if a.Block != nil {
		n++
		out.kind = Block
		if cr := a.Block.CustomResponse; cr != nil {
			out.response = c.customResponse(cr, p+".Block.CustomResponse", bodies)
		}
	}
	if a.Count != nil {
		n++
		out.kind, crh = Count, a.Count.CustomRequestHandling
	}
	if a.Captcha != nil {
		n++
		out.kind, crh = Captcha, a.Captcha.CustomRequestHandling
	}
	if a.Challenge != nil {
		n++
		out.kind, crh = Challenge, a.Challenge.CustomRequestHandling
	}
	if n != 1 {
		c.errf(p, CodeInvalidParameter, "an action needs exactly one of Allow, Block, Count, Captcha, Challenge, got %d", n)
	}
	if crh != nil {
		for i, h := range crh.InsertHeaders {
			if h.Name == "" {
				c.errf(p+".CustomRequestHandling.InsertHeaders["+strconv.Itoa(i)+"].Name", CodeInvalidParameter, "missing header name")
			}
			out.insert = append(out.insert, Header{Name: "x-amzn-waf-" + h.Name, Value: h.Value})
		}
	}
	return out
}

func (c *compiler) customResponse(cr *CustomResponse, p string, bodies map[string]CustomResponseBody) *Response {
	if cr.ResponseCode < 200 || cr.ResponseCode > 599 {
		c.errf(p+".ResponseCode", CodeInvalidParameter, "ResponseCode must be 200 to 599, got %d", cr.ResponseCode)
	}
	resp := &Response{Status: cr.ResponseCode}
	for _, h := range cr.ResponseHeaders {
		resp.Headers = append(resp.Headers, Header{Name: "x-amzn-waf-" + h.Name, Value: h.Value})
	}
	if cr.CustomResponseBodyKey != "" {
		b, ok := bodies[cr.CustomResponseBodyKey]
		if !ok {
			c.errf(p+".CustomResponseBodyKey", CodeNonexistentItem, "no CustomResponseBodies entry %q", cr.CustomResponseBodyKey)
		}
		resp.Body = b.Content
		resp.ContentType = map[string]string{"TEXT_PLAIN": "text/plain", "TEXT_HTML": "text/html", "APPLICATION_JSON": "application/json"}[b.ContentType]
	}
	return resp
}

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

// field compiles one FieldToMatch; it returns its extra WCU.
func (c *compiler) field(f *field, m *FieldToMatch, p string) int64 {
	n := 0
	var extra int64
	set := func(k fieldKind) { n++; f.kind = k }
	if m.UriPath != nil {
		set(fUriPath)
	}
	if m.QueryString != nil {
		set(fQueryString)
	}
	if m.Method != nil {
		set(fMethod)
	}
	if m.SingleHeader != nil {
		set(fSingleHeader)
		f.name = strings.ToLower(m.SingleHeader.Name)
		if f.name == "" {
			c.errf(p+".SingleHeader.Name", CodeInvalidParameter, "missing header name")
		}
	}
	if m.SingleQueryArgument != nil {
		set(fSingleQueryArgument)
		f.name = strings.ToLower(m.SingleQueryArgument.Name)
		if f.name == "" {
			c.errf(p+".SingleQueryArgument.Name", CodeInvalidParameter, "missing argument name")
		}
	}
	if m.AllQueryArguments != nil {
		set(fAllQueryArguments)
		extra += 10
	}
	if m.Body != nil {
		set(fBody)
		f.oversize = c.oversize(m.Body.OversizeHandling, p+".Body.OversizeHandling")
	}
	if m.JsonBody != nil {
		set(fJsonBody)
		j := m.JsonBody
		jp := p + ".JsonBody"
		f.bodyJSON = true
		f.oversize = c.oversize(j.OversizeHandling, jp+".OversizeHandling")
		f.scope = c.scope(j.MatchScope, jp+".MatchScope")
		switch j.InvalidFallbackBehavior {
		case "":
			f.invalid = ovNone
		case "MATCH":
			f.invalid = ovMatch
		case "NO_MATCH":
			f.invalid = ovNoMatch
		case "EVALUATE_AS_STRING":
			f.invalid = ovEvaluateAsString
		default:
			c.errf(jp+".InvalidFallbackBehavior", CodeInvalidParameter, "InvalidFallbackBehavior must be MATCH, NO_MATCH or EVALUATE_AS_STRING, got %q", j.InvalidFallbackBehavior)
		}
		switch mp := j.MatchPattern; {
		case mp == nil || (mp.All == nil) == (mp.IncludedPaths == nil):
			c.errf(jp+".MatchPattern", CodeInvalidParameter, "MatchPattern needs exactly one of All, IncludedPaths")
		case mp.IncludedPaths != nil:
			for i, ip := range mp.IncludedPaths {
				if !strings.HasPrefix(ip, "/") && ip != "" {
					c.errf(jp+".MatchPattern.IncludedPaths["+strconv.Itoa(i)+"]", CodeInvalidParameter, "not a JSON pointer: %q", ip)
				}
			}
			f.paths = mp.IncludedPaths
		}
	}
	if m.Headers != nil {
		set(fHeaders)
		h := m.Headers
		f.oversize = c.oversize(h.OversizeHandling, p+".Headers.OversizeHandling")
		f.scope = c.scope(h.MatchScope, p+".Headers.MatchScope")
		f.include, f.exclude = c.pattern(h.MatchPattern == nil, func() (*struct{}, []string, []string) {
			return h.MatchPattern.All, h.MatchPattern.IncludedHeaders, h.MatchPattern.ExcludedHeaders
		}, p+".Headers.MatchPattern")
	}
	if m.Cookies != nil {
		set(fCookies)
		ck := m.Cookies
		f.oversize = c.oversize(ck.OversizeHandling, p+".Cookies.OversizeHandling")
		f.scope = c.scope(ck.MatchScope, p+".Cookies.MatchScope")
		f.include, f.exclude = c.pattern(ck.MatchPattern == nil, func() (*struct{}, []string, []string) {
			return ck.MatchPattern.All, ck.MatchPattern.IncludedCookies, ck.MatchPattern.ExcludedCookies
		}, p+".Cookies.MatchPattern")
	}
	if m.HeaderOrder != nil {
		set(fHeaderOrder)
		f.oversize = c.oversize(m.HeaderOrder.OversizeHandling, p+".HeaderOrder.OversizeHandling")
	}
	if m.JA3Fingerprint != nil {
		set(fJA3)
		f.oversize = c.fallback(m.JA3Fingerprint.FallbackBehavior, p+".JA3Fingerprint.FallbackBehavior")
	}
	if m.JA4Fingerprint != nil {
		set(fJA4)
		f.oversize = c.fallback(m.JA4Fingerprint.FallbackBehavior, p+".JA4Fingerprint.FallbackBehavior")
	}
	if m.UriFragment != nil {
		set(fUriFragment)
		f.oversize = ovNoMatch
		if m.UriFragment.FallbackBehavior != "" {
			f.oversize = c.fallback(m.UriFragment.FallbackBehavior, p+".UriFragment.FallbackBehavior")
		}
	}
	if n != 1 {
		c.errf(p, CodeInvalidParameter, "FieldToMatch needs exactly one component, got %d", n)
	}
	return extra
}

func (c *compiler) pattern(missing bool, get func() (*struct{}, []string, []string), p string) ([]string, []string) {
	if missing {
		c.errf(p, CodeInvalidParameter, "missing required member MatchPattern")
		return nil, nil
	}
	all, inc, exc := get()
	n := 0
	for _, b := range []bool{all != nil, inc != nil, exc != nil} {
		if b {
			n++
		}
	}
	if n != 1 {
		c.errf(p, CodeInvalidParameter, "MatchPattern needs exactly one of All, Included..., Excluded...")
	}
	if all != nil {
		return nil, nil
	}
	if inc != nil {
		return inc, nil
	}
	return nil, exc
}

func (c *compiler) forwarded(fc *ForwardedIPConfig, position, p string) *forwardedIP {
	if fc == nil {
		return nil
	}
	f := &forwardedIP{header: fc.HeaderName}
	if fc.HeaderName == "" {
		c.errf(p+".HeaderName", CodeInvalidParameter, "missing HeaderName")
	}
	f.fallbackMatch = c.fallback(fc.FallbackBehavior, p+".FallbackBehavior") == ovMatch
	switch position {
	case "", "FIRST":
		f.position = posFirst
	case "LAST":
		f.position = posLast
	case "ANY":
		f.position = posAny
	default:
		c.errf(p+".Position", CodeInvalidParameter, "Position must be FIRST, LAST or ANY, got %q", position)
	}
	return f
}

// lookupName matches a referenced ARN against a resource's ARN, name/id or name.
func lookupName(ref, arn, name, id string) bool {
	if ref == "" {
		return false
	}
	if ref == arn {
		return true
	}
	// arn:aws:wafv2:region:account:scope/ipset/name/id
	parts := strings.Split(ref, "/")
	if len(parts) >= 3 {
		rn, rid := parts[len(parts)-2], parts[len(parts)-1]
		return rn == name && (id == "" || rid == id)
	}
	return ref == name
}

func (c *compiler) ipSet(ref, p string) *ipSet {
	if s, ok := c.ipsets[ref]; ok {
		return s
	}
	for _, d := range c.opts.IPSets {
		if lookupName(ref, d.ARN, d.Name, d.Id) {
			s, err := compileIPSet(d)
			if err != nil {
				c.errf(p, CodeInvalidParameter, "IP set %s: %v", ref, err)
				return &ipSet{}
			}
			c.ipsets[ref] = s
			return s
		}
	}
	c.errf(p, CodeNonexistentItem, "no IP set %q was supplied (give its get-ip-set JSON)", ref)
	return &ipSet{}
}

func compileIPSet(d *IPSetDoc) (*ipSet, error) {
	s := &ipSet{v4: map[netip.Prefix]struct{}{}, v6: map[netip.Prefix]struct{}{}}
	b4, b6 := map[int]bool{}, map[int]bool{}
	switch d.IPAddressVersion {
	case "", "IPV4", "IPV6":
	default:
		return nil, &Error{Path: "IPAddressVersion", Message: fmt.Sprintf("IPAddressVersion must be IPV4 or IPV6, got %q", d.IPAddressVersion), Code: CodeInvalidParameter}
	}
	if len(d.Addresses) > 10000 {
		return nil, &Error{Path: "Addresses", Message: fmt.Sprintf("%d addresses, more than AWS's 10,000 per IP set", len(d.Addresses)), Code: CodeLimitsExceeded}
	}
	for i, a := range d.Addresses {
		pfx, err := netip.ParsePrefix(a)
		if err != nil {
			return nil, &Error{Path: "Addresses[" + strconv.Itoa(i) + "]", Message: fmt.Sprintf("not a CIDR block: %q", a), Code: CodeInvalidParameter}
		}
		if d.IPAddressVersion == "IPV4" && !pfx.Addr().Is4() || d.IPAddressVersion == "IPV6" && !pfx.Addr().Is6() {
			return nil, &Error{Path: "Addresses[" + strconv.Itoa(i) + "]", Message: fmt.Sprintf("%q is not an %s address", a, d.IPAddressVersion), Code: CodeInvalidParameter}
		}
		pfx = pfx.Masked()
		if pfx.Addr().Is4() {
			s.v4[pfx] = struct{}{}
			b4[pfx.Bits()] = true
		} else {
			s.v6[pfx] = struct{}{}
			b6[pfx.Bits()] = true
		}
	}
	for b := range b4 {
		s.bits4 = append(s.bits4, b)
	}
	for b := range b6 {
		s.bits6 = append(s.bits6, b)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(s.bits4)))
	sort.Sort(sort.Reverse(sort.IntSlice(s.bits6)))
	return s, nil
}

func (c *compiler) regexSet(ref, p string) []*regexp.Regexp {
	if r, ok := c.regexes[ref]; ok {
		return r
	}
	for _, d := range c.opts.RegexPatternSets {
		if lookupName(ref, d.ARN, d.Name, d.Id) {
			var out []*regexp.Regexp
			for i, r := range d.RegularExpressionList {
				re, err := compileRegex(r.RegexString)
				if err != nil {
					c.errf(p, CodeInvalidParameter, "regex pattern set %s, RegularExpressionList[%d]: %v", ref, i, err)
					continue
				}
				out = append(out, re)
			}
			c.regexes[ref] = out
			return out
		}
	}
	c.errf(p, CodeNonexistentItem, "no regex pattern set %q was supplied (give its get-regex-pattern-set JSON)", ref)
	return nil
}

var rateKeyTypes = map[string]int{"IP": aggIP, "FORWARDED_IP": aggForwardedIP, "CONSTANT": aggConstant, "CUSTOM_KEYS": aggCustom}

func (c *compiler) rateBased(st *RateBasedStatement, p, ns string) (node, int64) {
	n := newRateNode()
	n.limit = st.Limit
	if st.Limit < 10 || st.Limit > 2000000000 {
		c.errf(p+".Limit", CodeInvalidParameter, "Limit must be 10 to 2,000,000,000, got %d", st.Limit)
	}
	win := st.EvaluationWindowSec
	if win == 0 {
		win = 300
	}
	switch win {
	case 60, 120, 300, 600:
	default:
		c.errf(p+".EvaluationWindowSec", CodeInvalidParameter, "EvaluationWindowSec must be 60, 120, 300 or 600, got %d", win)
		win = 300
	}
	n.window = time.Duration(win) * time.Second
	n.bucket = n.window / rateBuckets
	agg, ok := rateKeyTypes[st.AggregateKeyType]
	if !ok {
		c.errf(p+".AggregateKeyType", CodeInvalidParameter, "AggregateKeyType must be IP, FORWARDED_IP, CONSTANT or CUSTOM_KEYS, got %q", st.AggregateKeyType)
	}
	n.agg = agg
	if agg == aggForwardedIP {
		if st.ForwardedIPConfig == nil {
			c.errf(p+".ForwardedIPConfig", CodeInvalidParameter, "FORWARDED_IP needs ForwardedIPConfig")
			n.agg = aggIP
		} else {
			n.fwd = c.forwarded(st.ForwardedIPConfig, "", p+".ForwardedIPConfig")
		}
	}
	if agg == aggConstant && st.ScopeDownStatement == nil {
		c.errf(p+".ScopeDownStatement", CodeInvalidParameter, "CONSTANT aggregation needs a ScopeDownStatement")
	}
	var wcu int64 = 2
	if agg == aggCustom {
		if len(st.CustomKeys) == 0 || len(st.CustomKeys) > 5 {
			c.errf(p+".CustomKeys", CodeInvalidParameter, "CUSTOM_KEYS needs 1 to 5 CustomKeys, got %d", len(st.CustomKeys))
		}
		for i := range st.CustomKeys {
			k, w := c.customKey(&st.CustomKeys[i], p+".CustomKeys["+strconv.Itoa(i)+"]", ns, st.ForwardedIPConfig)
			n.keys = append(n.keys, k)
			wcu += w
		}
	} else if len(st.CustomKeys) > 0 {
		c.errf(p+".CustomKeys", CodeInvalidParameter, "CustomKeys needs AggregateKeyType CUSTOM_KEYS")
	}
	if st.ScopeDownStatement != nil {
		sd, w := c.stmt(st.ScopeDownStatement, p+".ScopeDownStatement", ns, false)
		n.scopeDown = sd
		wcu += w
	}
	return n, wcu
}

func (c *compiler) customKey(k *RateBasedCustomKey, p, ns string, fwd *ForwardedIPConfig) (customKey, int64) {
	var out customKey
	set := 0
	text := func(kind string, t *RateLimitText, f field) {
		set++
		out.kind = kind
		out.tx.f = f
		if t.Name != "" {
			out.tx.f.name = strings.ToLower(t.Name)
			out.name = t.Name
		}
		for _, tr := range t.TextTransformations {
			fn, ok := transforms[tr.Type]
			if !ok {
				c.errf(p+"."+kind+".TextTransformations", CodeInvalidParameter, "unknown TextTransformation Type %q", tr.Type)
			}
			if fn != nil {
				out.tx.tx = append(out.tx.tx, fn)
			}
		}
	}
	var wcu int64
	if k.Header != nil {
		text("Header", k.Header, field{kind: fSingleHeader})
	}
	if k.Cookie != nil {
		text("Cookie", k.Cookie, field{kind: fCookies, scope: scopeValue, include: []string{k.Cookie.Name}})
	}
	if k.QueryArgument != nil {
		text("QueryArgument", k.QueryArgument, field{kind: fSingleQueryArgument})
	}
	if k.QueryString != nil {
		text("QueryString", k.QueryString, field{kind: fQueryString})
	}
	if k.UriPath != nil {
		text("UriPath", k.UriPath, field{kind: fUriPath})
	}
	if k.JA3Fingerprint != nil {
		text("JA3Fingerprint", &RateLimitText{}, field{kind: fJA3, oversize: ovNoMatch})
	}
	if k.JA4Fingerprint != nil {
		text("JA4Fingerprint", &RateLimitText{}, field{kind: fJA4, oversize: ovNoMatch})
	}
	if k.HTTPMethod != nil {
		set++
		out.kind = "HTTPMethod"
	}
	if k.IP != nil {
		set++
		out.kind = "IP"
	}
	if k.ASN != nil {
		set++
		out.kind = "ASN"
	}
	if k.ForwardedIP != nil {
		set++
		out.kind = "ForwardedIP"
		if fwd == nil {
			c.errf(p+".ForwardedIP", CodeInvalidParameter, "a ForwardedIP key needs the statement's ForwardedIPConfig")
		} else {
			out.fwd = c.forwarded(fwd, "", p)
		}
	}
	if k.LabelNamespace != nil {
		set++
		out.kind = "LabelNamespace"
		out.name = k.LabelNamespace.Namespace
		if !strings.HasSuffix(out.name, ":") {
			c.errf(p+".LabelNamespace.Namespace", CodeInvalidParameter, "a label namespace ends with ':', got %q", out.name)
		}
		if !strings.HasPrefix(out.name, "awswaf:") {
			out.name = ns + out.name
		}
	}
	if set != 1 {
		c.errf(p, CodeInvalidParameter, "a custom key needs exactly one key type, got %d", set)
	}
	wcu += int64(len(out.tx.tx)) * 10
	return out, wcu + 30
}
