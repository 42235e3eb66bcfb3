package sqlite

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/moatdev/moat/internal/store"
)

// TestQueryPlans: the queries LookupEvents and the bus make walk an index
// in order: no full scan, no sort of every match.
func TestQueryPlans(t *testing.T) {
	t.Parallel()
	db, err := Open(filepath.Join(t.TempDir(), "moat.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Now()
	lookup := store.EventQuery{Stream: "cloudtrail", Account: "111122223333", Start: now.Add(-time.Hour), End: now, Limit: 51}
	paged := lookup
	paged.BeforeSeq = 10
	regional := lookup
	regional.Region = "us-east-1"
	// Attribute lookups use the in-memory index, not SQL (attrindex.go).
	for name, q := range map[string]store.EventQuery{"time range": lookup, "time range, paged": paged, "region": regional} {
		query, args := eventQuery(q, now.UnixNano())
		checkPlan(t, db, name, query, args...)
	}
	checkPlan(t, db, "ReadEvents", `SELECT `+eventCols+` FROM events e WHERE e.stream = ? AND e.seq > ? ORDER BY e.seq LIMIT 10`, "cloudtrail", 0)
}

func checkPlan(t *testing.T, db *DB, name, query string, args ...any) {
	t.Helper()
	rows, err := db.r.Query(`EXPLAIN QUERY PLAN `+query, args...)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	p := strings.Join(plan, "; ")
	if len(plan) == 0 || strings.Contains(p, "TEMP B-TREE") || strings.Contains(p, "SCAN e") || strings.Contains(p, "SCAN a") {
		t.Errorf("%s: plan %q sorts or scans", name, p)
	}
	t.Logf("%s: %s", name, p)
}

// TestConnectionPragmas: every connection gets the settings Open promises.
func TestConnectionPragmas(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		opts []Option
		sync int
	}{{"default", nil, 2}, {"normal", []Option{WithSynchronousNormal()}, 1}} {
		db, err := Open(filepath.Join(t.TempDir(), "moat.db"), c.opts...)
		if err != nil {
			t.Fatal(err)
		}
		for _, conn := range []struct {
			name      string
			pool      *sql.DB
			queryOnly int
		}{{"writer", db.w, 0}, {"reader", db.r, 1}} {
			want := map[string]int{"synchronous": c.sync, "foreign_keys": 1, "busy_timeout": 5000, "query_only": conn.queryOnly}
			for pragma, v := range want {
				var got int
				if err := conn.pool.QueryRow(`PRAGMA ` + pragma).Scan(&got); err != nil {
					t.Fatal(err)
				}
				if got != v {
					t.Errorf("%s %s: PRAGMA %s = %d, want %d", c.name, conn.name, pragma, got, v)
				}
			}
			var mode string
			if err := conn.pool.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
				t.Errorf("%s %s: journal_mode %q, %v", c.name, conn.name, mode, err)
			}
		}
		db.Close()
	}
}
