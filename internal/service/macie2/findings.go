package macie2

import (
	"context"
	"encoding/json"
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/service/s3"
	"github.com/moatdev/moat/internal/store"
)

// Findings: ListFindings, GetFindings, GetFindingStatistics and
// DescribeBuckets. Criteria apply to a finding's JSON by the dotted path
// Macie's API names (type, severity.description, category,
// resourcesAffected.s3Bucket.name, classificationDetails.jobId, archived,
// classificationDetails.result.sensitiveData.detections.type, ...): any
// field of the finding can be filtered; lists are searched element-wise.

func (m *Service) findingOps() []*service.Operation {
	return []*service.Operation{
		service.Op("ListFindings", "macie2:ListFindings", withCatchUp(m, listFindings), service.ReadOnly[ListFindingsInput]()),
		service.Op("GetFindings", "macie2:GetFindings", withCatchUp(m, getFindings), service.ReadOnly[GetFindingsInput]()),
		service.Op("GetFindingStatistics", "macie2:GetFindingStatistics", withCatchUp(m, findingStatistics), service.ReadOnly[GetFindingStatisticsInput]()),
		service.Op("DescribeBuckets", "macie2:DescribeBuckets", describeBuckets, service.ReadOnly[DescribeBucketsInput]()),
	}
}

// condition is Macie's CriterionAdditionalProperties (findings) and
// BucketCriteriaAdditionalProperties (buckets, with prefix).
type condition struct {
	Eq           []string `json:"eq"`
	EqExactMatch []string `json:"eqExactMatch"`
	Neq          []string `json:"neq"`
	Gt           *int64   `json:"gt"`
	Gte          *int64   `json:"gte"`
	Lt           *int64   `json:"lt"`
	Lte          *int64   `json:"lte"`
	Prefix       *string  `json:"prefix"`
}

// criteria is a parsed findingCriteria.criterion (or DescribeBuckets'
// criteria), compiled once (paths split) and applied to documents decoded
// into maps.
type criteria []pathCondition

type pathCondition struct {
	path []string
	condition
}

func compileCriteria(m map[string]condition) criteria {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make(criteria, 0, len(m))
	for _, k := range keys {
		out = append(out, pathCondition{strings.Split(k, "."), m[k]})
	}
	return out
}

func parseCriteria(raw json.RawMessage, field string, wrapped bool) (criteria, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var c map[string]condition
	var err error
	if wrapped {
		var w struct {
			Criterion map[string]condition `json:"criterion"`
		}
		err = json.Unmarshal(raw, &w)
		c = w.Criterion
	} else {
		err = json.Unmarshal(raw, &c)
	}
	if err != nil {
		return nil, errValidation.New("%s: %v", field, err)
	}
	for k, cond := range c {
		if k == "" || strings.HasPrefix(k, ".") || strings.HasSuffix(k, ".") {
			return nil, errValidation.New("%s: %q is not a field", field, k)
		}
		if len(cond.Eq)+len(cond.EqExactMatch)+len(cond.Neq) == 0 && cond.Gt == nil && cond.Gte == nil && cond.Lt == nil && cond.Lte == nil && cond.Prefix == nil {
			return nil, errValidation.New("%s: the condition on %s has no operator", field, k)
		}
	}
	return compileCriteria(c), nil
}

// values returns the leaves at a dotted path of a decoded JSON document,
// searching arrays element-wise.
func values(doc any, p string) []any { return valuesAt(doc, strings.Split(p, ".")) }

// valuesAt is values with the path already split.
func valuesAt(doc any, parts []string) []any {
	cur := []any{doc}
	for _, part := range parts {
		var next []any
		for _, v := range cur {
			switch x := v.(type) {
			case map[string]any:
				if y, ok := x[part]; ok && y != nil {
					next = append(next, y)
				}
			case []any:
				for _, e := range x {
					if m, ok := e.(map[string]any); ok && m[part] != nil {
						next = append(next, m[part])
					}
				}
			}
		}
		cur = next
	}
	var out []any
	for _, v := range cur {
		if arr, ok := v.([]any); ok {
			out = append(out, arr...)
		} else {
			out = append(out, v)
		}
	}
	return out
}

