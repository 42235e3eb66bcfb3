// Package macie2 serves the Amazon Macie API (rest-json, signing name
// "macie2", lowerCamel members as AWS sends them) over moat's S3 buckets and
// the dataid engine:
//
//   - the account: EnableMacie, GetMacieSession, UpdateMacieSession,
//     DisableMacie (which deletes the account's Macie data, as AWS does);
//     every other call before EnableMacie is AccessDeniedException "Macie is
//     not enabled." with HTTP 401, as AWS answers; a second EnableMacie is
//     ConflictException. UpdateMacieSession status PAUSED cancels the jobs
//     that have not finished; other calls keep working while paused
//     (AWS's behaviour for calls on a suspended account is not documented);
//   - custom data identifiers (cdi.go): Create/Get/List/BatchGet/Delete
//     (soft delete: Get and BatchGet report deleted), TestCustomDataIdentifier,
//     and ListManagedDataIdentifiers from dataid's catalogue;
//   - classification jobs (jobs.go, run.go): CreateClassificationJob with
//     bucketDefinitions or bucketCriteria, object scoping (OBJECT_EXTENSION,
//     OBJECT_KEY, OBJECT_SIZE, OBJECT_LAST_MODIFIED_DATE, object tags),
//     samplingPercentage, managedDataIdentifierSelector and
//     customDataIdentifierIds; DescribeClassificationJob,
//     ListClassificationJobs, UpdateClassificationJob;
//   - findings (finding.go, findings.go, policyfindings.go):
//     sensitive-data findings in Macie's JSON (one per object with
//     occurrences, at most 15 locations per type) and policy findings on
//     buckets; ListFindings, GetFindings, GetFindingStatistics;
//     CreateSampleFindings (sample: true, on a placeholder bucket, sensitive
//     samples classified by the real scanner); DescribeBuckets and
//     GetBucketStatistics (extra.go) over moat's S3 inventory;
//   - allow lists (allowlists.go): Create/Get/List/Update/DeleteAllowList,
//     a regex or words in an S3 object (status S3_OBJECT_NOT_FOUND, _EMPTY,
//     _OVERSIZE as Macie reports them), used by jobs' allowListIds;
//   - findings filters and suppression rules (filters.go):
//     Create/Get/List/Update/DeleteFindingsFilter; ARCHIVE rules archive
//     matching findings, existing and new;
//   - tagging (tags.go): TagResource, UntagResource, ListTagsForResource on
//     jobs, custom data identifiers, allow lists and findings filters.
//
// Where moat differs from AWS, or AWS is silent:
//   - A ONE_TIME job runs synchronously inside CreateClassificationJob: the
//     call reads the objects, scans them, and writes the job (COMPLETE) and
//     its findings in one store transaction, so DescribeClassificationJob
//     never shows RUNNING for it. A SCHEDULED job runs at creation unless
//     initialRun is false, then is IDLE; its later runs happen lazily when
//     the account next reads jobs or findings after they are due
//     (schedule.go), each over the objects changed since the last run.
//   - One finding per object: the members of an archive are folded into the
//     object's finding, each location relative to its own member.
//   - Objects over MaxObjectSize (64 MiB), unreadable, corrupt or of an
//     unsupported type are skipped, never a failure: the job record counts
//     them (not sent: Macie's Statistics has no such field), and a finding's
//     classification result status says PARTIAL when part of an object
//     could not be read.
//   - samplingPercentage picks objects deterministically (a hash of the key),
//     so a rerun samples the same objects.
//   - Policy findings are computed from the buckets' settings when a job
//     runs and on every ListFindings, GetFindings and GetFindingStatistics
//     call, for conditions that arose after EnableMacie (as at AWS); one
//     finding per bucket and type, which stays when the setting is fixed and
//     counts a recurrence. policyDetails is not filled: moat does not know
//     which call changed the setting.
//   - Severity of managed identifiers follows dataid's reading (credentials
//     and financial High, personal by count); AWS does not document it.
//   - Finding titles and descriptions are moat's wording.
//   - An allow list a job cannot read is left out of the run, which ends
//     with lastRunErrorStatus ERROR; so does a run naming a bucket that does
//     not exist or is in another account (cross-account jobs are not served).
//   - Authorization: the resource of a job, custom data identifier, allow
//     list or findings filter call is its ARN (a create's is the ARN of the
//     id it is about to get); list, batch and findings calls act on "*".
//     Tags at creation also need macie2:TagResource; aws:RequestTag and
//     aws:TagKeys are evaluated, and aws:ResourceTag/KEY of the job,
//     identifier, allow list or filter a call acts on.
//   - Not served: members and organizations, reveal
//     (GetSensitiveDataOccurrences), automated discovery, classification
//     export (detailedResultsLocation is not set), usage statistics,
//     EventBridge publication of findings (moat's EventBridge reads the
//     CloudTrail stream only).
package macie2

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/protocol"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
)

