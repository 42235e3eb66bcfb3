package sigv4

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// The AWS documentation example keys, also used by the shared captures.
var (
	docCreds = Credentials{
		AccessKeyID:     "AKIAIOSFODNN7EXAMPLE",
		SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
	}
	sessionCreds = Credentials{
		AccessKeyID:     "ASIAIOSFODNN7SESSION",
		SecretAccessKey: "sessionSecretKeyEXAMPLEEXAMPLEEXAMPLE00",
		SessionToken:    "FwoGZXIvYXdzEXAMPLESESSIONTOKEN",
	}
)

// mapLookup is a Lookup over a fixed set of credentials.
type mapLookup map[string]Credentials

func (m mapLookup) Credentials(_ context.Context, akid string) (Credentials, error) {
	c, ok := m[akid]
	if !ok {
		return Credentials{}, fmt.Errorf("no key %q: %w", akid, ErrUnknownAccessKey)
	}
	return c, nil
}

func testLookup(extra ...Credentials) mapLookup {
	m := mapLookup{docCreds.AccessKeyID: docCreds, sessionCreds.AccessKeyID: sessionCreds}
	for _, c := range extra {
		m[c.AccessKeyID] = c
	}
	return m
}

// fixedNow returns a clock stopped at t.
func fixedNow(t time.Time) func() time.Time { return func() time.Time { return t } }

// sharedDir locates ../shared next to the repository root, or skips.
func sharedDir(t testing.TB, sub string) string {
	t.Helper()
	dir := filepath.Join("..", "..", "shared", sub)
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("shared reference data not available (%s: %v); moat's own generated vectors still run", dir, err)
	}
	return dir
}

// readWire parses a raw HTTP/1.1 request as a server would and returns it
// with its complete body.
func readWire(t testing.TB, raw []byte) (*http.Request, []byte) {
	t.Helper()
	r, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
	if err != nil {
		t.Fatalf("ReadRequest: %v", err)
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatalf("reading body: %v", err)
	}
	return r, body
}

// wantKind fails unless err is an *Error of kind k.
func wantKind(t testing.TB, err error, k ErrorKind) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("got error %v (%T), want *Error of kind %v", err, err, k)
	}
	if e.Kind != k {
		t.Fatalf("got kind %v (%q), want %v", e.Kind, e.Message, k)
	}
	return e
}
