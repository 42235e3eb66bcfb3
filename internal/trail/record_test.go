package trail

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// sharedDetection is the folder of real CloudTrail records in the project's
// shared material (../shared/datasets/detection beside the repository, or
// $MOAT_SHARED_DIR/datasets/detection). They are read in place, never copied
// into moat; a clone without them skips these tests.
func sharedDetection(t *testing.T) string {
	t.Helper()
	root := os.Getenv("MOAT_SHARED_DIR")
	if root == "" {
		root = filepath.Join("..", "..", "..", "shared")
	}
	dir := filepath.Join(root, "datasets", "detection")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("real CloudTrail records not found at %s (the shared material is not beside this clone): %v", dir, err)
	}
	return dir
}

// stratusFiles are the Stratus Red Team detonation logs the record tests
// read (Apache-2.0, DataDog/stratus-red-team docs/detonation-logs).
var stratusFiles = []string{
	"aws.credential-access.ec2-get-password-data.json",
	"aws.credential-access.ssm-retrieve-securestring-parameters.json",
	"aws.defense-evasion.organizations-leave.json",
	"aws.initial-access.console-login-without-mfa.json",
	"aws.persistence.iam-create-admin-user.json",
	"aws.persistence.sts-federation-token.json",
}

// readRecords reads every record of the named shared files (plain arrays
// or {"Records": [...]}).
func readRecords(t *testing.T, files ...string) []json.RawMessage {
	t.Helper()
	var all []json.RawMessage
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var recs []json.RawMessage
		if bytes.HasPrefix(bytes.TrimSpace(b), []byte("{")) {
			var wrap struct{ Records []json.RawMessage }
			err = json.Unmarshal(b, &wrap)
			recs = wrap.Records
		} else {
			err = json.Unmarshal(b, &recs)
		}
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		all = append(all, recs...)
	}
	return all
}

// TestRealRecordsRoundTrip: every real record decodes and re-encodes to
// the same JSON value: no field lost, renamed, added or wrongly omitted.
func TestRealRecordsRoundTrip(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(sharedDetection(t), "stratus-red-team-detonation-logs")
	var files []string
	for _, f := range stratusFiles {
		files = append(files, filepath.Join(dir, f))
	}
	recs := readRecords(t, files...)
	if len(recs) != 53 {
		t.Fatalf("read %d stratus records, want 53", len(recs))
	}
	for i, raw := range recs {
		rec, err := Decode(raw)
		if err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		out, err := Encode(rec)
		if err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		var want, got any
		if err := json.Unmarshal(raw, &want); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("record %d (%s) changed:\n got %s\nwant %s", i, rec.EventName, out, compact(t, raw))
		}
	}
}

func compact(t *testing.T, b []byte) string {
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// keyOrder returns the keys of a JSON object in document order, and those
// of its member objects under "name.".
func keyOrder(t *testing.T, b []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	var keys []string
	var walk func(prefix string)
	walk = func(prefix string) {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		d, ok := tok.(json.Delim)
		if !ok {
			return
		}
		switch d {
		case '{':
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					t.Fatal(err)
				}
				keys = append(keys, prefix+k.(string))
				walk(prefix + k.(string) + ".")
			}
		case '[':
			for dec.More() {
				walk(prefix + "[].")
			}
		}
		if _, err := dec.Token(); err != nil {
			t.Fatal(err)
		}
	}
	walk("")
	return keys
}

// TestFieldOrder: fields come out in the order of the CloudTrail User
// Guide's example records.
func TestFieldOrder(t *testing.T) {
	t.Parallel()
	recs := readRecords(t, filepath.Join(sharedDetection(t), "awsdocs-examples", "awsdocs-cloudtrail-examples.json"))
	if len(recs) != 19 {
		t.Fatalf("read %d awsdocs records, want 19", len(recs))
	}
	for i, raw := range recs {
		rec, err := Decode(raw)
		if err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		out, err := Encode(rec)
		if err != nil {
			t.Fatal(err)
		}
		want := keyOrder(t, raw)
		in := map[string]bool{}
		for _, k := range want {
			in[k] = true
		}
		// Top-level fields only: the guide's examples disagree among
		// themselves inside userIdentity (older records put accessKeyId
		// before accountId, mfaAuthenticated before creationDate).
		var got, wantKnown []string
		for _, k := range keyOrder(t, out) {
			if in[k] && !strings.Contains(k, ".") {
				got = append(got, k)
			}
		}
		for _, k := range want {
			if !strings.Contains(k, ".") && contains(got, k) {
				wantKnown = append(wantKnown, k)
			}
		}
		if !reflect.DeepEqual(got, wantKnown) {
			t.Errorf("record %d (%s): key order\n got %v\nwant %v", i, rec.EventName, got, wantKnown)
		}
	}
}

