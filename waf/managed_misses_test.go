package waf_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/moatdev/moat/waf"
	_ "github.com/moatdev/moat/waf/managed"
)

// managedACLWith compiles waf/testdata/managed-acl.json with extra AWS
// managed groups appended after its four (e.g. AWSManagedRulesUnixRuleSet).
func managedACLWith(tb testing.TB, extra ...string) *waf.WebACL {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "managed-acl.json"))
	if err != nil {
		tb.Fatal(err)
	}
	f, err := waf.ParseWebACL(data)
	if err != nil {
		tb.Fatal(err)
	}
	for i, name := range extra {
		r := f.Rules[0]
		r.Name = "AWS-" + name
		r.Priority = int64(len(f.Rules) + i)
		r.Statement = &waf.Statement{ManagedRuleGroupStatement: &waf.ManagedRuleGroupStatement{VendorName: "AWS", Name: name}}
		r.VisibilityConfig = &waf.VisibilityConfig{MetricName: r.Name}
		f.Rules = append(f.Rules, r)
	}
	w, err := waf.Compile(f, waf.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	return w
}

// missReport evaluates the labelled corpus and returns per-family counts,
// misses and false positives grouped by family (one line per distinct
// request, with its count), and the totals.
func missReport(w *waf.WebACL, seed uint64, n int) (report string, caught, attacks, fp, benign int) {
	reqs, fams := waf.LabelledCorpusForTest(seed, n)
	type tally struct{ n, blocked int }
	per := map[string]*tally{}
	lines := map[string]int{}
	var res waf.Result
	for i, r := range reqs {
		w.Evaluate(r, &res)
		blocked := res.Action == waf.Block
		fam := fams[i]
		if per[fam] == nil {
			per[fam] = &tally{}
		}
		per[fam].n++
		attack := !strings.HasPrefix(fam, "benign")
		if blocked {
			per[fam].blocked++
		}
		switch {
		case attack && blocked:
			caught++
		case attack:
			ua := "(none)"
			for _, h := range r.Headers {
				if strings.EqualFold(h.Name, "User-Agent") {
					ua = h.Value
				}
			}
			if fam != "bot" && fam != "log4j" {
				ua = "-" // the family's payload is not in the User-Agent
			}
			lines[fmt.Sprintf("miss %-6s %s %s body=%q ua=%q", fam, r.Method, r.URI, r.Body, ua)]++
		case blocked:
			lines[fmt.Sprintf("fp   %-6s %s %s body=%q by %s", fam, r.Method, r.URI, r.Body, res.TerminatingGroupRule)]++
		}
		if attack {
			attacks++
		} else {
			benign++
			if blocked {
				fp++
			}
		}
	}
	var b strings.Builder
	fnames := make([]string, 0, len(per))
	for f := range per {
		fnames = append(fnames, f)
	}
	sort.Strings(fnames)
	for _, f := range fnames {
		fmt.Fprintf(&b, "%-12s %4d requests %4d blocked (%.1f%%)\n", f, per[f].n, per[f].blocked, 100*float64(per[f].blocked)/float64(per[f].n))
	}
	keys := make([]string, 0, len(lines))
	for k := range lines {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "%4d x %s\n", lines[k], k)
	}
	fmt.Fprintf(&b, "attacks blocked %d/%d (%.1f%%), benign blocked %d/%d (%.1f%%)\n",
		caught, attacks, 100*float64(caught)/float64(attacks), fp, benign, 100*float64(fp)/float64(benign))
	return b.String(), caught, attacks, fp, benign
}

// TestManagedMissesByFamily prints, with -v, what the managed-group ACL of
// bench/waf/run.sh misses and wrongly blocks, by family, on the 1,000- and
// 2,000-request corpora, and the same ACL with the Unix group added.
func TestManagedMissesByFamily(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name  string
		extra []string
	}{{"managed-acl.json", nil}, {"managed-acl.json + AWSManagedRulesUnixRuleSet", []string{"AWSManagedRulesUnixRuleSet"}}} {
		w := managedACLWith(t, c.extra...)
		for _, n := range []int{1000, 2000} {
			rep, _, _, _, _ := missReport(w, 1, n)
			t.Logf("%s, %d requests:\n%s", c.name, n, rep)
		}
	}
}
