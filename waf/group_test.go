package waf

import (
	"strings"
	"testing"
)

const groupJSON = `{"RuleGroup":{"Name":"my-group","Id":"g1","ARN":"arn:aws:wafv2:us-east-1:111122223333:regional/rulegroup/my-group/g1",
 "Capacity":100,"LabelNamespace":"awswaf:111122223333:rulegroup:my-group:",
 "VisibilityConfig":{"SampledRequestsEnabled":true,"CloudWatchMetricsEnabled":true,"MetricName":"g"},
 "Rules":[
  {"Name":"A2","Priority":20000,"Action":{"Count":{}},"RuleLabels":[{"Name":"seen:a2"}],
   "Statement":{"ByteMatchStatement":{"FieldToMatch":{"UriPath":{}},"SearchString":"/x","PositionalConstraint":"STARTS_WITH","TextTransformations":[{"Priority":0,"Type":"NONE"}]}},
   "VisibilityConfig":{"SampledRequestsEnabled":true,"CloudWatchMetricsEnabled":true,"MetricName":"a2"}},
  {"Name":"A1","Priority":10000,"Action":{"Block":{}},"RuleLabels":[{"Name":"seen:a1"}],
   "Statement":{"ByteMatchStatement":{"FieldToMatch":{"QueryString":{}},"SearchString":"bad","PositionalConstraint":"CONTAINS","TextTransformations":[{"Priority":0,"Type":"NONE"}]}},
   "VisibilityConfig":{"SampledRequestsEnabled":true,"CloudWatchMetricsEnabled":true,"MetricName":"a1"}}
 ]},"LockToken":"t"}`

func aclWithGroup(override, extra string) string {
	return `{"Name":"acl","ARN":"arn:aws:wafv2:us-east-1:111122223333:regional/webacl/acl/1","DefaultAction":{"Allow":{}},"Rules":[
	{"Name":"Rule1","Priority":0,"Action":{"Count":{}},"RuleLabels":[{"Name":"first"}],
	 "Statement":{"ByteMatchStatement":{"FieldToMatch":{"UriPath":{}},"SearchString":"/","PositionalConstraint":"STARTS_WITH","TextTransformations":[{"Priority":0,"Type":"NONE"}]}},
	 "VisibilityConfig":{"SampledRequestsEnabled":true,"CloudWatchMetricsEnabled":true,"MetricName":"r1"}},
	{"Name":"GroupA","Priority":100,"OverrideAction":` + override + `,
	 "Statement":{"RuleGroupReferenceStatement":{"ARN":"arn:aws:wafv2:us-east-1:111122223333:regional/rulegroup/my-group/g1"` + extra + `}},
	 "VisibilityConfig":{"SampledRequestsEnabled":true,"CloudWatchMetricsEnabled":true,"MetricName":"ga"}},
	{"Name":"AfterGroup","Priority":200,"Action":{"Block":{"CustomResponse":{"ResponseCode":429}}},
	 "Statement":{"LabelMatchStatement":{"Scope":"NAMESPACE","Key":"awswaf:111122223333:rulegroup:my-group:seen:"}},
	 "VisibilityConfig":{"SampledRequestsEnabled":true,"CloudWatchMetricsEnabled":true,"MetricName":"ag"}}
	]}`
}

func groupACL(t *testing.T, override, extra string) *WebACL {
	t.Helper()
	g, err := ParseRuleGroup([]byte(groupJSON))
	if err != nil {
		t.Fatal(err)
	}
	return compileJSON(t, aclWithGroup(override, extra), Options{Resources: Resources{RuleGroups: []*RuleGroupFile{g}}})
}

