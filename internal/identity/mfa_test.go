package identity

import (
	"testing"
	"time"
)

// RFC 6238 appendix B, SHA-1, truncated to the 6 digits AWS's devices show.
func TestTOTPVectors(t *testing.T) {
	seed := "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" // "12345678901234567890"
	cases := []struct {
		unix int64
		want string
	}{{59, "287082"}, {1111111109, "081804"}, {1111111111, "050471"}, {1234567890, "005924"}, {2000000000, "279037"}}
	for _, tc := range cases {
		got, err := TOTP(seed, time.Unix(tc.unix, 0))
		if err != nil || got != tc.want {
			t.Errorf("T=%d: %s %v, want %s", tc.unix, got, err, tc.want)
		}
	}
	now := time.Unix(1111111111, 0)
	code, _ := TOTP(seed, now)
	step, ok := MatchTOTP(seed, code, now, 0)
	if !ok {
		t.Fatal("a current code does not match")
	}
	if _, ok := MatchTOTP(seed, code, now, step); ok {
		t.Fatal("a code was accepted twice")
	}
	if _, ok := MatchTOTP(seed, code, now.Add(5*time.Minute), 0); ok {
		t.Fatal("a code five minutes old was accepted")
	}
	if _, err := TOTP("not base32!", now); err == nil {
		t.Fatal("a bad seed gave a code")
	}
}
