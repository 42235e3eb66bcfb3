package server_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	gdtypes "github.com/aws/aws-sdk-go-v2/service/guardduty/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/moatdev/moat/internal/server"
)

func s3Client(ts *testServer, c aws.Credentials) *s3.Client {
	return s3.NewFromConfig(ts.config(c), func(o *s3.Options) { o.UsePathStyle = true })
}

// Buckets and objects through the real SDK: create, write with metadata,
// read whole and by range, conditional reads, list with prefix, delimiter
// and pages, copy, delete, and S3's errors for each misuse.
func TestS3BucketsAndObjects(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	c := s3Client(ts, ts.Root)
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("data")}); err != nil {
		t.Fatal(err)
	}
	// us-east-1 answers 200 to the owner's second CreateBucket (legacy).
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("data")}); err != nil {
		t.Fatalf("second CreateBucket in us-east-1: %v", err)
	}
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("Bad_Name")})
	apiError(t, err, "InvalidBucketName")
	_, err = c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("elsewhere"),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraintEuWest1}})
	apiError(t, err, "IllegalLocationConstraintException")

	body := []byte("hello, moat\n")
	put, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("data"), Key: aws.String("dir/a b.txt"), Body: bytes.NewReader(body),
		ContentType: aws.String("text/plain"), Metadata: map[string]string{"team": "sec"}})
	if err != nil {
		t.Fatal(err)
	}
	sum := md5.Sum(body)
	if want := `"` + hexString(sum[:]) + `"`; aws.ToString(put.ETag) != want {
		t.Errorf("ETag %s, want %s", aws.ToString(put.ETag), want)
	}
	got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("data"), Key: aws.String("dir/a b.txt")})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(got.Body)
	if !bytes.Equal(data, body) || aws.ToString(got.ContentType) != "text/plain" || got.Metadata["team"] != "sec" || got.ServerSideEncryption != s3types.ServerSideEncryptionAes256 {
		t.Errorf("GetObject: %q %s %v %s", data, aws.ToString(got.ContentType), got.Metadata, got.ServerSideEncryption)
	}
	rng, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("data"), Key: aws.String("dir/a b.txt"), Range: aws.String("bytes=7-10")})
	if err != nil {
		t.Fatal(err)
	}
	part, _ := io.ReadAll(rng.Body)
	if string(part) != "moat" || aws.ToString(rng.ContentRange) != "bytes 7-10/12" {
		t.Errorf("range read: %q %s", part, aws.ToString(rng.ContentRange))
	}
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("data"), Key: aws.String("dir/a b.txt"), Range: aws.String("bytes=100-")})
	apiError(t, err, "InvalidRange")
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("data"), Key: aws.String("dir/a b.txt"), IfMatch: aws.String(`"0000"`)})
	apiError(t, err, "PreconditionFailed")
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("data"), Key: aws.String("dir/a b.txt")})
	if err != nil || aws.ToInt64(head.ContentLength) != int64(len(body)) {
		t.Fatalf("HeadObject: %+v %v", head, err)
	}
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("data"), Key: aws.String("missing")})
	apiError(t, err, "NoSuchKey")
	_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("data"), Key: aws.String("missing")})
	apiError(t, err, "NotFound")
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("nobucket"), Key: aws.String("k")})
	apiError(t, err, "NoSuchBucket")
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("data"), Key: aws.String("x"), Body: strings.NewReader("abc"),
		ContentMD5: aws.String(base64.StdEncoding.EncodeToString(make([]byte, 16)))})
	apiError(t, err, "BadDigest")
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("data"), Key: aws.String("dir/a b.txt"), Body: strings.NewReader("x"), IfNoneMatch: aws.String("*")})
	apiError(t, err, "PreconditionFailed")

	for _, k := range []string{"dir/b.txt", "dir/sub/c.txt", "dir/sub/d.txt", "top.txt", "zed/e.txt"} {
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("data"), Key: aws.String(k), Body: strings.NewReader(k)}); err != nil {
			t.Fatal(err)
		}
	}
	list, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("data"), Prefix: aws.String("dir/"), Delimiter: aws.String("/")})
	if err != nil {
		t.Fatal(err)
	}
	if keys(list.Contents) != "dir/a b.txt,dir/b.txt" || len(list.CommonPrefixes) != 1 || aws.ToString(list.CommonPrefixes[0].Prefix) != "dir/sub/" {
		t.Errorf("ListObjectsV2 with delimiter: %s %v", keys(list.Contents), list.CommonPrefixes)
	}
	var all []string
	p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: aws.String("data"), MaxKeys: aws.Int32(2)})
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, o := range page.Contents {
			all = append(all, aws.ToString(o.Key))
		}
	}
	if strings.Join(all, ",") != "dir/a b.txt,dir/b.txt,dir/sub/c.txt,dir/sub/d.txt,top.txt,zed/e.txt" || pages != 3 {
		t.Errorf("paged listing (%d pages): %v", pages, all)
	}

	cp, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("data"), Key: aws.String("copy.txt"), CopySource: aws.String("data/dir/a%20b.txt")})
	if err != nil || aws.ToString(cp.CopyObjectResult.ETag) != aws.ToString(put.ETag) {
		t.Fatalf("CopyObject: %+v %v", cp, err)
	}
	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("data"), Key: aws.String("copy.txt"), CopySource: aws.String("data/copy.txt")})
	apiError(t, err, "InvalidRequest")

	_, err = c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("data")})
	apiError(t, err, "BucketNotEmpty")
	del, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String("data"), Delete: &s3types.Delete{Objects: []s3types.ObjectIdentifier{
		{Key: aws.String("dir/a b.txt")}, {Key: aws.String("dir/b.txt")}, {Key: aws.String("dir/sub/c.txt")}, {Key: aws.String("dir/sub/d.txt")},
		{Key: aws.String("top.txt")}, {Key: aws.String("zed/e.txt")}, {Key: aws.String("copy.txt")}, {Key: aws.String("never-there")}}}})
	if err != nil || len(del.Deleted) != 8 || len(del.Errors) != 0 {
		t.Fatalf("DeleteObjects: %+v %v", del, err)
	}
	if _, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("data")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("data")})
	apiError(t, err, "NotFound")
	// Object bytes are gone from the data directory with the objects.
	files := 0
	filepath.WalkDir(filepath.Join(ts.Data, "s3", "blobs"), func(_ string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files++
		}
		return nil
	})
	if files != 0 {
		t.Errorf("%d blob files left after every object was deleted", files)
	}
}

