package waf

import (
	"errors"
	"testing"
)

// RulesCapacity reports the WCUs of rules beyond the web ACL maximum, where
// Compile (and CheckCapacity) refuse them, and still validates each rule.
func TestRulesCapacity(t *testing.T) {
	t.Parallel()
	var rules []Rule
	for i := 0; i < 80; i++ {
		rules = append(rules, Rule{Name: "x" + string(rune('a'+i%26)) + string(rune('a'+i/26)), Priority: int64(i), Action: &RuleAction{Block: &BlockAction{}},
			Statement: &Statement{XssMatchStatement: &XssMatchStatement{FieldToMatch: &FieldToMatch{AllQueryArguments: &struct{}{}},
				TextTransformations: []TextTransformation{{Priority: 0, Type: "URL_DECODE"}, {Priority: 1, Type: "HTML_ENTITY_DECODE"}}}}})
	}
	n, err := RulesCapacity(rules, Options{})
	if err != nil || n != 80*(40+10+20) {
		t.Fatalf("RulesCapacity = %d, %v; want %d", n, err, 80*70)
	}
	if _, err := CheckCapacity(rules, Options{}); err == nil {
		t.Fatal("CheckCapacity accepted 5,600 WCUs, over the web ACL maximum")
	}
	rules[3].Action = nil
	_, err = RulesCapacity(rules, Options{})
	var e *Error
	if !errors.As(err, &e) || e.Path != "Rules[3]" || e.Code != CodeInvalidParameter {
		t.Fatalf("rule without action: %v", err)
	}
}
