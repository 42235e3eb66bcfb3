package sigv4

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

// negCase is one way to fail authentication.
type negCase struct {
	name   string
	kind   ErrorKind
	msg    string // expected message (prefix match when it ends in "...")
	req    func(t *testing.T) (*http.Request, []byte)
	lookup mapLookup
	now    time.Time // zero: signTime + 30s
}

// signed returns the wire form of a generated case, parsed server side.
func signed(c genCase) func(t *testing.T) (*http.Request, []byte) {
	return func(t *testing.T) (*http.Request, []byte) { return readWire(t, c.wireRequest(t)) }
}

// edited signs c, then applies edit to the raw bytes.
func edited(c genCase, edit func([]byte) []byte) func(t *testing.T) (*http.Request, []byte) {
	return func(t *testing.T) (*http.Request, []byte) { return readWire(t, edit(c.wireRequest(t))) }
}

func replace(old, new string) func([]byte) []byte {
	return func(b []byte) []byte { return bytes.Replace(b, []byte(old), []byte(new), 1) }
}

func rawReq(s string) func(t *testing.T) (*http.Request, []byte) {
	return func(t *testing.T) (*http.Request, []byte) {
		return readWire(t, []byte(strings.ReplaceAll(s, "\n", "\r\n")))
	}
}

var (
	base = genCase{method: "POST", url: "http://127.0.0.1:45454/", body: "Action=ListUsers&Version=2010-05-08",
		service: "iam", creds: docCreds, header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}}
	s3Put = genCase{method: "PUT", url: "http://127.0.0.1:45454/b/k", body: "hello", service: "s3",
		creds: docCreds, hashHdr: true}
	presigned = genCase{method: "GET", url: "http://127.0.0.1:45454/b/k", service: "s3", creds: docCreds,
		presign: true, expires: "60"}
	tempNoToken = genCase{method: "GET", url: "http://127.0.0.1:45454/?Action=GetCallerIdentity", service: "sts",
		creds: Credentials{AccessKeyID: sessionCreds.AccessKeyID, SecretAccessKey: sessionCreds.SecretAccessKey}}
	tempWrongToken = genCase{method: "GET", url: "http://127.0.0.1:45454/?Action=GetCallerIdentity", service: "sts",
		creds: Credentials{AccessKeyID: sessionCreds.AccessKeyID, SecretAccessKey: sessionCreds.SecretAccessKey, SessionToken: "other"}}
	longTermWithToken = genCase{method: "GET", url: "http://127.0.0.1:45454/?Action=GetCallerIdentity", service: "sts",
		creds: Credentials{AccessKeyID: docCreds.AccessKeyID, SecretAccessKey: docCreds.SecretAccessKey, SessionToken: "tok"}}
	withSigV4aPayload = genCase{method: "GET", url: "http://127.0.0.1:45454/b/k", service: "s3", creds: docCreds,
		header: http.Header{"X-Amz-Content-Sha256": {"STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD"}}}
	withBadPayloadValue = genCase{method: "GET", url: "http://127.0.0.1:45454/b/k", service: "s3", creds: docCreds,
		header: http.Header{"X-Amz-Content-Sha256": {"not-a-hash"}}}
)

const authPrefix = "Authorization: AWS4-HMAC-SHA256 "

