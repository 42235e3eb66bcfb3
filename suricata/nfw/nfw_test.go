package nfw

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/netip"
	"strings"
	"testing"

	"github.com/moatdev/moat/suricata"
	"github.com/moatdev/moat/suricata/pcapgen"
	"github.com/moatdev/moat/suricata/replay"
)

func TestDomainListRules(t *testing.T) {
	t.Parallel()
	l := &RulesSourceList{Targets: []string{".Example.com", "api.test"}, TargetTypes: []string{"TLS_SNI", "HTTP_HOST"}, GeneratedRulesType: "ALLOWLIST"}
	if err := l.Validate("RulesSourceList"); err != nil {
		t.Fatal(err)
	}
	text := l.Rules(100)
	rs := suricata.Parse([]byte(text), &suricata.Config{NetworkFirewall: true})
	if len(rs.Errors) > 0 || len(rs.Rules) != 6 {
		t.Fatalf("generated rules do not load: %v\n%s", rs.Errors, text)
	}
	if !strings.Contains(text, `pass tls $HOME_NET any -> $EXTERNAL_NET any (tls.sni; dotprefix; content:".example.com"; endswith; nocase;`) ||
		!strings.Contains(text, `drop http $HOME_NET any -> $EXTERNAL_NET any (msg:"not matching any HTTP allowlisted FQDNs"`) {
		t.Errorf("generated text:\n%s", text)
	}
	bad := []struct {
		l    RulesSourceList
		want string
	}{
		{RulesSourceList{Targets: []string{"a.test"}, TargetTypes: []string{"TLS_SNI"}, GeneratedRulesType: "MAYBE"}, "RulesSourceList.GeneratedRulesType"},
		{RulesSourceList{Targets: []string{"a.test"}, TargetTypes: []string{"SMTP"}, GeneratedRulesType: "DENYLIST"}, "RulesSourceList.TargetTypes[0]"},
		{RulesSourceList{Targets: []string{"a.test", "b c"}, TargetTypes: []string{"TLS_SNI"}, GeneratedRulesType: "DENYLIST"}, "RulesSourceList.Targets[1]"},
		{RulesSourceList{TargetTypes: []string{"TLS_SNI"}, GeneratedRulesType: "DENYLIST"}, "RulesSourceList.Targets: at least one"},
	}
	for _, b := range bad {
		if err := b.l.Validate("RulesSourceList"); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%+v: err %v, want %q", b.l, err, b.want)
		}
	}
}

func TestStatefulRuleRender(t *testing.T) {
	t.Parallel()
	r := StatefulRule{Action: "DROP", Header: Header{Protocol: "TCP", Source: "10.0.0.0/8", SourcePort: "ANY", Direction: "ANY", Destination: "ANY", DestinationPort: "22"},
		RuleOptions: []RuleOption{{Keyword: "msg", Settings: []string{`"ssh"`}}, {Keyword: "sid", Settings: []string{"9"}}}}
	line, err := r.Render("StatefulRules[0]")
	if err != nil || line != `drop tcp 10.0.0.0/8 any <> any 22 (msg:"ssh"; sid:9;)` {
		t.Fatalf("%q %v", line, err)
	}
	r.RuleOptions = r.RuleOptions[:1]
	if _, err := r.Render("StatefulRules[0]"); err == nil || !strings.Contains(err.Error(), "StatefulRules[0].RuleOptions: a sid option is required") {
		t.Errorf("no sid: %v", err)
	}
	r.Action = "ACCEPT"
	if _, err := r.Render("StatefulRules[0]"); err == nil || !strings.Contains(err.Error(), "StatefulRules[0].Action") {
		t.Errorf("bad action: %v", err)
	}
}

const policyDoc = `{
  "FirewallPolicy": {
    "StatelessDefaultActions": ["aws:forward_to_sfe"],
    "StatelessFragmentDefaultActions": ["aws:forward_to_sfe"],
    "StatelessRuleGroupReferences": [{"ResourceArn": "arn:aws:network-firewall:us-east-1:111122223333:stateless-rulegroup/sl", "Priority": 10}],
    "StatefulRuleGroupReferences": [{"ResourceArn": "arn:aws:network-firewall:us-east-1:111122223333:stateful-rulegroup/domains", "Priority": 1}],
    "StatefulDefaultActions": ["aws:drop_established"],
    "StatefulEngineOptions": {"RuleOrder": "STRICT_ORDER"},
    "PolicyVariables": {"RuleVariables": {"HOME_NET": {"Definition": ["10.0.0.0/16"]}}}
  },
  "RuleGroups": [
    {"RuleGroupResponse": {"RuleGroupArn": "arn:aws:network-firewall:us-east-1:111122223333:stateless-rulegroup/sl", "RuleGroupName": "sl", "Type": "STATELESS"},
     "RuleGroup": {"RulesSource": {"StatelessRulesAndCustomActions": {"StatelessRules": [
       {"Priority": 1, "RuleDefinition": {"MatchAttributes": {"Protocols": [17], "DestinationPorts": [{"FromPort": 9999, "ToPort": 9999}]}, "Actions": ["aws:drop"]}}
     ]}}}},
    {"RuleGroupResponse": {"RuleGroupArn": "arn:aws:network-firewall:us-east-1:111122223333:stateful-rulegroup/domains", "RuleGroupName": "domains", "Type": "STATEFUL"},
     "RuleGroup": {"StatefulRuleOptions": {"RuleOrder": "STRICT_ORDER"},
                   "RulesSource": {"RulesSourceList": {"Targets": [".allowed.test"], "TargetTypes": ["TLS_SNI", "HTTP_HOST"], "GeneratedRulesType": "ALLOWLIST"}}}}
  ]
}`

