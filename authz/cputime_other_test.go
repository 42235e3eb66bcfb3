//go:build !unix

package authz_test

func processCPU() (int64, bool) { return 0, false }
