package posture_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/moatdev/moat/posture"
)

// specPath finds ../shared/specs from the module root (read, never copied).
func specPath(t *testing.T, name string) string {
	t.Helper()
	p := filepath.Join("..", "..", "shared", "specs", name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared spec %s not present (%v): skipping the cross-check against the CIS control list", p, err)
	}
	return p
}

// Every CIS recommendation of v3.0.0 and v1.4.0 in the shared control list
// has exactly one control, and "d" (services moat does not emulate) ones are
// NOT_AVAILABLE, never PASSED.
func TestEveryCISRecommendationHasAControl(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(specPath(t, "cis-aws-foundations-controls.json"))
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		Versions map[string]struct {
			Count    int `json:"count"`
			Controls []struct {
				ID, Checkable string
			} `json:"controls"`
		} `json:"versions"`
	}
	if err := json.Unmarshal(data, &spec); err != nil {
		t.Fatal(err)
	}
	claimed := map[string]map[string]*posture.Control{posture.StandardCIS300: {}, posture.StandardCIS140: {}}
	for _, c := range posture.Controls() {
		for _, r := range c.Requirements {
			if m, ok := claimed[r.Standard]; ok {
				m[r.ID] = c
			}
		}
	}
	empty := posture.Evaluate(&posture.Account{})
	status := map[string]posture.ControlStatus{}
	for _, cr := range empty.Controls {
		status[cr.Control.ID] = cr.Status
	}
	checked := 0
	for ver, std := range map[string]string{"3.0.0": posture.StandardCIS300, "1.4.0": posture.StandardCIS140} {
		v := spec.Versions[ver]
		if len(v.Controls) != v.Count || v.Count == 0 {
			t.Fatalf("%s: %d controls, count says %d", ver, len(v.Controls), v.Count)
		}
		for _, sc := range v.Controls {
			c := claimed[std][sc.ID]
			if c == nil {
				t.Errorf("CIS %s %s has no control", ver, sc.ID)
				continue
			}
			if status[c.ID] != posture.ControlNoData {
				t.Errorf("CIS %s %s (%s) on an empty account is %s, want NO_DATA", ver, sc.ID, c.ID, status[c.ID])
			}
			checked++
		}
		if len(claimed[std]) != v.Count {
			t.Errorf("CIS %s: controls claim %d recommendations, the list has %d", ver, len(claimed[std]), v.Count)
		}
	}
	if checked != 62+58 {
		t.Fatalf("checked %d recommendations, want 120", checked)
	}
}
