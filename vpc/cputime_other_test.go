//go:build !unix

package vpc

func processCPU() (int64, bool) { return 0, false }
