//go:build unix

package authz_test

import "syscall"

// processCPU returns the CPU time (user + system) this process has used, in
// nanoseconds, so benchmarks can report per-decision cost that does not
// depend on how busy a shared machine is.
func processCPU() (int64, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return ru.Utime.Nano() + ru.Stime.Nano(), true
}
