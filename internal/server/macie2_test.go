package server_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	m2types "github.com/aws/aws-sdk-go-v2/service/macie2/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// macieUser creates an IAM user with an inline policy (none when policy is
// "") and returns a Macie client signed with its key.
func macieUser(t *testing.T, ts *testServer, name, policy string) *macie2.Client {
	t.Helper()
	ctx := context.Background()
	root := iam.NewFromConfig(ts.config(ts.Root))
	if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	if policy != "" {
		if _, err := root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String("p"), PolicyDocument: aws.String(policy)}); err != nil {
			t.Fatal(err)
		}
	}
	k, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	return macie2.NewFromConfig(ts.config(aws.Credentials{AccessKeyID: aws.ToString(k.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(k.AccessKey.SecretAccessKey)}))
}

// The Macie session: every call before EnableMacie is AccessDeniedException
// "Macie is not enabled.", then the session's settings, pausing, and
// DisableMacie forgetting the account's Macie data.
func TestMacieSession(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	mc := macie2.NewFromConfig(ts.config(ts.Root))

	_, err := mc.GetMacieSession(ctx, &macie2.GetMacieSessionInput{})
	if ae := apiError(t, err, "AccessDeniedException"); ae.ErrorMessage() != "Macie is not enabled." {
		t.Fatalf("message %q", ae.ErrorMessage())
	}
	_, err = mc.ListManagedDataIdentifiers(ctx, &macie2.ListManagedDataIdentifiersInput{})
	apiError(t, err, "AccessDeniedException")
	_, err = mc.ListFindings(ctx, &macie2.ListFindingsInput{})
	apiError(t, err, "AccessDeniedException")
	_, err = mc.ListClassificationJobs(ctx, &macie2.ListClassificationJobsInput{})
	apiError(t, err, "AccessDeniedException")
	_, err = mc.DescribeBuckets(ctx, &macie2.DescribeBucketsInput{})
	apiError(t, err, "AccessDeniedException")
	_, err = mc.ListCustomDataIdentifiers(ctx, &macie2.ListCustomDataIdentifiersInput{})
	apiError(t, err, "AccessDeniedException")
	_, err = mc.CreateCustomDataIdentifier(ctx, &macie2.CreateCustomDataIdentifierInput{Name: aws.String("x"), Regex: aws.String("a+")})
	apiError(t, err, "AccessDeniedException")

	_, err = mc.EnableMacie(ctx, &macie2.EnableMacieInput{FindingPublishingFrequency: "TWO_DAYS"})
	apiError(t, err, "ValidationException")
	if _, err := mc.EnableMacie(ctx, &macie2.EnableMacieInput{}); err != nil {
		t.Fatal(err)
	}
	_, err = mc.EnableMacie(ctx, &macie2.EnableMacieInput{})
	apiError(t, err, "ConflictException")
	s, err := mc.GetMacieSession(ctx, &macie2.GetMacieSessionInput{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Status != m2types.MacieStatusEnabled || s.FindingPublishingFrequency != m2types.FindingPublishingFrequencyFifteenMinutes ||
		aws.ToString(s.ServiceRole) != "arn:aws:iam::"+ts.Account+":role/aws-service-role/macie.amazonaws.com/AWSServiceRoleForAmazonMacie" ||
		s.CreatedAt == nil || s.UpdatedAt == nil {
		t.Fatalf("GetMacieSession: %+v", s)
	}
	if _, err := mc.UpdateMacieSession(ctx, &macie2.UpdateMacieSessionInput{Status: m2types.MacieStatusPaused, FindingPublishingFrequency: m2types.FindingPublishingFrequencySixHours}); err != nil {
		t.Fatal(err)
	}
	s, _ = mc.GetMacieSession(ctx, &macie2.GetMacieSessionInput{})
	if s.Status != m2types.MacieStatusPaused || s.FindingPublishingFrequency != m2types.FindingPublishingFrequencySixHours {
		t.Fatalf("after update: %+v", s)
	}

	// A user without macie2 permissions is denied by IAM first.
	nobody := macieUser(t, ts, "nobody", "")
	_, err = nobody.GetMacieSession(ctx, &macie2.GetMacieSessionInput{})
	if ae := apiError(t, err, "AccessDeniedException"); !strings.Contains(ae.ErrorMessage(), "macie2:GetMacieSession") {
		t.Fatalf("denial names no action: %q", ae.ErrorMessage())
	}

	if _, err := mc.CreateCustomDataIdentifier(ctx, &macie2.CreateCustomDataIdentifierInput{Name: aws.String("x"), Regex: aws.String("a+")}); err != nil {
		t.Fatal(err)
	}
	if _, err := mc.DisableMacie(ctx, &macie2.DisableMacieInput{}); err != nil {
		t.Fatal(err)
	}
	_, err = mc.GetMacieSession(ctx, &macie2.GetMacieSessionInput{})
	apiError(t, err, "AccessDeniedException")
	if _, err := mc.EnableMacie(ctx, &macie2.EnableMacieInput{}); err != nil {
		t.Fatal(err)
	}
	l, err := mc.ListCustomDataIdentifiers(ctx, &macie2.ListCustomDataIdentifiersInput{})
	if err != nil || len(l.Items) != 0 {
		t.Fatalf("identifiers survived DisableMacie: %+v %v", l, err)
	}
}

// Custom data identifiers: validation naming the field, get/list/batch-get,
// soft delete, TestCustomDataIdentifier's matchCount, the managed catalogue,
// and authorization on the identifier's ARN.
func TestMacieCustomDataIdentifiers(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	mc := macie2.NewFromConfig(ts.config(ts.Root))
	if _, err := mc.EnableMacie(ctx, &macie2.EnableMacieInput{}); err != nil {
		t.Fatal(err)
	}
	bad := []struct {
		in    macie2.CreateCustomDataIdentifierInput
		field string
	}{
		{macie2.CreateCustomDataIdentifierInput{Name: aws.String("a"), Regex: aws.String("(unclosed")}, "regex"},
		{macie2.CreateCustomDataIdentifierInput{Name: aws.String("a"), Regex: aws.String("(EMP)-\\d+")}, "regex"},
		{macie2.CreateCustomDataIdentifierInput{Name: aws.String("a"), Regex: aws.String("a+"), MaximumMatchDistance: aws.Int32(0)}, "maximumMatchDistance"},
		{macie2.CreateCustomDataIdentifierInput{Name: aws.String("a"), Regex: aws.String("a+"), MaximumMatchDistance: aws.Int32(301)}, "maximumMatchDistance"},
		{macie2.CreateCustomDataIdentifierInput{Name: aws.String("a"), Regex: aws.String("a+"), Keywords: []string{"ab"}}, "keywords"},
	}
	for _, b := range bad {
		_, err := mc.CreateCustomDataIdentifier(ctx, &b.in)
		if ae := apiError(t, err, "ValidationException"); !strings.Contains(ae.ErrorMessage(), b.field) {
			t.Fatalf("%s: message %q does not name the field", aws.ToString(b.in.Regex), ae.ErrorMessage())
		}
	}
	if l, _ := mc.ListCustomDataIdentifiers(ctx, &macie2.ListCustomDataIdentifiersInput{}); len(l.Items) != 0 {
		t.Fatalf("a rejected identifier was stored: %+v", l.Items)
	}

	out, err := mc.CreateCustomDataIdentifier(ctx, &macie2.CreateCustomDataIdentifierInput{
		Name: aws.String("employee-id"), Description: aws.String("staff numbers"), Regex: aws.String(`EMP-\d{6}`),
		Keywords: []string{"employee"}, IgnoreWords: []string{"EMP-000000"}, MaximumMatchDistance: aws.Int32(20),
		SeverityLevels: []m2types.SeverityLevel{{OccurrencesThreshold: aws.Int64(1), Severity: m2types.DataIdentifierSeverityLow},
			{OccurrencesThreshold: aws.Int64(10), Severity: m2types.DataIdentifierSeverityHigh}},
		Tags: map[string]string{"team": "hr"}, ClientToken: aws.String("tok-1")})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(out.CustomDataIdentifierId)
	again, err := mc.CreateCustomDataIdentifier(ctx, &macie2.CreateCustomDataIdentifierInput{Name: aws.String("employee-id"), Regex: aws.String(`EMP-\d{6}`), ClientToken: aws.String("tok-1")})
	if err != nil || aws.ToString(again.CustomDataIdentifierId) != id {
		t.Fatalf("same clientToken: %v %v", again, err)
	}
	got, err := mc.GetCustomDataIdentifier(ctx, &macie2.GetCustomDataIdentifierInput{Id: aws.String(id)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(got.Arn) != "arn:aws:macie2:us-east-1:"+ts.Account+":custom-data-identifier/"+id || aws.ToString(got.Regex) != `EMP-\d{6}` ||
		aws.ToInt32(got.MaximumMatchDistance) != 20 || len(got.SeverityLevels) != 2 || got.SeverityLevels[1].Severity != m2types.DataIdentifierSeverityHigh ||
		got.Tags["team"] != "hr" || aws.ToBool(got.Deleted) || got.CreatedAt == nil {
		t.Fatalf("GetCustomDataIdentifier: %+v", got)
	}
	_, err = mc.GetCustomDataIdentifier(ctx, &macie2.GetCustomDataIdentifierInput{Id: aws.String("00000000-0000-4000-8000-000000000000")})
	apiError(t, err, "ResourceNotFoundException")

	n, err := mc.TestCustomDataIdentifier(ctx, &macie2.TestCustomDataIdentifierInput{Regex: aws.String(`EMP-\d{6}`), Keywords: []string{"employee"},
		MaximumMatchDistance: aws.Int32(20),
		SampleText:           aws.String("employee EMP-123456, employee EMP-654321; and much further away than twenty characters EMP-111111")})
	if err != nil || aws.ToInt32(n.MatchCount) != 2 {
		t.Fatalf("TestCustomDataIdentifier: %d %v", aws.ToInt32(n.MatchCount), err)
	}
	_, err = mc.TestCustomDataIdentifier(ctx, &macie2.TestCustomDataIdentifierInput{Regex: aws.String(`(a`), SampleText: aws.String("a")})
	apiError(t, err, "ValidationException")

	b, err := mc.BatchGetCustomDataIdentifiers(ctx, &macie2.BatchGetCustomDataIdentifiersInput{Ids: []string{id, "missing"}})
	if err != nil || len(b.CustomDataIdentifiers) != 1 || len(b.NotFoundIdentifierIds) != 1 || b.NotFoundIdentifierIds[0] != "missing" {
		t.Fatalf("BatchGet: %+v %v", b, err)
	}
	m, err := mc.ListManagedDataIdentifiers(ctx, &macie2.ListManagedDataIdentifiersInput{})
	if err != nil || len(m.Items) < 50 {
		t.Fatalf("ListManagedDataIdentifiers: %d items, %v", len(m.Items), err)
	}
	var card bool
	for _, it := range m.Items {
		card = card || aws.ToString(it.Id) == "CREDIT_CARD_NUMBER" && it.Category == m2types.SensitiveDataItemCategoryFinancialInformation
	}
	if !card {
		t.Fatal("CREDIT_CARD_NUMBER is not listed as FINANCIAL_INFORMATION")
	}

	// A user allowed to read this identifier only.
	arn := aws.ToString(got.Arn)
	reader := macieUser(t, ts, "reader", allowDoc("macie2:GetCustomDataIdentifier", arn))
	if _, err := reader.GetCustomDataIdentifier(ctx, &macie2.GetCustomDataIdentifierInput{Id: aws.String(id)}); err != nil {
		t.Fatal(err)
	}
	_, err = reader.GetCustomDataIdentifier(ctx, &macie2.GetCustomDataIdentifierInput{Id: aws.String("00000000-0000-4000-8000-000000000000")})
	apiError(t, err, "AccessDeniedException")
	_, err = reader.DeleteCustomDataIdentifier(ctx, &macie2.DeleteCustomDataIdentifierInput{Id: aws.String(id)})
	apiError(t, err, "AccessDeniedException")

	// Tags at creation need macie2:TagResource too, and aws:RequestTag works.
	creator := macieUser(t, ts, "creator", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"macie2:CreateCustomDataIdentifier","Resource":"*"},
		{"Effect":"Allow","Action":"macie2:TagResource","Resource":"*","Condition":{"StringEquals":{"aws:RequestTag/team":"hr"}}}]}`)
	if _, err := creator.CreateCustomDataIdentifier(ctx, &macie2.CreateCustomDataIdentifierInput{Name: aws.String("untagged"), Regex: aws.String("X-[0-9]+")}); err != nil {
		t.Fatal(err)
	}
	if _, err := creator.CreateCustomDataIdentifier(ctx, &macie2.CreateCustomDataIdentifierInput{Name: aws.String("hr-tagged"), Regex: aws.String("Y-[0-9]+"), Tags: map[string]string{"team": "hr"}}); err != nil {
		t.Fatal(err)
	}
	_, err = creator.CreateCustomDataIdentifier(ctx, &macie2.CreateCustomDataIdentifierInput{Name: aws.String("ops-tagged"), Regex: aws.String("Z-[0-9]+"), Tags: map[string]string{"team": "ops"}})
	apiError(t, err, "AccessDeniedException")

	if _, err := mc.DeleteCustomDataIdentifier(ctx, &macie2.DeleteCustomDataIdentifierInput{Id: aws.String(id)}); err != nil {
		t.Fatal(err)
	}
	if l, _ := mc.ListCustomDataIdentifiers(ctx, &macie2.ListCustomDataIdentifiersInput{}); len(l.Items) != 2 {
		t.Fatalf("after delete, want the creator's 2 identifiers: %+v", l.Items)
	}
	if b, _ := mc.BatchGetCustomDataIdentifiers(ctx, &macie2.BatchGetCustomDataIdentifiersInput{Ids: []string{id}}); len(b.CustomDataIdentifiers) != 1 || !aws.ToBool(b.CustomDataIdentifiers[0].Deleted) {
		t.Fatalf("BatchGet after delete: %+v", b)
	}
}

// macieFinding is the part of a finding the tests read.
type macieFinding = m2types.Finding

// putObjects creates a bucket and puts objects into it (tags as a query
// string "k=v").
// macieOn starts a server whose root user has enabled Macie, and returns
// it with Macie and S3 clients of that user.
func macieOn(t *testing.T) (*testServer, *macie2.Client, *s3.Client) {
	t.Helper()
	ts := start(t)
	mc := macie2.NewFromConfig(ts.config(ts.Root))
	if _, err := mc.EnableMacie(context.Background(), &macie2.EnableMacieInput{}); err != nil {
		t.Fatal(err)
	}
	return ts, mc, s3Client(ts, ts.Root)
}

func putObjects(t *testing.T, s3c *s3.Client, bucket string, objects map[string]string, tags map[string]string) {
	t.Helper()
	ctx := context.Background()
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	for k, body := range objects {
		in := &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(k), Body: strings.NewReader(body)}
		if tg := tags[k]; tg != "" {
			in.Tagging = aws.String(tg)
		}
		if _, err := s3c.PutObject(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
}

func gzipped(t *testing.T, s string) string {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	_, _ = w.Write([]byte(s))
	_ = w.Close()
	return b.String()
}

// jobFindings returns a job's findings by object key.
func jobFindings(t *testing.T, mc *macie2.Client, jobID string) map[string]macieFinding {
	t.Helper()
	ctx := context.Background()
	l, err := mc.ListFindings(ctx, &macie2.ListFindingsInput{FindingCriteria: &m2types.FindingCriteria{Criterion: map[string]m2types.CriterionAdditionalProperties{
		"classificationDetails.jobId": {Eq: []string{jobID}}}}})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]macieFinding{}
	if len(l.FindingIds) == 0 {
		return out
	}
	g, err := mc.GetFindings(ctx, &macie2.GetFindingsInput{FindingIds: l.FindingIds})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range g.Findings {
		out[aws.ToString(f.ResourcesAffected.S3Object.Key)] = f
	}
	return out
}

const macieSecret = "Zx9Kq2Lm8Np4Rs6Tu1Vw3Yb5Cd7Ef0GhIjKlMnOp"

// A ONE_TIME job over a bucket with planted positives and decoys: one
// finding per object with sensitive data, in Macie's shape, with exact
// locations (lines and columns in text, even inside gzip; cells in CSV);
// decoys (a Luhn failure, an issuer test number, the AWS documentation key)
// raise nothing; scoping by tag and size; the job's statistics.
func TestMacieClassificationJob(t *testing.T) {
	ts, mc, s3c := macieOn(t)
	ctx := context.Background()
	cards := "hello\ncard: 4532015112830366 ok\ncard: 4532015112830367 luhn fails\ncard: 4111111111111111 test number\n"
	putObjects(t, s3c, "records", map[string]string{
		"notes/cards.txt":      cards,
		"creds/aws.ini":        "[default]\naws_secret_access_key = " + macieSecret + "\n[docs]\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
		"export/customers.csv": "name,card_number\nKim,4532015112830366\nLee,4532015112830367\n",
		"decoys.txt":           "card: 4532015112830367\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\nversion 1.2.3.4 build 4532015112830367\n",
		"archive/cards.txt.gz": gzipped(t, cards),
		"tagged/hidden.txt":    "card: 4532015112830366\n",
		"big/large-export.txt": "card: 4532015112830366\n" + strings.Repeat("x", 4096),
	}, map[string]string{"tagged/hidden.txt": "classification=skip"})

	def := &m2types.S3JobDefinition{
		BucketDefinitions: []m2types.S3BucketDefinitionForJob{{AccountId: aws.String(ts.Account), Buckets: []string{"records"}}},
		Scoping: &m2types.Scoping{
			Includes: &m2types.JobScopingBlock{And: []m2types.JobScopeTerm{{SimpleScopeTerm: &m2types.SimpleScopeTerm{
				Key: m2types.ScopeFilterKeyObjectSize, Comparator: m2types.JobComparatorLt, Values: []string{"4000"}}}}},
			Excludes: &m2types.JobScopingBlock{And: []m2types.JobScopeTerm{{TagScopeTerm: &m2types.TagScopeTerm{
				Key: aws.String("TAG"), Comparator: m2types.JobComparatorEq, Target: m2types.TagTargetS3Object,
				TagValues: []m2types.TagValuePair{{Key: aws.String("classification"), Value: aws.String("skip")}}}}}},
		},
	}
	// Bad requests write nothing.
	_, err := mc.CreateClassificationJob(ctx, &macie2.CreateClassificationJobInput{Name: aws.String("bad"), JobType: m2types.JobTypeOneTime,
		S3JobDefinition: def, SamplingPercentage: aws.Int32(0), ClientToken: aws.String("t0")})
	apiError(t, err, "ValidationException")
	_, err = mc.CreateClassificationJob(ctx, &macie2.CreateClassificationJobInput{Name: aws.String("bad"), JobType: m2types.JobTypeOneTime,
		S3JobDefinition: def, ManagedDataIdentifierSelector: m2types.ManagedDataIdentifierSelectorInclude, ClientToken: aws.String("t0")})
	apiError(t, err, "ValidationException")
	_, err = mc.CreateClassificationJob(ctx, &macie2.CreateClassificationJobInput{Name: aws.String("bad"), JobType: m2types.JobTypeOneTime,
		S3JobDefinition: def, CustomDataIdentifierIds: []string{"00000000-0000-4000-8000-000000000000"}, ClientToken: aws.String("t0")})
	apiError(t, err, "ResourceNotFoundException")
	if l, _ := mc.ListClassificationJobs(ctx, &macie2.ListClassificationJobsInput{}); len(l.Items) != 0 {
		t.Fatalf("a rejected job was stored: %+v", l.Items)
	}

	job, err := mc.CreateClassificationJob(ctx, &macie2.CreateClassificationJobInput{Name: aws.String("records scan"), JobType: m2types.JobTypeOneTime,
		S3JobDefinition: def, ManagedDataIdentifierSelector: m2types.ManagedDataIdentifierSelectorAll, ClientToken: aws.String("t1"),
		Description: aws.String("planted positives"), Tags: map[string]string{"team": "data"}})
	if err != nil {
		t.Fatal(err)
	}
	jobID := aws.ToString(job.JobId)
	if aws.ToString(job.JobArn) != "arn:aws:macie2:us-east-1:"+ts.Account+":classification-job/"+jobID || len(jobID) != 32 {
		t.Fatalf("CreateClassificationJob: %+v", job)
	}
	again, err := mc.CreateClassificationJob(ctx, &macie2.CreateClassificationJobInput{Name: aws.String("records scan"), JobType: m2types.JobTypeOneTime,
		S3JobDefinition: def, ClientToken: aws.String("t1")})
	if err != nil || aws.ToString(again.JobId) != jobID {
		t.Fatalf("same clientToken gave %+v %v", again, err)
	}
	d, err := mc.DescribeClassificationJob(ctx, &macie2.DescribeClassificationJobInput{JobId: aws.String(jobID)})
	if err != nil {
		t.Fatal(err)
	}
	if d.JobStatus != m2types.JobStatusComplete || d.JobType != m2types.JobTypeOneTime || aws.ToString(d.Name) != "records scan" ||
		d.Statistics == nil || aws.ToFloat64(d.Statistics.ApproximateNumberOfObjectsToProcess) != 5 || aws.ToFloat64(d.Statistics.NumberOfRuns) != 1 ||
		d.LastRunErrorStatus == nil || d.LastRunErrorStatus.Code != m2types.LastRunErrorStatusCodeNone || d.LastRunTime == nil ||
		d.S3JobDefinition == nil || len(d.S3JobDefinition.BucketDefinitions) != 1 || d.Tags["team"] != "data" ||
		d.ManagedDataIdentifierSelector != m2types.ManagedDataIdentifierSelectorAll {
		t.Fatalf("DescribeClassificationJob: %+v stats %+v", d, d.Statistics)
	}
	_, err = mc.DescribeClassificationJob(ctx, &macie2.DescribeClassificationJobInput{JobId: aws.String("0123456789abcdef0123456789abcdef")})
	apiError(t, err, "ResourceNotFoundException")
	_, err = mc.UpdateClassificationJob(ctx, &macie2.UpdateClassificationJobInput{JobId: aws.String(jobID), JobStatus: m2types.JobStatusCancelled})
	apiError(t, err, "ValidationException")

	fs := jobFindings(t, mc, jobID)
	if len(fs) != 4 {
		keys := []string{}
		for k := range fs {
			keys = append(keys, k)
		}
		t.Fatalf("want findings for 4 objects, got %v", keys)
	}
	// Text: line 2, column 7; the Luhn failure and the test number are not reported.
	for _, k := range []string{"notes/cards.txt", "archive/cards.txt.gz"} {
		f := fs[k]
		if f.Type != m2types.FindingTypeSensitiveDataS3ObjectFinancial || f.Category != m2types.FindingCategoryClassification ||
			f.Severity.Description != m2types.SeverityDescriptionHigh || aws.ToString(f.ResourcesAffected.S3Bucket.Name) != "records" ||
			aws.ToString(f.ClassificationDetails.JobId) != jobID || f.ClassificationDetails.OriginType != m2types.OriginTypeSensitiveDataDiscoveryJob {
			t.Fatalf("%s: %+v", k, f)
		}
		sd := f.ClassificationDetails.Result.SensitiveData
		if len(sd) != 1 || sd[0].Category != m2types.SensitiveDataItemCategoryFinancialInformation || aws.ToInt64(sd[0].TotalCount) != 1 ||
			len(sd[0].Detections) != 1 || aws.ToString(sd[0].Detections[0].Type) != "CREDIT_CARD_NUMBER" || aws.ToInt64(sd[0].Detections[0].Count) != 1 {
			t.Fatalf("%s: sensitiveData %+v", k, sd)
		}
		lr := sd[0].Detections[0].Occurrences.LineRanges
		if len(lr) != 1 || aws.ToInt64(lr[0].Start) != 2 || aws.ToInt64(lr[0].End) != 2 || aws.ToInt64(lr[0].StartColumn) != 7 {
			t.Fatalf("%s: lineRanges %+v", k, lr)
		}
	}
	cr := fs["creds/aws.ini"]
	if cr.Type != m2types.FindingTypeSensitiveDataS3ObjectCredentials {
		t.Fatalf("aws.ini: %s", cr.Type)
	}
	det := cr.ClassificationDetails.Result.SensitiveData[0].Detections[0]
	if aws.ToString(det.Type) != "AWS_CREDENTIALS" || aws.ToInt64(det.Count) != 1 || len(det.Occurrences.LineRanges) != 1 ||
		aws.ToInt64(det.Occurrences.LineRanges[0].Start) != 2 || aws.ToInt64(det.Occurrences.LineRanges[0].StartColumn) != 25 {
		t.Fatalf("aws.ini detection: %+v %+v", det, det.Occurrences.LineRanges)
	}
	csv := fs["export/customers.csv"].ClassificationDetails.Result.SensitiveData
	if len(csv) != 1 || len(csv[0].Detections) != 1 || aws.ToInt64(csv[0].Detections[0].Count) != 1 {
		t.Fatalf("customers.csv: %+v", csv)
	}
	cells := csv[0].Detections[0].Occurrences.Cells
	if len(cells) != 1 || aws.ToInt64(cells[0].Row) != 2 || aws.ToInt64(cells[0].Column) != 2 || aws.ToString(cells[0].ColumnName) != "card_number" || cells[0].CellReference != nil {
		t.Fatalf("customers.csv cells: %+v", cells)
	}
	obj := fs["export/customers.csv"].ResourcesAffected.S3Object
	if aws.ToString(obj.Extension) != "csv" || aws.ToString(obj.Path) != "records/export/customers.csv" || aws.ToInt64(obj.Size) == 0 {
		t.Fatalf("s3Object: %+v", obj)
	}

	// Filters, sorting and statistics over the findings.
	l, err := mc.ListFindings(ctx, &macie2.ListFindingsInput{FindingCriteria: &m2types.FindingCriteria{Criterion: map[string]m2types.CriterionAdditionalProperties{
		"type":                        {Eq: []string{"SensitiveData:S3Object/Financial"}},
		"classificationDetails.jobId": {Eq: []string{jobID}},
	}}})
	if err != nil || len(l.FindingIds) != 3 {
		t.Fatalf("ListFindings by type: %+v %v", l, err)
	}
	l, err = mc.ListFindings(ctx, &macie2.ListFindingsInput{MaxResults: aws.Int32(2), FindingCriteria: &m2types.FindingCriteria{Criterion: map[string]m2types.CriterionAdditionalProperties{
		"category": {Eq: []string{"CLASSIFICATION"}}, "archived": {Eq: []string{"false"}}, "severity.description": {Neq: []string{"Low"}}}}})
	if err != nil || len(l.FindingIds) != 2 || l.NextToken == nil {
		t.Fatalf("ListFindings page 1: %+v %v", l, err)
	}
	l2, err := mc.ListFindings(ctx, &macie2.ListFindingsInput{MaxResults: aws.Int32(2), NextToken: l.NextToken, FindingCriteria: &m2types.FindingCriteria{Criterion: map[string]m2types.CriterionAdditionalProperties{
		"category": {Eq: []string{"CLASSIFICATION"}}, "archived": {Eq: []string{"false"}}, "severity.description": {Neq: []string{"Low"}}}}})
	if err != nil || len(l2.FindingIds) != 2 || l2.NextToken != nil {
		t.Fatalf("ListFindings page 2: %+v %v", l2, err)
	}
	st, err := mc.GetFindingStatistics(ctx, &macie2.GetFindingStatisticsInput{GroupBy: m2types.GroupByType,
		FindingCriteria: &m2types.FindingCriteria{Criterion: map[string]m2types.CriterionAdditionalProperties{"classificationDetails.jobId": {Eq: []string{jobID}}}},
		SortCriteria:    &m2types.FindingStatisticsSortCriteria{AttributeName: m2types.FindingStatisticsSortAttributeNameCount, OrderBy: m2types.OrderByDesc}})
	if err != nil || len(st.CountsByGroup) != 2 || aws.ToString(st.CountsByGroup[0].GroupKey) != "SensitiveData:S3Object/Financial" || aws.ToInt64(st.CountsByGroup[0].Count) != 3 {
		t.Fatalf("GetFindingStatistics: %+v %v", st, err)
	}
	srt, err := mc.ListFindings(ctx, &macie2.ListFindingsInput{SortCriteria: &m2types.SortCriteria{AttributeName: aws.String("resourcesAffected.s3Object.key"), OrderBy: m2types.OrderByAsc},
		FindingCriteria: &m2types.FindingCriteria{Criterion: map[string]m2types.CriterionAdditionalProperties{"classificationDetails.jobId": {Eq: []string{jobID}}}}})
	if err != nil || len(srt.FindingIds) != 4 {
		t.Fatal(err)
	}
	g, _ := mc.GetFindings(ctx, &macie2.GetFindingsInput{FindingIds: srt.FindingIds[:1]})
	if len(g.Findings) != 1 || aws.ToString(g.Findings[0].ResourcesAffected.S3Object.Key) != "archive/cards.txt.gz" {
		t.Fatalf("first by key: %+v", g.Findings)
	}

	// The job in the list, and a scheduled job paused, resumed and cancelled.
	sched, err := mc.CreateClassificationJob(ctx, &macie2.CreateClassificationJobInput{Name: aws.String("weekly"), JobType: m2types.JobTypeScheduled,
		S3JobDefinition: def, InitialRun: aws.Bool(false), ClientToken: aws.String("t2"),
		ScheduleFrequency: &m2types.JobScheduleFrequency{WeeklySchedule: &m2types.WeeklySchedule{DayOfWeek: m2types.DayOfWeekMonday}}})
	if err != nil {
		t.Fatal(err)
	}
	jobs, err := mc.ListClassificationJobs(ctx, &macie2.ListClassificationJobsInput{})
	if err != nil || len(jobs.Items) != 2 {
		t.Fatalf("ListClassificationJobs: %+v %v", jobs, err)
	}
	jobs, err = mc.ListClassificationJobs(ctx, &macie2.ListClassificationJobsInput{FilterCriteria: &m2types.ListJobsFilterCriteria{
		Includes: []m2types.ListJobsFilterTerm{{Key: m2types.ListJobsFilterKeyJobType, Comparator: m2types.JobComparatorEq, Values: []string{"SCHEDULED"}}}}})
	if err != nil || len(jobs.Items) != 1 || aws.ToString(jobs.Items[0].JobId) != aws.ToString(sched.JobId) || jobs.Items[0].JobStatus != m2types.JobStatusIdle {
		t.Fatalf("ListClassificationJobs SCHEDULED: %+v %v", jobs, err)
	}
	for _, s := range []m2types.JobStatus{m2types.JobStatusUserPaused, m2types.JobStatusRunning, m2types.JobStatusCancelled} {
		if _, err := mc.UpdateClassificationJob(ctx, &macie2.UpdateClassificationJobInput{JobId: sched.JobId, JobStatus: s}); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		d, _ := mc.DescribeClassificationJob(ctx, &macie2.DescribeClassificationJobInput{JobId: sched.JobId})
		want := s
		if s == m2types.JobStatusRunning {
			want = m2types.JobStatusIdle
		}
		if d.JobStatus != want || (s == m2types.JobStatusUserPaused) != (d.UserPausedDetails != nil) {
			t.Fatalf("after %s: %s %+v", s, d.JobStatus, d.UserPausedDetails)
		}
		if aws.ToFloat64(d.Statistics.NumberOfRuns) != 0 || d.ScheduleFrequency == nil || d.ScheduleFrequency.WeeklySchedule == nil {
			t.Fatalf("scheduled job without initial run: %+v", d)
		}
	}
}

// Custom identifiers and moat's Korean identifiers in a job: a Multiple
// finding naming the custom identifier's ARN, and a cell in a CSV.
func TestMacieCustomAndKoreanInJob(t *testing.T) {
	_, mc, s3c := macieOn(t)
	ctx := context.Background()
	cdi, err := mc.CreateCustomDataIdentifier(ctx, &macie2.CreateCustomDataIdentifierInput{Name: aws.String("employee-id"), Regex: aws.String(`EMP-\d{6}`),
		Keywords: []string{"employee"}, IgnoreWords: []string{"EMP-000000"}})
	if err != nil {
		t.Fatal(err)
	}
	putObjects(t, s3c, "hr-data", map[string]string{
		"staff.txt":  "employee EMP-123456\nemployee EMP-000000\n주민등록번호: 900101-1234568\n",
		"people.csv": "name,rrn\nKim,900101-1234568\nLee,901301-1234568\n",
		"plain.txt":  "EMP-654321 without its keyword\n",
	}, nil)
	job, err := mc.CreateClassificationJob(ctx, &macie2.CreateClassificationJobInput{Name: aws.String("hr"), JobType: m2types.JobTypeOneTime, ClientToken: aws.String("hr"),
		S3JobDefinition: &m2types.S3JobDefinition{BucketCriteria: &m2types.S3BucketCriteriaForJob{Includes: &m2types.CriteriaBlockForJob{And: []m2types.CriteriaForJob{
			{SimpleCriterion: &m2types.SimpleCriterionForJob{Key: m2types.SimpleCriterionKeyForJobS3BucketName, Comparator: m2types.JobComparatorEq, Values: []string{"hr-data"}}}}}}},
		ManagedDataIdentifierSelector: m2types.ManagedDataIdentifierSelectorInclude, ManagedDataIdentifierIds: []string{"KOREA_RESIDENT_REGISTRATION_NUMBER"},
		CustomDataIdentifierIds: []string{aws.ToString(cdi.CustomDataIdentifierId)}})
	if err != nil {
		t.Fatal(err)
	}
	fs := jobFindings(t, mc, aws.ToString(job.JobId))
	if len(fs) != 2 {
		t.Fatalf("want 2 findings, got %d", len(fs))
	}
	staff := fs["staff.txt"]
	if staff.Type != m2types.FindingTypeSensitiveDataS3ObjectMultiple {
		t.Fatalf("staff.txt: %s", staff.Type)
	}
	cd := staff.ClassificationDetails.Result.CustomDataIdentifiers
	if aws.ToInt64(cd.TotalCount) != 1 || len(cd.Detections) != 1 || aws.ToString(cd.Detections[0].Name) != "employee-id" ||
		!strings.HasSuffix(aws.ToString(cd.Detections[0].Arn), ":custom-data-identifier/"+aws.ToString(cdi.CustomDataIdentifierId)) ||
		aws.ToInt64(cd.Detections[0].Occurrences.LineRanges[0].Start) != 1 || aws.ToInt64(cd.Detections[0].Occurrences.LineRanges[0].StartColumn) != 10 {
		t.Fatalf("custom detections: %+v", cd)
	}
	rrn := staff.ClassificationDetails.Result.SensitiveData
	if len(rrn) != 1 || aws.ToString(rrn[0].Detections[0].Type) != "KOREA_RESIDENT_REGISTRATION_NUMBER" || aws.ToInt64(rrn[0].Detections[0].Occurrences.LineRanges[0].Start) != 3 {
		t.Fatalf("rrn in staff.txt: %+v", rrn)
	}
	people := fs["people.csv"]
	if people.Type != m2types.FindingTypeSensitiveDataS3ObjectPersonal {
		t.Fatalf("people.csv: %s", people.Type)
	}
	cells := people.ClassificationDetails.Result.SensitiveData[0].Detections[0].Occurrences.Cells
	if len(cells) != 1 || aws.ToInt64(cells[0].Row) != 2 || aws.ToInt64(cells[0].Column) != 2 || aws.ToString(cells[0].ColumnName) != "rrn" {
		t.Fatalf("people.csv cells: %+v", cells)
	}
}

// Policy findings: a public bucket (Block Public Access removed, a
// Principal "*" policy) raises S3BucketPublic and S3BlockPublicAccessDisabled;
// a policy granting another account raises S3BucketSharedExternally; a
// private bucket with default encryption raises nothing. DescribeBuckets
// reports the inventory; corrupt and binary objects are skipped, never a
// crash; the calls are in CloudTrail.
func TestMaciePolicyFindingsAndBuckets(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	mc := macie2.NewFromConfig(ts.config(ts.Root))
	s3c := s3.NewFromConfig(ts.config(ts.Root), func(o *s3.Options) { o.UsePathStyle = true })
	// A setting made before Macie is enabled raises nothing (AWS: only
	// changes after enabling do).
	putObjects(t, s3c, "legacy", map[string]string{}, nil)
	if _, err := s3c.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: aws.String("legacy")}); err != nil {
		t.Fatal(err)
	}
	if _, err := mc.EnableMacie(ctx, &macie2.EnableMacieInput{}); err != nil {
		t.Fatal(err)
	}
	putObjects(t, s3c, "private", map[string]string{"a.txt": "nothing here\n"}, nil)
	putObjects(t, s3c, "website", map[string]string{
		"index.html":  "<p>card: 4532015112830366</p>\n",
		"broken.gz":   "\x1f\x8b\x08\x00garbage that is not deflate",
		"broken.zip":  "PK\x03\x04 not really a zip",
		"image.bin":   "\x00\x01\x02card: 4532015112830366\x00",
		"nested.json": `{"customer": {"card": "4532015112830366"}}`,
	}, nil)
	putObjects(t, s3c, "partner", map[string]string{}, nil)
	if _, err := s3c.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: aws.String("website")}); err != nil {
		t.Fatal(err)
	}
	if _, err := s3c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("website"), Policy: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::website/*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := s3c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("partner"), Policy: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::partner/*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	l, err := mc.ListFindings(ctx, &macie2.ListFindingsInput{FindingCriteria: &m2types.FindingCriteria{Criterion: map[string]m2types.CriterionAdditionalProperties{
		"category": {Eq: []string{"POLICY"}}}}, SortCriteria: &m2types.SortCriteria{AttributeName: aws.String("type"), OrderBy: m2types.OrderByAsc}})
	if err != nil {
		t.Fatal(err)
	}
	g, err := mc.GetFindings(ctx, &macie2.GetFindingsInput{FindingIds: l.FindingIds, SortCriteria: &m2types.SortCriteria{AttributeName: aws.String("type")}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range g.Findings {
		got = append(got, string(f.Type)+" "+aws.ToString(f.ResourcesAffected.S3Bucket.Name)+" "+string(f.Severity.Description))
	}
	want := []string{"Policy:IAMUser/S3BlockPublicAccessDisabled website Low", "Policy:IAMUser/S3BucketPublic website High",
		"Policy:IAMUser/S3BucketSharedExternally partner High"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("policy findings:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	pub := g.Findings[1].ResourcesAffected.S3Bucket
	if pub.PublicAccess.EffectivePermission != m2types.EffectivePermissionPublic || !aws.ToBool(pub.PublicAccess.PermissionConfiguration.BucketLevelPermissions.BucketPolicy.AllowsPublicReadAccess) {
		t.Fatalf("public bucket: %+v", pub.PublicAccess)
	}
	// Raised once: a second look finds the same ids.
	l2, _ := mc.ListFindings(ctx, &macie2.ListFindingsInput{FindingCriteria: &m2types.FindingCriteria{Criterion: map[string]m2types.CriterionAdditionalProperties{
		"category": {Eq: []string{"POLICY"}}}}})
	if len(l2.FindingIds) != 3 {
		t.Fatalf("policy findings raised again: %v", l2.FindingIds)
	}
	st, err := mc.GetFindingStatistics(ctx, &macie2.GetFindingStatisticsInput{GroupBy: m2types.GroupByResourcesAffectedS3BucketName})
	if err != nil || len(st.CountsByGroup) != 2 || aws.ToString(st.CountsByGroup[1].GroupKey) != "website" || aws.ToInt64(st.CountsByGroup[1].Count) != 2 {
		t.Fatalf("statistics by bucket: %+v %v", st, err)
	}
	// Fixed, then broken again: the same finding counts the recurrence.
	bpaOn := &s3types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(false), RestrictPublicBuckets: aws.Bool(false)}
	if _, err := s3c.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String("website"), PublicAccessBlockConfiguration: bpaOn}); err != nil {
		t.Fatal(err)
	}
	if _, err := mc.ListFindings(ctx, &macie2.ListFindingsInput{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s3c.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: aws.String("website")}); err != nil {
		t.Fatal(err)
	}
	g, _ = mc.GetFindings(ctx, &macie2.GetFindingsInput{FindingIds: l.FindingIds, SortCriteria: &m2types.SortCriteria{AttributeName: aws.String("type")}})
	if aws.ToInt64(g.Findings[0].Count) != 2 || aws.ToInt64(g.Findings[1].Count) != 1 {
		t.Fatalf("recurrence counts: %d %d", aws.ToInt64(g.Findings[0].Count), aws.ToInt64(g.Findings[1].Count))
	}

	// Bad objects are skipped; the readable ones are classified.
	job, err := mc.CreateClassificationJob(ctx, &macie2.CreateClassificationJobInput{Name: aws.String("site"), JobType: m2types.JobTypeOneTime, ClientToken: aws.String("s"),
		S3JobDefinition: &m2types.S3JobDefinition{BucketDefinitions: []m2types.S3BucketDefinitionForJob{{AccountId: aws.String(ts.Account), Buckets: []string{"website", "no-such-bucket"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	d, _ := mc.DescribeClassificationJob(ctx, &macie2.DescribeClassificationJobInput{JobId: job.JobId})
	if d.JobStatus != m2types.JobStatusComplete || d.LastRunErrorStatus.Code != m2types.LastRunErrorStatusCodeError || aws.ToFloat64(d.Statistics.ApproximateNumberOfObjectsToProcess) != 5 {
		t.Fatalf("job over a missing bucket: %+v %+v", d.LastRunErrorStatus, d.Statistics)
	}
	fs := jobFindings(t, mc, aws.ToString(job.JobId))
	if len(fs) != 2 || fs["index.html"].Type != m2types.FindingTypeSensitiveDataS3ObjectFinancial {
		t.Fatalf("site findings: %v", fs)
	}
	rec := fs["nested.json"].ClassificationDetails.Result.SensitiveData[0].Detections[0].Occurrences.Records
	if len(rec) != 1 || aws.ToString(rec[0].JsonPath) != "$.customer.card" || aws.ToInt64(rec[0].RecordIndex) != 0 {
		t.Fatalf("json records: %+v", rec)
	}

	b, err := mc.DescribeBuckets(ctx, &macie2.DescribeBucketsInput{})
	if err != nil || len(b.Buckets) != 4 {
		t.Fatalf("DescribeBuckets: %d buckets, %v", len(b.Buckets), err)
	}
	for _, bm := range b.Buckets {
		switch aws.ToString(bm.BucketName) {
		case "website":
			if aws.ToInt64(bm.ObjectCount) != 5 || bm.PublicAccess.EffectivePermission != m2types.EffectivePermissionPublic || bm.ServerSideEncryption.Type != m2types.TypeAes256 {
				t.Fatalf("website: %+v", bm)
			}
		case "partner":
			if bm.SharedAccess != m2types.SharedAccessExternal || bm.PublicAccess.EffectivePermission != m2types.EffectivePermissionNotPublic {
				t.Fatalf("partner: %+v", bm)
			}
		}
	}
	b, err = mc.DescribeBuckets(ctx, &macie2.DescribeBucketsInput{Criteria: map[string]m2types.BucketCriteriaAdditionalProperties{"bucketName": {Prefix: aws.String("web")}}})
	if err != nil || len(b.Buckets) != 1 {
		t.Fatalf("DescribeBuckets by prefix: %+v %v", b, err)
	}

	// In CloudTrail, with the job's ARN as its resource.
	ev, err := cloudtrail.NewFromConfig(ts.config(ts.Root)).LookupEvents(ctx, &cloudtrail.LookupEventsInput{LookupAttributes: []cttypes.LookupAttribute{
		{AttributeKey: cttypes.LookupAttributeKeyEventName, AttributeValue: aws.String("CreateClassificationJob")}}})
	if err != nil || len(ev.Events) != 1 || aws.ToString(ev.Events[0].EventSource) != "macie2.amazonaws.com" {
		t.Fatalf("CloudTrail: %+v %v", ev, err)
	}
}

// Permissions: a user allowed DescribeClassificationJob on one job only.
func TestMacieJobPermissions(t *testing.T) {
	ts, mc, s3c := macieOn(t)
	ctx := context.Background()
	putObjects(t, s3c, "jobs-bucket", map[string]string{"x.txt": "x"}, nil)
	def := &m2types.S3JobDefinition{BucketDefinitions: []m2types.S3BucketDefinitionForJob{{AccountId: aws.String(ts.Account), Buckets: []string{"jobs-bucket"}}}}
	var ids []string
	for _, n := range []string{"one", "two"} {
		j, err := mc.CreateClassificationJob(ctx, &macie2.CreateClassificationJobInput{Name: aws.String(n), JobType: m2types.JobTypeOneTime, ClientToken: aws.String(n), S3JobDefinition: def,
			Tags: map[string]string{"job": n}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, aws.ToString(j.JobId))
	}
	u := macieUser(t, ts, "auditor", allowDoc("macie2:DescribeClassificationJob", "arn:aws:macie2:us-east-1:"+ts.Account+":classification-job/"+ids[0]))
	if _, err := u.DescribeClassificationJob(ctx, &macie2.DescribeClassificationJobInput{JobId: aws.String(ids[0])}); err != nil {
		t.Fatal(err)
	}
	_, err := u.DescribeClassificationJob(ctx, &macie2.DescribeClassificationJobInput{JobId: aws.String(ids[1])})
	apiError(t, err, "AccessDeniedException")
	_, err = u.CreateClassificationJob(ctx, &macie2.CreateClassificationJobInput{Name: aws.String("three"), JobType: m2types.JobTypeOneTime, ClientToken: aws.String("3"), S3JobDefinition: def})
	apiError(t, err, "AccessDeniedException")
	_, err = u.ListFindings(ctx, &macie2.ListFindingsInput{})
	apiError(t, err, "AccessDeniedException")

	// ABAC: aws:ResourceTag of the job.
	abac := macieUser(t, ts, "abac", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["macie2:DescribeClassificationJob","macie2:ListTagsForResource"],"Resource":"*",
		"Condition":{"StringEquals":{"aws:ResourceTag/job":"two"}}},
		{"Effect":"Allow","Action":"macie2:TagResource","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/job":"two","aws:RequestTag/env":"dev"}}}]}`)
	if _, err := abac.DescribeClassificationJob(ctx, &macie2.DescribeClassificationJobInput{JobId: aws.String(ids[1])}); err != nil {
		t.Fatal(err)
	}
	_, err = abac.DescribeClassificationJob(ctx, &macie2.DescribeClassificationJobInput{JobId: aws.String(ids[0])})
	apiError(t, err, "AccessDeniedException")
	arn1 := aws.String("arn:aws:macie2:us-east-1:" + ts.Account + ":classification-job/" + ids[1])
	if _, err := abac.ListTagsForResource(ctx, &macie2.ListTagsForResourceInput{ResourceArn: arn1}); err != nil {
		t.Fatal(err)
	}
	if _, err := abac.TagResource(ctx, &macie2.TagResourceInput{ResourceArn: arn1, Tags: map[string]string{"env": "dev"}}); err != nil {
		t.Fatal(err)
	}
	_, err = abac.TagResource(ctx, &macie2.TagResourceInput{ResourceArn: arn1, Tags: map[string]string{"env": "prod"}})
	apiError(t, err, "AccessDeniedException")
	_, err = abac.ListTagsForResource(ctx, &macie2.ListTagsForResourceInput{ResourceArn: aws.String("arn:aws:macie2:us-east-1:" + ts.Account + ":classification-job/" + ids[0])})
	apiError(t, err, "AccessDeniedException")
}

// The everyday CLI flow: enable Macie, create and test a custom data
// identifier, with AWS's errors for a bad regex and before enabling.
func TestMacieCLI(t *testing.T) {
	bin := cliV2(t)
	t.Parallel()
	ts := start(t)
	f := newFlow(t, ts, bin)
	f.denied("AccessDeniedException", "Macie is not enabled", "moat-root", "macie2", "get-macie-session")
	f.ok("moat-root", "macie2", "enable-macie")
	s := f.ok("moat-root", "macie2", "get-macie-session")
	if str(s, "status") != "ENABLED" {
		t.Fatalf("get-macie-session: %v", s)
	}
	f.denied("ValidationException", "regex", "moat-root", "macie2", "create-custom-data-identifier", "--name", "bad", "--regex", "(EMP-[0-9]+")
	out := f.ok("moat-root", "macie2", "create-custom-data-identifier", "--name", "employee-id", "--regex", `EMP-[0-9]{6}`,
		"--keywords", "employee", "staff", "--maximum-match-distance", "20")
	id := str(out, "customDataIdentifierId")
	got := f.ok("moat-root", "macie2", "get-custom-data-identifier", "--id", id)
	if str(got, "name") != "employee-id" || str(got, "regex") != `EMP-[0-9]{6}` {
		t.Fatalf("get-custom-data-identifier: %v", got)
	}
	n := f.ok("moat-root", "macie2", "test-custom-data-identifier", "--regex", `EMP-[0-9]{6}`, "--keywords", "employee",
		"--sample-text", "employee EMP-123456 and EMP-654321")
	if n["matchCount"] != float64(2) {
		t.Fatalf("test-custom-data-identifier: %v", n)
	}
	l := f.ok("moat-root", "macie2", "list-custom-data-identifiers")
	if items, _ := l["items"].([]any); len(items) != 1 {
		t.Fatalf("list-custom-data-identifiers: %v", l)
	}
}

// samplingPercentage picks a stable subset; a SCHEDULED job runs once at
// creation (initialRun defaults to true) and is then IDLE; bucket criteria
// by effective permission select the public bucket only.
func TestMacieSamplingScheduleAndCriteria(t *testing.T) {
	ts, mc, s3c := macieOn(t)
	ctx := context.Background()
	objs := map[string]string{}
	for i := 0; i < 40; i++ {
		objs[fmt.Sprintf("o/%02d.txt", i)] = "card: 4532015112830366\n"
	}
	putObjects(t, s3c, "many", objs, nil)
	putObjects(t, s3c, "open", map[string]string{"x.txt": "card: 4532015112830366\n"}, nil)
	if _, err := s3c.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: aws.String("open")}); err != nil {
		t.Fatal(err)
	}
	if _, err := s3c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("open"), Policy: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::open/*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	def := &m2types.S3JobDefinition{BucketDefinitions: []m2types.S3BucketDefinitionForJob{{AccountId: aws.String(ts.Account), Buckets: []string{"many"}}}}
	var counts []float64
	for _, tok := range []string{"s1", "s2"} {
		j, err := mc.CreateClassificationJob(ctx, &macie2.CreateClassificationJobInput{Name: aws.String(tok), JobType: m2types.JobTypeOneTime, ClientToken: aws.String(tok),
			S3JobDefinition: def, SamplingPercentage: aws.Int32(50)})
		if err != nil {
			t.Fatal(err)
		}
		d, _ := mc.DescribeClassificationJob(ctx, &macie2.DescribeClassificationJobInput{JobId: j.JobId})
		n := aws.ToFloat64(d.Statistics.ApproximateNumberOfObjectsToProcess)
		if n < 8 || n > 32 || aws.ToInt32(d.SamplingPercentage) != 50 {
			t.Fatalf("50%% of 40 objects: %v", n)
		}
		if got := float64(len(jobFindings(t, mc, aws.ToString(j.JobId)))); got != n {
			t.Fatalf("%v objects sampled, %v findings", n, got)
		}
		counts = append(counts, n)
	}
	if counts[0] != counts[1] {
		t.Fatalf("sampling is not stable: %v", counts)
	}

	j, err := mc.CreateClassificationJob(ctx, &macie2.CreateClassificationJobInput{Name: aws.String("daily public"), JobType: m2types.JobTypeScheduled, ClientToken: aws.String("d"),
		ScheduleFrequency: &m2types.JobScheduleFrequency{DailySchedule: &m2types.DailySchedule{}},
		S3JobDefinition: &m2types.S3JobDefinition{BucketCriteria: &m2types.S3BucketCriteriaForJob{Includes: &m2types.CriteriaBlockForJob{And: []m2types.CriteriaForJob{
			{SimpleCriterion: &m2types.SimpleCriterionForJob{Key: m2types.SimpleCriterionKeyForJobS3BucketEffectivePermission, Comparator: m2types.JobComparatorEq, Values: []string{"PUBLIC"}}}}}}}})
	if err != nil {
		t.Fatal(err)
	}
	d, _ := mc.DescribeClassificationJob(ctx, &macie2.DescribeClassificationJobInput{JobId: j.JobId})
	if d.JobStatus != m2types.JobStatusIdle || aws.ToFloat64(d.Statistics.NumberOfRuns) != 1 || aws.ToFloat64(d.Statistics.ApproximateNumberOfObjectsToProcess) != 1 {
		t.Fatalf("scheduled job: %s %+v", d.JobStatus, d.Statistics)
	}
	fs := jobFindings(t, mc, aws.ToString(j.JobId))
	if f, ok := fs["x.txt"]; !ok || len(fs) != 1 || aws.ToString(f.ResourcesAffected.S3Bucket.Name) != "open" ||
		f.ResourcesAffected.S3Bucket.PublicAccess.EffectivePermission != m2types.EffectivePermissionPublic || !aws.ToBool(f.ResourcesAffected.S3Object.PublicAccess) {
		t.Fatalf("public-bucket job findings: %v", fs)
	}
	_, err = mc.CreateClassificationJob(ctx, &macie2.CreateClassificationJobInput{Name: aws.String("no schedule"), JobType: m2types.JobTypeScheduled, ClientToken: aws.String("e"), S3JobDefinition: def})
	apiError(t, err, "ValidationException")
}

// Allow lists (a regex, and words in an S3 object) keep text out of a
// job's findings; a missing words object is status S3_OBJECT_NOT_FOUND;
// tags on jobs and identifiers through TagResource/ListTagsForResource.
func TestMacieAllowListsAndTags(t *testing.T) {
	ts, mc, s3c := macieOn(t)
	ctx := context.Background()
	putObjects(t, s3c, "lists", map[string]string{"words.txt": "5375 9612 3456 7898\n"}, nil)
	putObjects(t, s3c, "data", map[string]string{
		"a.txt": "card: 4532015112830366\n",
		"b.txt": "card: 5375 9612 3456 7898\n",
		"c.txt": "card: 4916338506082832\n",
	}, nil)
	_, err := mc.CreateAllowList(ctx, &macie2.CreateAllowListInput{Name: aws.String("bad"), ClientToken: aws.String("x"), Criteria: &m2types.AllowListCriteria{Regex: aws.String("(a")}})
	apiError(t, err, "ValidationException")
	re, err := mc.CreateAllowList(ctx, &macie2.CreateAllowListInput{Name: aws.String("test cards"), ClientToken: aws.String("r"),
		Criteria: &m2types.AllowListCriteria{Regex: aws.String(`4532015112830366`)}, Tags: map[string]string{"k": "v"}})
	if err != nil {
		t.Fatal(err)
	}
	words, err := mc.CreateAllowList(ctx, &macie2.CreateAllowListInput{Name: aws.String("known cards"), ClientToken: aws.String("w"),
		Criteria: &m2types.AllowListCriteria{S3WordsList: &m2types.S3WordsList{BucketName: aws.String("lists"), ObjectKey: aws.String("words.txt")}}})
	if err != nil {
		t.Fatal(err)
	}
	missing, err := mc.CreateAllowList(ctx, &macie2.CreateAllowListInput{Name: aws.String("missing"), ClientToken: aws.String("m"),
		Criteria: &m2types.AllowListCriteria{S3WordsList: &m2types.S3WordsList{BucketName: aws.String("lists"), ObjectKey: aws.String("nope.txt")}}})
	if err != nil {
		t.Fatal(err)
	}
	g, err := mc.GetAllowList(ctx, &macie2.GetAllowListInput{Id: words.Id})
	if err != nil || g.Status.Code != m2types.AllowListStatusCodeOk || aws.ToString(g.Criteria.S3WordsList.ObjectKey) != "words.txt" {
		t.Fatalf("GetAllowList: %+v %v", g, err)
	}
	if g, _ := mc.GetAllowList(ctx, &macie2.GetAllowListInput{Id: missing.Id}); g.Status.Code != m2types.AllowListStatusCodeS3ObjectNotFound {
		t.Fatalf("missing words object: %+v", g.Status)
	}
	if l, err := mc.ListAllowLists(ctx, &macie2.ListAllowListsInput{}); err != nil || len(l.AllowLists) != 3 {
		t.Fatalf("ListAllowLists: %+v %v", l, err)
	}
	job, err := mc.CreateClassificationJob(ctx, &macie2.CreateClassificationJobInput{Name: aws.String("allowed"), JobType: m2types.JobTypeOneTime, ClientToken: aws.String("j"),
		S3JobDefinition: &m2types.S3JobDefinition{BucketDefinitions: []m2types.S3BucketDefinitionForJob{{AccountId: aws.String(ts.Account), Buckets: []string{"data"}}}},
		AllowListIds:    []string{aws.ToString(re.Id), aws.ToString(words.Id)}})
	if err != nil {
		t.Fatal(err)
	}
	fs := jobFindings(t, mc, aws.ToString(job.JobId))
	if _, ok := fs["c.txt"]; !ok || len(fs) != 1 {
		t.Fatalf("allow lists: findings for %d objects: %v", len(fs), fs)
	}
	d, _ := mc.DescribeClassificationJob(ctx, &macie2.DescribeClassificationJobInput{JobId: job.JobId})
	if len(d.AllowListIds) != 2 || d.LastRunErrorStatus.Code != m2types.LastRunErrorStatusCodeNone {
		t.Fatalf("job allow lists: %+v %+v", d.AllowListIds, d.LastRunErrorStatus)
	}
	if _, err := mc.DeleteAllowList(ctx, &macie2.DeleteAllowListInput{Id: missing.Id}); err != nil {
		t.Fatal(err)
	}
	_, err = mc.GetAllowList(ctx, &macie2.GetAllowListInput{Id: missing.Id})
	apiError(t, err, "ResourceNotFoundException")

	jobArn := aws.ToString(job.JobArn)
	if _, err := mc.TagResource(ctx, &macie2.TagResourceInput{ResourceArn: aws.String(jobArn), Tags: map[string]string{"env": "prod", "team": "data"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := mc.UntagResource(ctx, &macie2.UntagResourceInput{ResourceArn: aws.String(jobArn), TagKeys: []string{"team"}}); err != nil {
		t.Fatal(err)
	}
	tg, err := mc.ListTagsForResource(ctx, &macie2.ListTagsForResourceInput{ResourceArn: aws.String(jobArn)})
	if err != nil || len(tg.Tags) != 1 || tg.Tags["env"] != "prod" {
		t.Fatalf("ListTagsForResource: %+v %v", tg, err)
	}
	if d, _ := mc.DescribeClassificationJob(ctx, &macie2.DescribeClassificationJobInput{JobId: job.JobId}); d.Tags["env"] != "prod" {
		t.Fatalf("job tags: %v", d.Tags)
	}
	if tg, _ := mc.ListTagsForResource(ctx, &macie2.ListTagsForResourceInput{ResourceArn: re.Arn}); tg.Tags["k"] != "v" {
		t.Fatalf("allow list tags: %v", tg.Tags)
	}
	_, err = mc.ListTagsForResource(ctx, &macie2.ListTagsForResourceInput{ResourceArn: aws.String("arn:aws:macie2:us-east-1:" + ts.Account + ":classification-job/0123456789abcdef0123456789abcdef")})
	apiError(t, err, "ResourceNotFoundException")
}

// Findings filters: a NOOP filter is a saved view; an ARCHIVE rule
// (suppression) archives the matching findings that exist and those raised
// later, and the archived criterion sees it.
func TestMacieFindingsFilters(t *testing.T) {
	ts, mc, s3c := macieOn(t)
	ctx := context.Background()
	putObjects(t, s3c, "logs", map[string]string{"a.txt": "card: 4532015112830366\n"}, nil)
	putObjects(t, s3c, "scratch", map[string]string{"b.txt": "card: 4532015112830366\n"}, nil)
	run := func(name string) {
		t.Helper()
		if _, err := mc.CreateClassificationJob(ctx, &macie2.CreateClassificationJobInput{Name: aws.String(name), JobType: m2types.JobTypeOneTime, ClientToken: aws.String(name),
			S3JobDefinition: &m2types.S3JobDefinition{BucketDefinitions: []m2types.S3BucketDefinitionForJob{{AccountId: aws.String(ts.Account), Buckets: []string{"logs", "scratch"}}}}}); err != nil {
			t.Fatal(err)
		}
	}
	archived := func() int {
		t.Helper()
		l, err := mc.ListFindings(ctx, &macie2.ListFindingsInput{FindingCriteria: &m2types.FindingCriteria{Criterion: map[string]m2types.CriterionAdditionalProperties{
			"archived": {Eq: []string{"true"}}}}})
		if err != nil {
			t.Fatal(err)
		}
		return len(l.FindingIds)
	}
	run("first")
	scratch := &m2types.FindingCriteria{Criterion: map[string]m2types.CriterionAdditionalProperties{"resourcesAffected.s3Bucket.name": {Eq: []string{"scratch"}}}}
	_, err := mc.CreateFindingsFilter(ctx, &macie2.CreateFindingsFilterInput{Name: aws.String("x"), Action: m2types.FindingsFilterActionArchive, FindingCriteria: scratch})
	apiError(t, err, "ValidationException")
	view, err := mc.CreateFindingsFilter(ctx, &macie2.CreateFindingsFilterInput{Name: aws.String("scratch view"), Action: m2types.FindingsFilterActionNoop, FindingCriteria: scratch})
	if err != nil {
		t.Fatal(err)
	}
	if n := archived(); n != 0 {
		t.Fatalf("a NOOP filter archived %d findings", n)
	}
	rule, err := mc.CreateFindingsFilter(ctx, &macie2.CreateFindingsFilterInput{Name: aws.String("suppress scratch"), Action: m2types.FindingsFilterActionArchive,
		FindingCriteria: scratch, Description: aws.String("test data"), Tags: map[string]string{"owner": "sec"}})
	if err != nil {
		t.Fatal(err)
	}
	if n := archived(); n != 1 {
		t.Fatalf("after the rule: %d archived, want 1", n)
	}
	run("second")
	if n := archived(); n != 2 {
		t.Fatalf("after a second run: %d archived, want 2", n)
	}
	g, err := mc.GetFindingsFilter(ctx, &macie2.GetFindingsFilterInput{Id: rule.Id})
	if err != nil || g.Action != m2types.FindingsFilterActionArchive || aws.ToInt32(g.Position) != 2 || g.FindingCriteria == nil ||
		g.FindingCriteria.Criterion["resourcesAffected.s3Bucket.name"].Eq[0] != "scratch" || g.Tags["owner"] != "sec" {
		t.Fatalf("GetFindingsFilter: %+v %v", g, err)
	}
	l, err := mc.ListFindingsFilters(ctx, &macie2.ListFindingsFiltersInput{})
	if err != nil || len(l.FindingsFilterListItems) != 2 || aws.ToString(l.FindingsFilterListItems[0].Id) != aws.ToString(view.Id) {
		t.Fatalf("ListFindingsFilters: %+v %v", l, err)
	}
	if _, err := mc.UpdateFindingsFilter(ctx, &macie2.UpdateFindingsFilterInput{Id: view.Id, Action: m2types.FindingsFilterActionArchive,
		FindingCriteria: &m2types.FindingCriteria{Criterion: map[string]m2types.CriterionAdditionalProperties{"resourcesAffected.s3Bucket.name": {Eq: []string{"logs"}}}}}); err != nil {
		t.Fatal(err)
	}
	if n := archived(); n != 4 {
		t.Fatalf("after updating the view into a rule: %d archived, want 4", n)
	}
	if _, err := mc.DeleteFindingsFilter(ctx, &macie2.DeleteFindingsFilterInput{Id: view.Id}); err != nil {
		t.Fatal(err)
	}
	_, err = mc.GetFindingsFilter(ctx, &macie2.GetFindingsFilterInput{Id: view.Id})
	apiError(t, err, "ResourceNotFoundException")
}

// Sample findings of every type (sample: true, the sensitive ones with real
// locations) and the bucket inventory's totals.
func TestMacieSampleFindingsAndBucketStatistics(t *testing.T) {
	_, mc, s3c := macieOn(t)
	ctx := context.Background()
	_, err := mc.CreateSampleFindings(ctx, &macie2.CreateSampleFindingsInput{FindingTypes: []m2types.FindingType{"Policy:IAMUser/Nope"}})
	apiError(t, err, "ValidationException")
	if _, err := mc.CreateSampleFindings(ctx, &macie2.CreateSampleFindingsInput{}); err != nil {
		t.Fatal(err)
	}
	l, err := mc.ListFindings(ctx, &macie2.ListFindingsInput{FindingCriteria: &m2types.FindingCriteria{Criterion: map[string]m2types.CriterionAdditionalProperties{"sample": {Eq: []string{"true"}}}}})
	if err != nil || len(l.FindingIds) != 11 {
		t.Fatalf("sample findings: %v %v", l, err)
	}
	g, _ := mc.GetFindings(ctx, &macie2.GetFindingsInput{FindingIds: l.FindingIds})
	for _, f := range g.Findings {
		if !aws.ToBool(f.Sample) {
			t.Fatalf("%s: sample false", f.Type)
		}
		if f.Category == m2types.FindingCategoryClassification {
			r := f.ClassificationDetails.Result
			if len(r.SensitiveData) == 0 && aws.ToInt64(r.CustomDataIdentifiers.TotalCount) == 0 {
				t.Fatalf("%s: sample without detections", f.Type)
			}
		}
	}

	putObjects(t, s3c, "stats-a", map[string]string{"a.txt": "12345", "b.parquet": "PAR1xx"}, nil)
	putObjects(t, s3c, "stats-b", map[string]string{"c.txt": "123"}, nil)
	if _, err := s3c.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: aws.String("stats-b")}); err != nil {
		t.Fatal(err)
	}
	if _, err := s3c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("stats-b"), Policy: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::stats-b/*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	st, err := mc.GetBucketStatistics(ctx, &macie2.GetBucketStatisticsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt64(st.BucketCount) != 2 || aws.ToInt64(st.ObjectCount) != 3 || aws.ToInt64(st.SizeInBytes) != 14 || aws.ToInt64(st.ClassifiableObjectCount) != 2 ||
		aws.ToInt64(st.UnclassifiableObjectCount.Total) != 1 || aws.ToInt64(st.BucketCountByEffectivePermission.PubliclyAccessible) != 1 ||
		aws.ToInt64(st.BucketCountByEffectivePermission.PubliclyWritable) != 1 || aws.ToInt64(st.BucketCountByEncryptionType.S3Managed) != 2 {
		t.Fatalf("GetBucketStatistics: %+v perm %+v", st, st.BucketCountByEffectivePermission)
	}
}

// macieSigned sends a macie2 REST request signed at the given time (the
// SDK signs with the wall clock, which a moved server clock refuses).
func macieSigned(t *testing.T, ts *testServer, method, path, body string, at time.Time) map[string]any {
	t.Helper()
	req, err := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	sum := sha256.Sum256([]byte(body))
	if err := v4.NewSigner().SignHTTP(context.Background(), ts.Root, req, hex.EncodeToString(sum[:]), "macie2", "us-east-1", at); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, b)
	}
	out := map[string]any{}
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("%s %s: %v %s", method, path, err, b)
	}
	return out
}

// A daily job runs again once a day has passed on the server's clock, over
// the objects changed since its last run only.
func TestMacieScheduledRuns(t *testing.T) {
	ts, mc, s3c := macieOn(t)
	ctx := context.Background()
	putObjects(t, s3c, "daily", map[string]string{"old.txt": "card: 4532015112830366\n"}, nil)
	time.Sleep(1100 * time.Millisecond) // LastModified has whole seconds
	j, err := mc.CreateClassificationJob(ctx, &macie2.CreateClassificationJobInput{Name: aws.String("daily"), JobType: m2types.JobTypeScheduled, ClientToken: aws.String("d"),
		ScheduleFrequency: &m2types.JobScheduleFrequency{DailySchedule: &m2types.DailySchedule{}},
		S3JobDefinition:   &m2types.S3JobDefinition{BucketDefinitions: []m2types.S3BucketDefinitionForJob{{AccountId: aws.String(ts.Account), Buckets: []string{"daily"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond)
	if _, err := s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("daily"), Key: aws.String("new.txt"), Body: strings.NewReader("card: 4532015112830366\n")}); err != nil {
		t.Fatal(err)
	}
	// Not due yet: still one run.
	d := macieSigned(t, ts, "GET", "/jobs/"+aws.ToString(j.JobId), "", time.Now())
	if st := d["statistics"].(map[string]any); st["numberOfRuns"] != float64(1) {
		t.Fatalf("before the day is over: %v", st)
	}
	ts.Clock.set(25 * time.Hour)
	defer ts.Clock.set(0)
	d = macieSigned(t, ts, "GET", "/jobs/"+aws.ToString(j.JobId), "", ts.Clock.now())
	st := d["statistics"].(map[string]any)
	if st["numberOfRuns"] != float64(2) || st["approximateNumberOfObjectsToProcess"] != float64(1) || d["jobStatus"] != "IDLE" {
		t.Fatalf("after a day: %v %v", d["jobStatus"], st)
	}
	l := macieSigned(t, ts, "POST", "/findings", `{"findingCriteria":{"criterion":{"classificationDetails.jobId":{"eq":["`+aws.ToString(j.JobId)+`"]}}}}`, ts.Clock.now())
	if ids, _ := l["findingIds"].([]any); len(ids) != 2 {
		t.Fatalf("findings after two runs: %v", l)
	}
	// Read again the same day: no third run.
	d = macieSigned(t, ts, "GET", "/jobs/"+aws.ToString(j.JobId), "", ts.Clock.now())
	if st := d["statistics"].(map[string]any); st["numberOfRuns"] != float64(2) {
		t.Fatalf("ran twice in a day: %v", st)
	}
	// Paused for 30 days, the job expires: Macie cancels it.
	macieSigned(t, ts, "PATCH", "/jobs/"+aws.ToString(j.JobId), `{"jobStatus":"USER_PAUSED"}`, ts.Clock.now())
	d = macieSigned(t, ts, "GET", "/jobs/"+aws.ToString(j.JobId), "", ts.Clock.now())
	if d["jobStatus"] != "USER_PAUSED" || d["userPausedDetails"] == nil {
		t.Fatalf("paused: %v %v", d["jobStatus"], d["userPausedDetails"])
	}
	ts.Clock.set(25*time.Hour + 31*24*time.Hour)
	d = macieSigned(t, ts, "GET", "/jobs/"+aws.ToString(j.JobId), "", ts.Clock.now())
	if d["jobStatus"] != "CANCELLED" {
		t.Fatalf("after 31 days paused: %v", d["jobStatus"])
	}
}

// An object over the size cap is skipped, never read into the scanner:
// no finding, and the job completes.
func TestMacieLargeObjectSkipped(t *testing.T) {
	if testing.Short() {
		t.Skip("uploads 65 MiB")
	}
	ts, mc, s3c := macieOn(t)
	ctx := context.Background()
	big := "card: 4532015112830366\n" + strings.Repeat("x", 65<<20)
	putObjects(t, s3c, "big", map[string]string{"huge.txt": big, "small.txt": "card: 4532015112830366\n"}, nil)
	j, err := mc.CreateClassificationJob(ctx, &macie2.CreateClassificationJobInput{Name: aws.String("big"), JobType: m2types.JobTypeOneTime, ClientToken: aws.String("b"),
		S3JobDefinition: &m2types.S3JobDefinition{BucketDefinitions: []m2types.S3BucketDefinitionForJob{{AccountId: aws.String(ts.Account), Buckets: []string{"big"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	d, _ := mc.DescribeClassificationJob(ctx, &macie2.DescribeClassificationJobInput{JobId: j.JobId})
	if d.JobStatus != m2types.JobStatusComplete || aws.ToFloat64(d.Statistics.ApproximateNumberOfObjectsToProcess) != 2 {
		t.Fatalf("job: %s %+v", d.JobStatus, d.Statistics)
	}
	fs := jobFindings(t, mc, aws.ToString(j.JobId))
	if _, ok := fs["small.txt"]; !ok || len(fs) != 1 {
		t.Fatalf("findings: %v", fs)
	}
}
