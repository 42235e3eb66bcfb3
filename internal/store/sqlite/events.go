package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/moatdev/moat/internal/store"
)

// AppendEvents appends evs in one write transaction and sets their Seq.
// On error no event is appended and evs' Seq are left as they were.
//
// The whole batch goes in with one multi-row INSERT, not a statement per
// row: group commit hands this method dozens of events at a time. Their
// lookup attributes are indexed in memory (attrindex.go).
func (db *DB) AppendEvents(ctx context.Context, evs []store.Event) error {
	if len(evs) == 0 {
		return nil
	}
	for i := range evs {
		if evs[i].Stream == "" {
			return fmt.Errorf("store/sqlite: append event %d: empty stream", i)
		}
	}
	rows := make([][]any, len(evs))
	for i := range evs {
		ev := &evs[i]
		attrs, err := json.Marshal(nonNilMap(ev.Attrs))
		if err != nil {
			return err
		}
		res := ev.Resources
		if res == nil {
			res = []store.Resource{}
		}
		resJSON, err := json.Marshal(res)
		if err != nil {
			return err
		}
		// seq (index 0) is filled in once the transaction knows the sequence.
		rows[i] = []any{nil, ev.Stream, ev.Account, ev.Region, ev.Time.UnixNano(), ev.ID, string(attrs), string(resJSON), nonNil(ev.Body)}
	}
	seqs := make([]int64, len(evs))
	err := db.update(ctx, func(tx *sql.Tx) error {
		var last int64
		if err := tx.QueryRowContext(ctx, `SELECT value FROM sequences WHERE name = 'events'`).Scan(&last); err != nil {
			return fmt.Errorf("store/sqlite: read event sequence: %w", err)
		}
		for i := range rows {
			seqs[i] = last + int64(i) + 1
			rows[i][0] = seqs[i]
		}
		if err := insertRows(ctx, tx, `INSERT INTO events (seq, stream, account, region, time_ns, event_id, attrs, resources, body) VALUES `, rows); err != nil {
			return fmt.Errorf("store/sqlite: append event: %w", err)
		}
		_, err := tx.ExecContext(ctx, `UPDATE sequences SET value = ? WHERE name = 'events'`, seqs[len(seqs)-1])
		return err
	})
	if err != nil {
		return err
	}
	for i := range evs {
		evs[i].Seq = seqs[i]
	}
	db.ix.add(evs)
	return nil
}

// maxVariables keeps each statement under SQLite's default limit of bound
// parameters (32766 since 3.32; PostgreSQL allows 65535).
const maxVariables = 32000

