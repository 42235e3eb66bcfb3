package sigv4

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
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

// sharedPath locates sub in ../shared next to the repository root (or in
// $MOAT_SHARED_DIR, which lets the skip path be checked).
func sharedPath(sub string) (string, bool) {
	root := filepath.Join("..", "..", "shared")
	if env := os.Getenv("MOAT_SHARED_DIR"); env != "" {
		root = env
	}
	dir := filepath.Join(root, sub)
	_, err := os.Stat(dir)
	return dir, err == nil
}

// sharedDir returns sharedPath(sub) or skips the test.
func sharedDir(t testing.TB, sub string) string {
	t.Helper()
	dir, ok := sharedPath(sub)
	if !ok {
		t.Skipf("shared reference data not available at %s; moat's own generated vectors still run", dir)
	}
	return dir
}

// readWire parses a raw HTTP/1.1 request as a server would and returns it
// with its complete body.
func readWire(t testing.TB, raw []byte) (*http.Request, []byte) {
	t.Helper()
	r, body, err := readWireErr(raw)
	if err != nil {
		t.Fatal(err)
	}
	return r, body
}

func readWireErr(raw []byte) (*http.Request, []byte, error) {
	r, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
	if err != nil {
		return nil, nil, fmt.Errorf("ReadRequest: %w", err)
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, nil, fmt.Errorf("reading body: %w", err)
	}
	return r, body, nil
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

func mustRead(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func itoa(n int) string         { return strconv.Itoa(n) }
func itoaHex(n int) string      { return strconv.FormatInt(int64(n), 16) }
func hexString(b []byte) string { return hex.EncodeToString(b) }
func b64(b []byte) string       { return base64.StdEncoding.EncodeToString(b) }
