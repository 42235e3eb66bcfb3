//go:build race

package posture_test

const raceEnabled = true
