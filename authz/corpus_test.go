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

// corpusCases is the number of cases in testdata/*.jsonl. Update it when
// adding cases: a harness that silently runs fewer cases tests less.
const corpusCases = 248

// corpusExtra is what the corpus adds to the case format.
type corpusExtra struct {
	Expect string `json:"expect"`
	Source string `json:"source"`
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
	total := 0
	for _, name := range files {
		total += runCorpusFile(t, name)
	}
	if total != corpusCases {
		t.Fatalf("corpus ran %d cases, want %d", total, corpusCases)
	}
}

func runCorpusFile(t *testing.T, name string) int {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rd := cases.NewReader(f, nil)
	n := 0
	seen := map[string]bool{}
	for {
		c, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return n
		}
		n++
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if seen[c.ID] {
			t.Errorf("%s: duplicate id %q", name, c.ID)
		}
		seen[c.ID] = true
		var x corpusExtra
		if err := json.Unmarshal(c.Raw, &x); err != nil || x.Expect == "" || x.Source == "" {
			t.Errorf("%s: %s: every corpus case needs \"expect\" and \"source\" (err %v)", name, c.ID, err)
			continue
		}
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
