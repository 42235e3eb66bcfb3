package waf

import (
	"net/netip"
	"strings"
	"testing"
)

// oneRule is a web ACL with a single Block rule "r" and a default Allow.
func oneRule(stmt string) string {
	return `{"Name":"t","DefaultAction":{"Allow":{}},"Rules":[{"Name":"r","Priority":1,"Action":{"Block":{}},
	"VisibilityConfig":{"SampledRequestsEnabled":false,"CloudWatchMetricsEnabled":false,"MetricName":"r"},
	"Statement":` + stmt + `}]}`
}

func withBody(r *Request, body string) *Request {
	r.Method, r.Body = "POST", []byte(body)
	return r
}

type geoStub map[string]string

func (g geoStub) Country(ip netip.Addr) (string, string) {
	c := g[ip.String()]
	if c == "" {
		return "", ""
	}
	return c[:2], c[2:]
}

func (g geoStub) ASN(ip netip.Addr) (uint32, bool) {
	if ip.String() == "198.51.100.1" {
		return 64500, true
	}
	return 0, false
}

// Statement and field cases, mostly the AWS developer guide's examples
// (waf-rule-statement-type-*, waf-rule-statement-fields-list).
func TestStatements(t *testing.T) {
	t.Parallel()
	const none = `"TextTransformations":[{"Priority":0,"Type":"NONE"}]`
	bm := func(field, search, pc string) string {
		return `{"ByteMatchStatement":{"FieldToMatch":` + field + `,"SearchString":"` + search + `","PositionalConstraint":"` + pc + `",` + none + `}}`
	}
	big := strings.Repeat("x", 17000)
	manyHeaders := get("/")
	for i := 0; i < 210; i++ {
		manyHeaders.Headers = append(manyHeaders.Headers, Header{Name: "X-H", Value: "v"})
	}
	manyHeaders.Headers = append(manyHeaders.Headers, Header{Name: "X-Evil", Value: "attack"})
	cases := []struct {
		name string
		stmt string
		req  *Request
		want bool
	}{
		{"exactly uri", bm(`{"UriPath":{}}`, "/login", "EXACTLY"), get("/login?x=1"), true},
		{"exactly uri differs", bm(`{"UriPath":{}}`, "/login", "EXACTLY"), get("/login/"), false},
		{"starts with", bm(`{"UriPath":{}}`, "/api/", "STARTS_WITH"), get("/api/v1"), true},
		{"ends with", bm(`{"UriPath":{}}`, ".php", "ENDS_WITH"), get("/index.php"), true},
		{"contains query", bm(`{"QueryString":{}}`, "debug", "CONTAINS"), get("/?a=1&debug=true"), true},
		{"contains word", bm(`{"QueryString":{}}`, "admin", "CONTAINS_WORD"), get("/?role=admin&x"), true},
		{"contains word inside word", bm(`{"QueryString":{}}`, "admin", "CONTAINS_WORD"), get("/?role=administrator"), false},
		{"contains word underscore", bm(`{"QueryString":{}}`, "admin", "CONTAINS_WORD"), get("/?a=admin_x"), false},
		{"method", bm(`{"Method":{}}`, "DELETE", "EXACTLY"), &Request{Method: "DELETE", URI: "/"}, true},
		{"single header case-insensitive", bm(`{"SingleHeader":{"Name":"user-agent"}}`, "sqlmap", "CONTAINS"), get("/", "User-Agent", "sqlmap/1.0"), true},
		{"single header missing", bm(`{"SingleHeader":{"Name":"user-agent"}}`, "sqlmap", "CONTAINS"), get("/"), false},
		{"single query argument", bm(`{"SingleQueryArgument":{"Name":"UserName"}}`, "bob", "EXACTLY"), get("/?username=bob"), true},
		{"single query argument other", bm(`{"SingleQueryArgument":{"Name":"username"}}`, "bob", "EXACTLY"), get("/?user=bob"), false},
		{"all query arguments values only", bm(`{"AllQueryArguments":{}}`, "user", "EXACTLY"), get("/?user=x"), false},
		{"all query arguments", bm(`{"AllQueryArguments":{}}`, "x", "EXACTLY"), get("/?user=x"), true},
		{"body", bm(`{"Body":{}}`, "secret", "CONTAINS"), withBody(get("/"), "a=secret"), true},
		{"body beyond limit continue", bm(`{"Body":{"OversizeHandling":"CONTINUE"}}`, "secret", "CONTAINS"), withBody(get("/"), big+"secret"), false},
		{"body oversize match", bm(`{"Body":{"OversizeHandling":"MATCH"}}`, "secret", "CONTAINS"), withBody(get("/"), big), true},
		{"body oversize no match", bm(`{"Body":{"OversizeHandling":"NO_MATCH"}}`, "x", "CONTAINS"), withBody(get("/"), big), false},
		{"truncated body is oversize", bm(`{"Body":{"OversizeHandling":"MATCH"}}`, "zz", "CONTAINS"), &Request{Method: "POST", URI: "/", Body: []byte("a"), BodyTruncated: true}, true},
		{"headers keys", `{"ByteMatchStatement":{"FieldToMatch":{"Headers":{"MatchPattern":{"All":{}},"MatchScope":"KEY","OversizeHandling":"CONTINUE"}},"SearchString":"x-debug","PositionalConstraint":"EXACTLY","TextTransformations":[{"Priority":0,"Type":"LOWERCASE"}]}}`, get("/", "X-Debug", "1"), true},
		{"headers values not keys", `{"ByteMatchStatement":{"FieldToMatch":{"Headers":{"MatchPattern":{"All":{}},"MatchScope":"VALUE","OversizeHandling":"CONTINUE"}},"SearchString":"X-Debug","PositionalConstraint":"EXACTLY",` + none + `}}`, get("/", "X-Debug", "1"), false},
		{"headers excluded", `{"ByteMatchStatement":{"FieldToMatch":{"Headers":{"MatchPattern":{"ExcludedHeaders":["cookie"]},"MatchScope":"VALUE","OversizeHandling":"CONTINUE"}},"SearchString":"evil","PositionalConstraint":"CONTAINS",` + none + `}}`, get("/", "Cookie", "evil"), false},
		{"headers included", `{"ByteMatchStatement":{"FieldToMatch":{"Headers":{"MatchPattern":{"IncludedHeaders":["referer"]},"MatchScope":"ALL","OversizeHandling":"CONTINUE"}},"SearchString":"evil","PositionalConstraint":"CONTAINS",` + none + `}}`, get("/", "Referer", "http://evil"), true},
		{"headers oversize match", `{"ByteMatchStatement":{"FieldToMatch":{"Headers":{"MatchPattern":{"All":{}},"MatchScope":"ALL","OversizeHandling":"MATCH"}},"SearchString":"nothing","PositionalConstraint":"CONTAINS",` + none + `}}`, manyHeaders, true},
		{"headers oversize continue sees first 200", `{"ByteMatchStatement":{"FieldToMatch":{"Headers":{"MatchPattern":{"All":{}},"MatchScope":"ALL","OversizeHandling":"CONTINUE"}},"SearchString":"attack","PositionalConstraint":"CONTAINS",` + none + `}}`, manyHeaders, false},
		{"cookies", `{"ByteMatchStatement":{"FieldToMatch":{"Cookies":{"MatchPattern":{"IncludedCookies":["session"]},"MatchScope":"VALUE","OversizeHandling":"CONTINUE"}},"SearchString":"abc","PositionalConstraint":"EXACTLY",` + none + `}}`, get("/", "Cookie", "a=1; session=abc"), true},
		{"cookies excluded", `{"ByteMatchStatement":{"FieldToMatch":{"Cookies":{"MatchPattern":{"ExcludedCookies":["session"]},"MatchScope":"VALUE","OversizeHandling":"CONTINUE"}},"SearchString":"abc","PositionalConstraint":"EXACTLY",` + none + `}}`, get("/", "Cookie", "session=abc"), false},
		{"header order", bm(`{"HeaderOrder":{"OversizeHandling":"CONTINUE"}}`, "Host:User-Agent", "EXACTLY"), get("/", "Host", "h", "User-Agent", "u"), true},
		{"ja3 present", bm(`{"JA3Fingerprint":{"FallbackBehavior":"MATCH"}}`, "abc", "EXACTLY"), &Request{URI: "/", JA3: "abc"}, true},
		{"ja3 fallback", bm(`{"JA3Fingerprint":{"FallbackBehavior":"MATCH"}}`, "abc", "EXACTLY"), get("/"), true},
		{"ja4 fallback no match", bm(`{"JA4Fingerprint":{"FallbackBehavior":"NO_MATCH"}}`, "abc", "EXACTLY"), get("/"), false},
		{"uri fragment", bm(`{"UriFragment":{"FallbackBehavior":"NO_MATCH"}}`, "frag", "EXACTLY"), get("/p#frag"), true},
		{"json body value", `{"ByteMatchStatement":{"FieldToMatch":{"JsonBody":{"MatchPattern":{"All":{}},"MatchScope":"VALUE","OversizeHandling":"CONTINUE"}},"SearchString":"evil","PositionalConstraint":"EXACTLY",` + none + `}}`, withBody(get("/"), `{"a":{"b":["x","evil"]}}`), true},
		{"json body key", `{"ByteMatchStatement":{"FieldToMatch":{"JsonBody":{"MatchPattern":{"All":{}},"MatchScope":"KEY","OversizeHandling":"CONTINUE"}},"SearchString":"b","PositionalConstraint":"EXACTLY",` + none + `}}`, withBody(get("/"), `{"a":{"b":1}}`), true},
		{"json body included path", `{"ByteMatchStatement":{"FieldToMatch":{"JsonBody":{"MatchPattern":{"IncludedPaths":["/dogs/0/name"]},"MatchScope":"VALUE","OversizeHandling":"CONTINUE"}},"SearchString":"rex","PositionalConstraint":"EXACTLY",` + none + `}}`, withBody(get("/"), `{"dogs":[{"name":"rex"}],"cats":[{"name":"rex2"}]}`), true},
		{"json body other path", `{"ByteMatchStatement":{"FieldToMatch":{"JsonBody":{"MatchPattern":{"IncludedPaths":["/cats"]},"MatchScope":"VALUE","OversizeHandling":"CONTINUE"}},"SearchString":"rex","PositionalConstraint":"EXACTLY",` + none + `}}`, withBody(get("/"), `{"dogs":[{"name":"rex"}]}`), false},
		{"json lenient missing comma", `{"ByteMatchStatement":{"FieldToMatch":{"JsonBody":{"MatchPattern":{"All":{}},"MatchScope":"VALUE","OversizeHandling":"CONTINUE"}},"SearchString":"value2","PositionalConstraint":"EXACTLY",` + none + `}}`, withBody(get("/"), `{"key1":"value1""key2":"value2"}`), true},
		{"json invalid match", `{"ByteMatchStatement":{"FieldToMatch":{"JsonBody":{"MatchPattern":{"All":{}},"MatchScope":"VALUE","InvalidFallbackBehavior":"MATCH","OversizeHandling":"CONTINUE"}},"SearchString":"zz","PositionalConstraint":"EXACTLY",` + none + `}}`, withBody(get("/"), `{"a":`), true},
		{"json invalid as string", `{"ByteMatchStatement":{"FieldToMatch":{"JsonBody":{"MatchPattern":{"All":{}},"MatchScope":"VALUE","InvalidFallbackBehavior":"EVALUATE_AS_STRING","OversizeHandling":"CONTINUE"}},"SearchString":"<x","PositionalConstraint":"CONTAINS",` + none + `}}`, withBody(get("/"), `not json <x`), true},
		{"json invalid evaluates up to the error", `{"ByteMatchStatement":{"FieldToMatch":{"JsonBody":{"MatchPattern":{"All":{}},"MatchScope":"VALUE","OversizeHandling":"CONTINUE"}},"SearchString":"v","PositionalConstraint":"EXACTLY",` + none + `}}`, withBody(get("/"), `{"a":"v", "b": @}`), true},
		{"regex", `{"RegexMatchStatement":{"RegexString":"^/a+b$","FieldToMatch":{"UriPath":{}},` + none + `}}`, get("/aaab"), true},
		{"regex no match", `{"RegexMatchStatement":{"RegexString":"^/a+b$","FieldToMatch":{"UriPath":{}},` + none + `}}`, get("/aaac"), false},
		{"sqli low", `{"SqliMatchStatement":{"FieldToMatch":{"QueryString":{}},"TextTransformations":[{"Priority":0,"Type":"URL_DECODE"}]}}`, get("/?id=1%20UNION%20SELECT%20password%20FROM%20users--"), true},
		{"sqli benign", `{"SqliMatchStatement":{"FieldToMatch":{"QueryString":{}},"TextTransformations":[{"Priority":0,"Type":"URL_DECODE"}]}}`, get("/?q=shoes+and+socks"), false},
		{"sqli high", `{"SqliMatchStatement":{"FieldToMatch":{"QueryString":{}},"SensitivityLevel":"HIGH","TextTransformations":[{"Priority":0,"Type":"URL_DECODE"}]}}`, get("/?q=x%27%3Bwaitfor%20delay%20%270:0:5%27"), true},
		{"xss", `{"XssMatchStatement":{"FieldToMatch":{"SingleQueryArgument":{"Name":"q"}},"TextTransformations":[{"Priority":0,"Type":"URL_DECODE"},{"Priority":1,"Type":"HTML_ENTITY_DECODE"}]}}`, get("/?q=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E"), true},
		{"xss benign", `{"XssMatchStatement":{"FieldToMatch":{"SingleQueryArgument":{"Name":"q"}},"TextTransformations":[{"Priority":0,"Type":"URL_DECODE"}]}}`, get("/?q=hello+world"), false},
		{"size gt", `{"SizeConstraintStatement":{"FieldToMatch":{"QueryString":{}},"ComparisonOperator":"GT","Size":5,` + none + `}}`, get("/?abcdef"), true},
		{"size after transform", `{"SizeConstraintStatement":{"FieldToMatch":{"QueryString":{}},"ComparisonOperator":"LE","Size":3,"TextTransformations":[{"Priority":0,"Type":"URL_DECODE"}]}}`, get("/?%41%42%43"), true},
		{"size missing header is 0", `{"SizeConstraintStatement":{"FieldToMatch":{"SingleHeader":{"Name":"user-agent"}},"ComparisonOperator":"EQ","Size":0,` + none + `}}`, get("/"), true},
		{"geo", `{"GeoMatchStatement":{"CountryCodes":["FR","DE"]}}`, &Request{URI: "/", ClientIP: netip.MustParseAddr("192.0.2.1")}, true},
		{"geo other", `{"GeoMatchStatement":{"CountryCodes":["US"]}}`, &Request{URI: "/", ClientIP: netip.MustParseAddr("192.0.2.1")}, false},
		{"geo forwarded", `{"GeoMatchStatement":{"CountryCodes":["FR"],"ForwardedIPConfig":{"HeaderName":"X-Forwarded-For","FallbackBehavior":"NO_MATCH"}}}`, get("/", "X-Forwarded-For", "192.0.2.1, 10.0.0.1"), true},
		{"geo forwarded fallback", `{"GeoMatchStatement":{"CountryCodes":["FR"],"ForwardedIPConfig":{"HeaderName":"X-Forwarded-For","FallbackBehavior":"MATCH"}}}`, get("/", "X-Forwarded-For", "garbage"), true},
		{"asn", `{"AsnMatchStatement":{"AsnList":[64500]}}`, &Request{URI: "/", ClientIP: netip.MustParseAddr("198.51.100.1")}, true},
		{"and", `{"AndStatement":{"Statements":[` + bm(`{"UriPath":{}}`, "/a", "STARTS_WITH") + `,` + bm(`{"Method":{}}`, "POST", "EXACTLY") + `]}}`, withBody(get("/ab"), ""), true},
		{"and one false", `{"AndStatement":{"Statements":[` + bm(`{"UriPath":{}}`, "/a", "STARTS_WITH") + `,` + bm(`{"Method":{}}`, "POST", "EXACTLY") + `]}}`, get("/ab"), false},
		{"or", `{"OrStatement":{"Statements":[` + bm(`{"UriPath":{}}`, "/x", "EXACTLY") + `,` + bm(`{"Method":{}}`, "GET", "EXACTLY") + `]}}`, get("/ab"), true},
		{"not", `{"NotStatement":{"Statement":` + bm(`{"UriPath":{}}`, "/x", "EXACTLY") + `}}`, get("/ab"), true},
		{"base64 search string", bm(`{"UriPath":{}}`, "L2xvZ2lu", "EXACTLY"), get("/login"), true},
	}
	for _, c := range cases {
		w := compileJSON(t, oneRule(c.stmt), Options{Geo: geoStub{"192.0.2.1": "FRIDF"}})
		res := eval(w, c.req)
		if got := res.TerminatingRuleID == "r"; got != c.want {
			t.Errorf("%s: matched %v, want %v", c.name, got, c.want)
		}
	}
}

