package sqlite_test

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/moatdev/moat/internal/store"
	"github.com/moatdev/moat/internal/store/sqlite"
)

func benchDB(b *testing.B, opts ...sqlite.Option) *sqlite.DB {
	b.Helper()
	db, err := sqlite.Open(filepath.Join(b.TempDir(), "moat.db"), opts...)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

func syncModes() map[string][]sqlite.Option {
	return map[string][]sqlite.Option{"FULL": nil, "NORMAL": {sqlite.WithSynchronousNormal()}}
}

func BenchmarkUpdatePut(b *testing.B) {
	for name, opts := range syncModes() {
		b.Run("sync="+name, func(b *testing.B) {
			db := benchDB(b, opts...)
			val := make([]byte, 512)
			i := 0
			for b.Loop() {
				key := fmt.Sprintf("k%08d", i)
				i++
				if err := db.Update(b.Context(), func(tx store.Tx) error { return tx.Put("bench", key, val) }); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkAppendEvents(b *testing.B) {
	body := []byte(`{"eventVersion":"1.11","eventName":"GetCallerIdentity"}`)
	for name, opts := range syncModes() {
		for _, n := range []int{1, 64} {
			b.Run(fmt.Sprintf("sync=%s/batch=%d", name, n), func(b *testing.B) {
				db := benchDB(b, opts...)
				evs := make([]store.Event, n)
				for b.Loop() {
					for i := range evs {
						evs[i] = store.Event{
							Stream: store.StreamCloudTrail, Time: time.Now(), Account: "111122223333", Region: "us-east-1",
							ID: "id", Body: body,
							Attrs: map[string]string{
								"EventName": "GetCallerIdentity", "EventSource": "sts.amazonaws.com",
								"ReadOnly": "true", "Username": "alice", "AccessKeyId": "AKIAEXAMPLE",
							},
						}
					}
					if err := db.AppendEvents(b.Context(), evs); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "events/s")
			})
		}
	}
}

// BenchmarkQueryEvents: one LookupEvents page (51 rows) over 20,000 events
// of 2 accounts and 20 users, newest first, with and without an attribute.
func BenchmarkQueryEvents(b *testing.B) {
	db := benchDB(b, sqlite.WithSynchronousNormal())
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	const n = 20000
	batch := make([]store.Event, 0, 1000)
	for i := range n {
		batch = append(batch, store.Event{
			Stream: store.StreamCloudTrail, Time: start.Add(time.Duration(i) * time.Second),
			Account: []string{"111122223333", "444455556666"}[i%2], Region: "us-east-1", ID: fmt.Sprint(i),
			Attrs: map[string]string{"EventName": "GetUser", "Username": fmt.Sprint("user", i%20), "ReadOnly": "true"},
			Body:  []byte(`{"eventVersion":"1.11"}`),
		})
		if len(batch) == cap(batch) {
			if err := db.AppendEvents(b.Context(), batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	end := start.Add(n * time.Second)
	for name, q := range map[string]store.EventQuery{
		"time range": {Stream: store.StreamCloudTrail, Account: "111122223333", Start: start, End: end, Limit: 51},
		"attribute":  {Stream: store.StreamCloudTrail, Account: "111122223333", Start: start, End: end, AttrKey: "Username", AttrValue: "user4", Limit: 51},
	} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				evs, err := db.QueryEvents(b.Context(), q)
				if err != nil || len(evs) != 51 {
					b.Fatalf("%d events, %v", len(evs), err)
				}
			}
		})
	}
}
