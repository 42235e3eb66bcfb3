package asff_test

import (
	"encoding/json"
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

func parseRaw(t *testing.T, js string) map[string]json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(js), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func joinRaw(t *testing.T, m map[string]json.RawMessage) string {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func clonePtr(t *testing.T, f *asff.Finding) *asff.Finding {
	t.Helper()
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	var out asff.Finding
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return &out
}
