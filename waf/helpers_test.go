package waf

import (
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fakeClock is a settable clock for rate-based rules and tokens.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func newClock() *fakeClock { return &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)} }

// compileJSON compiles an ACL from JSON text with options.
func compileJSON(t testing.TB, acl string, opts Options) *WebACL {
	t.Helper()
	f, err := ParseWebACL([]byte(acl))
	if err != nil {
		t.Fatalf("ParseWebACL: %v", err)
	}
	w, err := Compile(f, opts)
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	return w
}

func get(uri string, headers ...string) *Request {
	r := &Request{Method: "GET", URI: uri, ClientIP: netip.MustParseAddr("203.0.113.9")}
	for i := 0; i+1 < len(headers); i += 2 {
		r.Headers = append(r.Headers, Header{Name: headers[i], Value: headers[i+1]})
	}
	return r
}

func eval(w *WebACL, r *Request) Result {
	var res Result
	w.Evaluate(r, &res)
	return res
}

func hasLabel(res Result, l string) bool {
	for _, x := range res.Labels {
		if x == l {
			return true
		}
	}
	return false
}
