package bus_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/moatdev/moat/internal/bus"
	"github.com/moatdev/moat/internal/store"
	"github.com/moatdev/moat/internal/store/sqlite"
	"github.com/moatdev/moat/internal/trail"
)

func openDB(t *testing.T, path string) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func rec(name string) *trail.Record {
	return &trail.Record{
		UserIdentity: trail.UserIdentity{Type: trail.IdentityIAMUser, AccountID: "111122223333", UserName: "alice"},
		EventSource:  "iam.amazonaws.com", EventName: name, AwsRegion: "us-east-1",
	}
}

// collector records what a subscriber saw.
type collector struct {
	mu    sync.Mutex
	names []string
	seqs  []int64
	got   chan struct{}
}

func newCollector() *collector { return &collector{got: make(chan struct{}, 1000)} }

func (c *collector) fn(ev store.Event) error {
	r, err := trail.Decode(ev.Body)
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.names = append(c.names, r.EventName)
	c.seqs = append(c.seqs, ev.Seq)
	c.mu.Unlock()
	c.got <- struct{}{}
	return nil
}

func (c *collector) waitFor(t *testing.T, n int) {
	t.Helper()
	for range n {
		select {
		case <-c.got:
		case <-time.After(10 * time.Second):
			t.Fatalf("timed out; saw %v", c.snapshot())
		}
	}
}

func (c *collector) snapshot() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.names...)
}

// subscribe runs Subscribe in a goroutine; the returned func stops it and
// returns its error.
func subscribe(b *bus.Bus, consumer, stream string, fn func(store.Event) error) func() error {
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- b.Subscribe(ctx, consumer, stream, fn) }()
	return func() error { cancel(); return <-errc }
}

// TestDeliveryAndRestart: backlog then live events arrive in order; after
// a close and reopen the consumer resumes after what it acknowledged.
func TestDeliveryAndRestart(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "moat.db")
	db := openDB(t, path)
	b := bus.New(db, bus.WithFallback(0)) // only Notify wakes: proves it works
	w := trail.NewWriter(db, trail.WithOnCommit(b.OnCommit))
	for i := range 3 {
		if err := w.Record(t.Context(), rec(fmt.Sprintf("Backlog%d", i))); err != nil {
			t.Fatal(err)
		}
	}
	c := newCollector()
	stop := subscribe(b, "detector", store.StreamCloudTrail, c.fn)
	c.waitFor(t, 3)
	for i := range 4 {
		if err := w.Record(t.Context(), rec(fmt.Sprintf("Live%d", i))); err != nil {
			t.Fatal(err)
		}
	}
	c.waitFor(t, 4)
	if err := stop(); err != nil {
		t.Fatalf("Subscribe returned %v after cancel, want nil", err)
	}
	want := "[Backlog0 Backlog1 Backlog2 Live0 Live1 Live2 Live3]"
	if got := fmt.Sprint(c.snapshot()); got != want {
		t.Fatalf("delivered %s, want %s", got, want)
	}
	// Written while the consumer is down.
	if err := w.Record(t.Context(), rec("WhileDown")); err != nil {
		t.Fatal(err)
	}
	w.Close()
	db.Close()

	db = openDB(t, path)
	b = bus.New(db, bus.WithFallback(0))
	w = trail.NewWriter(db, trail.WithOnCommit(b.OnCommit))
	defer w.Close()
	c2 := newCollector()
	stop = subscribe(b, "detector", store.StreamCloudTrail, c2.fn)
	c2.waitFor(t, 1)
	if err := w.Record(t.Context(), rec("AfterRestart")); err != nil {
		t.Fatal(err)
	}
	c2.waitFor(t, 1)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(c2.snapshot()); got != "[WhileDown AfterRestart]" {
		t.Fatalf("after restart delivered %s, want [WhileDown AfterRestart]", got)
	}
	off, err := db.Offset(t.Context(), "detector")
	if err != nil || off != c2.seqs[1] {
		t.Fatalf("offset = %d, %v; want %d", off, err, c2.seqs[1])
	}
}

