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