var negCases = []negCase{
	{name: "no auth", kind: MissingAuthentication, msg: msgMissingAuth,
		req: rawReq("GET /?Action=ListUsers HTTP/1.1\nHost: h\n\n")},

	{name: "missing Signature and SignedHeaders", kind: IncompleteSignature,
		msg: "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261129/us-east-1/iam/aws4_request",
		req: rawReq("GET / HTTP/1.1\nHost: h\nX-Amz-Date: 20261129T100413Z\n" + authPrefix + "Credential=AKIAIOSFODNN7EXAMPLE/20261129/us-east-1/iam/aws4_request\n\n")},
	{name: "missing Credential and date", kind: IncompleteSignature,
		msg: "Authorization header requires 'Credential' parameter. " + msgNeedsDate + " Authorization=AWS4-HMAC-SHA256 SignedHeaders=host, Signature=00",
		req: rawReq("GET / HTTP/1.1\nHost: h\n" + authPrefix + "SignedHeaders=host, Signature=00\n\n")},
	{name: "no equal sign", kind: IncompleteSignature, msg: "'Credential' not a valid key=value pair (missing equal-sign) in Authorization header: 'AWS4-HMAC-SHA256 Credential'.",
		req: rawReq("GET / HTTP/1.1\nHost: h\n" + authPrefix + "Credential\n\n")},
	{name: "scope with four parts", kind: IncompleteSignature,
		msg: "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKIAIOSFODNN7EXAMPLE/20261129/us-east-1/iam'",
		req: edited(base, replace("/iam/aws4_request", "/iam"))},
	{name: "bad terminator", kind: IncompleteSignature,
		msg: "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws4_requests'. ",
		req: edited(base, replace("/aws4_request", "/aws4_requests"))},
	{name: "empty region", kind: IncompleteSignature, msg: "Credential should be scoped to a valid region. ",
		req: edited(base, replace("/us-east-1/", "//"))},
	{name: "scope date differs from X-Amz-Date", kind: IncompleteSignature,
		msg: "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20261128' != '20261129', from '20261129T100413Z'.",
		req: edited(base, replace("/20261129/", "/20261128/"))},
	{name: "X-Amz-Date not ISO 8601 basic", kind: IncompleteSignature, msg: msgAmzDate,
		req: edited(base, replace("X-Amz-Date: 20261129T100413Z", "X-Amz-Date: 2026-11-29T10:04:13Z"))},
	{name: "host not signed", kind: IncompleteSignature, msg: msgHostSigned,
		req: edited(base, replace("SignedHeaders=content-length;content-type;host;", "SignedHeaders=content-length;content-type;"))},
	{name: "signed header absent", kind: IncompleteSignature,
		msg: "The header 'content-type' is listed in SignedHeaders but is not present in the request.",
		req: edited(base, replace("Content-Type: application/x-www-form-urlencoded\r\n", ""))},
	{name: "header and query auth together", kind: IncompleteSignature, msg: msgTwoMethods,
		req: edited(base, replace("POST / ", "POST /?X-Amz-Algorithm=AWS4-HMAC-SHA256 "))},
	{name: "presigned without X-Amz-Signature", kind: IncompleteSignature, msg: msgQueryParams,
		req: rawReq("GET /b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20261129%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20261129T100413Z&X-Amz-SignedHeaders=host HTTP/1.1\nHost: h\n\n")},
	{name: "empty access key", kind: IncompleteSignature,
		msg: "Credential should contain an access key id, got '/20261129/us-east-1/iam/aws4_request'",
		req: edited(base, replace("Credential=AKIAIOSFODNN7EXAMPLE/", "Credential=/"))},
	{name: "empty service", kind: IncompleteSignature, msg: "Credential should be scoped to correct service. ",
		req: edited(base, replace("/iam/aws4_request", "//aws4_request"))},
	{name: "Date header not an HTTP date", kind: IncompleteSignature, msg: "Date must be in the RFC 7231 HTTP-date format",
		req: rawReq("GET / HTTP/1.1\nHost: h\nDate: yesterday\n" + authPrefix +
			"Credential=AKIAIOSFODNN7EXAMPLE/20261129/us-east-1/iam/aws4_request, SignedHeaders=date;host, Signature=00\n\n")},
	{name: "empty name in SignedHeaders", kind: IncompleteSignature, msg: "SignedHeaders contains an empty header name: 'content-length;content-type;host;;x-amz-date'",
		req: edited(base, replace("host;x-amz-date", "host;;x-amz-date"))},
	{name: "presigned scope date differs from X-Amz-Date", kind: IncompleteSignature,
		msg: `Invalid credential date "20261128". This date is not the same as X-Amz-Date: "20261129".`,
		req: edited(presigned, replace("%2F20261129%2F", "%2F20261128%2F"))},
	{name: "presigned S3 URL without X-Amz-Expires", kind: IncompleteSignature, msg: msgQueryParams,
		req: edited(presigned, replace("X-Amz-Expires=60&", ""))},
	{name: "presigned scope malformed", kind: IncompleteSignature, msg: msgQueryCred,
		req: edited(presigned, replace("%2Fs3%2Faws4_request", "%2Faws4_request"))},
	{name: "presigned X-Amz-Expires not a number", kind: IncompleteSignature, msg: msgExpiresNum,
		req: edited(presigned, replace("X-Amz-Expires=60", "X-Amz-Expires=6O"))},
	{name: "presigned X-Amz-Expires negative", kind: IncompleteSignature, msg: msgExpiresNeg,
		req: edited(presigned, replace("X-Amz-Expires=60", "X-Amz-Expires=-6"))},
	{name: "presigned X-Amz-Expires negative overflow", kind: IncompleteSignature, msg: msgExpiresNeg,
		req: edited(presigned, replace("X-Amz-Expires=60", "X-Amz-Expires=-99999999999999999999"))},

	{name: "SigV4a", kind: UnsupportedAlgorithm, msg: msgSigV4a,
		req: edited(base, replace("AWS4-HMAC-SHA256 Credential", "AWS4-ECDSA-P256-SHA256 Credential"))},
	{name: "SigV2 header", kind: UnsupportedAlgorithm, msg: msgSigV2,
		req: rawReq("GET / HTTP/1.1\nHost: h\nAuthorization: AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=\n\n")},
	{name: "SigV2 query", kind: UnsupportedAlgorithm, msg: msgSigV2,
		req: rawReq("GET /b/k?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=1141889120&Signature=vjbyPxybd HTTP/1.1\nHost: h\n\n")},
	{name: "HMAC-SHA512", kind: UnsupportedAlgorithm, msg: msgUnsupported,
		req: edited(presigned, replace("X-Amz-Algorithm=AWS4-HMAC-SHA256", "X-Amz-Algorithm=AWS4-HMAC-SHA512"))},
	{name: "SigV4a streaming payload", kind: UnsupportedAlgorithm, msg: msgSigV4a, req: signed(withSigV4aPayload)},

	{name: "unknown key", kind: UnknownAccessKey, msg: msgInvalidToken, req: signed(base), lookup: mapLookup{}},

	{name: "temporary key without token", kind: InvalidSessionToken, msg: msgInvalidToken, req: signed(tempNoToken)},
	{name: "temporary key with another token", kind: InvalidSessionToken, msg: msgInvalidToken, req: signed(tempWrongToken)},
	{name: "token with a long-term key", kind: InvalidSessionToken, msg: msgInvalidToken, req: signed(longTermWithToken)},

	{name: "session expired", kind: ExpiredToken, msg: msgExpiredToken, req: signed(genCase{method: "GET",
		url: "http://127.0.0.1:45454/", service: "sts", creds: sessionCreds}),
		lookup: testLookup(Credentials{AccessKeyID: sessionCreds.AccessKeyID, SecretAccessKey: sessionCreds.SecretAccessKey,
			SessionToken: sessionCreds.SessionToken, Expires: signTime})},

	{name: "wrong secret", kind: SignatureMismatch, msg: msgMismatch, req: signed(base),
		lookup: testLookup(Credentials{AccessKeyID: docCreds.AccessKeyID, SecretAccessKey: "other"})},
	{name: "signature in upper case", kind: SignatureMismatch, msg: msgMismatch, req: func(t *testing.T) (*http.Request, []byte) {
		raw := base.wireRequest(t)
		i := bytes.Index(raw, []byte("Signature=")) + len("Signature=")
		copy(raw[i:i+64], bytes.ToUpper(raw[i:i+64]))
		return readWire(t, raw)
	}},
	{name: "presigned URL used with another host", kind: SignatureMismatch, msg: msgMismatch,
		req: edited(presigned, replace("Host: 127.0.0.1:45454", "Host: 127.0.0.1:45455"))},

	{name: "16 minutes late", kind: SignatureExpired, now: signTime.Add(16 * time.Minute), req: signed(base),
		msg: "Signature expired: 20261129T100413Z is now earlier than 20261129T100513Z (20261129T102013Z - 15 min.)"},
	{name: "16 minutes early", kind: SignatureNotYetCurrent, now: signTime.Add(-16 * time.Minute), req: signed(base),
		msg: "Signature not yet current: 20261129T100413Z is still later than 20261129T100313Z (20261129T094813Z + 15 min.)"},
	{name: "presigned in the future", kind: SignatureNotYetCurrent, now: signTime.Add(-16 * time.Minute), req: signed(presigned),
		msg: msgNotYetValid},

	{name: "presigned expired", kind: PresignExpired, msg: msgPresignExpiry, now: signTime.Add(61 * time.Second), req: signed(presigned)},

	{name: "X-Amz-Expires over a week", kind: PresignExpiresTooLarge, msg: msgExpiresMax,
		req: signed(genCase{method: "GET", url: "http://127.0.0.1:45454/b/k", service: "s3", creds: docCreds, presign: true, expires: "604801"})},
	{name: "X-Amz-Expires overflows", kind: PresignExpiresTooLarge, msg: msgExpiresMax,
		req: edited(presigned, replace("X-Amz-Expires=60", "X-Amz-Expires=99999999999999999999"))},

	{name: "body differs from X-Amz-Content-Sha256", kind: ContentSHA256Mismatch, msg: msgContentSHA256,
		req: edited(s3Put, func(b []byte) []byte { return append(b[:len(b)-1], 'O') })},
	{name: "X-Amz-Content-Sha256 not a known value", kind: ContentSHA256Mismatch, msg: msgBadSHA256, req: signed(withBadPayloadValue)},

	{name: "S3 x-amz-* header added after signing", kind: HeadersNotSigned, msg: msgNotSigned,
		req: signed(genCase{method: "PUT", url: "http://127.0.0.1:45454/b/k", body: "x", service: "s3", creds: docCreds,
			hashHdr: true, unsigned: http.Header{"X-Amz-Acl": {"public-read"}, "X-Amz-Tagging": {"a=b"}}})},
	{name: "S3 presigned URL with an unsigned x-amz-* header", kind: HeadersNotSigned, msg: msgNotSigned,
		req: signed(genCase{method: "GET", url: "http://127.0.0.1:45454/b/k", service: "s3", creds: docCreds,
			presign: true, expires: "60", unsigned: http.Header{"X-Amz-Copy-Source": {"other/k"}}})},
}

