package waf

import (
	"errors"
	"strconv"
	"strings"
	"testing"
)

func TestParseErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, doc  string
		line, col  int
		path, text string
	}{
		{"garbage", "not json", 1, 2, "", "invalid JSON"},
		{"truncated", "{\"WebACL\": {\"Name\": \"a\",\n \"Rules\": [", 2, 12, "", "unexpected end of JSON input"},
		{"array", "[1]", 1, 1, "", "expected a JSON object"},
		{"duplicate key", "{\"Name\": \"a\",\n  \"Name\": \"b\"}", 2, 3, "Name", "duplicate key"},
		{"unknown statement", `{"Name":"a","DefaultAction":{"Allow":{}},"Rules":[{"Name":"r","Priority":0,"Action":{"Block":{}},
"Statement":{"FooMatchStatement":{}}}]}`, 2, 14, "Rules[0].Statement.FooMatchStatement", `unknown member "FooMatchStatement"`},
		{"wrong type", `{"Name":"a","DefaultAction":{"Allow":{}},"Rules":[{"Name":"r","Priority":"high"}]}`, 1, 74, "Rules[0].Priority", "expected a number"},
		{"unknown field to match", `{"Name":"a","DefaultAction":{"Allow":{}},"Rules":[{"Name":"r","Priority":0,"Action":{"Block":{}},"Statement":{"ByteMatchStatement":{"FieldToMatch":{"Uri":{}}}}}]}`, 1, 149, "Rules[0].Statement.ByteMatchStatement.FieldToMatch.Uri", "unknown member"},
		{"envelope extra", `{"WebACL":{"Name":"a"},"Other":1}`, 1, 24, "Other", "unknown member"},
		{"not an acl", `{"Foo":1}`, 1, 1, "", "not a web ACL"},
		{"trailing data", `{"Name":"a"} {}`, 1, 14, "", "unexpected data"},
	}
	for _, c := range cases {
		_, err := ParseWebACL([]byte(c.doc))
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%s: got %v, want *Error", c.name, err)
			continue
		}
		if e.Line != c.line || e.Column != c.col || e.Path != c.path || !strings.Contains(e.Message, c.text) || e.Code != CodeInvalidParameter {
			t.Errorf("%s: got %d:%d %q %q (%s), want %d:%d %q containing %q", c.name, e.Line, e.Column, e.Path, e.Message, e.Code, c.line, c.col, c.path, c.text)
		}
	}
}

