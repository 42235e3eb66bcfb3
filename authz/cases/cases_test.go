package cases_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moatdev/moat/authz"
	"github.com/moatdev/moat/authz/cases"
	"github.com/moatdev/moat/policy"
)

const (
	doc     = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	request = `"request":{"principal":"arn:aws:iam::111122223333:user/alice","action":"s3:GetObject","resource":"arn:aws:s3:::b/k","resourceAccount":"111122223333"}`
)

// outcome is what Next returned for one case: an id and an error message or "".
type outcome struct{ id, err string }

func readAll(t *testing.T, input string, managed cases.Managed) ([]outcome, []*cases.Case) {
	t.Helper()
	rd := cases.NewReader(strings.NewReader(input), managed)
	var out []outcome
	var good []*cases.Case
	for {
		c, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return out, good
		}
		var ce *cases.CaseError
		switch {
		case errors.As(err, &ce):
			out = append(out, outcome{ce.ID, ce.Message})
		case err != nil:
			t.Fatalf("read error: %v", err)
		default:
			out = append(out, outcome{c.ID, ""})
			good = append(good, c)
		}
	}
}

func TestReaderErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, line string
		want       outcome
	}{
		{"syntax error gives line and column", `{"id": "a", "request": }`, outcome{"line-1", "invalid JSON at line 1, column 24: invalid character '}' looking for beginning of value"}},
		{"not an object", `[1, 2]`, outcome{"line-1", "a case must be a JSON object, got array"}},
		{"missing id", `{` + request + `}`, outcome{"line-1", "id: missing required member"}},
		{"empty id", `{"id": "", ` + request + `}`, outcome{"line-1", "id: must not be empty"}},
		{"id not a string", `{"id": 7, ` + request + `}`, outcome{"line-1", "id: must be a string"}},
		{"missing request", `{"id": "a"}`, outcome{"a", "request: missing required member"}},
		{"request not an object", `{"id": "a", "request": "x"}`, outcome{"a", "request: must be a JSON object"}},
		{"missing principal", `{"id": "a", "request": {"action": "s3:GetObject", "resource": "*", "resourceAccount": "111122223333"}}`, outcome{"a", "request.principal: missing required member"}},
		{"action not a string", `{"id": "a", "request": {"principal": "anonymous", "action": 1, "resource": "*", "resourceAccount": "111122223333"}}`, outcome{"a", "request.action: must be a string"}},
		{"missing resourceAccount", `{"id": "a", "request": {"principal": "anonymous", "action": "s3:GetObject", "resource": "*"}}`, outcome{"a", "request.resourceAccount: missing required member"}},
		{"context value object", `{"id": "a", "request": {"principal": "anonymous", "action": "s3:GetObject", "resource": "*", "resourceAccount": "111122223333", "context": {"k": {}}}}`, outcome{"a", `request.context["k"]: must be a string or an array of strings`}},
		{"context array item object", `{"id": "a", "request": {"principal": "anonymous", "action": "s3:GetObject", "resource": "*", "resourceAccount": "111122223333", "context": {"aws:TagKeys": ["a", {}]}}}`, outcome{"a", `request.context["aws:TagKeys"][1]: must be a string`}},
		{"policies not an object", `{"id": "a", ` + request + `, "policies": []}`, outcome{"a", "policies: must be a JSON object"}},
		{"identity not an array", `{"id": "a", ` + request + `, "policies": {"identity": ` + doc + `}}`, outcome{"a", "policies.identity: must be a JSON array"}},
		{"not a policy form", `{"id": "a", ` + request + `, "policies": {"identity": [{"Effect": "Allow"}]}}`, outcome{"a", `policies.identity[0]: must be a policy: a document with "Statement", {"name", "policy"} or {"managedPolicy"}`}},
		{"bad effect names the JSON path", `{"id": "a", ` + request + `, "policies": {"identity": [{"name": "N", "policy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}, {"Effect": "allow", "Action": "*", "Resource": "*"}]}}]}}`,
			outcome{"a", `policies.identity[0].policy.Statement[1].Effect: `}},
		{"unknown managed policy", `{"id": "a", ` + request + `, "policies": {"identity": [{"managedPolicy": "Nope"}]}}`, outcome{"a", `policies.identity[0].managedPolicy: unknown managed policy "Nope"`}},
		{"scp level not an object", `{"id": "a", ` + request + `, "policies": {"scps": ["x"]}}`, outcome{"a", "policies.scps[0]: must be a JSON object"}},
		{"scp target not a string", `{"id": "a", ` + request + `, "policies": {"scps": [{"target": 1, "policies": []}]}}`, outcome{"a", "policies.scps[0].target: must be a string"}},
		{"bad document inside an scp level", `{"id": "a", ` + request + `, "policies": {"scps": [{"target": "r", "policies": [{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}, {"Statement": 3}]}]}}`,
			outcome{"a", "policies.scps[0].policies[1].Statement: "}},
		{"session policy with Principal", `{"id": "a", ` + request + `, "policies": {"session": {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}}}}`,
			outcome{"a", "policies.session.Statement"}},
		{"bad principal", `{"id": "a", "request": {"principal": "not a principal", "action": "s3:GetObject", "resource": "*", "resourceAccount": "111122223333"}}`, outcome{"a", "request.principal: "}},
	}
	for _, tt := range tests {
		got, _ := readAll(t, tt.line+"\n", cases.Managed{})
		if len(got) != 1 {
			t.Errorf("%s: %d outcomes, want 1", tt.name, len(got))
			continue
		}
		if got[0].id != tt.want.id || !strings.HasPrefix(got[0].err, tt.want.err) || got[0].err == "" {
			t.Errorf("%s:\n got %+v\nwant %+v", tt.name, got[0], tt.want)
		}
	}
}

