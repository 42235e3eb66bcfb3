package suricata

import (
	"fmt"
	"math/rand"
	"net/netip"
	"strings"
	"testing"
)

func mustEngine(t testing.TB, rules string, opts Options) *Engine {
	t.Helper()
	rs := Parse([]byte(rules), nil)
	if len(rs.Errors) > 0 {
		t.Fatalf("rules: %v", rs.Errors)
	}
	e, err := Compile(rs.Rules, opts)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func tcpPacket(payload string) *Packet {
	return &Packet{Proto: 6, Src: netip.MustParseAddr("192.168.1.10"), Dst: netip.MustParseAddr("10.0.0.1"), SrcPort: 40000, DstPort: 80,
		Payload: []byte(payload), ToServer: true, Established: true, FirstInDir: true}
}

func sids(v *Verdict) string {
	var s []string
	for _, a := range v.Alerts {
		s = append(s, fmt.Sprint(a.Rule.SID))
	}
	return strings.Join(s, ",")
}

func TestContentMatching(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, opts, payload string
		want                bool
	}{
		{"plain", `content:"abc";`, "xxabcxx", true},
		{"case", `content:"ABC";`, "xxabcxx", false},
		{"nocase", `content:"ABC"; nocase;`, "xxabcxx", true},
		{"hex", `content:"|41 42|C";`, "xABCx", true},
		{"negated", `content:!"abc";`, "xyz", true},
		{"negated present", `content:!"abc";`, "abc", false},
		{"offset", `content:"abc"; offset:3;`, "abcabc", true},
		{"offset miss", `content:"abc"; offset:4;`, "abcabc", false},
		{"depth", `content:"abc"; depth:3;`, "abcx", true},
		{"depth miss", `content:"abc"; depth:4;`, "xxabc", false},
		{"offset+depth", `content:"abc"; offset:2; depth:3;`, "xxabc", true},
		{"startswith", `content:"GET"; startswith;`, "GET /", true},
		{"startswith miss", `content:"GET"; startswith;`, " GET /", false},
		{"endswith", `content:"AAA"; endswith;`, "xxAAA", true},
		{"endswith miss", `content:"AAA"; endswith;`, "AAAx", false},
		{"distance", `content:"a"; content:"b"; distance:2;`, "a12b", true},
		{"distance miss", `content:"a"; content:"b"; distance:3;`, "a12b", false},
		{"within", `content:"a"; content:"b"; within:3;`, "a12b", true},
		{"within miss", `content:"a"; content:"b"; within:2;`, "a12b", false},
		{"within counts from the distance", `content:"a"; content:"b"; distance:1; within:1;`, "a12b", false},
		{"distance+within hit", `content:"a"; content:"b"; distance:2; within:2;`, "a12b", true},
		{"negative distance", `content:"bc"; content:"ab"; distance:-3; within:2;`, "abc", true},
		{"backtracking", `content:"a"; content:"b"; within:1;`, "axxab", true},
		{"docs 5030 35 bytes", `content:"yYYYYYYYYYYYYYYYY"; distance:9; within:29; endswith;`, strings.Repeat("x", 18) + "yYYYYYYYYYYYYYYYY", true},
		{"docs 5030 39 bytes", `content:"yYYYYYYYYYYYYYYYY"; distance:9; within:29; endswith;`, strings.Repeat("x", 22) + "yYYYYYYYYYYYYYYYY", false},
		{"pcre", `pcre:"/^g.t/i";`, "GET /", true},
		{"pcre negated", `content:"GET"; pcre:!"/two/";`, "GET /one", true},
		{"pcre relative", `content:"GET"; pcre:"/^ \//R";`, "GET /", true},
		{"pcre relative miss", `content:"GET"; pcre:"/^\//R";`, "GET /", false},
		{"pcre extended", `pcre:"/a b c # comment/x";`, "abc", true},
		{"isdataat", `content:"a"; isdataat:2,relative;`, "axy", true},
		{"isdataat miss", `content:"a"; isdataat:3,relative;`, "axy", false},
		{"isdataat negated", `content:"a"; isdataat:!3,relative;`, "axy", true},
		{"dsize", `dsize:<5;`, "abcd", true},
		{"dsize miss", `dsize:>5;`, "abcd", false},
		{"dsize range", `dsize:2<>5;`, "abcd", true},
		{"escaped", `content:"a\;b\"c\\d\:e";`, `a;b"c\d:e`, true},
		{"byte_test big endian", `byte_test:2,=,0x4142,0;`, "ABCD", true},
		{"byte_test little endian", `byte_test:2,=,0x4241,0,little;`, "ABCD", true},
		{"byte_test relative string", `content:"len="; byte_test:3,>,99,0,relative,string,dec;`, "len=120;", true},
		{"byte_test negated", `byte_test:1,!=,0x41,0;`, "ABCD", false},
		{"byte_test bitmask", `byte_test:1,=,4,0,bitmask 0xf0;`, "\x4f", true},
		{"byte_test out of range", `byte_test:4,>,0,10;`, "ABCD", false},
		{"byte_jump", `content:"|00|"; byte_jump:1,0,relative; content:"X"; within:1;`, "\x00\x02abX", true},
		{"byte_jump miss", `content:"|00|"; byte_jump:1,0,relative; content:"X"; within:1;`, "\x00\x01abX", false},
		{"byte_jump past the end", `byte_jump:1,0;`, "\x09ab", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := mustEngine(t, "alert tcp any any -> any any ("+tc.opts+" sid:1;)", Options{})
			v := e.Inspect(tcpPacket(tc.payload), &FlowState{}, nil, e.NewScratch())
			if got := len(v.Alerts) == 1; got != tc.want {
				t.Errorf("%s on %q: match %v, want %v", tc.opts, tc.payload, got, tc.want)
			}
		})
	}
}