// Tables. Keys start with account/region/.
const (
	TableSessions = "macie2.sessions" // account/region → sessionRecord
	TableCDIs     = "macie2.cdis"     // account/region/id → cdiRecord
	TableJobs     = "macie2.jobs"     // account/region/id → jobRecord
	TableFindings = "macie2.findings" // account/region/id → finding JSON
	TableTokens   = "macie2.tokens"   // account/region/kind/clientToken → id
)

// Macie's errors (API reference, "Errors").
var (
	// Macie answers "Macie is not enabled." with HTTP 401 (seen in SDK
	// error logs of live accounts), not the 403 of IAM denials.
	errNotEnabledDef = awserr.Def{Code: "AccessDeniedException", Status: http.StatusUnauthorized}
	errValidation    = awserr.Def{Code: "ValidationException", Status: http.StatusBadRequest}
	errNotFound      = awserr.Def{Code: "ResourceNotFoundException", Status: http.StatusNotFound}
	errConflict      = awserr.Def{Code: "ConflictException", Status: http.StatusConflict}
	errQuota         = awserr.Def{Code: "ServiceQuotaExceededException", Status: http.StatusPaymentRequired}
)

// Service is Macie over one data directory (S3's object bytes).
type Service struct{ dataDir string }

// New returns the Macie service reading S3 objects kept under dataDir.
func New(dataDir string) *service.Service {
	m := &Service{dataDir: dataDir}
	routes := []protocol.Route{
		{Method: "POST", Path: "/macie", Op: "EnableMacie"},
		{Method: "GET", Path: "/macie", Op: "GetMacieSession"},
		{Method: "PATCH", Path: "/macie", Op: "UpdateMacieSession"},
		{Method: "DELETE", Path: "/macie", Op: "DisableMacie"},
		{Method: "GET", Path: "/findings-publication-configuration", Op: "GetFindingsPublicationConfiguration"},
		{Method: "PUT", Path: "/findings-publication-configuration", Op: "PutFindingsPublicationConfiguration"},
		{Method: "POST", Path: "/custom-data-identifiers", Op: "CreateCustomDataIdentifier"},
		{Method: "POST", Path: "/custom-data-identifiers/get", Op: "BatchGetCustomDataIdentifiers"},
		{Method: "POST", Path: "/custom-data-identifiers/list", Op: "ListCustomDataIdentifiers"},
		{Method: "POST", Path: "/custom-data-identifiers/test", Op: "TestCustomDataIdentifier"},
		{Method: "GET", Path: "/custom-data-identifiers/{id}", Op: "GetCustomDataIdentifier"},
		{Method: "DELETE", Path: "/custom-data-identifiers/{id}", Op: "DeleteCustomDataIdentifier"},
		{Method: "POST", Path: "/managed-data-identifiers/list", Op: "ListManagedDataIdentifiers"},
		{Method: "POST", Path: "/jobs", Op: "CreateClassificationJob"},
		{Method: "POST", Path: "/jobs/list", Op: "ListClassificationJobs"},
		{Method: "GET", Path: "/jobs/{jobId}", Op: "DescribeClassificationJob"},
		{Method: "PATCH", Path: "/jobs/{jobId}", Op: "UpdateClassificationJob"},
		{Method: "POST", Path: "/findings", Op: "ListFindings"},
		{Method: "POST", Path: "/findings/describe", Op: "GetFindings"},
		{Method: "POST", Path: "/findings/statistics", Op: "GetFindingStatistics"},
		{Method: "POST", Path: "/datasources/s3", Op: "DescribeBuckets"},
		{Method: "POST", Path: "/datasources/s3/statistics", Op: "GetBucketStatistics"},
		{Method: "POST", Path: "/findings/sample", Op: "CreateSampleFindings"},
		{Method: "POST", Path: "/allow-lists", Op: "CreateAllowList"},
		{Method: "GET", Path: "/allow-lists", Op: "ListAllowLists"},
		{Method: "GET", Path: "/allow-lists/{id}", Op: "GetAllowList"},
		{Method: "PUT", Path: "/allow-lists/{id}", Op: "UpdateAllowList"},
		{Method: "DELETE", Path: "/allow-lists/{id}", Op: "DeleteAllowList"},
		{Method: "POST", Path: "/findingsfilters", Op: "CreateFindingsFilter"},
		{Method: "GET", Path: "/findingsfilters", Op: "ListFindingsFilters"},
		{Method: "GET", Path: "/findingsfilters/{id}", Op: "GetFindingsFilter"},
		{Method: "PATCH", Path: "/findingsfilters/{id}", Op: "UpdateFindingsFilter"},
		{Method: "DELETE", Path: "/findingsfilters/{id}", Op: "DeleteFindingsFilter"},
		{Method: "POST", Path: "/tags/{resourceArn}", Op: "TagResource"},
		{Method: "GET", Path: "/tags/{resourceArn}", Op: "ListTagsForResource"},
		{Method: "DELETE", Path: "/tags/{resourceArn}", Op: "UntagResource"},
	}
	ops := []*service.Operation{
		service.Op("EnableMacie", "macie2:EnableMacie", enableMacie),
		service.Op("GetMacieSession", "macie2:GetMacieSession", getMacieSession, service.ReadOnly[struct{}]()),
		service.Op("UpdateMacieSession", "macie2:UpdateMacieSession", updateMacieSession),
		service.Op("DisableMacie", "macie2:DisableMacie", disableMacie),
		service.Op("GetFindingsPublicationConfiguration", "macie2:GetFindingsPublicationConfiguration", getPublication, service.ReadOnly[struct{}]()),
		service.Op("PutFindingsPublicationConfiguration", "macie2:PutFindingsPublicationConfiguration", putPublication),
	}
	ops = append(ops, cdiOps()...)
	ops = append(ops, m.jobOps()...)
	ops = append(ops, m.findingOps()...)
	ops = append(ops, m.allowListOps()...)
	ops = append(ops, tagOps()...)
	ops = append(ops, filterOps()...)
	ops = append(ops, extraOps()...)
	return &service.Service{
		Meta:        protocol.Service{Name: "macie2", Protocol: "rest-json"},
		EventSource: "macie2.amazonaws.com",
		Router:      protocol.NewRouter(routes),
		Ops:         service.Table(ops...),
	}
}

