package events

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/moatdev/moat/internal/service/logs"
	"github.com/moatdev/moat/internal/store"
	"github.com/moatdev/moat/internal/store/sqlite"
)

const testAccount = "111122223333"

func openTestStore(tb testing.TB) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(filepath.Join(tb.TempDir(), "moat.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = db.Close() })
	return db
}

func emitN(tb testing.TB, db store.Store, n int, label string) {
	tb.Helper()
	err := db.Update(context.Background(), func(tx store.Tx) error {
		for i := range n {
			d := fmt.Sprintf(`{"findings":[{"Id":"f-%d","Severity":{"Label":%q}}]}`, i, label)
			if err := Emit(tx, Finding{Source: SourceSecurityHub, DetailType: DetailSecurityHubImported, Account: testAccount, Region: "us-east-1",
				Resources: []string{"arn:x/f"}, Detail: json.RawMessage(d)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

func outboxLen(tb testing.TB, db store.Store) int {
	n := 0
	_ = db.View(context.Background(), func(tx store.Tx) error {
		return tx.Scan(TableOutbox, "", "", 0, func(string, []byte) error { n++; return nil })
	})
	return n
}

// Emit writes in the finding's transaction: a rolled-back finding leaves
// no event; a committed one is moved to the findings stream in order, and
// without rules the offset passes it.
func TestFindingsOutbox(t *testing.T) {
	db := openTestStore(t)
	ctx := context.Background()
	boom := errors.New("boom")
	err := db.Update(ctx, func(tx store.Tx) error {
		if err := Emit(tx, Finding{Source: SourceMacie, DetailType: DetailMacieFinding, Account: testAccount, Region: "us-east-1", Detail: json.RawMessage(`{}`)}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) || outboxLen(t, db) != 0 {
		t.Fatalf("a rolled-back finding left its event: %v, %d", err, outboxLen(t, db))
	}
	emitN(t, db, 3, "LOW")
	off, err := findingsTick(ctx, db, Targets{}, false, 0, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	evs, err := db.ReadEvents(ctx, store.StreamFindings, 0, 0)
	if err != nil || len(evs) != 3 || off != evs[2].Seq || outboxLen(t, db) != 0 {
		t.Fatalf("stream %d events, offset %d, outbox %d: %v", len(evs), off, outboxLen(t, db), err)
	}
	for i, ev := range evs {
		var env envelope
		if err := json.Unmarshal(ev.Body, &env); err != nil || env.Version != "0" || env.Source != SourceSecurityHub || ev.ID != env.ID ||
			string(env.Detail) != fmt.Sprintf(`{"findings":[{"Id":"f-%d","Severity":{"Label":"LOW"}}]}`, i) || len(env.Resources) != 1 {
			t.Errorf("event %d: %s (%v)", i, ev.Body, err)
		}
	}
	if stored, _ := db.Offset(ctx, findingsConsumer); stored != off {
		t.Errorf("stored offset %d, want %d", stored, off)
	}
}

// withLogRule stores a rule on the default bus matching HIGH Security Hub
// findings, targeting a log group.
func withLogRule(tb testing.TB, db store.Store) {
	tb.Helper()
	err := db.Update(context.Background(), func(tx store.Tx) error {
		if _, err := logs.CreateGroupTx(tx, testAccount, "us-east-1", "/findings", time.Now()); err != nil {
			return err
		}
		return saveRule(tx, &Rule{Name: "high", Account: testAccount, Region: "us-east-1", Bus: "default", State: "ENABLED",
			EventPattern: `{"source":["aws.securityhub"],"detail":{"findings":{"Severity":{"Label":["HIGH"]}}}}`,
			Targets:      []Target{{Id: "log", Arn: "arn:aws:logs:us-east-1:" + testAccount + ":log-group:/findings"}}})
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// The idle cost of a tick: empty outbox, no rule (the server polls every
// second).
func BenchmarkFindingsTickIdle(b *testing.B) {
	db := openTestStore(b)
	ctx := context.Background()
	emitN(b, db, 1, "LOW")
	if _, err := findingsTick(ctx, db, Targets{}, false, 0, time.Now); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := findingsTick(ctx, db, Targets{}, false, 1, time.Now); err != nil {
			b.Fatal(err)
		}
	}
}

// Emitting and delivering 100 findings (half matching a rule with a log
// group target): outbox write, move to the stream, match, deliver.
func BenchmarkFindingsDeliver(b *testing.B) {
	db := openTestStore(b)
	ctx := context.Background()
	withLogRule(b, db)
	var off int64
	b.ReportAllocs()
	for b.Loop() {
		emitN(b, db, 50, "HIGH")
		emitN(b, db, 50, "LOW")
		var err error
		if off, err = findingsTick(ctx, db, Targets{}, true, off, time.Now); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*100), "ns/finding")
}
