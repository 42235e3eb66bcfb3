package sigv4

import (
	"strconv"
	"testing"
)

// TestSignerCache checks that signers (and so derived keys) are shared per
// (access key, secret) and that the cache stays bounded.
func TestSignerCache(t *testing.T) {
	t.Parallel()
	v := &Verifier{}
	s1 := v.signer("AKID", "secret")
	if v.signer("AKID", "secret") != s1 {
		t.Fatal("same credentials got a new signer")
	}
	if v.signer("AKID", "rotated") == s1 || v.signer("OTHER", "secret") == s1 {
		t.Fatal("different credentials share a signer")
	}
	for i := range maxSigners + 10 {
		v.signer("AKID"+strconv.Itoa(i), "s")
	}
	if n := len(v.signers); n > maxSigners {
		t.Fatalf("cache holds %d signers, bound is %d", n, maxSigners)
	}
}
