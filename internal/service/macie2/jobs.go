package macie2

import (
	"context"
	"encoding/json"
	"errors"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/moatdev/moat/dataid"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/service/s3"
	"github.com/moatdev/moat/internal/store"
)

// Classification jobs: the API. run.go runs them.

func (m *Service) jobOps() []*service.Operation {
	return []*service.Operation{
		service.Op("CreateClassificationJob", "macie2:CreateClassificationJob", m.createJob,
			service.Resource(func(_ context.Context, c *service.Call, in *CreateClassificationJobInput) (string, error) {
				in.id = newID()
				return arnOf(c, "classification-job", in.id), nil
			}),
			tagging(func(in *CreateClassificationJobInput) map[string]string { return in.Tags }, true)),
		service.Op("DescribeClassificationJob", "macie2:DescribeClassificationJob", withCatchUp(m, describeJob), service.ReadOnly[JobIDInput](),
			onResource("classification-job", func(in *JobIDInput) string { return in.JobID })),
		service.Op("ListClassificationJobs", "macie2:ListClassificationJobs", withCatchUp(m, listJobs), service.ReadOnly[ListClassificationJobsInput]()),
		service.Op("UpdateClassificationJob", "macie2:UpdateClassificationJob", updateJob,
			onResource("classification-job", func(in *UpdateClassificationJobInput) string { return in.JobID })),
	}
}

// Job statuses (JobStatus).
const (
	statusRunning    = "RUNNING"
	statusCancelled  = "CANCELLED"
	statusComplete   = "COMPLETE"
	statusIdle       = "IDLE"
	statusUserPaused = "USER_PAUSED"
)

// jobRecord is a stored classification job.
type jobRecord struct {
	ID                  string            `json:"jobId"`
	Arn                 string            `json:"jobArn"`
	Name                string            `json:"name"`
	Description         string            `json:"description,omitempty"`
	JobType             string            `json:"jobType"`
	Status              string            `json:"jobStatus"`
	ClientToken         string            `json:"clientToken,omitempty"`
	CreatedAt           time.Time         `json:"createdAt"`
	LastRunTime         time.Time         `json:"lastRunTime"`
	InitialRun          *bool             `json:"initialRun,omitempty"`
	S3JobDefinition     json.RawMessage   `json:"s3JobDefinition"`
	ScheduleFrequency   json.RawMessage   `json:"scheduleFrequency,omitempty"`
	SamplingPercentage  int               `json:"samplingPercentage"`
	Selector            string            `json:"managedDataIdentifierSelector"`
	ManagedIDs          []string          `json:"managedDataIdentifierIds,omitempty"`
	CustomIDs           []string          `json:"customDataIdentifierIds,omitempty"`
	AllowListIDs        []string          `json:"allowListIds,omitempty"`
	Tags                map[string]string `json:"tags,omitempty"`
	ObjectsToProcess    int64             `json:"approximateNumberOfObjectsToProcess"`
	Runs                int64             `json:"numberOfRuns"`
	LastRunError        string            `json:"lastRunErrorStatus"`
	ObjectsSkipped      int64             `json:"objectsSkipped"` // moat's statistics, not sent
	UserPausedAt        time.Time         `json:"userPausedAt,omitempty"`
	PreviousStatusPause string            `json:"previousStatus,omitempty"`
}

// CreateClassificationJobInput is CreateClassificationJob's request. The
// nested definitions are kept as JSON documents and parsed by parseJobDef.
type CreateClassificationJobInput struct {
	AllowListIDs                  []string          `aws:"allowListIds"`
	ClientToken                   *string           `aws:"clientToken"`
	CustomDataIdentifierIDs       []string          `aws:"customDataIdentifierIds"`
	Description                   *string           `aws:"description"`
	InitialRun                    *bool             `aws:"initialRun"`
	JobType                       *string           `aws:"jobType,required"`
	ManagedDataIdentifierIDs      []string          `aws:"managedDataIdentifierIds"`
	ManagedDataIdentifierSelector *string           `aws:"managedDataIdentifierSelector"`
	Name                          *string           `aws:"name,required"`
	S3JobDefinition               json.RawMessage   `aws:"s3JobDefinition,required"`
	SamplingPercentage            *int              `aws:"samplingPercentage"`
	ScheduleFrequency             json.RawMessage   `aws:"scheduleFrequency"`
	Tags                          map[string]string `aws:"tags"`
	id                            string
}

