package sigv4

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

var signTime = time.Date(2026, 11, 29, 10, 4, 13, 0, time.UTC)

// genCase is a request signed client side by aws-sdk-go-v2's signer, sent
// over the wire and verified server side.
type genCase struct {
	name     string
	method   string
	url      string // as the client builds it; Path is set from path when non-empty
	path     string // unescaped path (to exercise the client's escaping)
	body     string
	service  string
	creds    Credentials
	presign  bool
	expires  string // X-Amz-Expires for presigned URLs
	header   http.Header
	hashHdr  bool // send X-Amz-Content-Sha256 with the body's hash (S3)
	unsigned http.Header
	rewrite  func(*http.Request) // after signing, before sending
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// wireRequest signs c with the SDK signer and returns the raw bytes a client
// would send.
func (c genCase) wireRequest(t testing.TB) []byte {
	t.Helper()
	var body *bytes.Reader
	if c.body != "" {
		body = bytes.NewReader([]byte(c.body))
	}
	var req *http.Request
	var err error
	if body != nil {
		req, err = http.NewRequest(c.method, c.url, body)
	} else {
		req, err = http.NewRequest(c.method, c.url, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	if c.path != "" {
		req.URL.Path, req.URL.RawPath = c.path, ""
	}
	for k, vs := range c.header {
		req.Header[k] = vs
	}
	hash := sha256Hex([]byte(c.body))
	if c.hashHdr {
		req.Header.Set(amzContentSHA256, hash)
	}
	if h := req.Header.Get(amzContentSHA256); h != "" {
		hash = h
	}
	creds := aws.Credentials{AccessKeyID: c.creds.AccessKeyID, SecretAccessKey: c.creds.SecretAccessKey, SessionToken: c.creds.SessionToken}
	s3 := func(o *v4.SignerOptions) { o.DisableURIPathEscaping = c.service == "s3" }
	signer := v4.NewSigner()
	if c.presign {
		if c.service == "s3" {
			hash = UnsignedPayload
		}
		if c.expires != "" {
			q := req.URL.Query()
			q.Set(amzExpires, c.expires)
			req.URL.RawQuery = q.Encode()
		}
		uri, hdr, err := signer.PresignHTTP(context.Background(), creds, req, hash, c.service, "us-east-1", signTime, s3)
		if err != nil {
			t.Fatal(err)
		}
		u, _ := url.Parse(uri)
		req.URL = u
		req.Header = http.Header{}
		for k, vs := range hdr {
			if k != "Host" {
				req.Header[k] = vs
			}
		}
	} else if err := signer.SignHTTP(context.Background(), creds, req, hash, c.service, "us-east-1", signTime, s3); err != nil {
		t.Fatal(err)
	}
	for k, vs := range c.unsigned {
		req.Header[k] = vs
	}
	if c.rewrite != nil {
		c.rewrite(req)
	}
	var buf bytes.Buffer
	if err := req.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var genCases = []genCase{
	{name: "iam POST form, content-length signed", method: "POST", url: "http://127.0.0.1:45454/",
		body: "Action=CreateUser&UserName=alice&Version=2010-05-08", service: "iam", creds: docCreds,
		header: http.Header{"Content-Type": {"application/x-www-form-urlencoded; charset=utf-8"}}},
	{name: "sts GET with special query characters", method: "GET",
		url:     "http://127.0.0.1:45454/?Action=GetCallerIdentity&Version=2011-06-15&sp=a+b&pct=a%20b&k%2B=~*'!()&empty=&z=2&z=1&slash=a/b&uni=%C3%A9%E2%82%AC",
		service: "sts", creds: docCreds},
	{name: "unicode path, non-S3 double escaping", method: "GET", url: "http://127.0.0.1:45454/x",
		path: "/restapis/ünïcødé/€ space/+plus", service: "execute-api", creds: docCreds},
	{name: "S3 path with // and spaces", method: "PUT", url: "http://127.0.0.1:45454/x", path: "/demo-bucket//dir/hello world+1.txt",
		body: "hello world\n", service: "s3", creds: docCreds, hashHdr: true,
		header: http.Header{"Content-Type": {"text/plain"}, "X-Amz-Meta-Tag": {"a", "b"}}},
	{name: "S3 unicode key, UNSIGNED-PAYLOAD", method: "GET", url: "http://127.0.0.1:45454/x", path: "/demo-bucket/ключ/ü.txt",
		service: "s3", creds: docCreds, header: http.Header{"X-Amz-Content-Sha256": {UnsignedPayload}}},
	{name: "session credentials, token signed", method: "POST", url: "http://127.0.0.1:45454/",
		body: "Action=GetCallerIdentity&Version=2011-06-15", service: "sts", creds: sessionCreds},
	{name: "unsigned headers added after signing", method: "POST", url: "http://127.0.0.1:45454/",
		body: `{"MaxResults":1}`, service: "guardduty", creds: docCreds,
		header:   http.Header{"Content-Type": {"application/x-amz-json-1.1"}, "X-Amz-Target": {"GuardDuty.ListDetectors"}},
		unsigned: http.Header{"Accept-Encoding": {"gzip"}, "Amz-Sdk-Request": {"attempt=1; max=3"}, "User-Agent": {"test"}}},
	{name: "header values with excess spaces", method: "GET", url: "http://127.0.0.1:45454/",
		service: "sts", creds: docCreds, header: http.Header{"X-Amz-Meta-Spaced": {"  a   b    c  "}}},
	{name: "Authorization without spaces after commas", method: "GET", url: "http://127.0.0.1:45454/?Action=ListUsers",
		service: "iam", creds: docCreds, rewrite: func(r *http.Request) {
			r.Header.Set("Authorization", strings.ReplaceAll(r.Header.Get("Authorization"), ", ", ","))
		}},
	{name: "default port stripped by the client", method: "GET", url: "http://localhost:80/?Action=ListUsers",
		service: "iam", creds: docCreds},
	{name: "presigned S3 GET with extra parameters", method: "GET",
		url:     "http://127.0.0.1:45454/demo-bucket/dir/a%20b.txt?x-id=GetObject&X-Amz-Checksum-Mode=ENABLED&response-content-disposition=attachment%3B%20filename%3D%22a%20b%22",
		service: "s3", creds: docCreds, presign: true, expires: "900"},
	{name: "presigned S3 with session token", method: "GET", url: "http://127.0.0.1:45454/demo-bucket/k",
		service: "s3", creds: sessionCreds, presign: true, expires: "3600"},
	{name: "presigned STS with a signed header (EKS token)", method: "GET",
		url:     "http://127.0.0.1:45454/?Action=GetCallerIdentity&Version=2011-06-15",
		service: "sts", creds: docCreds, presign: true, expires: "60", header: http.Header{"X-K8s-Aws-Id": {"demo-cluster"}}},
	{name: "non-S3 accepts unsigned x-amz-* headers", method: "GET", url: "http://127.0.0.1:45454/?Action=ListUsers",
		service: "iam", creds: docCreds, unsigned: http.Header{"X-Amz-Foo": {"bar"}}},
}

func TestGeneratedRoundTrip(t *testing.T) {
	t.Parallel()
	if len(genCases) != 14 {
		t.Fatalf("%d generated cases, want 14", len(genCases))
	}
	for _, c := range genCases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			raw := c.wireRequest(t)
			r, body := readWire(t, raw)
			a, err := Parse(r)
			if err != nil || a == nil {
				t.Fatalf("Parse: %v %v\n%s", a, err, raw)
			}
			if a.Presigned != c.presign || a.Service != c.service || a.Region != "us-east-1" || !a.Time.Equal(signTime) {
				t.Fatalf("parsed %+v", a)
			}
			v := &Verifier{Lookup: testLookup(), Now: fixedNow(signTime.Add(30 * time.Second))}
			creds, err := v.Verify(context.Background(), r, a, body)
			if err != nil {
				e, _ := err.(*Error)
				t.Fatalf("Verify: %v\n%s\n%+v", err, raw, e)
			}
			if creds != c.creds {
				t.Fatalf("credentials %+v, want %+v", creds, c.creds)
			}
			// The same request with a different secret must fail.
			other := c.creds
			other.SecretAccessKey += "x"
			v2 := &Verifier{Lookup: testLookup(other), Now: v.Now}
			wantKind(t, verifyErr(v2, r, a, body), SignatureMismatch)
		})
	}
}

// TestVerifyURL verifies a presigned URL that did not arrive as a request
// (an EKS token): the request is built from the URL, whose host is signed.
func TestVerifyURL(t *testing.T) {
	t.Parallel()
	urls := map[string]time.Time{}
	c := genCases[12] // presigned STS with x-k8s-aws-id
	r, _ := readWire(t, c.wireRequest(t))
	urls["https://sts.us-east-1.amazonaws.com"+r.RequestURI] = signTime // signed for 127.0.0.1: must fail
	if dir, ok := sharedPath(filepath.Join("wire", "captures", "eks")); ok {
		raw, err := os.ReadFile(filepath.Join(dir, "cli-2.9.19-eks-get-token.decoded-presigned-url.txt"))
		if err != nil {
			t.Fatal(err)
		}
		urls[strings.TrimSpace(string(raw))] = time.Date(2026, 11, 29, 10, 6, 18, 0, time.UTC)
	}
	for u, at := range urls {
		req, err := http.NewRequest("GET", u, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-K8s-Aws-Id", "demo-cluster")
		a, err := Parse(req)
		if err != nil || a == nil {
			t.Fatalf("Parse: %v", err)
		}
		v := &Verifier{Lookup: testLookup(), Now: fixedNow(at.Add(30 * time.Second))}
		_, err = v.Verify(context.Background(), req, a, nil)
		if strings.Contains(u, "X-Amz-Date=20261129T100413Z") {
			wantKind(t, err, SignatureMismatch)
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", u, err)
		}
		req.Header.Set("X-K8s-Aws-Id", "other-cluster")
		wantKind(t, verifyErr(v, req, a, nil), SignatureMismatch)
	}
}

// TestVerifyConcurrent shares one Verifier across goroutines (run with -race).
func TestVerifyConcurrent(t *testing.T) {
	t.Parallel()
	v := &Verifier{Lookup: testLookup(), Now: fixedNow(signTime)}
	type item struct {
		r    *http.Request
		a    *Auth
		body []byte
	}
	var items []item
	for _, c := range genCases {
		r, body := readWire(t, c.wireRequest(t))
		a, err := Parse(r)
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, item{r, a, body})
	}
	errs := make(chan error, 8*len(items))
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range items {
				it := items[(i+g)%len(items)]
				_, err := v.Verify(context.Background(), it.r, it.a, it.body)
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	n := 0
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
		n++
	}
	if n != 8*len(items) {
		t.Fatalf("%d verifications, want %d", n, 8*len(items))
	}
}

// TestPresignedWithoutExpires: outside S3, X-Amz-Expires is optional and the
// skew window applies instead.
func TestPresignedWithoutExpires(t *testing.T) {
	t.Parallel()
	c := genCase{method: "GET", url: "http://127.0.0.1:45454/?Action=GetCallerIdentity&Version=2011-06-15",
		service: "sts", creds: docCreds, presign: true}
	r, body := readWire(t, c.wireRequest(t))
	a, err := Parse(r)
	if err != nil || a.Expires != 0 {
		t.Fatalf("Parse: %+v %v", a, err)
	}
	v := &Verifier{Lookup: testLookup(), Now: fixedNow(signTime.Add(14 * time.Minute))}
	if _, err := v.Verify(context.Background(), r, a, body); err != nil {
		t.Fatal(err)
	}
	v.Now = fixedNow(signTime.Add(16 * time.Minute))
	wantKind(t, verifyErr(v, r, a, body), SignatureExpired)
}
