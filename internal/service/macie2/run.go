package macie2

import (
	"context"
	"encoding/json"
	"hash/fnv"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/moatdev/moat/dataid"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/service/s3"
)

// MaxObjectSize is the largest object a job reads; larger ones are skipped
// and counted (AWS's limits are per format and larger; moat reads an object
// into memory).
const MaxObjectSize = 64 << 20

// s3JobDef is Macie's S3JobDefinition.
type s3JobDef struct {
	BucketCriteria    *bucketCriteria `json:"bucketCriteria"`
	BucketDefinitions []bucketDef     `json:"bucketDefinitions"`
	Scoping           *scoping        `json:"scoping"`
}

type bucketDef struct {
	AccountID string   `json:"accountId"`
	Buckets   []string `json:"buckets"`
}

type bucketCriteria struct {
	Excludes *criteriaBlock `json:"excludes"`
	Includes *criteriaBlock `json:"includes"`
}

type criteriaBlock struct {
	And []criteriaForJob `json:"and"`
}

type criteriaForJob struct {
	SimpleCriterion *simpleTerm `json:"simpleCriterion"`
	TagCriterion    *tagTerm    `json:"tagCriterion"`
}

type simpleTerm struct {
	Comparator string   `json:"comparator"`
	Key        string   `json:"key"`
	Values     []string `json:"values"`
}

type tagPair struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

type tagTerm struct {
	Comparator string    `json:"comparator"`
	Key        string    `json:"key"`
	TagValues  []tagPair `json:"tagValues"`
	Target     string    `json:"target"`
}

type scoping struct {
	Excludes *scopeBlock `json:"excludes"`
	Includes *scopeBlock `json:"includes"`
}

type scopeBlock struct {
	And []scopeTerm `json:"and"`
}

type scopeTerm struct {
	SimpleScopeTerm *simpleTerm `json:"simpleScopeTerm"`
	TagScopeTerm    *tagTerm    `json:"tagScopeTerm"`
}

// parseJobDef reads and validates an s3JobDefinition.
func parseJobDef(raw json.RawMessage) (*s3JobDef, error) {
	var d s3JobDef
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, errValidation.New("s3JobDefinition: %v", err)
	}
	if (d.BucketCriteria == nil) == (len(d.BucketDefinitions) == 0) {
		return nil, errValidation.New("s3JobDefinition: specify either bucketDefinitions or bucketCriteria, not both")
	}
	n := 0
	for _, b := range d.BucketDefinitions {
		if b.AccountID == "" || len(b.Buckets) == 0 {
			return nil, errValidation.New("s3JobDefinition.bucketDefinitions: each needs an accountId and buckets")
		}
		n += len(b.Buckets)
	}
	if n > 1000 {
		return nil, errValidation.New("s3JobDefinition.bucketDefinitions: at most 1,000 buckets per job")
	}
	if c := d.BucketCriteria; c != nil {
		for _, blk := range []*criteriaBlock{c.Includes, c.Excludes} {
			if blk == nil {
				continue
			}
			for _, t := range blk.And {
				if err := checkCriterion(t); err != nil {
					return nil, err
				}
			}
		}
	}
	if s := d.Scoping; s != nil {
		for _, blk := range []*scopeBlock{s.Includes, s.Excludes} {
			if blk == nil {
				continue
			}
			for _, t := range blk.And {
				if err := checkScopeTerm(t); err != nil {
					return nil, err
				}
			}
		}
	}
	return &d, nil
}

func checkCriterion(t criteriaForJob) error {
	switch {
	case t.SimpleCriterion != nil:
		switch t.SimpleCriterion.Key {
		case "ACCOUNT_ID", "S3_BUCKET_NAME", "S3_BUCKET_EFFECTIVE_PERMISSION", "S3_BUCKET_SHARED_ACCESS":
		default:
			return errValidation.New("s3JobDefinition.bucketCriteria: simpleCriterion key %q is not valid", t.SimpleCriterion.Key)
		}
		if c := t.SimpleCriterion.Comparator; c != "EQ" && c != "NE" {
			return errValidation.New("s3JobDefinition.bucketCriteria: simpleCriterion comparator %q is not EQ or NE", c)
		}
	case t.TagCriterion != nil:
		if c := t.TagCriterion.Comparator; c != "EQ" && c != "NE" {
			return errValidation.New("s3JobDefinition.bucketCriteria: tagCriterion comparator %q is not EQ or NE", c)
		}
	default:
		return errValidation.New("s3JobDefinition.bucketCriteria: a condition needs simpleCriterion or tagCriterion")
	}
	return nil
}