func TestIPProto(t *testing.T) {
	t.Parallel()
	e := mustEngine(t, `alert ip any any -> any any (ip_proto:tcp; sid:1;)
alert ip any any -> any any (ip_proto:!6; sid:2;)
alert ip any any -> any any (ip_proto:>16; sid:3;)`, Options{})
	p := tcpPacket("x")
	if got := sids(e.Inspect(p, &FlowState{}, nil, e.NewScratch())); got != "1" {
		t.Errorf("tcp: %q", got)
	}
	p.Proto = 17
	if got := sids(e.Inspect(p, &FlowState{}, nil, e.NewScratch())); got != "2,3" {
		t.Errorf("udp: %q", got)
	}
}

func TestStickyBuffersAndTransforms(t *testing.T) {
	t.Parallel()
	e := mustEngine(t, `alert dns any any -> any any (dns.query; dotprefix; content:".example.com"; endswith; sid:1;)
alert http any any -> any any (http.host; content:"example.com"; bsize:11; sid:2;)
alert http any any -> any any (content:"/admin"; http_uri; content:"POST"; http_method; sid:3;)
alert http any any -> any any (http.uri; content:"/a"; http.header; content:"X-Y: 1|0d 0a|"; sid:4;)
alert http any any -> any any (http.user_agent; content:"curl"; startswith; sid:5;)
alert tls any any -> any any (tls.sni; content:"evil.test"; nocase; sid:6;)
alert http any any -> any any (uricontent:"/admin"; sid:7;)
`, Options{})
	sc := e.NewScratch()
	cases := []struct {
		name string
		app  AppProto
		bufs map[Buffer]string
		want string
	}{
		{"dotprefix subdomain", AppDNS, map[Buffer]string{BufDNSQuery: "www.example.com"}, "1"},
		{"dotprefix apex", AppDNS, map[Buffer]string{BufDNSQuery: "example.com"}, "1"},
		{"dotprefix other", AppDNS, map[Buffer]string{BufDNSQuery: "badexample.com"}, ""},
		{"host bsize", AppHTTP, map[Buffer]string{BufHTTPHost: "example.com"}, "2"},
		{"host bsize miss", AppHTTP, map[Buffer]string{BufHTTPHost: "example.com.x"}, ""},
		{"legacy modifiers", AppHTTP, map[Buffer]string{BufHTTPURI: "/admin/x", BufHTTPMethod: "POST"}, "3,7"},
		{"two buffers", AppHTTP, map[Buffer]string{BufHTTPURI: "/a", BufHTTPHeader: "X-Y: 1\r\n"}, "4"},
		{"ua", AppHTTP, map[Buffer]string{BufHTTPUserAgent: "curl/8"}, "5"},
		{"sni nocase", AppTLS, map[Buffer]string{BufTLSSNI: "EVIL.test"}, "6"},
		{"wrong app", AppTLS, map[Buffer]string{BufDNSQuery: "www.example.com"}, ""},
	}
	for _, tc := range cases {
		p := tcpPacket("")
		p.App = tc.app
		p.TxID = 1
		for b, v := range tc.bufs {
			p.SetBuffer(b, []byte(v))
		}
		if got := sids(e.Inspect(p, &FlowState{}, nil, sc)); got != tc.want {
			t.Errorf("%s: alerts %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestOncePerTransaction(t *testing.T) {
	t.Parallel()
	e := mustEngine(t, `alert http any any -> any any (http.uri; content:"/x"; sid:1;)`, Options{})
	fs, sc := &FlowState{}, e.NewScratch()
	p := tcpPacket("")
	p.App, p.TxID = AppHTTP, 1
	p.SetBuffer(BufHTTPURI, []byte("/x"))
	n := 0
	for i := 0; i < 3; i++ {
		n += len(e.Inspect(p, fs, nil, sc).Alerts)
	}
	p.TxID = 2
	n += len(e.Inspect(p, fs, nil, sc).Alerts)
	if n != 2 {
		t.Errorf("alerts = %d, want one per transaction (2)", n)
	}
}

func TestFlowKeyword(t *testing.T) {
	t.Parallel()
	e := mustEngine(t, `alert tcp any any -> any any (flow:to_server,established; sid:1;)
alert tcp any any -> any any (flow:to_client; sid:2;)
alert tcp any any -> any any (flow:not_established; sid:3;)`, Options{})
	sc := e.NewScratch()
	p := tcpPacket("x")
	if got := sids(e.Inspect(p, &FlowState{}, nil, sc)); got != "1" {
		t.Errorf("to_server established: %q", got)
	}
	p.ToServer, p.Established = false, false
	if got := sids(e.Inspect(p, &FlowState{}, nil, sc)); got != "2,3" {
		t.Errorf("to_client not established: %q", got)
	}
}

func TestFlowbitsOrdering(t *testing.T) {
	t.Parallel()
	// The reader is written first; Suricata's ordering still runs the setter first.
	e := mustEngine(t, `alert tcp any any -> any any (flowbits:isset,a; sid:2;)
alert tcp any any -> any any (content:"login"; flowbits:set,a; flowbits:noalert; sid:1;)
alert tcp any any -> any any (flowbits:isnotset,a|b; sid:3;)
alert tcp any any -> any any (flowbits:isset,a&b; sid:4;)`, Options{})
	fs, sc := &FlowState{}, e.NewScratch()
	if got := sids(e.Inspect(tcpPacket("hello"), fs, nil, sc)); got != "3" {
		t.Errorf("before login: %q", got)
	}
	if got := sids(e.Inspect(tcpPacket("login"), fs, nil, sc)); got != "2,3" {
		t.Errorf("login packet: %q", got)
	}
	if !fs.IsSet("a") || fs.IsSet("b") {
		t.Error("flowbit state")
	}
}

func TestActionOrderAndPass(t *testing.T) {
	t.Parallel()
	rules := `alert tcp any any -> any any (content:"x"; sid:1;)
drop tcp any any -> any any (content:"x"; sid:2;)
pass tcp any any -> any any (content:"xy"; sid:3;)`
	e := mustEngine(t, rules, Options{IPS: true})
	sc := e.NewScratch()
	v := e.Inspect(tcpPacket("xy"), &FlowState{}, nil, sc)
	if v.Pass == nil || v.Pass.SID != 3 || len(v.Alerts) != 0 || v.Drop != nil {
		t.Errorf("pass first: %+v", v)
	}
	v = e.Inspect(tcpPacket("x"), &FlowState{}, nil, sc)
	if v.Drop == nil || v.Drop.SID != 2 || sids(v) != "2,1" || !v.Alerts[0].Blocked || v.Alerts[1].Blocked {
		t.Errorf("drop: %+v %q", v, sids(v))
	}
	strict := mustEngine(t, rules, Options{IPS: true, StrictOrder: true})
	v = strict.Inspect(tcpPacket("xy"), &FlowState{}, nil, strict.NewScratch())
	if sids(v) != "1,2" || v.Drop == nil || v.Pass != nil {
		t.Errorf("strict order: %q %+v", sids(v), v)
	}
	if _, err := Compile(nil, Options{ActionOrder: []Action{ActionPass, ActionPass, ActionDrop, ActionAlert}}); err == nil {
		t.Error("duplicate action order accepted")
	}
}

func TestThresholds(t *testing.T) {
	t.Parallel()
	cases := []struct {
		opt  string
		want int // alerts out of 10 matches within the window
	}{
		{"threshold:type limit, track by_src, count 3, seconds 60;", 3},
		{"threshold:type threshold, track by_src, count 3, seconds 60;", 3},
		{"threshold:type both, track by_rule, count 3, seconds 60;", 1},
		{"detection_filter:track by_dst, count 4, seconds 60;", 6},
		{"threshold:type backoff, track by_flow, count 1, multiplier 2;", 4},
	}
	for _, tc := range cases {
		e := mustEngine(t, "alert tcp any any -> any any (content:\"x\"; "+tc.opt+" sid:1;)", Options{})
		th, sc := NewThresholds(), e.NewScratch()
		n := 0
		for i := 0; i < 10; i++ {
			p := tcpPacket("x")
			p.Time = float64(i)
			n += len(e.Inspect(p, &FlowState{}, th, sc).Alerts)
		}
		if n != tc.want {
			t.Errorf("%s: %d alerts, want %d", tc.opt, n, tc.want)
		}
	}
}

// TestPrefilterAgreesWithBruteForce checks that the Aho-Corasick prefilter
// never hides a match: every rule is also evaluated alone.
func TestPrefilterAgreesWithBruteForce(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewSource(1))
	alphabet := "abcAB|"
	word := func(n int) string {
		var b strings.Builder
		for i := 0; i < n; i++ {
			c := alphabet[rng.Intn(len(alphabet)-1)]
			b.WriteByte(c)
		}
		return b.String()
	}
	var rules []string
	for i := 1; i <= 200; i++ {
		opts := fmt.Sprintf(`content:"%s";`, word(1+rng.Intn(4)))
		if rng.Intn(3) == 0 {
			opts += " nocase;"
		}
		if rng.Intn(3) == 0 {
			opts += fmt.Sprintf(` content:"%s"; fast_pattern;`, word(1+rng.Intn(3)))
		}
		rules = append(rules, fmt.Sprintf("alert tcp any any -> any any (%s sid:%d;)", opts, i))
	}
	all := mustEngine(t, strings.Join(rules, "\n"), Options{})
	sc := all.NewScratch()
	for i := 0; i < 100; i++ {
		payload := word(rng.Intn(30))
		got := map[uint32]bool{}
		for _, a := range all.Inspect(tcpPacket(payload), &FlowState{}, nil, sc).Alerts {
			got[a.Rule.SID] = true
		}
		for _, r := range all.Rules() {
			one, _ := Compile([]*Rule{r}, Options{})
			want := len(one.Inspect(tcpPacket(payload), &FlowState{}, nil, one.NewScratch()).Alerts) == 1
			if want != got[r.SID] {
				t.Fatalf("payload %q rule %s: prefiltered %v, alone %v", payload, r.Text, got[r.SID], want)
			}
		}
	}
}

func TestNormalizeURI(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"/a/./b/../c":              "/a/c",
		"/%61%62c":                 "/abc",
		"/a%2Fb":                   "/a%2Fb",
		"/x/../../etc/passwd":      "/etc/passwd",
		"http://Host.test/p?q=%41": "/p?q=A",
		"/a?x=../y":                "/a?x=../y",
		"/ afterspace":             "/ afterspace",
		"/a/.":                     "/a/",
		"/%zz":                     "/%zz",
	}
	for in, want := range cases {
		if got := string(NormalizeURI(nil, []byte(in))); got != want {
			t.Errorf("NormalizeURI(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestStreamWindow(t *testing.T) {
	t.Parallel()
	e := mustEngine(t, `alert tcp any any -> any any (content:"hijklm"; sid:1;)
alert tcp any any -> any any (content:"cde"; sid:2;)
alert tcp any any -> any any (content:"b"; content:"rst"; distance:0; sid:3;)
alert tcp any any -> any any (content:"klm"; depth:3; sid:4;)
alert tcp any any -> any any (content:"jk"; depth:2; sid:5;)`, Options{})
	p := tcpPacket("klmnopqrst")
	p.StreamPrev, p.StreamData = []byte("abcdefghij"), p.Payload
	if got := sids(e.Inspect(p, &FlowState{}, nil, e.NewScratch())); got != "1,3,4" {
		t.Errorf("alerts %q, want 1,3,4 (2 lies wholly in the earlier data; 5 is anchored to the packet)", got)
	}
}

func TestStreamFlowOptions(t *testing.T) {
	t.Parallel()
	e := mustEngine(t, `alert tcp any any -> any any (flow:no_stream; content:"hijklm"; sid:1;)
alert tcp any any -> any any (flow:only_stream; content:"klm"; sid:2;)`, Options{})
	p := tcpPacket("klmnopqrst")
	if got := sids(e.Inspect(p, &FlowState{}, nil, e.NewScratch())); got != "" {
		t.Errorf("no stream data: %q", got)
	}
	p.StreamPrev, p.StreamData = []byte("abcdefghij"), p.Payload
	if got := sids(e.Inspect(p, &FlowState{}, nil, e.NewScratch())); got != "2" {
		t.Errorf("with stream data: %q, want 2 (no_stream does not see the window)", got)
	}
}

func TestXbitsAcrossFlows(t *testing.T) {
	t.Parallel()
	e := mustEngine(t, `alert tcp any any -> any any (content:"login"; xbits:set,seen,track ip_src,expire 60; noalert; sid:1;)
alert tcp any any -> any any (content:"next"; xbits:isset,seen,track ip_src; sid:2;)
alert tcp any any -> any any (content:"next"; xbits:isnotset,seen,track ip_dst; sid:3;)`, Options{})
	th, sc := NewThresholds(), e.NewScratch()
	login := tcpPacket("login")
	if got := sids(e.Inspect(login, &FlowState{}, th, sc)); got != "" {
		t.Errorf("login: %q", got)
	}
	next := tcpPacket("next") // another flow, same source
	next.SrcPort, next.Time = 50000, 10
	if got := sids(e.Inspect(next, &FlowState{}, th, sc)); got != "2,3" {
		t.Errorf("within expiry: %q", got)
	}
	next.Time = 61
	if got := sids(e.Inspect(next, &FlowState{}, th, sc)); got != "3" {
		t.Errorf("after expiry: %q", got)
	}
	if _, err := ParseRule(`alert tcp any any -> any any (xbits:set,a,track tx; sid:1;)`, nil); err == nil || err.(*Error).By != UnsupportedByMoat {
		t.Errorf("track tx: %v", err)
	}
}
