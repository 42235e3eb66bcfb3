package waf

import (
	"sync"
	"time"
)

// Action is a rule or default action.
type Action uint8

// The actions, in AWS's log spelling.
const (
	Allow Action = iota
	Block
	Count
	Captcha
	Challenge
)

var actionNames = [...]string{"ALLOW", "BLOCK", "COUNT", "CAPTCHA", "CHALLENGE"}

func (a Action) String() string { return actionNames[a] }

type action struct {
	kind     Action
	insert   []Header  // x-amzn-waf- prefixed request headers
	response *Response // Block custom response
}

type rule struct {
	name, metric      string
	priority          int64
	typ               string // REGULAR, RATE_BASED, GROUP, MANAGED_RULE_GROUP
	stmt              node
	action            action
	labels            []string
	group             *group
	overrideCount     bool
	rate              *rateNode
	captchaImmunity   time.Duration
	challengeImmunity time.Duration
}

// WebACL is a compiled web ACL. It is safe for concurrent use: compiled
// rules are immutable; rate-based counters are locked; per-request scratch
// space comes from a pool.
type WebACL struct {
	name, arn, id     string
	namespace         string
	rules             []*rule
	defaultAction     action
	bodyLimit         int
	bodies            map[string]CustomResponseBody
	captchaImmunity   time.Duration
	challengeImmunity time.Duration
	geo               GeoResolver
	now               func() time.Time
	tokenKey          []byte
	capacity          int64
	metric            string            // the web ACL's VisibilityConfig.MetricName
	ruleMetrics       map[string]string // rule name -> its MetricName
	pool              sync.Pool
}

// MetricName returns the CloudWatch metric name of a web ACL rule, or of the
// web ACL itself for "" and Default_Action.
func (w *WebACL) MetricName(rule string) string {
	if m, ok := w.ruleMetrics[rule]; ok {
		return m
	}
	return w.metric
}

// Name returns the web ACL's name.
func (w *WebACL) Name() string { return w.name }

// ARN returns the web ACL's ARN as given in its JSON.
func (w *WebACL) ARN() string { return w.arn }

// Capacity returns the WCUs the web ACL uses, as CheckCapacity computes them.
func (w *WebACL) Capacity() int64 { return w.capacity }

// BodyLimit is the number of body bytes inspected.
func (w *WebACL) BodyLimit() int { return w.bodyLimit }

// MatchedRule is a rule that matched, as AWS logs it.
type MatchedRule struct {
	RuleID           string
	Action           Action
	OverriddenAction string // the rule's own action when an override changed it
	Details          *MatchDetail
}

// GroupResult is one entry of the log's ruleGroupList.
type GroupResult struct {
	RuleGroupID                 string
	TerminatingRule             *MatchedRule
	NonTerminatingMatchingRules []MatchedRule
	ExcludedRules               []string
}

// RateResult is one entry of the log's rateBasedRuleList.
type RateResult struct {
	RuleName      string
	RuleGroupID   string
	Limit         int64
	WindowSeconds int64
}

// Result is the outcome of one request. Evaluate fills a caller-owned
// Result and reuses its slices, so a loop that keeps one Result does not
// allocate for it.
type Result struct {
	Action              Action
	TerminatingRuleID   string // the web ACL rule name, or "Default_Action"
	TerminatingRuleType string // REGULAR, RATE_BASED, GROUP, MANAGED_RULE_GROUP
	// TerminatingGroupRule is the rule inside the group that terminated, if any.
	TerminatingGroupRule string
	Labels               []string
	NonTerminating       []MatchedRule
	RuleGroups           []GroupResult
	RateBased            []RateResult
	// InsertHeaders are added to the request forwarded upstream (Allow, Count, ...).
	InsertHeaders []Header
	// Response is what the client gets for BLOCK, CAPTCHA and CHALLENGE.
	Response *Response
	// Matched lists every matching rule (web ACL rule names) in order, for metrics.
	Matched []string
	// TerminatingDetails is what a terminating SQLi or XSS statement matched.
	TerminatingDetails *MatchDetail
}

func (r *Result) reset() {
	*r = Result{Labels: r.Labels[:0], NonTerminating: r.NonTerminating[:0], RuleGroups: r.RuleGroups[:0],
		RateBased: r.RateBased[:0], InsertHeaders: r.InsertHeaders[:0], Matched: r.Matched[:0]}
}

// DefaultActionID is the terminatingRuleId AWS logs for the default action.
const DefaultActionID = "Default_Action"

func (ec *evalCtx) addLabel(l string) {
	for _, have := range ec.labels {
		if have == l {
			return
		}
	}
	ec.labels = append(ec.labels, l)
}

