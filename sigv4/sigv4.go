package sigv4

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"
)

// Algorithm is the only signing algorithm moat verifies.
const Algorithm = "AWS4-HMAC-SHA256"

// Payload hash literals a client may put in X-Amz-Content-Sha256 instead of
// the hex SHA-256 of the body.
const (
	UnsignedPayload                 = "UNSIGNED-PAYLOAD"
	StreamingUnsignedPayloadTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
	StreamingPayload                = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
	StreamingPayloadTrailer         = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
	StreamingEventsPayload          = "STREAMING-AWS4-HMAC-SHA256-EVENTS"
)

// MaxPresignExpires is the largest X-Amz-Expires AWS accepts (7 days).
const MaxPresignExpires = 604800 * time.Second

// DefaultMaxSkew is the clock skew AWS tolerates for most services.
const DefaultMaxSkew = 15 * time.Minute

// Credentials are what a request may be signed with.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	// SessionToken is set for temporary (STS, ASIA...) credentials; the
	// request must then carry exactly this X-Amz-Security-Token.
	SessionToken string
	// Expires is when temporary credentials stop working; zero: never.
	Expires time.Time
}

// Lookup finds the secret for an access key id. Return an error wrapping
// ErrUnknownAccessKey when there is none. Implementations must be safe for
// concurrent use.
type Lookup interface {
	Credentials(ctx context.Context, accessKeyID string) (Credentials, error)
}

// ErrUnknownAccessKey is what a Lookup wraps when it does not know a key.
var ErrUnknownAccessKey = errors.New("sigv4: unknown access key")

// Auth is what a request claims, parsed, not yet verified.
type Auth struct {
	Presigned     bool
	AccessKeyID   string
	Date          string // yyyymmdd from the credential scope
	Region        string // from the credential scope
	Service       string // from the credential scope (the signing name)
	SignedHeaders []string
	Signature     string
	Time          time.Time     // X-Amz-Date (or the Date header)
	Expires       time.Duration // presigned only: X-Amz-Expires (0 when absent)
	SecurityToken string        // X-Amz-Security-Token header or query value
	PayloadHash   string        // X-Amz-Content-Sha256 value, or "" when absent

	amzDate    string // the X-Amz-Date text as sent ("" when the Date header was used)
	signedList string // SignedHeaders as sent

}

// signedHeaders returns the SignedHeaders list as the client sent it.
func (a *Auth) signedHeaders() string {
	if a.signedList == "" && len(a.SignedHeaders) > 0 {
		return strings.Join(a.SignedHeaders, ";") // an Auth built by hand
	}
	return a.signedList
}

// Scope returns the credential scope "yyyymmdd/region/service/aws4_request".
func (a *Auth) Scope() string {
	return a.Date + "/" + a.Region + "/" + a.Service + "/" + scopeTerminator
}

const scopeTerminator = "aws4_request"

// ErrorKind classifies why a request failed authentication. The server maps
// a kind to the code of the protocol that answers (see the table in the
// package documentation).
type ErrorKind uint8

// The kinds, in the order AWS evaluates them.
const (
	MissingAuthentication  ErrorKind = iota // no auth at all where it is required (the server decides; Parse returns nil, nil)
	IncompleteSignature                     // Authorization present but missing Credential / SignedHeaders / Signature / X-Amz-Date, bad scope shape
	UnsupportedAlgorithm                    // anything but AWS4-HMAC-SHA256 (SigV2, SigV4a)
	UnknownAccessKey                        // Lookup said ErrUnknownAccessKey
	InvalidSessionToken                     // temporary key whose token is missing or differs, or a token sent with a long-term key
	ExpiredToken                            // Credentials.Expires passed
	SignatureMismatch                       // the recomputed signature differs
	SignatureExpired                        // clock skew: request time too far in the past
	SignatureNotYetCurrent                  // request time too far in the future
	PresignExpired                          // X-Amz-Date + X-Amz-Expires passed
	PresignExpiresTooLarge                  // X-Amz-Expires > 604800
	ContentSHA256Mismatch                   // X-Amz-Content-Sha256 hex differs from the body's hash, or is not a valid value
	HeadersNotSigned                        // S3 only: an x-amz-* header is present but not signed (Error.HeadersNotSigned names them)
)

var kindNames = [...]string{
	MissingAuthentication:  "MissingAuthentication",
	IncompleteSignature:    "IncompleteSignature",
	UnsupportedAlgorithm:   "UnsupportedAlgorithm",
	UnknownAccessKey:       "UnknownAccessKey",
	InvalidSessionToken:    "InvalidSessionToken",
	ExpiredToken:           "ExpiredToken",
	SignatureMismatch:      "SignatureMismatch",
	SignatureExpired:       "SignatureExpired",
	SignatureNotYetCurrent: "SignatureNotYetCurrent",
	PresignExpired:         "PresignExpired",
	PresignExpiresTooLarge: "PresignExpiresTooLarge",
	ContentSHA256Mismatch:  "ContentSHA256Mismatch",
	HeadersNotSigned:       "HeadersNotSigned",
}

// String returns the kind's Go name.
func (k ErrorKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "ErrorKind(" + strconv.Itoa(int(k)) + ")"
}

// Error is an authentication failure. It never carries the secret key.
type Error struct {
	Kind ErrorKind
	// Message is AWS's message text for the situation (best effort, see the
	// package documentation).
	Message string
	// CanonicalRequest and StringToSign are what moat computed, set on
	// SignatureMismatch for debug logs (S3 also returns them in its error
	// body). They never contain the secret key, but the canonical request
	// holds the X-Amz-Security-Token value when the client signed it:
	// redact that before logging.
	CanonicalRequest, StringToSign string
	// HeadersNotSigned lists, ";"-separated, the x-amz-* headers present
	// but not signed (kind HeadersNotSigned; S3 returns it in its error body).
	HeadersNotSigned string
}

func (e *Error) Error() string {
	return "sigv4: " + e.Kind.String() + ": " + e.Message
}

// Is reports whether target is an *Error of the same kind, so that
// errors.Is(err, &sigv4.Error{Kind: sigv4.SignatureMismatch}) works.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Kind == e.Kind
}

func newError(kind ErrorKind, msg string) *Error {
	return &Error{Kind: kind, Message: msg}
}
