package sigv4

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/smithy-go/logging"
)

// checkSignature recomputes the signature with aws-sdk-go-v2's signer over a
// fresh request that carries only what the client signed (aws-wire.md §4.7)
// and compares it, and the signed-headers list, with the client's. When the
// SDK cannot sign the client's list, the canonical request is built by
// fallbackCanonical instead.
func (v *Verifier) checkSignature(ctx context.Context, r *http.Request, a *Auth, creds Credentials, body []byte) *Error {
	signer := v.signer(a.AccessKeyID, creds.SecretAccessKey)
	awsCreds := aws.Credentials{AccessKeyID: a.AccessKeyID, SecretAccessKey: creds.SecretAccessKey}
	hash := payloadHash(a, body)
	clientSigned := a.signedHeaders()
	sig, signed, err := sign(ctx, signer, awsCreds, rebuild(r, a), a, hash, signerOptions(a))
	if err == nil && signed != clientSigned {
		canonical := fallbackCanonical(r, a, hash)
		sts := fallbackStringToSign(a, canonical)
		if signatureEqual(fallbackSignature(a, creds.SecretAccessKey, sts), a.Signature) {
			return nil
		}
		return &Error{Kind: SignatureMismatch, Message: msgMismatch, CanonicalRequest: canonical, StringToSign: sts}
	}
	if err == nil && signatureEqual(sig, a.Signature) {
		return nil
	}
	// Mismatch: sign again with logging on to report what we computed.
	capture := &captureLogger{}
	opts := signerOptions(a)
	_, _, _ = sign(ctx, signer, awsCreds, rebuild(r, a), a, hash, func(o *v4.SignerOptions) {
		opts(o)
		o.LogSigning = true
		o.Logger = capture
	})
	return &Error{Kind: SignatureMismatch, Message: msgMismatch,
		CanonicalRequest: capture.canonical, StringToSign: capture.stringToSign}
}

// sign runs SignHTTP or PresignHTTP and returns the hex signature and the
// signed-headers list the SDK produced.
func sign(ctx context.Context, s *v4.Signer, creds aws.Credentials, req *http.Request, a *Auth,
	hash string, opts func(*v4.SignerOptions)) (sig, signedHeaders string, err error) {
	if a.Presigned {
		uri, _, err := s.PresignHTTP(ctx, creds, req, hash, a.Service, a.Region, a.Time, opts)
		if err != nil {
			return "", "", err
		}
		_, query, _ := strings.Cut(uri, "?")
		for query != "" {
			var kv string
			kv, query, _ = strings.Cut(query, "&")
			k, val, _ := strings.Cut(kv, "=")
			switch k {
			case amzSignature:
				sig = val
			case amzSignedHeaders:
				signedHeaders, _ = url.QueryUnescape(val)
			}
		}
		return sig, signedHeaders, nil
	}
	if err := s.SignHTTP(ctx, creds, req, hash, a.Service, a.Region, a.Time, opts); err != nil {
		return "", "", err
	}
	authz := req.Header.Get("Authorization")
	_, rest, _ := strings.Cut(authz, "SignedHeaders=")
	signedHeaders, rest, _ = strings.Cut(rest, ",")
	_, sig, _ = strings.Cut(rest, "Signature=")
	return sig, signedHeaders, nil
}

// Signer options: S3 signs the path as sent, every other service escapes it
// once more; the session token is always left to the copied headers or the
// query (so it is signed exactly when the client signed it); presigning
// never hoists headers into the query.
var (
	optsHeader    = func(o *v4.SignerOptions) { o.DisableSessionToken = true }
	optsHeaderS3  = func(o *v4.SignerOptions) { o.DisableSessionToken, o.DisableURIPathEscaping = true, true }
	optsPresign   = func(o *v4.SignerOptions) { o.DisableSessionToken, o.DisableHeaderHoisting = true, true }
	optsPresignS3 = func(o *v4.SignerOptions) {
		o.DisableSessionToken, o.DisableHeaderHoisting, o.DisableURIPathEscaping = true, true, true
	}
)

