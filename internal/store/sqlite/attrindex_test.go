package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/moatdev/moat/internal/store"
)

// The in-memory lookup index is rebuilt from the log on open, keeps (time
// desc, seq desc) order for events appended out of time order, and pages
// with BeforeSeq without losing or repeating an event.
func TestAttrIndexRebuildAndOrder(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "moat.db")
	ctx := context.Background()
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	base := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	var evs []store.Event
	for i, off := range []int{5, 1, 3, 3, 9, 0, 7} { // seconds, out of order
		evs = append(evs, store.Event{
			Stream: store.StreamCloudTrail, Account: "111122223333", Region: "us-east-1",
			Time: base.Add(time.Duration(off) * time.Second), ID: fmt.Sprint(i),
			Attrs: map[string]string{"Username": "alice", "EventName": fmt.Sprint("Op", i%2)},
		})
	}
	if err := db.AppendEvents(ctx, evs); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	q := store.EventQuery{Stream: store.StreamCloudTrail, Account: "111122223333", AttrKey: "Username", AttrValue: "alice", Limit: 2}
	var ids []string
	for page := 0; page < 10; page++ {
		got, err := db.QueryEvents(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range got {
			ids = append(ids, e.ID)
		}
		if len(got) < q.Limit {
			break
		}
		q.BeforeSeq = got[len(got)-1].Seq
	}
	// Newest first: 9s (4), 7s (6), 5s (0), 3s (3, then 2 by seq desc), 1s (1), 0s (5).
	if want := "4 6 0 3 2 1 5"; fmt.Sprint(ids) != "["+want+"]" {
		t.Fatalf("order %v, want [%s]", ids, want)
	}
	one, err := db.QueryEvents(ctx, store.EventQuery{Stream: store.StreamCloudTrail, AttrKey: "EventName", AttrValue: "Op1", Start: base.Add(2 * time.Second), End: base.Add(5 * time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	if len(one) != 1 || one[0].ID != "3" {
		t.Fatalf("EventName Op1 within [2s, 5s]: %+v", one)
	}
	none, err := db.QueryEvents(ctx, store.EventQuery{Stream: store.StreamCloudTrail, Account: "999999999999", AttrKey: "Username", AttrValue: "alice"})
	if err != nil || len(none) != 0 {
		t.Fatalf("other account: %v %d events", err, len(none))
	}
}
