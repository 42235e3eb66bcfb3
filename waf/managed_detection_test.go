package waf_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moatdev/moat/waf"
	_ "github.com/moatdev/moat/waf/managed"
)

func managedACL(tb testing.TB) *waf.WebACL {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "managed-acl.json"))
	if err != nil {
		tb.Fatal(err)
	}
	f, err := waf.ParseWebACL(data)
	if err != nil {
		tb.Fatal(err)
	}
	w, err := waf.Compile(f, waf.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	return w
}

// TestManagedDetectionRates runs the web ACL of the speed target
// (Common, KnownBadInputs, SQLi and Linux managed groups, moat's
// definitions) over the labelled corpus.
func TestManagedDetectionRates(t *testing.T) {
	t.Parallel()
	w := managedACL(t)
	if w.Capacity() != 700+200+200+200 {
		t.Fatalf("capacity %d, want 1300", w.Capacity())
	}
	reqs, fams := waf.LabelledCorpusForTest(1, 2000)
	per := map[string][2]int{}
	var res waf.Result
	var attacks, caught, benign, fp int
	for i, r := range reqs {
		w.Evaluate(r, &res)
		blocked := res.Action == waf.Block
		p := per[fams[i]]
		p[0]++
		if blocked {
			p[1]++
		}
		per[fams[i]] = p
		if strings.HasPrefix(fams[i], "benign") {
			benign++
			if blocked {
				fp++
				t.Logf("false positive (%s/%s): %s %s %q", res.TerminatingRuleID, res.TerminatingGroupRule, r.Method, r.URI, r.Body)
			}
		} else {
			attacks++
			if blocked {
				caught++
			} else {
				t.Logf("missed %s: %s %s %q", fams[i], r.Method, r.URI, r.Body)
			}
		}
	}
	for fam, p := range per {
		t.Logf("%-12s %4d requests, %4d blocked", fam, p[0], p[1])
	}
	det, fpr := float64(caught)/float64(attacks), float64(fp)/float64(benign)
	t.Logf("attacks blocked %d/%d (%.1f%%), benign blocked %d/%d (%.1f%%)", caught, attacks, 100*det, fp, benign, 100*fpr)
	if attacks < 500 || benign < 500 {
		t.Fatalf("corpus too small: %d attacks, %d benign", attacks, benign)
	}
	// Regression floors. Measured when written: 869/998 attacks and 14/1002
	// benign; after the rules were widened (PHP stream wrappers in
	// GenericLFI, javascript:/vbscript: URLs in CrossSiteScripting, more
	// Linux system files in LFI): 896/998 and the same 14/1002 (all hard
	// negatives, libinjection's SQLi at LOW on "sleep(ing) bag" and
	// "5 > 3 and 2 < 4"). Misses: command injection without a Linux file
	// path (shell commands are the Unix group's, not in this ACL) and GCP
	// metadata URLs (the EC2 rules look for EC2's). Coraza + CRS PL1 scored
	// 490/508 and 13/492 on the 1,000-request corpus of bench/waf/run.sh.
	if det < 0.895 || fpr > 0.015 {
		t.Fatalf("detection %.1f%% (floor 89.5%%), false positives %.1f%% (ceiling 1.5%%)", 100*det, 100*fpr)
	}
}

func BenchmarkEvaluateManagedACL(b *testing.B) {
	w := managedACL(b)
	reqs, _ := waf.LabelledCorpusForTest(1, 2000)
	var res waf.Result
	b.ReportAllocs()
	b.ResetTimer()
	cpu := waf.ProcessCPUForTest()
	for i := 0; i < b.N; i++ {
		w.Evaluate(reqs[i%len(reqs)], &res)
	}
	waf.ReportCPUForTest(b, cpu)
}

// FuzzManagedRequest: arbitrary request parts through the managed-group ACL.
func FuzzManagedRequest(f *testing.F) {
	w := managedACL(f)
	f.Add("GET", "/a/../b?x=%u0041&y=..%2f", "Cookie", "a=b; c", "{\"a\":1}")
	f.Add("POST", "http://h/p#f", "User-Agent", "${jndi:", "x=%3Cscript%3E")
	f.Add("", "", "", "", "")
	f.Fuzz(func(t *testing.T, method, uri, hname, hvalue, body string) {
		var res waf.Result
		w.Evaluate(&waf.Request{Method: method, URI: uri, Headers: []waf.Header{{Name: hname, Value: hvalue}}, Body: []byte(body)}, &res)
		if res.TerminatingRuleID == "" {
			t.Fatal("no terminating rule id")
		}
	})
}

// TestManagedDetectionRatesWithUnix: the same ACL with
// AWSManagedRulesUnixRuleSet added (AWS's group for shell commands), the
// configuration that detects at least as much as Coraza + CRS PL1 on this
// corpus. Measured when written: 973/998 attacks, 14/1002 benign; misses
// are the Windows command (c^m^d.exe, the Windows group's) and GCP metadata.
func TestManagedDetectionRatesWithUnix(t *testing.T) {
	t.Parallel()
	rep, caught, attacks, fp, benign := missReport(managedACLWith(t, "AWSManagedRulesUnixRuleSet"), 1, 2000)
	t.Log(rep)
	det, fpr := float64(caught)/float64(attacks), float64(fp)/float64(benign)
	if det < 0.97 || fpr > 0.015 {
		t.Fatalf("detection %.1f%% (floor 97%%), false positives %.1f%% (ceiling 1.5%%)", 100*det, 100*fpr)
	}
}

func BenchmarkEvaluateManagedACLWithUnix(b *testing.B) {
	w := managedACLWith(b, "AWSManagedRulesUnixRuleSet")
	reqs, _ := waf.LabelledCorpusForTest(1, 2000)
	var res waf.Result
	b.ReportAllocs()
	b.ResetTimer()
	cpu := waf.ProcessCPUForTest()
	for i := 0; i < b.N; i++ {
		w.Evaluate(reqs[i%len(reqs)], &res)
	}
	waf.ReportCPUForTest(b, cpu)
}
