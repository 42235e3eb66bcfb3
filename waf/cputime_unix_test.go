//go:build unix

package waf

import (
	"syscall"
	"testing"
	"time"
)

// processCPU returns the user+system CPU time of this process; on a shared
// machine it is steadier than wall time.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU adds cpu-ns/op and requests per CPU-second.
func reportCPU(b *testing.B, start time.Duration) {
	if used := processCPU() - start; start > 0 && b.N > 0 && used > 0 {
		b.ReportMetric(float64(used)/float64(b.N), "cpu-ns/op")
		b.ReportMetric(float64(b.N)/used.Seconds(), "req/cpu-s")
	}
}