// TestNegativeMatrix checks that every ErrorKind is produced, with its message.
func TestNegativeMatrix(t *testing.T) {
	t.Parallel()
	seen := map[ErrorKind]int{}
	for _, c := range negCases {
		seen[c.kind]++
		t.Run(c.kind.String()+"/"+c.name, func(t *testing.T) {
			t.Parallel()
			r, body := c.req(t)
			a, err := Parse(r)
			if err == nil {
				lookup := c.lookup
				if lookup == nil {
					lookup = testLookup()
				}
				now := c.now
				if now.IsZero() {
					now = signTime.Add(30 * time.Second)
				}
				v := &Verifier{Lookup: lookup, Now: fixedNow(now)}
				_, err = v.Verify(context.Background(), r, a, body)
			}
			e := wantKind(t, err, c.kind)
			if p, ok := strings.CutSuffix(c.msg, "..."); ok {
				if !strings.HasPrefix(e.Message, p) {
					t.Errorf("message %q, want prefix %q", e.Message, p)
				}
			} else if e.Message != c.msg {
				t.Errorf("message\n got %q\nwant %q", e.Message, c.msg)
			}
			if c.kind == HeadersNotSigned && e.HeadersNotSigned != "x-amz-acl;x-amz-tagging" && e.HeadersNotSigned != "x-amz-copy-source" {
				t.Errorf("HeadersNotSigned = %q", e.HeadersNotSigned)
			}
			if !strings.Contains(e.Error(), c.kind.String()) {
				t.Errorf("Error() = %q lacks the kind", e.Error())
			}
			if strings.Contains(e.Error()+e.CanonicalRequest+e.StringToSign, docCreds.SecretAccessKey) {
				t.Error("the error leaks the secret key")
			}
		})
	}
	if len(seen) != len(kindNames) {
		t.Fatalf("matrix covers %d kinds, want all %d: %v", len(seen), len(kindNames), seen)
	}
	if len(negCases) != 46 {
		t.Fatalf("%d negative cases, want 46", len(negCases))
	}
}