func signerOptions(a *Auth) func(*v4.SignerOptions) {
	s3 := a.Service == "s3"
	switch {
	case a.Presigned && s3:
		return optsPresignS3
	case a.Presigned:
		return optsPresign
	case s3:
		return optsHeaderS3
	}
	return optsHeader
}

// payloadHash is the last line of the canonical request.
func payloadHash(a *Auth, body []byte) string {
	if a.PayloadHash != "" {
		return a.PayloadHash
	}
	if a.Presigned && a.Service == "s3" {
		return UnsignedPayload
	}
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// rebuild makes a fresh request with the received method, escaped path,
// query (minus X-Amz-Signature when presigned) and Host, and only the
// headers the client signed. content-length is signed through ContentLength
// and x-amz-date by the signer itself.
func rebuild(r *http.Request, a *Auth) *http.Request {
	raw := r.URL.RawQuery
	if a.Presigned {
		raw = stripQueryParam(raw, amzSignature)
	}
	host := r.Host
	if host == "" {
		host = r.URL.Host
	}
	req := &http.Request{
		Method: r.Method,
		// The signer takes the path from Opaque ("//host/path") verbatim.
		URL:    &url.URL{Opaque: "//h" + escapedPath(r), RawQuery: raw},
		Host:   host,
		Header: make(http.Header, len(a.SignedHeaders)),
	}
	for k, vs := range r.Header {
		switch {
		case strings.EqualFold(k, "Host"), strings.EqualFold(k, "Content-Length"), strings.EqualFold(k, amzDate),
			strings.EqualFold(k, "Authorization"):
			continue
		case signs(a.SignedHeaders, k):
			req.Header[k] = vs
		}
	}
	if signs(a.SignedHeaders, "content-length") {
		req.ContentLength = r.ContentLength
		if cl := r.Header.Get("Content-Length"); cl != "" {
			if n, err := strconv.ParseInt(cl, 10, 64); err == nil {
				req.ContentLength = n
			}
		}
	}
	return req
}

func signs(signed []string, name string) bool {
	for _, h := range signed {
		if strings.EqualFold(h, name) {
			return true
		}
	}
	return false
}

// escapedPath is the path exactly as it arrived on the request line when
// known, else the URL's escaped path.
func escapedPath(r *http.Request) string {
	if strings.HasPrefix(r.RequestURI, "/") {
		p, _, _ := strings.Cut(r.RequestURI, "?")
		return p
	}
	return r.URL.EscapedPath()
}

// stripQueryParam removes every name=value pair whose name is name.
func stripQueryParam(raw, name string) string {
	if !strings.Contains(raw, name) {
		return raw
	}
	var b strings.Builder
	b.Grow(len(raw))
	for raw != "" {
		var kv string
		kv, raw, _ = strings.Cut(raw, "&")
		k, _, _ := strings.Cut(kv, "=")
		if k == name {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(kv)
	}
	return b.String()
}

// signatureEqual compares two hex signatures in constant time.
func signatureEqual(computed, provided string) bool {
	var x, y [sha256.Size]byte
	if len(computed) != 2*sha256.Size || len(provided) != 2*sha256.Size {
		return false
	}
	if strings.ContainsAny(provided, "ABCDEF") {
		return false // AWS compares lower-case hex
	}
	if _, err := hex.Decode(x[:], []byte(computed)); err != nil {
		return false
	}
	if _, err := hex.Decode(y[:], []byte(provided)); err != nil {
		return false
	}
	return subtle.ConstantTimeCompare(x[:], y[:]) == 1
}

// captureLogger receives the SDK's LogSigning call, whose first two
// arguments are the canonical request and the string to sign.
type captureLogger struct{ canonical, stringToSign string }

func (c *captureLogger) Logf(_ logging.Classification, _ string, v ...interface{}) {
	if len(v) >= 2 {
		c.canonical, _ = v[0].(string)
		c.stringToSign, _ = v[1].(string)
	}
}
