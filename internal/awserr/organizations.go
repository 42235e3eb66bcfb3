package awserr

import "net/http"

// Organizations' errors (https://docs.aws.amazon.com/organizations/latest/APIReference/CommonErrors.html
// and each operation's Errors section).
var (
	AlreadyInOrganizationException     = Def{"AlreadyInOrganizationException", http.StatusBadRequest}
	AWSOrganizationsNotInUseException  = Def{"AWSOrganizationsNotInUseException", http.StatusBadRequest}
	ParentNotFoundException            = Def{"ParentNotFoundException", http.StatusBadRequest}
	TargetNotFoundException            = Def{"TargetNotFoundException", http.StatusBadRequest}
	PolicyNotFoundException            = Def{"PolicyNotFoundException", http.StatusBadRequest}
	AccountNotFoundException           = Def{"AccountNotFoundException", http.StatusBadRequest}
	DuplicatePolicyAttachmentException = Def{"DuplicatePolicyAttachmentException", http.StatusBadRequest}
	PolicyNotAttachedException         = Def{"PolicyNotAttachedException", http.StatusBadRequest}
	DuplicatePolicyException           = Def{"DuplicatePolicyException", http.StatusBadRequest}
	MalformedPolicyDocumentException   = Def{"MalformedPolicyDocumentException", http.StatusBadRequest}
	PolicyTypeAlreadyEnabledException  = Def{"PolicyTypeAlreadyEnabledException", http.StatusBadRequest}
	PolicyInUseException               = Def{"PolicyInUseException", http.StatusBadRequest}
	SourceParentNotFoundException      = Def{"SourceParentNotFoundException", http.StatusBadRequest}
	OrgAccessDeniedException           = Def{"AccessDeniedException", http.StatusBadRequest}
	OrgConstraintViolationException    = Def{"ConstraintViolationException", http.StatusBadRequest}
	PolicyTypeNotEnabledException      = Def{"PolicyTypeNotEnabledException", http.StatusBadRequest}
	CreateAccountStatusNotFound        = Def{"CreateAccountStatusNotFoundException", http.StatusBadRequest}
	OrgInvalidInputException           = Def{"InvalidInputException", http.StatusBadRequest}
)
