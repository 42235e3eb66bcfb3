package awserr

import "net/http"

// Authentication failures per protocol family (shared/specs/aws-wire.md §4.4;
// https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html for
// the query codes, the S3 error-code list
// https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html for S3).
var (
	// Query services (IAM, STS, SNS).
	MissingAuthenticationToken = Def{"MissingAuthenticationToken", http.StatusForbidden}
	IncompleteSignature        = Def{"IncompleteSignature", http.StatusBadRequest}
	InvalidClientTokenId       = Def{"InvalidClientTokenId", http.StatusForbidden}
	SignatureDoesNotMatch      = Def{"SignatureDoesNotMatch", http.StatusForbidden} // also S3
	ExpiredToken               = Def{"ExpiredToken", http.StatusForbidden}
	RequestExpired             = Def{"RequestExpired", http.StatusBadRequest} // also EC2 clock skew

	// EC2.
	AuthFailure = Def{"AuthFailure", http.StatusUnauthorized}

	// json and rest-json services.
	MissingAuthenticationTokenException = Def{"MissingAuthenticationTokenException", http.StatusForbidden}
	IncompleteSignatureException        = Def{"IncompleteSignatureException", http.StatusBadRequest}
	UnrecognizedClientException         = Def{"UnrecognizedClientException", http.StatusForbidden}
	InvalidSignatureException           = Def{"InvalidSignatureException", http.StatusForbidden}
	JSONExpiredTokenException           = Def{"ExpiredTokenException", http.StatusForbidden}

	// S3.
	InvalidAccessKeyId                = Def{"InvalidAccessKeyId", http.StatusForbidden}
	AuthorizationHeaderMalformed      = Def{"AuthorizationHeaderMalformed", http.StatusBadRequest}
	RequestTimeTooSkewed              = Def{"RequestTimeTooSkewed", http.StatusForbidden}
	InvalidToken                      = Def{"InvalidToken", http.StatusBadRequest}
	S3ExpiredToken                    = Def{"ExpiredToken", http.StatusBadRequest}
	XAmzContentSHA256Mismatch         = Def{"XAmzContentSHA256Mismatch", http.StatusBadRequest}
	AuthorizationQueryParametersError = Def{"AuthorizationQueryParametersError", http.StatusBadRequest}
)
