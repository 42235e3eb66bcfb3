package waf

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
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
	switch opts.ResourceType {
	case "", "CLOUDFRONT", "API_GATEWAY", "COGNITO_USER_POOL", "APP_RUNNER_SERVICE", "VERIFIED_ACCESS_INSTANCE", "AMPLIFY", "APPLICATION_LOAD_BALANCER", "APPSYNC":
	default:
		return nil, &Error{Message: fmt.Sprintf("unknown resource type %q (CLOUDFRONT, API_GATEWAY, COGNITO_USER_POOL, APP_RUNNER_SERVICE, VERIFIED_ACCESS_INSTANCE, AMPLIFY, APPLICATION_LOAD_BALANCER, APPSYNC)", opts.ResourceType), Code: CodeInvalidParameter}
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
	w.metric = f.Name
	if f.VisibilityConfig != nil && f.VisibilityConfig.MetricName != "" {
		w.metric = f.VisibilityConfig.MetricName
	}
	w.ruleMetrics = make(map[string]string, len(w.rules))
	for _, r := range w.rules {
		w.ruleMetrics[r.name] = r.metric
	}
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
