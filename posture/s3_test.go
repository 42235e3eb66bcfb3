package posture_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moatdev/moat/posture"
)

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// The S3 controls on a directory of aws s3api outputs: a public website
// bucket, a locked-down bucket and a bucket whose ACL lets anyone write.
func TestS3Controls(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	public := `{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*"}]}`
	tls := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::locked","arn:aws:s3:::locked/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`
	allOn := `{"PublicAccessBlockConfiguration":{"BlockPublicAcls":true,"IgnorePublicAcls":true,"BlockPublicPolicy":true,"RestrictPublicBuckets":true}}`
	writeFiles(t, dir, map[string]string{
		"list-buckets.json":                   `{"Buckets":[{"Name":"site"},{"Name":"locked"},{"Name":"dropbox"}],"Owner":{"ID":"x"}}`,
		"account-public-access-block.json":    `{"PublicAccessBlockConfiguration":{"BlockPublicAcls":true,"IgnorePublicAcls":false,"BlockPublicPolicy":true,"RestrictPublicBuckets":false}}`,
		"site/get-bucket-policy.json":         `{"Policy":` + quote(public) + `}`,
		"site/get-bucket-encryption.json":     `{"ServerSideEncryptionConfiguration":{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}}`,
		"locked/get-bucket-policy.json":       `{"Policy":` + quote(tls) + `}`,
		"locked/get-public-access-block.json": allOn,
		"locked/get-bucket-versioning.json":   `{"Status":"Enabled","MFADelete":"Enabled"}`,
		"locked/get-bucket-logging.json":      `{"LoggingEnabled":{"TargetBucket":"logs","TargetPrefix":"locked/"}}`,
		"locked/get-bucket-encryption.json":   `{"ServerSideEncryptionConfiguration":{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms"}}]}}`,
		"dropbox/get-bucket-acl.json":         `{"Owner":{"ID":"x"},"Grants":[{"Grantee":{"Type":"Group","URI":"http://acs.amazonaws.com/groups/global/AllUsers"},"Permission":"WRITE"}]}`,
		"trails.json":                         `{"trailList":[{"Name":"main","S3BucketName":"site","IsMultiRegionTrail":true,"HomeRegion":"us-east-1"}]}`,
	})
	a, err := posture.Load(posture.Inputs{S3Dir: dir, Trails: []string{filepath.Join(dir, "trails.json")}})
	if err != nil {
		t.Fatal(err)
	}
	rep := posture.Evaluate(a)
	got := map[string]string{}
	for _, cr := range rep.Controls {
		for _, r := range cr.Results {
			if r.ResourceType == "AwsS3Bucket" || cr.Control.ID == "S3.1" {
				got[cr.Control.ID+" "+strings.TrimPrefix(r.ResourceID, "arn:aws:s3:::")] = string(r.Status)
			}
		}
	}
	want := map[string]string{
		"S3.2 site": "FAILED", "S3.2 locked": "PASSED", "S3.2 dropbox": "PASSED",
		"S3.3 site": "PASSED", "S3.3 dropbox": "FAILED",
		"S3.5 site": "FAILED", "S3.5 locked": "PASSED",
		"S3.8 site": "FAILED", "S3.8 locked": "PASSED",
		"S3.9 site": "FAILED", "S3.9 locked": "PASSED",
		"S3.20 locked": "PASSED", "S3.20 site": "FAILED",
		"S3.4 dropbox": "FAILED", "S3.4 locked": "PASSED",
		"CloudTrail.6 site": "FAILED", "CloudTrail.7 site": "FAILED",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %s", k, got[k], v)
		}
	}
	for _, cr := range rep.Controls {
		if cr.Control.ID == "S3.1" && cr.Status != posture.ControlFailed {
			t.Errorf("S3.1 with IgnorePublicAcls off at account level: %s", cr.Status)
		}
	}
}

func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }

func TestS3InputErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if _, err := posture.LoadS3Dir(dir); err == nil || !strings.Contains(err.Error(), "list-buckets.json") {
		t.Errorf("missing list-buckets.json: %v", err)
	}
	writeFiles(t, dir, map[string]string{
		"list-buckets.json":            `{"Buckets":[{"Name":"b"}]}`,
		"b/get-bucket-versioning.json": "{\n  \"Status\": 7\n}",
	})
	_, err := posture.LoadS3Dir(dir)
	if err == nil || !strings.Contains(err.Error(), "get-bucket-versioning.json:2:") || !strings.Contains(err.Error(), "Status") {
		t.Errorf("wrong type in get-bucket-versioning.json: %v", err)
	}
	writeFiles(t, dir, map[string]string{"b/get-bucket-versioning.json": `{"Status": "Ena`})
	if _, err = posture.LoadS3Dir(dir); err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("truncated file: %v", err)
	}
}