// arnOf is the ARN of a Macie resource of the caller: kind is
// classification-job, custom-data-identifier, findings-filter...
func arnOf(c *service.Call, kind, id string) string {
	return "arn:aws:macie2:" + c.Region + ":" + c.Account() + ":" + kind + "/" + id
}

func scope(c *service.Call) string { return c.Account() + "/" + c.Region }

func key(c *service.Call, id string) string { return scope(c) + "/" + id }

// newID is a 32-hex-digit id as Macie gives jobs and findings.
func newID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// newUUID is a version 4 UUID as Macie gives custom data identifiers.
func newUUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

func getJSON(tx store.Tx, table, k string, v any) error {
	raw, err := tx.Get(table, k)
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, v)
}

func putJSON(tx store.Tx, table, k string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return tx.Put(table, k, b)
}

// ---- the Macie session ----

// sessionRecord is a stored Macie session.
type sessionRecord struct {
	Status    string    `json:"status"`
	Frequency string    `json:"findingPublishingFrequency"`
	Created   time.Time `json:"createdAt"`
	Updated   time.Time `json:"updatedAt"`
}

// errNotEnabled is what every call but EnableMacie answers before Macie is
// enabled (AWS answers AccessDeniedException "Macie is not enabled.").
func errNotEnabled() error { return errNotEnabledDef.New("Macie is not enabled.") }

// session returns the caller's session or the not-enabled error.
func session(tx store.Tx, c *service.Call) (*sessionRecord, error) {
	var s sessionRecord
	err := getJSON(tx, TableSessions, scope(c), &s)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errNotEnabled()
	}
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// enabled checks in a read transaction that Macie is enabled.
func enabled(ctx context.Context, c *service.Call) error {
	return c.Deps.Store.View(ctx, func(tx store.Tx) error {
		_, err := session(tx, c)
		return err
	})
}

// EnableMacieInput is EnableMacie's request.
type EnableMacieInput struct {
	ClientToken                *string `aws:"clientToken"`
	FindingPublishingFrequency *string `aws:"findingPublishingFrequency"`
	Status                     *string `aws:"status"`
}

