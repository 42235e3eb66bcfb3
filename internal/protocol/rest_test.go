package protocol

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
)

var gdRoutes = []Route{
	{Method: "GET", Path: "/detector", Op: "ListDetectors"},
	{Method: "POST", Path: "/detector", Op: "CreateDetector"},
	{Method: "GET", Path: "/detector/{DetectorId}", Op: "GetDetector"},
	{Method: "DELETE", Path: "/detector/{DetectorId}", Op: "DeleteDetector"},
	{Method: "POST", Path: "/detector/{DetectorId}/findings/get", Op: "GetFindings"},
	{Method: "GET", Path: "/detector/{DetectorId}/filter/{FilterName}", Op: "GetFilter"},
}

var s3Routes = []Route{
	{Method: "GET", Path: "/", Op: "ListBuckets"},
	{Method: "PUT", Path: "/{Bucket}", Op: "CreateBucket"},
	{Method: "GET", Path: "/{Bucket}", Op: "ListObjects"},
	{Method: "GET", Path: "/{Bucket}?list-type=2", Op: "ListObjectsV2"},
	{Method: "PUT", Path: "/{Bucket}?policy", Op: "PutBucketPolicy"},
	{Method: "GET", Path: "/{Bucket}?policy", Op: "GetBucketPolicy"},
	{Method: "DELETE", Path: "/{Bucket}?policy", Op: "DeleteBucketPolicy"},
	{Method: "PUT", Path: "/{Bucket}?tagging", Op: "PutBucketTagging"},
	{Method: "PUT", Path: "/{Bucket}/{Key+}", Op: "PutObject"},
	{Method: "GET", Path: "/{Bucket}/{Key+}", Op: "GetObject"},
	{Method: "HEAD", Path: "/{Bucket}/{Key+}", Op: "HeadObject"},
	{Method: "PUT", Path: "/{Bucket}/{Key+}?tagging", Op: "PutObjectTagging"},
}

func TestRouterMatch(t *testing.T) {
	t.Parallel()
	gd, s3 := NewRouter(gdRoutes), NewRouter(s3Routes)
	cases := []struct {
		r      *Router
		method string
		target string
		op     string
		params map[string]string
	}{
		{gd, "GET", "/detector", "ListDetectors", nil},
		{gd, "GET", "/detector?maxResults=50", "ListDetectors", nil},
		{gd, "POST", "/detector", "CreateDetector", nil},
		{gd, "GET", "/detector/12abc", "GetDetector", map[string]string{"DetectorId": "12abc"}},
		{gd, "DELETE", "/detector/12abc", "DeleteDetector", map[string]string{"DetectorId": "12abc"}},
		{gd, "POST", "/detector/d1/findings/get", "GetFindings", map[string]string{"DetectorId": "d1"}},
		{gd, "GET", "/detector/d1/filter/my%20filter", "GetFilter", map[string]string{"DetectorId": "d1", "FilterName": "my filter"}},
		{gd, "GET", "/detector/d1/findings/get", "", nil},
		{gd, "PATCH", "/detector", "", nil},
		{gd, "GET", "/nope", "", nil},
		{s3, "GET", "/", "ListBuckets", nil},
		{s3, "GET", "/?x-id=ListBuckets", "ListBuckets", nil},
		{s3, "PUT", "/demo-bucket", "CreateBucket", map[string]string{"Bucket": "demo-bucket"}},
		{s3, "GET", "/demo-bucket/", "ListObjects", map[string]string{"Bucket": "demo-bucket"}},
		{s3, "GET", "/demo-bucket?list-type=2", "ListObjectsV2", map[string]string{"Bucket": "demo-bucket"}},
		{s3, "GET", "/demo-bucket?list-type=1", "ListObjects", map[string]string{"Bucket": "demo-bucket"}},
		{s3, "PUT", "/demo-bucket?policy", "PutBucketPolicy", map[string]string{"Bucket": "demo-bucket"}},
		{s3, "PUT", "/demo-bucket?policy=", "PutBucketPolicy", map[string]string{"Bucket": "demo-bucket"}},
		{s3, "PUT", "/demo-bucket?tagging=", "PutBucketTagging", map[string]string{"Bucket": "demo-bucket"}},
		{s3, "PUT", "/demo-bucket/dir/hello%20world.txt?x-id=PutObject", "PutObject", map[string]string{"Bucket": "demo-bucket", "Key": "dir/hello world.txt"}},
		{s3, "PUT", "/demo-bucket/a/b/?tagging", "PutObjectTagging", map[string]string{"Bucket": "demo-bucket", "Key": "a/b/"}},
		{s3, "GET", "/b/a%2Fb%3Fc", "GetObject", map[string]string{"Bucket": "b", "Key": "a/b?c"}},
		{s3, "GET", "/b/a//c", "GetObject", map[string]string{"Bucket": "b", "Key": "a//c"}},
		{s3, "HEAD", "/b/k", "HeadObject", map[string]string{"Bucket": "b", "Key": "k"}},
		{s3, "DELETE", "/b/k", "", nil},
	}
	for _, c := range cases {
		r := httptest.NewRequest(c.method, c.target, nil)
		op, params, ok := c.r.Match(r)
		if op != c.op || ok != (c.op != "") || !reflect.DeepEqual(params, c.params) {
			t.Errorf("%s %s: got %q %v %v, want %q %v", c.method, c.target, op, params, ok, c.op, c.params)
		}
	}
	if _, _, ok := gd.Match(nil); ok {
		t.Error("nil request matched")
	}
}

