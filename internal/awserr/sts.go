package awserr

import "net/http"

// STS's modelled errors, per the "Errors" sections of
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html,
// API_AssumeRoleWithWebIdentity.html and API_DecodeAuthorizationMessage.html.
// MalformedPolicyDocument (400) is shared with IAM (iam.go).
var (
	PackedPolicyTooLarge    = Def{"PackedPolicyTooLarge", http.StatusBadRequest}
	RegionDisabledException = Def{"RegionDisabledException", http.StatusForbidden}
	// ExpiredTokenException is STS's modelled error for an expired web
	// identity / SAML token (400); the json-protocol authentication failure
	// of the same code is JSONExpiredTokenException (403).
	ExpiredTokenException                = Def{"ExpiredTokenException", http.StatusBadRequest}
	IDPRejectedClaim                     = Def{"IDPRejectedClaim", http.StatusForbidden}
	InvalidIdentityToken                 = Def{"InvalidIdentityToken", http.StatusBadRequest}
	InvalidAuthorizationMessageException = Def{"InvalidAuthorizationMessageException", http.StatusBadRequest}
	IDPCommunicationError                = Def{"IDPCommunicationError", http.StatusBadRequest}
)
