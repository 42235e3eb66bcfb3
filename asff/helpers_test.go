package asff_test

import (
	"os"
	"testing"

	"github.com/moatdev/moat/asff"
)

func loadFindings(t testing.TB) []*asff.Finding {
	t.Helper()
	data, err := os.ReadFile("testdata/findings.json")
	if err != nil {
		t.Fatal(err)
	}
	res, err := asff.ParseFindings(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.FailedFindings) != 0 {
		t.Fatalf("test findings rejected: %+v", res.FailedFindings)
	}
	if len(res.Findings) != 6 {
		t.Fatalf("loaded %d findings, want 6", len(res.Findings))
	}
	out := make([]*asff.Finding, len(res.Findings))
	for i := range res.Findings {
		out[i] = &res.Findings[i]
	}
	return out
}