func keys(objs []s3types.Object) string {
	var ks []string
	for _, o := range objs {
		ks = append(ks, aws.ToString(o.Key))
	}
	return strings.Join(ks, ",")
}

func hexString(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}

// Bucket policies are enforced as AWS does: a user with no identity policy
// reads only what the bucket policy grants; a public policy is refused
// while Block Public Access is on (new buckets' default), serves anonymous
// readers once allowed, and RestrictPublicBuckets shuts them out again.
func TestS3BucketPolicyAndPublicAccess(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	root := s3Client(ts, ts.Root)
	for _, b := range []string{"shared", "logs"} {
		if _, err := root.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range []string{"reports/q1.csv", "secret/keys.txt"} {
		if _, err := root.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("shared"), Key: aws.String(k), Body: strings.NewReader(k)}); err != nil {
			t.Fatal(err)
		}
	}
	im := iam.NewFromConfig(ts.config(ts.Root))
	if _, err := im.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("analyst")}); err != nil {
		t.Fatal(err)
	}
	key, err := im.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("analyst")})
	if err != nil {
		t.Fatal(err)
	}
	analyst := s3Client(ts, aws.Credentials{AccessKeyID: aws.ToString(key.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(key.AccessKey.SecretAccessKey)})
	get := func(c *s3.Client, k string) error {
		_, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("shared"), Key: aws.String(k)})
		return err
	}
	apiError(t, get(analyst, "reports/q1.csv"), "AccessDenied")

	_, err = root.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("shared")})
	apiError(t, err, "NoSuchBucketPolicy")
	_, err = root.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("shared"), Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::other/*"}]}`)})
	apiError(t, err, "MalformedPolicy")
	_, err = root.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("shared"), Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::shared/*"}]}`)})
	apiError(t, err, "MalformedPolicy")
	_, err = root.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("shared"), Policy: aws.String(`{"Version":"2012-10-17","Statement":[`)})
	apiError(t, err, "MalformedPolicy")

	userPolicy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + ts.Account + `:user/analyst"},` +
		`"Action":"s3:GetObject","Resource":"arn:aws:s3:::shared/reports/*"},` +
		`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::shared","arn:aws:s3:::shared/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"},"StringEquals":{"aws:PrincipalType":"AssumedRole"}}}]}`
	if _, err := root.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("shared"), Policy: aws.String(userPolicy)}); err != nil {
		t.Fatal(err)
	}
	if err := get(analyst, "reports/q1.csv"); err != nil {
		t.Fatalf("the bucket policy grants reports/*: %v", err)
	}
	apiError(t, get(analyst, "secret/keys.txt"), "AccessDenied")
	st, err := root.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: aws.String("shared")})
	if err != nil || aws.ToBool(st.PolicyStatus.IsPublic) {
		t.Fatalf("GetBucketPolicyStatus of a policy for one user: %+v %v", st, err)
	}

	public := `{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::shared/reports/*"}]}`
	_, err = root.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("shared"), Policy: aws.String(public)})
	if ae := apiError(t, err, "AccessDenied"); !strings.Contains(ae.ErrorMessage(), "BlockPublicPolicy") {
		t.Errorf("message %q does not name BlockPublicPolicy", ae.ErrorMessage())
	}
	pab, err := root.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String("shared")})
	if err != nil || !aws.ToBool(pab.PublicAccessBlockConfiguration.BlockPublicPolicy) {
		t.Fatalf("new buckets have Block Public Access on: %+v %v", pab, err)
	}
	if _, err := root.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: aws.String("shared")}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("shared"), Policy: aws.String(public)}); err != nil {
		t.Fatal(err)
	}
	st, err = root.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: aws.String("shared")})
	if err != nil || !aws.ToBool(st.PolicyStatus.IsPublic) {
		t.Fatalf("GetBucketPolicyStatus of a public policy: %+v %v", st, err)
	}
	anon := func(k string) int {
		resp, err := http.Get(ts.URL + "/shared/" + k)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := anon("reports/q1.csv"); code != 200 {
		t.Errorf("anonymous read of a public object: %d", code)
	}
	if code := anon("secret/keys.txt"); code != 403 {
		t.Errorf("anonymous read outside the public prefix: %d", code)
	}
	tr := true
	if _, err := root.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String("shared"),
		PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{RestrictPublicBuckets: &tr}}); err != nil {
		t.Fatal(err)
	}
	if code := anon("reports/q1.csv"); code != 403 {
		t.Errorf("RestrictPublicBuckets: anonymous read answered %d", code)
	}
	if err := get(root, "reports/q1.csv"); err != nil {
		t.Errorf("RestrictPublicBuckets still lets the owner's account in: %v", err)
	}

	// A policy that fixes aws:SourceVpce is not public.
	vpce := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::logs/*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}}]}`
	if _, err := root.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("logs"), Policy: aws.String(vpce)}); err != nil {
		t.Fatalf("a VPC-endpoint-bound policy is not public, BlockPublicPolicy lets it through: %v", err)
	}

	// Canned ACLs: refused while the bucket owner enforces ownership.
	_, err = root.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String("logs"), ACL: s3types.BucketCannedACLPublicRead})
	apiError(t, err, "AccessControlListNotSupported")
	_, err = root.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("acl-bucket"), ACL: s3types.BucketCannedACLPublicRead})
	apiError(t, err, "InvalidBucketAclWithObjectOwnership")
}

// Presigned URLs work with a plain HTTP client until they expire.
func TestS3Presigned(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	c := s3Client(ts, ts.Root)
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("share")}); err != nil {
		t.Fatal(err)
	}
	pc := s3.NewPresignClient(c)
	put, err := pc.PresignPutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("share"), Key: aws.String("up.txt")}, s3.WithPresignExpires(5*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(put.Method, put.URL, strings.NewReader("uploaded"))
	for k, v := range put.SignedHeader {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("presigned PUT: %v %v", resp, err)
	}
	resp.Body.Close()
	get, err := pc.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("share"), Key: aws.String("up.txt")}, s3.WithPresignExpires(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	resp, err = http.Get(get.URL)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != "uploaded" {
		t.Fatalf("presigned GET: %d %s", resp.StatusCode, b)
	}
	ts.Clock.set(2 * time.Minute)
	resp, err = http.Get(get.URL)
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 403 || !strings.Contains(string(b), "<Code>AccessDenied</Code>") && !strings.Contains(string(b), "Expired") {
		t.Fatalf("expired presigned GET: %d %s", resp.StatusCode, b)
	}
	// A changed signature is refused.
	ts.Clock.set(0)
	resp, err = http.Get(strings.Replace(get.URL, "X-Amz-Signature=", "X-Amz-Signature=0", 1))
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 403 || !strings.Contains(string(b), "SignatureDoesNotMatch") {
		t.Fatalf("tampered presigned GET: %d %s", resp.StatusCode, b)
	}
}

// Multipart uploads: parts, completion with S3's ETag, the minimum part
// size, ordering and abort.
func TestS3Multipart(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	c := s3Client(ts, ts.Root)
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("big")}); err != nil {
		t.Fatal(err)
	}
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("big"), Key: aws.String("blob.bin")})
	if err != nil {
		t.Fatal(err)
	}
	p1 := bytes.Repeat([]byte("a"), 5<<20)
	p2 := []byte("tail")
	var parts []s3types.CompletedPart
	for i, p := range [][]byte{p1, p2} {
		out, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("big"), Key: aws.String("blob.bin"), UploadId: up.UploadId,
			PartNumber: aws.Int32(int32(i + 1)), Body: bytes.NewReader(p)})
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, s3types.CompletedPart{PartNumber: aws.Int32(int32(i + 1)), ETag: out.ETag})
	}
	lp, err := c.ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String("big"), Key: aws.String("blob.bin"), UploadId: up.UploadId})
	if err != nil || len(lp.Parts) != 2 {
		t.Fatalf("ListParts: %+v %v", lp, err)
	}
	_, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("big"), Key: aws.String("blob.bin"), UploadId: up.UploadId,
		MultipartUpload: &s3types.CompletedMultipartUpload{Parts: []s3types.CompletedPart{parts[1], parts[0]}}})
	apiError(t, err, "InvalidPartOrder")
	done, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("big"), Key: aws.String("blob.bin"), UploadId: up.UploadId,
		MultipartUpload: &s3types.CompletedMultipartUpload{Parts: parts}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(aws.ToString(done.ETag), `-2"`) {
		t.Errorf("multipart ETag %s", aws.ToString(done.ETag))
	}
	got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("big"), Key: aws.String("blob.bin"), Range: aws.String("bytes=-6")})
	if err != nil {
		t.Fatal(err)
	}
	tail, _ := io.ReadAll(got.Body)
	if string(tail) != "aatail" {
		t.Errorf("last bytes %q", tail)
	}
	_, err = c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("big"), Key: aws.String("blob.bin"), UploadId: up.UploadId, PartNumber: aws.Int32(3), Body: strings.NewReader("x")})
	apiError(t, err, "NoSuchUpload")

	small, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("big"), Key: aws.String("small")})
	if err != nil {
		t.Fatal(err)
	}
	var sp []s3types.CompletedPart
	for i := 1; i <= 2; i++ {
		out, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("big"), Key: aws.String("small"), UploadId: small.UploadId, PartNumber: aws.Int32(int32(i)), Body: strings.NewReader("tiny")})
		if err != nil {
			t.Fatal(err)
		}
		sp = append(sp, s3types.CompletedPart{PartNumber: aws.Int32(int32(i)), ETag: out.ETag})
	}
	_, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("big"), Key: aws.String("small"), UploadId: small.UploadId,
		MultipartUpload: &s3types.CompletedMultipartUpload{Parts: sp}})
	apiError(t, err, "EntityTooSmall")
	uploads, err := c.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String("big")})
	if err != nil || len(uploads.Uploads) != 1 {
		t.Fatalf("ListMultipartUploads: %+v %v", uploads, err)
	}
	if _, err := c.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: aws.String("big"), Key: aws.String("small"), UploadId: small.UploadId}); err != nil {
		t.Fatal(err)
	}
	_, err = c.ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String("big"), Key: aws.String("small"), UploadId: small.UploadId})
	apiError(t, err, "NoSuchUpload")
}

// Over TLS the Go SDK sends uploads aws-chunked with a trailing checksum;
// moat decodes them and checks the checksum.
func TestS3ChunkedUploadOverTLS(t *testing.T) {
	ts := start(t, withTLS())
	ctx := context.Background()
	c := s3Client(ts, ts.Root)
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("tls")}); err != nil {
		t.Fatal(err)
	}
	body := bytes.Repeat([]byte("0123456789"), 100_000)
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("tls"), Key: aws.String("k"), Body: bytes.NewReader(body),
		ChecksumAlgorithm: s3types.ChecksumAlgorithmCrc32}); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("tls"), Key: aws.String("k")})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(got.Body)
	if !bytes.Equal(data, body) {
		t.Fatalf("read back %d bytes, want %d", len(data), len(body))
	}
}

// The AWS CLI's everyday S3 commands against moat.
func TestS3AWSCLI(t *testing.T) {
	v2 := cliV2(t)
	t.Parallel()
	ts := start(t)
	f := newFlow(t, ts, v2)
	src := filepath.Join(f.dir, "report.csv")
	if err := os.WriteFile(src, []byte("id,name\n1,moat\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, errs, code := f.run("moat-root", "s3", "mb", "s3://cli-bucket"); code != 0 {
		t.Fatalf("s3 mb: %d %s %s", code, out, errs)
	}
	if out, errs, code := f.run("moat-root", "s3", "cp", src, "s3://cli-bucket/in/report.csv"); code != 0 {
		t.Fatalf("s3 cp: %d %s %s", code, out, errs)
	}
	out, errs, code := f.run("moat-root", "s3", "ls", "s3://cli-bucket/in/")
	if code != 0 || !strings.Contains(out, "report.csv") {
		t.Fatalf("s3 ls: %d %s %s", code, out, errs)
	}
	listed := f.ok("moat-root", "s3api", "list-objects-v2", "--bucket", "cli-bucket")
	if b, _ := json.Marshal(listed); !strings.Contains(string(b), `"Key":"in/report.csv"`) {
		t.Errorf("list-objects-v2: %s", b)
	}
	f.denied("NoSuchBucketPolicy", "The bucket policy does not exist", "moat-root", "s3api", "get-bucket-policy", "--bucket", "cli-bucket")
	f.denied("BucketNotEmpty", "not empty", "moat-root", "s3api", "delete-bucket", "--bucket", "cli-bucket")
	if out, errs, code := f.run("moat-root", "s3", "rb", "--force", "s3://cli-bucket"); code != 0 {
		t.Fatalf("s3 rb --force: %d %s %s", code, out, errs)
	}
}

// S3 object calls are CloudTrail data events: never in LookupEvents,
// delivered only by trails whose selectors choose their bucket (basic
// DataResources or advanced selectors), with the object and bucket as
// resources, and without the object's bytes in the record.
func TestS3DataEventsInCloudTrail(t *testing.T) {
	trailDir := t.TempDir()
	ts := start(t, func(c *server.Config) { c.TrailDir, c.TrailInterval = trailDir, 50*time.Millisecond })
	ctx := context.Background()
	c := s3Client(ts, ts.Root)
	ct := cloudtrail.NewFromConfig(ts.config(ts.Root))
	for _, b := range []string{"watched", "ignored"} {
		if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b)}); err != nil {
			t.Fatal(err)
		}
	}
	for name, sel := range map[string]*cloudtrail.PutEventSelectorsInput{
		"mgmt": nil,
		"basic": {EventSelectors: []cttypes.EventSelector{{ReadWriteType: cttypes.ReadWriteTypeAll, IncludeManagementEvents: aws.Bool(false),
			DataResources: []cttypes.DataResource{{Type: aws.String("AWS::S3::Object"), Values: []string{"arn:aws:s3:::watched/"}}}}}},
		"advanced": {AdvancedEventSelectors: []cttypes.AdvancedEventSelector{{Name: aws.String("writes to watched"), FieldSelectors: []cttypes.AdvancedFieldSelector{
			{Field: aws.String("eventCategory"), Equals: []string{"Data"}},
			{Field: aws.String("resources.type"), Equals: []string{"AWS::S3::Object"}},
			{Field: aws.String("readOnly"), Equals: []string{"false"}},
			{Field: aws.String("resources.ARN"), StartsWith: []string{"arn:aws:s3:::watched/"}}}}}},
	} {
		if _, err := ct.CreateTrail(ctx, &cloudtrail.CreateTrailInput{Name: aws.String(name), S3BucketName: aws.String("audit-" + name)}); err != nil {
			t.Fatal(err)
		}
		if sel != nil {
			sel.TrailName = aws.String(name)
			if _, err := ct.PutEventSelectors(ctx, sel); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := ct.StartLogging(ctx, &cloudtrail.StartLoggingInput{Name: aws.String(name)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, b := range []string{"watched", "ignored"} {
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String("secret.txt"), Body: strings.NewReader("do-not-log-me")}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(b), Key: aws.String("secret.txt")}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: aws.String("watched"),
		Tagging: &s3types.Tagging{TagSet: []s3types.Tag{{Key: aws.String("team"), Value: aws.String("sec")}}}}); err != nil {
		t.Fatal(err)
	}
	type rec struct {
		EventName, EventCategory string
		ManagementEvent          bool
		Resources                []struct{ ARN, Type string }
		RequestParameters        map[string]any
	}
	delivered := func(name string) (names string, recs []rec) {
		_ = filepath.WalkDir(trailDir, func(p string, e os.DirEntry, err error) error {
			if err != nil || e.IsDir() || !strings.HasSuffix(p, ".json.gz") || !strings.Contains(p, "/CloudTrail/") || !strings.Contains(p, "audit-"+name) {
				return nil
			}
			f, err := os.Open(p)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			zr, err := gzip.NewReader(f)
			if err != nil {
				t.Fatal(err)
			}
			var file struct{ Records []rec }
			if err := json.NewDecoder(zr).Decode(&file); err != nil {
				t.Fatal(err)
			}
			for _, r := range file.Records {
				names += " " + r.EventName + " "
				recs = append(recs, r)
			}
			return nil
		})
		return names, recs
	}
	waitFor(t, func() bool {
		a, _ := delivered("advanced")
		b, _ := delivered("basic")
		m, _ := delivered("mgmt")
		return strings.Contains(a, " PutObject ") && strings.Contains(b, " GetObject ") && strings.Contains(m, " PutBucketTagging ")
	})
	mgmt, _ := delivered("mgmt")
	if strings.Contains(mgmt, "Object ") {
		t.Errorf("a trail with default selectors delivered data events: %s", mgmt)
	}
	basic, recs := delivered("basic")
	if strings.Count(basic, " PutObject ") != 1 || strings.Count(basic, " GetObject ") != 1 || strings.Contains(basic, "PutBucketTagging") || strings.Contains(basic, "CreateBucket") {
		t.Errorf("basic data selector on watched/: %s", basic)
	}
	for _, r := range recs {
		if r.EventCategory != "Data" || r.ManagementEvent || len(r.Resources) != 2 || !strings.HasPrefix(r.Resources[0].ARN, "arn:aws:s3:::watched/") {
			t.Errorf("data event record: %+v", r)
		}
		if b, _ := json.Marshal(r.RequestParameters); strings.Contains(string(b), base64.StdEncoding.EncodeToString([]byte("do-not-log-me"))) || strings.Contains(string(b), "do-not-log-me") {
			t.Errorf("object bytes in the record: %s", b)
		}
	}
	adv, _ := delivered("advanced")
	if strings.Count(adv, " PutObject ") != 1 || strings.Contains(adv, "GetObject") || strings.Contains(adv, "PutBucketTagging") {
		t.Errorf("advanced selector (writes to watched/): %s", adv)
	}
	look, err := ct.LookupEvents(ctx, &cloudtrail.LookupEventsInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range look.Events {
		if strings.HasSuffix(aws.ToString(e.EventName), "Object") {
			t.Errorf("LookupEvents returned the data event %s", aws.ToString(e.EventName))
		}
	}
}

// BenchmarkS3GetObject measures a signed 4 KiB GetObject through the whole
// pipeline (bucket policy evaluation and the data event's durable record
// included), by a user the bucket policy grants.
func BenchmarkS3GetObject(b *testing.B) {
	ts := startBench(b)
	ctx := context.Background()
	c := s3.NewFromConfig(ts.config(ts.Root), func(o *s3.Options) { o.UsePathStyle = true })
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("bench")}); err != nil {
		b.Fatal(err)
	}
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bench"), Key: aws.String("k"), Body: bytes.NewReader(make([]byte, 4096))}); err != nil {
		b.Fatal(err)
	}
	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + ts.Account + `:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bench/*"}]}`
	if _, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("bench"), Policy: aws.String(policy)}); err != nil {
		b.Fatal(err)
	}
	signed, _ := http.NewRequest("GET", ts.URL+"/bench/k", nil)
	signed.Header.Set("X-Amz-Content-Sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
	if err := v4.NewSigner().SignHTTP(ctx, ts.Root, signed, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "s3", "us-east-1", time.Now()); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(4096)
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest("GET", ts.URL+"/bench/k", nil)
			req.Header = signed.Header.Clone()
			req.Host = signed.Host
			w := httptest.NewRecorder()
			ts.srv.ServeHTTP(w, req)
			if w.Code != 200 || w.Body.Len() != 4096 {
				b.Fatalf("%d %s", w.Code, w.Body)
			}
		}
	})
}

// Security Hub's S3 controls on live buckets: a new bucket passes S3.8
// (Block Public Access on) and fails S3.5 (no TLS-only policy); removing
// Block Public Access and adding a TLS-only policy swap the two. MFA delete
// (S3.20) needs the root user's MFA code in x-amz-mfa.
func TestS3SecurityHubControls(t *testing.T) {
	v2 := cliV2(t)
	t.Parallel()
	ts := start(t)
	f := newFlow(t, ts, v2)
	const root = "moat-root"
	f.ok(root, "securityhub", "enable-security-hub")
	f.ok(root, "s3api", "create-bucket", "--bucket", "ctl-bucket")
	status := func(control string) string {
		out := f.ok(root, "securityhub", "get-findings", "--filters",
			`{"GeneratorId":[{"Value":"security-control/`+control+`","Comparison":"EQUALS"}],"RecordState":[{"Value":"ACTIVE","Comparison":"EQUALS"}],"ResourceId":[{"Value":"arn:aws:s3:::ctl-bucket","Comparison":"EQUALS"}]}`)
		for _, x := range out["Findings"].([]any) {
			if c, ok := x.(map[string]any)["Compliance"].(map[string]any); ok {
				return c["Status"].(string)
			}
		}
		return ""
	}
	waitFor(t, func() bool { return status("S3.8") == "PASSED" && status("S3.5") == "FAILED" })
	f.ok(root, "s3api", "delete-public-access-block", "--bucket", "ctl-bucket")
	tlsOnly := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::ctl-bucket","arn:aws:s3:::ctl-bucket/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`
	f.ok(root, "s3api", "put-bucket-policy", "--bucket", "ctl-bucket", "--policy", f.file("tls.json", tlsOnly))
	waitFor(t, func() bool { return status("S3.8") == "FAILED" && status("S3.5") == "PASSED" })
	// The TLS-only policy is enforced too: this plain-HTTP client is refused.
	f.denied("AccessDenied", "explicit deny", root, "s3api", "list-objects-v2", "--bucket", "ctl-bucket")

	f.ok(root, "s3api", "delete-bucket-policy", "--bucket", "ctl-bucket")
	f.denied("InvalidRequest", "MFA delete", root, "s3api", "put-bucket-versioning", "--bucket", "ctl-bucket",
		"--versioning-configuration", "Status=Enabled,MFADelete=Enabled")
	if s := status("S3.20"); s != "FAILED" {
		t.Errorf("S3.20 without MFA delete: %q", s)
	}
}

// GuardDuty's S3 findings from moat's own S3 records: turning Block Public
// Access off and granting everyone read by bucket policy raise
// Policy:S3/BucketBlockPublicAccessDisabled and
// Policy:S3/BucketAnonymousAccessGranted, because moat records S3 calls with
// CloudTrail's event names and parameters.
func TestS3GuardDutyFindings(t *testing.T) {
	t.Parallel()
	ts := start(t)
	ctx := context.Background()
	gd := guardduty.NewFromConfig(ts.config(ts.Root))
	det, err := gd.CreateDetector(ctx, &guardduty.CreateDetectorInput{Enable: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	c := s3Client(ts, ts.Root)
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("leaky")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: aws.String("leaky")}); err != nil {
		t.Fatal(err)
	}
	public := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::leaky/*"}]}`
	if _, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("leaky"), Policy: aws.String(public)}); err != nil {
		t.Fatal(err)
	}
	found := map[string]string{}
	waitFor(t, func() bool {
		ids, err := gd.ListFindings(ctx, &guardduty.ListFindingsInput{DetectorId: det.DetectorId})
		if err != nil || len(ids.FindingIds) == 0 {
			return false
		}
		fs, err := gd.GetFindings(ctx, &guardduty.GetFindingsInput{DetectorId: det.DetectorId, FindingIds: ids.FindingIds})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fs.Findings {
			if f.Resource != nil && len(f.Resource.S3BucketDetails) > 0 {
				found[aws.ToString(f.Type)] = aws.ToString(f.Resource.S3BucketDetails[0].Name)
			}
		}
		return found["Policy:S3/BucketBlockPublicAccessDisabled"] == "leaky" && found["Policy:S3/BucketAnonymousAccessGranted"] == "leaky"
	})
}

// A trail whose bucket is one of moat's buckets writes its log files there
// as objects, when the bucket policy lets CloudTrail write (AWS's
// recommended policy, scoped by aws:SourceArn); without such a policy the
// delivery fails and GetTrailStatus says so.
func TestS3TrailDeliveryToBucket(t *testing.T) {
	t.Parallel()
	ts := start(t, func(c *server.Config) { c.TrailDir, c.TrailInterval = t.TempDir(), 50*time.Millisecond })
	ctx := context.Background()
	c := s3Client(ts, ts.Root)
	ct := cloudtrail.NewFromConfig(ts.config(ts.Root))
	for _, b := range []string{"trail-logs", "no-policy"} {
		if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b)}); err != nil {
			t.Fatal(err)
		}
	}
	trailARN := "arn:aws:cloudtrail:us-east-1:" + ts.Account + ":trail/to-s3"
	pol := `{"Version":"2012-10-17","Statement":[
	 {"Sid":"AWSCloudTrailAclCheck","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:GetBucketAcl","Resource":"arn:aws:s3:::trail-logs","Condition":{"StringEquals":{"aws:SourceArn":"` + trailARN + `"}}},
	 {"Sid":"AWSCloudTrailWrite","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::trail-logs/AWSLogs/` + ts.Account + `/*","Condition":{"StringEquals":{"s3:x-amz-acl":"bucket-owner-full-control","aws:SourceArn":"` + trailARN + `"}}}]}`
	if _, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("trail-logs"), Policy: aws.String(pol)}); err != nil {
		t.Fatal(err)
	}
	for name, bucket := range map[string]string{"to-s3": "trail-logs", "denied": "no-policy"} {
		if _, err := ct.CreateTrail(ctx, &cloudtrail.CreateTrailInput{Name: aws.String(name), S3BucketName: aws.String(bucket)}); err != nil {
			t.Fatal(err)
		}
		if _, err := ct.StartLogging(ctx, &cloudtrail.StartLoggingInput{Name: aws.String(name)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: aws.String("no-policy"),
		Tagging: &s3types.Tagging{TagSet: []s3types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}}); err != nil {
		t.Fatal(err)
	}
	var key string
	waitFor(t, func() bool {
		out, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("trail-logs"), Prefix: aws.String("AWSLogs/" + ts.Account + "/CloudTrail/us-east-1/")})
		if err != nil || len(out.Contents) == 0 {
			return false
		}
		key = aws.ToString(out.Contents[0].Key)
		return true
	})
	got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("trail-logs"), Key: aws.String(key)})
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(got.Body)
	if err != nil {
		t.Fatal(err)
	}
	var file struct{ Records []struct{ EventName string } }
	if err := json.NewDecoder(zr).Decode(&file); err != nil || len(file.Records) == 0 {
		t.Fatalf("log object %s: %v %+v", key, err, file)
	}
	if !strings.HasSuffix(key, ".json.gz") || !strings.Contains(key, "_CloudTrail_us-east-1_") {
		t.Errorf("log object key %s is not in CloudTrail's layout", key)
	}
	waitFor(t, func() bool {
		st, err := ct.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String("denied")})
		return err == nil && strings.Contains(aws.ToString(st.LatestDeliveryError), "AccessDenied")
	})
	empty, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("no-policy")})
	if err != nil || len(empty.Contents) != 0 {
		t.Errorf("a bucket whose policy does not let CloudTrail write got objects: %+v %v", empty, err)
	}
}

// GuardDuty reads threat lists from moat's S3 with the caller's
// permissions: a list object at s3://intel/threats.txt feeds the live
// detector, and a missing object or a caller without s3:GetObject is
// refused at CreateThreatIntelSet.
func TestS3GuardDutyListsFromS3(t *testing.T) {
	t.Parallel()
	ts := start(t)
	ctx := context.Background()
	c := s3Client(ts, ts.Root)
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("intel")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("intel"), Key: aws.String("threats.txt"), Body: strings.NewReader("# lab\n127.0.0.1\n")}); err != nil {
		t.Fatal(err)
	}
	gd := guardduty.NewFromConfig(ts.config(ts.Root))
	det, err := gd.CreateDetector(ctx, &guardduty.CreateDetectorInput{Enable: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = gd.CreateThreatIntelSet(ctx, &guardduty.CreateThreatIntelSetInput{DetectorId: det.DetectorId, Name: aws.String("missing"), Format: gdtypes.ThreatIntelSetFormatTxt,
		Location: aws.String("s3://intel/nope.txt"), Activate: aws.Bool(true)})
	apiError(t, err, "BadRequestException")

	// A user allowed GuardDuty but not the object.
	im := iam.NewFromConfig(ts.config(ts.Root))
	if _, err := im.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("soc")}); err != nil {
		t.Fatal(err)
	}
	if _, err := im.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("soc"), PolicyName: aws.String("gd"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"guardduty:*","Resource":"*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	key, err := im.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("soc")})
	if err != nil {
		t.Fatal(err)
	}
	soc := guardduty.NewFromConfig(ts.config(aws.Credentials{AccessKeyID: aws.ToString(key.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(key.AccessKey.SecretAccessKey)}))
	_, err = soc.CreateThreatIntelSet(ctx, &guardduty.CreateThreatIntelSetInput{DetectorId: det.DetectorId, Name: aws.String("lab"), Format: gdtypes.ThreatIntelSetFormatTxt,
		Location: aws.String("https://s3.amazonaws.com/intel/threats.txt"), Activate: aws.Bool(true)})
	apiError(t, err, "AccessDeniedException")

	set, err := gd.CreateThreatIntelSet(ctx, &guardduty.CreateThreatIntelSetInput{DetectorId: det.DetectorId, Name: aws.String("lab"), Format: gdtypes.ThreatIntelSetFormatTxt,
		Location: aws.String("s3://intel/threats.txt"), Activate: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	// UpdateThreatIntelSet reads a new location before anything changes.
	_, err = gd.UpdateThreatIntelSet(ctx, &guardduty.UpdateThreatIntelSetInput{DetectorId: det.DetectorId, ThreatIntelSetId: set.ThreatIntelSetId, Location: aws.String("s3://intel/gone.txt")})
	apiError(t, err, "BadRequestException")
	if _, err := gd.UpdateThreatIntelSet(ctx, &guardduty.UpdateThreatIntelSetInput{DetectorId: det.DetectorId, ThreatIntelSetId: set.ThreatIntelSetId, Name: aws.String("lab-2")}); err != nil {
		t.Fatal(err)
	}
	got, err := gd.GetThreatIntelSet(ctx, &guardduty.GetThreatIntelSetInput{DetectorId: det.DetectorId, ThreatIntelSetId: set.ThreatIntelSetId})
	if err != nil || aws.ToString(got.Name) != "lab-2" || aws.ToString(got.Location) != "s3://intel/threats.txt" || got.Status != gdtypes.ThreatIntelSetStatusActive {
		t.Fatalf("after UpdateThreatIntelSet: %+v %v", got, err)
	}
	if _, err := im.ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool {
		ids, err := gd.ListFindings(ctx, &guardduty.ListFindingsInput{DetectorId: det.DetectorId, FindingCriteria: &gdtypes.FindingCriteria{
			Criterion: map[string]gdtypes.Condition{"type": {Equals: []string{"UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom"}}}}})
		return err == nil && len(ids.FindingIds) > 0
	})
}

// Cross-account access needs both sides: a member account's administrator
// reads what the bucket policy grants its account and nothing else, and the
// management account's administrator cannot read the member's bucket, which
// has no policy, whatever its identity policy allows.
func TestS3CrossAccount(t *testing.T) {
	t.Parallel()
	ts := start(t)
	ctx := context.Background()
	org := organizations.NewFromConfig(ts.config(ts.Root))
	if _, err := org.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: orgtypes.OrganizationFeatureSetAll}); err != nil {
		t.Fatal(err)
	}
	ca, err := org.CreateAccount(ctx, &organizations.CreateAccountInput{Email: aws.String("data@example.com"), AccountName: aws.String("data")})
	if err != nil {
		t.Fatal(err)
	}
	member := aws.ToString(ca.CreateAccountStatus.AccountId)
	im := iam.NewFromConfig(ts.config(ts.Root))
	if _, err := im.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("ops")}); err != nil {
		t.Fatal(err)
	}
	if _, err := im.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("ops"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")}); err != nil {
		t.Fatal(err)
	}
	k, err := im.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("ops")})
	if err != nil {
		t.Fatal(err)
	}
	ops := aws.Credentials{AccessKeyID: aws.ToString(k.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(k.AccessKey.SecretAccessKey)}
	ar, err := sts.NewFromConfig(ts.config(ops)).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::" + member + ":role/OrganizationAccountAccessRole"), RoleSessionName: aws.String("ops")})
	if err != nil {
		t.Fatal(err)
	}
	memberAdmin := s3Client(ts, aws.Credentials{AccessKeyID: aws.ToString(ar.Credentials.AccessKeyId), SecretAccessKey: aws.ToString(ar.Credentials.SecretAccessKey), SessionToken: aws.ToString(ar.Credentials.SessionToken)})
	mgmt, mgmtAdmin := s3Client(ts, ts.Root), s3Client(ts, ops)

	if _, err := mgmt.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("mgmt-reports")}); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"reports/q1.csv", "secret/keys.txt"} {
		if _, err := mgmt.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("mgmt-reports"), Key: aws.String(key), Body: strings.NewReader(key)}); err != nil {
			t.Fatal(err)
		}
	}
	grant := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + member + `:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::mgmt-reports/reports/*"}]}`
	if _, err := mgmt.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("mgmt-reports"), Policy: aws.String(grant)}); err != nil {
		t.Fatal(err)
	}
	get := func(c *s3.Client, bucket, key string) error {
		_, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
		return err
	}
	if err := get(memberAdmin, "mgmt-reports", "reports/q1.csv"); err != nil {
		t.Errorf("the member account reads what the bucket policy grants it: %v", err)
	}
	apiError(t, get(memberAdmin, "mgmt-reports", "secret/keys.txt"), "AccessDenied")

	if _, err := memberAdmin.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("member-data")}); err != nil {
		t.Fatal(err)
	}
	if _, err := memberAdmin.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("member-data"), Key: aws.String("x"), Body: strings.NewReader("x")}); err != nil {
		t.Fatal(err)
	}
	apiError(t, get(mgmtAdmin, "member-data", "x"), "AccessDenied")
	// The bucket belongs to the member account: its ListBuckets shows it,
	// the management account's does not.
	lb, err := mgmt.ListBuckets(ctx, &s3.ListBucketsInput{})
	if err != nil || len(lb.Buckets) != 1 || aws.ToString(lb.Buckets[0].Name) != "mgmt-reports" {
		t.Errorf("management ListBuckets: %+v %v", lb, err)
	}
}

// A public bucket ACL grants what AWS's ACLs grant (READ: list the bucket,
// WRITE: put objects) once object ownership allows ACLs and Block Public
// Access is off; IgnorePublicAcls takes the grants away again.
func TestS3PublicBucketACL(t *testing.T) {
	t.Parallel()
	ts := start(t)
	ctx := context.Background()
	c := s3Client(ts, ts.Root)
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("legacy"), ObjectOwnership: s3types.ObjectOwnershipObjectWriter}); err != nil {
		t.Fatal(err)
	}
	anon := func(method, path string) int {
		req, _ := http.NewRequest(method, ts.URL+path, strings.NewReader("anonymous bytes"))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := anon("GET", "/legacy?list-type=2"); code != 403 {
		t.Fatalf("anonymous listing of a private bucket: %d", code)
	}
	_, err := c.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String("legacy"), ACL: s3types.BucketCannedACLPublicReadWrite})
	apiError(t, err, "AccessDenied") // BlockPublicAcls, on for new buckets
	if _, err := c.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: aws.String("legacy")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String("legacy"), ACL: s3types.BucketCannedACLPublicReadWrite}); err != nil {
		t.Fatal(err)
	}
	if code := anon("GET", "/legacy?list-type=2"); code != 200 {
		t.Errorf("anonymous listing with a public-read-write ACL: %d", code)
	}
	if code := anon("PUT", "/legacy/dropped.txt"); code != 200 {
		t.Errorf("anonymous write with a public-read-write ACL: %d", code)
	}
	if code := anon("GET", "/legacy/dropped.txt"); code != 403 {
		t.Errorf("a bucket ACL does not grant reading objects: %d", code)
	}
	tr := true
	if _, err := c.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String("legacy"),
		PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{IgnorePublicAcls: &tr}}); err != nil {
		t.Fatal(err)
	}
	if code := anon("GET", "/legacy?list-type=2"); code != 403 {
		t.Errorf("IgnorePublicAcls: anonymous listing answered %d", code)
	}
}

// S3 Protection (the S3_DATA_EVENTS feature) decides whether GuardDuty
// analyses S3 data events: with it off, an object read from a listed
// address raises nothing of type S3; turned on, the next read raises
// UnauthorizedAccess:S3/MaliciousIPCaller.Custom.
func TestS3GuardDutyProtectionPlan(t *testing.T) {
	t.Parallel()
	ts := start(t)
	ctx := context.Background()
	dir := t.TempDir()
	threats := filepath.Join(dir, "threats.txt")
	if err := os.WriteFile(threats, []byte("127.0.0.1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	gd := guardduty.NewFromConfig(ts.config(ts.Root))
	det, err := gd.CreateDetector(ctx, &guardduty.CreateDetectorInput{Enable: aws.Bool(true),
		Features: []gdtypes.DetectorFeatureConfiguration{{Name: gdtypes.DetectorFeatureS3DataEvents, Status: gdtypes.FeatureStatusDisabled}}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := gd.GetDetector(ctx, &guardduty.GetDetectorInput{DetectorId: det.DetectorId})
	if err != nil || !strings.Contains(toJSON(got.Features), `"S3_DATA_EVENTS"`) || !strings.Contains(toJSON(got.Features), `"DISABLED"`) {
		t.Fatalf("GetDetector features: %+v %v", got, err)
	}
	_, err = gd.UpdateDetector(ctx, &guardduty.UpdateDetectorInput{DetectorId: det.DetectorId,
		Features: []gdtypes.DetectorFeatureConfiguration{{Name: "NO_SUCH_PLAN", Status: gdtypes.FeatureStatusEnabled}}})
	apiError(t, err, "BadRequestException")
	if _, err := gd.CreateThreatIntelSet(ctx, &guardduty.CreateThreatIntelSetInput{DetectorId: det.DetectorId, Name: aws.String("lab"), Format: gdtypes.ThreatIntelSetFormatTxt,
		Location: aws.String(threats), Activate: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	c := s3Client(ts, ts.Root)
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("watched")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("watched"), Key: aws.String("k"), Body: strings.NewReader("x")}); err != nil {
		t.Fatal(err)
	}
	count := func(typ string) int {
		ids, err := gd.ListFindings(ctx, &guardduty.ListFindingsInput{DetectorId: det.DetectorId, FindingCriteria: &gdtypes.FindingCriteria{
			Criterion: map[string]gdtypes.Condition{"type": {Equals: []string{typ}}}}})
		if err != nil {
			t.Fatal(err)
		}
		return len(ids.FindingIds)
	}
	// The management calls from the listed address are seen; the data
	// event is not.
	waitFor(t, func() bool {
		return count("UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom")+count("Recon:IAMUser/MaliciousIPCaller.Custom") > 0
	})
	if n := count("UnauthorizedAccess:S3/MaliciousIPCaller.Custom"); n != 0 {
		t.Fatalf("S3 Protection off, yet %d S3 data-event findings", n)
	}
	if _, err := gd.UpdateDetector(ctx, &guardduty.UpdateDetectorInput{DetectorId: det.DetectorId,
		Features: []gdtypes.DetectorFeatureConfiguration{{Name: gdtypes.DetectorFeatureS3DataEvents, Status: gdtypes.FeatureStatusEnabled}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("watched"), Key: aws.String("k")}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return count("UnauthorizedAccess:S3/MaliciousIPCaller.Custom") > 0 })
}

// Malformed request bodies get S3's MalformedXML (or InvalidTag) and leave
// what was stored as it was; a wrong body checksum loses nothing either.
func TestS3MalformedBodies(t *testing.T) {
	t.Parallel()
	ts := start(t)
	ctx := context.Background()
	c := s3Client(ts, ts.Root)
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("tidy")}); err != nil {
		t.Fatal(err)
	}
	tags := &s3types.Tagging{TagSet: []s3types.Tag{{Key: aws.String("team"), Value: aws.String("sec")}}}
	if _, err := c.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: aws.String("tidy"), Tagging: tags}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("tidy"), Key: aws.String("k"), Body: strings.NewReader("kept")}); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{"?tagging": "<Tagging><TagSet><Tag><Key>a", "?versioning": "<VersioningConfiguration><Status>Maybe</Status></VersioningConfiguration>",
		"?publicAccessBlock": "not xml at all", "?delete": "<Delete></Delete>"} {
		method := "PUT"
		if name == "?delete" {
			method = "POST"
		}
		code, out := ts.signedS3(t, method, "/tidy"+name, body)
		if code != 400 || !strings.Contains(out, "<Code>MalformedXML</Code>") {
			t.Errorf("%s %s: %d %s", method, name, code, out)
		}
	}
	_, err := c.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: aws.String("tidy"), Tagging: &s3types.Tagging{TagSet: []s3types.Tag{
		{Key: aws.String("dup"), Value: aws.String("1")}, {Key: aws.String("dup"), Value: aws.String("2")}}}})
	apiError(t, err, "InvalidTag")
	got, err := c.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String("tidy")})
	if err != nil || len(got.TagSet) != 1 || aws.ToString(got.TagSet[0].Key) != "team" {
		t.Errorf("tags after refused writes: %+v %v", got, err)
	}
	pab, err := c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String("tidy")})
	if err != nil || !aws.ToBool(pab.PublicAccessBlockConfiguration.BlockPublicPolicy) {
		t.Errorf("Block Public Access after a malformed write: %+v %v", pab, err)
	}
	obj, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("tidy"), Key: aws.String("k")})
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(obj.Body); string(b) != "kept" {
		t.Errorf("object after refused writes: %q", b)
	}
}

// signedS3 sends a SigV4-signed S3 request with a raw body, as a client
// that writes its own XML would.
func (ts *testServer) signedS3(t *testing.T, method, path, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
	sum := sha256.Sum256([]byte(body))
	h := hex.EncodeToString(sum[:])
	req.Header.Set("X-Amz-Content-Sha256", h)
	if err := v4.NewSigner().SignHTTP(context.Background(), ts.Root, req, h, "s3", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