func checkScopeTerm(t scopeTerm) error {
	switch {
	case t.SimpleScopeTerm != nil:
		s := t.SimpleScopeTerm
		ok := map[string][]string{
			"OBJECT_EXTENSION":          {"EQ", "NE"},
			"OBJECT_KEY":                {"STARTS_WITH"},
			"OBJECT_SIZE":               {"EQ", "GT", "GTE", "LT", "LTE", "NE"},
			"OBJECT_LAST_MODIFIED_DATE": {"EQ", "GT", "GTE", "LT", "LTE", "NE"},
		}[s.Key]
		if ok == nil {
			return errValidation.New("s3JobDefinition.scoping: simpleScopeTerm key %q is not valid", s.Key)
		}
		valid := false
		for _, c := range ok {
			valid = valid || c == s.Comparator
		}
		if !valid {
			return errValidation.New("s3JobDefinition.scoping: comparator %q is not valid for %s", s.Comparator, s.Key)
		}
		if len(s.Values) == 0 {
			return errValidation.New("s3JobDefinition.scoping: simpleScopeTerm %s needs values", s.Key)
		}
		for _, v := range s.Values {
			switch s.Key {
			case "OBJECT_SIZE":
				if _, err := strconv.ParseInt(v, 10, 64); err != nil {
					return errValidation.New("s3JobDefinition.scoping: OBJECT_SIZE value %q is not a number of bytes", v)
				}
			case "OBJECT_LAST_MODIFIED_DATE":
				if _, err := parseDate(v); err != nil {
					return errValidation.New("s3JobDefinition.scoping: OBJECT_LAST_MODIFIED_DATE value %q is not an ISO 8601 date-time", v)
				}
			}
		}
	case t.TagScopeTerm != nil:
		if c := t.TagScopeTerm.Comparator; c != "EQ" && c != "NE" {
			return errValidation.New("s3JobDefinition.scoping: tagScopeTerm comparator %q is not EQ or NE", c)
		}
	default:
		return errValidation.New("s3JobDefinition.scoping: a condition needs simpleScopeTerm or tagScopeTerm")
	}
	return nil
}

func parseDate(v string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	if ms, err := strconv.ParseInt(v, 10, 64); err == nil {
		return time.UnixMilli(ms), nil
	}
	return time.Parse("2006-01-02", v)
}

// matchScope reports whether one scope term holds for an object.
func matchScope(t scopeTerm, o *s3.ObjectInfo) bool {
	if tt := t.TagScopeTerm; tt != nil {
		has := tagged(o.Tags, tt.TagValues)
		return has == (tt.Comparator == "EQ")
	}
	s := t.SimpleScopeTerm
	switch s.Key {
	case "OBJECT_EXTENSION":
		ext := strings.TrimPrefix(path.Ext(o.Key), ".")
		in := false
		for _, v := range s.Values {
			in = in || strings.TrimPrefix(v, ".") == ext
		}
		return in == (s.Comparator == "EQ")
	case "OBJECT_KEY":
		for _, v := range s.Values {
			if strings.HasPrefix(o.Key, v) {
				return true
			}
		}
		return false
	case "OBJECT_SIZE":
		n, _ := strconv.ParseInt(s.Values[0], 10, 64)
		return compare(s.Comparator, cmp(o.Size, n))
	case "OBJECT_LAST_MODIFIED_DATE":
		t, _ := parseDate(s.Values[0])
		return compare(s.Comparator, o.LastModified.Truncate(time.Second).Compare(t.Truncate(time.Second)))
	}
	return false
}

