package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/moatdev/moat/internal/store"
)

var lifecycleTests = map[string]func(*testing.T, Open){
	"ClosedStore":         testClosedStore,
	"CloseTwice":          testCloseTwice,
	"CloseWaitsInFlight":  testCloseWaitsInFlight,
	"ConcurrentWithClose": testConcurrentWithClose,
}

func testClosedStore(t *testing.T, open Open) {
	s := open(t)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	noop := func(store.Tx) error { return nil }
	wantErr(t, "Update", s.Update(ctx, noop), store.ErrClosed)
	wantErr(t, "View", s.View(ctx, noop), store.ErrClosed)
	wantErr(t, "AppendEvents", s.AppendEvents(ctx, []store.Event{ev("a", t0)}), store.ErrClosed)
	_, err := s.QueryEvents(ctx, store.EventQuery{Stream: store.StreamCloudTrail})
	wantErr(t, "QueryEvents", err, store.ErrClosed)
	_, err = s.ReadEvents(ctx, store.StreamCloudTrail, 0, 0)
	wantErr(t, "ReadEvents", err, store.ErrClosed)
	_, err = s.Offset(ctx, "c")
	wantErr(t, "Offset", err, store.ErrClosed)
	wantErr(t, "SetOffset", s.SetOffset(ctx, "c", 1), store.ErrClosed)
}

func testCloseTwice(t *testing.T, open Open) {
	s := open(t)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

// testCloseWaitsInFlight: Close lets a running Update finish and commit.
func testCloseWaitsInFlight(t *testing.T, open Open) {
	s := open(t)
	started, closing := make(chan struct{}), make(chan struct{})
	updated := make(chan error, 1)
	go func() {
		updated <- s.Update(context.Background(), func(tx store.Tx) error {
			close(started)
			<-closing
			time.Sleep(50 * time.Millisecond) // Close is waiting by now
			return tx.Put("t", "k", []byte("v"))
		})
	}()
	<-started
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	close(closing)
	if err := <-updated; err != nil {
		t.Fatalf("in-flight Update: %v", err)
	}
	if err := <-closed; err != nil {
		t.Fatalf("Close: %v", err)
	}
	s = open(t)
	mustGet(t, s, "t", "k", "v")
}

// testConcurrentWithClose: calls racing Close either succeed or fail with
// ErrClosed; nothing else, no panic, no race.
func testConcurrentWithClose(t *testing.T, open Open) {
	s := open(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; ; j++ {
				var err error
				if i%2 == 0 {
					err = s.Update(context.Background(), func(tx store.Tx) error { return tx.Put("t", "k", []byte("v")) })
				} else {
					_, err = s.ReadEvents(context.Background(), store.StreamCloudTrail, 0, 10)
				}
				if errors.Is(err, store.ErrClosed) {
					return
				}
				if err != nil {
					t.Errorf("call %d racing Close: %v", j, err)
					return
				}
			}
		}()
	}
	time.Sleep(20 * time.Millisecond)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
}
