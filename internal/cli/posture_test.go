package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const postureData = "../../posture/testdata/"

func postureArgs(dir string, extra ...string) []string {
	cred := postureData + dir + "/credreport.csv"
	if dir == "fixed" {
		cred = postureData + dir + "/credreport.json"
	}
	args := []string{"posture", "--auth-details", postureData + dir + "/auth.json", "--credential-report", cred,
		"--password-policy", postureData + dir + "/password-policy.json", "--ec2", postureData + dir + "/ec2",
		"--trails", postureData + dir + "/trails.json", "--as-of", "2026-11-28T12:00:00Z"}
	return append(args, extra...)
}

func TestPostureCommand(t *testing.T) {
	dir := t.TempDir()
	badAuth := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(badAuth, []byte("{\n \"UserDetailList\": [\n  {\"UserName\": }\n ]\n}"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		code     int
		out, err string
	}{
		{"weak account table", postureArgs("weak"), 0, "CRITICAL IAM.4", ""},
		{"weak account names the fix", postureArgs("weak"), 0, "fix: aws ec2 modify-instance-metadata-options", ""},
		{"fixed account scores 100", postureArgs("fixed"), 0, "Security score: 100%", ""},
		{"fail-below passes at 100", postureArgs("fixed", "--fail-below", "100"), 0, "Security score: 100%", ""},
		{"fail-below fails the weak account", postureArgs("weak", "--fail-below", "80"), 3, "Security score: 2%", "security score 2% is below --fail-below 80"},
		{"an empty trail list is data: the gate fails", []string{"posture", "--trails", postureData + "weak/trails.json", "--fail-below", "1", "--format", "json"}, 3, `"Score": 0`, "below --fail-below 1"},
		{"asff", postureArgs("fixed", "--format", "asff"), 0, `"GeneratorId": "security-control/IAM.4"`, ""},
		{"html", postureArgs("weak", "--format", "html"), 0, "<!DOCTYPE html>", ""},
		{"ocsf", postureArgs("weak", "--format", "ocsf"), 0, `"class_name": "Compliance Finding"`, ""},
		{"bad input names file, line and column", []string{"posture", "--auth-details", badAuth}, 2, "", "bad.json:3:16: invalid JSON"},
		{"missing file", []string{"posture", "--ec2", filepath.Join(dir, "nope")}, 2, "", "nope"},
		{"no input", []string{"posture"}, 1, "", "no input"},
		{"bad format", postureArgs("weak", "--format", "xml"), 1, "", `--format "xml"`},
		{"bad as-of", []string{"posture", "--trails", postureData + "weak/trails.json", "--as-of", "yesterday"}, 1, "", `--as-of "yesterday"`},
		{"bad fail-below", postureArgs("weak", "--fail-below", "101"), 1, "", "--fail-below 101"},
		{"stray argument", []string{"posture", "extra"}, 1, "", "unknown command"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, errs, code := runCLI(t, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%.2000s\nstderr:\n%s", code, tc.code, out, errs)
			}
			if !strings.Contains(out, tc.out) {
				t.Fatalf("stdout lacks %q:\n%.3000s", tc.out, out)
			}
			if !strings.Contains(errs, tc.err) {
				t.Fatalf("stderr lacks %q:\n%s", tc.err, errs)
			}
		})
	}
	if len(tests) != 16 {
		t.Fatalf("%d cases, want 16", len(tests))
	}
}

func TestPostureNoDataGate(t *testing.T) {
	dir := t.TempDir()
	pw := filepath.Join(dir, "pw.json")
	if err := os.WriteFile(pw, []byte(`{"PasswordPolicy":{"MinimumPasswordLength":14,"PasswordReusePrevention":24,"RequireSymbols":true,"RequireNumbers":true,"RequireUppercaseCharacters":true,"RequireLowercaseCharacters":true}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errs, code := runCLI(t, "posture", "--password-policy", pw, "--fail-below", "100", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var rep struct{ Score *int }
	if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.Score == nil || *rep.Score != 100 {
		t.Fatalf("report %s (%v)", out, err)
	}
	// Only describe-vpcs: EC2.6 also needs describe-flow-logs, so no control has data.
	vpcs := filepath.Join(dir, "ec2")
	if err := os.Mkdir(vpcs, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(vpcs, "vpcs.json"), []byte(`{"Vpcs":[{"VpcId":"vpc-1"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, errs, code := runCLI(t, "posture", "--ec2", vpcs, "--fail-below", "0"); code != 3 || !strings.Contains(errs, "no control has data") || !strings.Contains(out, "Security score: n/a") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	// A file that is not a credential report.
	empty := filepath.Join(dir, "empty.csv")
	if err := os.WriteFile(empty, []byte("user,arn\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, errs, code := runCLI(t, "posture", "--credential-report", empty); code != 2 || !strings.Contains(errs, "missing column") {
		t.Fatalf("exit %d: %s", code, errs)
	}
}

func TestPostureOutputFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "report.html")
	out, errs, code := runCLI(t, postureArgs("weak", "--format", "html", "-o", path)...)
	if code != 0 || out != "" || !strings.Contains(errs, "wrote "+path+" (security score 2%)") {
		t.Fatalf("exit %d\nstdout %q\nstderr %s", code, out, errs)
	}
	data, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(data), "Security posture of account 111122223333") {
		t.Fatalf("%v %.200s", err, data)
	}
}
