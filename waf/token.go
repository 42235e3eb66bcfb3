package waf

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"strings"
	"time"
)

// TokenCookie is the cookie AWS WAF's CAPTCHA and Challenge actions use.
const TokenCookie = "aws-waf-token"

// Token labels (waf-tokens-labeling): added when a CAPTCHA or Challenge
// rule matches.
const (
	LabelTokenAccepted = "awswaf:managed:token:accepted"
	LabelTokenRejected = "awswaf:managed:token:rejected"
	LabelTokenAbsent   = "awswaf:managed:token:absent"
)

// IssueToken returns an aws-waf-token value signed with key, recording a
// solved challenge at challengeAt and, if captchaAt is not zero, a solved
// CAPTCHA. AWS's tokens are opaque and encrypted by AWS; moat's are its own
// format (v1.<payload>.<mac>) and are only valid for the moat that signed
// them.
func IssueToken(key []byte, challengeAt, captchaAt time.Time) string {
	var p [16]byte
	binary.BigEndian.PutUint64(p[:8], uint64(challengeAt.Unix()))
	if !captchaAt.IsZero() {
		binary.BigEndian.PutUint64(p[8:], uint64(captchaAt.Unix()))
	}
	mac := hmac.New(sha256.New, key)
	mac.Write(p[:])
	enc := base64.RawURLEncoding
	return "v1." + enc.EncodeToString(p[:]) + "." + enc.EncodeToString(mac.Sum(nil)[:16])
}

// parseToken verifies a token and returns its timestamps.
func parseToken(key []byte, tok string) (challengeAt, captchaAt int64, ok bool) {
	rest, found := strings.CutPrefix(tok, "v1.")
	if !found || len(key) == 0 {
		return 0, 0, false
	}
	ps, ms, found := strings.Cut(rest, ".")
	if !found {
		return 0, 0, false
	}
	enc := base64.RawURLEncoding
	var p [16]byte
	var m [16]byte
	if n, err := enc.Decode(p[:], bytesOf(ps)); err != nil || n != 16 || enc.DecodedLen(len(ps)) != 16 {
		return 0, 0, false
	}
	if n, err := enc.Decode(m[:], bytesOf(ms)); err != nil || n != 16 || enc.DecodedLen(len(ms)) != 16 {
		return 0, 0, false
	}
	mac := hmac.New(sha256.New, key)
	mac.Write(p[:])
	if !hmac.Equal(mac.Sum(nil)[:16], m[:]) {
		return 0, 0, false
	}
	return int64(binary.BigEndian.Uint64(p[:8])), int64(binary.BigEndian.Uint64(p[8:])), true
}

// tokenValid reports whether the request carries a token that passes a
// CAPTCHA (a solved CAPTCHA within the immunity time) or a Challenge (a
// solved challenge or CAPTCHA within the immunity time), and labels the
// request as AWS does.
func (w *WebACL) tokenValid(ec *evalCtx, r *rule, kind Action) bool {
	var chAt, caAt int64
	present, valid := false, false
	for _, c := range ec.cookieList() {
		if c.k == TokenCookie {
			present = true
			chAt, caAt, valid = parseToken(w.tokenKey, c.v)
			break
		}
	}
	switch {
	case !present:
		ec.addLabel(LabelTokenAbsent)
		return false
	case !valid:
		ec.addLabel(LabelTokenRejected)
		return false
	}
	now := ec.now.Unix()
	immunity := w.challengeImmunity
	if r.challengeImmunity > 0 {
		immunity = r.challengeImmunity
	}
	at := max(chAt, caAt)
	if kind == Captcha {
		immunity = w.captchaImmunity
		if r.captchaImmunity > 0 {
			immunity = r.captchaImmunity
		}
		at = caAt
	}
	ok := at > 0 && at <= now+60 && now-at <= int64(immunity/time.Second)
	if ok {
		ec.addLabel(LabelTokenAccepted)
	} else {
		ec.addLabel(LabelTokenRejected)
	}
	return ok
}
