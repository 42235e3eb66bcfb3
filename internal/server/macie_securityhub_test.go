package server_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	m2types "github.com/aws/aws-sdk-go-v2/service/macie2/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Macie publishes to Security Hub as AWS's Macie does: policy findings by
// default, sensitive data findings only once
// PutFindingsPublicationConfiguration turns them on.
func TestMacieFindingsInSecurityHub(t *testing.T) {
	v2 := cliV2(t)
	t.Parallel()
	ts := start(t)
	f := newFlow(t, ts, v2)
	ctx := context.Background()
	mc := macie2.NewFromConfig(ts.config(ts.Root))
	s3c := s3.NewFromConfig(ts.config(ts.Root), func(o *s3.Options) { o.UsePathStyle = true })
	f.ok("moat-root", "securityhub", "enable-security-hub")
	if _, err := mc.EnableMacie(ctx, &macie2.EnableMacieInput{}); err != nil {
		t.Fatal(err)
	}
	cfg, err := mc.GetFindingsPublicationConfiguration(ctx, &macie2.GetFindingsPublicationConfigurationInput{})
	if err != nil || !aws.ToBool(cfg.SecurityHubConfiguration.PublishPolicyFindings) || aws.ToBool(cfg.SecurityHubConfiguration.PublishClassificationFindings) {
		t.Fatalf("default publication configuration: %+v %v", cfg, err)
	}
	putObjects(t, s3c, "site", map[string]string{"cards.txt": "card: 4532015112830366\n"}, nil)
	if _, err := s3c.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: aws.String("site")}); err != nil {
		t.Fatal(err)
	}
	if _, err := s3c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("site"), Policy: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := mc.ListFindings(ctx, &macie2.ListFindingsInput{}); err != nil { // policy findings are computed on reads
		t.Fatal(err)
	}
	runJob := func(name string) {
		t.Helper()
		if _, err := mc.CreateClassificationJob(ctx, &macie2.CreateClassificationJobInput{Name: aws.String(name), JobType: m2types.JobTypeOneTime, ClientToken: aws.String(name),
			S3JobDefinition: &m2types.S3JobDefinition{BucketDefinitions: []m2types.S3BucketDefinitionForJob{{AccountId: aws.String(ts.Account), Buckets: []string{"site"}}}}}); err != nil {
			t.Fatal(err)
		}
	}
	runJob("first")
	macieTypes := func() string {
		out := f.ok("moat-root", "securityhub", "get-findings", "--filters", `{"ProductName":[{"Value":"Macie","Comparison":"EQUALS"}]}`)
		var types []string
		for _, x := range out["Findings"].([]any) {
			for _, ty := range x.(map[string]any)["Types"].([]any) {
				types = append(types, ty.(string))
			}
		}
		return strings.Join(types, ",")
	}
	got := macieTypes()
	if !strings.Contains(got, "Software and Configuration Checks/AWS Security Best Practices/Policy:IAMUser-S3BucketPublic") {
		t.Fatalf("the public-bucket policy finding is not in Security Hub: %s", got)
	}
	if strings.Contains(got, "Sensitive Data Identifications") {
		t.Fatalf("sensitive data findings are published by default: %s", got)
	}
	if _, err := mc.PutFindingsPublicationConfiguration(ctx, &macie2.PutFindingsPublicationConfigurationInput{
		SecurityHubConfiguration: &m2types.SecurityHubConfiguration{PublishClassificationFindings: aws.Bool(true), PublishPolicyFindings: aws.Bool(true)}}); err != nil {
		t.Fatal(err)
	}
	runJob("second")
	if got := macieTypes(); !strings.Contains(got, "Sensitive Data Identifications/Financial/SensitiveData:S3Object-Financial") {
		t.Errorf("the sensitive data finding is not in Security Hub after turning publication on: %s", got)
	}
}
