package trail_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/moatdev/moat/internal/store/sqlite"
	"github.com/moatdev/moat/internal/trail"
)

// BenchmarkRecord measures durable records per second from 1 and from 16
// concurrent callers: with group commit, 16 callers share each fsync.
func BenchmarkRecord(b *testing.B) {
	for _, sync := range []string{"FULL", "NORMAL"} {
		for _, callers := range []int{1, 16} {
			b.Run(fmt.Sprintf("sync=%s/callers=%d", sync, callers), func(b *testing.B) {
				var opts []sqlite.Option
				if sync == "NORMAL" {
					opts = append(opts, sqlite.WithSynchronousNormal())
				}
				benchRecord(b, callers, opts...)
			})
		}
	}
}

func benchRecord(b *testing.B, callers int, opts ...sqlite.Option) {
	db, err := sqlite.Open(b.TempDir()+"/moat.db", opts...)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	w := trail.NewWriter(db)
	defer w.Close()
	b.ResetTimer()
	var wg sync.WaitGroup
	next := make(chan struct{}, callers)
	for range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range next {
				r := userRecord("alice", "GetUser", time.Now())
				if err := w.Record(context.Background(), r); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	for range b.N {
		next <- struct{}{}
	}
	close(next)
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
	st := w.Stats()
	b.ReportMetric(float64(st.Records)/float64(max(st.Commits, 1)), "records/commit")
}
