package identity

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"time"
)

// TableMFA holds virtual MFA devices by serial number (their ARN).
const TableMFA = "iam.mfa"

// MFADevice is a virtual MFA device: a TOTP seed (RFC 6238: HMAC-SHA1,
// 30-second steps, 6 digits, as AWS's virtual devices use).
type MFADevice struct {
	SerialNumber string    `json:"serialNumber"`
	Account      string    `json:"account"`
	Seed         string    `json:"seed"` // base32, as returned once by CreateVirtualMFADevice
	UserName     string    `json:"userName,omitempty"`
	Enabled      time.Time `json:"enabled,omitempty"`
	LastStep     int64     `json:"lastStep"`        // the last step accepted: a code is not accepted twice
	Drift        int64     `json:"drift,omitempty"` // steps the device's clock runs ahead (ResyncMFADevice)
}

// Match checks code against the device at time t, its drift applied, and
// returns the step it matched; a step at or before LastStep is refused.
func (d *MFADevice) Match(code string, t time.Time) (step int64, ok bool) {
	return MatchTOTP(d.Seed, code, t.Add(time.Duration(d.Drift)*30*time.Second), d.LastStep)
}

// ResyncWindow is how far, in 30-second steps either way, ResyncMFADevice
// looks for two consecutive codes. AWS does not document its window; ten
// minutes covers a phone whose clock has wandered.
const ResyncWindow = 20

// FindTOTPPair looks for code1 and code2 at two consecutive steps within
// ResyncWindow steps of t and returns the step of code2.
func FindTOTPPair(seed, code1, code2 string, t time.Time) (step int64, ok bool) {
	now := t.Unix() / 30
	for s := now - ResyncWindow; s <= now+ResyncWindow; s++ {
		c1, err := totpAt(seed, s)
		if err != nil {
			return 0, false
		}
		if !hmac.Equal([]byte(c1), []byte(code1)) {
			continue
		}
		if c2, _ := totpAt(seed, s+1); hmac.Equal([]byte(c2), []byte(code2)) {
			return s + 1, true
		}
	}
	return 0, false
}

// NewMFASeed returns a random 40-character base32 seed.
func NewMFASeed() string {
	b := make([]byte, 25)
	if _, err := rand.Read(b); err != nil {
		panic("identity: crypto/rand failed: " + err.Error())
	}
	return base32.StdEncoding.EncodeToString(b)
}

// TOTP returns the 6-digit code of seed for the 30-second step of t.
func TOTP(seed string, t time.Time) (string, error) {
	return totpAt(seed, t.Unix()/30)
}

func totpAt(seed string, step int64) (string, error) {
	key, err := base32.StdEncoding.DecodeString(seed)
	if err != nil {
		return "", fmt.Errorf("identity: MFA seed: %w", err)
	}
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(step))
	mac := hmac.New(sha1.New, key)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	v := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	return fmt.Sprintf("%06d", v%1000000), nil
}

// MatchTOTP returns the step at which code is valid for seed, within one
// step of t either way (clock drift), after the step last; ok is false when
// it is not.
func MatchTOTP(seed, code string, t time.Time, last int64) (step int64, ok bool) {
	now := t.Unix() / 30
	for s := now - 1; s <= now+1; s++ {
		if s <= last {
			continue
		}
		c, err := totpAt(seed, s)
		if err == nil && hmac.Equal([]byte(c), []byte(code)) {
			return s, true
		}
	}
	return 0, false
}
