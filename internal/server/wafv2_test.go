package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
	waftypes "github.com/aws/aws-sdk-go-v2/service/wafv2/types"
)

func wafVis(name string) *waftypes.VisibilityConfig {
	return &waftypes.VisibilityConfig{MetricName: aws.String(name), SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true}
}

// wafRules is a web ACL's rules: AWS's SQLi managed group, a block on an
// IP set and a rate limit per client address.
func wafRules(ipSetARN string) []waftypes.Rule {
	return []waftypes.Rule{
		{Name: aws.String("sqli"), Priority: 0, OverrideAction: &waftypes.OverrideAction{None: &waftypes.NoneAction{}},
			Statement:        &waftypes.Statement{ManagedRuleGroupStatement: &waftypes.ManagedRuleGroupStatement{VendorName: aws.String("AWS"), Name: aws.String("AWSManagedRulesSQLiRuleSet")}},
			VisibilityConfig: wafVis("sqli")},
		{Name: aws.String("blocked-ips"), Priority: 1, Action: &waftypes.RuleAction{Block: &waftypes.BlockAction{}},
			Statement:        &waftypes.Statement{IPSetReferenceStatement: &waftypes.IPSetReferenceStatement{ARN: aws.String(ipSetARN)}},
			VisibilityConfig: wafVis("blocked-ips")},
		{Name: aws.String("rate"), Priority: 2, Action: &waftypes.RuleAction{Block: &waftypes.BlockAction{}},
			Statement:        &waftypes.Statement{RateBasedStatement: &waftypes.RateBasedStatement{Limit: aws.Int64(100), AggregateKeyType: waftypes.RateBasedStatementAggregateKeyTypeIp}},
			VisibilityConfig: wafVis("rate")},
	}
}

func wafIPSet(t *testing.T, c *wafv2.Client, name string, addrs ...string) *waftypes.IPSetSummary {
	t.Helper()
	out, err := c.CreateIPSet(context.Background(), &wafv2.CreateIPSetInput{Name: aws.String(name), Scope: waftypes.ScopeRegional,
		IPAddressVersion: waftypes.IPAddressVersionIpv4, Addresses: addrs})
	if err != nil {
		t.Fatal(err)
	}
	return out.Summary
}

// invalidParam asserts WAFInvalidParameterException with the Field AWS names.
func invalidParam(t *testing.T, err error, field waftypes.ParameterExceptionField, msgPart string) {
	t.Helper()
	var ip *waftypes.WAFInvalidParameterException
	if !errors.As(err, &ip) {
		t.Fatalf("want WAFInvalidParameterException (%s), got %v", field, err)
	}
	if ip.Field != field || !strings.Contains(ip.ErrorMessage(), msgPart) || aws.ToString(ip.Reason) == "" {
		t.Fatalf("WAFInvalidParameterException: field %s parameter %q reason %q message %q; want field %s and %q",
			ip.Field, aws.ToString(ip.Parameter), aws.ToString(ip.Reason), ip.ErrorMessage(), field, msgPart)
	}
}