func TestRouterMatchesCaptures(t *testing.T) {
	t.Parallel()
	s3, gd := NewRouter(s3Routes), NewRouter(gdRoutes)
	cases := []struct {
		r    *Router
		file string
		op   string
	}{
		{gd, "aws-cli-2.9.19/cli-guardduty-ListDetectors.http", "ListDetectors"},
		{gd, "aws-sdk-go-v2/sdk-guardduty-ListDetectors.http", "ListDetectors"},
		{gd, "aws-sdk-go-v2/err-sdk-guardduty-GetDetector.http", "GetDetector"},
		{s3, "aws-sdk-go-v2/sdk-s3-CreateBucket.http", "CreateBucket"},
		{s3, "aws-sdk-go-v2/sdk-s3-PutBucketPolicy.http", "PutBucketPolicy"},
		{s3, "aws-sdk-go-v2/sdk-s3-PutBucketTagging.http", "PutBucketTagging"},
		{s3, "aws-cli-2.9.19/cli-s3api-PutBucketTagging.http", "PutBucketTagging"},
		{s3, "aws-sdk-go-v2/sdk-s3-PutObject.http", "PutObject"},
		{s3, "aws-sdk-go-v2/sdk-s3-ListObjectsV2-ip-endpoint-no-pathstyle-option.http", "ListObjectsV2"},
		{s3, "aws-sdk-go-v2/sdk-s3-presigned-GetObject.http", "GetObject"},
		{s3, "aws-sdk-go-v2/region-eu-west-1-ListBuckets.http", "ListBuckets"},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			req := captured(t, c.file)
			op, _, ok := c.r.Match(req.HTTP)
			if !ok || op != c.op {
				t.Errorf("got %q %v, want %q", op, ok, c.op)
			}
		})
	}
}

func TestNewRouterPanicsOnBadTemplate(t *testing.T) {
	t.Parallel()
	for _, p := range []string{"/{Key+}/{Other}", "/{}", "/a{b}"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", p)
				}
			}()
			NewRouter([]Route{{Method: "GET", Path: p, Op: "X"}})
		}()
	}
}

func routed(t *testing.T, rt *Router, method, target, body string, hdr ...string) *Request {
	t.Helper()
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	_, params, ok := rt.Match(r)
	if !ok {
		t.Fatalf("%s %s: no route", method, target)
	}
	return &Request{HTTP: r, Body: []byte(body), PathParams: params}
}

func TestRESTJSONDecode(t *testing.T) {
	t.Parallel()
	gd, rt := New(gdSvc), NewRouter(gdRoutes)
	var ld ListDetectorsInput
	if err := gd.Decode(routed(t, rt, "GET", "/detector?maxResults=50&nextToken=abc", ""), &ld); err != nil || *ld.MaxResults != 50 || *ld.NextToken != "abc" {
		t.Errorf("ListDetectors: %+v %v", ld, err)
	}
	var gdi GetDetectorInput
	if err := gd.Decode(routed(t, rt, "GET", "/detector/12abc", ""), &gdi); err != nil || gdi.DetectorID != "12abc" {
		t.Errorf("GetDetector: %+v %v", gdi, err)
	}
	var cd CreateDetectorInput
	if err := gd.Decode(routed(t, rt, "POST", "/detector", `{"enable":true,"features":[{"name":"S3_DATA_EVENTS","status":"ENABLED"}]}`), &cd); err != nil || !*cd.Enable || cd.Features[0].Name != "S3_DATA_EVENTS" {
		t.Errorf("CreateDetector: %+v %v", cd, err)
	}
	err := gd.Decode(routed(t, rt, "POST", "/detector", `{}`), &cd)
	wantAWSErr(t, err, "ValidationException", 400, "1 validation error detected: Value null at 'enable' failed to satisfy constraint: Member must not be null")
	err = gd.Decode(routed(t, rt, "GET", "/detector?maxResults=lots", ""), &ld)
	wantAWSErr(t, err, "ValidationException", 400, "Value 'lots' at 'maxResults' failed to satisfy constraint: Expected an integer.")
	err = gd.Decode(&Request{HTTP: httptest.NewRequest("GET", "/detector/", nil)}, &gdi)
	wantAWSErr(t, err, "ValidationException", 400, "1 validation error detected: Value null at 'detectorId' failed to satisfy constraint: Member must not be null")
	err = gd.Decode(routed(t, rt, "POST", "/detector", `{"enable":"yes"}`), &cd)
	wantAWSErr(t, err, "SerializationException", 400, "STRING_VALUE can not be converted to a Boolean")
}

