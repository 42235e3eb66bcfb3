package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"runtime"
	"sync"
	"time"

	"github.com/moatdev/moat/internal/store"

	_ "modernc.org/sqlite" // registers the "sqlite" driver (pure Go)
)

// ErrSchemaTooNew is returned by Open for a database written by a newer moat.
var ErrSchemaTooNew = errors.New("store/sqlite: database schema is newer than this binary")

// Option configures Open.
type Option func(*config)

type config struct {
	synchronous string
	busyTimeout time.Duration
	readers     int
}

// WithSynchronousNormal trades durability for speed: in WAL mode with
// synchronous=NORMAL a commit survives a process crash but the last
// transactions may be lost on power loss or an OS crash. The default is
// synchronous=FULL: a commit that returned survives both.
func WithSynchronousNormal() Option { return func(c *config) { c.synchronous = "NORMAL" } }

// WithBusyTimeout sets how long a connection waits for a lock held by
// another process (default 5s). Within one process writes are serialized in
// Go and never wait on SQLite's lock.
func WithBusyTimeout(d time.Duration) Option { return func(c *config) { c.busyTimeout = d } }

// WithReaders sets the number of read connections (default: max(4, 2*GOMAXPROCS)).
func WithReaders(n int) Option { return func(c *config) { c.readers = n } }

// DB is a store.Store backed by one SQLite file. It is safe for concurrent
// use: writes (Update, AppendEvents, SetOffset) run one at a time on a single
// connection, reads run concurrently on a pool of read-only connections,
// each View on its own WAL snapshot.
type DB struct {
	w, r *sql.DB

	gate   sync.RWMutex // held for reading by in-flight calls; Close takes it for writing
	closed bool
	wg     sync.WaitGroup

	ix        *attrIndex // the event log's lookup index (attrindex.go)
	stopIndex chan struct{}
	indexDone chan struct{}
}

var _ store.Store = (*DB)(nil)

// Open opens (creating it with mode 0600 if needed) the SQLite database at
// path and migrates its schema to this binary's version.
func Open(path string, opts ...Option) (*DB, error) {
	cfg := config{synchronous: "FULL", busyTimeout: 5 * time.Second, readers: max(4, 2*runtime.GOMAXPROCS(0))}
	for _, o := range opts {
		o(&cfg)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("store/sqlite: open %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("store/sqlite: open %s: %w", path, err)
	}
	q := url.Values{}
	q.Set("_busy_timeout", fmt.Sprint(cfg.busyTimeout.Milliseconds()))
	q.Set("_journal_mode", "WAL")
	q.Set("_synchronous", cfg.synchronous)
	q.Set("_foreign_keys", "1")
	q.Set("_txlock", "immediate")
	base := "file:" + (&url.URL{Path: path}).EscapedPath()
	w, err := sql.Open("sqlite", base+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("store/sqlite: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	ctx := context.Background()
	if err := migrate(ctx, w); err != nil {
		w.Close()
		return nil, fmt.Errorf("store/sqlite: open %s: %w", path, err)
	}
	q.Del("_journal_mode") // already persistent in the file
	q.Del("_txlock")
	q.Set("_query_only", "1")
	r, err := sql.Open("sqlite", base+"?"+q.Encode())
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("store/sqlite: open %s: %w", path, err)
	}
	r.SetMaxOpenConns(cfg.readers)
	r.SetMaxIdleConns(cfg.readers)
	db := &DB{w: w, r: r, ix: newAttrIndex(), stopIndex: make(chan struct{}), indexDone: make(chan struct{})}
	if err := db.ix.rebuild(ctx, r); err != nil {
		r.Close()
		w.Close()
		return nil, fmt.Errorf("store/sqlite: open %s: %w", path, err)
	}
	go db.ix.run(db.stopIndex, db.indexDone)
	return db, nil
}

// enter registers an in-flight call; the returned func ends it.
func (db *DB) enter() (func(), error) {
	db.gate.RLock()
	defer db.gate.RUnlock()
	if db.closed {
		return nil, store.ErrClosed
	}
	db.wg.Add(1)
	return db.wg.Done, nil
}

// Close waits for in-flight calls, checkpoints the WAL and closes the file.
func (db *DB) Close() error {
	db.gate.Lock()
	if db.closed {
		db.gate.Unlock()
		return nil
	}
	db.closed = true
	db.gate.Unlock()
	db.wg.Wait()
	close(db.stopIndex)
	<-db.indexDone
	err := db.r.Close()
	if _, cerr := db.w.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); cerr != nil && err == nil {
		err = cerr
	}
	if cerr := db.w.Close(); cerr != nil && err == nil {
		err = cerr
	}
	return err
}

// Update runs fn in one write transaction (BEGIN IMMEDIATE on the single
// writer connection, so writers queue in Go and never see SQLITE_BUSY).
func (db *DB) Update(ctx context.Context, fn func(store.Tx) error) error {
	return db.update(ctx, func(tx *sql.Tx) error { return fn(&kvTx{ctx: ctx, tx: tx}) })
}

// View runs fn in a read-only transaction on one snapshot.
func (db *DB) View(ctx context.Context, fn func(store.Tx) error) error {
	return db.view(ctx, func(tx *sql.Tx) error { return fn(&kvTx{ctx: ctx, tx: tx, ro: true}) })
}

func (db *DB) update(ctx context.Context, fn func(*sql.Tx) error) error {
	return db.run(ctx, db.w, false, fn)
}

func (db *DB) view(ctx context.Context, fn func(*sql.Tx) error) error {
	return db.run(ctx, db.r, true, fn)
}

func (db *DB) run(ctx context.Context, pool *sql.DB, ro bool, fn func(*sql.Tx) error) (err error) {
	leave, err := db.enter()
	if err != nil {
		return err
	}
	defer leave()
	tx, err := pool.BeginTx(ctx, &sql.TxOptions{ReadOnly: ro})
	if err != nil {
		return fmt.Errorf("store/sqlite: begin: %w", err)
	}
	done := false
	defer func() {
		if !done {
			tx.Rollback() //nolint:errcheck // rolling back after a panic
		}
	}()
	if err := fn(tx); err != nil {
		done = true
		if rerr := tx.Rollback(); rerr != nil && !errors.Is(rerr, sql.ErrTxDone) {
			return errors.Join(err, rerr)
		}
		return err
	}
	done = true
	if ro {
		if err := tx.Rollback(); err != nil && !errors.Is(err, sql.ErrTxDone) {
			return err
		}
		return nil
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store/sqlite: commit: %w", err)
	}
	return nil
}