func TestRuleGroupEvaluation(t *testing.T) {
	t.Parallel()
	w := groupACL(t, `{"None":{}}`, "")
	// STARTS_WITH byte match 2 + the group's fixed capacity 100 + label match 1
	if w.Capacity() != 103 {
		t.Errorf("capacity %d, want 103", w.Capacity())
	}
	// A1 (p10000) runs before A2 (p20000) and blocks.
	res := eval(w, get("/x?bad"))
	if res.Action != Block || res.TerminatingRuleID != "GroupA" || res.TerminatingRuleType != "GROUP" || res.TerminatingGroupRule != "A1" {
		t.Fatalf("got %s by %s/%s (%s), want BLOCK by GroupA/A1 (GROUP)", res.Action, res.TerminatingRuleID, res.TerminatingGroupRule, res.TerminatingRuleType)
	}
	if !hasLabel(res, "awswaf:111122223333:webacl:acl:first") || !hasLabel(res, "awswaf:111122223333:rulegroup:my-group:seen:a1") {
		t.Fatalf("labels %v", res.Labels)
	}
	if hasLabel(res, "awswaf:111122223333:rulegroup:my-group:seen:a2") {
		t.Fatal("A2 ran after the group terminated")
	}
	// A2 counts, labels; the later web ACL rule sees the group's label.
	res = eval(w, get("/x"))
	if res.Action != Block || res.TerminatingRuleID != "AfterGroup" || res.Response.Status != 429 {
		t.Fatalf("got %s by %s, want BLOCK 429 by AfterGroup", res.Action, res.TerminatingRuleID)
	}
	if len(res.RuleGroups) != 1 || res.RuleGroups[0].NonTerminatingMatchingRules[0].RuleID != "A2" {
		t.Fatalf("ruleGroupList %+v", res.RuleGroups)
	}
	if res := eval(w, get("/y")); res.Action != Allow || res.TerminatingRuleID != DefaultActionID {
		t.Fatalf("benign: %s by %s", res.Action, res.TerminatingRuleID)
	}
}

func TestRuleGroupOverrides(t *testing.T) {
	t.Parallel()
	// OverrideAction Count: A1's Block becomes Count, labels still added.
	w := groupACL(t, `{"Count":{}}`, "")
	res := eval(w, get("/z?bad"))
	if res.TerminatingRuleID != "AfterGroup" {
		t.Fatalf("OverrideAction Count: terminated by %s, want AfterGroup (label from the counted A1)", res.TerminatingRuleID)
	}
	if m := res.RuleGroups[0].NonTerminatingMatchingRules[0]; m.Action != Count || m.OverriddenAction != "BLOCK" {
		t.Fatalf("logged %+v, want COUNT overriding BLOCK", m)
	}
	// RuleActionOverrides on one rule.
	w = groupACL(t, `{"None":{}}`, `,"RuleActionOverrides":[{"Name":"A1","ActionToUse":{"Captcha":{}}}]`)
	if res := eval(w, get("/z?bad")); res.Action != Captcha || res.Response.Status != 405 {
		t.Fatalf("RuleActionOverrides Captcha: got %s", res.Action)
	}
	// Legacy ExcludedRules: Count.
	w = groupACL(t, `{"None":{}}`, `,"ExcludedRules":[{"Name":"A1"}]`)
	if res := eval(w, get("/z?bad")); res.TerminatingRuleID != "AfterGroup" {
		t.Fatalf("ExcludedRules: got %s by %s", res.Action, res.TerminatingRuleID)
	}
}

func TestManagedRuleGroupRegistry(t *testing.T) {
	t.Parallel()
	RegisterManagedRuleGroup("MoatTest", "TestGroup", func() (*RuleGroupFile, error) {
		return ParseRuleGroup([]byte(strings.Replace(groupJSON, `"LabelNamespace":"awswaf:111122223333:rulegroup:my-group:",`, `"LabelNamespace":"awswaf:managed:moattest:test:",`, 1)))
	})
	acl := `{"Name":"m","DefaultAction":{"Allow":{}},"Rules":[{"Name":"managed","Priority":0,"OverrideAction":{"None":{}},
	 "Statement":{"ManagedRuleGroupStatement":{"VendorName":"MoatTest","Name":"TestGroup","Version":"Version_1.0",
	   "ScopeDownStatement":{"NotStatement":{"Statement":{"ByteMatchStatement":{"FieldToMatch":{"UriPath":{}},"SearchString":"/health","PositionalConstraint":"EXACTLY","TextTransformations":[{"Priority":0,"Type":"NONE"}]}}}}}},
	 "VisibilityConfig":{"SampledRequestsEnabled":true,"CloudWatchMetricsEnabled":true,"MetricName":"m"}}]}`
	w := compileJSON(t, acl, Options{})
	res := eval(w, get("/a?bad"))
	if res.Action != Block || res.TerminatingRuleType != "MANAGED_RULE_GROUP" || res.RuleGroups[0].RuleGroupID != "MoatTest#TestGroup#Version_1.0" ||
		!hasLabel(res, "awswaf:managed:moattest:test:seen:a1") {
		t.Fatalf("got %+v", res)
	}
	if res := eval(w, get("/health?bad")); res.Action != Allow {
		t.Fatalf("scope-down: /health should not be inspected, got %s", res.Action)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("duplicate registration did not panic")
		}
	}()
	RegisterManagedRuleGroup("MoatTest", "TestGroup", nil)
}