func cmp(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func compare(op string, d int) bool {
	switch op {
	case "EQ":
		return d == 0
	case "NE":
		return d != 0
	case "GT":
		return d > 0
	case "GTE":
		return d >= 0
	case "LT":
		return d < 0
	case "LTE":
		return d <= 0
	}
	return false
}

func tagged(tags []s3.Tag, want []tagPair) bool {
	for _, w := range want {
		for _, t := range tags {
			if t.Key == w.Key && (w.Value == "" || t.Value == w.Value) {
				return true
			}
		}
	}
	return false
}

// inScope applies the job's scoping: every include term holds, and not
// every exclude term holds (Macie joins the terms of each with AND).
func inScope(sc *scoping, o *s3.ObjectInfo) bool {
	if sc == nil {
		return true
	}
	if sc.Includes != nil {
		for _, t := range sc.Includes.And {
			if !matchScope(t, o) {
				return false
			}
		}
	}
	if sc.Excludes != nil && len(sc.Excludes.And) > 0 {
		all := true
		for _, t := range sc.Excludes.And {
			all = all && matchScope(t, o)
		}
		if all {
			return false
		}
	}
	return true
}

// sampled picks pct percent of objects by a hash of bucket and key.
func sampled(pct int, o *s3.ObjectInfo) bool {
	if pct >= 100 {
		return true
	}
	h := fnv.New32a()
	h.Write([]byte(o.Bucket + "/" + o.Key))
	return int(h.Sum32()%100) < pct
}

// effectivePublic is Macie's effectivePermission PUBLIC: a public policy
// that Block Public Access does not restrict, or a public ACL that applies.
func effectivePublic(b *s3.BucketInfo) bool {
	restrict := b.BlockPublicAccess != nil && isTrue(b.BlockPublicAccess.RestrictPublicBuckets)
	return b.PolicyPublic && !restrict || b.ACLPublic
}

func isTrue(p *bool) bool { return p != nil && *p }

// matchBucket applies one bucketCriteria condition.
func matchBucket(t criteriaForJob, b *s3.BucketInfo) bool {
	if tc := t.TagCriterion; tc != nil {
		return tagged(b.Tags, tc.TagValues) == (tc.Comparator == "EQ")
	}
	s := t.SimpleCriterion
	var v string
	switch s.Key {
	case "ACCOUNT_ID":
		v = b.Account
	case "S3_BUCKET_NAME":
		v = b.Name
	case "S3_BUCKET_EFFECTIVE_PERMISSION":
		v = "NOT_PUBLIC"
		if effectivePublic(b) {
			v = "PUBLIC"
		}
	case "S3_BUCKET_SHARED_ACCESS":
		v = "NOT_SHARED"
		if len(externalAccounts(b)) > 0 {
			v = "EXTERNAL"
		}
	}
	in := false
	for _, x := range s.Values {
		in = in || x == v
	}
	return in == (s.Comparator == "EQ")
}

// selectBuckets resolves the job's buckets; missing says which named
// buckets do not exist (or are in another account).
func selectBuckets(c *service.Call, def *s3JobDef, all []s3.BucketInfo) (out []s3.BucketInfo, missing []string) {
	byName := map[string]*s3.BucketInfo{}
	for i := range all {
		byName[all[i].Name] = &all[i]
	}
	for _, d := range def.BucketDefinitions {
		for _, n := range d.Buckets {
			b := byName[n]
			if b == nil || b.Account != d.AccountID || d.AccountID != c.Account() {
				missing = append(missing, n)
				continue
			}
			out = append(out, *b)
		}
	}
	if bc := def.BucketCriteria; bc != nil {
		for i := range all {
			b := &all[i]
			keep := true
			if bc.Includes != nil {
				for _, t := range bc.Includes.And {
					keep = keep && matchBucket(t, b)
				}
			}
			if bc.Excludes != nil && len(bc.Excludes.And) > 0 {
				ex := true
				for _, t := range bc.Excludes.And {
					ex = ex && matchBucket(t, b)
				}
				keep = keep && !ex
			}
			if keep {
				out = append(out, *b)
			}
		}
	}
	return out, missing
}

// run runs a job once: it lists the objects in scope (changed after since,
// for the incremental runs of a scheduled job), scans each and returns a
// finding per object with sensitive data. It updates the job's statistics;
// the caller writes job and findings in one transaction.
func (m *Service) run(ctx context.Context, c *service.Call, job *jobRecord, def *s3JobDef, scanner *dataid.Scanner, arns map[string]string, since time.Time) ([]*finding, error) {
	all, err := regionBuckets(ctx, c)
	if err != nil {
		return nil, err
	}
	buckets, missing := selectBuckets(c, def, all)
	job.LastRunError = "NONE"
	if len(missing) > 0 {
		job.LastRunError = "ERROR"
	}
	type item struct {
		o s3.ObjectInfo
		b *s3.BucketInfo
	}
	var todo []item
	for i := range buckets {
		b := &buckets[i]
		err := s3.WalkObjects(ctx, c.Deps.Store, b.Name, "", func(o s3.ObjectInfo) error {
			if changedSince(o.LastModified, since) && inScope(def.Scoping, &o) && sampled(job.SamplingPercentage, &o) {
				todo = append(todo, item{o, b})
			}
			return nil
		})
		if err != nil {
			job.LastRunError = "ERROR"
		}
	}
	job.ObjectsToProcess = int64(len(todo))
	job.Runs++
	job.LastRunTime = c.Now.UTC()
	reader := s3.NewReader(m.dataDir)
	st := scanner.NewState()
	var out []*finding
	for _, it := range todo {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if it.o.Size > MaxObjectSize {
			job.ObjectsSkipped++
			continue
		}
		data, err := reader.Read(it.o)
		if err != nil {
			job.ObjectsSkipped++
			continue
		}
		r := scanner.ScanObject(st, it.o.Key, data, dataid.Limits{}, arns)
		if r.Result.Status == dataid.StatusSkipped {
			job.ObjectsSkipped++
		}
		if r.FindingType == "" {
			continue
		}
		out = append(out, sensitiveFinding(c, job, it.b, &it.o, &r))
	}
	return out, nil
}

// changedSince reports whether an object changed at or after since (zero:
// always). S3 keeps LastModified to the second, so an object written in
// the second of the last run is analyzed again rather than missed.
func changedSince(lastModified, since time.Time) bool {
	return since.IsZero() || !lastModified.Before(since.Truncate(time.Second))
}
