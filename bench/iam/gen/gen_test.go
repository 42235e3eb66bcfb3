package gen

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func encode(t *testing.T, c Case) []byte {
	t.Helper()
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatalf("%s: %v", c.ID, err)
	}
	return b
}

func TestDeterministic(t *testing.T) {
	t.Parallel()
	a, b := New(3), New(3)
	for i := 0; i < 200; i++ {
		if x, y := encode(t, a.Case(i)), encode(t, b.Case(i)); !bytes.Equal(x, y) {
			t.Fatalf("case %d differs between two generators with the same seed:\n%s\n%s", i, x, y)
		}
	}
	if bytes.Equal(encode(t, New(3).Case(0)), encode(t, New(4).Case(0))) {
		t.Fatal("seeds 3 and 4 give the same first case")
	}
}

// TestShape checks the members the case schema requires and the limits
// iam-simulate puts on its input (iam-evaluation.md §8).
func TestShape(t *testing.T) {
	t.Parallel()
	g := New(1)
	const n = 1000
	kinds := map[string]int{}
	for i := 0; i < n; i++ {
		c := g.Case(i)
		r := c.Request
		if c.ID == "" || r.Principal == "" || r.Action == "" || r.Resource == "" || len(r.ResourceAccount) != 12 {
			t.Fatalf("case %d misses a required member: %+v", i, r)
		}
		if strings.Contains(r.Resource, "*") && r.Resource != "*" {
			t.Fatalf("%s: request resource %q has a wildcard", c.ID, r.Resource)
		}
		for _, l := range c.Policies.RCPs {
			for _, p := range l.Policies {
				b, _ := json.Marshal(p)
				if strings.Contains(string(b), `"Allow"`) {
					t.Fatalf("%s: custom RCP with an Allow: %s", c.ID, b)
				}
			}
		}
		switch {
		case r.Principal == "anonymous":
			kinds["anonymous"]++
		case strings.HasSuffix(r.Principal, ".amazonaws.com"):
			kinds["service"]++
		case strings.Contains(r.Principal, ":assumed-role/"):
			kinds["session"]++
		case strings.Contains(r.Principal, ":federated-user/"):
			kinds["federated"]++
		case strings.HasSuffix(r.Principal, ":root"):
			kinds["root"]++
		case strings.Contains(r.Principal, ":user/"):
			kinds["user"]++
		case strings.Contains(r.Principal, ":role/"):
			kinds["role"]++
		default:
			kinds["web identity"]++
		}
	}
	for _, k := range []string{"anonymous", "service", "session", "federated", "root", "user", "role", "web identity"} {
		if kinds[k] == 0 {
			t.Errorf("no %s principal in %d cases: %v", k, n, kinds)
		}
	}
}

func TestFixed(t *testing.T) {
	t.Parallel()
	small, heavy := Small(), Heavy()
	if n := len(small.Policies.Identity); n != 1 {
		t.Errorf("small: %d identity policies, want 1", n)
	}
	count := len(heavy.Policies.Identity) + 1 /* boundary */ + 1 /* resource */
	for _, l := range heavy.Policies.SCPs {
		count += len(l.Policies)
	}
	if count != 10 || len(heavy.Policies.SCPs) != 2 {
		t.Errorf("heavy: %d policies over %d SCP levels, want 10 over 2", count, len(heavy.Policies.SCPs))
	}
	if !bytes.Contains(encode(t, heavy), []byte(`"managedPolicy":"ReadOnlyAccess"`)) {
		t.Error("heavy: does not use the ReadOnlyAccess managed policy")
	}
}
