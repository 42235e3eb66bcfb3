package storetest

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"

	"github.com/moatdev/moat/internal/store"
)

var txTests = map[string]func(*testing.T, Open){
	"RollbackOnError":       testRollbackOnError,
	"RollbackOnPanic":       testRollbackOnPanic,
	"ReadYourWrites":        testReadYourWrites,
	"ViewIsReadOnly":        testViewIsReadOnly,
	"ViewSnapshot":          testViewSnapshot,
	"UncommittedInvisible":  testUncommittedInvisible,
	"ConcurrentIncrements":  testConcurrentIncrements,
	"ConcurrentReadWrite":   testConcurrentReadWrite,
	"CanceledContext":       testCanceledContext,
	"CommittedIsDurable":    testCommittedIsDurable,
	"ConcurrentDistinctKey": testConcurrentDistinctKeys,
}

func testRollbackOnError(t *testing.T, open Open) {
	s := open(t)
	put(t, s, "t", "keep", "old")
	boom := errors.New("boom")
	err := s.Update(t.Context(), func(tx store.Tx) error {
		if err := tx.Put("t", "keep", []byte("new")); err != nil {
			return err
		}
		if err := tx.Put("t", "added", []byte("x")); err != nil {
			return err
		}
		if err := tx.Delete("t", "keep"); err != nil {
			return err
		}
		return fmt.Errorf("wrapped: %w", boom)
	})
	wantErr(t, "Update", err, boom)
	mustGet(t, s, "t", "keep", "old")
	_, err = get(t, s, "t", "added")
	wantErr(t, "Get of a rolled-back Put", err, store.ErrNotFound)
}

func testRollbackOnPanic(t *testing.T, open Open) {
	s := open(t)
	func() {
		defer func() {
			if r := recover(); r != "boom" {
				t.Errorf("recovered %v, want the panic to propagate", r)
			}
		}()
		_ = s.Update(t.Context(), func(tx store.Tx) error {
			if err := tx.Put("t", "k", []byte("v")); err != nil {
				return err
			}
			panic("boom")
		})
	}()
	_, err := get(t, s, "t", "k")
	wantErr(t, "Get after a panicking Update", err, store.ErrNotFound)
	put(t, s, "t", "k", "after") // the store is still usable
	mustGet(t, s, "t", "k", "after")
}

func testReadYourWrites(t *testing.T, open Open) {
	s := open(t)
	update(t, s, func(tx store.Tx) error {
		if err := tx.Put("t", "k", []byte("v")); err != nil {
			return err
		}
		v, err := tx.Get("t", "k")
		if err != nil || string(v) != "v" {
			t.Errorf("Get inside Update = %q, %v", v, err)
		}
		n := 0
		if err := tx.Scan("t", "", "", 0, func(string, []byte) error { n++; return nil }); err != nil {
			return err
		}
		if n != 1 {
			t.Errorf("Scan inside Update saw %d keys, want 1", n)
		}
		return nil
	})
}

