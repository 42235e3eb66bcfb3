package trail_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/store"
	"github.com/moatdev/moat/internal/trail"
)

var now = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

func ptr[T any](v T) *T { return &v }

func record(t *testing.T, w *trail.Writer, recs ...*trail.Record) {
	t.Helper()
	for _, r := range recs {
		if err := w.Record(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
}

func lookup(t *testing.T, log store.EventLog, in trail.LookupInput, opts ...trail.LookupOption) *trail.LookupOutput {
	t.Helper()
	out, err := trail.Lookup(context.Background(), log, acct, in, now, opts...)
	if err != nil {
		t.Fatalf("Lookup(%+v): %v", in, err)
	}
	return out
}

func names(out *trail.LookupOutput) []string {
	s := []string{}
	for _, e := range out.Events {
		s = append(s, e.EventName)
	}
	return s
}

func TestLookupFields(t *testing.T) {
	t.Parallel()
	db := openDB(t, "")
	w := trail.NewWriter(db)
	defer w.Close()
	rec := userRecord("alice", "DeleteUser", now.Add(-time.Hour))
	rec.LookupResources = []trail.Resource{{ResourceType: "AWS::IAM::User", ResourceName: "bob"}}
	record(t, w, rec)
	out := lookup(t, db, trail.LookupInput{})
	if len(out.Events) != 1 || out.NextToken != nil {
		t.Fatalf("Lookup = %+v", out)
	}
	e := out.Events[0]
	want := trail.Event{
		EventId: rec.EventID, EventName: "DeleteUser", ReadOnly: "false", AccessKeyId: "AKIAalice",
		EventTime: now.Add(-time.Hour), EventSource: "iam.amazonaws.com", Username: "alice",
		Resources: []trail.Resource{{ResourceType: "AWS::IAM::User", ResourceName: "bob"}},
	}
	got := e
	got.CloudTrailEvent = ""
	if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
		t.Errorf("event\n got %+v\nwant %+v", got, want)
	}
	var body map[string]any
	if err := json.Unmarshal([]byte(e.CloudTrailEvent), &body); err != nil || body["eventID"] != rec.EventID {
		t.Errorf("CloudTrailEvent = %s (%v)", e.CloudTrailEvent, err)
	}
}

func TestLookupAttributes(t *testing.T) {
	t.Parallel()
	db := openDB(t, "")
	w := trail.NewWriter(db)
	defer w.Close()
	role := userRecord("x", "GetCallerIdentity", now.Add(-3*time.Minute))
	role.UserIdentity = trail.UserIdentity{Type: trail.IdentityAssumedRole, PrincipalID: "AROAEXAMPLE:ci-job",
		ARN: "arn:aws:sts::" + acct + ":assumed-role/Deploy/ci-job", AccountID: acct, AccessKeyID: "ASIAEXAMPLE",
		SessionContext: &trail.SessionContext{SessionIssuer: &trail.SessionIssuer{Type: "Role", UserName: "Deploy"}}}
	role.EventSource = "sts.amazonaws.com"
	root := userRecord("x", "CreateAccessKey", now.Add(-2*time.Minute))
	root.UserIdentity = trail.UserIdentity{Type: trail.IdentityRoot, PrincipalID: acct, ARN: "arn:aws:iam::" + acct + ":root", AccountID: acct}
	res := userRecord("alice", "AttachRolePolicy", now.Add(-time.Minute))
	res.Resources = []trail.RecordResource{{ARN: "arn:aws:iam::" + acct + ":role/Deploy", Type: "AWS::IAM::Role"}}
	first := userRecord("alice", "CreateUser", now.Add(-4*time.Minute))
	record(t, w, first, role, root, res)
	cases := []struct {
		key, value string
		want       []string
	}{
		{"EventName", "CreateUser", []string{"CreateUser"}},
		{"Username", "alice", []string{"AttachRolePolicy", "CreateUser"}},
		{"Username", "ci-job", []string{"GetCallerIdentity"}},
		{"Username", "root", []string{"CreateAccessKey"}},
		{"ReadOnly", "true", []string{"GetCallerIdentity"}},
		{"ReadOnly", "false", []string{"AttachRolePolicy", "CreateAccessKey", "CreateUser"}},
		{"EventSource", "sts.amazonaws.com", []string{"GetCallerIdentity"}},
		{"AccessKeyId", "ASIAEXAMPLE", []string{"GetCallerIdentity"}},
		{"EventId", first.EventID, []string{"CreateUser"}},
		{"ResourceType", "AWS::IAM::Role", []string{"AttachRolePolicy"}},
		{"ResourceName", "arn:aws:iam::" + acct + ":role/Deploy", []string{"AttachRolePolicy"}},
		{"Username", "ALICE", []string{}},
	}
	for _, c := range cases {
		out := lookup(t, db, trail.LookupInput{LookupAttributes: []trail.LookupAttribute{{AttributeKey: c.key, AttributeValue: c.value}}})
		if fmt.Sprint(names(out)) != fmt.Sprint(c.want) {
			t.Errorf("%s=%s: %v, want %v", c.key, c.value, names(out), c.want)
		}
	}
}

// TestLookupPaging: following NextToken returns every event exactly once,
// newest first, with and without a lookup attribute.
func TestLookupPaging(t *testing.T) {
	t.Parallel()
	db := openDB(t, "")
	w := trail.NewWriter(db)
	defer w.Close()
	const n = 137
	var recs []*trail.Record
	for i := range n {
		// Several records per second, and out of order now and then.
		at := now.Add(-time.Duration((n-i)/3) * time.Second)
		if i%10 == 0 {
			at = at.Add(-5 * time.Second)
		}
		user := map[bool]string{true: "even", false: "odd"}[i%2 == 0]
		recs = append(recs, userRecord(user, fmt.Sprintf("CreateUser%03d", i), at))
	}
	recordConcurrently(t, w, recs)
	for _, c := range []struct {
		attrs []trail.LookupAttribute
		max   *int32
		want  int
	}{
		{nil, nil, n},
		{nil, ptr[int32](7), n},
		{[]trail.LookupAttribute{{AttributeKey: "Username", AttributeValue: "even"}}, ptr[int32](10), (n + 1) / 2},
		{[]trail.LookupAttribute{{AttributeKey: "Username", AttributeValue: "odd"}}, ptr[int32](1), n / 2},
	} {
		in := trail.LookupInput{LookupAttributes: c.attrs, MaxResults: c.max}
		seen := map[string]bool{}
		var prev *trail.Event
		pages := 0
		for {
			out := lookup(t, db, in)
			pages++
			for i := range out.Events {
				e := &out.Events[i]
				if seen[e.EventId] {
					t.Fatalf("event %s returned twice", e.EventName)
				}
				seen[e.EventId] = true
				if prev != nil && e.EventTime.After(prev.EventTime) {
					t.Fatalf("%s (%v) after %s (%v): not newest first", e.EventName, e.EventTime, prev.EventName, prev.EventTime)
				}
				prev = e
			}
			if out.NextToken == nil {
				break
			}
			if pages > n {
				t.Fatal("paging does not end")
			}
			in.NextToken = out.NextToken
		}
		if len(seen) != c.want {
			t.Errorf("attrs %v max %v: %d events in %d pages, want %d", c.attrs, c.max, len(seen), pages, c.want)
		}
	}
}

func TestLookupTimeRange(t *testing.T) {
	t.Parallel()
	db := openDB(t, "")
	w := trail.NewWriter(db)
	defer w.Close()
	record(t, w,
		userRecord("a", "Ancient", now.Add(-91*24*time.Hour)),
		userRecord("a", "Old", now.Add(-89*24*time.Hour)),
		userRecord("a", "Hour", now.Add(-time.Hour)),
		userRecord("a", "Minute", now.Add(-time.Minute)),
		userRecord("a", "Future", now.Add(time.Hour)),
	)
	cases := []struct {
		name       string
		start, end *time.Time
		want       []string
	}{
		{"default: last 90 days up to now", nil, nil, []string{"Minute", "Hour", "Old"}},
		{"start before retention is clamped", ptr(now.Add(-365 * 24 * time.Hour)), nil, []string{"Minute", "Hour", "Old"}},
		{"start inclusive", ptr(now.Add(-time.Hour)), nil, []string{"Minute", "Hour"}},
		{"end inclusive", nil, ptr(now.Add(-time.Hour)), []string{"Hour", "Old"}},
		{"end in the future", ptr(now.Add(-2 * time.Hour)), ptr(now.Add(2 * time.Hour)), []string{"Future", "Minute", "Hour"}},
		{"window before retention", ptr(now.Add(-100 * 24 * time.Hour)), ptr(now.Add(-95 * 24 * time.Hour)), []string{}},
		{"start equals end", ptr(now.Add(-time.Minute)), ptr(now.Add(-time.Minute)), []string{"Minute"}},
	}
	for _, c := range cases {
		out := lookup(t, db, trail.LookupInput{StartTime: c.start, EndTime: c.end})
		if fmt.Sprint(names(out)) != fmt.Sprint(c.want) {
			t.Errorf("%s: %v, want %v", c.name, names(out), c.want)
		}
	}
}

func TestLookupScope(t *testing.T) {
	t.Parallel()
	db := openDB(t, "")
	w := trail.NewWriter(db)
	defer w.Close()
	other := userRecord("a", "OtherAccount", now.Add(-time.Minute))
	other.UserIdentity.AccountID = "444455556666"
	west := userRecord("a", "West", now.Add(-time.Minute))
	west.AwsRegion = "us-west-2"
	record(t, w, other, west, userRecord("a", "East", now.Add(-time.Minute)))
	if got := names(lookup(t, db, trail.LookupInput{})); fmt.Sprint(got) != "[East West]" {
		t.Errorf("account scope: %v", got)
	}
	if got := names(lookup(t, db, trail.LookupInput{}, trail.InRegion("us-west-2"))); fmt.Sprint(got) != "[West]" {
		t.Errorf("region scope: %v", got)
	}
	if got := lookup(t, db, trail.LookupInput{EventCategory: "insight"}); len(got.Events) != 0 || got.Events == nil {
		t.Errorf("insight: %+v, want an empty list", got)
	}
}

func TestLookupErrors(t *testing.T) {
	t.Parallel()
	db := openDB(t, "")
	w := trail.NewWriter(db)
	defer w.Close()
	for i := range 3 {
		record(t, w, userRecord("a", fmt.Sprintf("E%d", i), now.Add(-time.Duration(i)*time.Minute)))
	}
	page := lookup(t, db, trail.LookupInput{MaxResults: ptr[int32](1)})
	if page.NextToken == nil {
		t.Fatal("no NextToken")
	}
	attr := func(k, v string) []trail.LookupAttribute {
		return []trail.LookupAttribute{{AttributeKey: k, AttributeValue: v}}
	}
	cases := []struct {
		name string
		in   trail.LookupInput
		want awserr.Def
	}{
		{"two attributes", trail.LookupInput{LookupAttributes: append(attr("Username", "a"), attr("EventName", "E1")...)}, awserr.InvalidLookupAttributesException},
		{"unknown key", trail.LookupInput{LookupAttributes: attr("UserName", "a")}, awserr.InvalidLookupAttributesException},
		{"empty value", trail.LookupInput{LookupAttributes: attr("Username", "")}, awserr.InvalidLookupAttributesException},
		{"MaxResults 0", trail.LookupInput{MaxResults: ptr[int32](0)}, awserr.InvalidMaxResultsException},
		{"MaxResults 51", trail.LookupInput{MaxResults: ptr[int32](51)}, awserr.InvalidMaxResultsException},
		{"MaxResults -1", trail.LookupInput{MaxResults: ptr[int32](-1)}, awserr.InvalidMaxResultsException},
		{"start after end", trail.LookupInput{StartTime: ptr(now), EndTime: ptr(now.Add(-time.Second))}, awserr.InvalidTimeRangeException},
		{"bad category", trail.LookupInput{EventCategory: "Management"}, awserr.InvalidEventCategoryException},
		{"garbage token", trail.LookupInput{NextToken: ptr("not-a-token!")}, awserr.InvalidNextTokenException},
		{"short token", trail.LookupInput{NextToken: ptr("AQID")}, awserr.InvalidNextTokenException},
		{"token with other parameters", trail.LookupInput{MaxResults: ptr[int32](1), NextToken: page.NextToken,
			LookupAttributes: attr("Username", "a")}, awserr.InvalidNextTokenException},
		{"token with another time range", trail.LookupInput{NextToken: page.NextToken, StartTime: ptr(now.Add(-time.Hour))}, awserr.InvalidNextTokenException},
	}
	for _, c := range cases {
		_, err := trail.Lookup(t.Context(), db, acct, c.in, now)
		if !c.want.Is(err) {
			t.Errorf("%s: %v, want %s", c.name, err, c.want.Code)
			continue
		}
		if e := awserr.From(err); e.Status != 400 || e.Message == "" {
			t.Errorf("%s: %+v", c.name, e)
		}
	}
	// The token is also bound to the account.
	if _, err := trail.Lookup(t.Context(), db, "444455556666", trail.LookupInput{NextToken: page.NextToken}, now); !awserr.InvalidNextTokenException.Is(err) {
		t.Errorf("token of another account: %v", err)
	}
	// The right parameters work; MaxResults may change between pages.
	if _, err := trail.Lookup(t.Context(), db, acct, trail.LookupInput{MaxResults: ptr[int32](5), NextToken: page.NextToken}, now); err != nil {
		t.Errorf("valid token: %v", err)
	}
	db.Close()
	if _, err := trail.Lookup(t.Context(), db, acct, trail.LookupInput{}, now); !errorsIs(err, store.ErrClosed) {
		t.Errorf("Lookup on a closed store: %v", err)
	}
}

func errorsIs(err, target error) bool { return errors.Is(err, target) }

// recordConcurrently records recs from as many goroutines, so that group
// commit batches them.
func recordConcurrently(t *testing.T, w *trail.Writer, recs []*trail.Record) {
	t.Helper()
	errs := make(chan error, len(recs))
	for _, r := range recs {
		go func() { errs <- w.Record(context.Background(), r) }()
	}
	for range recs {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}