func leafString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// leafNumber reads a number, or a timestamp as epoch milliseconds (Macie's
// unit for createdAt/updatedAt conditions).
func leafNumber(v any) (int64, bool) {
	switch x := v.(type) {
	case float64:
		return int64(x), true
	case string:
		if t, err := time.Parse(time.RFC3339, x); err == nil {
			return t.UnixMilli(), true
		}
	}
	return 0, false
}

func (c criteria) match(doc any) bool {
	for _, pc := range c {
		if !pc.condition.match(valuesAt(doc, pc.path)) {
			return false
		}
	}
	return true
}

func (cond condition) match(leaves []any) bool {
	strs := make([]string, len(leaves))
	for i, l := range leaves {
		strs[i] = leafString(l)
	}
	has := func(want string) bool {
		for _, s := range strs {
			if s == want {
				return true
			}
		}
		return false
	}
	if len(cond.Eq) > 0 {
		hit := false
		for _, w := range cond.Eq {
			hit = hit || has(w)
		}
		if !hit {
			return false
		}
	}
	for _, w := range cond.Neq {
		if has(w) {
			return false
		}
	}
	if len(cond.EqExactMatch) > 0 {
		a := append([]string(nil), strs...)
		b := append([]string(nil), cond.EqExactMatch...)
		sort.Strings(a)
		sort.Strings(b)
		if strings.Join(dedup(a), "\x00") != strings.Join(dedup(b), "\x00") {
			return false
		}
	}
	if cond.Prefix != nil {
		hit := false
		for _, s := range strs {
			hit = hit || strings.HasPrefix(s, *cond.Prefix)
		}
		if !hit {
			return false
		}
	}
	for _, bound := range []struct {
		v  *int64
		ok func(n, v int64) bool
	}{
		{cond.Gt, func(n, v int64) bool { return n > v }},
		{cond.Gte, func(n, v int64) bool { return n >= v }},
		{cond.Lt, func(n, v int64) bool { return n < v }},
		{cond.Lte, func(n, v int64) bool { return n <= v }},
	} {
		if bound.v == nil {
			continue
		}
		hit := false
		for _, l := range leaves {
			if n, ok := leafNumber(l); ok && bound.ok(n, *bound.v) {
				hit = true
			}
		}
		if !hit {
			return false
		}
	}
	return true
}

func dedup(s []string) []string {
	out := s[:0]
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}

// sortCriteria is Macie's SortCriteria.
type sortCriteria struct {
	AttributeName string `json:"attributeName"`
	OrderBy       string `json:"orderBy"`
}

func parseSort(raw json.RawMessage) (sortCriteria, error) {
	var s sortCriteria
	if len(raw) == 0 || string(raw) == "null" {
		return s, nil
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		return s, errValidation.New("sortCriteria: %v", err)
	}
	if s.OrderBy != "" && s.OrderBy != "ASC" && s.OrderBy != "DESC" {
		return s, errValidation.New("sortCriteria.orderBy: %q is not ASC or DESC", s.OrderBy)
	}
	return s, nil
}

// compareLeaves orders two documents by the first value at a path:
// numbers and timestamps numerically, the rest as text; absent first.
func compareLeaves(a, b []any) int {
	switch {
	case len(a) == 0 && len(b) == 0:
		return 0
	case len(a) == 0:
		return -1
	case len(b) == 0:
		return 1
	}
	if x, ok := a[0].(float64); ok {
		if y, ok := b[0].(float64); ok {
			return cmp(int64(x*1000), int64(y*1000))
		}
	}
	return strings.Compare(leafString(a[0]), leafString(b[0]))
}

type doc struct {
	raw json.RawMessage
	v   map[string]any
}

func (d doc) str(p string) string {
	if vs := values(d.v, p); len(vs) > 0 {
		return leafString(vs[0])
	}
	return ""
}

// sortDocs sorts by the criteria, then createdAt and id.
func sortDocs(ds []doc, s sortCriteria) {
	sort.SliceStable(ds, func(i, j int) bool {
		if s.AttributeName != "" {
			if d := compareLeaves(values(ds[i].v, s.AttributeName), values(ds[j].v, s.AttributeName)); d != 0 {
				return d < 0 == (s.OrderBy != "DESC")
			}
		}
		if a, b := ds[i].str("createdAt"), ds[j].str("createdAt"); a != b {
			return a < b
		}
		return ds[i].str("id") < ds[j].str("id")
	})
}

