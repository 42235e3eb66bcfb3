package protocol

import (
	"encoding/json"
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/moatdev/moat/internal/awserr"
)

// fuzzShape exercises every member kind the decoders support.
type fuzzShape struct {
	Name   string `aws:",required"`
	Count  *int32
	Big    uint64
	Ratio  float64
	On     *bool
	When   *time.Time
	Blob   []byte
	Tags   []Tag
	Flat   []string `aws:",flattened"`
	Attrs  map[string]string
	Nested *struct {
		Inner  []PolicyDescriptor
		Matrix [][]string
		Deep   map[string][]int
	}
	Doc json.RawMessage
	Any any
}

func checkDecodeErr(t *testing.T, err error) {
	t.Helper()
	var e *awserr.Error
	if err != nil && !errors.As(err, &e) {
		t.Fatalf("Decode returned %T %v, want *awserr.Error", err, err)
	}
	if e != nil && (e.Status < 400 || e.Status > 599 || e.Code == "") {
		t.Fatalf("bad error %+v", e)
	}
}

func FuzzQueryDecode(f *testing.F) {
	for _, s := range []string{
		"Action=CreateUser&Version=2010-05-08&UserName=alice",
		"Action=TagRole&RoleName=r&Tags.member.1.Key=team&Tags.member.1.Value=sec&Tags.member.2.Key=env&Tags.member.2.Value=dev",
		"Name=t&Attrs.entry.1.key=DisplayName&Attrs.entry.1.value=alerts&Tags=",
		"Name=x&Nested.Inner.member.1.Arn=a&Nested.Matrix.member.1.member.2=z&Nested.Deep.entry.1.key=k&Nested.Deep.entry.1.value.member.1=3",
		"Filter.1.Name=vpc-id&Filter.1.Value.1=vpc-0abc&Filter.1.Value.2=vpc-0def&GroupId.1=sg-1",
		"Name=a&Count=-7&Big=18446744073709551615&Ratio=1e308&On=TRUE&When=1767322800.5&Blob=aGk%3D&Flat.1=x&Doc=%7B%7D",
		"Name=%zz", "Tags.member.0.Key=x", "Tags.member.01.Key=x&Tags.member.99999999999999999999.Key=y", "When=2026-13-45T99:99:99Z",
	} {
		f.Add(s)
	}
	query, ec2 := New(iamSvc), New(ec2Svc)
	f.Fuzz(func(t *testing.T, body string) {
		for _, c := range []Codec{query, ec2} {
			req := formRequest(body)
			_ = c.Operation(req)
			var in fuzzShape
			err := c.Decode(req, &in)
			checkDecodeErr(t, err)
			if err == nil {
				rec := httptest.NewRecorder()
				if err := c.Encode(rec, req, "Fuzz", reqID, &in); err != nil {
					t.Fatal(err)
				}
				_ = TrailJSON(&in)
			}
		}
	})
}

func FuzzJSONDecode(f *testing.F) {
	for _, s := range []string{
		`{"Name":"a"}`, ``, `{}`, `null`, `[]`, `"x"`, `{"Name":1}`,
		`{"Name":"a","Count":5,"Big":1,"Ratio":0.5,"On":true,"When":1767322800.123,"Blob":"aGk=","Tags":[{"Key":"k","Value":"v"}],"Attrs":{"a":"b"},"Doc":{"x":[1,{"y":null}]}}`,
		`{"Name":"a","Nested":{"Inner":[{"Arn":"x"}],"Matrix":[["a"],[]],"Deep":{"k":[1,2]}}}`,
		`{"Name":"a","When":"2026-01-02T03:04:05Z","Count":99999999999}`,
		`{"Name":"a","Tags":[null,{"Key":null}]}`, `{"Name":"a","Any":{"n":[1e400,-0,"s",{"x":null}]}}`, `{"Name":"a"} x`, `{"Name":"\ud800"}`,
	} {
		f.Add(s)
	}
	c := New(ctSvc)
	f.Fuzz(func(t *testing.T, body string) {
		req := jsonRequest("com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.Fuzz", body)
		var in fuzzShape
		err := c.Decode(req, &in)
		checkDecodeErr(t, err)
		if err != nil {
			return
		}
		rec := httptest.NewRecorder()
		if err := c.Encode(rec, req, "Fuzz", reqID, &in); err != nil {
			t.Fatal(err)
		}
		if !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("invalid JSON output %q for %q", rec.Body.Bytes(), body)
		}
		if tj := TrailJSON(&in); tj != nil && !json.Valid(tj) {
			t.Fatalf("invalid TrailJSON %q", tj)
		}
	})
}

func FuzzRESTXMLDecode(f *testing.F) {
	for _, s := range []string{
		`<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet><Tag><Key>env</Key><Value>dev</Value></Tag></TagSet></Tagging>`,
		`<Tagging><TagSet>`, ``, `<a/><b/>`, `<Tagging><TagSet><Tag><Key>k</Key></Tag><Other/></TagSet></Tagging>`,
	} {
		f.Add(s)
	}
	c, rt := New(s3Svc), NewRouter(s3Routes)
	f.Fuzz(func(t *testing.T, body string) {
		r := httptest.NewRequest("PUT", "/b?tagging", nil)
		_, params, _ := rt.Match(r)
		var in PutBucketTaggingInput
		checkDecodeErr(t, c.Decode(&Request{HTTP: r, Body: []byte(body), PathParams: params}, &in))
	})
}
