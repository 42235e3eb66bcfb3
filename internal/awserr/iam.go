package awserr

import "net/http"

// IAM's modelled errors; codes are the error shapes' error.code (not the
// shape names) and statuses are the shapes' httpStatusCode, as listed in the
// "Errors" section of each action in the IAM API reference, e.g.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateUser.html and
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_UploadServerCertificate.html
var (
	NoSuchEntity                  = Def{"NoSuchEntity", http.StatusNotFound}
	EntityAlreadyExists           = Def{"EntityAlreadyExists", http.StatusConflict}
	DeleteConflict                = Def{"DeleteConflict", http.StatusConflict}
	LimitExceeded                 = Def{"LimitExceeded", http.StatusConflict}
	MalformedPolicyDocument       = Def{"MalformedPolicyDocument", http.StatusBadRequest} // also STS
	InvalidInput                  = Def{"InvalidInput", http.StatusBadRequest}
	ServiceFailure                = Def{"ServiceFailure", http.StatusInternalServerError}
	ConcurrentModification        = Def{"ConcurrentModification", http.StatusConflict}
	UnmodifiableEntity            = Def{"UnmodifiableEntity", http.StatusBadRequest}
	PasswordPolicyViolation       = Def{"PasswordPolicyViolation", http.StatusBadRequest}
	EntityTemporarilyUnmodifiable = Def{"EntityTemporarilyUnmodifiable", http.StatusConflict}
	InvalidAuthenticationCode     = Def{"InvalidAuthenticationCode", http.StatusForbidden}
	DuplicateCertificate          = Def{"DuplicateCertificate", http.StatusConflict}
	KeyPairMismatch               = Def{"KeyPairMismatch", http.StatusBadRequest}
	MalformedCertificate          = Def{"MalformedCertificate", http.StatusBadRequest}
	InvalidCertificate            = Def{"InvalidCertificate", http.StatusBadRequest}
	DuplicateSSHPublicKey         = Def{"DuplicateSSHPublicKey", http.StatusBadRequest}
	InvalidPublicKey              = Def{"InvalidPublicKey", http.StatusBadRequest}
	UnrecognizedPublicKeyEncoding = Def{"UnrecognizedPublicKeyEncoding", http.StatusBadRequest}
	PolicyEvaluation              = Def{"PolicyEvaluation", http.StatusInternalServerError}
	PolicyNotAttachable           = Def{"PolicyNotAttachable", http.StatusBadRequest}
	NotSupportedService           = Def{"NotSupportedService", http.StatusNotFound}
	ReportNotPresent              = Def{"ReportNotPresent", http.StatusGone}
	ReportExpired                 = Def{"ReportExpired", http.StatusGone}
	ReportInProgress              = Def{"ReportInProgress", http.StatusNotFound}
	ReportGenerationLimitExceeded = Def{"ReportGenerationLimitExceeded", http.StatusConflict}
	OpenIdIdpCommunicationError   = Def{"OpenIdIdpCommunicationError", http.StatusBadRequest}
	InvalidUserType               = Def{"InvalidUserType", http.StatusBadRequest}
)
