package waf

import (
	"net/netip"
	"strings"
	"testing"
	"time"
)

func exampleACL(t *testing.T, clock *fakeClock, key []byte) *WebACL {
	t.Helper()
	f, err := ParseWebACL(readTestdata(t, "webacl.json"))
	if err != nil {
		t.Fatal(err)
	}
	ips, err := ParseIPSet(readTestdata(t, "ipset.json"))
	if err != nil {
		t.Fatal(err)
	}
	w, err := Compile(f, Options{Resources: Resources{IPSets: []*IPSetDoc{ips}}, Now: clock.now, TokenKey: key})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestExampleACL(t *testing.T) {
	t.Parallel()
	clock := newClock()
	key := []byte("k")
	w := exampleACL(t, clock, key)
	tok := IssueToken(key, clock.t.Add(-time.Minute), clock.t.Add(-time.Minute))
	post := func(body string) *Request {
		r := get("/form")
		r.Method, r.Body = "POST", []byte(body)
		return r
	}
	bigXSS := post(strings.Repeat("a", 20000))
	cases := []struct {
		name   string
		req    *Request
		action Action
		rule   string
		label  string
		status int
	}{
		{"benign", get("/index.html?q=shoes"), Allow, DefaultActionID, "", 0},
		{"bad ip", &Request{Method: "GET", URI: "/", ClientIP: netip.MustParseAddr("192.0.2.77")}, Block, "block-bad-ips", "", 403},
		{"admin without token", get("/Admin/panel"), Captcha, "admin-needs-captcha", "awswaf:111122223333:webacl:example-acl:paths:admin", 405},
		{"admin with token", get("/admin", "Cookie", "aws-waf-token="+tok), Allow, DefaultActionID, LabelTokenAccepted, 0},
		{"admin with forged token", get("/admin", "Cookie", "aws-waf-token=v1.AAAA.BBBB"), Captcha, "admin-needs-captcha", LabelTokenRejected, 405},
		{"sqli", get("/?id=1%27%20OR%20%271%27%3D%271"), Block, "sqli-query", "", 406},
		{"xss body", post("x=%3Cscript%3Ealert(1)%3C/script%3E"), Block, "xss-body", "", 403},
		{"oversize body matches", bigXSS, Block, "xss-body", "", 403},
		{"benign body", post("name=alice&city=paris"), Allow, DefaultActionID, "", 0},
	}
	for _, c := range cases {
		res := eval(w, c.req)
		if res.Action != c.action || res.TerminatingRuleID != c.rule {
			t.Errorf("%s: got %s by %q, want %s by %q", c.name, res.Action, res.TerminatingRuleID, c.action, c.rule)
		}
		if c.label != "" && !hasLabel(res, c.label) {
			t.Errorf("%s: labels %v lack %s", c.name, res.Labels, c.label)
		}
		if c.status != 0 && (res.Response == nil || res.Response.Status != c.status) {
			t.Errorf("%s: response %+v, want status %d", c.name, res.Response, c.status)
		}
	}
}

func TestRateBasedWindow(t *testing.T) {
	t.Parallel()
	clock := newClock()
	w := exampleACL(t, clock, nil)
	req := get("/page")
	for i := 1; i <= 10; i++ {
		if res := eval(w, req); res.Action != Allow {
			t.Fatalf("request %d: %s by %s, want ALLOW (limit 10)", i, res.Action, res.TerminatingRuleID)
		}
		clock.t = clock.t.Add(time.Second)
	}
	res := eval(w, req)
	if res.Action != Block || res.TerminatingRuleID != "rate-limit" || res.TerminatingRuleType != "RATE_BASED" {
		t.Fatalf("11th request: %s by %s (%s), want BLOCK by rate-limit", res.Action, res.TerminatingRuleID, res.TerminatingRuleType)
	}
	other := get("/page")
	other.ClientIP = netip.MustParseAddr("203.0.113.10")
	if res := eval(w, other); res.Action != Allow {
		t.Fatalf("another address: %s, want ALLOW", res.Action)
	}
	clock.t = clock.t.Add(61 * time.Second)
	if res := eval(w, req); res.Action != Allow {
		t.Fatalf("after the window: %s by %s, want ALLOW", res.Action, res.TerminatingRuleID)
	}
}