// loadFindings raises due policy findings and returns every finding of
// the caller that matches crit.
func loadFindings(ctx context.Context, c *service.Call, crit criteria) ([]doc, error) {
	buckets, err := regionBuckets(ctx, c)
	if err != nil {
		return nil, err
	}
	var out []doc
	err = c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		out = out[:0]
		if _, err := session(tx, c); err != nil {
			return err
		}
		if err := refreshPolicyFindings(tx, c, buckets); err != nil {
			return err
		}
		return tx.Scan(TableFindings, scope(c)+"/", "", 0, func(_ string, raw []byte) error {
			var v map[string]any
			if err := json.Unmarshal(raw, &v); err != nil {
				return err
			}
			if crit.match(v) {
				out = append(out, doc{raw: append(json.RawMessage(nil), raw...), v: v})
			}
			return nil
		})
	})
	return out, err
}

// ListFindingsInput is ListFindings' request.
type ListFindingsInput struct {
	FindingCriteria json.RawMessage `aws:"findingCriteria"`
	MaxResults      *int            `aws:"maxResults"`
	NextToken       *string         `aws:"nextToken"`
	SortCriteria    json.RawMessage `aws:"sortCriteria"`
}

// ListFindingsOutput is its response.
type ListFindingsOutput struct {
	FindingIDs []string `aws:"findingIds"`
	NextToken  *string  `aws:"nextToken"`
}

func listFindings(ctx context.Context, c *service.Call, in *ListFindingsInput) (*ListFindingsOutput, error) {
	crit, err := parseCriteria(in.FindingCriteria, "findingCriteria", true)
	if err != nil {
		return nil, err
	}
	srt, err := parseSort(in.SortCriteria)
	if err != nil {
		return nil, err
	}
	ds, err := loadFindings(ctx, c, crit)
	if err != nil {
		return nil, err
	}
	sortDocs(ds, srt)
	from, to, next, err := page(len(ds), in.MaxResults, in.NextToken, 50, 50)
	if err != nil {
		return nil, err
	}
	out := &ListFindingsOutput{FindingIDs: []string{}, NextToken: next}
	for _, d := range ds[from:to] {
		out.FindingIDs = append(out.FindingIDs, d.str("id"))
	}
	return out, nil
}

// GetFindingsInput is GetFindings' request.
type GetFindingsInput struct {
	FindingIDs   []string        `aws:"findingIds,required"`
	SortCriteria json.RawMessage `aws:"sortCriteria"`
}

// GetFindingsOutput is its response: the findings as Macie's JSON.
type GetFindingsOutput struct {
	Findings []json.RawMessage `aws:"findings"`
}

func getFindings(ctx context.Context, c *service.Call, in *GetFindingsInput) (*GetFindingsOutput, error) {
	if len(in.FindingIDs) > 50 {
		return nil, errValidation.New("findingIds: at most 50 finding ids are allowed")
	}
	srt, err := parseSort(in.SortCriteria)
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, id := range in.FindingIDs {
		want[id] = true
	}
	ds, err := loadFindings(ctx, c, nil)
	if err != nil {
		return nil, err
	}
	kept := ds[:0]
	for _, d := range ds {
		if want[d.str("id")] {
			kept = append(kept, d)
		}
	}
	sortDocs(kept, srt)
	out := &GetFindingsOutput{Findings: []json.RawMessage{}}
	for _, d := range kept {
		out.Findings = append(out.Findings, d.raw)
	}
	return out, nil
}

// GetFindingStatisticsInput is GetFindingStatistics' request.
type GetFindingStatisticsInput struct {
	FindingCriteria json.RawMessage `aws:"findingCriteria"`
	GroupBy         *string         `aws:"groupBy,required"`
	Size            *int            `aws:"size"`
	SortCriteria    json.RawMessage `aws:"sortCriteria"`
}

// GroupCount is Macie's GroupCount.
type GroupCount struct {
	Count    int64  `aws:"count"`
	GroupKey string `aws:"groupKey"`
}

// GetFindingStatisticsOutput is its response.
type GetFindingStatisticsOutput struct {
	CountsByGroup []GroupCount `aws:"countsByGroup"`
}