func TestGeoLabels(t *testing.T) {
	t.Parallel()
	w := compileJSON(t, oneRule(`{"GeoMatchStatement":{"CountryCodes":["US"]}}`), Options{Geo: geoStub{"192.0.2.1": "FRIDF"}})
	res := eval(w, &Request{URI: "/", ClientIP: netip.MustParseAddr("192.0.2.1")})
	if res.Action != Allow || !hasLabel(res, "awswaf:clientip:geo:country:FR") || !hasLabel(res, "awswaf:clientip:geo:region:FR-IDF") {
		t.Fatalf("got %s with labels %v; want ALLOW and geo labels even without a match", res.Action, res.Labels)
	}
}

func TestIPSetForwardedPositions(t *testing.T) {
	t.Parallel()
	set := &IPSetDoc{Name: "s", ARN: "arn:aws:wafv2:us-east-1:111122223333:regional/ipset/s/1", IPAddressVersion: "IPV4", Addresses: []string{"192.0.2.0/24"}}
	v6 := &IPSetDoc{Name: "v6", ARN: "arn:aws:wafv2:us-east-1:111122223333:regional/ipset/v6/2", IPAddressVersion: "IPV6", Addresses: []string{"2001:db8::/32"}}
	stmt := func(arn, pos, fb string) string {
		return `{"IPSetReferenceStatement":{"ARN":"` + arn + `","IPSetForwardedIPConfig":{"HeaderName":"X-Forwarded-For","FallbackBehavior":"` + fb + `","Position":"` + pos + `"}}}`
	}
	cases := []struct {
		name, stmt, xff string
		want            bool
	}{
		{"first", stmt(set.ARN, "FIRST", "NO_MATCH"), "192.0.2.5, 10.0.0.1", true},
		{"first not", stmt(set.ARN, "FIRST", "NO_MATCH"), "10.0.0.1, 192.0.2.5", false},
		{"last", stmt(set.ARN, "LAST", "NO_MATCH"), "10.0.0.1, 192.0.2.5", true},
		{"any", stmt(set.ARN, "ANY", "NO_MATCH"), "10.0.0.1, 192.0.2.5, 10.0.0.2", true},
		{"invalid fallback match", stmt(set.ARN, "FIRST", "MATCH"), "not-an-ip", true},
		{"missing header fallback", stmt(set.ARN, "FIRST", "MATCH"), "", true},
		{"ipv6", stmt(v6.ARN, "FIRST", "NO_MATCH"), "2001:db8::1", true},
		{"ipv6 with port", stmt(v6.ARN, "FIRST", "NO_MATCH"), "[2001:db8::1]:443", true},
	}
	for _, c := range cases {
		w := compileJSON(t, oneRule(c.stmt), Options{Resources: Resources{IPSets: []*IPSetDoc{set, v6}}})
		r := get("/")
		if c.xff != "" {
			r.Headers = append(r.Headers, Header{Name: "X-Forwarded-For", Value: c.xff})
		}
		if got := eval(w, r).TerminatingRuleID == "r"; got != c.want {
			t.Errorf("%s: matched %v, want %v", c.name, got, c.want)
		}
	}
	// the client address itself
	w := compileJSON(t, oneRule(`{"IPSetReferenceStatement":{"ARN":"`+set.ARN+`"}}`), Options{Resources: Resources{IPSets: []*IPSetDoc{set}}})
	if eval(w, &Request{URI: "/", ClientIP: netip.MustParseAddr("::ffff:192.0.2.9")}).Action != Block {
		t.Fatal("IPv4-mapped IPv6 client address not matched by an IPv4 set")
	}
}