func TestCompileErrors(t *testing.T) {
	t.Parallel()
	rule := func(body string) string {
		return `{"Name":"a","DefaultAction":{"Allow":{}},"Rules":[
  {"Name":"r","Priority":0,` + body + `}]}`
	}
	bm := `"Statement":{"ByteMatchStatement":{"FieldToMatch":{"UriPath":{}},"SearchString":"x","PositionalConstraint":"%s","TextTransformations":[{"Priority":0,"Type":"%s"}]}}`
	cases := []struct {
		name, doc, path, text, code string
	}{
		{"missing default action", `{"Name":"a","Rules":[]}`, "DefaultAction", "missing required member DefaultAction", CodeInvalidParameter},
		{"two default actions", `{"Name":"a","DefaultAction":{"Allow":{},"Block":{}}}`, "DefaultAction", "exactly one of Allow, Block", CodeInvalidParameter},
		{"bad positional constraint", rule(`"Action":{"Block":{}},` + strings.Replace(strings.Replace(bm, "%s", "SOMEWHERE", 1), "%s", "NONE", 1)), "Rules[0].Statement.ByteMatchStatement.PositionalConstraint", "PositionalConstraint must be", CodeInvalidParameter},
		{"bad transformation", rule(`"Action":{"Block":{}},` + strings.Replace(strings.Replace(bm, "%s", "EXACTLY", 1), "%s", "ROT13", 1)), "Rules[0].Statement.ByteMatchStatement.TextTransformations[0].Type", `unknown TextTransformation Type "ROT13"`, CodeInvalidParameter},
		{"missing action", rule(strings.Replace(strings.Replace(bm, "%s", "EXACTLY", 1), "%s", "NONE", 1)), "Rules[0]", "missing required member Action", CodeInvalidParameter},
		{"two actions", rule(`"Action":{"Block":{},"Count":{}},` + strings.Replace(strings.Replace(bm, "%s", "EXACTLY", 1), "%s", "NONE", 1)), "Rules[0].Action", "exactly one of", CodeInvalidParameter},
		{"regex aws rejects", rule(`"Action":{"Block":{}},"Statement":{"RegexMatchStatement":{"RegexString":"(a)\\1","FieldToMatch":{"UriPath":{}},"TextTransformations":[{"Priority":0,"Type":"NONE"}]}}`), "Rules[0].Statement.RegexMatchStatement.RegexString", "regex not supported", CodeInvalidParameter},
		{"lookahead", rule(`"Action":{"Block":{}},"Statement":{"RegexMatchStatement":{"RegexString":"a(?=b)","FieldToMatch":{"UriPath":{}},"TextTransformations":[{"Priority":0,"Type":"NONE"}]}}`), "Rules[0].Statement.RegexMatchStatement.RegexString", "regex not supported", CodeInvalidParameter},
		{"missing ip set", rule(`"Action":{"Block":{}},"Statement":{"IPSetReferenceStatement":{"ARN":"arn:aws:wafv2:us-east-1:1:regional/ipset/x/y"}}`), "Rules[0].Statement.IPSetReferenceStatement.ARN", "no IP set", CodeNonexistentItem},
		{"unknown managed group", rule(`"OverrideAction":{"None":{}},"Statement":{"ManagedRuleGroupStatement":{"VendorName":"AWS","Name":"AWSManagedRulesNope"}}`), "Rules[0].Statement.ManagedRuleGroupStatement", "not available", CodeUnavailableEntity},
		{"group with action", rule(`"Action":{"Block":{}},"Statement":{"ManagedRuleGroupStatement":{"VendorName":"AWS","Name":"X"}}`), "Rules[0].Action", "takes OverrideAction", CodeInvalidParameter},
		{"rate limit too low", rule(`"Action":{"Block":{}},"Statement":{"RateBasedStatement":{"Limit":5,"AggregateKeyType":"IP"}}`), "Rules[0].Statement.RateBasedStatement.Limit", "Limit must be", CodeInvalidParameter},
		{"rate window", rule(`"Action":{"Block":{}},"Statement":{"RateBasedStatement":{"Limit":100,"EvaluationWindowSec":30,"AggregateKeyType":"IP"}}`), "Rules[0].Statement.RateBasedStatement.EvaluationWindowSec", "60, 120, 300 or 600", CodeInvalidParameter},
		{"nested rate", rule(`"Action":{"Block":{}},"Statement":{"NotStatement":{"Statement":{"RateBasedStatement":{"Limit":100,"AggregateKeyType":"IP"}}}}`), "Rules[0].Statement.NotStatement.Statement", "top-level", CodeInvalidParameter},
		{"and with one", rule(`"Action":{"Block":{}},"Statement":{"AndStatement":{"Statements":[{"LabelMatchStatement":{"Scope":"LABEL","Key":"a"}}]}}`), "Rules[0].Statement.AndStatement.Statements", "at least 2", CodeInvalidParameter},
		{"empty statement", rule(`"Action":{"Block":{}},"Statement":{}`), "Rules[0].Statement", "exactly one statement type, got 0", CodeInvalidParameter},
		{"reserved label", rule(`"Action":{"Count":{}},"RuleLabels":[{"Name":"awswaf:x"}],"Statement":{"LabelMatchStatement":{"Scope":"LABEL","Key":"a"}}`), "Rules[0].RuleLabels[0].Name", "reserved", CodeInvalidParameter},
		{"unknown body key", rule(`"Action":{"Block":{"CustomResponse":{"ResponseCode":403,"CustomResponseBodyKey":"nope"}}},"Statement":{"LabelMatchStatement":{"Scope":"LABEL","Key":"a"}}`), "Rules[0].Action.Block.CustomResponse.CustomResponseBodyKey", "no CustomResponseBodies entry", CodeNonexistentItem},
		{"oversize handling", rule(`"Action":{"Block":{}},"Statement":{"SizeConstraintStatement":{"FieldToMatch":{"Body":{"OversizeHandling":"MAYBE"}},"ComparisonOperator":"GT","Size":1,"TextTransformations":[{"Priority":0,"Type":"NONE"}]}}`), "Rules[0].Statement.SizeConstraintStatement.FieldToMatch.Body.OversizeHandling", "OversizeHandling must be", CodeInvalidParameter},
		{"two fields", rule(`"Action":{"Block":{}},"Statement":{"SizeConstraintStatement":{"FieldToMatch":{"UriPath":{},"QueryString":{}},"ComparisonOperator":"GT","Size":1,"TextTransformations":[{"Priority":0,"Type":"NONE"}]}}`), "Rules[0].Statement.SizeConstraintStatement.FieldToMatch", "exactly one component, got 2", CodeInvalidParameter},
		{"duplicate priority", `{"Name":"a","DefaultAction":{"Allow":{}},"Rules":[{"Name":"r","Priority":0,"Action":{"Block":{}},"Statement":{"LabelMatchStatement":{"Scope":"LABEL","Key":"a"}}},{"Name":"s","Priority":0,"Action":{"Block":{}},"Statement":{"LabelMatchStatement":{"Scope":"LABEL","Key":"a"}}}]}`, "Rules[1].Priority", "duplicate Priority 0", CodeInvalidParameter},
	}
	for _, c := range cases {
		f, err := ParseWebACL([]byte(c.doc))
		if err != nil {
			t.Errorf("%s: parse: %v", c.name, err)
			continue
		}
		_, err = Compile(f, Options{})
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%s: got %v, want *Error", c.name, err)
			continue
		}
		if e.Path != c.path || !strings.Contains(e.Message, c.text) || e.Code != c.code || e.Line == 0 {
			t.Errorf("%s: got %d:%d %q %q (%s), want %q containing %q (%s) with a position", c.name, e.Line, e.Column, e.Path, e.Message, e.Code, c.path, c.text, c.code)
		}
	}
}

