package waf_test

import (
	"fmt"
	"net/netip"

	"github.com/moatdev/moat/waf"
)

func Example() {
	acl, err := waf.ParseWebACL([]byte(`{"WebACL": {
	  "Name": "shop", "ARN": "arn:aws:wafv2:us-east-1:111122223333:regional/webacl/shop/1",
	  "DefaultAction": {"Allow": {}},
	  "Rules": [{
	    "Name": "block-sqli", "Priority": 0, "Action": {"Block": {}},
	    "RuleLabels": [{"Name": "attack:sqli"}],
	    "Statement": {"SqliMatchStatement": {
	      "FieldToMatch": {"AllQueryArguments": {}},
	      "TextTransformations": [{"Priority": 0, "Type": "URL_DECODE"}]}},
	    "VisibilityConfig": {"SampledRequestsEnabled": true, "CloudWatchMetricsEnabled": true, "MetricName": "block-sqli"}}]}}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	w, err := waf.Compile(acl, waf.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	var res waf.Result
	for _, uri := range []string{"/products?id=42", "/products?id=42%27%20OR%20%271%27%3D%271"} {
		w.Evaluate(&waf.Request{Method: "GET", URI: uri, ClientIP: netip.MustParseAddr("203.0.113.9")}, &res)
		fmt.Println(res.Action, res.TerminatingRuleID, res.Labels)
	}
	fmt.Println("capacity:", w.Capacity())
	// Output:
	// ALLOW Default_Action []
	// BLOCK block-sqli [awswaf:111122223333:webacl:shop:attack:sqli]
	// capacity: 40
}

func ExampleError() {
	_, err := waf.ParseWebACL([]byte("{\"Name\": \"a\", \"DefaultAction\": {\"Allow\": {}},\n \"Rules\": [{\"Name\": \"r\", \"Priority\": 0,\n  \"Statement\": {\"FooStatement\": {}}}]}"))
	fmt.Println(err)
	// Output:
	// line 3, column 17: Rules[0].Statement.FooStatement: unknown member "FooStatement" (expected one of ByteMatchStatement, SqliMatchStatement, XssMatchStatement, SizeConstraintStatement, GeoMatchStatement, RuleGroupReferenceStatement, IPSetReferenceStatement, RegexPatternSetReferenceStatement, RateBasedStatement, AndStatement, OrStatement, NotStatement, ManagedRuleGroupStatement, LabelMatchStatement, RegexMatchStatement, AsnMatchStatement)
}
