//go:build unix

package detect

import (
	"syscall"
	"time"
)

// processCPU returns the user+system CPU time of this process. The machine
// is shared, so benchmarks report records per CPU-second next to wall-clock
// records/s.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
