package waf

import (
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"
)

// countRule is a Count rule that labels every request with its own name,
// so the label order records the evaluation order.
func countRule(name string, prio int) string {
	return `{"Name":"` + name + `","Priority":` + strconv.Itoa(prio) + `,"Action":{"Count":{}},"RuleLabels":[{"Name":"` + name + `"}],
	"Statement":{"ByteMatchStatement":{"FieldToMatch":{"UriPath":{}},"SearchString":"/","PositionalConstraint":"STARTS_WITH","TextTransformations":[{"Priority":0,"Type":"NONE"}]}},
	"VisibilityConfig":{"SampledRequestsEnabled":false,"CloudWatchMetricsEnabled":false,"MetricName":"` + name + `"}}`
}

func groupRef(name string, prio int, arn string) string {
	return `{"Name":"` + name + `","Priority":` + strconv.Itoa(prio) + `,"OverrideAction":{"None":{}},"Statement":{"RuleGroupReferenceStatement":{"ARN":"` + arn + `"}},
	"VisibilityConfig":{"SampledRequestsEnabled":false,"CloudWatchMetricsEnabled":false,"MetricName":"` + name + `"}}`
}

func ruleGroup(t *testing.T, name string, rules ...string) *RuleGroupFile {
	t.Helper()
	g, err := ParseRuleGroup([]byte(`{"Name":"` + name + `","ARN":"arn:aws:wafv2:us-east-1:111122223333:regional/rulegroup/` + name + `/id","Capacity":50,
	"LabelNamespace":"awswaf:111122223333:rulegroup:` + name + `:","Rules":[` + strings.Join(rules, ",") + `]}`))
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// The developer guide's processing-order example (web-acl-processing-order):
// Rule1 p0, GroupA p100 {A1 p10000, A2 p20000}, Rule2 p200,
// GroupB p300 {B1 p0, B2 p1} evaluates Rule1, A1, A2, Rule2, B1, B2.
func TestProcessingOrderExample(t *testing.T) {
	t.Parallel()
	ga := ruleGroup(t, "GroupA", countRule("A2", 20000), countRule("A1", 10000))
	gb := ruleGroup(t, "GroupB", countRule("B2", 1), countRule("B1", 0))
	acl := `{"Name":"order","DefaultAction":{"Allow":{}},"Rules":[` +
		groupRef("GroupB", 300, gb.ARN) + "," + countRule("Rule2", 200) + "," + groupRef("GroupA", 100, ga.ARN) + "," + countRule("Rule1", 0) + `]}`
	w := compileJSON(t, acl, Options{Resources: Resources{RuleGroups: []*RuleGroupFile{ga, gb}}})
	res := eval(w, get("/"))
	var order []string
	for _, l := range res.Labels {
		order = append(order, l[strings.LastIndexByte(l, ':')+1:])
	}
	if got := strings.Join(order, ","); got != "Rule1,A1,A2,Rule2,B1,B2" {
		t.Fatalf("evaluation order %s, want Rule1,A1,A2,Rule2,B1,B2", got)
	}
	if res.Action != Allow || res.TerminatingRuleID != DefaultActionID || len(res.RuleGroups) != 2 || len(res.NonTerminating) != 2 {
		t.Fatalf("result %+v", res)
	}
}

func TestChallengeTokens(t *testing.T) {
	t.Parallel()
	clock := newClock()
	key := []byte("secret-key-0123456789")
	acl := `{"Name":"c","DefaultAction":{"Allow":{}},"ChallengeConfig":{"ImmunityTimeProperty":{"ImmunityTime":60}},"Rules":[` +
		strings.Replace(countRule("ch", 0), `"Count":{}`, `"Challenge":{}`, 1) + `]}`
	w := compileJSON(t, acl, Options{Now: clock.now, TokenKey: key})
	withToken := func(tok string) *Request { return get("/", "Cookie", TokenCookie+"="+tok) }
	cases := []struct {
		name   string
		req    *Request
		action Action
		label  string
	}{
		{"no token", get("/"), Challenge, LabelTokenAbsent},
		{"fresh challenge token", withToken(IssueToken(key, clock.t.Add(-30*time.Second), time.Time{})), Allow, LabelTokenAccepted},
		{"a CAPTCHA solve also passes a challenge", withToken(IssueToken(key, time.Unix(0, 0), clock.t.Add(-10*time.Second))), Allow, LabelTokenAccepted},
		{"expired", withToken(IssueToken(key, clock.t.Add(-61*time.Second), time.Time{})), Challenge, LabelTokenRejected},
		{"other key", withToken(IssueToken([]byte("other"), clock.t, time.Time{})), Challenge, LabelTokenRejected},
		{"garbage", withToken("v1.!!!.???"), Challenge, LabelTokenRejected},
	}
	for _, c := range cases {
		res := eval(w, c.req)
		if res.Action != c.action || !hasLabel(res, c.label) {
			t.Errorf("%s: got %s with %v, want %s with %s", c.name, res.Action, res.Labels, c.action, c.label)
		}
		if c.action == Challenge && (res.Response.Status != 202 || res.Response.Headers[0].Value != "challenge") {
			t.Errorf("%s: response %+v, want 202 with x-amzn-waf-action: challenge", c.name, res.Response)
		}
	}
	// a challenge token does not pass a CAPTCHA
	acl = `{"Name":"c","DefaultAction":{"Allow":{}},"Rules":[` + strings.Replace(countRule("ca", 0), `"Count":{}`, `"Captcha":{}`, 1) + `]}`
	w = compileJSON(t, acl, Options{Now: clock.now, TokenKey: key})
	if res := eval(w, withToken(IssueToken(key, clock.t, time.Time{}))); res.Action != Captcha {
		t.Fatalf("challenge-only token passed a CAPTCHA: %s", res.Action)
	}
}

func TestRateBasedKeys(t *testing.T) {
	t.Parallel()
	clock := newClock()
	rate := func(stmt string) *WebACL {
		return compileJSON(t, oneRule(`{"RateBasedStatement":{"Limit":10,"EvaluationWindowSec":60,`+stmt+`}}`), Options{Now: clock.now})
	}
	send := func(w *WebACL, n int, mk func(i int) *Request) int {
		blocked := 0
		for i := 0; i < n; i++ {
			if eval(w, mk(i)).Action == Block {
				blocked++
			}
		}
		return blocked
	}
	fromIP := func(ip string) func(int) *Request {
		return func(int) *Request { return &Request{Method: "GET", URI: "/", ClientIP: netip.MustParseAddr(ip)} }
	}
	// CONSTANT with a scope-down: all /login requests share one counter
	w := rate(`"AggregateKeyType":"CONSTANT","ScopeDownStatement":{"ByteMatchStatement":{"FieldToMatch":{"UriPath":{}},"SearchString":"/login","PositionalConstraint":"EXACTLY","TextTransformations":[{"Priority":0,"Type":"NONE"}]}}`)
	if b := send(w, 15, func(i int) *Request {
		return &Request{Method: "POST", URI: "/login", ClientIP: netip.AddrFrom4([4]byte{192, 0, 2, byte(i)})}
	}); b != 5 {
		t.Errorf("CONSTANT: %d of 15 blocked, want 5", b)
	}
	if b := send(w, 15, fromIP("192.0.2.1")); b != 0 {
		t.Errorf("CONSTANT outside the scope-down: %d blocked", b)
	}
	// FORWARDED_IP: the first address of the header is the key
	w = rate(`"AggregateKeyType":"FORWARDED_IP","ForwardedIPConfig":{"HeaderName":"X-Forwarded-For","FallbackBehavior":"NO_MATCH"}`)
	if b := send(w, 12, func(i int) *Request { return get("/", "X-Forwarded-For", "198.51.100.7, 10.0.0."+strconv.Itoa(i)) }); b != 2 {
		t.Errorf("FORWARDED_IP: %d of 12 blocked, want 2", b)
	}
	if b := send(w, 12, func(int) *Request { return get("/") }); b != 0 {
		t.Errorf("FORWARDED_IP without the header (NO_MATCH): %d blocked", b)
	}
	// CUSTOM_KEYS: header (lowercased) + method; a request without the header is not counted
	w = rate(`"AggregateKeyType":"CUSTOM_KEYS","CustomKeys":[{"Header":{"Name":"x-api-key","TextTransformations":[{"Priority":0,"Type":"LOWERCASE"}]}},{"HTTPMethod":{}}]`)
	if b := send(w, 12, func(i int) *Request {
		k := "KEY-1"
		if i%2 == 0 {
			k = "key-1"
		}
		return get("/", "X-Api-Key", k)
	}); b != 2 {
		t.Errorf("CUSTOM_KEYS same key different case: %d of 12 blocked, want 2", b)
	}
	if b := send(w, 12, func(int) *Request { return get("/") }); b != 0 {
		t.Errorf("CUSTOM_KEYS missing component: %d blocked, want 0", b)
	}
	// the rate rule inside the log's rateBasedRuleList
	res := eval(w, get("/", "X-Api-Key", "key-1"))
	if len(res.RateBased) != 1 || res.RateBased[0].Limit != 10 || res.RateBased[0].WindowSeconds != 60 {
		t.Errorf("rateBasedRuleList %+v", res.RateBased)
	}
	// a label namespace key
	acl := `{"Name":"l","DefaultAction":{"Allow":{}},"Rules":[` + countRule("tag", 0) + `,
	{"Name":"r","Priority":1,"Action":{"Block":{}},"VisibilityConfig":{"SampledRequestsEnabled":false,"CloudWatchMetricsEnabled":false,"MetricName":"r"},
	 "Statement":{"RateBasedStatement":{"Limit":10,"EvaluationWindowSec":120,"AggregateKeyType":"CUSTOM_KEYS","CustomKeys":[{"LabelNamespace":{"Namespace":"awswaf:123456789012:webacl:l:"}}]}}}]}`
	w = compileJSON(t, acl, Options{Now: clock.now})
	if b := send(w, 11, fromIP("192.0.2.1")); b != 1 {
		t.Errorf("LabelNamespace key: %d of 11 blocked, want 1", b)
	}
}