func TestCapacityLimit(t *testing.T) {
	t.Parallel()
	var rules []string
	for i := 0; i < 130; i++ { // 130 XSS statements at 40 WCU = 5,200 > 5,000
		rules = append(rules, `{"Name":"r`+strconv.Itoa(i)+`","Priority":`+strconv.Itoa(i)+`,"Action":{"Block":{}},"Statement":{"XssMatchStatement":{"FieldToMatch":{"UriPath":{}},"TextTransformations":[{"Priority":0,"Type":"NONE"}]}}}`)
	}
	f, err := ParseWebACL([]byte(`{"Name":"big","DefaultAction":{"Allow":{}},"Rules":[` + strings.Join(rules, ",") + `]}`))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Compile(f, Options{})
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeLimitsExceeded || !strings.Contains(e.Message, "5200 WCUs") {
		t.Fatalf("got %v, want WAFLimitsExceededException for 5200 WCUs", err)
	}
}

func TestIPSetAndRegexSetErrors(t *testing.T) {
	t.Parallel()
	_, err := ParseIPSet([]byte(`{"IPSet":{"Name":"s","IPAddressVersion":"IPV4","Addresses":["192.0.2.0/24",
  "2001:db8::/32"]}}`))
	var e *Error
	if !errors.As(err, &e) || e.Path != "Addresses[1]" || e.Line != 2 {
		t.Fatalf("IPv6 in an IPV4 set: got %v", err)
	}
	_, err = ParseIPSet([]byte(`{"Name":"s","IPAddressVersion":"IPV4","Addresses":["300.1.1.1/32"]}`))
	if !errors.As(err, &e) || !strings.Contains(e.Message, "not a CIDR block") {
		t.Fatalf("bad CIDR: got %v", err)
	}
	_, err = ParseRegexPatternSet([]byte(`{"RegexPatternSet":{"Name":"r","RegularExpressionList":[{"RegexString":"ok"},{"RegexString":"(unclosed"}]}}`))
	if !errors.As(err, &e) || e.Path != "RegularExpressionList[1].RegexString" || e.Column == 0 {
		t.Fatalf("bad regex: got %v", err)
	}
	if _, err := ParseRuleGroup([]byte(`{"RuleGroup":{"Capacity":"x"}}`)); !errors.As(err, &e) || e.Path != "Capacity" {
		t.Fatalf("rule group: got %v", err)
	}
}

