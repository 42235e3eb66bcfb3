package vpc

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// accountDocument merges the sample account's files into one document (all
// top-level keys side by side), so one fuzz input can describe a network.
func accountDocument(tb testing.TB) []byte {
	tb.Helper()
	files, _ := filepath.Glob(filepath.Join("testdata", "account", "describe-*.json"))
	all := map[string]json.RawMessage{}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			tb.Fatal(err)
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(data, &m); err != nil {
			tb.Fatal(err)
		}
		for k, v := range m {
			all[k] = v
		}
	}
	out, err := json.Marshal(all)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// FuzzLoad: any document either loads or fails with a *LoadError that names
// the file; whatever loads can be compiled and analyzed without panicking.
func FuzzLoad(f *testing.F) {
	f.Add(accountDocument(f))
	f.Add([]byte(`{"NetworkAcls": [{"NetworkAclId": "acl-1", "Entries": [{"RuleNumber": 1, "Protocol": "6", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 5, "To": 6}}]}]}`))
	f.Add([]byte(`{"Vpcs": [`))
	f.Add([]byte(`{"Entries": [{"Cidr": "10.0.0.0/8"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		n := NewNetwork("")
		err := n.Load("pl-fuzz.json", data)
		if err != nil {
			var le *LoadError
			if !errors.As(err, &le) || le.File != "pl-fuzz.json" || le.Message == "" {
				t.Fatalf("error %v (%T) is not a *LoadError naming the file", err, err)
			}
			return
		}
		a := Compile(n)
		a.Exposed()
		Overlaps(n)
		ids := make([]string, 0, len(n.Interfaces))
		for id := range n.Interfaces {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for i := 0; i+1 < len(ids) && i < 4; i++ {
			if _, err := a.Reach(PathQuery{Source: ids[i], Destination: ids[i+1], Protocol: "tcp", DestinationPorts: PortRange{443, 443}}); err != nil {
				var e *Error
				if !errors.As(err, &e) {
					t.Fatalf("reach error %v is not an *Error", err)
				}
			}
		}
	})
}

func TestAccountDocumentLoads(t *testing.T) {
	t.Parallel()
	n := NewNetwork("")
	if err := n.Load("all.json", accountDocument(t)); err != nil {
		t.Fatal(err)
	}
	if len(n.Interfaces) != 5 || len(Compile(n).Exposed()) != 2 {
		t.Fatalf("%d interfaces", len(n.Interfaces))
	}
}
