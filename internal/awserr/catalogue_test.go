package awserr

import (
	"net/http"
	"testing"
)

// TestCatalogue pins every code and status of the catalogue files added for
// the wire protocols; a change here is a wire change.
func TestCatalogue(t *testing.T) {
	t.Parallel()
	cases := []struct {
		def    Def
		code   string
		status int
	}{
		{AccessDenied, "AccessDenied", 403},
		{AccessDeniedException, "AccessDeniedException", 400},
		{ValidationError, "ValidationError", 400},
		{ValidationException, "ValidationException", 400},
		{SerializationException, "SerializationException", 400},
		{InvalidAction, "InvalidAction", 400},
		{UnknownOperationException, "UnknownOperationException", 400},
		{MissingAction, "MissingAction", 400},
		{InvalidParameterValue, "InvalidParameterValue", 400},
		{InvalidParameterCombination, "InvalidParameterCombination", 400},
		{InvalidQueryParameter, "InvalidQueryParameter", 400},
		{MissingParameter, "MissingParameter", 400},
		{MalformedQueryString, "MalformedQueryString", 404},
		{Throttling, "Throttling", 400},
		{ServiceUnavailable, "ServiceUnavailable", 503},
		{RequestEntityTooLarge, "RequestEntityTooLarge", 413},
		{OptInRequired, "OptInRequired", 403},
		{NotAuthorized, "NotAuthorized", 400},
		{MalformedXML, "MalformedXML", 400},
		{NoSuchEntity, "NoSuchEntity", 404},
		{EntityAlreadyExists, "EntityAlreadyExists", 409},
		{DeleteConflict, "DeleteConflict", 409},
		{LimitExceeded, "LimitExceeded", 409},
		{MalformedPolicyDocument, "MalformedPolicyDocument", 400},
		{InvalidInput, "InvalidInput", 400},
		{ServiceFailure, "ServiceFailure", 500},
		{ConcurrentModification, "ConcurrentModification", 409},
		{UnmodifiableEntity, "UnmodifiableEntity", 400},
		{PasswordPolicyViolation, "PasswordPolicyViolation", 400},
		{EntityTemporarilyUnmodifiable, "EntityTemporarilyUnmodifiable", 409},
		{InvalidAuthenticationCode, "InvalidAuthenticationCode", 403},
		{DuplicateCertificate, "DuplicateCertificate", 409},
		{KeyPairMismatch, "KeyPairMismatch", 400},
		{MalformedCertificate, "MalformedCertificate", 400},
		{InvalidCertificate, "InvalidCertificate", 400},
		{DuplicateSSHPublicKey, "DuplicateSSHPublicKey", 400},
		{InvalidPublicKey, "InvalidPublicKey", 400},
		{UnrecognizedPublicKeyEncoding, "UnrecognizedPublicKeyEncoding", 400},
		{PolicyEvaluation, "PolicyEvaluation", 500},
		{PolicyNotAttachable, "PolicyNotAttachable", 400},
		{NotSupportedService, "NotSupportedService", 404},
		{ReportNotPresent, "ReportNotPresent", 410},
		{ReportExpired, "ReportExpired", 410},
		{ReportInProgress, "ReportInProgress", 404},
		{ReportGenerationLimitExceeded, "ReportGenerationLimitExceeded", 409},
		{OpenIdIdpCommunicationError, "OpenIdIdpCommunicationError", 400},
		{InvalidUserType, "InvalidUserType", 400},
		{PackedPolicyTooLarge, "PackedPolicyTooLarge", 400},
		{RegionDisabledException, "RegionDisabledException", 403},
		{ExpiredTokenException, "ExpiredTokenException", 400},
		{IDPRejectedClaim, "IDPRejectedClaim", 403},
		{InvalidIdentityToken, "InvalidIdentityToken", 400},
		{InvalidAuthorizationMessageException, "InvalidAuthorizationMessageException", 400},
		{IDPCommunicationError, "IDPCommunicationError", 400},
		{MissingAuthenticationToken, "MissingAuthenticationToken", 403},
		{IncompleteSignature, "IncompleteSignature", 400},
		{InvalidClientTokenId, "InvalidClientTokenId", 403},
		{SignatureDoesNotMatch, "SignatureDoesNotMatch", 403},
		{ExpiredToken, "ExpiredToken", 403},
		{RequestExpired, "RequestExpired", 400},
		{AuthFailure, "AuthFailure", 401},
		{MissingAuthenticationTokenException, "MissingAuthenticationTokenException", 403},
		{IncompleteSignatureException, "IncompleteSignatureException", 400},
		{UnrecognizedClientException, "UnrecognizedClientException", 403},
		{InvalidSignatureException, "InvalidSignatureException", 403},
		{JSONExpiredTokenException, "ExpiredTokenException", 403},
		{InvalidAccessKeyId, "InvalidAccessKeyId", 403},
		{AuthorizationHeaderMalformed, "AuthorizationHeaderMalformed", 400},
		{RequestTimeTooSkewed, "RequestTimeTooSkewed", 403},
		{InvalidToken, "InvalidToken", 400},
		{S3ExpiredToken, "ExpiredToken", 400},
		{XAmzContentSHA256Mismatch, "XAmzContentSHA256Mismatch", 400},
		{AuthorizationQueryParametersError, "AuthorizationQueryParametersError", 400},
	}
	if len(cases) != 73 {
		t.Fatalf("catalogue table has %d rows, want 73", len(cases))
	}
	for _, c := range cases {
		if c.def.Code != c.code || c.def.Status != c.status {
			t.Errorf("%s: got %s %d, want %s %d", c.code, c.def.Code, c.def.Status, c.code, c.status)
		}
		e := c.def.New("m %d", 1)
		if e.Message != "m 1" || !c.def.Is(e) || http.StatusText(e.Status) == "" {
			t.Errorf("%s: New/Is broken: %+v", c.code, e)
		}
		if (e.Fault() == Receiver) != (c.status >= 500) {
			t.Errorf("%s: fault %s for status %d", c.code, e.Fault(), c.status)
		}
	}
}