// TestHandlerError: Subscribe returns fn's error, acknowledges what came
// before, and the failed event is delivered again next time.
func TestHandlerError(t *testing.T) {
	t.Parallel()
	db := openDB(t, filepath.Join(t.TempDir(), "moat.db"))
	w := trail.NewWriter(db)
	defer w.Close()
	for _, n := range []string{"A", "B", "C"} {
		if err := w.Record(t.Context(), rec(n)); err != nil {
			t.Fatal(err)
		}
	}
	b := bus.New(db)
	boom := errors.New("boom")
	var seen []string
	err := b.Subscribe(t.Context(), "c", store.StreamCloudTrail, func(ev store.Event) error {
		r, _ := trail.Decode(ev.Body)
		seen = append(seen, r.EventName)
		if r.EventName == "B" {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Subscribe = %v, want boom", err)
	}
	c := newCollector()
	stop := subscribe(b, "c", store.StreamCloudTrail, c.fn)
	c.waitFor(t, 2)
	stop()
	if fmt.Sprint(seen) != "[A B]" || fmt.Sprint(c.snapshot()) != "[B C]" {
		t.Fatalf("first run %v, second run %v; want [A B] then [B C]", seen, c.snapshot())
	}
}

// TestConsumersAndStreams: consumers keep separate offsets and see only
// their stream.
func TestConsumersAndStreams(t *testing.T) {
	t.Parallel()
	db := openDB(t, filepath.Join(t.TempDir(), "moat.db"))
	b := bus.New(db, bus.WithFallback(0), bus.WithBatch(2))
	w := trail.NewWriter(db, trail.WithOnCommit(b.OnCommit))
	defer w.Close()
	if err := db.AppendEvents(t.Context(), []store.Event{{Stream: "flow", ID: "f1"}}); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if err := w.Record(t.Context(), rec(fmt.Sprint("E", i))); err != nil {
			t.Fatal(err)
		}
	}
	c1, c2 := newCollector(), newCollector()
	stop1 := subscribe(b, "one", store.StreamCloudTrail, c1.fn)
	c1.waitFor(t, 5)
	stop1()
	stop2 := subscribe(b, "two", store.StreamCloudTrail, c2.fn)
	c2.waitFor(t, 5)
	stop2()
	want := "[E0 E1 E2 E3 E4]"
	if fmt.Sprint(c1.snapshot()) != want || fmt.Sprint(c2.snapshot()) != want {
		t.Fatalf("one saw %v, two saw %v; want %s each", c1.snapshot(), c2.snapshot(), want)
	}
	flows := make(chan string, 10)
	stop := subscribe(b, "flows", "flow", func(ev store.Event) error { flows <- ev.ID; return nil })
	if id := <-flows; id != "f1" {
		t.Fatalf("flow subscriber saw %v", id)
	}
	stop()
	if len(flows) != 0 {
		t.Fatalf("flow subscriber saw more: %v", <-flows)
	}
}

// TestFallback: events appended without Notify (another process) are
// picked up by the fallback ticker.
func TestFallback(t *testing.T) {
	t.Parallel()
	db := openDB(t, filepath.Join(t.TempDir(), "moat.db"))
	b := bus.New(db, bus.WithFallback(20*time.Millisecond))
	got := make(chan string, 1)
	stop := subscribe(b, "c", "flow", func(ev store.Event) error { got <- ev.ID; return nil })
	defer stop()
	time.Sleep(30 * time.Millisecond)
	if err := db.AppendEvents(t.Context(), []store.Event{{Stream: "flow", ID: "quiet"}}); err != nil {
		t.Fatal(err)
	}
	select {
	case id := <-got:
		if id != "quiet" {
			t.Fatalf("got %s", id)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("event appended without Notify never delivered")
	}
}

func TestClosedStore(t *testing.T) {
	t.Parallel()
	db := openDB(t, filepath.Join(t.TempDir(), "moat.db"))
	db.Close()
	err := bus.New(db).Subscribe(t.Context(), "c", store.StreamCloudTrail, func(store.Event) error { return nil })
	if !errors.Is(err, store.ErrClosed) {
		t.Fatalf("Subscribe on a closed store: %v, want ErrClosed", err)
	}
}

// TestNotifyConcurrent: Notify from many goroutines while subscribers
// wait; every event is delivered exactly once per consumer.
func TestNotifyConcurrent(t *testing.T) {
	t.Parallel()
	db := openDB(t, filepath.Join(t.TempDir(), "moat.db"))
	b := bus.New(db, bus.WithFallback(0), bus.WithBatch(7))
	w := trail.NewWriter(db, trail.WithOnCommit(b.OnCommit))
	defer w.Close()
	cols := []*collector{newCollector(), newCollector(), newCollector()}
	var stops []func() error
	for i, c := range cols {
		stops = append(stops, subscribe(b, fmt.Sprint("c", i), store.StreamCloudTrail, c.fn))
	}
	const n = 60
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := w.Record(context.Background(), rec(fmt.Sprint("E", i))); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	for i, c := range cols {
		c.waitFor(t, n)
		if err := stops[i](); err != nil {
			t.Fatal(err)
		}
		seen := map[int64]bool{}
		for j, s := range c.seqs {
			if seen[s] || (j > 0 && s <= c.seqs[j-1]) {
				t.Fatalf("consumer %d: Seq %d duplicated or out of order", i, s)
			}
			seen[s] = true
		}
	}
}