func checkFrequency(f *string, def string) (string, error) {
	if f == nil {
		return def, nil
	}
	switch *f {
	case "FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS":
		return *f, nil
	}
	return "", errValidation.New("findingPublishingFrequency: %q is not one of FIFTEEN_MINUTES, ONE_HOUR, SIX_HOURS", *f)
}

func checkStatus(s *string, def string) (string, error) {
	if s == nil {
		return def, nil
	}
	switch *s {
	case "ENABLED", "PAUSED":
		return *s, nil
	}
	return "", errValidation.New("status: %q is not one of ENABLED, PAUSED", *s)
}

func enableMacie(ctx context.Context, c *service.Call, in *EnableMacieInput) (*struct{}, error) {
	freq, err := checkFrequency(in.FindingPublishingFrequency, "FIFTEEN_MINUTES")
	if err != nil {
		return nil, err
	}
	status, err := checkStatus(in.Status, "ENABLED")
	if err != nil {
		return nil, err
	}
	now := c.Now.UTC()
	s := sessionRecord{Status: status, Frequency: freq, Created: now, Updated: now}
	b, _ := json.Marshal(&s)
	buckets, err := regionBuckets(ctx, c)
	if err != nil {
		return nil, err
	}
	err = c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		err := tx.Insert(TableSessions, scope(c), b)
		if errors.Is(err, store.ErrExists) {
			// AWS's wording as Terraform users quote it; the final period
			// is moat's guess.
			return errConflict.New("Macie has already been enabled.")
		}
		if err != nil {
			return err
		}
		return baselinePolicy(tx, c, buckets)
	})
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

// GetMacieSessionOutput is GetMacieSession's response.
type GetMacieSessionOutput struct {
	CreatedAt                  time.Time `aws:"createdAt,timestamp=iso8601"`
	FindingPublishingFrequency string    `aws:"findingPublishingFrequency"`
	ServiceRole                string    `aws:"serviceRole"`
	Status                     string    `aws:"status"`
	UpdatedAt                  time.Time `aws:"updatedAt,timestamp=iso8601"`
}

func getMacieSession(ctx context.Context, c *service.Call, _ *struct{}) (*GetMacieSessionOutput, error) {
	var s *sessionRecord
	err := c.Deps.Store.View(ctx, func(tx store.Tx) (err error) {
		s, err = session(tx, c)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &GetMacieSessionOutput{CreatedAt: s.Created, FindingPublishingFrequency: s.Frequency, Status: s.Status, UpdatedAt: s.Updated,
		ServiceRole: "arn:aws:iam::" + c.Account() + ":role/aws-service-role/macie.amazonaws.com/AWSServiceRoleForAmazonMacie"}, nil
}

// UpdateMacieSessionInput is UpdateMacieSession's request.
type UpdateMacieSessionInput struct {
	FindingPublishingFrequency *string `aws:"findingPublishingFrequency"`
	Status                     *string `aws:"status"`
}

func updateMacieSession(ctx context.Context, c *service.Call, in *UpdateMacieSessionInput) (*struct{}, error) {
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		s, err := session(tx, c)
		if err != nil {
			return err
		}
		if s.Frequency, err = checkFrequency(in.FindingPublishingFrequency, s.Frequency); err != nil {
			return err
		}
		if s.Status, err = checkStatus(in.Status, s.Status); err != nil {
			return err
		}
		if s.Status == "PAUSED" {
			// Suspending Macie cancels its jobs (Macie User Guide, "Suspending Macie").
			if err := cancelJobs(tx, c); err != nil {
				return err
			}
		}
		s.Updated = c.Now.UTC()
		return putJSON(tx, TableSessions, scope(c), s)
	})
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

// disableMacie deletes the session and all of the account's Macie data in
// the region, as AWS does.
func disableMacie(ctx context.Context, c *service.Call, _ *struct{}) (*struct{}, error) {
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		if _, err := session(tx, c); err != nil {
			return err
		}
		if err := tx.Delete(TableSessions, scope(c)); err != nil {
			return err
		}
		for _, t := range []string{TableCDIs, TableJobs, TableFindings, TableTokens, TableAllowLists, TableFilters, TablePolicyState} {
			var keys []string
			if err := tx.Scan(t, scope(c)+"/", "", 0, func(k string, _ []byte) error {
				keys = append(keys, k)
				return nil
			}); err != nil {
				return err
			}
			for _, k := range keys {
				if err := tx.Delete(t, k); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}
