package trail_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/moatdev/moat/internal/store"
	"github.com/moatdev/moat/internal/store/sqlite"
	"github.com/moatdev/moat/internal/trail"
)

// TestSurvivesKill runs a child process that records from several
// goroutines and prints each eventID once Record returned; the parent
// kills it with SIGKILL mid-stream, reopens the database and checks that
// every printed record is there. (synchronous=NORMAL promises this much;
// FULL adds power loss, which a test cannot simulate.)
func TestSurvivesKill(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	t.Parallel()
	path := filepath.Join(t.TempDir(), "moat.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestKillChild$")
	cmd.Env = append(os.Environ(), "MOAT_KILL_CHILD_DB="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var acked []string
	sc := bufio.NewScanner(out)
	for sc.Scan() && len(acked) < 200 {
		acked = append(acked, sc.Text())
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait() //nolint:errcheck // killed on purpose
	if len(acked) < 200 {
		t.Fatalf("child acknowledged only %d records", len(acked))
	}
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	evs, err := db.ReadEvents(t.Context(), store.StreamCloudTrail, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, e := range evs {
		have[e.ID] = true
	}
	for _, id := range acked {
		if !have[id] {
			t.Errorf("acknowledged record %s lost", id)
		}
	}
	t.Logf("%d acknowledged, %d stored after SIGKILL", len(acked), len(evs))
}

// TestKillChild is the child of TestSurvivesKill; it does nothing unless
// run by it.
func TestKillChild(t *testing.T) {
	path := os.Getenv("MOAT_KILL_CHILD_DB")
	if path == "" {
		t.Skip("child process of TestSurvivesKill")
	}
	db, err := sqlite.Open(path, sqlite.WithSynchronousNormal())
	if err != nil {
		t.Fatal(err)
	}
	w := trail.NewWriter(db)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				r := userRecord(fmt.Sprint("u", g), "GetUser", time.Now())
				if err := w.Record(context.Background(), r); err != nil {
					return
				}
				mu.Lock()
				fmt.Fprintln(os.Stdout, r.EventID)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
}
