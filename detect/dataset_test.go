package detect

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// datasetDir finds ../shared/datasets/detection from the module root, or
// skips the test when the folder is absent.
func datasetDir(t *testing.T, sub string) string {
	t.Helper()
	dir := filepath.Join("..", "..", "shared", "datasets", "detection", sub)
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("shared dataset %s not present (%v); these tests need ../shared from the module root", sub, err)
	}
	return dir
}

// runFile feeds one CloudTrail file to a fresh detector and returns the
// finding types raised, the records read and the read errors.
func runFile(t *testing.T, path string, opts Options) (map[string]*Finding, int, []error) {
	t.Helper()
	d, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := NewCloudTrailReader(f, filepath.Base(path))
	n := 0
	var errs []error
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		n++
		d.CloudTrail(rec)
	}
	got := map[string]*Finding{}
	for _, f := range d.Findings() {
		got[f.Type] = f
	}
	return got, n, errs
}

func typesOf(m map[string]*Finding) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestStratusTechniques runs every Stratus Red Team detonation log and checks
// the findings a user would expect for the technique, and that no other
// finding is High.
func TestStratusTechniques(t *testing.T) {
	dir := datasetDir(t, "stratus-red-team-detonation-logs")
	want := map[string][]string{
		"aws.defense-evasion.cloudtrail-stop":                  {TypeCloudTrailLoggingDisabled},
		"aws.defense-evasion.cloudtrail-delete":                {TypeCloudTrailLoggingDisabled},
		"aws.defense-evasion.cloudtrail-event-selectors":       {TypeCloudTrailLoggingDisabled},
		"aws.initial-access.console-login-without-mfa":         {TypeMoatConsoleLoginWithoutMFA},
		"aws.credential-access.ec2-steal-instance-credentials": {TypeInstanceCredExfilOutside},
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) != 35 {
		t.Fatalf("expected the 35 Stratus detonation logs, found %d", len(files))
	}
	total := 0
	for _, path := range files {
		tech := strings.TrimSuffix(filepath.Base(path), ".json")
		t.Run(tech, func(t *testing.T) {
			got, n, errs := runFile(t, path, Options{})
			total += n
			if len(errs) > 0 {
				t.Fatalf("read errors: %v", errs)
			}
			for _, typ := range want[tech] {
				if got[typ] == nil {
					t.Errorf("missing %s; got %v", typ, typesOf(got))
				}
			}
			for typ, f := range got {
				if f.Severity >= SeverityHigh && !contains(want[tech], typ) {
					t.Errorf("unexpected High finding %s: %s", typ, f.Title)
				}
			}
			t.Logf("%s: %d records, findings %v", tech, n, typesOf(got))
		})
	}
	if total != 310 {
		t.Fatalf("read %d records, the Stratus logs hold 310", total)
	}
}