// CreateClassificationJobOutput is its response.
type CreateClassificationJobOutput struct {
	JobArn string `aws:"jobArn"`
	JobID  string `aws:"jobId"`
}

func (m *Service) createJob(ctx context.Context, c *service.Call, in *CreateClassificationJobInput) (*CreateClassificationJobOutput, error) {
	job, def, err := validateJob(c, in)
	if err != nil {
		return nil, err
	}
	// The same clientToken gives the same job, without a second run.
	var existing string
	err = c.Deps.Store.View(ctx, func(tx store.Tx) error {
		if _, err := session(tx, c); err != nil {
			return err
		}
		if job.ClientToken != "" {
			if id, err := tx.Get(TableTokens, key(c, "job/"+job.ClientToken)); err == nil {
				existing = string(id)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if existing != "" {
		return &CreateClassificationJobOutput{JobArn: arnOf(c, "classification-job", existing), JobID: existing}, nil
	}
	scanner, arns, listErr, err := m.prepare(ctx, c, job)
	if err != nil {
		return nil, err
	}
	var findings []*finding
	var buckets []s3.BucketInfo
	runNow := job.JobType == "ONE_TIME" || job.InitialRun == nil || *job.InitialRun
	if runNow {
		findings, err = m.run(ctx, c, job, def, scanner, arns, time.Time{})
		if err != nil {
			return nil, err
		}
		if listErr {
			job.LastRunError = "ERROR"
		}
		if buckets, err = regionBuckets(ctx, c); err != nil {
			return nil, err
		}
	}
	job.Status = statusIdle
	if job.JobType == "ONE_TIME" {
		job.Status = statusComplete
	}
	err = c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		if _, err := session(tx, c); err != nil {
			return err
		}
		if job.ClientToken != "" {
			if err := tx.Insert(TableTokens, key(c, "job/"+job.ClientToken), []byte(job.ID)); errors.Is(err, store.ErrExists) {
				return errConflict.New("A job with the clientToken %s is being created.", job.ClientToken)
			} else if err != nil {
				return err
			}
		}
		if err := putJSON(tx, TableJobs, key(c, job.ID), job); err != nil {
			return err
		}
		sup, err := loadSuppression(tx, c)
		if err != nil {
			return err
		}
		for _, f := range findings {
			sup.apply(f)
			if err := putJSON(tx, TableFindings, key(c, f.ID), f); err != nil {
				return err
			}
			if err := publish(tx, c, f); err != nil {
				return err
			}
		}
		if runNow {
			return refreshPolicyFindings(tx, c, buckets)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &CreateClassificationJobOutput{JobArn: job.Arn, JobID: job.ID}, nil
}

// validateJob checks the request as Macie does and builds the record.
func validateJob(c *service.Call, in *CreateClassificationJobInput) (*jobRecord, *s3JobDef, error) {
	name := deref(in.Name)
	if n := utf8.RuneCountInString(name); n < 1 || n > 500 {
		return nil, nil, errValidation.New("name: must have 1-500 characters")
	}
	if n := utf8.RuneCountInString(deref(in.Description)); n > 200 {
		return nil, nil, errValidation.New("description: must have at most 200 characters")
	}
	jobType := deref(in.JobType)
	switch jobType {
	case "ONE_TIME":
		if len(in.ScheduleFrequency) > 0 && string(in.ScheduleFrequency) != "null" {
			return nil, nil, errValidation.New("scheduleFrequency: must not be set for a ONE_TIME job")
		}
		if in.InitialRun != nil {
			return nil, nil, errValidation.New("initialRun: must not be set for a ONE_TIME job")
		}
	case "SCHEDULED":
		if err := checkSchedule(in.ScheduleFrequency); err != nil {
			return nil, nil, err
		}
	default:
		return nil, nil, errValidation.New("jobType: %q is not one of ONE_TIME, SCHEDULED", jobType)
	}
	sampling := 100
	if in.SamplingPercentage != nil {
		sampling = *in.SamplingPercentage
		if sampling < 1 || sampling > 100 {
			return nil, nil, errValidation.New("samplingPercentage: %d is outside 1-100", sampling)
		}
	}
	sel := "RECOMMENDED" // Macie's default since 2023
	if in.ManagedDataIdentifierSelector != nil {
		sel = *in.ManagedDataIdentifierSelector
	}
	switch sel {
	case "ALL", "NONE", "RECOMMENDED":
		if len(in.ManagedDataIdentifierIDs) > 0 {
			return nil, nil, errValidation.New("managedDataIdentifierIds: only allowed with managedDataIdentifierSelector INCLUDE or EXCLUDE")
		}
		if sel == "NONE" && len(in.CustomDataIdentifierIDs) == 0 {
			return nil, nil, errValidation.New("customDataIdentifierIds: a job with managedDataIdentifierSelector NONE needs at least one custom data identifier")
		}
	case "INCLUDE", "EXCLUDE":
		if len(in.ManagedDataIdentifierIDs) == 0 {
			return nil, nil, errValidation.New("managedDataIdentifierIds: required with managedDataIdentifierSelector %s", sel)
		}
		for _, id := range in.ManagedDataIdentifierIDs {
			if _, ok := dataid.LookupManaged(id); !ok {
				return nil, nil, errValidation.New("managedDataIdentifierIds: %q is not a managed data identifier", id)
			}
		}
	default:
		return nil, nil, errValidation.New("managedDataIdentifierSelector: %q is not one of ALL, EXCLUDE, INCLUDE, NONE, RECOMMENDED", sel)
	}
	if len(in.CustomDataIdentifierIDs) > 30 {
		return nil, nil, errValidation.New("customDataIdentifierIds: at most 30 custom data identifiers per job")
	}
	if len(in.AllowListIDs) > 10 {
		return nil, nil, errValidation.New("allowListIds: at most 10 allow lists per job")
	}
	def, err := parseJobDef(in.S3JobDefinition)
	if err != nil {
		return nil, nil, err
	}
	if in.id == "" {
		in.id = newID()
	}
	now := c.Now.UTC()
	return &jobRecord{ID: in.id, Arn: arnOf(c, "classification-job", in.id), Name: name, Description: deref(in.Description), JobType: jobType,
		ClientToken: deref(in.ClientToken), CreatedAt: now, InitialRun: in.InitialRun, S3JobDefinition: in.S3JobDefinition,
		ScheduleFrequency: in.ScheduleFrequency, SamplingPercentage: sampling, Selector: sel, ManagedIDs: in.ManagedDataIdentifierIDs,
		CustomIDs: in.CustomDataIdentifierIDs, AllowListIDs: in.AllowListIDs, Tags: in.Tags, LastRunError: "NONE"}, def, nil
}

func checkSchedule(raw json.RawMessage) error {
	var s struct {
		Daily   *struct{}                   `json:"dailySchedule"`
		Weekly  *struct{ DayOfWeek string } `json:"weeklySchedule"`
		Monthly *struct {
			DayOfMonth int `json:"dayOfMonth"`
		} `json:"monthlySchedule"`
	}
	if len(raw) == 0 || json.Unmarshal(raw, &s) != nil {
		return errValidation.New("scheduleFrequency: required for a SCHEDULED job")
	}
	n := 0
	if s.Daily != nil {
		n++
	}
	if s.Weekly != nil {
		n++
		switch s.Weekly.DayOfWeek {
		case "SUNDAY", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY":
		default:
			return errValidation.New("scheduleFrequency.weeklySchedule.dayOfWeek: %q is not a day of the week", s.Weekly.DayOfWeek)
		}
	}
	if s.Monthly != nil {
		n++
		if s.Monthly.DayOfMonth < 1 || s.Monthly.DayOfMonth > 31 {
			return errValidation.New("scheduleFrequency.monthlySchedule.dayOfMonth: %d is outside 1-31", s.Monthly.DayOfMonth)
		}
	}
	if n != 1 {
		return errValidation.New("scheduleFrequency: exactly one of dailySchedule, weeklySchedule, monthlySchedule is required")
	}
	return nil
}

// prepare loads a job's custom data identifiers and allow lists and
// compiles its scanner. An allow list Macie cannot read (its S3 object
// missing, empty or too large) is left out; listErr says so, and the run
// then ends with lastRunErrorStatus ERROR.
func (m *Service) prepare(ctx context.Context, c *service.Call, job *jobRecord) (*dataid.Scanner, map[string]string, bool, error) {
	var customs []*cdiRecord
	var lists []*allowListRecord
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		for _, id := range job.CustomIDs {
			r, err := loadCDI(tx, c, id)
			if err != nil {
				return err
			}
			if r.Deleted {
				return errNotFound.New("The custom data identifier %s doesn't exist.", id)
			}
			customs = append(customs, r)
		}
		for _, id := range job.AllowListIDs {
			r, err := loadAllowList(tx, c, id)
			if err != nil {
				return err
			}
			lists = append(lists, r)
		}
		return nil
	})
	if err != nil {
		return nil, nil, false, err
	}
	var allow []*dataid.AllowList
	listErr := false
	for _, r := range lists {
		a, st := m.compileAllowList(ctx, c, r)
		if st.Code != "OK" {
			listErr = true
			continue
		}
		allow = append(allow, a)
	}
	scanner, arns, err := compileScanner(job, customs, allow)
	return scanner, arns, listErr, err
}

// compileScanner builds the job's scanner: Macie's catalogue, or moat's
// extended one when the job INCLUDEs identifiers by id (so moat's own
// identifiers, Korean ones among them, can be asked for by name).
func compileScanner(job *jobRecord, customs []*cdiRecord, allow []*dataid.AllowList) (*dataid.Scanner, map[string]string, error) {
	cfg := dataid.Config{Profile: dataid.ProfileMacie, Managed: dataid.Selector{Kind: job.Selector, IDs: job.ManagedIDs}, AllowLists: allow}
	if job.Selector == "INCLUDE" {
		cfg.Profile = dataid.ProfileExtended
	}
	arns := map[string]string{}
	for _, r := range customs {
		cd, err := dataid.CompileCustom(r.input())
		if err != nil {
			return nil, nil, validationError(err)
		}
		cfg.Custom = append(cfg.Custom, cd)
		arns[r.Name] = r.Arn
	}
	s, err := dataid.New(cfg)
	if err != nil {
		return nil, nil, validationError(err)
	}
	return s, arns, nil
}

// JobIDInput names a job in the URI.
type JobIDInput struct {
	JobID string `aws:"jobId,location=uri"`
	resTagged
}

// Statistics is Macie's Statistics of a job.
type Statistics struct {
	ApproximateNumberOfObjectsToProcess float64 `aws:"approximateNumberOfObjectsToProcess"`
	NumberOfRuns                        float64 `aws:"numberOfRuns"`
}

// LastRunErrorStatus is Macie's LastRunErrorStatus.
type LastRunErrorStatus struct {
	Code string `aws:"code"`
}

// UserPausedDetails is Macie's UserPausedDetails.
type UserPausedDetails struct {
	JobExpiresAt time.Time `aws:"jobExpiresAt,timestamp=iso8601"`
	JobPausedAt  time.Time `aws:"jobPausedAt,timestamp=iso8601"`
}

// DescribeClassificationJobOutput is DescribeClassificationJob's response.
type DescribeClassificationJobOutput struct {
	AllowListIDs                  []string           `aws:"allowListIds"`
	ClientToken                   string             `aws:"clientToken,omitempty"`
	CreatedAt                     time.Time          `aws:"createdAt,timestamp=iso8601"`
	CustomDataIdentifierIDs       []string           `aws:"customDataIdentifierIds"`
	Description                   string             `aws:"description,omitempty"`
	InitialRun                    *bool              `aws:"initialRun"`
	JobArn                        string             `aws:"jobArn"`
	JobID                         string             `aws:"jobId"`
	JobStatus                     string             `aws:"jobStatus"`
	JobType                       string             `aws:"jobType"`
	LastRunErrorStatus            LastRunErrorStatus `aws:"lastRunErrorStatus"`
	LastRunTime                   time.Time          `aws:"lastRunTime,timestamp=iso8601"`
	ManagedDataIdentifierIDs      []string           `aws:"managedDataIdentifierIds"`
	ManagedDataIdentifierSelector string             `aws:"managedDataIdentifierSelector"`
	Name                          string             `aws:"name"`
	S3JobDefinition               json.RawMessage    `aws:"s3JobDefinition"`
	SamplingPercentage            int                `aws:"samplingPercentage"`
	ScheduleFrequency             json.RawMessage    `aws:"scheduleFrequency"`
	Statistics                    Statistics         `aws:"statistics"`
	Tags                          map[string]string  `aws:"tags"`
	UserPausedDetails             *UserPausedDetails `aws:"userPausedDetails"`
}

func loadJob(tx store.Tx, c *service.Call, id string) (*jobRecord, error) {
	var j jobRecord
	err := getJSON(tx, TableJobs, key(c, id), &j)
	if errors.Is(err, store.ErrNotFound) || id == "" {
		return nil, errNotFound.New("The classification job %s doesn't exist.", id)
	}
	return &j, err
}

// userPauseDays is how long a job may stay USER_PAUSED before Macie cancels
// it (Macie User Guide: 30 days).
const userPauseDays = 30

func describeJob(ctx context.Context, c *service.Call, in *JobIDInput) (*DescribeClassificationJobOutput, error) {
	var j *jobRecord
	err := c.Deps.Store.View(ctx, func(tx store.Tx) (err error) {
		if _, err := session(tx, c); err != nil {
			return err
		}
		j, err = loadJob(tx, c, in.JobID)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := &DescribeClassificationJobOutput{AllowListIDs: nonNil(j.AllowListIDs), ClientToken: j.ClientToken, CreatedAt: j.CreatedAt,
		CustomDataIdentifierIDs: nonNil(j.CustomIDs), Description: j.Description, InitialRun: j.InitialRun, JobArn: j.Arn, JobID: j.ID,
		JobStatus: j.Status, JobType: j.JobType, LastRunErrorStatus: LastRunErrorStatus{Code: j.LastRunError}, LastRunTime: j.LastRunTime,
		ManagedDataIdentifierIDs: nonNil(j.ManagedIDs), ManagedDataIdentifierSelector: j.Selector, Name: j.Name,
		S3JobDefinition: j.S3JobDefinition, SamplingPercentage: j.SamplingPercentage, ScheduleFrequency: j.ScheduleFrequency,
		Statistics: Statistics{ApproximateNumberOfObjectsToProcess: float64(j.ObjectsToProcess), NumberOfRuns: float64(j.Runs)}, Tags: j.Tags}
	if out.Tags == nil {
		out.Tags = map[string]string{}
	}
	if j.Status == statusUserPaused {
		out.UserPausedDetails = &UserPausedDetails{JobPausedAt: j.UserPausedAt, JobExpiresAt: j.UserPausedAt.AddDate(0, 0, userPauseDays)}
	}
	return out, nil
}

// ListClassificationJobsInput is ListClassificationJobs' request.
type ListClassificationJobsInput struct {
	FilterCriteria json.RawMessage `aws:"filterCriteria"`
	MaxResults     *int            `aws:"maxResults"`
	NextToken      *string         `aws:"nextToken"`
	SortCriteria   json.RawMessage `aws:"sortCriteria"`
}

// JobSummary is Macie's JobSummary.
type JobSummary struct {
	BucketCriteria     json.RawMessage    `aws:"bucketCriteria"`
	BucketDefinitions  json.RawMessage    `aws:"bucketDefinitions"`
	CreatedAt          time.Time          `aws:"createdAt,timestamp=iso8601"`
	JobID              string             `aws:"jobId"`
	JobStatus          string             `aws:"jobStatus"`
	JobType            string             `aws:"jobType"`
	LastRunErrorStatus LastRunErrorStatus `aws:"lastRunErrorStatus"`
	Name               string             `aws:"name"`
	UserPausedDetails  *UserPausedDetails `aws:"userPausedDetails"`
}

// ListClassificationJobsOutput is its response.
type ListClassificationJobsOutput struct {
	Items     []JobSummary `aws:"items"`
	NextToken *string      `aws:"nextToken"`
}

// listJobFilter is one ListJobsFilterTerm.
type listJobFilter struct {
	Comparator string   `json:"comparator"`
	Key        string   `json:"key"`
	Values     []string `json:"values"`
}

func (f listJobFilter) match(j *jobRecord) (bool, error) {
	var v string
	switch f.Key {
	case "jobType":
		v = j.JobType
	case "jobStatus":
		v = j.Status
	case "name":
		v = j.Name
	case "createdAt":
		v = j.CreatedAt.Format(time.RFC3339)
	default:
		return false, errValidation.New("filterCriteria: key %q is not one of jobType, jobStatus, createdAt, name", f.Key)
	}
	hit := false
	for _, x := range f.Values {
		switch f.Comparator {
		case "", "EQ":
			hit = hit || v == x
		case "NE":
			hit = hit || v != x
		case "CONTAINS":
			hit = hit || strings.Contains(v, x)
		case "STARTS_WITH":
			hit = hit || strings.HasPrefix(v, x)
		case "GT", "GTE", "LT", "LTE":
			t, err := time.Parse(time.RFC3339, x)
			if err != nil {
				return false, errValidation.New("filterCriteria: %q is not a date-time", x)
			}
			d := j.CreatedAt.Compare(t)
			hit = hit || map[string]bool{"GT": d > 0, "GTE": d >= 0, "LT": d < 0, "LTE": d <= 0}[f.Comparator]
		default:
			return false, errValidation.New("filterCriteria: comparator %q is not valid", f.Comparator)
		}
	}
	return hit, nil
}

func listJobs(ctx context.Context, c *service.Call, in *ListClassificationJobsInput) (*ListClassificationJobsOutput, error) {
	var crit struct {
		Includes []listJobFilter `json:"includes"`
		Excludes []listJobFilter `json:"excludes"`
	}
	if len(in.FilterCriteria) > 0 {
		if err := json.Unmarshal(in.FilterCriteria, &crit); err != nil {
			return nil, errValidation.New("filterCriteria: %v", err)
		}
	}
	var sortBy struct {
		AttributeName string `json:"attributeName"`
		OrderBy       string `json:"orderBy"`
	}
	if len(in.SortCriteria) > 0 {
		_ = json.Unmarshal(in.SortCriteria, &sortBy)
	}
	var jobs []*jobRecord
	var ferr error
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		if _, err := session(tx, c); err != nil {
			return err
		}
		return tx.Scan(TableJobs, scope(c)+"/", "", 0, func(_ string, raw []byte) error {
			var j jobRecord
			if err := json.Unmarshal(raw, &j); err != nil {
				return err
			}
			keep := true
			for _, f := range crit.Includes {
				ok, err := f.match(&j)
				if err != nil {
					ferr = err
				}
				keep = keep && ok
			}
			for _, f := range crit.Excludes {
				ok, err := f.match(&j)
				if err != nil {
					ferr = err
				}
				keep = keep && !ok
			}
			if keep {
				jobs = append(jobs, &j)
			}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	if ferr != nil {
		return nil, ferr
	}
	less := func(a, b *jobRecord) bool {
		switch sortBy.AttributeName {
		case "name":
			return a.Name < b.Name
		case "jobStatus":
			return a.Status < b.Status
		case "jobType":
			return a.JobType < b.JobType
		}
		return a.CreatedAt.Before(b.CreatedAt)
	}
	sort.SliceStable(jobs, func(i, k int) bool {
		if sortBy.OrderBy == "DESC" {
			return less(jobs[k], jobs[i])
		}
		return less(jobs[i], jobs[k])
	})
	from, to, next, err := page(len(jobs), in.MaxResults, in.NextToken, 100, 200)
	if err != nil {
		return nil, err
	}
	out := &ListClassificationJobsOutput{Items: []JobSummary{}, NextToken: next}
	for _, j := range jobs[from:to] {
		var def struct {
			BucketCriteria    json.RawMessage `json:"bucketCriteria"`
			BucketDefinitions json.RawMessage `json:"bucketDefinitions"`
		}
		_ = json.Unmarshal(j.S3JobDefinition, &def)
		s := JobSummary{BucketCriteria: def.BucketCriteria, BucketDefinitions: def.BucketDefinitions, CreatedAt: j.CreatedAt, JobID: j.ID,
			JobStatus: j.Status, JobType: j.JobType, LastRunErrorStatus: LastRunErrorStatus{Code: j.LastRunError}, Name: j.Name}
		if j.Status == statusUserPaused {
			s.UserPausedDetails = &UserPausedDetails{JobPausedAt: j.UserPausedAt, JobExpiresAt: j.UserPausedAt.AddDate(0, 0, userPauseDays)}
		}
		out.Items = append(out.Items, s)
	}
	return out, nil
}

// UpdateClassificationJobInput is UpdateClassificationJob's request.
type UpdateClassificationJobInput struct {
	JobID     string  `aws:"jobId,location=uri"`
	JobStatus *string `aws:"jobStatus,required"`
	resTagged
}

// updateJob cancels, pauses or resumes a job, with the transitions the API
// reference allows: CANCELLED from IDLE, PAUSED, RUNNING or USER_PAUSED;
// USER_PAUSED from IDLE, PAUSED or RUNNING; RUNNING (resume) from
// USER_PAUSED only. moat answers ValidationException otherwise (AWS's code
// for this case is not documented).
func updateJob(ctx context.Context, c *service.Call, in *UpdateClassificationJobInput) (*struct{}, error) {
	to := deref(in.JobStatus)
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		if _, err := session(tx, c); err != nil {
			return err
		}
		j, err := loadJob(tx, c, in.JobID)
		if err != nil {
			return err
		}
		if j.Status == statusComplete || j.Status == statusCancelled {
			return errValidation.New("jobStatus: the job is %s; its status can't be changed", j.Status)
		}
		switch to {
		case statusCancelled:
			j.Status = statusCancelled
		case statusUserPaused:
			if j.Status == statusUserPaused {
				return errValidation.New("jobStatus: only an IDLE, PAUSED or RUNNING job can be paused (the job is USER_PAUSED)")
			}
			j.PreviousStatusPause, j.Status, j.UserPausedAt = j.Status, statusUserPaused, c.Now.UTC()
		case statusRunning:
			if j.Status != statusUserPaused {
				return errValidation.New("jobStatus: only a USER_PAUSED job can be resumed (the job is %s)", j.Status)
			}
			j.Status = j.PreviousStatusPause
			if j.Status == "" {
				j.Status = statusIdle
			}
			j.UserPausedAt = time.Time{}
		default:
			return errValidation.New("jobStatus: %q is not one of CANCELLED, RUNNING, USER_PAUSED", to)
		}
		return putJSON(tx, TableJobs, key(c, in.JobID), j)
	})
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

// cancelJobs cancels every job that has not finished (Macie suspended).
func cancelJobs(tx store.Tx, c *service.Call) error {
	var jobs []jobRecord
	if err := tx.Scan(TableJobs, scope(c)+"/", "", 0, func(_ string, raw []byte) error {
		var j jobRecord
		if err := json.Unmarshal(raw, &j); err != nil {
			return err
		}
		if j.Status != statusComplete && j.Status != statusCancelled {
			jobs = append(jobs, j)
		}
		return nil
	}); err != nil {
		return err
	}
	for i := range jobs {
		jobs[i].Status = statusCancelled
		if err := putJSON(tx, TableJobs, key(c, jobs[i].ID), &jobs[i]); err != nil {
			return err
		}
	}
	return nil
}
