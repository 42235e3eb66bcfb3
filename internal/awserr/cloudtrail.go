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

	// Trails (CreateTrail, UpdateTrail, ... Errors sections).
	InvalidTrailNameException                 = Def{"InvalidTrailNameException", http.StatusBadRequest}
	InvalidS3BucketNameException              = Def{"InvalidS3BucketNameException", http.StatusBadRequest}
	InvalidS3PrefixException                  = Def{"InvalidS3PrefixException", http.StatusBadRequest}
	InvalidCloudWatchLogsLogGroupArnException = Def{"InvalidCloudWatchLogsLogGroupArnException", http.StatusBadRequest}
	InvalidParameterCombinationException      = Def{"InvalidParameterCombinationException", http.StatusBadRequest}
	OrganizationsNotInUseException            = Def{"OrganizationsNotInUseException", http.StatusBadRequest}
	NotOrganizationMasterAccountException     = Def{"NotOrganizationMasterAccountException", http.StatusBadRequest}
	MaximumNumberOfTrailsExceededException    = Def{"MaximumNumberOfTrailsExceededException", http.StatusBadRequest}
	TrailAlreadyExistsException               = Def{"TrailAlreadyExistsException", http.StatusBadRequest}
	TrailNotFoundException                    = Def{"TrailNotFoundException", http.StatusBadRequest}
	InvalidHomeRegionException                = Def{"InvalidHomeRegionException", http.StatusBadRequest}
	InvalidEventSelectorsException            = Def{"InvalidEventSelectorsException", http.StatusBadRequest}
	InvalidInsightSelectorsException          = Def{"InvalidInsightSelectorsException", http.StatusBadRequest}
	InsightNotEnabledException                = Def{"InsightNotEnabledException", http.StatusBadRequest}
)
