package sigv4

import (
	"bytes"
	"context"
	"errors"
	"hash/crc64"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// verifiedChunked parses and verifies r, then decodes its body.
func verifiedChunked(t *testing.T, r *http.Request, body []byte, creds Credentials) ([]byte, *ChunkedReader, error) {
	t.Helper()
	a, err := Parse(r)
	if err != nil || a == nil {
		t.Fatalf("Parse: %v %v", a, err)
	}
	v := &Verifier{Lookup: testLookup(creds), Now: fixedNow(a.Time)}
	if _, err := v.Verify(context.Background(), r, a, body); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	cr, err := NewChunkedReader(r, bytes.NewReader(body), a, creds)
	if err != nil {
		t.Fatalf("NewChunkedReader: %v", err)
	}
	out, err := io.ReadAll(cr)
	return out, cr, err
}

func streamingVector(t *testing.T) (sharedVector, Credentials) {
	t.Helper()
	for _, v := range loadSharedVectors(t) {
		if len(v.Chunks) > 0 {
			return v, Credentials{AccessKeyID: v.AccessKeyID, SecretAccessKey: v.SecretAccessKey}
		}
	}
	t.Fatal("no streaming vector")
	return sharedVector{}, Credentials{}
}

func TestChunkedSignedVector(t *testing.T) {
	t.Parallel()
	vec, creds := streamingVector(t)
	r, body := vectorRequest(t, vec)
	out, _, err := verifiedChunked(t, r, body, creds)
	if err != nil {
		t.Fatalf("ReadAll: %v", err)
	}
	if want := strings.Repeat("a", 66560); string(out) != want {
		t.Fatalf("decoded %d bytes, want 66560 'a'", len(out))
	}

	// One changed data byte in the second chunk: its signature fails and no
	// byte of that chunk is released.
	bad := bytes.Clone(body)
	i := bytes.Index(bad, []byte("400;chunk-signature="))
	bad[i+len("400;chunk-signature=")+64+2+10] = 'b'
	out, _, err = verifiedChunked(t, r, bad, creds)
	wantKind(t, err, SignatureMismatch)
	if len(out) != 65536 {
		t.Fatalf("released %d bytes before the bad chunk, want 65536", len(out))
	}

	// A decoded length other than X-Amz-Decoded-Content-Length (which is
	// signed, so this bypasses Verify).
	a, _ := Parse(r)
	r.Header.Set("X-Amz-Decoded-Content-Length", "66561")
	cr, err := NewChunkedReader(r, bytes.NewReader(body), a, creds)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(cr); !errors.Is(err, ErrMalformedChunk) || !strings.Contains(err.Error(), "decoded 66560 bytes") {
		t.Fatalf("got %v, want a decoded-length ErrMalformedChunk", err)
	}
}

func TestChunkedUnsignedTrailerCaptures(t *testing.T) {
	t.Parallel()
	dir := sharedDir(t, filepath.Join("wire", "captures", "aws-sdk-go-v2-tls"))
	files, _ := filepath.Glob(filepath.Join(dir, "*.http"))
	if len(files) != 2 {
		t.Fatalf("%d TLS captures, want 2", len(files))
	}
	for _, f := range files {
		raw := mustRead(t, f)
		r, body := readWire(t, raw)
		out, cr, err := verifiedChunked(t, r, body, docCreds)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if n := r.Header.Get("X-Amz-Decoded-Content-Length"); n != itoa(len(out)) {
			t.Fatalf("%s: decoded %d bytes, header says %s", f, len(out), n)
		}
		if cr.Trailer().Get("x-amz-checksum-crc32") == "" {
			t.Fatalf("%s: no crc32 trailer", f)
		}
		// A changed data byte: the CRC32 trailer no longer matches.
		i := bytes.Index(raw, []byte("\r\n\r\n")) + 4
		i += bytes.Index(raw[i:], []byte("\r\n")) + 2
		r, body = readWire(t, flip(raw, i))
		_, _, err = verifiedChunked(t, r, body, docCreds)
		if !errors.Is(err, ErrChecksumMismatch) || !strings.Contains(err.Error(), "The CRC32 you specified did not match the calculated checksum.") {
			t.Fatalf("%s tampered: got %v, want ErrChecksumMismatch", f, err)
		}
	}
}

// TestChunkedSignedTrailer round-trips STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER
// with chunk signatures from the SDK's StreamSigner. The trailer signature is
// computed by the code under test (no AWS vector exists), so this checks the
// framing and the chaining, not the trailer algorithm itself.
func TestChunkedSignedTrailer(t *testing.T) {
	t.Parallel()
	hdr := http.Header{"Content-Encoding": {"aws-chunked"}, "X-Amz-Content-Sha256": {StreamingPayloadTrailer},
		"X-Amz-Decoded-Content-Length": {"11"}, "X-Amz-Trailer": {"x-amz-checksum-crc64nvme"}}
	c := genCase{method: "PUT", url: "http://127.0.0.1:45454/b/k", service: "s3", creds: docCreds, header: hdr}
	r, _ := readWire(t, c.wireRequest(t))
	a, err := Parse(r)
	if err != nil {
		t.Fatal(err)
	}
	// Build the body as a client would, chaining signatures from the seed.
	cr, err := NewChunkedReader(r, nil, a, docCreds)
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	prev := a.Signature
	for _, chunk := range []string{"hello ", "world", ""} {
		cr.buf = []byte(chunk)
		sig, _ := cr.stream.GetSignature(context.Background(), nil, cr.buf, a.Time)
		prev = hexString(sig)
		body.WriteString(strings.ToLower(itoaHex(len(chunk))) + ";chunk-signature=" + prev + "\r\n")
		if chunk != "" {
			body.WriteString(chunk + "\r\n")
		}
	}
	sum := crc64.New(crc64NVME)
	sum.Write([]byte("hello world"))
	trailer := "x-amz-checksum-crc64nvme:" + b64(sum.Sum(nil)) + "\n"
	cr.prevSig = prev
	body.WriteString(strings.TrimSuffix(trailer, "\n") + "\r\n")
	body.WriteString("x-amz-trailer-signature:" + cr.trailerSignature([]byte(trailer)) + "\r\n\r\n")

	out, got, err := verifiedChunked(t, r, body.Bytes(), docCreds)
	if err != nil || string(out) != "hello world" {
		t.Fatalf("got %q, %v", out, err)
	}
	if got.Trailer().Get("x-amz-checksum-crc64nvme") == "" {
		t.Fatal("trailer not returned")
	}
	tampered := bytes.Replace(body.Bytes(), []byte("x-amz-trailer-signature:"), []byte("x-amz-trailer-signature:0"), 1)
	_, _, err = verifiedChunked(t, r, tampered, docCreds)
	wantKind(t, err, SignatureMismatch)
}

func TestCRC64NVMECheckValue(t *testing.T) {
	t.Parallel()
	if got := crc64.Checksum([]byte("123456789"), crc64NVME); got != 0xae8b14860a799888 {
		t.Fatalf("CRC-64/NVME check value %#x", got)
	}
}

func TestChunkedMalformed(t *testing.T) {
	t.Parallel()
	a := &Auth{PayloadHash: StreamingUnsignedPayloadTrailer}
	r := &http.Request{Header: http.Header{"X-Amz-Trailer": {"x-amz-checksum-crc32"}}}
	for _, body := range []string{
		"",                            // nothing
		"zz\r\nab\r\n",                // bad size
		"2\r\nabc\r\n",                // data longer than size
		"2\nab\r\n0\r\n\r\n",          // LF only
		"2\r\nab\r\n0\r\n\r\n",        // announced trailer missing
		"2;chunk-signature=00\r\n",    // signature in an unsigned stream
		"1000001\r\n",                 // over MaxChunkSize
		strings.Repeat("1", 5000),     // line too long
		"2\r\nab\r\n0\r\nbad\r\n\r\n", // trailer without colon
	} {
		cr, err := NewChunkedReader(r, strings.NewReader(body), a, Credentials{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadAll(cr); !errors.Is(err, ErrMalformedChunk) {
			t.Errorf("%q: got %v, want ErrMalformedChunk", body, err)
		}
	}
	if _, err := NewChunkedReader(r, nil, &Auth{PayloadHash: UnsignedPayload}, Credentials{}); !errors.Is(err, ErrNotChunked) {
		t.Errorf("got %v, want ErrNotChunked", err)
	}
	r.Header.Set("X-Amz-Decoded-Content-Length", "-1")
	if _, err := NewChunkedReader(r, nil, a, Credentials{}); !errors.Is(err, ErrMalformedChunk) {
		t.Errorf("got %v, want ErrMalformedChunk", err)
	}
}
