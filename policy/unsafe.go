package policy

import "unsafe"

// unsafeString views b as a string without copying. Callers must not modify b
// while the string is in use and must not let the string escape the call.
func unsafeString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }
