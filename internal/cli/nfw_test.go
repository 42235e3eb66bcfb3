package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moatdev/moat/suricata/pcapgen"
)

func writeNfwFile(t *testing.T, dir, name string, body []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, body, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func nfwCapture(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	w, err := pcapgen.NewWriter(&b)
	if err != nil {
		t.Fatal(err)
	}
	c := w.TCP(netip.MustParseAddrPort("10.0.0.5:40000"), netip.MustParseAddrPort("127.0.0.1:80"))
	for _, err := range []error{c.Handshake(), c.Client([]byte("GET /admin HTTP/1.1\r\nHost: site.test\r\n\r\n")), c.Server([]byte("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")), c.Close()} {
		if err != nil {
			t.Fatal(err)
		}
	}
	tc := w.TCP(netip.MustParseAddrPort("10.0.0.5:40001"), netip.MustParseAddrPort("127.0.0.1:443"))
	for _, err := range []error{tc.Handshake(), tc.Client(pcapgen.ClientHello("www.blocked.test"))} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return b.Bytes()
}

func TestNfwLint(t *testing.T) {
	dir := t.TempDir()
	rules := writeNfwFile(t, dir, "r.rules", []byte("alert http any any -> any any (http.uri; content:\"/a\"; sid:1;)\n"+
		"alert tcp any any -> any any (threshold:type limit, track by_src, count 1, seconds 9; sid:2;)\n"+
		"alert tcp any any -> any any (lua:x.lua; sid:3;)\n"))
	good := writeNfwFile(t, dir, "good.rules", []byte("pass tls $HOME_NET any -> any any (tls.sni; content:\"a.test\"; sid:1;)\n"))
	tests := []struct {
		name      string
		args      []string
		code      int
		out, errS string
	}{
		{"clean", []string{"nfw", "lint", good}, 0, good + ": 1 rules, 1 load (100.0%)", ""},
		{"suricata mode", []string{"nfw", "lint", rules}, 1, rules + ":3:31: sid 3: lua: Lua scripts are not implemented (valid Suricata, not supported by moat)", ""},
		{"anf mode", []string{"nfw", "lint", "--anf", rules}, 1, "threshold: not supported by Network Firewall (thresholding is on its limitations list) (accepted by Suricata, refused by AWS Network Firewall)", ""},
		{"anf summary", []string{"nfw", "lint", "--anf", rules}, 1, "1  threshold                refused by network-firewall", ""},
		{"json", []string{"nfw", "lint", "--format", "json", rules}, 1, `"parsed": 2`, ""},
		{"missing file", []string{"nfw", "lint", filepath.Join(dir, "nope.rules")}, 2, "", "nope.rules"},
		{"bad var", []string{"nfw", "lint", "--var", "HOME_NET", good}, 1, "", "want NAME=VALUE"},
		{"var used", []string{"nfw", "lint", "--var", "HOME_NET=[10.0.0.0/8", good}, 1, "address list", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(tc.args, strings.NewReader(""), &out, &errb)
			if code != tc.code || !strings.Contains(out.String(), tc.out) || !strings.Contains(errb.String(), tc.errS) {
				t.Errorf("code %d (want %d)\nstdout: %s\nstderr: %s", code, tc.code, out.String(), errb.String())
			}
		})
	}
}

func TestNfwPcap(t *testing.T) {
	dir := t.TempDir()
	pcap := writeNfwFile(t, dir, "c.pcap", nfwCapture(t))
	rules := writeNfwFile(t, dir, "r.rules", []byte(
		"alert http $HOME_NET any -> any any (msg:\"admin\"; http.uri; content:\"/admin\"; sid:1; rev:3;)\n"+
			"drop tls any any -> any any (msg:\"blocked sni\"; tls.sni; content:\"blocked.test\"; endswith; sid:2;)\n"+
			"alert tcp any any -> any any (msg:\"bad\"; bogus; sid:3;)\n"))
	eve := filepath.Join(dir, "eve.json")
	var out, errb bytes.Buffer
	code := run([]string{"nfw", "pcap", "--rules", rules, "--pcap", pcap, "--eve", eve, "--var", "HOME_NET=10.0.0.0/24"}, strings.NewReader(""), &out, &errb)
	if code != 1 || !strings.Contains(errb.String(), "r.rules:3:") || !strings.Contains(errb.String(), "2 alerts, 1 drops; 1 rules did not load") {
		t.Fatalf("code %d stderr %s", code, errb.String())
	}
	data, err := os.ReadFile(eve)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		var rec struct {
			EventType string `json:"event_type"`
			Alert     struct {
				SignatureID int    `json:"signature_id"`
				Rev         int    `json:"rev"`
				Action      string `json:"action"`
			} `json:"alert"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatal(err)
		}
		got[rec.EventType]++
		if rec.EventType == "alert" && rec.Alert.SignatureID == 1 && (rec.Alert.Rev != 3 || rec.Alert.Action != "allowed") {
			t.Errorf("alert 1: %+v", rec.Alert)
		}
		if rec.EventType == "alert" && rec.Alert.SignatureID == 2 && rec.Alert.Action != "blocked" {
			t.Errorf("alert 2: %+v", rec.Alert)
		}
	}
	if got["alert"] != 2 || got["http"] != 1 || got["tls"] != 1 || got["flow"] != 2 || got["drop"] != 1 || got["stats"] != 1 {
		t.Errorf("records: %v", got)
	}

	// --ids: the drop rule only alerts; aws format wraps the events.
	out.Reset()
	errb.Reset()
	good := writeNfwFile(t, dir, "g.rules", []byte("drop tls any any -> any any (tls.sni; content:\"blocked.test\"; sid:2;)\n"))
	code = run([]string{"nfw", "pcap", "--rules", good, "--pcap", pcap, "--ids", "--format", "aws", "--firewall-name", "fw1"}, strings.NewReader(""), &out, &errb)
	if code != 0 || !strings.Contains(out.String(), `"firewall_name":"fw1"`) || !strings.Contains(out.String(), `"action":"allowed"`) || strings.Contains(out.String(), `"event_type":"flow"`) {
		t.Errorf("--ids --format aws: code %d\n%s\n%s", code, out.String(), errb.String())
	}
}

func TestNfwPcapErrors(t *testing.T) {
	dir := t.TempDir()
	rules := writeNfwFile(t, dir, "r.rules", []byte("alert ip any any -> any any (sid:1;)\n"))
	pcap := writeNfwFile(t, dir, "c.pcap", nfwCapture(t))
	truncated := writeNfwFile(t, dir, "t.pcap", nfwCapture(t)[:200])
	garbage := writeNfwFile(t, dir, "g.pcap", []byte("this is not a capture file, only text"))
	policy := writeNfwFile(t, dir, "p.json", []byte(`{"FirewallPolicy": {"StatelessDefaultActions": ["aws:nope"]}}`))
	tests := []struct {
		name string
		args []string
		code int
		errS string
	}{
		{"no pcap", []string{"nfw", "pcap", "--rules", rules}, 1, "--pcap is required"},
		{"no rules", []string{"nfw", "pcap", "--pcap", pcap}, 1, "give --rules FILE"},
		{"both", []string{"nfw", "pcap", "--pcap", pcap, "--rules", rules, "--policy", policy}, 1, "give --rules FILE"},
		{"bad format", []string{"nfw", "pcap", "--pcap", pcap, "--rules", rules, "--format", "csv"}, 1, `--format "csv"`},
		{"defaults need strict", []string{"nfw", "pcap", "--pcap", pcap, "--rules", rules, "--default-action", "aws:drop_strict"}, 1, "needs --strict-order"},
		{"bad default", []string{"nfw", "pcap", "--pcap", pcap, "--rules", rules, "--strict-order", "--default-action", "aws:nope"}, 1, `"aws:nope"`},
		{"garbage capture", []string{"nfw", "pcap", "--pcap", garbage, "--rules", rules}, 1, "unknown magic"},
		{"truncated capture", []string{"nfw", "pcap", "--pcap", truncated, "--rules", rules}, 1, "capture truncated after packet"},
		{"missing capture", []string{"nfw", "pcap", "--pcap", filepath.Join(dir, "nope.pcap"), "--rules", rules}, 2, "nope.pcap"},
		{"missing rules", []string{"nfw", "pcap", "--pcap", pcap, "--rules", filepath.Join(dir, "nope.rules")}, 2, "nope.rules"},
		{"bad policy", []string{"nfw", "pcap", "--pcap", pcap, "--policy", policy}, 1, "FirewallPolicy.StatelessDefaultActions"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(tc.args, strings.NewReader(""), &out, &errb)
			if code != tc.code || !strings.Contains(errb.String(), tc.errS) {
				t.Errorf("code %d (want %d)\nstderr: %s", code, tc.code, errb.String())
			}
		})
	}
	// Standard input works as the capture.
	data, _ := os.ReadFile(pcap)
	var out, errb bytes.Buffer
	if code := run([]string{"nfw", "pcap", "--pcap", "-", "--rules", rules}, bytes.NewReader(data), &out, &errb); code != 0 || !strings.Contains(out.String(), `"event_type":"alert"`) {
		t.Errorf("stdin: code %d %s", code, errb.String())
	}
}

func TestNfwRules(t *testing.T) {
	dir := t.TempDir()
	doc := `{"FirewallPolicy": {"StatelessDefaultActions": ["aws:forward_to_sfe"], "StatelessFragmentDefaultActions": ["aws:forward_to_sfe"],
  "StatefulRuleGroupReferences": [{"ResourceArn": "arn:aws:network-firewall:us-east-1:111122223333:stateful-rulegroup/d", "Priority": 1}]},
 "RuleGroups": [{"RuleGroupResponse": {"RuleGroupArn": "arn:aws:network-firewall:us-east-1:111122223333:stateful-rulegroup/d", "RuleGroupName": "d", "Type": "STATEFUL"},
   "RuleGroup": {"RulesSource": {"RulesSourceList": {"Targets": ["api.example.com"], "TargetTypes": ["TLS_SNI"], "GeneratedRulesType": "DENYLIST"}}}}]}`
	p := writeNfwFile(t, dir, "p.json", []byte(doc))
	var out, errb bytes.Buffer
	code := run([]string{"nfw", "rules", p}, strings.NewReader(""), &out, &errb)
	want := "# rule group d (priority 1)\ndrop tls $HOME_NET any -> $EXTERNAL_NET any (tls.sni; content:\"api.example.com\"; startswith; endswith; nocase; msg:\"matching TLS denylisted FQDNs\"; flow:to_server, established; sid:1; rev:1;)\n"
	if code != 0 || out.String() != want {
		t.Errorf("code %d\n%s\nwant\n%s\nstderr %s", code, out.String(), want, errb.String())
	}
	bad := writeNfwFile(t, dir, "bad.json", []byte(strings.Replace(doc, `"DENYLIST"`, `"NOPE"`, 1)))
	if code := run([]string{"nfw", "rules", bad}, strings.NewReader(""), &out, &errb); code != 1 || !strings.Contains(errb.String(), "GeneratedRulesType") {
		t.Errorf("bad doc: code %d %s", code, errb.String())
	}
}