// insertRows inserts rows (all of one width) with as few multi-row INSERT
// statements as the variable limit allows.
func insertRows(ctx context.Context, tx *sql.Tx, prefix string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	width := len(rows[0])
	per := maxVariables / width
	tuple := "(" + strings.TrimSuffix(strings.Repeat("?, ", width), ", ") + ")"
	for len(rows) > 0 {
		n := min(per, len(rows))
		var q strings.Builder
		q.Grow(len(prefix) + n*(len(tuple)+2))
		q.WriteString(prefix)
		args := make([]any, 0, n*width)
		for i, r := range rows[:n] {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString(tuple)
			args = append(args, r...)
		}
		if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

// indexed returns the distinct (key, value) pairs to index for ev.
func indexed(ev *store.Event) [][2]string {
	seen := make(map[[2]string]bool, len(ev.Attrs)+2*len(ev.Resources))
	var out [][2]string
	add := func(k, v string) {
		p := [2]string{k, v}
		if v == "" || seen[p] {
			return
		}
		seen[p] = true
		out = append(out, p)
	}
	for k, v := range ev.Attrs {
		add(k, v)
	}
	for _, r := range ev.Resources {
		add(store.AttrResourceType, r.Type)
		add(store.AttrResourceName, r.Name)
	}
	return out
}

const eventCols = `e.seq, e.stream, e.account, e.region, e.time_ns, e.event_id, e.attrs, e.resources, e.body`

// QueryEvents returns matching events newest first.
func (db *DB) QueryEvents(ctx context.Context, q store.EventQuery) ([]store.Event, error) {
	if q.Stream == "" {
		return nil, errors.New("store/sqlite: query events: empty stream")
	}
	var out []store.Event
	err := db.view(ctx, func(tx *sql.Tx) error {
		var cursor int64
		if q.BeforeSeq != 0 {
			err := tx.QueryRowContext(ctx, `SELECT time_ns FROM events WHERE seq = ?`, q.BeforeSeq).Scan(&cursor)
			if errors.Is(err, sql.ErrNoRows) {
				out = []store.Event{}
				return nil // nothing sorts after an unknown cursor
			}
			if err != nil {
				return fmt.Errorf("store/sqlite: query events: %w", err)
			}
		}
		var err error
		if q.AttrKey != "" {
			out, err = eventsBySeq(ctx, tx, db.ix.find(q, cursor))
			return err
		}
		query, args := eventQuery(q, cursor)
		out, err = queryEvents(ctx, tx, query, args...)
		return err
	})
	return out, err
}

// eventQuery builds the SQL of QueryEvents without an attribute; cursor is
// the time of q.BeforeSeq. It walks the events (stream, account, time_ns,
// seq) index newest first, so a page reads about Limit rows, not every
// match. Attribute queries go through the in-memory index (attrindex.go).
func eventQuery(q store.EventQuery, cursor int64) (string, []any) {
	var where []string
	var args []any
	cond := func(c string, a ...any) { where = append(where, c); args = append(args, a...) }
	from, t := `events e`, `e`
	cond(`e.stream = ?`, q.Stream)
	if q.Account != "" {
		cond(t+`.account = ?`, q.Account)
	}
	if q.Region != "" {
		cond(`e.region = ?`, q.Region)
	}
	if !q.Start.IsZero() {
		cond(t+`.time_ns >= ?`, q.Start.UnixNano())
	}
	if !q.End.IsZero() {
		cond(t+`.time_ns <= ?`, q.End.UnixNano())
	}
	if q.BeforeSeq != 0 {
		cond(`(`+t+`.time_ns < ? OR (`+t+`.time_ns = ? AND `+t+`.seq < ?))`, cursor, cursor, q.BeforeSeq)
	}
	query := `SELECT ` + eventCols + ` FROM ` + from + ` WHERE ` + strings.Join(where, ` AND `) +
		` ORDER BY ` + t + `.time_ns DESC, ` + t + `.seq DESC`
	if q.Limit > 0 {
		query += ` LIMIT ?`
		args = append(args, q.Limit)
	}
	return query, args
}

// ReadEvents returns events of stream after afterSeq, oldest first.
func (db *DB) ReadEvents(ctx context.Context, stream string, afterSeq int64, limit int) ([]store.Event, error) {
	query := `SELECT ` + eventCols + ` FROM events e WHERE e.stream = ? AND e.seq > ? ORDER BY e.seq`
	args := []any{stream, afterSeq}
	if limit > 0 {
		query += ` LIMIT ?`
		args = append(args, limit)
	}
	var out []store.Event
	err := db.view(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = queryEvents(ctx, tx, query, args...)
		return err
	})
	return out, err
}

func queryEvents(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]store.Event, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store/sqlite: query events: %w", err)
	}
	defer rows.Close()
	out := []store.Event{}
	for rows.Next() {
		var ev store.Event
		var ns int64
		var attrs, res string
		if err := rows.Scan(&ev.Seq, &ev.Stream, &ev.Account, &ev.Region, &ns, &ev.ID, &attrs, &res, &ev.Body); err != nil {
			return nil, fmt.Errorf("store/sqlite: query events: %w", err)
		}
		ev.Time = timeFromNS(ns)
		if err := json.Unmarshal([]byte(attrs), &ev.Attrs); err != nil {
			return nil, fmt.Errorf("store/sqlite: event %d: corrupt attrs: %w", ev.Seq, err)
		}
		if err := json.Unmarshal([]byte(res), &ev.Resources); err != nil {
			return nil, fmt.Errorf("store/sqlite: event %d: corrupt resources: %w", ev.Seq, err)
		}
		if len(ev.Resources) == 0 {
			ev.Resources = nil
		}
		out = append(out, ev)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store/sqlite: query events: %w", err)
	}
	return out, nil
}

// Offset returns the consumer's stored Seq, or 0.
func (db *DB) Offset(ctx context.Context, consumer string) (int64, error) {
	var seq int64
	err := db.view(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT seq FROM consumer_offsets WHERE consumer = ?`, consumer).Scan(&seq)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store/sqlite: offset of %q: %w", consumer, err)
	}
	return seq, nil
}

// SetOffset stores the consumer's Seq durably.
func (db *DB) SetOffset(ctx context.Context, consumer string, seq int64) error {
	err := db.update(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO consumer_offsets (consumer, seq) VALUES (?, ?)
			ON CONFLICT (consumer) DO UPDATE SET seq = excluded.seq`, consumer, seq)
		return err
	})
	if err != nil {
		return fmt.Errorf("store/sqlite: set offset of %q: %w", consumer, err)
	}
	return nil
}

func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

func timeFromNS(ns int64) time.Time { return time.Unix(0, ns).UTC() }
