package server

import (
	"errors"

	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/sigv4"
)

// authErrors maps each authentication failure to the code AWS answers it with
// in each protocol family (../shared/specs/aws-wire.md §4.4, from AWS's
// Common Errors pages). Messages come from sigv4.Error, which carries AWS's
// text for the situation.
var authErrors = map[string]map[sigv4.ErrorKind]awserr.Def{
	"query": {
		sigv4.MissingAuthentication:  awserr.MissingAuthenticationToken,
		sigv4.IncompleteSignature:    awserr.IncompleteSignature,
		sigv4.UnsupportedAlgorithm:   awserr.IncompleteSignature,
		sigv4.UnknownAccessKey:       awserr.InvalidClientTokenId,
		sigv4.InvalidSessionToken:    awserr.InvalidClientTokenId,
		sigv4.ExpiredToken:           awserr.ExpiredToken,
		sigv4.SignatureMismatch:      awserr.SignatureDoesNotMatch,
		sigv4.SignatureExpired:       awserr.SignatureDoesNotMatch,
		sigv4.SignatureNotYetCurrent: awserr.SignatureDoesNotMatch,
		sigv4.PresignExpired:         awserr.RequestExpired,
		sigv4.PresignExpiresTooLarge: awserr.IncompleteSignature,
		sigv4.ContentSHA256Mismatch:  awserr.SignatureDoesNotMatch,
		sigv4.HeadersNotSigned:       awserr.SignatureDoesNotMatch,
	},
	"ec2": {
		sigv4.MissingAuthentication:  awserr.AuthFailure,
		sigv4.IncompleteSignature:    awserr.AuthFailure,
		sigv4.UnsupportedAlgorithm:   awserr.AuthFailure,
		sigv4.UnknownAccessKey:       awserr.AuthFailure,
		sigv4.InvalidSessionToken:    awserr.AuthFailure,
		sigv4.ExpiredToken:           awserr.AuthFailure,
		sigv4.SignatureMismatch:      awserr.AuthFailure,
		sigv4.SignatureExpired:       awserr.RequestExpired,
		sigv4.SignatureNotYetCurrent: awserr.RequestExpired,
		sigv4.PresignExpired:         awserr.RequestExpired,
		sigv4.PresignExpiresTooLarge: awserr.AuthFailure,
		sigv4.ContentSHA256Mismatch:  awserr.AuthFailure,
		sigv4.HeadersNotSigned:       awserr.AuthFailure,
	},
	// S3 (Amazon S3 API Reference, "List of error codes").
	"rest-xml": {
		sigv4.MissingAuthentication:  awserr.AccessDenied,
		sigv4.IncompleteSignature:    awserr.AuthorizationHeaderMalformed,
		sigv4.UnsupportedAlgorithm:   awserr.AuthorizationHeaderMalformed,
		sigv4.UnknownAccessKey:       awserr.InvalidAccessKeyId,
		sigv4.InvalidSessionToken:    awserr.InvalidToken,
		sigv4.ExpiredToken:           awserr.S3ExpiredToken,
		sigv4.SignatureMismatch:      awserr.SignatureDoesNotMatch,
		sigv4.SignatureExpired:       awserr.RequestTimeTooSkewed,
		sigv4.SignatureNotYetCurrent: awserr.RequestTimeTooSkewed,
		sigv4.PresignExpired:         awserr.AccessDenied,
		sigv4.PresignExpiresTooLarge: awserr.AuthorizationQueryParametersError,
		sigv4.ContentSHA256Mismatch:  awserr.XAmzContentSHA256Mismatch,
		sigv4.HeadersNotSigned:       awserr.AccessDenied,
	},
	"json": {
		sigv4.MissingAuthentication:  awserr.MissingAuthenticationTokenException,
		sigv4.IncompleteSignature:    awserr.IncompleteSignatureException,
		sigv4.UnsupportedAlgorithm:   awserr.IncompleteSignatureException,
		sigv4.UnknownAccessKey:       awserr.UnrecognizedClientException,
		sigv4.InvalidSessionToken:    awserr.UnrecognizedClientException,
		sigv4.ExpiredToken:           awserr.JSONExpiredTokenException,
		sigv4.SignatureMismatch:      awserr.InvalidSignatureException,
		sigv4.SignatureExpired:       awserr.InvalidSignatureException,
		sigv4.SignatureNotYetCurrent: awserr.InvalidSignatureException,
		sigv4.PresignExpired:         awserr.InvalidSignatureException,
		sigv4.PresignExpiresTooLarge: awserr.IncompleteSignatureException,
		sigv4.ContentSHA256Mismatch:  awserr.InvalidSignatureException,
		sigv4.HeadersNotSigned:       awserr.InvalidSignatureException,
	},
}

// family is the protocol family whose authentication codes a protocol uses.
func family(protocol string) string {
	switch protocol {
	case "query":
		return "query"
	case "ec2":
		return "ec2"
	case "rest-xml":
		return "rest-xml"
	default:
		return "json"
	}
}

// authError turns an authentication failure into the AWS error the service's
// protocol answers with.
func authError(protocol string, err error) *awserr.Error {
	var se *sigv4.Error
	if !errors.As(err, &se) {
		return awserr.From(err)
	}
	def, ok := authErrors[family(protocol)][se.Kind]
	if !ok {
		def = awserr.InternalFailure
	}
	msg := se.Message
	switch {
	case se.Kind == sigv4.MissingAuthentication && family(protocol) == "json":
		msg = "Missing Authentication Token"
	case se.Kind == sigv4.UnknownAccessKey && family(protocol) == "rest-xml":
		msg = "The AWS Access Key Id you provided does not exist in our records."
	case se.Kind == sigv4.SignatureMismatch && family(protocol) == "rest-xml":
		msg = "The request signature we calculated does not match the signature you provided. Check your key and signing method."
	}
	return def.Wrap(err, "%s", msg)
}
