package protocol

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moatdev/moat/internal/awserr"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// sharedWire is the capture corpus; tests that read it skip when it is absent.
const sharedWire = "/work/shared/wire/captures"

func sharedFile(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(sharedWire, rel))
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("shared capture %s absent (needs /work/shared/wire/captures): skipping", rel)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// captured parses a raw captured request into a Request.
func captured(t *testing.T, rel string) *Request {
	t.Helper()
	raw := sharedFile(t, rel)
	r, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
	if err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	return &Request{HTTP: r, Body: body}
}

// capturedResponse returns the status, headers and body of a hand-written response.
func capturedResponse(t *testing.T, rel string) *http.Response {
	t.Helper()
	raw := sharedFile(t, rel)
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(raw)), nil)
	if err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	return resp
}

func formRequest(body string, hdr ...string) *Request {
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	return &Request{HTTP: r, Body: []byte(body)}
}

func jsonRequest(target, body string) *Request {
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-amz-json-1.1")
	r.Header.Set("X-Amz-Target", target)
	return &Request{HTTP: r, Body: []byte(body)}
}

// goldenHeaders are the response headers a golden file pins.
var goldenHeaders = []string{"Content-Type", "X-Amzn-Requestid", "X-Amzn-Errortype", "X-Amz-Request-Id", "X-Amz-Id-2", "Content-Length", "X-Amz-Version-Id", "Location", "Etag", "Last-Modified", "X-Amz-Meta-Owner"}

// render turns a recorded response into the golden text: status, pinned
// headers, blank line, body.
func render(rec *httptest.ResponseRecorder) string {
	var b strings.Builder
	b.WriteString(itoa(rec.Code))
	b.WriteString("\n")
	for _, h := range goldenHeaders {
		if v := rec.Header().Get(h); v != "" {
			b.WriteString(h + ": " + v + "\n")
		}
	}
	b.WriteString("\n")
	b.Write(rec.Body.Bytes())
	return b.String()
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden %s: %v (run go test -run %s -update)", path, err, t.Name())
	}
	if got != string(want) {
		t.Errorf("%s differs\n got: %q\nwant: %q", path, got, want)
	}
}

// wantAWSErr asserts err is an *awserr.Error with the code, status and message.
func wantAWSErr(t *testing.T, err error, code string, status int, msg string) {
	t.Helper()
	var e *awserr.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T), want *awserr.Error %s", err, err, code)
	}
	if e.Code != code || e.Status != status {
		t.Errorf("got %s %d, want %s %d (message %q)", e.Code, e.Status, code, status, e.Message)
	}
	if msg != "" && e.Message != msg {
		t.Errorf("message\n got: %q\nwant: %q", e.Message, msg)
	}
}