func TestPolicyDocumentEndToEnd(t *testing.T) {
	t.Parallel()
	fw, err := LoadPolicyDocument([]byte(policyDoc))
	if err != nil {
		t.Fatal(err)
	}
	if len(fw.RuleErrors) > 0 {
		t.Fatal(fw.RuleErrors)
	}
	cli := netip.MustParseAddr("10.0.1.5")
	var pcap bytes.Buffer
	w, _ := pcapgen.NewWriter(&pcap)
	for i, sni := range []string{"www.allowed.test", "evil.test"} {
		c := w.TCP(netip.AddrPortFrom(cli, uint16(40000+i)), netip.MustParseAddrPort("127.0.0.1:443"))
		must(t, c.Handshake())
		must(t, c.Client(pcapgen.ClientHello(sni)))
		must(t, c.Client([]byte("application data")))
	}
	must(t, w.UDP(netip.AddrPortFrom(cli, 5000), netip.MustParseAddrPort("127.0.0.1:9999"), []byte("x")))
	var out bytes.Buffer
	st, err := replay.Run(&pcap, &out, replay.Config{Inspector: fw, Format: replay.FormatNetworkFirewall, FirewallName: "fw"})
	if err != nil {
		t.Fatal(err)
	}
	var alerts []string
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		var rec struct {
			Event struct {
				EventType string `json:"event_type"`
				SrcPort   int    `json:"src_port"`
				Alert     struct {
					Action    string `json:"action"`
					Signature string `json:"signature"`
				} `json:"alert"`
			} `json:"event"`
		}
		must(t, json.Unmarshal(sc.Bytes(), &rec))
		if rec.Event.EventType == "alert" {
			alerts = append(alerts, rec.Event.Alert.Action+" "+rec.Event.Alert.Signature)
		}
	}
	// The allowed SNI passes the flow; the other is dropped by the
	// allowlist's generated drop rule (ClientHello), then by
	// aws:drop_established for the rest of the established flow.
	// The allowed SNI passes its flow; the other flow is dropped by the
	// allowlist's generated drop rule at the ClientHello (one alert), and
	// its later packet is dropped with the flow, without another alert.
	want := []string{"blocked not matching any TLS allowlisted FQDNs"}
	if strings.Join(alerts, "|") != strings.Join(want, "|") {
		t.Errorf("alerts %q, want %q", alerts, want)
	}
	// Drops: ClientHello + data of the denied flow, and the stateless UDP drop.
	if st.Drops != 3 {
		t.Errorf("drops = %d, want 3", st.Drops)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestStatelessEngine(t *testing.T) {
	t.Parallel()
	fw, err := LoadPolicyDocument([]byte(policyDoc))
	if err != nil {
		t.Fatal(err)
	}
	sc := fw.NewScratch()
	p := &suricata.Packet{Proto: 17, Src: netip.MustParseAddr("10.0.1.5"), Dst: netip.MustParseAddr("127.0.0.1"), SrcPort: 5000, DstPort: 9999}
	if v := fw.Inspect(p, &suricata.FlowState{}, nil, sc); v.Drop == nil || v.Drop.Msg != "stateless" {
		t.Errorf("stateless drop: %+v", v)
	}
	p.DstPort = 53
	if v := fw.Inspect(p, &suricata.FlowState{}, nil, sc); v.Drop != nil {
		t.Errorf("forwarded UDP was dropped: %+v", v.Drop)
	}
	syn := &suricata.Packet{Proto: 6, Src: p.Src, Dst: p.Dst, SrcPort: 1, DstPort: 443, TCPFlags: 0x02, ToServer: true}
	if v := fw.Inspect(syn, &suricata.FlowState{}, nil, sc); v.Drop != nil {
		t.Errorf("drop_established dropped a SYN: %+v", v.Drop)
	}
	est := *syn
	est.Established, est.TCPFlags = true, 0x18
	if v := fw.Inspect(&est, &suricata.FlowState{}, nil, sc); v.Drop == nil || v.Drop.Msg != DropEstablished {
		t.Errorf("drop_established: %+v", v)
	}
	est.ToServer = false
	if v := fw.Inspect(&est, &suricata.FlowState{}, nil, sc); v.Drop != nil {
		t.Errorf("drop_established dropped server-to-client: %+v", v.Drop)
	}
}

func TestStatelessTCPFlags(t *testing.T) {
	t.Parallel()
	rs, err := compileStateless("g", 1, []StatelessRule{{Priority: 5, RuleDefinition: RuleDefinition{
		MatchAttributes: MatchAttributes{TCPFlags: []TCPFlagField{{Flags: []string{"SYN"}, Masks: []string{"SYN", "ACK"}}}},
		Actions:         []string{"aws:pass"}}}}, "StatelessRules", nil)
	if err != nil {
		t.Fatal(err)
	}
	a := netip.MustParseAddr("127.0.0.1")
	if !rs[0].match(6, a, a, 1, 2, 0x02) || rs[0].match(6, a, a, 1, 2, 0x12) || rs[0].match(17, a, a, 1, 2, 0x02) {
		t.Error("SYN without ACK mask")
	}
}

func TestPolicyDocumentErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		edit func(string) string
		want string
	}{
		{func(s string) string { return s[:len(s)-3] }, "policy document: unexpected EOF"},
		{func(s string) string { return strings.Replace(s, `"Priority": 10}`, `"Priority": 10, "Bogus": 1}`, 1) }, `unknown field "Bogus"`},
		{func(s string) string {
			return strings.Replace(s, `["aws:forward_to_sfe"],
    "StatelessFragmentDefaultActions"`, `["aws:maybe"],
    "StatelessFragmentDefaultActions"`, 1)
		}, "FirewallPolicy.StatelessDefaultActions: exactly one of"},
		{func(s string) string {
			return strings.Replace(s, `stateful-rulegroup/domains", "Priority": 1`, `stateful-rulegroup/missing", "Priority": 1`, 1)
		}, "FirewallPolicy.StatefulRuleGroupReferences[0].ResourceArn: rule group"},
		{func(s string) string {
			return strings.Replace(s, `"aws:drop_established"`, `"aws:drop_strict", "aws:drop_established"`, 1)
		}, "at most one of aws:drop_strict and aws:drop_established"},
		{func(s string) string {
			return strings.Replace(s, `{"RuleOrder": "STRICT_ORDER"},
    "PolicyVariables"`, `{"RuleOrder": "DEFAULT_ACTION_ORDER"},
    "PolicyVariables"`, 1)
		}, "StatefulDefaultActions: only allowed with"},
		{func(s string) string {
			return strings.Replace(s, `"Actions": ["aws:drop"]`, `"Actions": ["aws:drop", "aws:pass"]`, 1)
		}, "Actions: more than one"},
		{func(s string) string {
			return strings.Replace(s, `"Protocols": [17]`, `"Protocols": [17], "Sources": [{"AddressDefinition": "10.0.0.0/33"}]`, 1)
		}, "MatchAttributes.Sources[0].AddressDefinition"},
		{func(s string) string {
			return strings.Replace(s, `"GeneratedRulesType": "ALLOWLIST"`, `"GeneratedRulesType": "ALLOW"`, 1)
		}, "RuleGroups[domains].RuleGroup.RulesSource.RulesSourceList.GeneratedRulesType"},
	}
	for _, tc := range cases {
		_, err := LoadPolicyDocument([]byte(tc.edit(policyDoc)))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("err = %v, want %q", err, tc.want)
		}
	}
}

func TestRulesStringErrorsAreReported(t *testing.T) {
	t.Parallel()
	doc := strings.Replace(policyDoc, `"RulesSourceList": {"Targets": [".allowed.test"], "TargetTypes": ["TLS_SNI", "HTTP_HOST"], "GeneratedRulesType": "ALLOWLIST"}`,
		`"RulesString": "pass tcp any any -> any any (sid:1;)\nalert tcp any any -> any any (threshold:type limit, track by_src, count 1, seconds 1; sid:2;)\n"`, 1)
	fw, err := LoadPolicyDocument([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if len(fw.RuleErrors) != 1 || !strings.Contains(fw.RuleErrors[0], "domains:2:") || !strings.Contains(fw.RuleErrors[0], "refused by AWS Network Firewall") {
		t.Errorf("rule errors: %q", fw.RuleErrors)
	}
}