// A web ACL with a managed group, an IP set reference and a rate-based
// rule: created, read back with its capacity and lock token, updated only
// with the current token, listed and deleted.
func TestWAFv2WebACLLifecycle(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	c := wafv2.NewFromConfig(ts.config(ts.Root))
	ips := wafIPSet(t, c, "blocked", "198.51.100.0/24", "203.0.113.7/32")
	rules := wafRules(aws.ToString(ips.ARN))

	created, err := c.CreateWebACL(ctx, &wafv2.CreateWebACLInput{Name: aws.String("app"), Scope: waftypes.ScopeRegional,
		DefaultAction: &waftypes.DefaultAction{Allow: &waftypes.AllowAction{}}, Rules: rules, VisibilityConfig: wafVis("app"),
		Description: aws.String("front door"), Tags: []waftypes.Tag{{Key: aws.String("team"), Value: aws.String("web")}}})
	if err != nil {
		t.Fatal(err)
	}
	s := created.Summary
	wantARN := fmt.Sprintf("arn:aws:wafv2:us-east-1:%s:regional/webacl/app/%s", ts.Account, aws.ToString(s.Id))
	if aws.ToString(s.ARN) != wantARN || aws.ToString(s.LockToken) == "" || aws.ToString(s.Name) != "app" {
		t.Fatalf("summary: %+v, want ARN %s", s, wantARN)
	}

	got, err := c.GetWebACL(ctx, &wafv2.GetWebACLInput{Name: aws.String("app"), Scope: waftypes.ScopeRegional, Id: s.Id})
	if err != nil {
		t.Fatal(err)
	}
	w := got.WebACL
	if aws.ToString(w.ARN) != wantARN || aws.ToString(w.Id) != aws.ToString(s.Id) || len(w.Rules) != 3 || w.DefaultAction.Allow == nil ||
		aws.ToString(w.Description) != "front door" || aws.ToString(got.LockToken) != aws.ToString(s.LockToken) ||
		aws.ToString(w.LabelNamespace) != "awswaf:"+ts.Account+":webacl:app:" {
		t.Fatalf("GetWebACL: %+v lock %s", w, aws.ToString(got.LockToken))
	}
	if r := w.Rules[2].Statement.RateBasedStatement; r == nil || aws.ToInt64(r.Limit) != 100 {
		t.Fatalf("rate rule read back: %+v", w.Rules[2])
	}
	// Capacity: the SQLi group's fixed 200, 1 for the IP set, 2 for the rate rule.
	if w.Capacity != 203 {
		t.Errorf("Capacity %d, want 203", w.Capacity)
	}
	cc, err := c.CheckCapacity(ctx, &wafv2.CheckCapacityInput{Scope: waftypes.ScopeRegional, Rules: rules})
	if err != nil || cc.Capacity != w.Capacity {
		t.Fatalf("CheckCapacity %v %v, GetWebACL says %d", cc, err, w.Capacity)
	}

	// Update with the current token, then the old token is refused.
	w.Rules = w.Rules[:2]
	upd := &wafv2.UpdateWebACLInput{Name: w.Name, Scope: waftypes.ScopeRegional, Id: w.Id, DefaultAction: &waftypes.DefaultAction{Block: &waftypes.BlockAction{}},
		Rules: w.Rules, VisibilityConfig: w.VisibilityConfig, LockToken: got.LockToken}
	u, err := c.UpdateWebACL(ctx, upd)
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(u.NextLockToken) == "" || aws.ToString(u.NextLockToken) == aws.ToString(got.LockToken) {
		t.Fatalf("NextLockToken %q", aws.ToString(u.NextLockToken))
	}
	_, err = c.UpdateWebACL(ctx, upd)
	apiError(t, err, "WAFOptimisticLockException")
	after, err := c.GetWebACL(ctx, &wafv2.GetWebACLInput{Name: aws.String("app"), Scope: waftypes.ScopeRegional, Id: s.Id})
	if err != nil || len(after.WebACL.Rules) != 2 || after.WebACL.DefaultAction.Block == nil || after.WebACL.Capacity != 201 ||
		aws.ToString(after.LockToken) != aws.ToString(u.NextLockToken) {
		t.Fatalf("after update: %+v %v", after, err)
	}

	list, err := c.ListWebACLs(ctx, &wafv2.ListWebACLsInput{Scope: waftypes.ScopeRegional})
	if err != nil || len(list.WebACLs) != 1 || aws.ToString(list.WebACLs[0].Id) != aws.ToString(s.Id) {
		t.Fatalf("ListWebACLs: %+v %v", list, err)
	}

	// The IP set is in use; the web ACL goes only with its current token.
	_, err = c.DeleteIPSet(ctx, &wafv2.DeleteIPSetInput{Name: ips.Name, Scope: waftypes.ScopeRegional, Id: ips.Id, LockToken: ips.LockToken})
	apiError(t, err, "WAFAssociatedItemException")
	_, err = c.DeleteWebACL(ctx, &wafv2.DeleteWebACLInput{Name: w.Name, Scope: waftypes.ScopeRegional, Id: w.Id, LockToken: got.LockToken})
	apiError(t, err, "WAFOptimisticLockException")
	if _, err := c.DeleteWebACL(ctx, &wafv2.DeleteWebACLInput{Name: w.Name, Scope: waftypes.ScopeRegional, Id: w.Id, LockToken: u.NextLockToken}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetWebACL(ctx, &wafv2.GetWebACLInput{Name: aws.String("app"), Scope: waftypes.ScopeRegional, Id: s.Id})
	apiError(t, err, "WAFNonexistentItemException")
	if _, err := c.DeleteIPSet(ctx, &wafv2.DeleteIPSetInput{Name: ips.Name, Scope: waftypes.ScopeRegional, Id: ips.Id, LockToken: ips.LockToken}); err != nil {
		t.Fatalf("DeleteIPSet once unreferenced: %v", err)
	}
}

// Bad web ACLs get AWS's exceptions, and nothing of them is stored.
func TestWAFv2WebACLErrors(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	c := wafv2.NewFromConfig(ts.config(ts.Root))
	ips := wafIPSet(t, c, "blocked", "198.51.100.0/24")
	create := func(name string, scope waftypes.Scope, rules []waftypes.Rule) (*wafv2.CreateWebACLOutput, error) {
		return c.CreateWebACL(ctx, &wafv2.CreateWebACLInput{Name: aws.String(name), Scope: scope,
			DefaultAction: &waftypes.DefaultAction{Allow: &waftypes.AllowAction{}}, Rules: rules, VisibilityConfig: wafVis(name)})
	}
	first, err := create("app", waftypes.ScopeRegional, wafRules(aws.ToString(ips.ARN)))
	if err != nil {
		t.Fatal(err)
	}
	_, err = create("app", waftypes.ScopeRegional, nil)
	apiError(t, err, "WAFDuplicateItemException")

	// A malformed statement: the field and the member are named.
	bad := []waftypes.Rule{{Name: aws.String("bad"), Priority: 0, Action: &waftypes.RuleAction{Block: &waftypes.BlockAction{}}, VisibilityConfig: wafVis("bad"),
		Statement: &waftypes.Statement{ByteMatchStatement: &waftypes.ByteMatchStatement{SearchString: []byte("/admin"), PositionalConstraint: "SOMEWHERE",
			FieldToMatch: &waftypes.FieldToMatch{UriPath: &waftypes.UriPath{}}, TextTransformations: []waftypes.TextTransformation{{Priority: 0, Type: waftypes.TextTransformationTypeNone}}}}}}
	_, err = create("bad", waftypes.ScopeRegional, bad)
	invalidParam(t, err, waftypes.ParameterExceptionFieldByteMatchStatement, "PositionalConstraint")
	// The model's constraint on rule names.
	named := wafRules(aws.ToString(ips.ARN))[1:2]
	named[0].Name = aws.String("two words")
	_, err = create("bad", waftypes.ScopeRegional, named)
	if ae := apiError(t, err, "ValidationException"); !strings.Contains(ae.ErrorMessage(), "'rules.1.member.name'") {
		t.Fatalf("rule name: %s", ae.ErrorMessage())
	}
	// Two statement types in one Statement.
	bad[0].Statement.SqliMatchStatement = &waftypes.SqliMatchStatement{FieldToMatch: &waftypes.FieldToMatch{Body: &waftypes.Body{}},
		TextTransformations: []waftypes.TextTransformation{{Priority: 0, Type: waftypes.TextTransformationTypeNone}}}
	bad[0].Statement.ByteMatchStatement.PositionalConstraint = waftypes.PositionalConstraintContains
	_, err = create("bad", waftypes.ScopeRegional, bad)
	invalidParam(t, err, waftypes.ParameterExceptionFieldStatement, "exactly one statement type")
	_, err = c.CheckCapacity(ctx, &wafv2.CheckCapacityInput{Scope: waftypes.ScopeRegional, Rules: bad})
	invalidParam(t, err, waftypes.ParameterExceptionFieldStatement, "exactly one statement type")

	// Over 5,000 WCUs: 40 XSS rules on all query arguments with ten transformations each (150 WCUs apiece).
	var heavy []waftypes.Rule
	var tts []waftypes.TextTransformation
	for i, typ := range []waftypes.TextTransformationType{"URL_DECODE", "HTML_ENTITY_DECODE", "LOWERCASE", "COMPRESS_WHITE_SPACE", "CMD_LINE",
		"JS_DECODE", "CSS_DECODE", "REMOVE_NULLS", "NORMALIZE_PATH", "ESCAPE_SEQ_DECODE"} {
		tts = append(tts, waftypes.TextTransformation{Priority: int32(i), Type: typ})
	}
	for i := 0; i < 40; i++ {
		heavy = append(heavy, waftypes.Rule{Name: aws.String(fmt.Sprintf("xss%d", i)), Priority: int32(i), Action: &waftypes.RuleAction{Block: &waftypes.BlockAction{}},
			VisibilityConfig: wafVis("xss"), Statement: &waftypes.Statement{XssMatchStatement: &waftypes.XssMatchStatement{
				FieldToMatch: &waftypes.FieldToMatch{AllQueryArguments: &waftypes.AllQueryArguments{}}, TextTransformations: tts}}})
	}
	cc, err := c.CheckCapacity(ctx, &wafv2.CheckCapacityInput{Scope: waftypes.ScopeRegional, Rules: heavy})
	if err != nil || cc.Capacity != 6000 {
		t.Fatalf("CheckCapacity of 40 heavy rules: %v %v, want 6000", cc, err)
	}
	_, err = create("heavy", waftypes.ScopeRegional, heavy)
	apiError(t, err, "WAFLimitsExceededException")

	// Unknown ids, an IP set that does not exist, CLOUDFRONT outside us-east-1.
	_, err = c.GetWebACL(ctx, &wafv2.GetWebACLInput{Name: aws.String("app"), Scope: waftypes.ScopeRegional, Id: aws.String("00000000-0000-4000-8000-000000000000")})
	apiError(t, err, "WAFNonexistentItemException")
	_, err = create("dangling", waftypes.ScopeRegional, wafRules(strings.Replace(aws.ToString(ips.ARN), aws.ToString(ips.Id), "00000000-0000-4000-8000-000000000000", 1)))
	apiError(t, err, "WAFNonexistentItemException")
	west := ts.config(ts.Root)
	west.Region = "us-west-2"
	_, err = wafv2.NewFromConfig(west).CreateWebACL(ctx, &wafv2.CreateWebACLInput{Name: aws.String("edge"), Scope: waftypes.ScopeCloudfront,
		DefaultAction: &waftypes.DefaultAction{Allow: &waftypes.AllowAction{}}, VisibilityConfig: wafVis("edge")})
	invalidParam(t, err, waftypes.ParameterExceptionFieldScopeValue, "scope is not valid")
	edge, err := create("edge", waftypes.ScopeCloudfront, nil)
	if err != nil || !strings.Contains(aws.ToString(edge.Summary.ARN), ":"+ts.Account+":global/webacl/edge/") {
		t.Fatalf("CLOUDFRONT web ACL in us-east-1: %+v %v", edge, err)
	}

	// Nothing of the refused calls was stored.
	list, err := c.ListWebACLs(ctx, &wafv2.ListWebACLsInput{Scope: waftypes.ScopeRegional})
	if err != nil || len(list.WebACLs) != 1 || aws.ToString(list.WebACLs[0].Id) != aws.ToString(first.Summary.Id) {
		t.Fatalf("ListWebACLs after the refused calls: %+v %v", list, err)
	}
}

// IP sets, regex pattern sets and rule groups: validated, locked, listed,
// referenced from a web ACL and protected from deletion while referenced;
// a rule group's capacity is fixed at creation.
func TestWAFv2SetsAndRuleGroups(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	c := wafv2.NewFromConfig(ts.config(ts.Root))

	// IP sets: CIDR blocks of the declared version only.
	_, err := c.CreateIPSet(ctx, &wafv2.CreateIPSetInput{Name: aws.String("bad"), Scope: waftypes.ScopeRegional,
		IPAddressVersion: waftypes.IPAddressVersionIpv4, Addresses: []string{"10.0.0.0/8", "2001:db8::/32"}})
	invalidParam(t, err, waftypes.ParameterExceptionFieldIpAddress, "parameter: 2001:db8::/32")
	_, err = c.CreateIPSet(ctx, &wafv2.CreateIPSetInput{Name: aws.String("bad"), Scope: waftypes.ScopeRegional,
		IPAddressVersion: waftypes.IPAddressVersionIpv4, Addresses: []string{"0.0.0.0/0"}})
	invalidParam(t, err, waftypes.ParameterExceptionFieldIpAddress, "0.0.0.0/0")
	_, err = c.CreateIPSet(ctx, &wafv2.CreateIPSetInput{Name: aws.String("bad"), Scope: waftypes.ScopeRegional,
		IPAddressVersion: waftypes.IPAddressVersionIpv4, Addresses: []string{"192.0.2.1"}})
	invalidParam(t, err, waftypes.ParameterExceptionFieldIpAddress, "192.0.2.1")
	v6, err := c.CreateIPSet(ctx, &wafv2.CreateIPSetInput{Name: aws.String("v6"), Scope: waftypes.ScopeRegional,
		IPAddressVersion: waftypes.IPAddressVersionIpv6, Addresses: []string{"2001:db8::/32"}, Description: aws.String("documentation range")})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.GetIPSet(ctx, &wafv2.GetIPSetInput{Name: aws.String("v6"), Scope: waftypes.ScopeRegional, Id: v6.Summary.Id})
	if err != nil || got.IPSet.IPAddressVersion != waftypes.IPAddressVersionIpv6 || len(got.IPSet.Addresses) != 1 ||
		aws.ToString(got.IPSet.ARN) != aws.ToString(v6.Summary.ARN) || aws.ToString(got.IPSet.Description) != "documentation range" {
		t.Fatalf("GetIPSet: %+v %v", got, err)
	}
	up, err := c.UpdateIPSet(ctx, &wafv2.UpdateIPSetInput{Name: aws.String("v6"), Scope: waftypes.ScopeRegional, Id: v6.Summary.Id,
		Addresses: []string{"2001:db8::/32", "2001:db8:1::/48"}, LockToken: got.LockToken})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.UpdateIPSet(ctx, &wafv2.UpdateIPSetInput{Name: aws.String("v6"), Scope: waftypes.ScopeRegional, Id: v6.Summary.Id,
		Addresses: []string{}, LockToken: got.LockToken})
	apiError(t, err, "WAFOptimisticLockException")
	for i := 0; i < 3; i++ {
		wafIPSet(t, c, fmt.Sprintf("set%d", i), "192.0.2.0/24")
	}
	page, err := c.ListIPSets(ctx, &wafv2.ListIPSetsInput{Scope: waftypes.ScopeRegional, Limit: aws.Int32(2)})
	if err != nil || len(page.IPSets) != 2 || page.NextMarker == nil {
		t.Fatalf("ListIPSets page 1: %+v %v", page, err)
	}
	page2, err := c.ListIPSets(ctx, &wafv2.ListIPSetsInput{Scope: waftypes.ScopeRegional, Limit: aws.Int32(2), NextMarker: page.NextMarker})
	if err != nil || len(page2.IPSets) != 2 || page2.NextMarker != nil || aws.ToString(page2.IPSets[1].Name) != "v6" {
		t.Fatalf("ListIPSets page 2: %+v %v", page2, err)
	}

	// Regex pattern sets: regexes AWS rejects are refused.
	_, err = c.CreateRegexPatternSet(ctx, &wafv2.CreateRegexPatternSetInput{Name: aws.String("bad"), Scope: waftypes.ScopeRegional,
		RegularExpressionList: []waftypes.Regex{{RegexString: aws.String("^/a")}, {RegexString: aws.String("(a)\\1")}}})
	invalidParam(t, err, waftypes.ParameterExceptionFieldRegexPatternSet, "RegularExpressionList[1].RegexString")
	rx, err := c.CreateRegexPatternSet(ctx, &wafv2.CreateRegexPatternSetInput{Name: aws.String("admin"), Scope: waftypes.ScopeRegional,
		RegularExpressionList: []waftypes.Regex{{RegexString: aws.String("^/admin")}, {RegexString: aws.String("^/wp-login")}}})
	if err != nil {
		t.Fatal(err)
	}
	// AWS's quota: ten regex pattern sets per account and Region.
	for i := 1; i < 10; i++ {
		if _, err := c.CreateRegexPatternSet(ctx, &wafv2.CreateRegexPatternSetInput{Name: aws.String(fmt.Sprintf("more%d", i)), Scope: waftypes.ScopeRegional,
			RegularExpressionList: []waftypes.Regex{{RegexString: aws.String("x")}}}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = c.CreateRegexPatternSet(ctx, &wafv2.CreateRegexPatternSetInput{Name: aws.String("eleventh"), Scope: waftypes.ScopeRegional,
		RegularExpressionList: []waftypes.Regex{{RegexString: aws.String("x")}}})
	apiError(t, err, "WAFLimitsExceededException")
	gotRx, err := c.GetRegexPatternSet(ctx, &wafv2.GetRegexPatternSetInput{Name: aws.String("admin"), Scope: waftypes.ScopeRegional, Id: rx.Summary.Id})
	if err != nil || len(gotRx.RegexPatternSet.RegularExpressionList) != 2 {
		t.Fatalf("GetRegexPatternSet: %+v %v", gotRx, err)
	}

	// A rule group using both sets, within its declared capacity.
	groupRules := []waftypes.Rule{
		{Name: aws.String("v6-block"), Priority: 0, Action: &waftypes.RuleAction{Block: &waftypes.BlockAction{}}, VisibilityConfig: wafVis("v6"),
			Statement: &waftypes.Statement{IPSetReferenceStatement: &waftypes.IPSetReferenceStatement{ARN: v6.Summary.ARN}}},
		{Name: aws.String("admin-paths"), Priority: 1, Action: &waftypes.RuleAction{Count: &waftypes.CountAction{}}, VisibilityConfig: wafVis("admin"),
			RuleLabels: []waftypes.Label{{Name: aws.String("admin:path")}},
			Statement: &waftypes.Statement{RegexPatternSetReferenceStatement: &waftypes.RegexPatternSetReferenceStatement{ARN: rx.Summary.ARN,
				FieldToMatch: &waftypes.FieldToMatch{UriPath: &waftypes.UriPath{}}, TextTransformations: []waftypes.TextTransformation{{Priority: 0, Type: waftypes.TextTransformationTypeLowercase}}}}},
	}
	cc, err := c.CheckCapacity(ctx, &wafv2.CheckCapacityInput{Scope: waftypes.ScopeRegional, Rules: groupRules})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateRuleGroup(ctx, &wafv2.CreateRuleGroupInput{Name: aws.String("tight"), Scope: waftypes.ScopeRegional, Capacity: aws.Int64(cc.Capacity - 1),
		Rules: groupRules, VisibilityConfig: wafVis("tight")})
	invalidParam(t, err, waftypes.ParameterExceptionFieldRuleGroup, "exceeded the capacity limit")
	rg, err := c.CreateRuleGroup(ctx, &wafv2.CreateRuleGroupInput{Name: aws.String("edge-rules"), Scope: waftypes.ScopeRegional, Capacity: aws.Int64(100),
		Rules: groupRules, VisibilityConfig: wafVis("edge-rules")})
	if err != nil {
		t.Fatal(err)
	}
	gotRG, err := c.GetRuleGroup(ctx, &wafv2.GetRuleGroupInput{ARN: rg.Summary.ARN})
	if err != nil || aws.ToInt64(gotRG.RuleGroup.Capacity) != 100 || len(gotRG.RuleGroup.Rules) != 2 ||
		aws.ToString(gotRG.RuleGroup.LabelNamespace) != "awswaf:"+ts.Account+":rulegroup:edge-rules:" ||
		len(gotRG.RuleGroup.AvailableLabels) != 1 || aws.ToString(gotRG.RuleGroup.AvailableLabels[0].Name) != "awswaf:"+ts.Account+":rulegroup:edge-rules:admin:path" {
		t.Fatalf("GetRuleGroup: %+v %v", gotRG, err)
	}
	// The capacity stays fixed: an update whose rules need more is refused.
	var heavy []waftypes.Rule
	for i := 0; i < 3; i++ {
		heavy = append(heavy, waftypes.Rule{Name: aws.String(fmt.Sprintf("xss%d", i)), Priority: int32(i), Action: &waftypes.RuleAction{Block: &waftypes.BlockAction{}},
			VisibilityConfig: wafVis("xss"), Statement: &waftypes.Statement{XssMatchStatement: &waftypes.XssMatchStatement{
				FieldToMatch: &waftypes.FieldToMatch{Body: &waftypes.Body{}}, TextTransformations: []waftypes.TextTransformation{{Priority: 0, Type: waftypes.TextTransformationTypeNone}}}}})
	}
	_, err = c.UpdateRuleGroup(ctx, &wafv2.UpdateRuleGroupInput{Name: aws.String("edge-rules"), Scope: waftypes.ScopeRegional, Id: rg.Summary.Id,
		Rules: heavy, VisibilityConfig: wafVis("edge-rules"), LockToken: gotRG.LockToken})
	invalidParam(t, err, waftypes.ParameterExceptionFieldRuleGroup, "exceeded the capacity limit")
	// A rule group cannot hold a rule group statement.
	_, err = c.CreateRuleGroup(ctx, &wafv2.CreateRuleGroupInput{Name: aws.String("nested"), Scope: waftypes.ScopeRegional, Capacity: aws.Int64(500),
		Rules: wafRules(aws.ToString(v6.Summary.ARN))[:1], VisibilityConfig: wafVis("nested")})
	invalidParam(t, err, waftypes.ParameterExceptionFieldStatement, "cannot reference another rule group")

	// A web ACL using the group: its capacity counts the group's declared 100.
	acl, err := c.CreateWebACL(ctx, &wafv2.CreateWebACLInput{Name: aws.String("app"), Scope: waftypes.ScopeRegional,
		DefaultAction: &waftypes.DefaultAction{Allow: &waftypes.AllowAction{}}, VisibilityConfig: wafVis("app"),
		Rules: []waftypes.Rule{{Name: aws.String("group"), Priority: 0, OverrideAction: &waftypes.OverrideAction{None: &waftypes.NoneAction{}}, VisibilityConfig: wafVis("group"),
			Statement: &waftypes.Statement{RuleGroupReferenceStatement: &waftypes.RuleGroupReferenceStatement{ARN: rg.Summary.ARN}}}}})
	if err != nil {
		t.Fatal(err)
	}
	gotACL, err := c.GetWebACL(ctx, &wafv2.GetWebACLInput{ARN: acl.Summary.ARN})
	if err != nil || gotACL.WebACL.Capacity != 100 {
		t.Fatalf("web ACL with the group: %+v %v", gotACL, err)
	}
	_, err = c.DeleteRuleGroup(ctx, &wafv2.DeleteRuleGroupInput{Name: aws.String("edge-rules"), Scope: waftypes.ScopeRegional, Id: rg.Summary.Id, LockToken: gotRG.LockToken})
	apiError(t, err, "WAFAssociatedItemException")
	// The sets the group uses are in use too.
	_, err = c.DeleteIPSet(ctx, &wafv2.DeleteIPSetInput{Name: aws.String("v6"), Scope: waftypes.ScopeRegional, Id: v6.Summary.Id, LockToken: up.NextLockToken})
	apiError(t, err, "WAFAssociatedItemException")
	_, err = c.DeleteRegexPatternSet(ctx, &wafv2.DeleteRegexPatternSetInput{Name: aws.String("admin"), Scope: waftypes.ScopeRegional, Id: rx.Summary.Id, LockToken: gotRx.LockToken})
	apiError(t, err, "WAFAssociatedItemException")

	// Managed rule groups moat defines.
	avail, err := c.ListAvailableManagedRuleGroups(ctx, &wafv2.ListAvailableManagedRuleGroupsInput{Scope: waftypes.ScopeRegional})
	if err != nil || len(avail.ManagedRuleGroups) < 7 {
		t.Fatalf("ListAvailableManagedRuleGroups: %+v %v", avail, err)
	}
	sqli, err := c.DescribeManagedRuleGroup(ctx, &wafv2.DescribeManagedRuleGroupInput{VendorName: aws.String("AWS"), Name: aws.String("AWSManagedRulesSQLiRuleSet"), Scope: waftypes.ScopeRegional})
	if err != nil || aws.ToInt64(sqli.Capacity) != 200 || len(sqli.Rules) == 0 || aws.ToString(sqli.LabelNamespace) != "awswaf:managed:aws:sql-database:" {
		t.Fatalf("DescribeManagedRuleGroup: %+v %v", sqli, err)
	}
	names := map[string]bool{}
	for _, r := range sqli.Rules {
		names[aws.ToString(r.Name)] = r.Action != nil && r.Action.Block != nil
	}
	if !names["SQLi_QUERYARGUMENTS"] {
		t.Errorf("SQLi rules: %v", names)
	}
	_, err = c.DescribeManagedRuleGroup(ctx, &wafv2.DescribeManagedRuleGroupInput{VendorName: aws.String("AWS"), Name: aws.String("AWSManagedRulesNope"), Scope: waftypes.ScopeRegional})
	apiError(t, err, "WAFNonexistentItemException")
}

func wafACL(t *testing.T, c *wafv2.Client, name string) *waftypes.WebACLSummary {
	t.Helper()
	out, err := c.CreateWebACL(context.Background(), &wafv2.CreateWebACLInput{Name: aws.String(name), Scope: waftypes.ScopeRegional,
		DefaultAction: &waftypes.DefaultAction{Allow: &waftypes.AllowAction{}}, VisibilityConfig: wafVis(name)})
	if err != nil {
		t.Fatal(err)
	}
	return out.Summary
}

// Associations with protected resources, logging configurations and tags.
func TestWAFv2AssociationsLoggingTags(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	c := wafv2.NewFromConfig(ts.config(ts.Root))
	acl := wafACL(t, c, "app")
	alb := "arn:aws:elasticloadbalancing:us-east-1:" + ts.Account + ":loadbalancer/app/web/50dc6c495c0c9188"
	stage := "arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/stages/prod"

	none, err := c.GetWebACLForResource(ctx, &wafv2.GetWebACLForResourceInput{ResourceArn: aws.String(alb)})
	if err != nil || none.WebACL != nil {
		t.Fatalf("GetWebACLForResource before: %+v %v", none, err)
	}
	for _, r := range []string{alb, stage} {
		if _, err := c.AssociateWebACL(ctx, &wafv2.AssociateWebACLInput{WebACLArn: acl.ARN, ResourceArn: aws.String(r)}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = c.AssociateWebACL(ctx, &wafv2.AssociateWebACLInput{WebACLArn: acl.ARN, ResourceArn: aws.String("arn:aws:s3:::bucket")})
	invalidParam(t, err, waftypes.ParameterExceptionFieldResourceArn, "arn:aws:s3:::bucket")
	_, err = c.AssociateWebACL(ctx, &wafv2.AssociateWebACLInput{WebACLArn: acl.ARN, ResourceArn: aws.String(strings.Replace(alb, "us-east-1", "eu-west-1", 1))})
	invalidParam(t, err, waftypes.ParameterExceptionFieldResourceArn, "eu-west-1")
	on, err := c.GetWebACLForResource(ctx, &wafv2.GetWebACLForResourceInput{ResourceArn: aws.String(alb)})
	if err != nil || on.WebACL == nil || aws.ToString(on.WebACL.ARN) != aws.ToString(acl.ARN) {
		t.Fatalf("GetWebACLForResource: %+v %v", on, err)
	}
	albs, err := c.ListResourcesForWebACL(ctx, &wafv2.ListResourcesForWebACLInput{WebACLArn: acl.ARN})
	if err != nil || len(albs.ResourceArns) != 1 || albs.ResourceArns[0] != alb {
		t.Fatalf("ListResourcesForWebACL (ALBs by default): %+v %v", albs, err)
	}
	apis, err := c.ListResourcesForWebACL(ctx, &wafv2.ListResourcesForWebACLInput{WebACLArn: acl.ARN, ResourceType: waftypes.ResourceTypeApiGateway})
	if err != nil || len(apis.ResourceArns) != 1 || apis.ResourceArns[0] != stage {
		t.Fatalf("ListResourcesForWebACL API_GATEWAY: %+v %v", apis, err)
	}
	got, err := c.GetWebACL(ctx, &wafv2.GetWebACLInput{ARN: acl.ARN})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteWebACL(ctx, &wafv2.DeleteWebACLInput{Name: acl.Name, Scope: waftypes.ScopeRegional, Id: acl.Id, LockToken: got.LockToken})
	apiError(t, err, "WAFAssociatedItemException")

	// Logging: destinations must be named aws-waf-logs-...
	_, err = c.PutLoggingConfiguration(ctx, &wafv2.PutLoggingConfigurationInput{LoggingConfiguration: &waftypes.LoggingConfiguration{
		ResourceArn: acl.ARN, LogDestinationConfigs: []string{"arn:aws:logs:us-east-1:" + ts.Account + ":log-group:app-logs"}}})
	invalidParam(t, err, waftypes.ParameterExceptionFieldLogDestination, "log-group:app-logs")
	dest := "arn:aws:logs:us-east-1:" + ts.Account + ":log-group:aws-waf-logs-app"
	put, err := c.PutLoggingConfiguration(ctx, &wafv2.PutLoggingConfigurationInput{LoggingConfiguration: &waftypes.LoggingConfiguration{
		ResourceArn: acl.ARN, LogDestinationConfigs: []string{dest},
		RedactedFields: []waftypes.FieldToMatch{{SingleHeader: &waftypes.SingleHeader{Name: aws.String("authorization")}}}}})
	if err != nil || put.LoggingConfiguration.LogType != waftypes.LogTypeWafLogs {
		t.Fatalf("PutLoggingConfiguration: %+v %v", put, err)
	}
	lc, err := c.GetLoggingConfiguration(ctx, &wafv2.GetLoggingConfigurationInput{ResourceArn: acl.ARN})
	if err != nil || lc.LoggingConfiguration.LogDestinationConfigs[0] != dest || len(lc.LoggingConfiguration.RedactedFields) != 1 ||
		aws.ToString(lc.LoggingConfiguration.RedactedFields[0].SingleHeader.Name) != "authorization" {
		t.Fatalf("GetLoggingConfiguration: %+v %v", lc, err)
	}
	all, err := c.ListLoggingConfigurations(ctx, &wafv2.ListLoggingConfigurationsInput{Scope: waftypes.ScopeRegional})
	if err != nil || len(all.LoggingConfigurations) != 1 || aws.ToString(all.LoggingConfigurations[0].ResourceArn) != aws.ToString(acl.ARN) {
		t.Fatalf("ListLoggingConfigurations: %+v %v", all, err)
	}
	if _, err := c.DeleteLoggingConfiguration(ctx, &wafv2.DeleteLoggingConfigurationInput{ResourceArn: acl.ARN}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetLoggingConfiguration(ctx, &wafv2.GetLoggingConfigurationInput{ResourceArn: acl.ARN})
	apiError(t, err, "WAFNonexistentItemException")

	// Tags, without changing the lock token.
	if _, err := c.TagResource(ctx, &wafv2.TagResourceInput{ResourceARN: acl.ARN, Tags: []waftypes.Tag{{Key: aws.String("env"), Value: aws.String("prod")},
		{Key: aws.String("team"), Value: aws.String("web")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UntagResource(ctx, &wafv2.UntagResourceInput{ResourceARN: acl.ARN, TagKeys: []string{"team"}}); err != nil {
		t.Fatal(err)
	}
	tags, err := c.ListTagsForResource(ctx, &wafv2.ListTagsForResourceInput{ResourceARN: acl.ARN})
	if err != nil || len(tags.TagInfoForResource.TagList) != 1 || aws.ToString(tags.TagInfoForResource.TagList[0].Key) != "env" {
		t.Fatalf("ListTagsForResource: %+v %v", tags, err)
	}
	after, err := c.GetWebACL(ctx, &wafv2.GetWebACLInput{ARN: acl.ARN})
	if err != nil || aws.ToString(after.LockToken) != aws.ToString(got.LockToken) {
		t.Fatalf("lock token after tagging: %v %v", after, err)
	}

	// Disassociated, the web ACL can go.
	for _, r := range []string{alb, stage} {
		if _, err := c.DisassociateWebACL(ctx, &wafv2.DisassociateWebACLInput{ResourceArn: aws.String(r)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.DeleteWebACL(ctx, &wafv2.DeleteWebACLInput{Name: acl.Name, Scope: waftypes.ScopeRegional, Id: acl.Id, LockToken: got.LockToken}); err != nil {
		t.Fatal(err)
	}

	// Every call is in CloudTrail under wafv2.amazonaws.com, failures too.
	ct := cloudtrail.NewFromConfig(ts.config(ts.Root))
	waitFor(t, func() bool {
		out, err := ct.LookupEvents(ctx, &cloudtrail.LookupEventsInput{LookupAttributes: []cttypes.LookupAttribute{{AttributeKey: cttypes.LookupAttributeKeyEventName, AttributeValue: aws.String("DeleteWebACL")}}})
		if err != nil {
			t.Fatal(err)
		}
		return len(out.Events) == 2 && aws.ToString(out.Events[0].EventSource) == "wafv2.amazonaws.com"
	})
}

// Permissions: a user without wafv2 permissions is refused; a user allowed
// GetWebACL on one web ACL reads that one only.
func TestWAFv2Permissions(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	c := wafv2.NewFromConfig(ts.config(ts.Root))
	allowed := wafACL(t, c, "allowed")
	other := wafACL(t, c, "other")
	root := iam.NewFromConfig(ts.config(ts.Root))
	user := func(name, policy string) *wafv2.Client {
		if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
			t.Fatal(err)
		}
		if policy != "" {
			if _, err := root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String("waf"), PolicyDocument: aws.String(policy)}); err != nil {
				t.Fatal(err)
			}
		}
		k, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		return wafv2.NewFromConfig(ts.config(aws.Credentials{AccessKeyID: aws.ToString(k.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(k.AccessKey.SecretAccessKey)}))
	}
	nobody := user("nobody", "")
	_, err := nobody.ListWebACLs(ctx, &wafv2.ListWebACLsInput{Scope: waftypes.ScopeRegional})
	ae := apiError(t, err, "AccessDeniedException")
	if !strings.Contains(ae.ErrorMessage(), "wafv2:ListWebACLs") {
		t.Errorf("denial message: %s", ae.ErrorMessage())
	}
	_, err = nobody.CreateIPSet(ctx, &wafv2.CreateIPSetInput{Name: aws.String("x"), Scope: waftypes.ScopeRegional, IPAddressVersion: waftypes.IPAddressVersionIpv4, Addresses: []string{}})
	apiError(t, err, "AccessDeniedException")

	reader := user("reader", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"wafv2:GetWebACL","Resource":"`+aws.ToString(allowed.ARN)+`"},
		{"Effect":"Allow","Action":"wafv2:CreateIPSet","Resource":"arn:aws:wafv2:us-east-1:`+ts.Account+`:regional/ipset/team-*/*"}]}`)
	if _, err := reader.GetWebACL(ctx, &wafv2.GetWebACLInput{Name: allowed.Name, Scope: waftypes.ScopeRegional, Id: allowed.Id}); err != nil {
		t.Fatalf("GetWebACL on the allowed ARN: %v", err)
	}
	_, err = reader.GetWebACL(ctx, &wafv2.GetWebACLInput{Name: other.Name, Scope: waftypes.ScopeRegional, Id: other.Id})
	apiError(t, err, "AccessDeniedException")
	_, err = reader.DeleteWebACL(ctx, &wafv2.DeleteWebACLInput{Name: allowed.Name, Scope: waftypes.ScopeRegional, Id: allowed.Id, LockToken: allowed.LockToken})
	apiError(t, err, "AccessDeniedException")
	// Creates are authorized on the ARN of the resource being created.
	if _, err := reader.CreateIPSet(ctx, &wafv2.CreateIPSetInput{Name: aws.String("team-a"), Scope: waftypes.ScopeRegional, IPAddressVersion: waftypes.IPAddressVersionIpv4, Addresses: []string{}}); err != nil {
		t.Fatalf("CreateIPSet under the allowed name pattern: %v", err)
	}
	_, err = reader.CreateIPSet(ctx, &wafv2.CreateIPSetInput{Name: aws.String("ops-a"), Scope: waftypes.ScopeRegional, IPAddressVersion: waftypes.IPAddressVersionIpv4, Addresses: []string{}})
	apiError(t, err, "AccessDeniedException")
}

// The everyday IP set flow with the real AWS CLI v2.
func TestWAFv2CLI(t *testing.T) {
	bin := cliV2(t)
	t.Parallel()
	ts := start(t)
	f := newFlow(t, ts, bin)
	out := f.ok("moat-root", "wafv2", "create-ip-set", "--name", "office", "--scope", "REGIONAL", "--ip-address-version", "IPV4",
		"--addresses", "192.0.2.0/24", "198.51.100.7/32", "--description", "office egress")
	sum, _ := out["Summary"].(map[string]any)
	id, _ := sum["Id"].(string)
	if id == "" || !strings.HasSuffix(sum["ARN"].(string), ":regional/ipset/office/"+id) {
		t.Fatalf("create-ip-set: %v", out)
	}
	list := f.ok("moat-root", "wafv2", "list-ip-sets", "--scope", "REGIONAL")
	sets, _ := list["IPSets"].([]any)
	if len(sets) != 1 || sets[0].(map[string]any)["Name"] != "office" {
		t.Fatalf("list-ip-sets: %v", list)
	}
	got := f.ok("moat-root", "wafv2", "get-ip-set", "--name", "office", "--scope", "REGIONAL", "--id", id)
	if addrs, _ := got["IPSet"].(map[string]any)["Addresses"].([]any); len(addrs) != 2 {
		t.Fatalf("get-ip-set: %v", got)
	}
	f.denied("WAFInvalidParameterException", "field: IP_ADDRESS", "moat-root", "wafv2", "create-ip-set", "--name", "bad", "--scope", "REGIONAL",
		"--ip-address-version", "IPV4", "--addresses", "not-an-address")
	f.denied("WAFOptimisticLockException", "", "moat-root", "wafv2", "update-ip-set", "--name", "office", "--scope", "REGIONAL", "--id", id,
		"--addresses", "192.0.2.0/24", "--lock-token", "00000000-0000-4000-8000-000000000000")
	f.ok("moat-root", "wafv2", "delete-ip-set", "--name", "office", "--scope", "REGIONAL", "--id", id, "--lock-token", got["LockToken"].(string))
	acl := f.ok("moat-root", "wafv2", "create-web-acl", "--name", "cli-acl", "--scope", "REGIONAL", "--default-action", "Block={}",
		"--visibility-config", "SampledRequestsEnabled=true,CloudWatchMetricsEnabled=true,MetricName=cli-acl",
		"--rules", f.file("rules.json", `[{"Name":"admin","Priority":0,"Action":{"Allow":{}},
		  "Statement":{"ByteMatchStatement":{"SearchString":"L2FkbWlu","FieldToMatch":{"UriPath":{}},"PositionalConstraint":"STARTS_WITH",
		  "TextTransformations":[{"Priority":0,"Type":"NONE"}]}},
		  "VisibilityConfig":{"SampledRequestsEnabled":true,"CloudWatchMetricsEnabled":true,"MetricName":"admin"}}]`))
	// The CLI v2 takes blobs in base64 (cli_binary_format): "/admin".
	aclID, _ := acl["Summary"].(map[string]any)["Id"].(string)
	back := f.ok("moat-root", "wafv2", "get-web-acl", "--name", "cli-acl", "--scope", "REGIONAL", "--id", aclID)
	b, _ := json.Marshal(back["WebACL"])
	if !strings.Contains(string(b), `"SearchString":"L2FkbWlu"`) || !strings.Contains(string(b), `"Capacity":2`) {
		t.Fatalf("get-web-acl: %s", b)
	}
}

// BenchmarkWAFv2GetWebACL: the call `moat waf proxy --web-acl-arn` polls,
// for a web ACL with a managed group, an IP set reference and a rate rule,
// through the SDK over loopback.
func BenchmarkWAFv2GetWebACL(b *testing.B) {
	ts := startBench(b)
	ctx := context.Background()
	c := wafv2.NewFromConfig(ts.config(ts.Root))
	ips, err := c.CreateIPSet(ctx, &wafv2.CreateIPSetInput{Name: aws.String("blocked"), Scope: waftypes.ScopeRegional,
		IPAddressVersion: waftypes.IPAddressVersionIpv4, Addresses: []string{"192.0.2.0/24"}})
	if err != nil {
		b.Fatal(err)
	}
	acl, err := c.CreateWebACL(ctx, &wafv2.CreateWebACLInput{Name: aws.String("app"), Scope: waftypes.ScopeRegional,
		DefaultAction: &waftypes.DefaultAction{Allow: &waftypes.AllowAction{}}, Rules: wafRules(aws.ToString(ips.Summary.ARN)), VisibilityConfig: wafVis("app")})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.GetWebACL(ctx, &wafv2.GetWebACLInput{ARN: acl.Summary.ARN}); err != nil {
			b.Fatal(err)
		}
	}
}

// State is per account: a member account has its own names, and cannot
// read or reference the management account's resources by ARN.
func TestWAFv2AccountIsolation(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	org := organizations.NewFromConfig(ts.config(ts.Root))
	if _, err := org.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: orgtypes.OrganizationFeatureSetAll}); err != nil {
		t.Fatal(err)
	}
	ca, err := org.CreateAccount(ctx, &organizations.CreateAccountInput{Email: aws.String("dev@example.com"), AccountName: aws.String("dev")})
	if err != nil {
		t.Fatal(err)
	}
	member := aws.ToString(ca.CreateAccountStatus.AccountId)
	root := iam.NewFromConfig(ts.config(ts.Root))
	if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("ops")}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("ops"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")}); err != nil {
		t.Fatal(err)
	}
	k, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("ops")})
	if err != nil {
		t.Fatal(err)
	}
	ar, err := sts.NewFromConfig(ts.config(aws.Credentials{AccessKeyID: aws.ToString(k.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(k.AccessKey.SecretAccessKey)})).AssumeRole(ctx,
		&sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + member + ":role/OrganizationAccountAccessRole"), RoleSessionName: aws.String("ops")})
	if err != nil {
		t.Fatal(err)
	}
	mgmt := wafv2.NewFromConfig(ts.config(ts.Root))
	dev := wafv2.NewFromConfig(ts.config(aws.Credentials{AccessKeyID: aws.ToString(ar.Credentials.AccessKeyId),
		SecretAccessKey: aws.ToString(ar.Credentials.SecretAccessKey), SessionToken: aws.ToString(ar.Credentials.SessionToken)}))

	ips := wafIPSet(t, mgmt, "blocked", "192.0.2.0/24")
	acl := wafACL(t, mgmt, "app")
	mine := wafACL(t, dev, "app") // the same name in another account
	if !strings.Contains(aws.ToString(mine.ARN), ":"+member+":regional/webacl/app/") {
		t.Fatalf("member web ACL ARN: %s", aws.ToString(mine.ARN))
	}
	_, err = dev.GetWebACL(ctx, &wafv2.GetWebACLInput{ARN: acl.ARN})
	apiError(t, err, "WAFNonexistentItemException")
	_, err = dev.CreateWebACL(ctx, &wafv2.CreateWebACLInput{Name: aws.String("borrow"), Scope: waftypes.ScopeRegional,
		DefaultAction: &waftypes.DefaultAction{Allow: &waftypes.AllowAction{}}, VisibilityConfig: wafVis("borrow"), Rules: wafRules(aws.ToString(ips.ARN))[1:2]})
	apiError(t, err, "WAFNonexistentItemException")
	for _, c := range []*wafv2.Client{mgmt, dev} {
		list, err := c.ListWebACLs(ctx, &wafv2.ListWebACLsInput{Scope: waftypes.ScopeRegional})
		if err != nil || len(list.WebACLs) != 1 {
			t.Fatalf("ListWebACLs per account: %+v %v", list, err)
		}
	}

	// A rule group shared with the member account by a permission policy.
	g, err := mgmt.CreateRuleGroup(ctx, &wafv2.CreateRuleGroupInput{Name: aws.String("shared"), Scope: waftypes.ScopeRegional, Capacity: aws.Int64(10),
		VisibilityConfig: wafVis("shared"), Rules: wafRules(aws.ToString(ips.ARN))[1:2]})
	if err != nil {
		t.Fatal(err)
	}
	useGroup := func() error {
		_, err := dev.CreateWebACL(ctx, &wafv2.CreateWebACLInput{Name: aws.String("uses-shared"), Scope: waftypes.ScopeRegional,
			DefaultAction: &waftypes.DefaultAction{Allow: &waftypes.AllowAction{}}, VisibilityConfig: wafVis("uses"),
			Rules: []waftypes.Rule{{Name: aws.String("shared"), Priority: 0, OverrideAction: &waftypes.OverrideAction{None: &waftypes.NoneAction{}}, VisibilityConfig: wafVis("shared"),
				Statement: &waftypes.Statement{RuleGroupReferenceStatement: &waftypes.RuleGroupReferenceStatement{ARN: g.Summary.ARN}}}}})
		return err
	}
	apiError(t, useGroup(), "WAFNonexistentItemException")
	share := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + member + `:root"},
		"Action":["wafv2:CreateWebACL","wafv2:UpdateWebACL","wafv2:PutFirewallManagerRuleGroups","wafv2:GetRuleGroup"]%s}]}`
	_, err = mgmt.PutPermissionPolicy(ctx, &wafv2.PutPermissionPolicyInput{ResourceArn: g.Summary.ARN, Policy: aws.String(fmt.Sprintf(share, `,"Resource":"*"`))})
	apiError(t, err, "WAFInvalidPermissionPolicyException")
	if _, err := mgmt.PutPermissionPolicy(ctx, &wafv2.PutPermissionPolicyInput{ResourceArn: g.Summary.ARN, Policy: aws.String(fmt.Sprintf(share, ""))}); err != nil {
		t.Fatal(err)
	}
	pol, err := mgmt.GetPermissionPolicy(ctx, &wafv2.GetPermissionPolicyInput{ResourceArn: g.Summary.ARN})
	if err != nil || !strings.Contains(aws.ToString(pol.Policy), member) {
		t.Fatalf("GetPermissionPolicy: %+v %v", pol, err)
	}
	seen, err := dev.GetRuleGroup(ctx, &wafv2.GetRuleGroupInput{ARN: g.Summary.ARN})
	if err != nil || aws.ToString(seen.RuleGroup.LabelNamespace) != "awswaf:"+ts.Account+":rulegroup:shared:" {
		t.Fatalf("GetRuleGroup of the shared group: %+v %v", seen, err)
	}
	if err := useGroup(); err != nil {
		t.Fatalf("web ACL using the shared group: %v", err)
	}
	// In use by the member account, the group and its IP set stay.
	gotG, err := mgmt.GetRuleGroup(ctx, &wafv2.GetRuleGroupInput{ARN: g.Summary.ARN})
	if err != nil {
		t.Fatal(err)
	}
	_, err = mgmt.DeleteRuleGroup(ctx, &wafv2.DeleteRuleGroupInput{Name: aws.String("shared"), Scope: waftypes.ScopeRegional, Id: g.Summary.Id, LockToken: gotG.LockToken})
	apiError(t, err, "WAFAssociatedItemException")
	_, err = mgmt.DeleteIPSet(ctx, &wafv2.DeleteIPSetInput{Name: ips.Name, Scope: waftypes.ScopeRegional, Id: ips.Id, LockToken: ips.LockToken})
	apiError(t, err, "WAFAssociatedItemException")
	if _, err := mgmt.DeletePermissionPolicy(ctx, &wafv2.DeletePermissionPolicyInput{ResourceArn: g.Summary.ARN}); err != nil {
		t.Fatal(err)
	}
	_, err = dev.GetRuleGroup(ctx, &wafv2.GetRuleGroupInput{ARN: g.Summary.ARN})
	apiError(t, err, "WAFNonexistentItemException")
}