func findingStatistics(ctx context.Context, c *service.Call, in *GetFindingStatisticsInput) (*GetFindingStatisticsOutput, error) {
	group := deref(in.GroupBy)
	switch group {
	case "type", "severity.description", "resourcesAffected.s3Bucket.name", "classificationDetails.jobId":
	default:
		return nil, errValidation.New("groupBy: %q is not one of resourcesAffected.s3Bucket.name, type, classificationDetails.jobId, severity.description", group)
	}
	crit, err := parseCriteria(in.FindingCriteria, "findingCriteria", true)
	if err != nil {
		return nil, err
	}
	var srt sortCriteria
	if srt, err = parseSort(in.SortCriteria); err != nil {
		return nil, err
	}
	if srt.AttributeName != "" && srt.AttributeName != "groupKey" && srt.AttributeName != "count" {
		return nil, errValidation.New("sortCriteria.attributeName: %q is not groupKey or count", srt.AttributeName)
	}
	ds, err := loadFindings(ctx, c, crit)
	if err != nil {
		return nil, err
	}
	counts := map[string]int64{}
	for _, d := range ds {
		if k := d.str(group); k != "" {
			counts[k]++
		}
	}
	out := &GetFindingStatisticsOutput{CountsByGroup: []GroupCount{}}
	for k, n := range counts {
		out.CountsByGroup = append(out.CountsByGroup, GroupCount{Count: n, GroupKey: k})
	}
	desc := srt.OrderBy == "DESC"
	sort.Slice(out.CountsByGroup, func(i, j int) bool {
		a, b := out.CountsByGroup[i], out.CountsByGroup[j]
		if srt.AttributeName == "count" && a.Count != b.Count {
			return a.Count < b.Count != desc
		}
		if a.GroupKey != b.GroupKey {
			return a.GroupKey < b.GroupKey != (desc && srt.AttributeName != "count")
		}
		return false
	})
	if in.Size != nil {
		if *in.Size < 0 || *in.Size > 1000 {
			return nil, errValidation.New("size: %d is outside 0-1000", *in.Size)
		}
		if *in.Size > 0 && *in.Size < len(out.CountsByGroup) {
			out.CountsByGroup = out.CountsByGroup[:*in.Size]
		}
	}
	return out, nil
}

// DescribeBucketsInput is DescribeBuckets' request.
type DescribeBucketsInput struct {
	Criteria     json.RawMessage `aws:"criteria"`
	MaxResults   *int            `aws:"maxResults"`
	NextToken    *string         `aws:"nextToken"`
	SortCriteria json.RawMessage `aws:"sortCriteria"`
}

// DescribeBucketsOutput is its response: BucketMetadata as Macie's JSON.
type DescribeBucketsOutput struct {
	Buckets   []json.RawMessage `aws:"buckets"`
	NextToken *string           `aws:"nextToken"`
}

type objectCounts struct {
	CustomerManaged int64 `json:"customerManaged"`
	KMSManaged      int64 `json:"kmsManaged"`
	S3Managed       int64 `json:"s3Managed"`
	Unencrypted     int64 `json:"unencrypted"`
	Unknown         int64 `json:"unknown"`
}

type objectLevel struct {
	FileType     int64 `json:"fileType"`
	StorageClass int64 `json:"storageClass"`
	Total        int64 `json:"total"`
}

// bucketMetadata is Macie's BucketMetadata, as far as moat knows it.
type bucketMetadata struct {
	AccountID                      string              `json:"accountId"`
	AllowsUnencryptedObjectUploads string              `json:"allowsUnencryptedObjectUploads"`
	BucketArn                      string              `json:"bucketArn"`
	BucketCreatedAt                string              `json:"bucketCreatedAt"`
	BucketName                     string              `json:"bucketName"`
	ClassifiableObjectCount        int64               `json:"classifiableObjectCount"`
	ClassifiableSizeInBytes        int64               `json:"classifiableSizeInBytes"`
	LastUpdated                    string              `json:"lastUpdated"`
	ObjectCount                    int64               `json:"objectCount"`
	ObjectCountByEncryptionType    objectCounts        `json:"objectCountByEncryptionType"`
	PublicAccess                   *bucketPublicAccess `json:"publicAccess"`
	Region                         string              `json:"region"`
	ServerSideEncryption           map[string]string   `json:"serverSideEncryption"`
	SharedAccess                   string              `json:"sharedAccess"`
	SizeInBytes                    int64               `json:"sizeInBytes"`
	SizeInBytesCompressed          int64               `json:"sizeInBytesCompressed"`
	Tags                           []keyValue          `json:"tags"`
	UnclassifiableObjectCount      objectLevel         `json:"unclassifiableObjectCount"`
	UnclassifiableObjectSizeInByte objectLevel         `json:"unclassifiableObjectSizeInBytes"`
	Versioning                     bool                `json:"versioning"`
}

