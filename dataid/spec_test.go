package dataid

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMacieCatalogue compares the registry with the shared write-up of
// Macie's catalogue (../shared/specs/macie-managed-data-identifiers.json,
// read, never copied): every id moat registers under the Macie profile must
// be in the catalogue with the same category, and keep at least its keywords
// and its keyword requirement.
func TestMacieCatalogue(t *testing.T) {
	t.Parallel()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for ; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		if filepath.Dir(dir) == dir {
			t.Fatal("module root not found")
		}
	}
	data, err := os.ReadFile(filepath.Join(dir, "..", "shared", "specs", "macie-managed-data-identifiers.json"))
	if err != nil {
		t.Skipf("the shared Macie catalogue is not here (%v)", err)
	}
	var cat struct {
		Entries []struct {
			IDs             []string `json:"ids"`
			Category        string   `json:"category"`
			KeywordRequired any      `json:"keyword_required"`
			Keywords        []string `json:"keywords"`
		} `json:"entries"`
	}
	if err := json.Unmarshal(data, &cat); err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	needs := map[string]map[any]bool{} // id -> the keyword_required values of its entries
	for _, e := range cat.Entries {
		for _, id := range e.IDs {
			if needs[id] == nil {
				needs[id] = map[any]bool{}
			}
			needs[id][e.KeywordRequired] = true
		}
	}
	implemented := 0
	for _, e := range cat.Entries {
		for _, id := range e.IDs {
			listed[id] = true
			m, ok := LookupManaged(id)
			if !ok {
				continue
			}
			implemented++
			if string(m.Category) != e.Category {
				t.Errorf("%s: category %s, catalogue says %s", id, m.Category, e.Category)
			}
			if e.KeywordRequired == true && len(e.IDs) == 1 && m.KeywordRule == KeywordNotRequired {
				t.Errorf("%s: the catalogue requires a keyword", id)
			}
			switch n := needs[id]; {
			case n[true] && n[false] && m.KeywordRule != KeywordUnlessStrong:
				t.Errorf("%s: the catalogue has it with and without keywords (e.g. IBAN and BBAN): want KeywordUnlessStrong", id)
			case n[false] && !n[true] && m.KeywordRule != KeywordNotRequired && m.NoKeywordOf == "":
				t.Errorf("%s: the catalogue needs no keyword", id)
			}
			if len(e.IDs) != 1 || len(e.Keywords) == 0 {
				continue
			}
			have := map[string]bool{}
			for _, k := range m.Keywords {
				have[strings.ToLower(k)] = true
			}
			for _, k := range e.Keywords {
				if !have[strings.ToLower(k)] {
					t.Errorf("%s: keyword %q of the catalogue is missing", id, k)
				}
			}
		}
	}
	var extra []string
	for _, m := range ManagedIdentifiers(ProfileMacie) {
		if !listed[m.ID] {
			extra = append(extra, m.ID)
		}
	}
	if len(extra) > 0 {
		t.Errorf("in the macie profile but not in Macie's catalogue: %v", extra)
	}
	if len(listed) < 150 || implemented < 60 {
		t.Fatalf("catalogue lists %d ids, moat implements %d", len(listed), implemented)
	}
	t.Logf("Macie's catalogue lists %d managed identifier ids; moat implements %d of them", len(listed), implemented)
}
