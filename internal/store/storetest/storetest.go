// Package storetest is the conformance suite every store.Store backend runs:
//
//	func TestConformance(t *testing.T) { storetest.Run(t, openMyBackend) }
//
// It uses only the store interfaces, so a backend that passes behaves as the
// rest of moat expects: CRUD and Insert conflicts, Scan order and bounds,
// rollback, snapshot isolation, serializable concurrent updates, the event
// log's ordering, Seq monotonicity across a reopen, queries and paging,
// consumer offsets, and ErrClosed after Close.
package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/moatdev/moat/internal/store"
)

// Open returns a store for the test. Called twice with the same t, it must
// return a store over the same data (the suite closes the first store before
// it opens the second): that is how the suite checks what survives a reopen.
// The backend's test registers cleanup (Close may be called twice).
type Open func(t *testing.T) store.Store

// Run runs the whole suite against the backend open returns.
func Run(t *testing.T, open Open) {
	t.Helper()
	groups := []struct {
		name  string
		tests map[string]func(*testing.T, Open)
	}{
		{"KV", kvTests},
		{"Tx", txTests},
		{"Events", eventTests},
		{"Lifecycle", lifecycleTests},
	}
	n := 0
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			for name, test := range g.tests {
				n++
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					test(t, open)
				})
			}
		})
	}
	if n < 30 {
		t.Fatalf("storetest ran %d tests, want at least 30", n)
	}
}

func update(t *testing.T, s store.Store, fn func(store.Tx) error) {
	t.Helper()
	if err := s.Update(context.Background(), fn); err != nil {
		t.Fatalf("Update: %v", err)
	}
}

func view(t *testing.T, s store.Store, fn func(store.Tx) error) {
	t.Helper()
	if err := s.View(context.Background(), fn); err != nil {
		t.Fatalf("View: %v", err)
	}
}

func put(t *testing.T, s store.Store, table string, kvs ...string) {
	t.Helper()
	update(t, s, func(tx store.Tx) error {
		for i := 0; i+1 < len(kvs); i += 2 {
			if err := tx.Put(table, kvs[i], []byte(kvs[i+1])); err != nil {
				return err
			}
		}
		return nil
	})
}

func get(t *testing.T, s store.Store, table, key string) (string, error) {
	t.Helper()
	var v []byte
	err := s.View(context.Background(), func(tx store.Tx) error {
		var err error
		v, err = tx.Get(table, key)
		return err
	})
	return string(v), err
}

func mustGet(t *testing.T, s store.Store, table, key, want string) {
	t.Helper()
	got, err := get(t, s, table, key)
	if err != nil {
		t.Fatalf("Get(%q, %q): %v", table, key, err)
	}
	if got != want {
		t.Fatalf("Get(%q, %q) = %q, want %q", table, key, got, want)
	}
}

func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("%s: error %v, want %v", what, err, target)
	}
}
