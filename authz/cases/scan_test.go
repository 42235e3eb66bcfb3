package cases

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzSplit checks the splitter against encoding/json on valid input: the
// members of an object (last repeated name wins) and the elements of an array.
func FuzzSplit(f *testing.F) {
	for _, s := range []string{
		`{"a": 1, "b": [1, {"c": "}"}], "a": "x\"y", "d\u00e9": null}`,
		`[ "a", {"b": [ ]}, 3.5e2, true, false, null, "\\" ]`,
		`{}`, `[]`, ` { "k" : { "n" : [ [ ] ] } } `,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if !json.Valid(b) {
			return
		}
		b = bytes.TrimSpace(b)
		switch b[0] {
		case '{':
			var want map[string]json.RawMessage
			if err := json.Unmarshal(b, &want); err != nil {
				t.Fatal(err)
			}
			got := map[string]json.RawMessage{}
			for _, m := range members(b) {
				got[m.name] = m.value
			}
			compare(t, got, want)
		case '[':
			var want []json.RawMessage
			if err := json.Unmarshal(b, &want); err != nil {
				t.Fatal(err)
			}
			got := elements(b)
			if len(got) != len(want) {
				t.Fatalf("%d elements, want %d", len(got), len(want))
			}
			for i := range want {
				if !bytes.Equal(got[i], bytes.TrimSpace(want[i])) {
					t.Fatalf("element %d = %s, want %s", i, got[i], want[i])
				}
			}
		}
	})
}

func compare(t *testing.T, got, want map[string]json.RawMessage) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d members, want %d", len(got), len(want))
	}
	for k, w := range want {
		if g, ok := got[k]; !ok || !bytes.Equal(g, bytes.TrimSpace(w)) {
			t.Fatalf("member %q = %s, want %s", k, g, w)
		}
	}
}
