package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/moatdev/moat/internal/store"

	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// scanBatch is how many rows Scan reads before calling fn, so fn may use the
// same Tx (SQLite forbids nothing here, but a write under an open cursor on
// the same table has surprising results).
const scanBatch = 256

// kvTx is store.Tx over one database/sql transaction.
type kvTx struct {
	ctx context.Context
	tx  *sql.Tx
	ro  bool
}

func (t *kvTx) Get(table, key string) ([]byte, error) {
	var v []byte
	err := t.tx.QueryRowContext(t.ctx, `SELECT v FROM kv WHERE tbl = ? AND k = ?`, table, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: %s/%s", store.ErrNotFound, table, key)
	}
	if err != nil {
		return nil, fmt.Errorf("store/sqlite: get %s/%s: %w", table, key, err)
	}
	if v == nil {
		v = []byte{}
	}
	return v, nil
}

func (t *kvTx) Put(table, key string, value []byte) error {
	if t.ro {
		return store.ErrReadOnly
	}
	_, err := t.tx.ExecContext(t.ctx,
		`INSERT INTO kv (tbl, k, v) VALUES (?, ?, ?) ON CONFLICT (tbl, k) DO UPDATE SET v = excluded.v`,
		table, key, nonNil(value))
	if err != nil {
		return fmt.Errorf("store/sqlite: put %s/%s: %w", table, key, err)
	}
	return nil
}

func (t *kvTx) Insert(table, key string, value []byte) error {
	if t.ro {
		return store.ErrReadOnly
	}
	_, err := t.tx.ExecContext(t.ctx, `INSERT INTO kv (tbl, k, v) VALUES (?, ?, ?)`, table, key, nonNil(value))
	var se *sqlite.Error
	if errors.As(err, &se) && se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY {
		return fmt.Errorf("%w: %s/%s", store.ErrExists, table, key)
	}
	if err != nil {
		return fmt.Errorf("store/sqlite: insert %s/%s: %w", table, key, err)
	}
	return nil
}

func (t *kvTx) Delete(table, key string) error {
	if t.ro {
		return store.ErrReadOnly
	}
	res, err := t.tx.ExecContext(t.ctx, `DELETE FROM kv WHERE tbl = ? AND k = ?`, table, key)
	if err != nil {
		return fmt.Errorf("store/sqlite: delete %s/%s: %w", table, key, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("store/sqlite: delete %s/%s: %w", table, key, err)
	}
	if n == 0 {
		return fmt.Errorf("%w: %s/%s", store.ErrNotFound, table, key)
	}
	return nil
}

type kv struct {
	k string
	v []byte
}

func (t *kvTx) Scan(table, prefix, after string, limit int, fn func(key string, value []byte) error) error {
	lo := max(prefix, after)
	loIncl := prefix > after // prefix itself is a candidate key; after never is
	hi, bounded := prefixEnd(prefix)
	seen := 0
	for {
		n := scanBatch
		if limit > 0 {
			n = min(n, limit-seen)
		}
		batch, err := t.scanBatch(table, lo, loIncl, hi, bounded, n)
		if err != nil {
			return err
		}
		for _, e := range batch {
			if err := fn(e.k, e.v); err != nil {
				return err
			}
		}
		seen += len(batch)
		if len(batch) < n || (limit > 0 && seen >= limit) {
			return nil
		}
		lo, loIncl = batch[len(batch)-1].k, false
	}
}

func (t *kvTx) scanBatch(table, lo string, loIncl bool, hi string, bounded bool, n int) ([]kv, error) {
	q := `SELECT k, v FROM kv WHERE tbl = ? AND k > ?`
	if loIncl {
		q = `SELECT k, v FROM kv WHERE tbl = ? AND k >= ?`
	}
	args := []any{table, lo}
	if bounded {
		q += ` AND k < ?`
		args = append(args, hi)
	}
	q += ` ORDER BY k LIMIT ?`
	args = append(args, n)
	rows, err := t.tx.QueryContext(t.ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store/sqlite: scan %s: %w", table, err)
	}
	defer rows.Close()
	var out []kv
	for rows.Next() {
		var e kv
		if err := rows.Scan(&e.k, &e.v); err != nil {
			return nil, fmt.Errorf("store/sqlite: scan %s: %w", table, err)
		}
		if e.v == nil {
			e.v = []byte{}
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store/sqlite: scan %s: %w", table, err)
	}
	return out, nil
}

// prefixEnd returns the least string greater than every string with the
// prefix, or false when there is none (empty prefix, or all 0xff bytes).
func prefixEnd(prefix string) (string, bool) {
	b := []byte(prefix)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xff {
			b[i]++
			return string(b[:i+1]), true
		}
	}
	return "", false
}

func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}
