//go:build unix

package policy_test

import (
	"syscall"
	"testing"
	"time"
)

// processCPU returns the user+system CPU time this process has used. On a
// shared machine it is a steadier measure than wall time: benchmarks report
// it as cpu-ns/op next to ns/op.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func reportCPU(b *testing.B, start time.Duration) {
	if start > 0 && b.N > 0 {
		b.ReportMetric(float64(processCPU()-start)/float64(b.N), "cpu-ns/op")
	}
}
