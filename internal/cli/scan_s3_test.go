package cli

import (
	"context"
	"encoding/json"
	"net"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/moatdev/moat/internal/server"
)

// moat scan s3://bucket/prefix reads the objects of moat serve's S3 and
// reports occurrences with paths relative to the prefix, as for a local
// directory.
func TestScanS3(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	srv, err := server.Open(server.Config{Addr: ln.Addr().String(), DataDir: data, Stdout: &strings.Builder{}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() { cancel(); <-done; srv.Close() })
	url := "http://" + ln.Addr().String()
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(data, server.CredentialsFile))
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "config"))
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	cfg, err := config.LoadDefaultConfig(ctx, config.WithSharedConfigProfile("moat-root"), config.WithRegion("us-east-1"))
	if err != nil {
		t.Fatal(err)
	}
	c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.BaseEndpoint, o.UsePathStyle = aws.String(url), true })
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
