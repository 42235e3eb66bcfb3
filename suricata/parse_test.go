package suricata

import (
	"net/netip"
	"strings"
	"testing"
)

func TestParseErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, rule string
		cfg        *Config
		keyword    string
		col        int
		by         Refuser
		msg        string
	}{
		{"no options", `alert tcp any any -> any any`, nil, "", 1, RefusedBySuricata, "no option list"},
		{"unclosed", `alert tcp any any -> any any (sid:1;`, nil, "options", 30, RefusedBySuricata, "no closing parenthesis"},
		{"bad action", `block tcp any any -> any any (sid:1;)`, nil, "action", 1, RefusedBySuricata, `unknown action "block"`},
		{"bad proto", `alert foo any any -> any any (sid:1;)`, nil, "protocol", 7, RefusedBySuricata, `unknown protocol "foo"`},
		{"ftp unsupported", `alert ftp any any -> any any (sid:1;)`, nil, "protocol", 7, UnsupportedByMoat, "no ftp parser"},
		{"sctp anf", `alert sctp any any -> any any (sid:1;)`, &Config{NetworkFirewall: true}, "protocol", 7, RefusedByNetworkFirewall, "not supported by Network Firewall"},
		{"bad address", `alert tcp 10.0.0.300 any -> any any (sid:1;)`, nil, "source", 11, RefusedBySuricata, `bad address "10.0.0.300"`},
		{"undefined var", `alert tcp $NOPE any -> any any (sid:1;)`, nil, "source", 11, RefusedBySuricata, "$NOPE is not defined"},
		{"bad port", `alert tcp any 70000 -> any any (sid:1;)`, nil, "source port", 15, RefusedBySuricata, `bad port "70000"`},
		{"bad range", `alert tcp any 90:80 -> any any (sid:1;)`, nil, "source port", 15, RefusedBySuricata, "start above end"},
		{"bad direction", `alert tcp any any <- any any (sid:1;)`, nil, "direction", 19, RefusedBySuricata, `direction "<-"`},
		{"six fields", `alert tcp any any -> any (sid:1;)`, nil, "header", 1, RefusedBySuricata, "header has 6 fields"},
		{"no sid", `alert tcp any any -> any any (msg:"x";)`, nil, "sid", 1, RefusedBySuricata, "no sid"},
		{"unknown keyword", `alert tcp any any -> any any (sid:1; bogus:1;)`, nil, "bogus", 38, RefusedBySuricata, `unknown rule keyword "bogus"`},
		{"lua", `alert tcp any any -> any any (sid:1; lua:x.lua;)`, nil, "lua", 38, UnsupportedByMoat, "Lua"},
		{"lua anf", `alert tcp any any -> any any (sid:1; lua:x.lua;)`, &Config{NetworkFirewall: true}, "lua", 38, RefusedByNetworkFirewall, "not supported by Network Firewall (on its limitations list)"},
		{"threshold anf", `alert tcp any any -> any any (sid:1; threshold:type limit, track by_src, count 1, seconds 60;)`, &Config{NetworkFirewall: true}, "threshold", 38, RefusedByNetworkFirewall, "thresholding"},
		{"nocase without content", `alert tcp any any -> any any (sid:1; nocase;)`, nil, "nocase", 38, RefusedBySuricata, "must follow a content"},
		{"bad hex", `alert tcp any any -> any any (sid:1; content:"|4g|";)`, nil, "content", 38, RefusedBySuricata, "bad character"},
		{"odd hex", `alert tcp any any -> any any (sid:1; content:"|414|";)`, nil, "content", 38, RefusedBySuricata, "odd number of hex digits"},
		{"unterminated hex", `alert tcp any any -> any any (sid:1; content:"|41";)`, nil, "content", 38, RefusedBySuricata, "unterminated hex block"},
		{"depth too short", `alert tcp any any -> any any (sid:1; content:"abcd"; depth:2;)`, nil, "depth", 54, RefusedBySuricata, "shorter than the content"},
		{"relative and absolute", `alert tcp any any -> any any (sid:1; content:"a"; offset:1; distance:2;)`, nil, "distance", 61, RefusedBySuricata, "relative"},
		{"uppercase host", `alert http any any -> any any (http.host; content:"ALLCAPS.COM"; sid:1111;)`, nil, "content", 43, RefusedBySuricata, "A pattern with uppercase characters detected for http.host"},
		{"legacy uppercase host", `alert http any any -> any any (content:"A.COM"; http_host; sid:7;)`, nil, "content", 32, RefusedBySuricata, "uppercase"},
		{"pcre lookahead", `alert tcp any any -> any any (sid:1; pcre:"/a(?=b)/";)`, nil, "pcre", 38, UnsupportedByMoat, "unsupported PCRE feature: lookahead"},
		{"pcre backreference", `alert tcp any any -> any any (sid:1; pcre:"/(a)\1/";)`, nil, "pcre", 38, UnsupportedByMoat, "backreference"},
		{"pcre high byte", `alert tcp any any -> any any (sid:1; pcre:"/\xff/";)`, nil, "pcre", 38, UnsupportedByMoat, "above 0x7f"},
		{"pcre bad flag", `alert tcp any any -> any any (sid:1; pcre:"/a/q";)`, nil, "pcre", 38, RefusedBySuricata, "unknown pcre modifier"},
		{"flowbits set+isset", `alert tcp any any -> any any (flowbits:set,a; flowbits:isset,a; sid:1;)`, nil, "flowbits", 1, RefusedBySuricata, "inconsequential flowbit command combination in the same signature: set and isset"},
		{"flowbits unset+isnotset", `alert tcp any any -> any any (flowbits:unset,a; flowbits:isnotset,a; sid:1;)`, nil, "flowbits", 1, RefusedBySuricata, "unset and isnotset"},
		{"flowbits bad cmd", `alert tcp any any -> any any (flowbits:flip,a; sid:1;)`, nil, "flowbits", 31, RefusedBySuricata, `flowbits command "flip"`},
		{"bad flow", `alert tcp any any -> any any (flow:sideways; sid:1;)`, nil, "flow", 31, RefusedBySuricata, `flow option "sideways"`},
		{"flow conflict", `alert tcp any any -> any any (flow:to_server,to_client; sid:1;)`, nil, "flow", 31, RefusedBySuricata, "both to_server and to_client"},
		{"bad classtype", `alert tcp any any -> any any (classtype:nope; sid:1;)`, nil, "classtype", 31, RefusedBySuricata, "unknown classtype"},
		{"bsize without buffer", `alert tcp any any -> any any (bsize:3; sid:1;)`, nil, "bsize", 31, RefusedBySuricata, "must follow a sticky buffer"},
		{"mixed app buffers", `alert tcp any any -> any any (tls.sni; content:"a"; http.uri; content:"b"; sid:1;)`, nil, "content", 63, RefusedBySuricata, "buffer http.uri (http) in a tls rule"},
		{"stream_size side", `alert tcp any any -> any any (stream_size:sideways,>,1; sid:1;)`, nil, "stream_size", 31, RefusedBySuricata, `stream_size side "sideways"`},
		{"stream_size operator", `alert tcp any any -> any any (stream_size:client,~,1; sid:1;)`, nil, "stream_size", 31, RefusedBySuricata, `stream_size operator "~"`},
		{"byte_test operator", `alert tcp any any -> any any (byte_test:2,?,1,0; sid:1;)`, nil, "byte_test", 31, RefusedBySuricata, `byte_test operator "?"`},
		{"byte_test variable", `alert tcp any any -> any any (byte_test:2,=,myvar,0; sid:1;)`, nil, "byte_test", 31, UnsupportedByMoat, "byte_extract variables are not supported"},
		{"byte_jump dce", `alert tcp any any -> any any (byte_jump:4,0,dce; sid:1;)`, nil, "byte_jump", 31, UnsupportedByMoat, "dce option"},
		{"ip_proto bad", `alert ip any any -> any any (ip_proto:nope; sid:1;)`, nil, "ip_proto", 30, RefusedBySuricata, `ip_proto "nope"`},
		{"dotprefix first", `alert dns any any -> any any (dotprefix; sid:1;)`, nil, "dotprefix", 31, RefusedBySuricata, "must follow a sticky buffer"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseRule(tc.rule, tc.cfg)
			if err == nil {
				t.Fatalf("ParseRule(%q) succeeded", tc.rule)
			}
			e := err.(*Error)
			if e.Keyword != tc.keyword || e.Column != tc.col || e.By != tc.by || !strings.Contains(e.Message, tc.msg) || e.Line != 1 {
				t.Errorf("got %#v (%v)\nwant keyword %q col %d by %s message containing %q", e, e, tc.keyword, tc.col, tc.by, tc.msg)
			}
		})
	}
}

