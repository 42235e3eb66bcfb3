package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations are applied in order; migration i brings the schema to version
// i+1. Never edit a released migration: append a new one. The SQL is kept
// portable (PostgreSQL runs the same statements): no AUTOINCREMENT, no
// INSERT OR REPLACE, no SQLite-only types.
var migrations = []string{
	// 1: key-value tables, event log, offsets. The log's lookup index by
	// attribute lives in memory (attrindex.go).
	`CREATE TABLE kv (
		tbl TEXT NOT NULL,
		k   TEXT NOT NULL,
		v   BLOB NOT NULL,
		PRIMARY KEY (tbl, k)
	);
	CREATE TABLE events (
		seq       INTEGER PRIMARY KEY,
		stream    TEXT    NOT NULL,
		account   TEXT    NOT NULL,
		region    TEXT    NOT NULL,
		time_ns   BIGINT  NOT NULL,
		event_id  TEXT    NOT NULL,
		attrs     TEXT    NOT NULL,
		resources TEXT    NOT NULL,
		body      BLOB    NOT NULL
	);
	CREATE INDEX events_stream_account_time ON events (stream, account, time_ns, seq);
	CREATE INDEX events_stream_seq ON events (stream, seq);
	CREATE TABLE sequences (
		name  TEXT   PRIMARY KEY,
		value BIGINT NOT NULL
	);
	INSERT INTO sequences (name, value) VALUES ('events', 0);
	CREATE TABLE consumer_offsets (
		consumer TEXT   PRIMARY KEY,
		seq      BIGINT NOT NULL
	);`,
}

// SchemaVersion is the schema version this binary writes.
func SchemaVersion() int { return len(migrations) }

// migrate brings the database to SchemaVersion in one transaction, or
// refuses a database written by a newer binary.
func migrate(ctx context.Context, db *sql.DB) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // no-op after Commit
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`); err != nil {
		return err
	}
	var have int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_version`).Scan(&have); err != nil {
		return err
	}
	if have > SchemaVersion() {
		return fmt.Errorf("%w: the database has schema version %d, this binary knows up to %d: upgrade moat to open it",
			ErrSchemaTooNew, have, SchemaVersion())
	}
	if have == SchemaVersion() {
		return tx.Commit()
	}
	for v := have; v < SchemaVersion(); v++ {
		if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
			return fmt.Errorf("migration %d: %w", v+1, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM schema_version`); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version) VALUES (?)`, SchemaVersion()); err != nil {
		return err
	}
	return tx.Commit()
}
