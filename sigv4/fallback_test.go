package sigv4

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// sdkCanonical returns the canonical request the SDK signer builds for r.
func sdkCanonical(t *testing.T, r *http.Request, a *Auth, body []byte) (canonical, signed string) {
	t.Helper()
	capture := &captureLogger{}
	opts := signerOptions(a)
	_, signed, err := sign(context.Background(), v4.NewSigner(), aws.Credentials{AccessKeyID: a.AccessKeyID, SecretAccessKey: "x"},
		rebuild(r, a), a, payloadHash(a, body), func(o *v4.SignerOptions) {
			opts(o)
			o.LogSigning, o.Logger = true, capture
		})
	if err != nil {
		t.Fatal(err)
	}
	return capture.canonical, signed
}

// TestFallbackMatchesSDK is a differential test: on every capture and
// generated request, the hand-built canonical request equals the SDK's.
func TestFallbackMatchesSDK(t *testing.T) {
	t.Parallel()
	var reqs [][]byte
	for _, c := range genCases {
		reqs = append(reqs, c.wireRequest(t))
	}
	nGen := len(reqs)
	signedCaptures := 0
	if _, ok := sharedPath(filepath.Join("wire", "captures")); ok {
		for _, c := range loadCaptures(t) {
			reqs = append(reqs, c.raw)
		}
		signedCaptures = 64
	}
	compared := 0
	for i, raw := range reqs {
		r, body := readWire(t, raw)
		a, err := Parse(r)
		if err != nil {
			t.Fatal(err)
		}
		if a == nil {
			continue
		}
		want, signed := sdkCanonical(t, r, a, body)
		if signed != strings.Join(a.SignedHeaders, ";") {
			t.Errorf("request %d: the SDK cannot reproduce %v", i, a.SignedHeaders)
			continue
		}
		if got := fallbackCanonical(r, a, payloadHash(a, body)); got != want {
			t.Errorf("request %d:\nfallback %q\nSDK      %q", i, got, want)
		}
		compared++
	}
	if want := nGen + signedCaptures; compared != want {
		t.Fatalf("compared %d requests, want %d", compared, want)
	}
}

// handSign is an independent HMAC chain for hand-made vectors.
func handSign(secret, date, region, service, sts string) string {
	mac := func(k []byte, s string) []byte {
		m := hmac.New(sha256.New, k)
		m.Write([]byte(s))
		return m.Sum(nil)
	}
	k := mac(mac(mac(mac([]byte("AWS4"+secret), date), region), service), "aws4_request")
	return hex.EncodeToString(mac(k, sts))
}

// TestFallbackClients verifies requests the SDK signer cannot reproduce,
// signed over canonical requests written out by hand.
func TestFallbackClients(t *testing.T) {
	t.Parallel()
	const emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	cases := []struct {
		name, head, canonical, signed, date string
	}{
		{
			name: "Java SDK v1 style: user-agent and content-length 0 signed",
			head: "PUT /demo-bucket HTTP/1.1\r\nHost: 127.0.0.1:45454\r\nUser-Agent: aws-sdk-java/1.12.0  Linux\r\n" +
				"Content-Length: 0\r\nX-Amz-Content-Sha256: " + emptyHash + "\r\nX-Amz-Date: 20261129T100413Z\r\n",
			canonical: "PUT\n/demo-bucket\n\ncontent-length:0\nhost:127.0.0.1:45454\nuser-agent:aws-sdk-java/1.12.0 Linux\n" +
				"x-amz-content-sha256:" + emptyHash + "\nx-amz-date:20261129T100413Z\n\n" +
				"content-length;host;user-agent;x-amz-content-sha256;x-amz-date\n" + emptyHash,
			signed: "content-length;host;user-agent;x-amz-content-sha256;x-amz-date", date: "20261129T100413Z",
		},
		{
			name: "Date header instead of X-Amz-Date",
			head: "GET /?Action=ListUsers&Version=2010-05-08 HTTP/1.1\r\nHost: iam.amazonaws.com\r\nDate: Sun, 29 Nov 2026 10:04:13 GMT\r\n",
			canonical: "GET\n/\nAction=ListUsers&Version=2010-05-08\ndate:Sun, 29 Nov 2026 10:04:13 GMT\nhost:iam.amazonaws.com\n\n" +
				"date;host\n" + emptyHash,
			signed: "date;host", date: "20261129T100413Z",
		},
		{
			name: "expect and x-amzn-trace-id signed",
			head: "POST / HTTP/1.1\r\nHost: sts.amazonaws.com\r\nExpect: 100-continue\r\nX-Amzn-Trace-Id: Root=1-abc\r\n" +
				"X-Amz-Date: 20261129T100413Z\r\n",
			canonical: "POST\n/\n\nexpect:100-continue\nhost:sts.amazonaws.com\nx-amz-date:20261129T100413Z\nx-amzn-trace-id:Root=1-abc\n\n" +
				"expect;host;x-amz-date;x-amzn-trace-id\n" + emptyHash,
			signed: "expect;host;x-amz-date;x-amzn-trace-id", date: "20261129T100413Z",
		},
	}
	if len(cases) != 3 {
		t.Fatal("case count")
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			service := "s3"
			if !strings.Contains(c.head, "demo-bucket") {
				service = "iam"
			}
			scope := "20261129/us-east-1/" + service + "/aws4_request"
			sum := sha256.Sum256([]byte(c.canonical))
			sts := "AWS4-HMAC-SHA256\n" + c.date + "\n" + scope + "\n" + hex.EncodeToString(sum[:])
			sig := handSign(docCreds.SecretAccessKey, "20261129", "us-east-1", service, sts)
			raw := c.head + "Authorization: AWS4-HMAC-SHA256 Credential=" + docCreds.AccessKeyID + "/" + scope +
				", SignedHeaders=" + c.signed + ", Signature=" + sig + "\r\n\r\n"
			r, body := readWire(t, []byte(raw))
			a, err := Parse(r)
			if err != nil {
				t.Fatal(err)
			}
			v := &Verifier{Lookup: testLookup(), Now: fixedNow(signTime)}
			if _, err := v.Verify(context.Background(), r, a, body); err != nil {
				t.Fatalf("Verify: %v\n%+v", err, err)
			}
			// A wrong signature reports the hand-built canonical request.
			a.Signature = strings.Repeat("1", 64)
			e := wantKind(t, verifyErr(v, r, a, body), SignatureMismatch)
			if e.CanonicalRequest != c.canonical || e.StringToSign != sts {
				t.Fatalf("reported\n%q\n%q", e.CanonicalRequest, e.StringToSign)
			}
		})
	}
}