func TestParseAnonymous(t *testing.T) {
	t.Parallel()
	for _, s := range []string{
		"GET / HTTP/1.1\nHost: h\n\n",
		"GET /?X-Amz-Expires=5&X-Amz-Date=x HTTP/1.1\nHost: h\n\n", // no credential: anonymous
		"POST /?Action=AssumeRoleWithWebIdentity HTTP/1.1\nHost: h\nContent-Length: 0\n\n",
	} {
		r, _ := rawReq(s)(t)
		if a, err := Parse(r); a != nil || err != nil {
			t.Errorf("%q: got %+v, %v; want nil, nil", s, a, err)
		}
	}
}

type failingLookup struct{}

var errStore = errors.New("store down")

func (failingLookup) Credentials(context.Context, string) (Credentials, error) {
	return Credentials{}, errStore
}

func TestVerifyLookupError(t *testing.T) {
	t.Parallel()
	r, body := signed(base)(t)
	a, err := Parse(r)
	if err != nil {
		t.Fatal(err)
	}
	v := &Verifier{Lookup: failingLookup{}, Now: fixedNow(signTime)}
	_, err = v.Verify(context.Background(), r, a, body)
	var e *Error
	if !errors.Is(err, errStore) || errors.As(err, &e) {
		t.Fatalf("got %v, want the lookup error wrapped, not an *Error", err)
	}
	if _, err := (&Verifier{}).Verify(context.Background(), r, a, body); err == nil {
		t.Fatal("a Verifier without Lookup verified a request")
	}
}

func TestErrorIs(t *testing.T) {
	t.Parallel()
	err := error(newError(SignatureMismatch, "x"))
	if !errors.Is(err, &Error{Kind: SignatureMismatch}) || errors.Is(err, &Error{Kind: SignatureExpired}) {
		t.Fatal("errors.Is does not compare kinds")
	}
	if ErrorKind(200).String() != "ErrorKind(200)" {
		t.Fatal(ErrorKind(200).String())
	}
}
