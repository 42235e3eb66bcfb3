package cli

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// moat scan s3://bucket/prefix reads the objects of moat serve's S3 and
// reports occurrences with paths relative to the prefix, as for a local
// directory.
func TestScanS3(t *testing.T) {
	url, cfg := liveServer(t)
	ctx := context.Background()
	c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("lake")}); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{
		"exports/customers.csv": "name,credit_card_number\nkim,4539148803436467\n",
		"exports/notes.txt":     "nothing to see\n",
		"other/card.txt":        "credit card 4539148803436467\n",
	} {
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("lake"), Key: aws.String(k), Body: strings.NewReader(v)}); err != nil {
			t.Fatal(err)
		}
	}
	out, errOut, code := runCLI(t, "scan", "s3://lake/exports/", "--format", "jsonl", "--endpoint-url", url, "--aws-profile", "moat-root")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if strings.TrimSpace(out) == "" {
		t.Fatalf("no occurrences; stderr: %s", errOut)
	}
	var paths []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var o struct {
			Path, Identifier string
			Line             int
		}
		if err := json.Unmarshal([]byte(line), &o); err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		if o.Identifier != "CREDIT_CARD_NUMBER" || o.Line != 2 {
			t.Errorf("occurrence %+v", o)
		}
		paths = append(paths, o.Path)
	}
	if strings.Join(paths, ",") != "customers.csv" {
		t.Errorf("paths %v, want [customers.csv] (other/ is outside the prefix)", paths)
	}
	_, errOut, code = runCLI(t, "scan", "s3://missing-bucket", "--endpoint-url", url, "--aws-profile", "moat-root")
	if code != 2 || !strings.Contains(errOut, "NoSuchBucket") {
		t.Errorf("missing bucket: exit %d, %s", code, errOut)
	}
}
