package authz_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moatdev/moat/authz"
	"github.com/moatdev/moat/authz/cases"
)

// corpusCounts is the number of cases in each corpus file of this package's
// own; update it when adding cases: a harness that silently runs fewer cases
// tests less. Other files in testdata (e.g. differential.jsonl, written by the
// differential harness) run too and must hold at least one case.
var corpusCounts = map[string]int{
	"basics.jsonl":                 39,
	"boundaries_sessions.jsonl":    16,
	"conditions.jsonl":             60,
	"errors.jsonl":                 7,
	"examples.jsonl":               17,
	"organizations.jsonl":          24,
	"resource_policies.jsonl":      58,
	"simulate_disagreements.jsonl": 23,
	"trust_kms.jsonl":              38,
}

// corpusCases is the sum of corpusCounts.
const corpusCases = 282

// corpusExtra is what the corpus adds to the case format.
type corpusExtra struct {
	Expect string `json:"expect"` // a Decision, or "error" when the case must be refused
	Source string `json:"source"` // the AWS page or spec section the answer comes from
}

// TestCorpus replays every documented scenario of testdata/*.jsonl (each
// citing the AWS page or spec section it comes from) and compares the
// decision with the documented one.
func TestCorpus(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("testdata/*.jsonl")
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus files in testdata (err %v)", err)
	}
	managed := corpusManaged(t)
	total, own := 0, 0
	for _, name := range files {
		n := runCorpusFile(t, name, managed)
		total += n
		want, ok := corpusCounts[filepath.Base(name)]
		switch {
		case ok && n != want:
			t.Errorf("%s ran %d cases, want %d", name, n, want)
		case ok:
			own += n
		case n == 0:
			t.Errorf("%s holds no case", name)
		}
	}
	if own != corpusCases {
		t.Fatalf("the corpus files of corpusCounts ran %d cases, want %d (missing files?)", own, corpusCases)
	}
	t.Logf("%d corpus cases, %d of them in other files", total, total-own)
}

// corpusManaged loads MOAT_MANAGED_POLICIES when set, for cases that name AWS
// managed policies; without it such cases are skipped (and logged).
func corpusManaged(t *testing.T) cases.Managed {
	t.Helper()
	name := os.Getenv("MOAT_MANAGED_POLICIES")
	if name == "" {
		return nil
	}
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := cases.ReadManaged(f)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func runCorpusFile(t *testing.T, name string, managed cases.Managed) int {
	t.Helper()
	expect := corpusExpectations(t, name)
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rd := cases.NewReader(f, managed)
	n := 0
	for {
		c, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return n
		}
		n++
		var ce *cases.CaseError
		if errors.As(err, &ce) {
			// Cases expecting "error" must be refused (iam-cases-schema.md §2).
			x := expect[ce.ID]
			if managed == nil && x.Expect != "error" && strings.Contains(ce.Message, "unknown managed policy") {
				t.Logf("%s: %s skipped: it names a managed policy; set MOAT_MANAGED_POLICIES to run it", name, ce.ID)
				continue
			}
			if x.Expect != "error" {
				t.Errorf("%s: %v (expected %q, source %s)", name, err, x.Expect, x.Source)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		x := expect[c.ID]
		got := authz.Evaluate(&c.Request, &c.Policies)
		if got.Decision.String() != x.Expect {
			t.Errorf("%s:%d %s: got %s, want %s (source %s)\n%s", name, c.Line, c.ID, got.Decision, x.Expect, x.Source,
				describe(authz.Explain(&c.Request, &c.Policies)))
		}
		if e := authz.Explain(&c.Request, &c.Policies); e.Result != got {
			t.Errorf("%s: %s: Explain decided %+v, Evaluate %+v", name, c.ID, e.Result, got)
		}
	}
}

// corpusExpectations reads "expect" and "source" of every case of a corpus file.
func corpusExpectations(t *testing.T, name string) map[string]corpusExtra {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]corpusExtra{}
	valid := map[string]bool{"Allowed": true, "ExplicitDeny": true, "ImplicitDeny": true, "error": true}
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		var x struct {
			ID string `json:"id"`
			corpusExtra
		}
		if err := json.Unmarshal([]byte(line), &x); err != nil {
			t.Fatalf("%s:%d: %v", name, i+1, err)
		}
		if _, dup := out[x.ID]; dup || x.ID == "" || !valid[x.Expect] || x.Source == "" {
			t.Errorf("%s:%d: every corpus case needs a unique id, an expect of Allowed/ExplicitDeny/ImplicitDeny/error and a source: %+v", name, i+1, x)
		}
		out[x.ID] = x.corpusExtra
	}
	return out
}

// describe renders an explanation for a failure report.
func describe(e *authz.Explanation) string {
	var b strings.Builder
	fmt.Fprintf(&b, "  decided by %s (level %d, policy %d, statement %d): %s\n", e.Type, e.Level, e.Policy, e.Stmt, e.Message)
	if len(e.Matched) == 0 {
		b.WriteString("  no applicable statement\n")
	}
	for _, m := range e.Matched {
		fmt.Fprintf(&b, "  applicable: %s level=%d policy=%d %q stmt=%d sid=%q %s grants=%b at %d:%d\n",
			m.Type, m.Level, m.Policy, m.Name, m.Stmt, m.Sid, m.Effect, m.Grants, m.Line, m.Column)
	}
	return b.String()
}
