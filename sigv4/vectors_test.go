package sigv4

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

type sharedVector struct {
	Name                  string `json:"name"`
	AccessKeyID           string `json:"access_key_id"`
	SecretAccessKey       string `json:"secret_access_key"`
	XAmzDate              string `json:"x_amz_date"`
	Request               string `json:"request"`
	URL                   string `json:"url"`
	CanonicalRequest      string `json:"canonical_request"`
	StringToSign          string `json:"string_to_sign"`
	ExpectedSignature     string `json:"expected_signature"`
	ExpectedAuthorization string `json:"expected_authorization"`
	ExpectedSeedSignature string `json:"expected_seed_signature"`
	Chunks                []struct {
		Data              string `json:"data"`
		ExpectedSignature string `json:"expected_chunk_signature"`
	} `json:"chunks"`
}

func loadSharedVectors(t *testing.T) []sharedVector {
	t.Helper()
	dir := sharedDir(t, "wire")
	raw, err := os.ReadFile(filepath.Join(dir, "sigv4-vectors.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f struct{ Vectors []sharedVector }
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Vectors) != 3 {
		t.Fatalf("got %d vectors, want 3", len(f.Vectors))
	}
	return f.Vectors
}

// vectorRequest builds the server-side request of a shared vector.
func vectorRequest(t *testing.T, vec sharedVector) (*http.Request, []byte) {
	t.Helper()
	switch {
	case vec.Request != "":
		raw := strings.ReplaceAll(vec.Request, `\r\n`, "\r\n") + "\r\nAuthorization: " + vec.ExpectedAuthorization + "\r\n\r\n"
		return readWire(t, []byte(raw))
	case vec.URL != "":
		host, target, _ := strings.Cut(strings.TrimPrefix(vec.URL, "https://"), "/")
		return readWire(t, []byte("GET /"+target+" HTTP/1.1\r\nHost: "+host+"\r\n\r\n"))
	}
	// The streaming vector: rebuild its request from the canonical request.
	lines := strings.Split(vec.CanonicalRequest, "\n")
	var b strings.Builder
	b.WriteString(lines[0] + " " + lines[1] + " HTTP/1.1\r\n")
	signed := ""
	for _, l := range lines[3:] {
		if l == "" {
			break
		}
		b.WriteString(l + "\r\n")
		name, _, _ := strings.Cut(l, ":")
		signed += ";" + name
	}
	b.WriteString("Authorization: AWS4-HMAC-SHA256 Credential=" + vec.AccessKeyID + "/20130524/us-east-1/s3/aws4_request,SignedHeaders=" +
		signed[1:] + ",Signature=" + vec.ExpectedSeedSignature + "\r\n\r\n")
	body := awsChunkedBody(vec)
	b.Write(body)
	return readWire(t, []byte(b.String()))
}

// awsChunkedBody builds the signed aws-chunked body of the streaming vector.
func awsChunkedBody(vec sharedVector) []byte {
	var b strings.Builder
	for _, c := range vec.Chunks {
		n, _ := strconv.Atoi(strings.Fields(c.Data)[0])
		fmt.Fprintf(&b, "%x;chunk-signature=%s\r\n%s\r\n", n, c.ExpectedSignature, strings.Repeat("a", n))
	}
	return []byte(b.String())
}

// TestSharedVectors verifies the AWS-published examples and checks the
// canonical request and string to sign moat reports on mismatch.
func TestSharedVectors(t *testing.T) {
	t.Parallel()
	vecs := loadSharedVectors(t)
	for _, vec := range vecs {
		t.Run(vec.Name, func(t *testing.T) {
			r, body := vectorRequest(t, vec)
			a, err := Parse(r)
			if err != nil || a == nil {
				t.Fatalf("Parse: %v, %v", a, err)
			}
			now, _ := time.Parse(timeFormat, vec.XAmzDate)
			v := &Verifier{
				Lookup: testLookup(Credentials{AccessKeyID: vec.AccessKeyID, SecretAccessKey: vec.SecretAccessKey}),
				Now:    fixedNow(now.Add(time.Minute)),
			}
			if _, err := v.Verify(context.Background(), r, a, body); err != nil {
				t.Fatalf("Verify: %v", err)
			}
			// The fallback builder agrees with the published canonical request.
			if got := fallbackCanonical(r, a, payloadHash(a, body)); got != vec.CanonicalRequest {
				t.Errorf("fallback canonical request\n got %q\nwant %q", got, vec.CanonicalRequest)
			}
			// A wrong signature reports the published canonical request.
			a.Signature = strings.Repeat("0", 64)
			e := wantKind(t, verifyErr(v, r, a, body), SignatureMismatch)
			if e.CanonicalRequest != vec.CanonicalRequest {
				t.Errorf("canonical request\n got %q\nwant %q", e.CanonicalRequest, vec.CanonicalRequest)
			}
			if e.StringToSign != vec.StringToSign {
				t.Errorf("string to sign\n got %q\nwant %q", e.StringToSign, vec.StringToSign)
			}
		})
	}
}

func verifyErr(v *Verifier, r *http.Request, a *Auth, body []byte) error {
	_, err := v.Verify(context.Background(), r, a, body)
	return err
}
