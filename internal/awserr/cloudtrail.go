package awserr

import "net/http"

// CloudTrail errors (API version 2013-11-01, json 1.1 protocol). All are
// client errors with HTTP 400.
// https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html#API_LookupEvents_Errors
var (
	InvalidLookupAttributesException = Def{"InvalidLookupAttributesException", http.StatusBadRequest}
	InvalidMaxResultsException       = Def{"InvalidMaxResultsException", http.StatusBadRequest}
	InvalidNextTokenException        = Def{"InvalidNextTokenException", http.StatusBadRequest}
	InvalidTimeRangeException        = Def{"InvalidTimeRangeException", http.StatusBadRequest}
	InvalidEventCategoryException    = Def{"InvalidEventCategoryException", http.StatusBadRequest}
	UnsupportedOperationException    = Def{"UnsupportedOperationException", http.StatusBadRequest}
	OperationNotPermittedException   = Def{"OperationNotPermittedException", http.StatusBadRequest}
)
