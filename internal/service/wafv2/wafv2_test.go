package wafv2

import (
	"strings"
	"testing"
)

func TestFieldOf(t *testing.T) {
	t.Parallel()
	cases := []struct{ path, field, param string }{
		{"Rules[0].Statement.ByteMatchStatement.PositionalConstraint", "BYTE_MATCH_STATEMENT", "PositionalConstraint"},
		{"Rules[0].Statement.ByteMatchStatement.TextTransformations[0].Type", "TEXT_TRANSFORMATION", "Type"},
		{"Rules[1].Statement.SizeConstraintStatement.FieldToMatch.Body.OversizeHandling", "OVERSIZE_HANDLING", "OversizeHandling"},
		{"Rules[2].Statement.NotStatement.Statement", "STATEMENT", "Statement"},
		{"Rules[0].Action", "RULE_ACTION", "Action"},
		{"Rules[0]", "RULE", "Rule"},
		{"Rules[3].Name", "RULE", "Name"},
		{"DefaultAction", "DEFAULT_ACTION", "DefaultAction"},
		{"RegularExpressionList[1].RegexString", "REGEX_PATTERN_SET", "RegexString"},
		{"", "WEB_ACL", "WebACL"},
		{"Unknown.Member", "WEB_ACL", "Member"},
	}
	for _, c := range cases {
		f, p := fieldOf(c.path)
		if f != c.field || p != c.param {
			t.Errorf("fieldOf(%q) = %s, %s; want %s, %s", c.path, f, p, c.field, c.param)
		}
	}
}

func TestParseARN(t *testing.T) {
	t.Parallel()
	p, ok := parseARN("arn:aws:wafv2:us-east-1:123456789012:global/ipset/blocked/0b0a9d5e-1f3c-4c1e-9d4a-6f2e8b7c9a01")
	if !ok || p.Scope != "CLOUDFRONT" || p.Kind != "ipset" || p.Name != "blocked" || p.Account != "123456789012" || p.Region != "us-east-1" {
		t.Fatalf("parseARN: %+v %v", p, ok)
	}
	for _, bad := range []string{"", "arn:aws:waf:us-east-1:1:regional/ipset/a/b", "arn:aws:wafv2:us-east-1:1:zonal/ipset/a/b",
		"arn:aws:wafv2:us-east-1:1:regional/ipset/a", "arn:aws:wafv2:us-east-1:1:regional/ipset/a/b/c"} {
		if _, ok := parseARN(bad); ok {
			t.Errorf("parseARN(%q) accepted", bad)
		}
	}
}

// FuzzParseARN: any accepted ARN renders back to itself.
func FuzzParseARN(f *testing.F) {
	f.Add("arn:aws:wafv2:us-east-1:123456789012:regional/webacl/app/0b0a9d5e-1f3c-4c1e-9d4a-6f2e8b7c9a01")
	f.Add("arn:aws:wafv2:us-east-1:123456789012:global/rulegroup/g/x")
	f.Add("arn:aws:wafv2::::")
	f.Fuzz(func(t *testing.T, s string) {
		p, ok := parseARN(s)
		if !ok {
			return
		}
		scope := "regional"
		if p.Scope == "CLOUDFRONT" {
			scope = "global"
		}
		back := "arn:aws:wafv2:" + p.Region + ":" + p.Account + ":" + scope + "/" + p.Kind + "/" + p.Name + "/" + p.ID
		if !strings.HasPrefix(s, "arn:") || back != s {
			t.Fatalf("parseARN(%q) = %+v renders %q", s, p, back)
		}
	})
}

// FuzzFieldOf: any path maps to a field and a parameter without panicking.
func FuzzFieldOf(f *testing.F) {
	f.Add("Rules[0].Statement.ByteMatchStatement.PositionalConstraint")
	f.Add("[].[[0]]..")
	f.Fuzz(func(t *testing.T, path string) {
		field, _ := fieldOf(path)
		if field == "" {
			t.Fatalf("fieldOf(%q): no field", path)
		}
	})
}

func TestParseSharePolicy(t *testing.T) {
	t.Parallel()
	const acct = "111122223333"
	stmt := func(extra string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["` + acct + `","arn:aws:iam::444455556666:root"]},
			"Action":["wafv2:CreateWebACL","wafv2:UpdateWebACL","wafv2:PutFirewallManagerRuleGroups"` + extra + `]}]}`
	}
	p, err := parseSharePolicy(stmt(""))
	if err != nil || len(p.Statement) != 1 || len(p.Statement[0].Principal) != 2 || p.Statement[0].Principal[1] != "444455556666" {
		t.Fatalf("parseSharePolicy: %+v %v", p, err)
	}
	if !grants(stmt(""), acct, "wafv2:CreateWebACL") || grants(stmt(""), acct, "wafv2:GetRuleGroup") || grants(stmt(""), "999999999999", "wafv2:CreateWebACL") {
		t.Error("grants")
	}
	if !grants(stmt(`,"wafv2:GetRuleGroup"`), acct, "wafv2:GetRuleGroup") {
		t.Error("GetRuleGroup granted")
	}
	for name, doc := range map[string]string{
		"extra action":    stmt(`,"wafv2:DeleteRuleGroup"`),
		"wildcard":        stmt(`,"wafv2:*"`),
		"old version":     strings.Replace(stmt(""), "2012-10-17", "2008-10-17", 1),
		"deny":            strings.Replace(stmt(""), "Allow", "Deny", 1),
		"resource":        strings.Replace(stmt(""), `"Effect"`, `"Resource":"*","Effect"`, 1),
		"missing action":  strings.Replace(stmt(""), `"wafv2:UpdateWebACL",`, "", 1),
		"service princip": strings.Replace(stmt(""), `"AWS":`, `"Service":`, 1),
		"not json":        "{",
	} {
		if _, err := parseSharePolicy(doc); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// FuzzParseSharePolicy: permission policies are outside input; an accepted
// one always has statements with principals and the required actions.
func FuzzParseSharePolicy(f *testing.F) {
	f.Add(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":["wafv2:CreateWebACL","wafv2:UpdateWebACL","wafv2:PutFirewallManagerRuleGroups"]}}`)
	f.Add(`{"Version":"2012-10-17","Statement":[]}`)
	f.Add(`[]`)
	f.Fuzz(func(t *testing.T, doc string) {
		p, err := parseSharePolicy(doc)
		if err != nil {
			return
		}
		for _, st := range p.Statement {
			if len(st.Principal) == 0 || !contains(st.Action, "wafv2:CreateWebACL") {
				t.Fatalf("accepted %q as %+v", doc, p)
			}
		}
	})
}
