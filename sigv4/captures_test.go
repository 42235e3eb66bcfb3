package sigv4

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

type capture struct {
	name string
	raw  []byte
}

func loadCaptures(t *testing.T) []capture {
	t.Helper()
	dir := sharedDir(t, filepath.Join("wire", "captures"))
	var cs []capture
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "responses" {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".http") {
			return nil
		}
		raw, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		cs = append(cs, capture{rel, raw})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 73 {
		t.Fatalf("found %d request captures, want 73 (see captures/README.md)", len(cs))
	}
	return cs
}

const eksCapture = "eks/simulated-authenticator-GetCallerIdentity-json.http"

// TestCaptures verifies every signed request a real client sent.
func TestCaptures(t *testing.T) {
	t.Parallel()
	var signed, unsigned, presigned int
	for _, c := range loadCaptures(t) {
		r, body := readWire(t, c.raw)
		a, err := Parse(r)
		if err != nil {
			t.Errorf("%s: Parse: %v", c.name, err)
			continue
		}
		if a == nil {
			unsigned++
			continue
		}
		signed++
		if a.Presigned {
			presigned++
		}
		v := &Verifier{Lookup: testLookup(), Now: fixedNow(a.Time.Add(time.Minute))}
		if c.name == eksCapture {
			// Signed for the real STS host, replayed to loopback (captures README).
			_, err := v.Verify(context.Background(), r, a, body)
			wantKind(t, err, SignatureMismatch)
			r.Host = "sts.us-east-1.amazonaws.com"
		}
		creds, err := v.Verify(context.Background(), r, a, body)
		if err != nil {
			var ce *Error
			if e, ok := err.(*Error); ok {
				ce = e
			}
			t.Errorf("%s: Verify: %v\n%+v", c.name, err, ce)
			continue
		}
		if creds.AccessKeyID != a.AccessKeyID {
			t.Errorf("%s: credentials for %s, want %s", c.name, creds.AccessKeyID, a.AccessKeyID)
		}
	}
	if signed != 64 || unsigned != 9 || presigned != 3 {
		t.Fatalf("signed=%d unsigned=%d presigned=%d, want 64, 9, 3", signed, unsigned, presigned)
	}
}

// TestCapturesTampered changes one byte of the path, of a signed header and
// of the body of each signed capture: each change must be caught.
func TestCapturesTampered(t *testing.T) {
	t.Parallel()
	var cases int
	for _, c := range loadCaptures(t) {
		r, _ := readWire(t, c.raw)
		a, err := Parse(r)
		if err != nil || a == nil || c.name == eksCapture {
			continue
		}
		for _, m := range mutations(t, c.raw, a) {
			r, body := readWire(t, m.raw)
			a2, err := Parse(r)
			if err == nil {
				v := &Verifier{Lookup: testLookup(), Now: fixedNow(a.Time.Add(time.Minute))}
				_, err = v.Verify(context.Background(), r, a2, body)
			}
			if err == nil {
				t.Errorf("%s: %s: tampered request verified", c.name, m.what)
				continue
			}
			e, ok := err.(*Error)
			if !ok || e.Kind != m.want {
				t.Errorf("%s: %s: got %v, want kind %v", c.name, m.what, err, m.want)
			}
			cases++
		}
	}
	// 63 captures x (path + header) + 51 signed bodies (the 2 aws-chunked
	// TLS bodies are unsigned by design; the rest of the requests are empty).
	if cases != 2*63+51 {
		t.Fatalf("ran %d tamper cases, want %d", cases, 2*63+51)
	}
}

type mutation struct {
	what string
	raw  []byte
	want ErrorKind
}

// flip returns raw with the byte at i changed.
func flip(raw []byte, i int) []byte {
	out := bytes.Clone(raw)
	if out[i] == 'a' {
		out[i] = 'b'
	} else {
		out[i] = 'a'
	}
	return out
}

func mutations(t *testing.T, raw []byte, a *Auth) []mutation {
	t.Helper()
	var ms []mutation
	// Path: the last byte before '?' or ' ' on the request line.
	sp := bytes.IndexByte(raw, ' ')
	end := sp + 1 + bytes.IndexAny(raw[sp+1:], "? ")
	if end-1 == sp+1 { // path "/": insert a byte
		p := append(append(bytes.Clone(raw[:end]), 'x'), raw[end:]...)
		ms = append(ms, mutation{"path", p, SignatureMismatch})
	} else {
		ms = append(ms, mutation{"path", flip(raw, end-1), SignatureMismatch})
	}
	// A signed header other than host and x-amz-date (host for presigned URLs).
	hdrEnd := bytes.Index(raw, []byte("\r\n\r\n"))
	target := "host"
	for _, h := range a.SignedHeaders {
		if h != "host" && h != "x-amz-date" && h != "content-length" {
			target = h
			break
		}
	}
	lines := bytes.Split(raw[:hdrEnd], []byte("\r\n"))
	off := 0
	for _, l := range lines {
		name, _, ok := bytes.Cut(l, []byte(":"))
		if ok && strings.EqualFold(string(name), target) {
			ms = append(ms, mutation{"header " + target, flip(raw, off+len(l)-1), SignatureMismatch})
			break
		}
		off += len(l) + 2
	}
	// Body.
	if bodyStart := hdrEnd + 4; bodyStart < len(raw) {
		switch {
		case a.PayloadHash == "":
			ms = append(ms, mutation{"body", flip(raw, len(raw)-1), SignatureMismatch})
		case len(a.PayloadHash) == 64:
			ms = append(ms, mutation{"body", flip(raw, len(raw)-1), ContentSHA256Mismatch})
		}
	}
	if len(ms) < 2 {
		t.Fatalf("only %d mutations built", len(ms))
	}
	return ms
}
