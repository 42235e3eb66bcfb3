//go:build race

package eventpattern

// raceEnabled: the race detector slows matching and makes sync.Pool drop
// items, so timing and allocation checks are skipped.
const raceEnabled = true