func TestRESTXMLDecode(t *testing.T) {
	t.Parallel()
	s3, rt := New(s3Svc), NewRouter(s3Routes)
	tagging := `<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet><Tag><Key>env</Key><Value>dev</Value></Tag><Tag><Key>team</Key><Value>sec</Value></Tag></TagSet></Tagging>`
	var pt PutBucketTaggingInput
	if err := s3.Decode(routed(t, rt, "PUT", "/demo-bucket?tagging", tagging, "Content-MD5", "abc=="), &pt); err != nil {
		t.Fatal(err)
	}
	if pt.Bucket != "demo-bucket" || *pt.ContentMD5 != "abc==" || !reflect.DeepEqual(pt.Tagging.TagSet, []S3Tag{{"env", "dev"}, {"team", "sec"}}) {
		t.Errorf("got %+v", pt)
	}
	var po PutObjectInput
	req := routed(t, rt, "PUT", "/b/dir/hello%20world.txt", "hello", "X-Amz-Meta-Owner", "alice", "x-amz-meta-Team", "sec")
	req.HTTP.Header.Set("Content-Length", "5")
	if err := s3.Decode(req, &po); err != nil {
		t.Fatal(err)
	}
	want := PutObjectInput{Bucket: "b", Key: "dir/hello world.txt", ContentLength: ptr(int64(5)), Metadata: map[string]string{"owner": "alice", "team": "sec"}, Body: []byte("hello")}
	if !reflect.DeepEqual(po, want) {
		t.Errorf("got %+v\nwant %+v", po, want)
	}
	var lo ListObjectsV2Input
	if err := s3.Decode(routed(t, rt, "GET", "/b?list-type=2&max-keys=10", ""), &lo); err != nil || *lo.ListType != 2 || *lo.MaxKeys != 10 {
		t.Errorf("ListObjectsV2: %+v %v", lo, err)
	}
	err := s3.Decode(routed(t, rt, "PUT", "/b?tagging", "<Tagging><TagSet>"), &pt)
	wantAWSErr(t, err, "MalformedXML", 400, "The XML you provided was not well-formed or did not validate against our published schema")
	var pp PutBucketPolicyInput
	err = s3.Decode(routed(t, rt, "PUT", "/b?policy", ""), &pp)
	wantAWSErr(t, err, "ValidationException", 400, "")
}

func TestRESTDecodeCaptures(t *testing.T) {
	t.Parallel()
	s3, rt := New(s3Svc), NewRouter(s3Routes)
	for _, file := range []string{"aws-sdk-go-v2/sdk-s3-PutBucketTagging.http", "aws-cli-2.9.19/cli-s3api-PutBucketTagging.http"} {
		t.Run(file, func(t *testing.T) {
			req := captured(t, file)
			_, req.PathParams, _ = rt.Match(req.HTTP)
			var in PutBucketTaggingInput
			if err := s3.Decode(req, &in); err != nil {
				t.Fatal(err)
			}
			if in.Bucket != "demo-bucket" || in.Tagging == nil || len(in.Tagging.TagSet) == 0 || in.Tagging.TagSet[0].Key == "" {
				t.Errorf("got %+v", in)
			}
		})
	}
	t.Run("PutBucketPolicy payload", func(t *testing.T) {
		req := captured(t, "aws-sdk-go-v2/sdk-s3-PutBucketPolicy.http")
		_, req.PathParams, _ = rt.Match(req.HTTP)
		var in PutBucketPolicyInput
		if err := s3.Decode(req, &in); err != nil || !strings.HasPrefix(in.Policy, `{"Version":"2012-10-17"`) || in.Bucket != "demo-bucket" {
			t.Errorf("got %+v, %v", in, err)
		}
	})
	t.Run("guardduty ListDetectors query", func(t *testing.T) {
		req := captured(t, "aws-sdk-go-v2/sdk-guardduty-ListDetectors.http")
		var in ListDetectorsInput
		if err := New(gdSvc).Decode(req, &in); err != nil || in.MaxResults == nil || *in.MaxResults != 50 {
			t.Errorf("got %+v, %v", in, err)
		}
	})
}

func TestRESTHeadErrorHasNoBody(t *testing.T) {
	t.Parallel()
	rec := httptest.NewRecorder()
	New(s3Svc).EncodeError(rec, &Request{HTTP: httptest.NewRequest(http.MethodHead, "/b/k", nil)}, reqID, nil)
	if rec.Body.Len() != 0 || rec.Code != 500 {
		t.Errorf("HEAD error: %d %q", rec.Code, rec.Body)
	}
}
