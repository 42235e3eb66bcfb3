package protocol

import (
	"net/http"
	"testing"
	"time"
)

// discard is a ResponseWriter that keeps headers and drops the body, so the
// benchmarks measure the codec, not a recorder.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(int)             {}

func BenchmarkQueryCreateUser(b *testing.B) {
	c := New(iamSvc)
	body := "Action=CreateUser&Version=2010-05-08&UserName=alice&Tags.member.1.Key=team&Tags.member.1.Value=sec"
	r := formRequest(body).HTTP
	out := &CreateUserOutput{User: User{Path: "/", UserName: "alice", UserID: "AIDAEXAMPLEUSERID0001", Arn: "arn:aws:iam::123456789012:user/alice", CreateDate: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Tags: []Tag{{"team", "sec"}}}}
	w := &discard{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		req := &Request{HTTP: r, Body: []byte(body)}
		if c.Operation(req) != "CreateUser" {
			b.Fatal("op")
		}
		var in CreateUserInput
		if err := c.Decode(req, &in); err != nil {
			b.Fatal(err)
		}
		if err := c.Encode(w, req, "CreateUser", reqID, out); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkJSONLookupEvents(b *testing.B) {
	c := New(ctSvc)
	body := `{"LookupAttributes":[{"AttributeKey":"EventName","AttributeValue":"CreateUser"}],"StartTime":1767322800,"MaxResults":50}`
	r := jsonRequest("com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents", body).HTTP
	out := &LookupEventsOutput{Events: []Event{{EventID: "e1", EventName: "CreateUser", EventTime: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), CloudTrailEvent: `{"eventVersion":"1.08"}`}}}
	w := &discard{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		req := &Request{HTTP: r, Body: []byte(body)}
		if c.Operation(req) != "LookupEvents" {
			b.Fatal("op")
		}
		var in LookupEventsInput
		if err := c.Decode(req, &in); err != nil {
			b.Fatal(err)
		}
		if err := c.Encode(w, req, "LookupEvents", reqID, out); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTrailJSON(b *testing.B) {
	out := &CreateUserOutput{User: User{Path: "/", UserName: "alice", UserID: "AIDAEXAMPLEUSERID0001", Arn: "arn:aws:iam::123456789012:user/alice", CreateDate: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Tags: []Tag{{"team", "sec"}}}}
	b.ReportAllocs()
	for b.Loop() {
		if TrailJSON(out) == nil {
			b.Fatal("nil")
		}
	}
}
