package trail_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moatdev/moat/internal/store"
	"github.com/moatdev/moat/internal/store/sqlite"
	"github.com/moatdev/moat/internal/trail"
)

const acct = "111122223333"

func openDB(t testing.TB, path string) *sqlite.DB {
	t.Helper()
	if path == "" {
		path = filepath.Join(t.TempDir(), "moat.db")
	}
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func userRecord(user, event string, at time.Time) *trail.Record {
	return &trail.Record{
		UserIdentity: trail.UserIdentity{
			Type: trail.IdentityIAMUser, PrincipalID: "AIDAEXAMPLE" + user, ARN: "arn:aws:iam::" + acct + ":user/" + user,
			AccountID: acct, AccessKeyID: "AKIA" + user, UserName: user,
		},
		EventTime:       trail.Time{Time: at},
		EventSource:     "iam.amazonaws.com",
		EventName:       event,
		AwsRegion:       "us-east-1",
		SourceIPAddress: "192.0.2.1",
		UserAgent:       "aws-cli/2",
		ReadOnly:        strings.HasPrefix(event, "Get") || strings.HasPrefix(event, "List"),
	}
}

func TestRecordIsDurableAndIndexed(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "moat.db")
	db := openDB(t, path)
	var committed []store.Event
	w := trail.NewWriter(db, trail.WithOnCommit(func(evs []store.Event) { committed = append(committed, evs...) }))
	rec := userRecord("alice", "CreateUser", time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC))
	rec.RequestParameters = json.RawMessage(`{"userName":"bob"}`)
	rec.Resources = []trail.RecordResource{{ARN: "arn:aws:iam::" + acct + ":user/bob", AccountID: acct, Type: "AWS::IAM::User"}}
	rec.LookupResources = []trail.Resource{{ResourceType: "AWS::IAM::User", ResourceName: "bob"}}
	if err := w.Record(t.Context(), rec); err != nil {
		t.Fatal(err)
	}
	if rec.EventID == "" || rec.EventVersion != "1.11" || rec.EventCategory != "Management" || !rec.ManagementEvent ||
		rec.EventType != "AwsApiCall" || rec.RecipientAccountID != acct {
		t.Errorf("defaults not filled: %+v", rec)
	}
	if len(committed) != 1 || committed[0].Seq == 0 || committed[0].ID != rec.EventID {
		t.Fatalf("OnCommit got %+v", committed)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	db.Close()

	db = openDB(t, path)
	evs, err := db.ReadEvents(t.Context(), store.StreamCloudTrail, 0, 0)
	if err != nil || len(evs) != 1 {
		t.Fatalf("after reopen: %d events, %v", len(evs), err)
	}
	ev := evs[0]
	want := map[string]string{"EventId": rec.EventID, "EventName": "CreateUser", "EventSource": "iam.amazonaws.com",
		"ReadOnly": "false", "Username": "alice", "AccessKeyId": "AKIAalice"}
	if fmt.Sprint(ev.Attrs) != fmt.Sprint(want) {
		t.Errorf("Attrs = %v, want %v", ev.Attrs, want)
	}
	if ev.Account != acct || ev.Region != "us-east-1" || !ev.Time.Equal(rec.EventTime.Time) {
		t.Errorf("event = %+v", ev)
	}
	if fmt.Sprint(ev.Resources) != "[{AWS::IAM::User bob} {AWS::IAM::User arn:aws:iam::111122223333:user/bob}]" {
		t.Errorf("Resources = %v", ev.Resources)
	}
	back, err := trail.Decode(ev.Body)
	if err != nil {
		t.Fatal(err)
	}
	if back.EventID != rec.EventID || string(back.RequestParameters) != `{"userName":"bob"}` || back.ResponseElements != nil {
		t.Errorf("body = %s", ev.Body)
	}
}

