// Package trail is moat's CloudTrail: it builds CloudTrail records, makes
// them durable in the store's event log, and answers LookupEvents.
//
// # Records
//
// Record has CloudTrail's field names and order, as documented in
// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
// and https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html,
// and checked against real records (testdata: Stratus Red Team detonation
// logs round-trip unchanged; the field order of the User Guide's examples).
// requestParameters and responseElements are always written, null when
// empty; errorCode, errorMessage, resources, additionalEventData,
// tlsDetails... are omitted when empty, as CloudTrail does. eventTime is
// RFC 3339 in UTC to the second. moat writes eventVersion 1.11.
//
// Where moat differs or AWS is silent:
//   - readOnly and managementEvent are always written (CloudTrail omits
//     them for some console sign-in events, which moat does not produce).
//   - userIdentity.accessKeyId is omitted when empty (CloudTrail writes ""
//     for console sign-in).
//   - insightDetails (Insights events) and edgeDeviceDetails are not
//     modelled.
//
// # Writer: group commit
//
// Writer.Record returns once the record is durable (see
// internal/store/sqlite for what durable means with synchronous FULL and
// NORMAL). One goroutine drains a queue: it waits for a record, takes every
// other record already waiting (up to WithMaxBatch), appends them in one
// AppendEvents transaction and wakes their callers. An idle writer commits
// a lone record at once; under load, callers that arrive during a commit
// share the next one (BenchmarkRecord on the 2-core dev VM, 16 callers
// against 1: ~8 records per commit and ~5x the records/s with FULL, ~4
// per commit and ~3x with NORMAL). OnCommit (the bus) runs
// after each commit, before the callers return.
//
// The Writer fills the event log's lookup attributes from the record:
// EventId, EventName, EventSource, ReadOnly ("true"/"false"), AccessKeyId,
// Username (the IAM user's name; the session name of an assumed role or
// federated user; "root" for the root user; the invoking service for
// AWSService), and the resources: Record.LookupResources (set by the
// service, as CloudTrail derives names per service) plus each entry of
// the record's resources as {type, ARN}.
//
// # Log files
//
// ReadRecords reads records as they are found: delivered log files
// ({"Records":[...]}), JSON arrays and JSON lines, gzip-compressed or not
// (offline mode, `moat serve` imports). WriteLogFile and LogFileKey write a
// log file and name it as CloudTrail's S3 delivery does
// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/get-and-view-cloudtrail-log-files.html);
// delivery itself (trails, buckets, digest files) is not built yet.
//
// # LookupEvents
//
// Lookup implements https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html
// over the event log: at most one lookup attribute
// (InvalidLookupAttributesException), keys EventId, EventName, ReadOnly,
// Username, ResourceType, ResourceName, EventSource, AccessKeyId, values
// matched exactly; MaxResults 1 to 50, default 50
// (InvalidMaxResultsException); StartTime after EndTime is
// InvalidTimeRangeException; only the last 90 days are visible (an earlier
// StartTime is clamped); newest first. NextToken is opaque (base64url of
// the last event's Seq and a hash of the account, region, attribute,
// times and category) and is refused with InvalidNextTokenException when
// malformed or used with other parameters; MaxResults may change between
// pages. EventCategory "insight" returns no events: moat does not generate
// CloudTrail Insights; other values are InvalidEventCategoryException.
// LookupEvents is regional: pass InRegion with the request's region.
//
// AWS does not document the message texts of these exceptions; moat's are
// its own. Not modelled: the 2 requests/second/account throttling, the
// per-Region availability of global service events, trails and their S3
// delivery (.json.gz files), CloudTrail Lake, data events selectors.
package trail
