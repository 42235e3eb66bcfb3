package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runEval(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(append([]string{"policy", "eval"}, args...), strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), code
}

// The three examples of iam-cases-schema.md §4, one per line.
const schemaExamples = `{"id": "example-tls-deny", "request": {"principal": "arn:aws:iam::111122223333:user/alice", "action": "s3:GetObject", "resource": "arn:aws:s3:::example-reports/2026/q1.csv", "resourceAccount": "111122223333", "context": {"aws:SecureTransport": "false"}}, "policies": {"identity": [{"name": "ReadReports", "policy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-reports/*"}, {"Sid": "TlsOnly", "Effect": "Deny", "Action": "s3:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}}]}}
{"id": "example-xacct-account-grant", "request": {"principal": "arn:aws:iam::111122223333:user/bob", "action": "s3:PutObject", "resource": "arn:aws:s3:::example-shared-drop/in/bob.txt", "resourceAccount": "444455556666", "context": {}}, "policies": {"identity": [], "resource": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::example-shared-drop/in/*"}]}}}
{"id": "example-managed-session-scp", "request": {"principal": "arn:aws:sts::111122223333:assumed-role/log-reader/dana-cli", "action": "s3:ListBucket", "resource": "arn:aws:s3:::example-logs", "resourceAccount": "111122223333", "context": {"aws:RequestedRegion": "eu-west-1"}}, "policies": {"identity": [{"managedPolicy": "AmazonS3ReadOnlyAccess"}], "session": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:List*", "Resource": "*"}]}, "scps": [{"target": "r-root", "policies": [{"name": "FullAWSAccess", "policy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}]}, {"target": "ou-audit", "policies": [{"name": "AllowAll", "policy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}, {"name": "EuOnly", "policy": {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "NotAction": ["iam:*", "sts:*", "organizations:*"], "Resource": "*", "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]}}}]}}]}, {"target": "111122223333", "policies": [{"name": "AllowAll", "policy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}]}]}}
`

const s3ReadOnly = `{"AmazonS3ReadOnlyAccess": {"arn": "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", "versionId": "v3",
  "document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:Get*", "s3:List*", "s3:Describe*", "s3-object-lambda:Get*", "s3-object-lambda:List*"], "Resource": "*"}]}}}`

func managedFile(t *testing.T) string {
	t.Helper()
	name := filepath.Join(t.TempDir(), "managed.json")
	if err := os.WriteFile(name, []byte(s3ReadOnly), 0o600); err != nil {
		t.Fatal(err)
	}
	return name
}

func TestPolicyEvalSchemaExamples(t *testing.T) {
	t.Parallel()
	out, errs, code := runEval(t, schemaExamples, "--managed-policies", managedFile(t))
	want := `{"id":"example-tls-deny","decision":"ExplicitDeny"}
{"id":"example-xacct-account-grant","decision":"ImplicitDeny"}
{"id":"example-managed-session-scp","decision":"Allowed"}
`
	if code != 0 || out != want {
		t.Fatalf("exit %d, stderr %q\n got:\n%s\nwant:\n%s", code, errs, out, want)
	}
	// "With aws:RequestedRegion us-east-1 the third case becomes ExplicitDeny."
	us := strings.Replace(strings.Split(schemaExamples, "\n")[2], `"eu-west-1"}}`, `"us-east-1"}}`, 1)
	out, _, _ = runEval(t, us, "--managed-policies", managedFile(t))
	if out != `{"id":"example-managed-session-scp","decision":"ExplicitDeny"}`+"\n" {
		t.Fatalf("us-east-1 variant: %s", out)
	}
}

func TestPolicyEvalErrorsDoNotStopTheRun(t *testing.T) {
	t.Parallel()
	in := "# cases\n\n" + strings.Split(schemaExamples, "\n")[0] + "\n" +
		"{oops\n" +
		`{"request": {}}` + "\n" +
		strings.Split(schemaExamples, "\n")[2] + "\n" +
		`{"id": "quote\"and\\slash", "request": {"principal": "anonymous", "action": "s3:GetObject", "resource": "*", "resourceAccount": "111122223333"}}` + "\n"
	out, errs, code := runEval(t, in)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	want := []string{
		`{"id":"example-tls-deny","decision":"ExplicitDeny"}`,
		`{"id":"line-4","error":"invalid JSON at line 4, column 2: invalid character 'o' looking for beginning of object key string"}`,
		`{"id":"line-5","error":"id: missing required member"}`,
		`{"id":"example-managed-session-scp","error":"policies.identity[0].managedPolicy: unknown managed policy \"AmazonS3ReadOnlyAccess\" (no managed-policies file given: use --managed-policies FILE)"}`,
		`{"id":"quote\"and\\slash","decision":"ImplicitDeny"}`,
	}
	if len(lines) != len(want) {
		t.Fatalf("got %d lines, want %d:\n%s", len(lines), len(want), out)
	}
	for i := range want {
		if lines[i] != want[i] {
			t.Errorf("line %d:\n got %s\nwant %s", i+1, lines[i], want[i])
		}
		var v map[string]any
		if err := json.Unmarshal([]byte(lines[i]), &v); err != nil {
			t.Errorf("line %d is not JSON: %v", i+1, err)
		}
	}
}

func TestPolicyEvalExplain(t *testing.T) {
	t.Parallel()
	out, errs, code := runEval(t, strings.Split(schemaExamples, "\n")[0], "--explain")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.HasPrefix(out, `{"id":"example-tls-deny","decision":"ExplicitDeny","explanation":{`) {
		t.Fatalf("explanation must follow decision: %s", out)
	}
	var v struct {
		Explanation struct {
			Type, Policy, Sid, Message string
			Statement                  *int
			Matched                    []struct {
				Type, Policy, Effect string
				Statement            int
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	x := v.Explanation
	const msg = "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::example-reports/2026/q1.csv with an explicit deny in an identity-based policy"
	if x.Type != "identity-based policy" || x.Policy != "ReadReports" || x.Sid != "TlsOnly" || x.Statement == nil || *x.Statement != 1 || x.Message != msg {
		t.Errorf("explanation: %+v", x)
	}
	if len(x.Matched) != 2 || x.Matched[0].Effect != "Allow" || x.Matched[1].Effect != "Deny" {
		t.Errorf("matched: %+v", x.Matched)
	}
}

func TestPolicyEvalBadFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"missing managed file", []string{"--managed-policies", filepath.Join(t.TempDir(), "nope.json")}, "nope.json"},
		{"positional argument", []string{"cases.jsonl"}, "unknown command"},
	}
	for _, tt := range tests {
		_, errs, code := runEval(t, "", tt.args...)
		if code == 0 || !strings.Contains(errs, tt.want) {
			t.Errorf("%s: exit %d, stderr %q, want %q", tt.name, code, errs, tt.want)
		}
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte(`{"X": {"document": "not an object"}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, errs, code := runEval(t, "", "--managed-policies", bad); code == 0 || !strings.Contains(errs, "X.document") {
		t.Errorf("bad managed file: exit %d, stderr %q", code, errs)
	}
}

func TestAppendJSONString(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"plain", "quote\" back\\slash", "ctl\x00\x1f\n\r\t", "é ünïcode \u2028", "bad \xff utf8"} {
		b := appendJSONString(nil, s)
		var got string
		if err := json.Unmarshal(b, &got); err != nil {
			t.Errorf("%q rendered as invalid JSON %s: %v", s, b, err)
			continue
		}
		if want := strings.ToValidUTF8(s, "\uFFFD"); got != want {
			t.Errorf("round trip of %q gave %q", s, got)
		}
	}
}