// TestGroupCommit: many goroutines recording at once; every record is
// durable when Record returns, and the writer used fewer transactions
// than records.
func TestGroupCommit(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "moat.db")
	db := openDB(t, path)
	w := trail.NewWriter(db)
	const workers, each = 16, 10
	ids := make(chan string, workers*each)
	var wg sync.WaitGroup
	for g := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				rec := userRecord(fmt.Sprintf("u%d", g), "GetUser", time.Now())
				if err := w.Record(context.Background(), rec); err != nil {
					t.Errorf("Record: %v", err)
					return
				}
				// Durable on return: visible to a reader right now.
				got, err := db.QueryEvents(context.Background(), store.EventQuery{
					Stream: store.StreamCloudTrail, AttrKey: "EventId", AttrValue: rec.EventID})
				if err != nil || len(got) != 1 {
					t.Errorf("record %s not readable after Record: %d, %v", rec.EventID, len(got), err)
				}
				ids <- rec.EventID
			}
		}()
	}
	wg.Wait()
	close(ids)
	st := w.Stats()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if st.Records != workers*each {
		t.Fatalf("Stats.Records = %d, want %d", st.Records, workers*each)
	}
	if st.Commits >= st.Records {
		t.Errorf("group commit did not batch: %d commits for %d records", st.Commits, st.Records)
	}
	t.Logf("%d records in %d commits", st.Records, st.Commits)
	db.Close()
	db = openDB(t, path)
	evs, err := db.ReadEvents(t.Context(), store.StreamCloudTrail, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range evs {
		seen[e.ID] = true
	}
	for id := range ids {
		if !seen[id] {
			t.Errorf("record %s lost after reopen", id)
		}
	}
	if len(evs) != workers*each {
		t.Errorf("%d events after reopen, want %d", len(evs), workers*each)
	}
}

func TestWriterClose(t *testing.T) {
	t.Parallel()
	db := openDB(t, "")
	w := trail.NewWriter(db)
	if err := w.Record(t.Context(), userRecord("a", "GetUser", time.Now())); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	err := w.Record(t.Context(), userRecord("a", "GetUser", time.Now()))
	if !errors.Is(err, trail.ErrWriterClosed) {
		t.Fatalf("Record after Close: %v, want ErrWriterClosed", err)
	}
}

// TestCloseFlushes: records racing Close are either durable or refused.
func TestCloseFlushes(t *testing.T) {
	t.Parallel()
	db := openDB(t, "")
	w := trail.NewWriter(db)
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 10 {
				err := w.Record(context.Background(), userRecord(fmt.Sprint(g), "GetUser", time.Now()))
				if errors.Is(err, trail.ErrWriterClosed) {
					return
				}
				if err != nil {
					t.Errorf("Record: %v", err)
					return
				}
				mu.Lock()
				ok++
				mu.Unlock()
			}
		}()
	}
	time.Sleep(5 * time.Millisecond)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	evs, err := db.ReadEvents(t.Context(), store.StreamCloudTrail, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != ok {
		t.Fatalf("%d events stored, %d Record calls succeeded", len(evs), ok)
	}
}

func TestRecordErrors(t *testing.T) {
	t.Parallel()
	db := openDB(t, "")
	w := trail.NewWriter(db)
	defer w.Close()

	bad := userRecord("a", "GetUser", time.Now())
	bad.ResponseElements = json.RawMessage(`{not json`)
	if err := w.Record(t.Context(), bad); err == nil {
		t.Error("Record with invalid responseElements succeeded")
	}
	noAcct := userRecord("a", "GetUser", time.Now())
	noAcct.UserIdentity.AccountID = ""
	if err := w.Record(t.Context(), noAcct); err == nil {
		t.Error("Record without an account succeeded")
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := w.Record(ctx, userRecord("a", "GetUser", time.Now())); !errors.Is(err, context.Canceled) {
		// The queue may take it before noticing ctx: then it must succeed.
		if err != nil {
			t.Errorf("Record with a canceled context: %v", err)
		}
	}
	db.Close()
	err := w.Record(t.Context(), userRecord("a", "GetUser", time.Now()))
	if !errors.Is(err, store.ErrClosed) {
		t.Errorf("Record on a closed store: %v, want store.ErrClosed", err)
	}
}

func TestRecordFillsTime(t *testing.T) {
	t.Parallel()
	db := openDB(t, "")
	at := time.Date(2026, 1, 2, 3, 4, 5, 600, time.UTC)
	w := trail.NewWriter(db, trail.WithClock(func() time.Time { return at }))
	defer w.Close()
	rec := userRecord("a", "GetUser", time.Time{})
	if err := w.Record(t.Context(), rec); err != nil {
		t.Fatal(err)
	}
	if !rec.EventTime.Equal(at.Truncate(time.Second)) {
		t.Errorf("eventTime = %v, want %v", rec.EventTime, at.Truncate(time.Second))
	}
	// A caller's sub-second time is stored as the record shows it: seconds.
	fine := userRecord("a", "GetUser", at.Add(time.Hour))
	if err := w.Record(t.Context(), fine); err != nil {
		t.Fatal(err)
	}
	evs, err := db.ReadEvents(t.Context(), store.StreamCloudTrail, 0, 0)
	if err != nil || len(evs) != 2 {
		t.Fatalf("%d events, %v", len(evs), err)
	}
	if want := at.Add(time.Hour).Truncate(time.Second); !evs[1].Time.Equal(want) {
		t.Errorf("event time = %v, want %v", evs[1].Time, want)
	}
}
