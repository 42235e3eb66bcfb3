package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runWAF(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(append([]string{"waf"}, args...), strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), code
}

var wafTestdata = filepath.Join("..", "..", "waf", "testdata")

func TestWAFTestContract(t *testing.T) {
	t.Parallel()
	in := `{"id":"benign","method":"GET","uri":"/index.html?q=shoes","headers":[["Host","example.com"]],"body":"","clientIp":"203.0.113.9"}
# a comment line

{"id":"sqli","method":"GET","uri":"/?id=1%27%20OR%20%271%27%3D%271","headers":[["Host","example.com"]],"clientIp":"203.0.113.9"}
{"id":"bad-ip","method":"GET","uri":"/","headers":[],"clientIp":"192.0.2.200"}
{"id":"admin","method":"GET","uri":"/admin","headers":[["Host","example.com"]],"clientIp":"203.0.113.9"}
{"id":"broken","uri":
{"id":"bad-ip-field","uri":"/","clientIp":"not-an-ip"}
{"id":"bad-header","uri":"/","headers":[["Host"]]}
{"id":"b64","method":"POST","uri":"/f","bodyBase64":"YT0lM0NzY3JpcHQlM0VhbGVydCgxKSUzQy9zY3JpcHQlM0U=","clientIp":"203.0.113.9"}
{"id":"b64-bad","method":"POST","uri":"/f","bodyBase64":"!!","clientIp":"203.0.113.9"}
{"id":"xss","method":"POST","uri":"/f","headers":[["Content-Type","application/x-www-form-urlencoded"]],"body":"a=%3Cscript%3Ealert(1)%3C%2Fscript%3E","clientIp":"203.0.113.9"}
`
	out, errs, code := runWAF(t, in, "test", "--web-acl", filepath.Join(wafTestdata, "webacl.json"), "--ip-set", filepath.Join(wafTestdata, "ipset.json"))
	want := `{"id":"benign","action":"ALLOW","terminatingRuleId":"Default_Action","labels":[]}
{"id":"sqli","action":"BLOCK","terminatingRuleId":"sqli-query","labels":[]}
{"id":"bad-ip","action":"BLOCK","terminatingRuleId":"block-bad-ips","labels":[]}
{"id":"admin","action":"CAPTCHA","terminatingRuleId":"admin-needs-captcha","labels":["awswaf:111122223333:webacl:example-acl:paths:admin","awswaf:managed:token:absent"]}
{"id":"","error":"line 7: truncated JSON (21 bytes)"}
{"id":"bad-ip-field","error":"line 8: clientIp: not an IP address: \"not-an-ip\""}
{"id":"bad-header","error":"line 9: headers[0]: expected [name, value], got 1 strings"}
{"id":"b64","action":"BLOCK","terminatingRuleId":"xss-body","labels":[]}
{"id":"b64-bad","error":"line 11: bodyBase64: illegal base64 data at input byte 0"}
{"id":"xss","action":"BLOCK","terminatingRuleId":"xss-body","labels":[]}
`
	if code != 0 || out != want {
		t.Fatalf("exit %d, stderr %q\n got:\n%s\nwant:\n%s", code, errs, out, want)
	}
}

func TestWAFTestRateBasedWithTimestamps(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	for i := 0; i < 12; i++ {
		b.WriteString(`{"id":"r` + string(rune('a'+i)) + `","uri":"/p","clientIp":"203.0.113.9","timestamp":` + itoa64(1700000000000+int64(i)*1000) + "}\n")
	}
	b.WriteString(`{"id":"later","uri":"/p","clientIp":"203.0.113.9","timestamp":1700000100000}` + "\n")
	out, errs, code := runWAF(t, b.String(), "test", "--web-acl", filepath.Join(wafTestdata, "webacl.json"), "--ip-set", filepath.Join(wafTestdata, "ipset.json"))
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 13 {
		t.Fatalf("exit %d, stderr %q, %d lines", code, errs, len(lines))
	}
	for i, l := range lines {
		blocked := strings.Contains(l, `"terminatingRuleId":"rate-limit"`)
		if want := i == 10 || i == 11; blocked != want {
			t.Errorf("request %d: %s (limit 10 per 60 s)", i, l)
		}
	}
}

func itoa64(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func TestWAFTestLogRecords(t *testing.T) {
	t.Parallel()
	out, errs, code := runWAF(t, `{"id":"x","uri":"/admin?a=b","clientIp":"203.0.113.9","headers":[["Host","h"]]}`+"\n",
		"test", "--log", "--web-acl", filepath.Join(wafTestdata, "webacl.json"), "--ip-set", filepath.Join(wafTestdata, "ipset.json"))
	var rec map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &rec) != nil {
		t.Fatalf("exit %d, stderr %q, out %q", code, errs, out)
	}
	hr := rec["httpRequest"].(map[string]any)
	if rec["action"] != "CAPTCHA" || rec["terminatingRuleId"] != "admin-needs-captcha" || hr["uri"] != "/admin" || hr["args"] != "a=b" ||
		rec["responseCodeSent"] != float64(405) || len(rec["nonTerminatingMatchingRules"].([]any)) != 1 {
		t.Fatalf("log record: %s", out)
	}
}

func TestWAFCapacityAndErrors(t *testing.T) {
	t.Parallel()
	out, errs, code := runWAF(t, "", "capacity", "--web-acl", filepath.Join(wafTestdata, "webacl.json"), "--ip-set", filepath.Join(wafTestdata, "ipset.json"))
	if code != 0 || out != "{\"Capacity\": 116}\n" {
		t.Fatalf("exit %d, stderr %q, out %q", code, errs, out)
	}
	// missing IP set: the file, line, column, path and AWS's exception
	_, errs, code = runWAF(t, "", "capacity", "--web-acl", filepath.Join(wafTestdata, "webacl.json"))
	if code != 1 || !strings.Contains(errs, "webacl.json:12:58: Rules[0].Statement.IPSetReferenceStatement.ARN: no IP set") || !strings.Contains(errs, "WAFNonexistentItemException") {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte("{\"Name\": \"a\",\n \"DefaultAction\": {\"Allow\": {}},\n \"Rules\": [{\"Name\": \"r\", \"Priority\": 0, \"Action\": {\"Block\": {}}, \"Statement\": {\"Nope\": {}}}]}"), 0o600)
	_, errs, code = runWAF(t, "", "test", "--web-acl", bad)
	if code != 1 || !strings.Contains(errs, "bad.json:3:80: Rules[0].Statement.Nope: unknown member") {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	_, errs, code = runWAF(t, "", "test", "--web-acl", filepath.Join(t.TempDir(), "missing.json"))
	if code != 1 || !strings.Contains(errs, "no such file") {
		t.Fatalf("missing file: exit %d, stderr %q", code, errs)
	}
	_, errs, code = runWAF(t, "", "test")
	if code != 1 || !strings.Contains(errs, "web-acl") {
		t.Fatalf("no --web-acl: exit %d, stderr %q", code, errs)
	}
	_, errs, code = runWAF(t, "", "proxy", "--web-acl", filepath.Join(wafTestdata, "webacl.json"), "--ip-set", filepath.Join(wafTestdata, "ipset.json"), "--upstream", "not a url")
	if code != 1 || !strings.Contains(errs, "--upstream") {
		t.Fatalf("bad upstream: exit %d, stderr %q", code, errs)
	}
}
