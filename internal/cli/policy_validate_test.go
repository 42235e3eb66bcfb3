package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writePolicy(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPolicyValidate(t *testing.T) {
	dir := t.TempDir()
	good := writePolicy(t, dir, "good.json", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)
	warn := writePolicy(t, dir, "warn.json", `{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)
	bad := writePolicy(t, dir, "bad.json", "{\"Version\":\"2012-10-17\",\"Statement\":[\n {\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\",\n  \"Condition\":{\"StringEqual\":{\"aws:username\":\"a\"}}}]}")
	syntax := writePolicy(t, dir, "syntax.json", "{\"Statement\": [}")
	trust := writePolicy(t, dir, "trust.json", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}`)
	missing := filepath.Join(dir, "missing.json")

	tests := []struct {
		name     string
		args     []string
		code     int
		out, err string
	}{
		{name: "clean file", args: []string{"policy", "validate", good}, code: 0, out: ""},
		{name: "warning only", args: []string{"policy", "validate", warn}, code: 0, out: warn + ":1:1: WARNING MISSING_VERSION: Version: add Version"},
		{name: "unknown operator", args: []string{"policy", "validate", good, bad}, code: 1,
			out: bad + ":3:16: ERROR INVALID_CONDITION_OPERATOR: Statement[0].Condition: unknown operator StringEqual (did you mean StringEquals?)"},
		{name: "json syntax error", args: []string{"policy", "validate", syntax}, code: 1, out: syntax + ":1:16: ERROR JSON_SYNTAX_ERROR: invalid JSON"},
		{name: "trust policy needs principal", args: []string{"policy", "validate", "--type", "trust", trust}, code: 1, out: "ERROR MISSING_PRINCIPAL: Statement[0]"},
		{name: "same file as identity is fine", args: []string{"policy", "validate", "--type", "identity", good}, code: 0},
		{name: "unreadable file", args: []string{"policy", "validate", good, missing}, code: 2, err: "missing.json"},
		{name: "unreadable wins over errors", args: []string{"policy", "validate", bad, missing}, code: 2, out: "INVALID_CONDITION_OPERATOR"},
		{name: "bad type", args: []string{"policy", "validate", "--type", "user", good}, code: 1, err: `--type "user"`},
		{name: "bad format", args: []string{"policy", "validate", "--format", "xml", good}, code: 1, err: `--format "xml"`},
		{name: "no files", args: []string{"policy", "validate"}, code: 1, err: "requires at least 1 arg"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, errs, code := runCLI(t, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, out, errs)
			}
			if tc.out == "" && tc.code == 0 && out != "" && !strings.Contains(tc.name, "warning") {
				t.Fatalf("unexpected output:\n%s", out)
			}
			if !strings.Contains(out, tc.out) {
				t.Fatalf("stdout does not contain %q:\n%s", tc.out, out)
			}
			if !strings.Contains(errs, tc.err) {
				t.Fatalf("stderr does not contain %q:\n%s", tc.err, errs)
			}
		})
	}
	if len(tests) != 11 {
		t.Fatalf("ran %d cases, want 11", len(tests))
	}
}

func TestPolicyValidateJSONAndStdin(t *testing.T) {
	var out, errb bytes.Buffer
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}`
	code := run([]string{"policy", "validate", "--format", "json", "-"}, strings.NewReader(doc), &out, &errb)
	if code != 1 {
		t.Fatalf("exit %d, want 1; stderr %s", code, errb.String())
	}
	var got []map[string]any
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("output is not a JSON array: %v\n%s", err, out.String())
	}
	if len(got) != 1 || got[0]["file"] != "-" || got[0]["severity"] != "ERROR" || got[0]["code"] != "UNSUPPORTED_PRINCIPAL" ||
		got[0]["path"] != "Statement[0].Principal" || got[0]["line"] != float64(1) {
		t.Fatalf("got %v", got)
	}
	out.Reset()
	code = run([]string{"policy", "validate", "--format", "json", "-"}, strings.NewReader(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`), &out, &errb)
	if code != 0 || strings.TrimSpace(out.String()) != "[]" {
		t.Fatalf("clean policy: exit %d, output %q", code, out.String())
	}
}
