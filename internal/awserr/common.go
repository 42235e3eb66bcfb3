package awserr

import "net/http"

// Errors common to AWS services, by protocol family. Statuses from the
// "Common Errors" pages of the API references, e.g.
// https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html and
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/CommonErrors.html
// (the same list is published for every service).
var (
	// AccessDenied is what query services (IAM, STS, SNS) and S3 answer when
	// authorization fails: "User: arn is not authorized to perform: iam:X on
	// resource: arn".
	AccessDenied = Def{"AccessDenied", http.StatusForbidden}
	// AccessDeniedException is the json-protocol form (Common Errors: 400;
	// many rest-json services model their own 403 shape instead).
	AccessDeniedException = Def{"AccessDeniedException", http.StatusBadRequest}
	// ValidationError is the query protocol's constraint violation:
	// "1 validation error detected: Value null at 'userName' failed to
	// satisfy constraint: Member must not be null".
	ValidationError = Def{"ValidationError", http.StatusBadRequest}
	// ValidationException is the json/rest-json constraint violation, same wording.
	ValidationException = Def{"ValidationException", http.StatusBadRequest}
	// SerializationException: a json body that is not JSON or has a member
	// of the wrong type.
	SerializationException = Def{"SerializationException", http.StatusBadRequest}
	// InvalidAction: "Could not find operation X for version Y" (query/ec2).
	InvalidAction = Def{"InvalidAction", http.StatusBadRequest}
	// UnknownOperationException: the json-protocol X-Amz-Target names no operation.
	UnknownOperationException = Def{"UnknownOperationException", http.StatusBadRequest}
	// MissingAction: a query request without Action=.
	MissingAction = Def{"MissingAction", http.StatusBadRequest}
	// InvalidParameterValue: an invalid or out-of-range value for a parameter.
	InvalidParameterValue = Def{"InvalidParameterValue", http.StatusBadRequest}
	// InvalidParameterCombination: parameters that must not be used together.
	InvalidParameterCombination = Def{"InvalidParameterCombination", http.StatusBadRequest}
	// InvalidQueryParameter: the query string is malformed or not AWS's.
	InvalidQueryParameter = Def{"InvalidQueryParameter", http.StatusBadRequest}
	// MissingParameter: a required parameter is absent (EC2:
	// "The request must contain the parameter X").
	MissingParameter = Def{"MissingParameter", http.StatusBadRequest}
	// MalformedQueryString: the query string has a syntax error (documented
	// with status 404 on the Common Errors pages).
	MalformedQueryString = Def{"MalformedQueryString", http.StatusNotFound}
	// Throttling: request rate exceeded (query services).
	Throttling = Def{"Throttling", http.StatusBadRequest}
	// ServiceUnavailable: temporary failure of the server.
	ServiceUnavailable = Def{"ServiceUnavailable", http.StatusServiceUnavailable}
	// RequestEntityTooLarge: the request body exceeds the service's limit.
	RequestEntityTooLarge = Def{"RequestEntityTooLarge", http.StatusRequestEntityTooLarge}
	// OptInRequired: the account is not subscribed to the service.
	OptInRequired = Def{"OptInRequired", http.StatusForbidden}
	// NotAuthorized: no permission to perform the action (Common Errors).
	NotAuthorized = Def{"NotAuthorized", http.StatusBadRequest}
)

// MalformedXML is S3's answer to a request body that is not the XML the
// operation takes (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html).
var MalformedXML = Def{"MalformedXML", http.StatusBadRequest}
