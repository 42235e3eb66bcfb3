package asff_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/moatdev/moat/asff"
)

// httpBody returns what follows the blank line of a captured HTTP message.
func httpBody(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	i := bytes.Index(data, []byte("\n\n"))
	if i < 0 {
		t.Fatalf("%s: no body", path)
	}
	return data[i+2:]
}

// The GetFindings requests the real AWS CLI v2 and aws-sdk-go-v2 sent
// (captured in shared/wire) compile, and match the finding of the captured
// response.
func TestWireGetFindings(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..", "..", "shared", "wire", "captures")
	if _, err := os.Stat(root); err != nil {
		t.Skipf("shared wire captures not present (%v)", err)
	}
	var resp struct{ Findings json.RawMessage }
	if err := json.Unmarshal(httpBody(t, filepath.Join(root, "responses", "securityhub-GetFindings.response.http")), &resp); err != nil {
		t.Fatal(err)
	}
	res, err := asff.ParseFindings(resp.Findings)
	if err != nil || len(res.Findings) != 1 || len(res.FailedFindings) != 0 {
		t.Fatalf("response findings: %v %+v", err, res)
	}
	reqs := []string{filepath.Join(root, "aws-cli-2.9.19", "cli-securityhub-GetFindings.http"), filepath.Join(root, "aws-sdk-go-v2", "sdk-securityhub-GetFindings.http")}
	for _, p := range reqs {
		var req struct {
			Filters    json.RawMessage
			MaxResults int
		}
		if err := json.Unmarshal(httpBody(t, p), &req); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		fs, err := asff.ParseFilters(req.Filters)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		c, err := asff.Compile(fs, testNow)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if !c.Match(&res.Findings[0]) {
			t.Fatalf("%s: the HIGH finding does not match", p)
		}
		low := res.Findings[0]
		low.Severity = &asff.Severity{Label: "LOW"}
		if c.Match(&low) {
			t.Fatalf("%s: a LOW finding matches", p)
		}
	}
}
