package nfw

import (
	"strings"
	"testing"
)

func TestCheckRuleGroup(t *testing.T) {
	rules := "# c\nalert tcp any any -> any any (msg:\"a\"; sid:1;)\nalert ftp any any -> any any (msg:\"b\"; sid:2;)\nalert tcp any any -> any any (msg:\"c\"; sid:1;)\n"
	gc, err := CheckRuleGroup("STATEFUL", &RuleGroup{RulesSource: RulesSource{RulesString: rules}}, "RuleGroup")
	if err != nil {
		t.Fatal(err)
	}
	if gc.Rules != 3 || gc.ConsumedCapacity != 3 || len(gc.Refused) != 1 || gc.Refused[0].Line != 4 || len(gc.Unsupported) != 1 || gc.Unsupported[0].Line != 3 {
		t.Fatalf("check: %+v refused %v unsupported %v", gc, gc.Refused, gc.Unsupported)
	}
	for _, c := range []struct {
		typ  string
		g    RuleGroup
		want string
	}{
		{"STATEFUL", RuleGroup{RulesSource: RulesSource{RulesString: "x", RulesSourceList: &RulesSourceList{}}}, "exactly one of"},
		{"STATELESS", RuleGroup{RulesSource: RulesSource{RulesString: "x"}}, "StatelessRulesAndCustomActions: required"},
		{"STATEFUL", RuleGroup{RulesSource: RulesSource{StatelessRulesAndCustomActions: &StatelessRulesAndCustomActions{}}}, "only STATELESS"},
		{"STATEFUL", RuleGroup{RulesSource: RulesSource{RulesSourceList: &RulesSourceList{GeneratedRulesType: "ALLOWLIST", TargetTypes: []string{"SMTP"}, Targets: []string{"a.b"}}}}, "TargetTypes[0]"},
		{"STATEFUL", RuleGroup{RulesSource: RulesSource{StatefulRules: []StatefulRule{{Action: "PASS", Header: Header{Protocol: "TCP", Source: "any", SourcePort: "any", Direction: "FORWARD", Destination: "any", DestinationPort: "any"}}}}}, "StatefulRules[0].RuleOptions: a sid"},
		{"STATELESS", RuleGroup{RulesSource: RulesSource{StatelessRulesAndCustomActions: &StatelessRulesAndCustomActions{StatelessRules: []StatelessRule{{Priority: 0}}}}}, "StatelessRules[0].Priority"},
		{"STATELESS", RuleGroup{RulesSource: RulesSource{StatelessRulesAndCustomActions: &StatelessRulesAndCustomActions{}}, StatefulRuleOptions: &StatefulRuleOptions{RuleOrder: "STRICT_ORDER"}}, "only stateful"},
	} {
		_, err := CheckRuleGroup(c.typ, &c.g, "RuleGroup")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: got %v, want %q", c.g, err, c.want)
		}
	}
	// Stateless capacity: the product of the match settings.
	gc, err = CheckRuleGroup("STATELESS", &RuleGroup{RulesSource: RulesSource{StatelessRulesAndCustomActions: &StatelessRulesAndCustomActions{StatelessRules: []StatelessRule{
		{Priority: 1, RuleDefinition: RuleDefinition{Actions: []string{"aws:pass"}, MatchAttributes: MatchAttributes{Protocols: []int{6, 17}, Sources: []Address{{"10.0.0.0/24"}, {"10.0.1.0/24"}, {"10.0.2.0/24"}}}}}}}}}, "RuleGroup")
	if err != nil || gc.ConsumedCapacity != 6 {
		t.Fatalf("stateless capacity: %+v %v", gc, err)
	}
}

// FuzzCheckRuleGroup feeds arbitrary rule text through the API's checks:
// never a panic, and every refused rule has a position.
func FuzzCheckRuleGroup(f *testing.F) {
	for _, s := range []string{
		"alert tcp any any -> any any (msg:\"a\"; sid:1;)",
		"pass tls $HOME_NET any -> $EXTERNAL_NET 443 (tls.sni; content:\"x\"; endswith; sid:2;)\ndrop ip any any -> any any (sid:2;)",
		"alert http any any -> any any (threshold:type limit,track by_src,count 1,seconds 1; sid:3;)",
		"alert tcp any any -> any any (msg:\"broken\" sid:2;",
		"\\\n#",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		gc, err := CheckRuleGroup("STATEFUL", &RuleGroup{RulesSource: RulesSource{RulesString: s}, RuleVariables: &RuleVariables{IPSets: map[string]IPSet{"HOME_NET": {Definition: []string{"10.0.0.0/8"}}}}}, "RuleGroup")
		if err != nil {
			return
		}
		for _, e := range gc.Refused {
			if e.Line < 1 || e.Column < 1 {
				t.Fatalf("refused rule without a position: %+v", e)
			}
		}
	})
}