func TestParseFileKeepsGoodRulesAndCountsLines(t *testing.T) {
	t.Parallel()
	src := "# comment\n\nalert tcp any any -> any any (msg:\"one\"; sid:1;)\n" +
		"alert tcp any any -> any any (msg:\"bad\"; bogus; sid:2;)\n" +
		"alert tcp any any -> any any (msg:\"multi\"; \\\n content:\"x\"; sid:3;)\n" +
		"#alert tcp any any -> any any (sid:4;)\n" +
		"alert tcp any any -> any any (sid:5;"
	rs := Parse([]byte(src), &Config{File: "t.rules"})
	if len(rs.Rules) != 2 || rs.Rules[0].SID != 1 || rs.Rules[1].SID != 3 || rs.Rules[1].Line != 5 {
		t.Fatalf("rules = %v", rs.Rules)
	}
	if rs.Lines != 4 || len(rs.Errors) != 2 {
		t.Fatalf("lines %d errors %v", rs.Lines, rs.Errors)
	}
	if e := rs.Errors[0]; e.Line != 4 || e.SID != 2 || e.Keyword != "bogus" || !strings.HasPrefix(e.Error(), "t.rules:4:42: sid 2: bogus: ") {
		t.Errorf("error 0 = %v", e)
	}
	if e := rs.Errors[1]; e.Line != 8 || e.Keyword != "options" {
		t.Errorf("error 1 = %v", e)
	}
}