func testViewIsReadOnly(t *testing.T, open Open) {
	s := open(t)
	put(t, s, "t", "k", "v")
	err := s.View(t.Context(), func(tx store.Tx) error {
		wantErr(t, "Put in View", tx.Put("t", "k", []byte("x")), store.ErrReadOnly)
		wantErr(t, "Insert in View", tx.Insert("t", "n", []byte("x")), store.ErrReadOnly)
		wantErr(t, "Delete in View", tx.Delete("t", "k"), store.ErrReadOnly)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	mustGet(t, s, "t", "k", "v")
}

// testViewSnapshot: a View keeps seeing the data as of its first read while
// an Update commits.
func testViewSnapshot(t *testing.T, open Open) {
	s := open(t)
	put(t, s, "t", "a", "1", "b", "1")
	read, written := make(chan struct{}), make(chan struct{})
	go func() {
		<-read
		put(t, s, "t", "a", "2", "b", "2")
		close(written)
	}()
	view(t, s, func(tx store.Tx) error {
		if v, err := tx.Get("t", "a"); err != nil || string(v) != "1" {
			t.Errorf("first read = %q, %v", v, err)
		}
		close(read)
		<-written
		if v, err := tx.Get("t", "b"); err != nil || string(v) != "1" {
			t.Errorf("read after a concurrent commit = %q, %v; want the snapshot's 1", v, err)
		}
		return nil
	})
	mustGet(t, s, "t", "b", "2")
}

func testUncommittedInvisible(t *testing.T, open Open) {
	s := open(t)
	put(t, s, "t", "k", "old")
	update(t, s, func(tx store.Tx) error {
		if err := tx.Put("t", "k", []byte("new")); err != nil {
			return err
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			got, err := get(t, s, "t", "k")
			if err != nil || got != "old" {
				t.Errorf("concurrent View saw %q, %v; want old", got, err)
			}
		}()
		<-done
		return nil
	})
	mustGet(t, s, "t", "k", "new")
}

// testConcurrentIncrements: read-modify-write Updates from many goroutines
// never lose an update and never fail (no SQLITE_BUSY-style errors).
func testConcurrentIncrements(t *testing.T, open Open) {
	s := open(t)
	const workers, each = 16, 25
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				err := s.Update(context.Background(), func(tx store.Tx) error {
					n := 0
					v, err := tx.Get("t", "counter")
					switch {
					case errors.Is(err, store.ErrNotFound):
					case err != nil:
						return err
					default:
						if n, err = strconv.Atoi(string(v)); err != nil {
							return err
						}
					}
					return tx.Put("t", "counter", []byte(strconv.Itoa(n+1)))
				})
				if err != nil {
					t.Errorf("Update: %v", err)
					return
				}
			}
		}()
	}
	wg.Wait()
	mustGet(t, s, "t", "counter", strconv.Itoa(workers*each))
}

// testConcurrentReadWrite: Views run while Updates write two keys that must
// always be seen equal.
func testConcurrentReadWrite(t *testing.T, open Open) {
	s := open(t)
	put(t, s, "t", "x", "0", "y", "0")
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 20 {
				if i%2 == 0 {
					v := strconv.Itoa(i*100 + j)
					if err := s.Update(context.Background(), func(tx store.Tx) error {
						if err := tx.Put("t", "x", []byte(v)); err != nil {
							return err
						}
						return tx.Put("t", "y", []byte(v))
					}); err != nil {
						t.Errorf("Update: %v", err)
					}
					continue
				}
				if err := s.View(context.Background(), func(tx store.Tx) error {
					x, err := tx.Get("t", "x")
					if err != nil {
						return err
					}
					y, err := tx.Get("t", "y")
					if err != nil {
						return err
					}
					if string(x) != string(y) {
						t.Errorf("torn read: x=%s y=%s", x, y)
					}
					return nil
				}); err != nil {
					t.Errorf("View: %v", err)
				}
			}
		}()
	}
	wg.Wait()
}

func testConcurrentDistinctKeys(t *testing.T, open Open) {
	s := open(t)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := s.Update(context.Background(), func(tx store.Tx) error {
				return tx.Insert("t", fmt.Sprintf("k%02d", i), []byte("v"))
			})
			if err != nil {
				t.Errorf("Insert k%02d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	view(t, s, func(tx store.Tx) error {
		n := 0
		err := tx.Scan("t", "k", "", 0, func(string, []byte) error { n++; return nil })
		if n != 20 {
			t.Errorf("keys = %d, want 20", n)
		}
		return err
	})
}

func testCanceledContext(t *testing.T, open Open) {
	s := open(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	called := false
	err := s.Update(ctx, func(tx store.Tx) error { called = true; return tx.Put("t", "k", []byte("v")) })
	if err == nil {
		t.Fatal("Update with a canceled context succeeded")
	}
	if called {
		t.Error("Update ran fn with a canceled context")
	}
	if _, err := get(t, s, "t", "k"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get after a canceled Update: %v, want ErrNotFound", err)
	}
}

func testCommittedIsDurable(t *testing.T, open Open) {
	s := open(t)
	put(t, s, "t", "k", "v")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t)
	mustGet(t, s, "t", "k", "v")
}