func TestLabelVisibleOnlyToLaterRules(t *testing.T) {
	t.Parallel()
	acl := `{"Name":"l","DefaultAction":{"Allow":{}},"Rules":[
	 {"Name":"uses","Priority":1,"Action":{"Block":{}},"Statement":{"LabelMatchStatement":{"Scope":"LABEL","Key":"x:y"}},"VisibilityConfig":{"SampledRequestsEnabled":true,"CloudWatchMetricsEnabled":true,"MetricName":"a"}},
	 {"Name":"adds","Priority":2,"Action":{"Count":{}},"RuleLabels":[{"Name":"x:y"}],"Statement":{"ByteMatchStatement":{"FieldToMatch":{"UriPath":{}},"SearchString":"/","PositionalConstraint":"STARTS_WITH","TextTransformations":[{"Priority":0,"Type":"NONE"}]}},"VisibilityConfig":{"SampledRequestsEnabled":true,"CloudWatchMetricsEnabled":true,"MetricName":"b"}}
	]}`
	w := compileJSON(t, acl, Options{Account: "444455556666"})
	res := eval(w, get("/"))
	if res.Action != Allow || len(res.Labels) != 1 || res.Labels[0] != "awswaf:444455556666:webacl:l:x:y" {
		t.Fatalf("got %s, labels %v", res.Action, res.Labels)
	}
	if len(res.NonTerminating) != 1 || res.NonTerminating[0].RuleID != "adds" {
		t.Fatalf("nonTerminatingMatchingRules %+v", res.NonTerminating)
	}
}

func TestInsertHeadersAndDefaultBlock(t *testing.T) {
	t.Parallel()
	acl := `{"Name":"h","DefaultAction":{"Block":{"CustomResponse":{"ResponseCode":451,"CustomResponseBodyKey":"b","ResponseHeaders":[{"Name":"why","Value":"default"}]}}},
	 "CustomResponseBodies":{"b":{"ContentType":"TEXT_HTML","Content":"<p>no</p>"}},"Rules":[
	 {"Name":"tag","Priority":1,"Action":{"Count":{"CustomRequestHandling":{"InsertHeaders":[{"Name":"seen","Value":"1"}]}}},"Statement":{"ByteMatchStatement":{"FieldToMatch":{"UriPath":{}},"SearchString":"/","PositionalConstraint":"STARTS_WITH","TextTransformations":[{"Priority":0,"Type":"NONE"}]}},"VisibilityConfig":{"SampledRequestsEnabled":true,"CloudWatchMetricsEnabled":true,"MetricName":"a"}},
	 {"Name":"ok","Priority":2,"Action":{"Allow":{"CustomRequestHandling":{"InsertHeaders":[{"Name":"ok","Value":"yes"}]}}},"Statement":{"ByteMatchStatement":{"FieldToMatch":{"UriPath":{}},"SearchString":"/ok","PositionalConstraint":"EXACTLY","TextTransformations":[{"Priority":0,"Type":"NONE"}]}},"VisibilityConfig":{"SampledRequestsEnabled":true,"CloudWatchMetricsEnabled":true,"MetricName":"b"}}
	]}`
	w := compileJSON(t, acl, Options{})
	res := eval(w, get("/ok"))
	if res.Action != Allow || len(res.InsertHeaders) != 2 || res.InsertHeaders[0].Name != "x-amzn-waf-seen" || res.InsertHeaders[1].Name != "x-amzn-waf-ok" {
		t.Fatalf("got %s with headers %+v", res.Action, res.InsertHeaders)
	}
	res = eval(w, get("/other"))
	if res.Action != Block || res.TerminatingRuleID != DefaultActionID || res.Response.Status != 451 || res.Response.Body != "<p>no</p>" ||
		res.Response.ContentType != "text/html" || res.Response.Headers[0].Name != "x-amzn-waf-why" || len(res.InsertHeaders) != 0 {
		t.Fatalf("default block: %+v %+v", res, res.Response)
	}
}
