package managed

import (
	"strings"

	"github.com/moatdev/moat/waf"
)

// Builders for rule definitions in AWS's statement language.

var (
	uriPath   = &waf.FieldToMatch{UriPath: &struct{}{}}
	queryStr  = &waf.FieldToMatch{QueryString: &struct{}{}}
	queryArgs = &waf.FieldToMatch{AllQueryArguments: &struct{}{}}
	method    = &waf.FieldToMatch{Method: &struct{}{}}
)

func body(oversize string) *waf.FieldToMatch {
	return &waf.FieldToMatch{Body: &waf.Body{OversizeHandling: oversize}}
}

func header(name string) *waf.FieldToMatch {
	return &waf.FieldToMatch{SingleHeader: &waf.SingleHeader{Name: name}}
}

func cookies() *waf.FieldToMatch {
	return &waf.FieldToMatch{Cookies: &waf.Cookies{MatchPattern: &waf.CookieMatchPattern{All: &struct{}{}}, MatchScope: "ALL", OversizeHandling: "CONTINUE"}}
}

func headerValues() *waf.FieldToMatch {
	return &waf.FieldToMatch{Headers: &waf.Headers{MatchPattern: &waf.HeaderMatchPattern{All: &struct{}{}}, MatchScope: "VALUE", OversizeHandling: "CONTINUE"}}
}

func tx(types ...string) []waf.TextTransformation {
	if len(types) == 0 {
		types = []string{"NONE"}
	}
	out := make([]waf.TextTransformation, len(types))
	for i, t := range types {
		out[i] = waf.TextTransformation{Priority: int64(i), Type: t}
	}
	return out
}

func regex(f *waf.FieldToMatch, re string, types ...string) *waf.Statement {
	return &waf.Statement{RegexMatchStatement: &waf.RegexMatchStatement{RegexString: re, FieldToMatch: f, TextTransformations: tx(types...)}}
}

func sqli(f *waf.FieldToMatch, types ...string) *waf.Statement {
	return &waf.Statement{SqliMatchStatement: &waf.SqliMatchStatement{FieldToMatch: f, SensitivityLevel: "LOW", TextTransformations: tx(types...)}}
}

func xss(f *waf.FieldToMatch, types ...string) *waf.Statement {
	return &waf.Statement{XssMatchStatement: &waf.XssMatchStatement{FieldToMatch: f, TextTransformations: tx(types...)}}
}

func or(sts ...*waf.Statement) *waf.Statement {
	out := make([]waf.Statement, len(sts))
	for i, st := range sts {
		out[i] = *st
	}
	return &waf.Statement{OrStatement: &waf.OrStatement{Statements: out}}
}

func size(f *waf.FieldToMatch, op string, n int64) *waf.Statement {
	return &waf.Statement{SizeConstraintStatement: &waf.SizeConstraintStatement{FieldToMatch: f, ComparisonOperator: op, Size: n, TextTransformations: tx()}}
}

func exactly(f *waf.FieldToMatch, s string) *waf.Statement {
	return &waf.Statement{ByteMatchStatement: &waf.ByteMatchStatement{FieldToMatch: f, SearchString: s, PositionalConstraint: "EXACTLY", TextTransformations: tx()}}
}

func ipSet(name string) *waf.Statement {
	return &waf.Statement{IPSetReferenceStatement: &waf.IPSetReferenceStatement{ARN: "arn:aws:wafv2:us-east-1:aws:regional/ipset/" + name + "/moat-managed"}}
}

// group assembles a rule group; each rule is named as AWS names it, and its
// label is AWS's: the rule name with the component suffix in AWS's label
// spelling (NoUserAgent_HEADER labels NoUserAgent_Header).
type group struct {
	doc  waf.RuleGroupDoc
	prio int64
}

func newGroup(name, namespace string, capacity int64) *group {
	return &group{doc: waf.RuleGroupDoc{
		Name: name, Capacity: capacity,
		ARN:              "arn:aws:wafv2:us-east-1:aws:managed/rulegroup/" + name,
		LabelNamespace:   "awswaf:managed:aws:" + namespace + ":",
		VisibilityConfig: &waf.VisibilityConfig{MetricName: name},
	}}
}

var labelSuffix = strings.NewReplacer("_HEADER", "_Header", "_QUERYSTRING", "_QueryString", "_QUERYARGUMENTS", "_QueryArguments",
	"_BODY", "_Body", "_URIPATH", "_URIPath", "_COOKIE", "_Cookie", "_METHOD", "_Method")

func (g *group) add(name, label string, action string, st *waf.Statement) {
	if label == "" {
		label = labelSuffix.Replace(name)
	}
	a := &waf.RuleAction{Block: &waf.BlockAction{}}
	if action == "Count" {
		a = &waf.RuleAction{Count: &waf.CountAction{}}
	}
	g.doc.Rules = append(g.doc.Rules, waf.Rule{
		Name: name, Priority: g.prio, Statement: st, Action: a,
		RuleLabels:       []waf.Label{{Name: label}},
		VisibilityConfig: &waf.VisibilityConfig{MetricName: name},
	})
	g.prio++
}

func (g *group) file() *waf.RuleGroupFile { return &waf.RuleGroupFile{RuleGroupDoc: g.doc} }