func TestBadRequestsDoNotCrash(t *testing.T) {
	t.Parallel()
	w := compileJSON(t, oneRule(`{"SqliMatchStatement":{"FieldToMatch":{"JsonBody":{"MatchPattern":{"All":{}},"MatchScope":"ALL","OversizeHandling":"CONTINUE"}},"TextTransformations":[{"Priority":0,"Type":"URL_DECODE"}]}}`), Options{})
	for _, r := range []*Request{
		{},
		{URI: "%%%?&&==&=#"},
		{URI: "http://host", Method: "POST", Body: []byte(`{"a":[[[[[[`)},
		{URI: "/", Method: "POST", Body: []byte("\xff\xfe{\"\\u12")},
	} {
		eval(w, r)
	}
}

// Read-only members AWS adds over time are accepted at the top level and
// listed; inside rules and statements unknown members stay errors.
func TestUnmodelledTopLevelMembers(t *testing.T) {
	t.Parallel()
	f, err := ParseWebACL([]byte(`{"WebACL":{"Name":"a","DefaultAction":{"Allow":{}},"Rules":[],"OnSourceDDoSProtectionConfig":{"ALBLowReputationMode":"ACTIVE_UNDER_DDOS"},"ApplicationConfig":{}},"LockToken":"x","ApplicationIntegrationURL":"https://example"}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Ignored(); len(got) != 2 || got[0] != "OnSourceDDoSProtectionConfig" || got[1] != "ApplicationConfig" {
		t.Fatalf("Ignored() = %v", got)
	}
	if _, err := Compile(f, Options{}); err != nil {
		t.Fatal(err)
	}
	_, err = ParseWebACL([]byte(`{"Name":"a","DefaultAction":{"Allow":{}},"Rules":[{"Name":"r","Priority":0,"NewThing":1}]}`))
	var e *Error
	if !errors.As(err, &e) || e.Path != "Rules[0].NewThing" {
		t.Fatalf("unknown rule member: %v", err)
	}
}

func TestByteOrderMark(t *testing.T) {
	t.Parallel()
	if _, err := ParseWebACL([]byte("\xef\xbb\xbf" + `{"Name":"a","DefaultAction":{"Allow":{}}}`)); err != nil {
		t.Fatalf("BOM: %v", err)
	}
}

func TestBodyLimitByResourceType(t *testing.T) {
	t.Parallel()
	acl := `{"Name":"a","DefaultAction":{"Allow":{}},"AssociationConfig":{"RequestBody":{"API_GATEWAY":{"DefaultSizeInspectionLimit":"KB_48"}}}}`
	for _, c := range []struct {
		typ  string
		want int
	}{{"", 16384}, {"CLOUDFRONT", 16384}, {"API_GATEWAY", 49152}, {"APPLICATION_LOAD_BALANCER", 8192}, {"APPSYNC", 8192}} {
		if got := compileJSON(t, acl, Options{ResourceType: c.typ}).BodyLimit(); got != c.want {
			t.Errorf("%q: body limit %d, want %d", c.typ, got, c.want)
		}
	}
	f, _ := ParseWebACL([]byte(acl))
	if _, err := Compile(f, Options{ResourceType: "ALB"}); err == nil || !strings.Contains(err.Error(), "unknown resource type") {
		t.Fatalf("bad resource type: %v", err)
	}
}
