package waf

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestLogRecord(t *testing.T) {
	t.Parallel()
	clock := newClock()
	w := exampleACL(t, clock, nil)
	req := get("/?id=1%27%20OR%20%271%27%3D%271", "Host", "shop.example.com")
	req.ID, req.HTTPVersion = "req-1", "HTTP/1.1"
	var res Result
	w.Evaluate(req, &res)
	rec := w.Log(req, &res, clock.t, LogSource{Name: "ALB", ID: "app/shop/1"})
	b, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	json.Unmarshal(b, &m)
	for _, k := range []string{"timestamp", "formatVersion", "webaclId", "terminatingRuleId", "terminatingRuleType", "action",
		"terminatingRuleMatchDetails", "httpSourceName", "httpSourceId", "ruleGroupList", "rateBasedRuleList",
		"nonTerminatingMatchingRules", "requestHeadersInserted", "responseCodeSent", "httpRequest"} {
		if _, ok := m[k]; !ok {
			t.Errorf("log record lacks %q: %s", k, b)
		}
	}
	if rec.Timestamp != clock.t.UnixMilli() || rec.Action != "BLOCK" || rec.TerminatingRuleID != "sqli-query" || *rec.ResponseCodeSent != 406 ||
		rec.HTTPRequest.URI != "/" || rec.HTTPRequest.Args != "id=1%27%20OR%20%271%27%3D%271" || rec.HTTPRequest.RequestID != "req-1" {
		t.Fatalf("record %s", b)
	}
	d := rec.TerminatingRuleMatchDetails
	if len(d) != 1 || d[0].ConditionType != "SQL_INJECTION" || d[0].SensitivityLevel != "LOW" || d[0].Location != "ALL_QUERY_ARGS" ||
		!strings.Contains(strings.Join(d[0].MatchedData, " "), "OR") {
		t.Fatalf("terminatingRuleMatchDetails %+v", d)
	}
	// a rate-based rule in rateBasedRuleList, a group's rules in ruleGroupList
	for i := 0; i < 12; i++ {
		w.Evaluate(get("/x"), &res)
		clock.t = clock.t.Add(time.Millisecond)
	}
	rec = w.Log(get("/x"), &res, clock.t, LogSource{})
	if res.TerminatingRuleID != "rate-limit" || rec.TerminatingRuleType != "RATE_BASED" || len(rec.RateBasedRuleList) != 1 || rec.RateBasedRuleList[0].MaxRateAllowed != 10 {
		t.Fatalf("rate-based record %+v", rec)
	}
	g := groupACL(t, `{"Count":{}}`, "")
	g.Evaluate(get("/x?bad"), &res)
	rec = g.Log(get("/x?bad"), &res, clock.t, LogSource{})
	if len(rec.RuleGroupList) != 1 || len(rec.RuleGroupList[0].NonTerminatingMatchingRules) != 2 || rec.RuleGroupList[0].NonTerminatingMatchingRules[0].OverriddenAction != "BLOCK" {
		t.Fatalf("ruleGroupList %+v", rec.RuleGroupList)
	}
}
