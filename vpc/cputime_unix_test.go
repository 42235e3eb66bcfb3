//go:build unix

package vpc

import "syscall"

// processCPU returns the CPU time (user + system) this process has used, in
// nanoseconds, so benchmarks can report a cost that depends less on how busy
// the shared machine is.
func processCPU() (int64, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return ru.Utime.Nano() + ru.Stime.Nano(), true
}
