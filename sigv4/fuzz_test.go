package sigv4

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// checkParsed asserts what Parse guarantees, then runs Verify (which must
// not panic and must fail with an *Error or succeed).
func checkParsed(t *testing.T, r *http.Request, a *Auth, err error) {
	if err != nil {
		var e *Error
		if !errors.As(err, &e) || a != nil {
			t.Fatalf("Parse returned %v, %v: want a nil Auth and an *Error", a, err)
		}
		return
	}
	if a == nil {
		return
	}
	if a.AccessKeyID == "" || a.Region == "" || a.Service == "" || a.Date != a.Time.UTC().Format(shortTimeFormat) {
		t.Fatalf("inconsistent scope: %+v", a)
	}
	if strings.Count(a.Scope(), "/") != 3 || !strings.HasSuffix(a.Scope(), "/aws4_request") {
		t.Fatalf("bad scope %q", a.Scope())
	}
	hasHost := false
	for _, h := range a.SignedHeaders {
		hasHost = hasHost || h == "host"
	}
	if !hasHost || a.Expires < 0 || a.Expires > MaxPresignExpires {
		t.Fatalf("Parse accepted %+v", a)
	}
	v := &Verifier{Lookup: testLookup(), Now: fixedNow(a.Time)}
	if _, err := v.Verify(context.Background(), r, a, nil); err != nil {
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("Verify returned %T %v, want *Error", err, err)
		}
	}
}

func FuzzParseAuthorization(f *testing.F) {
	valid := readWireNoT(base.wireRequest(f))
	f.Add(valid.Header.Get("Authorization"), valid.Header.Get(amzDate), valid.Header.Get("Content-Type"))
	f.Add(strings.ReplaceAll(valid.Header.Get("Authorization"), ", ", ","), valid.Header.Get(amzDate), "")
	f.Add("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261129/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=0000", "20261129T100413Z", "")
	f.Add("AWS4-HMAC-SHA256 Credential=a/b/c/d/e/f, SignedHeaders=;;, Signature=", "2026", "")
	f.Add("AWS4-ECDSA-P256-SHA256 Credential=x", "", "")
	f.Add("AWS AKIAIOSFODNN7EXAMPLE:abc", "", "")
	f.Add("AWS4-HMAC-SHA256 ,,,Credential", "20261129T100413Z", "x")
	f.Add("AWS4-HMAC-SHA256", "", "")
	f.Fuzz(func(t *testing.T, authz, date, ctype string) {
		r := &http.Request{Method: "POST", URL: &url.URL{Path: "/"}, Host: "127.0.0.1:45454", RequestURI: "/",
			Header: http.Header{"Authorization": {authz}, "X-Amz-Date": {date}, "Content-Type": {ctype}}}
		a, err := Parse(r)
		if authz != "" && a == nil && err == nil {
			t.Fatal("an Authorization header parsed as anonymous")
		}
		checkParsed(t, r, a, err)
	})
}

func FuzzParsePresigned(f *testing.F) {
	for _, c := range genCases {
		if c.presign {
			r := readWireNoT(c.wireRequest(f))
			f.Add(r.URL.RawQuery)
		}
	}
	f.Add("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")
	f.Add("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=a&X-Amz-Signature=&X-Amz-Expires=-1")
	f.Add("AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=x&Expires=1")
	f.Add("X-Amz-Signature=1;2&%zz")
	f.Fuzz(func(t *testing.T, q string) {
		r := &http.Request{Method: "GET", URL: &url.URL{Path: "/b/k", RawQuery: q}, Host: "127.0.0.1:45454",
			RequestURI: "/b/k?" + q, Header: http.Header{}}
		a, err := Parse(r)
		if a != nil && !a.Presigned {
			t.Fatal("query auth parsed as header auth")
		}
		checkParsed(t, r, a, err)
	})
}

// readWireNoT is readWire for fuzz setup; a broken seed shows up as a nil
// dereference right away.
func readWireNoT(raw []byte) *http.Request {
	r, _, _ := readWireErr(raw)
	return r
}

// FuzzChunkedReader feeds arbitrary aws-chunked bodies, signed and unsigned:
// no panic, and any error is one of the documented ones.
func FuzzChunkedReader(f *testing.F) {
	f.Add([]byte("12\r\nseekable body 456\n\r\n0\r\nx-amz-checksum-crc32:/fynKA==\r\n\r\n"), false)
	f.Add([]byte("5;chunk-signature="+strings.Repeat("a", 64)+"\r\nhello\r\n0;chunk-signature="+strings.Repeat("b", 64)+"\r\n\r\n"), true)
	f.Add([]byte("0\r\n\r\n"), false)
	f.Add([]byte("ffffffff\r\n"), true)
	f.Fuzz(func(t *testing.T, body []byte, signed bool) {
		a := &Auth{PayloadHash: StreamingUnsignedPayloadTrailer, AccessKeyID: "AKID", Date: "20261129",
			Region: "us-east-1", Service: "s3", Time: signTime, Signature: strings.Repeat("c", 64)}
		if signed {
			a.PayloadHash = StreamingPayload
		}
		r := &http.Request{Header: http.Header{"X-Amz-Trailer": {"x-amz-checksum-crc32"}}}
		cr, err := NewChunkedReader(r, bytes.NewReader(body), a, Credentials{SecretAccessKey: "s"})
		if err != nil {
			t.Fatal(err)
		}
		out, err := io.ReadAll(cr)
		var e *Error
		if err != nil && !errors.Is(err, ErrMalformedChunk) && !errors.Is(err, ErrChecksumMismatch) && !errors.As(err, &e) {
			t.Fatalf("undocumented error %T %v", err, err)
		}
		if len(out) > len(body) {
			t.Fatalf("decoded %d bytes from %d", len(out), len(body))
		}
	})
}