func contains(s []string, k string) bool {
	for _, x := range s {
		if x == k {
			return true
		}
	}
	return false
}

func TestEncode(t *testing.T) {
	t.Parallel()
	rec := &Record{
		EventVersion: EventVersion,
		UserIdentity: UserIdentity{Type: IdentityIAMUser, PrincipalID: "AIDAEXAMPLE", ARN: "arn:aws:iam::111122223333:user/alice",
			AccountID: "111122223333", AccessKeyID: "AKIAEXAMPLE", UserName: "alice"},
		EventTime:          Time{time.Date(2026, 11, 29, 13, 4, 5, 999_000_000, time.FixedZone("CET", 3600))},
		EventSource:        "iam.amazonaws.com",
		EventName:          "CreateUser",
		AwsRegion:          "us-east-1",
		SourceIPAddress:    "192.0.2.1",
		UserAgent:          "aws-cli/2.15 <&>",
		RequestParameters:  json.RawMessage(`{"userName": "bob"}`),
		ResponseElements:   json.RawMessage{},
		EventID:            "0b7ad2a5-5d4c-4b0b-9d4e-2f2f2f2f2f2f",
		EventType:          EventTypeAwsApiCall,
		ManagementEvent:    true,
		RecipientAccountID: "111122223333",
		EventCategory:      EventCategoryManagement,
	}
	b, err := Encode(rec)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"eventVersion":"1.11","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","accessKeyId":"AKIAEXAMPLE","userName":"alice"},` +
		`"eventTime":"2026-11-29T12:04:05Z","eventSource":"iam.amazonaws.com","eventName":"CreateUser","awsRegion":"us-east-1","sourceIPAddress":"192.0.2.1","userAgent":"aws-cli/2.15 <&>",` +
		`"requestParameters":{"userName":"bob"},"responseElements":null,"eventID":"0b7ad2a5-5d4c-4b0b-9d4e-2f2f2f2f2f2f","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}`
	if string(b) != want {
		t.Errorf("Encode:\n got %s\nwant %s", b, want)
	}
	rec.RequestParameters = json.RawMessage(`{broken`)
	if _, err := Encode(rec); err == nil {
		t.Error("Encode of invalid requestParameters succeeded")
	}
}

func TestDecodeErrors(t *testing.T) {
	t.Parallel()
	for _, in := range []string{`{`, `{"eventTime":"yesterday"}`, `{"eventTime":5}`, `[]`} {
		if _, err := Decode([]byte(in)); err == nil {
			t.Errorf("Decode(%s) succeeded", in)
		}
	}
	r, err := Decode([]byte(`{"eventTime":"2024-07-30T21:31:21.5+02:00"}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := r.EventTime.Time; !got.Equal(time.Date(2024, 7, 30, 19, 31, 21, 5e8, time.UTC)) {
		t.Errorf("eventTime = %v", got)
	}
}

func TestLookupUsername(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		id   UserIdentity
		want string
	}{
		{"IAM user", UserIdentity{Type: IdentityIAMUser, UserName: "alice"}, "alice"},
		{"root", UserIdentity{Type: IdentityRoot, ARN: "arn:aws:iam::111122223333:root"}, "root"},
		{"assumed role: session name", UserIdentity{Type: IdentityAssumedRole,
			ARN: "arn:aws:sts::111122223333:assumed-role/Admin/alice-session", PrincipalID: "AROAEXAMPLE:alice-session"}, "alice-session"},
		{"assumed role without ARN", UserIdentity{Type: IdentityAssumedRole, PrincipalID: "AROAEXAMPLE:s2"}, "s2"},
		{"federated user", UserIdentity{Type: IdentityFederatedUser, ARN: "arn:aws:sts::111122223333:federated-user/bob", PrincipalID: "111122223333:bob"}, "bob"},
		{"AWS service", UserIdentity{Type: IdentityAWSService, InvokedBy: "ec2.amazonaws.com"}, "ec2.amazonaws.com"},
		{"unknown", UserIdentity{Type: IdentityUnknown}, ""},
	}
	for _, c := range cases {
		r := Record{UserIdentity: c.id}
		if got := r.lookupUsername(); got != c.want {
			t.Errorf("%s: Username = %q, want %q", c.name, got, c.want)
		}
	}
}
