package sigv4

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

const (
	msgMissingAuth   = "Request is missing Authentication Token"
	msgInvalidToken  = "The security token included in the request is invalid."
	msgExpiredToken  = "The security token included in the request is expired"
	msgMismatch      = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	msgPresignExpiry = "Request has expired"
	msgContentSHA256 = "The provided 'x-amz-content-sha256' header does not match what was computed."
	msgBadSHA256     = "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-EVENTS or a valid sha256 value."
)

// maxSigners bounds the per-credential signer cache; past it the cache is
// dropped and refilled.
const maxSigners = 4096

// Verifier checks SigV4 signatures. Set the exported fields before first
// use and do not copy it afterwards; Verify is safe for concurrent use.
type Verifier struct {
	Lookup  Lookup
	Now     func() time.Time // nil: time.Now
	MaxSkew time.Duration    // 0: 15 minutes (DefaultMaxSkew)

	// One aws-sdk-go-v2 signer per (access key, secret): each keeps its own
	// signing-key cache per (region, service) for the current date, so a
	// derived key is computed once per (secret, date, region, service).
	mu      sync.RWMutex
	signers map[signerKey]*v4.Signer
}

type signerKey struct{ accessKeyID, secret string }

// Verify checks a parsed request. body is the complete raw body (already
// read by the caller; the server keeps the bytes). On success it returns the
// credentials the request was signed with.
//
// Checks run in the order AWS evaluates them: key lookup (UnknownAccessKey),
// session token (InvalidSessionToken), credential expiry (ExpiredToken),
// payload hash value, signature (SignatureMismatch), clock skew
// (SignatureExpired, SignatureNotYetCurrent) or presign lifetime
// (PresignExpired), then the body against a hex X-Amz-Content-Sha256
// (ContentSHA256Mismatch). Authentication failures are *Error; an error from
// Lookup other than ErrUnknownAccessKey is returned wrapped, as is.
func (v *Verifier) Verify(ctx context.Context, r *http.Request, a *Auth, body []byte) (Credentials, error) {
	if a == nil {
		return Credentials{}, newError(MissingAuthentication, msgMissingAuth)
	}
	if v.Lookup == nil {
		return Credentials{}, errors.New("sigv4: Verifier.Lookup is nil")
	}
	creds, err := v.Lookup.Credentials(ctx, a.AccessKeyID)
	if errors.Is(err, ErrUnknownAccessKey) {
		return Credentials{}, newError(UnknownAccessKey, msgInvalidToken)
	}
	if err != nil {
		return Credentials{}, fmt.Errorf("sigv4: looking up access key %s: %w", a.AccessKeyID, err)
	}
	now := time.Now()
	if v.Now != nil {
		now = v.Now()
	}
	if e := checkToken(a, creds, now); e != nil {
		return Credentials{}, e
	}
	if e := checkPayloadHashValue(a.PayloadHash); e != nil {
		return Credentials{}, e
	}
	if e := v.checkSignature(ctx, r, a, creds, body); e != nil {
		return Credentials{}, e
	}
	if e := v.checkTime(a, now); e != nil {
		return Credentials{}, e
	}
	if e := checkBodyHash(a.PayloadHash, body); e != nil {
		return Credentials{}, e
	}
	return creds, nil
}

// checkToken compares the request's session token with the credentials' one
// and checks the credentials' expiry.
func checkToken(a *Auth, creds Credentials, now time.Time) *Error {
	temporary := creds.SessionToken != "" || strings.HasPrefix(a.AccessKeyID, "ASIA")
	if temporary && (creds.SessionToken == "" || a.SecurityToken == "") {
		return newError(InvalidSessionToken, msgInvalidToken)
	}
	if subtle.ConstantTimeCompare([]byte(a.SecurityToken), []byte(creds.SessionToken)) != 1 {
		return newError(InvalidSessionToken, msgInvalidToken)
	}
	if !creds.Expires.IsZero() && !now.Before(creds.Expires) {
		return newError(ExpiredToken, msgExpiredToken)
	}
	return nil
}

// checkPayloadHashValue rejects X-Amz-Content-Sha256 values AWS does not know.
func checkPayloadHashValue(h string) *Error {
	switch h {
	case "", UnsignedPayload, StreamingUnsignedPayloadTrailer, StreamingPayload,
		StreamingPayloadTrailer, StreamingEventsPayload:
		return nil
	case "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD", "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER":
		return newError(UnsupportedAlgorithm, msgSigV4a)
	}
	if _, ok := decodeSHA256(h); ok {
		return nil
	}
	return newError(ContentSHA256Mismatch, msgBadSHA256)
}

// checkBodyHash compares a hex X-Amz-Content-Sha256 with the body's hash.
func checkBodyHash(h string, body []byte) *Error {
	want, ok := decodeSHA256(h)
	if !ok {
		return nil // a literal (or absent): nothing to compare
	}
	got := sha256.Sum256(body)
	if subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
		return newError(ContentSHA256Mismatch, msgContentSHA256)
	}
	return nil
}

func decodeSHA256(h string) ([sha256.Size]byte, bool) {
	var sum [sha256.Size]byte
	if len(h) != 2*sha256.Size {
		return sum, false
	}
	_, err := hex.Decode(sum[:], []byte(h))
	return sum, err == nil
}

// checkTime applies the clock-skew window, or for presigned URLs the
// X-Amz-Expires lifetime.
func (v *Verifier) checkTime(a *Auth, now time.Time) *Error {
	skew := v.MaxSkew
	if skew <= 0 {
		skew = DefaultMaxSkew
	}
	mins := int(skew / time.Minute)
	if a.Presigned && a.Time.Sub(now) > skew {
		return newError(SignatureNotYetCurrent, msgNotYetValid)
	}
	if a.Time.Sub(now) > skew {
		return newError(SignatureNotYetCurrent, fmt.Sprintf(
			"Signature not yet current: %s is still later than %s (%s + %d min.)",
			a.Time.UTC().Format(timeFormat), now.Add(skew).UTC().Format(timeFormat), now.UTC().Format(timeFormat), mins))
	}
	if a.Presigned && a.Expires > 0 {
		if now.After(a.Time.Add(a.Expires)) {
			return newError(PresignExpired, msgPresignExpiry)
		}
		return nil
	}
	if now.Sub(a.Time) > skew {
		return newError(SignatureExpired, fmt.Sprintf(
			"Signature expired: %s is now earlier than %s (%s - %d min.)",
			a.Time.UTC().Format(timeFormat), now.Add(-skew).UTC().Format(timeFormat), now.UTC().Format(timeFormat), mins))
	}
	return nil
}

func (v *Verifier) signer(accessKeyID, secret string) *v4.Signer {
	k := signerKey{accessKeyID, secret}
	v.mu.RLock()
	s, ok := v.signers[k]
	v.mu.RUnlock()
	if ok {
		return s
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if s, ok := v.signers[k]; ok {
		return s
	}
	if v.signers == nil || len(v.signers) >= maxSigners {
		v.signers = make(map[signerKey]*v4.Signer)
	}
	s = v4.NewSigner()
	v.signers[k] = s
	return s
}
