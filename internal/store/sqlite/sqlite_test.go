package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moatdev/moat/internal/store"
	"github.com/moatdev/moat/internal/store/sqlite"
	"github.com/moatdev/moat/internal/store/storetest"
)

// paths gives each test one database file, so that storetest's second
// open(t) reopens the same data.
var paths sync.Map // *testing.T -> string

func openFor(opts ...sqlite.Option) storetest.Open {
	return func(t *testing.T) store.Store {
		t.Helper()
		p, _ := paths.LoadOrStore(t, filepath.Join(t.TempDir(), "moat.db"))
		db, err := sqlite.Open(p.(string), opts...)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		t.Cleanup(func() {
			if err := db.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
			paths.Delete(t)
		})
		return db
	}
}

func TestConformance(t *testing.T) { storetest.Run(t, openFor()) }

func TestConformanceSynchronousNormal(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	storetest.Run(t, openFor(sqlite.WithSynchronousNormal()))
}

func open(t *testing.T, path string) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestFileModes(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "moat.db")
	db := open(t, path)
	if err := db.Update(t.Context(), func(tx store.Tx) error { return tx.Put("t", "k", []byte("v")) }); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", filepath.Base(p), fi.Mode().Perm())
		}
	}
}

func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

func TestPragmas(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "moat.db")
	db := open(t, path)
	_ = db
	var mode string
	if err := rawDB(t, path).QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if mode != "wal" {
		t.Errorf("journal_mode = %q, want wal", mode)
	}
}

func TestRefusesNewerSchema(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "moat.db")
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	raw := rawDB(t, path)
	if _, err := raw.Exec(`UPDATE schema_version SET version = 99`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	_, err = sqlite.Open(path)
	if !errors.Is(err, sqlite.ErrSchemaTooNew) {
		t.Fatalf("Open of a newer schema: %v, want ErrSchemaTooNew", err)
	}
	if !strings.Contains(err.Error(), "99") || !strings.Contains(err.Error(), "upgrade moat") {
		t.Errorf("error %q does not say which version nor what to do", err)
	}
}

func TestReopenKeepsSchema(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "moat.db")
	for range 3 {
		db, err := sqlite.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		db.Close()
	}
	var n, v int
	raw := rawDB(t, path)
	if err := raw.QueryRow(`SELECT COUNT(*), MAX(version) FROM schema_version`).Scan(&n, &v); err != nil {
		t.Fatal(err)
	}
	if n != 1 || v != sqlite.SchemaVersion() {
		t.Fatalf("schema_version rows=%d version=%d, want 1 row of %d", n, v, sqlite.SchemaVersion())
	}
}

func TestOpenErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if _, err := sqlite.Open(filepath.Join(dir, "missing-dir", "moat.db")); err == nil {
		t.Error("Open in a missing directory succeeded")
	}
	garbage := filepath.Join(dir, "garbage.db")
	if err := os.WriteFile(garbage, []byte(strings.Repeat("not a database ", 100)), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := sqlite.Open(garbage); err == nil {
		t.Error("Open of a non-database file succeeded")
	}
}

func TestCorruptEventRow(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "moat.db")
	db := open(t, path)
	ctx := t.Context()
	evs := []store.Event{{Stream: "cloudtrail", Time: time.Now(), ID: "a", Attrs: map[string]string{"EventName": "X"}}}
	if err := db.AppendEvents(ctx, evs); err != nil {
		t.Fatal(err)
	}
	if _, err := rawDB(t, path).Exec(`UPDATE events SET attrs = '{not json'`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ReadEvents(ctx, "cloudtrail", 0, 0); err == nil || !strings.Contains(err.Error(), "corrupt attrs") {
		t.Errorf("ReadEvents of a corrupt row: %v, want a corrupt attrs error", err)
	}
	if _, err := db.QueryEvents(ctx, store.EventQuery{Stream: "cloudtrail"}); err == nil {
		t.Error("QueryEvents of a corrupt row succeeded")
	}
}

func TestQueryNeedsStream(t *testing.T) {
	t.Parallel()
	db := open(t, filepath.Join(t.TempDir(), "moat.db"))
	if _, err := db.QueryEvents(t.Context(), store.EventQuery{}); err == nil {
		t.Error("QueryEvents without a stream succeeded")
	}
}

// TestAppendTimeout: a write waiting for the writer connection gives up
// when its context ends, and the store stays usable.
func TestAppendTimeout(t *testing.T) {
	t.Parallel()
	db := open(t, filepath.Join(t.TempDir(), "moat.db"))
	hold, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- db.Update(context.Background(), func(store.Tx) error { close(hold); <-release; return nil })
	}()
	<-hold
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	err := db.AppendEvents(ctx, []store.Event{{Stream: "cloudtrail", ID: "x"}})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("AppendEvents while the writer is busy: %v, want DeadlineExceeded", err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := db.AppendEvents(t.Context(), []store.Event{{Stream: "cloudtrail", ID: "y"}}); err != nil {
		t.Fatal(err)
	}
}