// Evaluate runs the web ACL on one request and writes the outcome to res.
func (w *WebACL) Evaluate(req *Request, res *Result) {
	ec := w.pool.Get().(*evalCtx)
	ec.reset()
	ec.acl, ec.req, ec.now = w, req, w.now()
	res.reset()
	ec.result = res
	done := false
	for _, r := range w.rules {
		if w.runRule(ec, r) {
			done = true
			break
		}
	}
	if !done {
		a := w.defaultAction
		res.Action = a.kind
		res.TerminatingRuleID = DefaultActionID
		res.TerminatingRuleType = "REGULAR"
		res.InsertHeaders = append(res.InsertHeaders, a.insert...)
		if a.kind == Block {
			res.Response = blockResponse(a.response)
		}
	}
	if res.Action != Allow && res.Action != Count {
		res.InsertHeaders = res.InsertHeaders[:0]
	}
	res.Labels = append(res.Labels, ec.labels...)
	ec.req, ec.result = nil, nil
	w.pool.Put(ec)
}

// runRule evaluates one web ACL rule; it reports whether evaluation stops.
func (w *WebACL) runRule(ec *evalCtx, r *rule) bool {
	res := ec.result
	if r.group == nil {
		ec.detail = nil
		if !r.stmt.match(ec) {
			return false
		}
		res.Matched = append(res.Matched, r.name)
		w.noteRate(res, r, "")
		stop, act := w.apply(ec, r, r.action, "")
		if stop {
			res.TerminatingRuleID, res.TerminatingRuleType, res.TerminatingDetails = r.name, r.typ, ec.detail
			return true
		}
		res.NonTerminating = append(res.NonTerminating, MatchedRule{RuleID: r.name, Action: act, Details: ec.detail})
		return false
	}
	g := r.group
	if g.scopeDown != nil && !g.scopeDown.match(ec) {
		return false
	}
	gi := len(res.RuleGroups)
	res.RuleGroups = append(res.RuleGroups, GroupResult{RuleGroupID: g.id})
	matched := false
	for _, ir := range g.rules {
		ec.detail = nil
		if !ir.stmt.match(ec) {
			continue
		}
		matched = true
		w.noteRate(res, ir, g.id)
		a := ir.action
		overridden := ""
		if o, ok := g.overrides[ir.name]; ok {
			overridden, a = ir.action.kind.String(), o
		}
		if r.overrideCount && a.kind != Count {
			if overridden == "" {
				overridden = a.kind.String()
			}
			a = action{kind: Count}
		}
		stop, act := w.apply(ec, ir, a, g.id)
		m := MatchedRule{RuleID: ir.name, Action: act, OverriddenAction: overridden, Details: ec.detail}
		if stop {
			res.RuleGroups[gi].TerminatingRule = &m
			res.TerminatingRuleID, res.TerminatingRuleType, res.TerminatingGroupRule = r.name, r.typ, ir.name
			res.TerminatingDetails = ec.detail
			res.Matched = append(res.Matched, r.name)
			return true
		}
		res.RuleGroups[gi].NonTerminatingMatchingRules = append(res.RuleGroups[gi].NonTerminatingMatchingRules, m)
	}
	if matched {
		res.Matched = append(res.Matched, r.name)
	}
	if len(res.RuleGroups[gi].NonTerminatingMatchingRules) == 0 {
		res.RuleGroups = res.RuleGroups[:gi] // AWS lists groups that matched
	}
	return false
}

func (w *WebACL) noteRate(res *Result, r *rule, groupID string) {
	if r.rate != nil {
		res.RateBased = append(res.RateBased, RateResult{RuleName: r.name, RuleGroupID: groupID, Limit: r.rate.limit, WindowSeconds: int64(r.rate.window / time.Second)})
	}
}

// apply adds the rule's labels and performs its action; it reports whether
// the action terminates and the action to log.
func (w *WebACL) apply(ec *evalCtx, r *rule, a action, groupID string) (bool, Action) {
	for _, l := range r.labels {
		ec.addLabel(l)
	}
	res := ec.result
	switch a.kind {
	case Count:
		res.InsertHeaders = append(res.InsertHeaders, a.insert...)
		return false, Count
	case Allow:
		res.Action = Allow
		res.InsertHeaders = append(res.InsertHeaders, a.insert...)
		return true, Allow
	case Block:
		res.Action = Block
		res.Response = blockResponse(a.response)
		return true, Block
	}
	// CAPTCHA and Challenge: a valid moat-issued token makes them
	// non-terminating (like Count); otherwise they terminate with the
	// interstitial.
	ok := w.tokenValid(ec, r, a.kind)
	if ok {
		res.InsertHeaders = append(res.InsertHeaders, a.insert...)
		return false, a.kind
	}
	res.Action = a.kind
	res.Response = interstitial(a.kind)
	return true, a.kind
}