// TestReaderLines checks skipping, line numbering and that a bad case never stops the run.
func TestReaderLines(t *testing.T) {
	t.Parallel()
	input := strings.Join([]string{
		`# a comment`,
		``,
		`   // another comment`,
		`{"id": "first", ` + request + `, "policies": {"identity": [` + doc + `]}}`,
		`{not json`,
		`{"id": "third", "note": "members this reader does not know are ignored", ` + request + `}`,
		"\t",
		`{"id": "crlf", ` + request + "}\r",
		`{"id": "last-without-newline", ` + request + `}`,
	}, "\n")
	got, good := readAll(t, input, nil)
	want := []outcome{{"first", ""}, {"line-5", "invalid JSON at line 5, column 2: invalid character 'n' looking for beginning of object key string"}, {"third", ""}, {"crlf", ""}, {"last-without-newline", ""}}
	if len(got) != len(want) {
		t.Fatalf("got %d outcomes %+v, want %d", len(got), got, len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("case %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
	if good[0].Line != 4 || len(good[0].Policies.Identity) != 1 || good[3].Line != 9 {
		t.Errorf("line numbers / policies: %d %d %d", good[0].Line, len(good[0].Policies.Identity), good[3].Line)
	}
}

func TestReaderForms(t *testing.T) {
	t.Parallel()
	managed := cases.Managed{"ReadOnly": {ARN: "arn:aws:iam::aws:policy/ReadOnly", VersionID: "v1", Document: []byte(doc)}}
	line := `{"id": "forms", "request": {"principal": "arn:aws:sts::111122223333:assumed-role/app/s", "action": "sts:AssumeRole",
	  "resource": "arn:aws:iam::111122223333:role/target", "resourceAccount": "111122223333",
	  "context": {"aws:TagKeys": ["a", "b"], "s3:max-keys": 10, "aws:SecureTransport": true}},
	  "policies": {"identity": [` + doc + `, {"name": "Named", "policy": ` + doc + `}, {"managedPolicy": "ReadOnly"}, {"name": "Mine", "managedPolicy": "ReadOnly"}],
	    "resource": {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "sts:AssumeRole"}},
	    "permissionBoundary": ` + doc + `, "session": ` + doc + `,
	    "scps": [{"target": "r-root", "policies": [` + doc + `]}, {"target": "111122223333", "policies": []}],
	    "rcps": [], "vpcEndpoint": [{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}}]}}`
	line = strings.ReplaceAll(line, "\n", " ")
	got, good := readAll(t, line, managed)
	if len(good) != 1 {
		t.Fatalf("outcomes %+v", got)
	}
	p := good[0].Policies
	names := []string{p.Identity[0].Name, p.Identity[1].Name, p.Identity[2].Name, p.Identity[3].Name}
	if strings.Join(names, ",") != ",Named,ReadOnly,Mine" || p.Identity[2].ARN != "arn:aws:iam::aws:policy/ReadOnly" {
		t.Errorf("names %q, managed ARN %q", names, p.Identity[2].ARN)
	}
	if p.Resource == nil || p.ResourceKind != authz.RoleTrust || p.Resource.Compiled.Kind() != policy.Trust {
		t.Errorf("trust policy: %+v", p.Resource)
	}
	if len(p.PermissionsBoundary) != 1 || len(p.Session) != 1 || !p.HasSession || len(p.SCPs) != 2 || p.SCPs[0].Target != "r-root" || len(p.VPCEndpoint) != 1 {
		t.Errorf("policies: %+v", p)
	}
	r := good[0].Request
	if !r.Caller.HasPermissionsBoundary || r.Caller.Kind != policy.AssumedRole || r.ResourceAccount != "111122223333" {
		t.Errorf("caller: %+v", r.Caller)
	}
	if v, multi, _ := r.Context.Get("aws:tagkeys"); !multi || len(v) != 2 {
		t.Errorf("aws:TagKeys = %q multi=%v", v, multi)
	}
	if v, _, _ := r.Context.Get("s3:max-keys"); len(v) != 1 || v[0] != "10" {
		t.Errorf("s3:max-keys = %q", v)
	}
	if v, _, _ := r.Context.Get("aws:SecureTransport"); len(v) != 1 || v[0] != "true" {
		t.Errorf("aws:SecureTransport = %q", v)
	}
}

// TestReaderCachesCompiledPolicies checks that a repeated document compiles once.
func TestReaderCachesCompiledPolicies(t *testing.T) {
	t.Parallel()
	line := `{"id": "x", ` + request + `, "policies": {"identity": [` + doc + `, ` + doc + `]}}`
	_, good := readAll(t, line+"\n"+line, nil)
	if len(good) != 2 {
		t.Fatalf("%d cases", len(good))
	}
	c := good[0].Policies.Identity[0].Compiled
	if good[0].Policies.Identity[1].Compiled != c || good[1].Policies.Identity[0].Compiled != c {
		t.Error("the same document compiled more than once in a run")
	}
}

func TestReadManaged(t *testing.T) {
	t.Parallel()
	m, err := cases.ReadManaged(strings.NewReader(`{"AWSDenyAll": {"arn": "arn:aws:iam::aws:policy/AWSDenyAll", "versionId": "v2", "document": ` + doc + `}}`))
	if err != nil || m["AWSDenyAll"].VersionID != "v2" || m["AWSDenyAll"].ARN == "" {
		t.Fatalf("ReadManaged: %+v %v", m, err)
	}
	for name, in := range map[string]string{
		"not JSON":            `{`,
		"document not object": `{"X": {"arn": "a", "document": "{}"}}`,
		"not an object":       `[]`,
	} {
		if _, err := cases.ReadManaged(strings.NewReader(in)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestReaderReadError(t *testing.T) {
	t.Parallel()
	rd := cases.NewReader(io.MultiReader(strings.NewReader(`{"id": "a"`), errReader{}), nil)
	if _, err := rd.Next(); err == nil || errors.Is(err, io.EOF) {
		t.Fatalf("want the read error, got %v", err)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestReaderLongLine(t *testing.T) {
	t.Parallel()
	var stmts []string
	for range 2000 {
		stmts = append(stmts, `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket-with-a-long-name/*"}`)
	}
	big := `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
	docs := strings.Repeat(big+",", 11) + big
	line := `{"id": "big", ` + request + `, "policies": {"identity": [` + docs + `]}}`
	if len(line) < 1<<20 {
		t.Fatalf("line only %d bytes; the test needs one longer than the read buffer", len(line))
	}
	got, _ := readAll(t, line+"\n", nil)
	if len(got) != 1 || got[0] != (outcome{"big", ""}) {
		t.Fatalf("got %+v", got)
	}
}

// BenchmarkReadAndEvaluate measures the "moat policy eval" loop (read a case,
// compile its policies through the per-run cache, decide) over the decision
// corpus: go test ./authz/cases -run '^$' -bench ReadAndEvaluate -cpu 1
func BenchmarkReadAndEvaluate(b *testing.B) {
	files, err := filepath.Glob("../testdata/*.jsonl")
	if err != nil || len(files) == 0 {
		b.Fatalf("no corpus in ../testdata (err %v)", err)
	}
	var corpus []byte
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		corpus = append(corpus, data...)
	}
	input := bytes.Repeat(corpus, 20)
	b.SetBytes(int64(len(input)))
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		rd := cases.NewReader(bytes.NewReader(input), nil)
		for {
			c, err := rd.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			n++
			if err == nil {
				authz.Evaluate(&c.Request, &c.Policies)
			}
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "cases/s")
}

func TestReaderRaw(t *testing.T) {
	t.Parallel()
	line := `{"id": "r", "expect": "Allowed", ` + request + `}`
	rd := cases.NewReader(strings.NewReader(line+"\n"), nil)
	c, err := rd.Next()
	if err != nil {
		t.Fatal(err)
	}
	if string(c.Raw) != line {
		t.Fatalf("Raw = %q, want the line", c.Raw)
	}
}

func TestReaderBuiltinOrganizationsPolicies(t *testing.T) {
	t.Parallel()
	line := `{"id": "b", ` + request + `, "policies": {"scps": [{"target": "r-root", "policies": [{"managedPolicy": "FullAWSAccess"}]}],
	  "rcps": [{"target": "r-root", "policies": [{"managedPolicy": "RCPFullAWSAccess"}]}]}}`
	got, good := readAll(t, strings.ReplaceAll(line, "\n", " "), nil)
	if len(good) != 1 {
		t.Fatalf("outcomes %+v", got)
	}
	scp := good[0].Policies.SCPs[0].Policies[0]
	if scp.Name != "FullAWSAccess" || !strings.Contains(scp.ARN, "p-FullAWSAccess") || good[0].Policies.RCPs[0].Policies[0].Name != "RCPFullAWSAccess" {
		t.Errorf("built-in policies: %+v", good[0].Policies)
	}
	mine := cases.Managed{"FullAWSAccess": {ARN: "mine", Document: []byte(doc)}}
	_, good = readAll(t, strings.ReplaceAll(line, "\n", " "), mine)
	if len(good) != 1 || good[0].Policies.SCPs[0].Policies[0].ARN != "mine" {
		t.Errorf("the managed-policies file must win over the built-in document")
	}
}
