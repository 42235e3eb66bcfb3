package protocol

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

func TestJSONDecodeCaptures(t *testing.T) {
	t.Parallel()
	t.Run("wafv2 ListWebACLs (CLI)", func(t *testing.T) {
		req := captured(t, "aws-cli-2.9.19/cli-wafv2-ListWebACLs.http")
		c := New(wafSvc)
		if op := c.Operation(req); op != "ListWebACLs" {
			t.Errorf("Operation = %q", op)
		}
		var in ListWebACLsInput
		if err := c.Decode(req, &in); err != nil || in.Scope != "REGIONAL" {
			t.Errorf("got %+v, %v", in, err)
		}
	})
	t.Run("secretsmanager DescribeSecret (SDK)", func(t *testing.T) {
		req := captured(t, "aws-sdk-go-v2/sdk-secretsmanager-DescribeSecret.http")
		c := New(smSvc)
		var in struct {
			SecretID string `aws:"SecretId,required"`
		}
		if op := c.Operation(req); op != "DescribeSecret" {
			t.Errorf("Operation = %q", op)
		}
		if err := c.Decode(req, &in); err != nil || in.SecretID != "db" {
			t.Errorf("got %+v, %v", in, err)
		}
	})
	t.Run("securityhub GetFindings (CLI, rest-json body)", func(t *testing.T) {
		req := captured(t, "aws-cli-2.9.19/cli-securityhub-GetFindings.http")
		var in GetFindingsInput
		if err := New(shSvc).Decode(req, &in); err != nil {
			t.Fatal(err)
		}
		if in.Filters == nil || !reflect.DeepEqual(in.Filters.SeverityLabel, []StringFilter{{"HIGH", "EQUALS"}}) {
			t.Errorf("got %+v", in.Filters)
		}
	})
}

func TestJSONDecodeInline(t *testing.T) {
	t.Parallel()
	ct := New(ctSvc)
	var in LookupEventsInput
	body := `{"LookupAttributes":[{"AttributeKey":"EventName","AttributeValue":"CreateUser"}],"StartTime":1767322800.5,"EndTime":"2026-01-02T04:00:00Z","MaxResults":50,"Unknown":{"x":[1,2]},"NextToken":null}`
	if err := ct.Decode(jsonRequest("com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents", body), &in); err != nil {
		t.Fatal(err)
	}
	want := LookupEventsInput{
		LookupAttributes: []LookupAttribute{{"EventName", "CreateUser"}},
		StartTime:        ptr(time.Date(2026, 1, 2, 3, 0, 0, 5e8, time.UTC)),
		EndTime:          ptr(time.Date(2026, 1, 2, 4, 0, 0, 0, time.UTC)),
		MaxResults:       ptr(int32(50)),
	}
	if !reflect.DeepEqual(in, want) {
		t.Errorf("got %+v\nwant %+v", in, want)
	}

	var ev PutEventsInput
	body = `{"Entries":[{"Source":"app","DetailType":"t","Detail":{"a":[1,"x"]},"Resources":[],"Blob":"aGVsbG8="}]}`
	if err := New(Service{Protocol: JSON, TargetPrefix: "AWSEvents"}).Decode(jsonRequest("AWSEvents.PutEvents", body), &ev); err != nil {
		t.Fatal(err)
	}
	e := ev.Entries[0]
	if string(e.Detail) != `{"a":[1,"x"]}` || string(e.Blob) != "hello" || e.Resources == nil || len(e.Resources) != 0 {
		t.Errorf("got %+v", e)
	}

	var empty ListWebACLsInput
	err := New(wafSvc).Decode(jsonRequest("AWSWAF_20190729.ListWebACLs", ""), &empty)
	wantAWSErr(t, err, "ValidationException", 400, "1 validation error detected: Value null at 'scope' failed to satisfy constraint: Member must not be null")
}

func TestJSONDecodeErrors(t *testing.T) {
	t.Parallel()
	ct := New(ctSvc)
	cases := []struct {
		name, body, code, msg string
	}{
		{"not json", `{"MaxResults":`, "SerializationException", "Could not parse request body into json."},
		{"trailing data", `{} {}`, "SerializationException", "Could not parse request body into json."},
		{"array body", `[1]`, "SerializationException", "Start of START_ARRAY found where not expected."},
		{"string for int", `{"MaxResults":"ten"}`, "SerializationException", "STRING_VALUE can not be converted to an Integer"},
		{"fraction for int", `{"MaxResults":1.5}`, "SerializationException", "NUMBER_VALUE can not be converted to an Integer"},
		{"object for list", `{"LookupAttributes":{}}`, "SerializationException", "START_OBJECT can not be converted to a List"},
		{"bad timestamp", `{"StartTime":"yesterday"}`, "SerializationException", "STRING_VALUE can not be converted to a Timestamp"},
		{"missing nested required", `{"LookupAttributes":[{"AttributeKey":"EventName"}]}`, "ValidationException",
			"1 validation error detected: Value null at 'lookupAttributes.1.member.attributeValue' failed to satisfy constraint: Member must not be null"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wantAWSErr(t, ct.Decode(jsonRequest("x", c.body), &LookupEventsInput{}), c.code, 400, c.msg)
		})
	}
	var blob PutEventsInput
	wantAWSErr(t, New(ctSvc).Decode(jsonRequest("x", `{"Entries":[{"Blob":"!!"}]}`), &blob), "SerializationException", 400, "STRING_VALUE can not be converted to a Blob")
	wantAWSErr(t, New(ctSvc).Decode(jsonRequest("x", `{"Entries":[{"Source":true}]}`), &blob), "SerializationException", 400, "BOOLEAN_VALUE can not be converted to a String")
}

// TestJSONRoundTrip encodes a value and decodes it back through the same tags.
func TestJSONRoundTrip(t *testing.T) {
	t.Parallel()
	type all struct {
		S  string
		B  bool
		I  int64
		U  uint16
		F  float64
		T  time.Time
		P  *string
		L  []int
		M  map[string][]string
		N  *PolicyDescriptor
		Bl []byte
		R  json.RawMessage
	}
	in := all{"s", true, -5, 7, 1.25, time.Date(2026, 1, 2, 3, 4, 5, 250e6, time.UTC), ptr("p"), []int{1, 2}, map[string][]string{"k": {"v"}}, &PolicyDescriptor{"arn"}, []byte{0, 1, 2}, json.RawMessage(`{"x":1}`)}
	e := jsonEnc{tsFormat: tsEpoch}
	v, _ := structValue(&in)
	e.object(v)
	var out all
	if err := New(ctSvc).Decode(jsonRequest("x", string(e.buf)), &out); err != nil {
		t.Fatalf("%s: %v", e.buf, err)
	}
	if !reflect.DeepEqual(in, out) {
		t.Errorf("round trip\n in: %+v\nout: %+v\njson: %s", in, out, e.buf)
	}
	if !json.Valid(e.buf) {
		t.Errorf("invalid JSON %s", e.buf)
	}
}

func TestJSONDocumentMembers(t *testing.T) {
	t.Parallel()
	var in struct {
		Doc   any
		Props map[string]any
	}
	body := `{"Doc":{"a":[1,2.5,"x",true,null]},"Props":{"n":10,"s":"v"}}`
	if err := New(ctSvc).Decode(jsonRequest("x", body), &in); err != nil {
		t.Fatal(err)
	}
	e := jsonEnc{tsFormat: tsEpoch}
	v, _ := structValue(&in)
	e.object(v)
	if got := string(e.buf); got != body {
		t.Errorf("document round trip\n got: %s\nwant: %s", got, body)
	}
}