func TestParseRuleFields(t *testing.T) {
	t.Parallel()
	r, err := ParseRule(`drop tls $HOME_NET any -> $EXTERNAL_NET [443,8443] (msg:"a \"quoted\"\; msg"; tls.sni; dotprefix; content:".Example.com"; nocase; endswith; classtype:trojan-activity; sid:42; rev:3; gid:2; metadata:created_at 2024, former_category X; reference:url,x.test; flowbits:set,seen; priority:2;)`, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Action != ActionDrop || r.Protocol != "tls" || r.SID != 42 || r.Rev != 3 || r.GID != 2 || r.Priority != 2 || r.Msg != `a "quoted"; msg` {
		t.Errorf("meta: %+v", r)
	}
	if r.Category != "A Network Trojan was detected" || len(r.Metadata) != 2 || len(r.Reference) != 1 {
		t.Errorf("classtype/metadata: %q %v %v", r.Category, r.Metadata, r.Reference)
	}
	m := r.Matches[0]
	if m.Buffer != BufTLSSNI || !m.Nocase || !m.EndsWith || string(m.Pattern) != ".Example.com" || len(m.Transforms) != 1 {
		t.Errorf("match: %+v", m)
	}
	if !r.DstPorts.Match(8443) || r.DstPorts.Match(80) || !r.Src.Match(netip.MustParseAddr("10.1.2.3")) || r.Dst.Match(netip.MustParseAddr("10.1.2.3")) {
		t.Error("address/port sets")
	}
}

func TestAddressAndPortSets(t *testing.T) {
	t.Parallel()
	vars := map[string]string{"HOME_NET": "[10.0.0.0/8,!10.9.0.0/16]", "EXT": "!$HOME_NET", "WEB": "[80,443]"}
	cases := []struct {
		expr string
		in   []string
		out  []string
	}{
		{"$HOME_NET", []string{"10.1.1.1"}, []string{"10.9.1.1", "11.0.0.1"}},
		{"$EXT", []string{"10.9.1.1", "8.8.8.8"}, []string{"10.1.1.1"}},
		{"[1.1.1.1,[2.2.2.0/24,!2.2.2.2]]", []string{"1.1.1.1", "2.2.2.3"}, []string{"2.2.2.2", "3.3.3.3"}},
		{"![1.1.1.1,2.2.2.2]", []string{"3.3.3.3"}, []string{"1.1.1.1"}},
		{"10.0.0.0/255.0.0.0", []string{"10.2.3.4"}, []string{"11.2.3.4"}},
		{"2001:db8::/32", []string{"2001:db8::1"}, []string{"2001:db9::1"}},
	}
	for _, tc := range cases {
		a, err := parseAddr(tc.expr, vars, 0)
		if err != nil {
			t.Fatalf("%s: %v", tc.expr, err)
		}
		for _, s := range tc.in {
			if !a.Match(netip.MustParseAddr(s)) {
				t.Errorf("%s should contain %s", tc.expr, s)
			}
		}
		for _, s := range tc.out {
			if a.Match(netip.MustParseAddr(s)) {
				t.Errorf("%s should not contain %s", tc.expr, s)
			}
		}
	}
	ports := []struct {
		expr    string
		in, out []uint16
	}{
		{":1024", []uint16{0, 1024}, []uint16{1025}},
		{"1024:", []uint16{1024, 65535}, []uint16{1023}},
		{"[$WEB,8000:8100,!8050]", []uint16{80, 443, 8000, 8100}, []uint16{8050, 81}},
		{"!$WEB", []uint16{22}, []uint16{80}},
	}
	for _, tc := range ports {
		p, err := parsePorts(tc.expr, vars, 0)
		if err != nil {
			t.Fatalf("%s: %v", tc.expr, err)
		}
		for _, n := range tc.in {
			if !p.Match(n) {
				t.Errorf("%s should contain %d", tc.expr, n)
			}
		}
		for _, n := range tc.out {
			if p.Match(n) {
				t.Errorf("%s should not contain %d", tc.expr, n)
			}
		}
	}
	loop := map[string]string{"A": "$B", "B": "$A"}
	if _, err := parseAddr("$A", loop, 0); err == nil || !strings.Contains(err.Error(), "nested") {
		t.Errorf("variable loop: %v", err)
	}
	for _, bad := range []string{"[1.1.1.1", "[1.1.1.1,]", "!any", "1.1.1.1/33"} {
		if _, err := parseAddr(bad, vars, 0); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestClassificationConfig(t *testing.T) {
	t.Parallel()
	cls, err := ParseClassification([]byte("# c\nconfig classification: a,Thing one, two,2\n"))
	if err != nil || cls["a"].Description != "Thing one, two" || cls["a"].Priority != 2 {
		t.Fatalf("%v %v", cls, err)
	}
	if _, err := ParseClassification([]byte("config classification: broken\n")); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("bad line: %v", err)
	}
}
