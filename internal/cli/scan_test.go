package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func scanFixture(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"notes.txt":  "visa card 4532015112830366\n주민등록번호: 900101-1234567\n",
		"users.csv":  "name,ssn\nkim,123-45-6789\n",
		"empty.txt":  "nothing here\n",
		"blob.bin":   "\x00\x01\x02 card 4532015112830366",
		"custom.cfg": "EMP-123456 EMP-654321\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func runScanCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Run(append([]string{"scan"}, args...), strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestScanJSONL(t *testing.T) {
	t.Parallel()
	dir := scanFixture(t)
	code, out, errOut := runScanCmd(t, dir, "--format", "jsonl", "--profile", "extended")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 {
		t.Fatalf("want 3 occurrences, got %d:\n%s", len(lines), out)
	}
	var first map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]any{"path": "notes.txt", "identifier": "CREDIT_CARD_NUMBER", "byteOffset": 10.0,
		"byteLength": 16.0, "line": 1.0, "column": 11.0, "severity": "HIGH"} {
		if first[k] != v {
			t.Errorf("%s = %v, want %v (line %s)", k, first[k], v, lines[0])
		}
	}
	if !strings.Contains(errOut, "blob.bin: SKIPPED UNSUPPORTED_FILE_TYPE_EXCEPTION") {
		t.Errorf("binary file not reported on stderr: %q", errOut)
	}
}

func TestScanProfilesAndFailOn(t *testing.T) {
	t.Parallel()
	dir := scanFixture(t)
	code, out, _ := runScanCmd(t, filepath.Join(dir, "notes.txt"), "--fail-on", "high")
	if code != 1 || strings.Contains(out, "KOREA") || !strings.Contains(out, "notes.txt:1:11: HIGH CREDIT_CARD_NUMBER") {
		t.Fatalf("macie profile, --fail-on high: exit %d\n%s", code, out)
	}
	code, out, _ = runScanCmd(t, filepath.Join(dir, "empty.txt"), "--fail-on", "LOW")
	if code != 0 || out != "" {
		t.Fatalf("clean file: exit %d %q", code, out)
	}
}

func TestScanCustomAndASFF(t *testing.T) {
	t.Parallel()
	dir := scanFixture(t)
	custom := filepath.Join(dir, "cdi.json")
	os.WriteFile(custom, []byte(`[{"name":"employee id","regex":"EMP-\\d{6}","severityLevels":[{"occurrencesThreshold":1,"severity":"LOW"},{"occurrencesThreshold":2,"severity":"HIGH"}]}]`), 0o600)
	code, out, errOut := runScanCmd(t, filepath.Join(dir, "custom.cfg"), "--custom", custom, "--managed", "NONE", "--format", "asff")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var doc struct {
		Findings []struct {
			Severity struct{ Label string }
			Title    string
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc.Findings) != 1 || doc.Findings[0].Severity.Label != "HIGH" {
		t.Fatalf("asff: %v\n%s", err, out)
	}
}

func TestScanErrors(t *testing.T) {
	t.Parallel()
	dir := scanFixture(t)
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte("[{\"name\": \"x\",\n \"regex\": \"(a)\"}]"), 0o600)
	syntax := filepath.Join(dir, "syntax.json")
	os.WriteFile(syntax, []byte("[{\"name\": \"x\",\n \"regex\": }]"), 0o600)
	cases := []struct {
		name string
		args []string
		code int
		err  string
	}{
		{"bad format", []string{dir, "--format", "xml"}, 1, `--format "xml"`},
		{"bad profile", []string{dir, "--profile", "korea"}, 1, `--profile: profile "korea"`},
		{"bad fail-on", []string{dir, "--fail-on", "urgent"}, 1, `--fail-on "urgent"`},
		{"capture group", []string{dir, "--custom", bad}, 1, `identifier 0 ("x"): regex: capture groups are not supported`},
		{"custom syntax error", []string{dir, "--custom", syntax}, 1, "line 2, column 11"},
		{"unknown managed id", []string{dir, "--managed", "INCLUDE", "--ids", "NOPE"}, 1, `unknown managed data identifier "NOPE"`},
		{"missing path", []string{filepath.Join(dir, "missing")}, 2, "no such file"},
		{"s3 without a bucket", []string{"s3://"}, 2, "expected s3://BUCKET[/PREFIX]"},
		{"s3 endpoint down", []string{"s3://bucket/prefix", "--endpoint-url", "http://127.0.0.1:1", "--aws-profile", ""}, 2, "s3://bucket/prefix: operation error S3: ListObjectsV2"},
	}
	for _, c := range cases {
		code, _, errOut := runScanCmd(t, c.args...)
		if code != c.code || !strings.Contains(errOut, c.err) {
			t.Errorf("%s: exit %d, stderr %q; want %d and %q", c.name, code, errOut, c.code, c.err)
		}
	}
}