// classifiable is moat's reading of which objects a job can analyze: the
// formats dataid reads (Macie's list is on its quotas page).
func classifiable(key string, size int64) bool {
	if size > MaxObjectSize {
		return false
	}
	switch strings.ToLower(path.Ext(key)) {
	case ".parquet", ".avro", ".pdf", ".doc", ".xls", ".png", ".jpg", ".jpeg", ".gif", ".mp4", ".exe", ".bin":
		return false
	}
	return true
}

// metadataOf is a bucket's BucketMetadata, counting its objects.
func metadataOf(ctx context.Context, c *service.Call, b *s3.BucketInfo) (*bucketMetadata, error) {
	bf := bucketOf(b)
	md := &bucketMetadata{AccountID: b.Account, AllowsUnencryptedObjectUploads: "UNKNOWN", BucketArn: bf.Arn, BucketCreatedAt: bf.CreatedAt,
		BucketName: b.Name, LastUpdated: isoTime(c.Now), PublicAccess: bf.PublicAccess, Region: b.Region,
		ServerSideEncryption: map[string]string{"type": bf.DefaultServerSideEncryption.EncryptionType}, SharedAccess: "NOT_SHARED",
		Tags: bf.Tags, Versioning: b.Versioning == "Enabled"}
	if bf.DefaultServerSideEncryption.KMSMasterKeyID != "" {
		md.ServerSideEncryption["kmsMasterKeyId"] = bf.DefaultServerSideEncryption.KMSMasterKeyID
	}
	if len(externalAccounts(b)) > 0 {
		md.SharedAccess = "EXTERNAL"
	}
	err := s3.WalkObjects(ctx, c.Deps.Store, b.Name, "", func(o s3.ObjectInfo) error {
		md.ObjectCount++
		md.SizeInBytes += o.Size
		switch {
		case o.Encryption == "AES256":
			md.ObjectCountByEncryptionType.S3Managed++
		case strings.HasPrefix(o.Encryption, "aws:kms"):
			md.ObjectCountByEncryptionType.KMSManaged++
		case o.Encryption == "":
			md.ObjectCountByEncryptionType.Unencrypted++
		default:
			md.ObjectCountByEncryptionType.Unknown++
		}
		if classifiable(o.Key, o.Size) {
			md.ClassifiableObjectCount++
			md.ClassifiableSizeInBytes += o.Size
		} else {
			md.UnclassifiableObjectCount.FileType++
			md.UnclassifiableObjectCount.Total++
			md.UnclassifiableObjectSizeInByte.FileType += o.Size
			md.UnclassifiableObjectSizeInByte.Total += o.Size
		}
		return nil
	})
	return md, err
}

func describeBuckets(ctx context.Context, c *service.Call, in *DescribeBucketsInput) (*DescribeBucketsOutput, error) {
	crit, err := parseCriteria(in.Criteria, "criteria", false)
	if err != nil {
		return nil, err
	}
	srt, err := parseSort(in.SortCriteria)
	if err != nil {
		return nil, err
	}
	if err := enabled(ctx, c); err != nil {
		return nil, err
	}
	buckets, err := regionBuckets(ctx, c)
	if err != nil {
		return nil, err
	}
	var ds []doc
	for i := range buckets {
		md, err := metadataOf(ctx, c, &buckets[i])
		if err != nil {
			continue // deleted meanwhile
		}
		raw, err := json.Marshal(md)
		if err != nil {
			return nil, fmt.Errorf("macie2: %w", err)
		}
		var v map[string]any
		_ = json.Unmarshal(raw, &v)
		if crit.match(v) {
			ds = append(ds, doc{raw: raw, v: v})
		}
	}
	if srt.AttributeName == "" {
		srt.AttributeName = "bucketName"
	}
	sortDocs(ds, srt)
	from, to, next, err := page(len(ds), in.MaxResults, in.NextToken, 50, 50)
	if err != nil {
		return nil, err
	}
	out := &DescribeBucketsOutput{Buckets: []json.RawMessage{}, NextToken: next}
	for _, d := range ds[from:to] {
		out.Buckets = append(out.Buckets, d.raw)
	}
	return out, nil
}
