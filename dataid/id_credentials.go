package dataid

import (
	"bytes"
	"encoding/base64"
	"strings"
)

// Credentials identifiers (Macie's credentials page) and moat's AWS access key id.

func init() {
	register(&Managed{ID: "AWS_CREDENTIALS", Category: Credentials, Countries: []string{"Any"}, Recommended: true,
		Keywords:    []string{"aws_secret_access_key", "credentials", "secret access key", "secret key", "set-awscredential"},
		KeywordRule: KeywordRequired, trig: triggerKeyword, window: 80,
		re: mustRe(`[A-Za-z0-9/+]{40}`), valid: validAWSSecret})
	register(&Managed{ID: "GCP_API_KEY", Category: Credentials, Countries: []string{"Any"},
		Keywords: []string{"G_PLACES_KEY", "GCP api key", "GCP key", "google cloud key", "google-api-key",
			"google-cloud-apikeys", "GOOGLEKEY", "X-goog-api-key"},
		KeywordRule: KeywordRequired, trig: triggerKeyword, window: 80, re: mustRe(`AIza[0-9A-Za-z_-]{35}`)})
	register(&Managed{ID: "HTTP_BASIC_AUTH_HEADER", Category: Credentials, Countries: []string{"Any"}, Recommended: true,
		trig: triggerAnchor, anchors: []string{"authorization:"}, findAt: findBasicAuth})
	register(&Managed{ID: "JSON_WEB_TOKEN", Category: Credentials, Countries: []string{"Any"},
		trig: triggerAnchor, anchors: []string{"eyJ"}, findAt: findJWT})
	register(&Managed{ID: "OPENSSH_PRIVATE_KEY", Category: Credentials, Countries: []string{"Any"}, Recommended: true,
		trig: triggerAnchor, anchors: []string{"-----BEGIN OPENSSH PRIVATE KEY-----"}, findAt: findPEM})
	register(&Managed{ID: "PGP_PRIVATE_KEY", Category: Credentials, Countries: []string{"Any"}, Recommended: true,
		trig: triggerAnchor, anchors: []string{"-----BEGIN PGP PRIVATE KEY BLOCK-----"}, findAt: findPEM})
	register(&Managed{ID: "PKCS", Category: Credentials, Countries: []string{"Any"}, Recommended: true,
		trig: triggerAnchor, anchors: []string{"-----BEGIN PRIVATE KEY-----", "-----BEGIN RSA PRIVATE KEY-----",
			"-----BEGIN EC PRIVATE KEY-----", "-----BEGIN DSA PRIVATE KEY-----", "-----BEGIN ENCRYPTED PRIVATE KEY-----"},
		findAt: findPEM})
	register(&Managed{ID: "PUTTY_PRIVATE_KEY", Category: Credentials, Countries: []string{"Any"}, Recommended: true,
		trig: triggerAnchor, anchors: []string{"PuTTY-User-Key-File-"}, findAt: findPuTTY})
	register(&Managed{ID: "STRIPE_CREDENTIALS", Category: Credentials, Countries: []string{"Any"}, Recommended: true,
		trig: triggerAnchor, anchors: []string{"sk_live_", "sk_test_", "pk_live_", "pk_test_", "rk_live_", "rk_test_"},
		findAt: findStripe})
	register(&Managed{ID: "AWS_ACCESS_KEY_ID", Category: Credentials, Countries: []string{"Any"}, Extended: true,
		trig: triggerAnchor, anchors: []string{"AKIA", "ASIA", "ABIA", "ACCA"}, findAt: findAccessKeyID})
}

// The AWS documentation's example keys, which Macie does not report.
var awsExampleSecrets = map[string]bool{
	"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY": true,
	"je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY": true,
}

// validAWSSecret: 40 base64 characters with upper- and lower-case letters
// (which rules out hex digests such as git hashes), not a documentation example.
func validAWSSecret(m []byte) (bool, bool) {
	var up, low bool
	for _, c := range m {
		up = up || isUpper(c)
		low = low || ('a' <= c && c <= 'z')
	}
	return up && low && !awsExampleSecrets[string(m)] && !bytes.Contains(m, []byte("EXAMPLE")), false
}

func isB64(c byte) bool    { return isAlnum(c) || c == '+' || c == '/' }
func isB64URL(c byte) bool { return isAlnum(c) || c == '-' || c == '_' }

// findBasicAuth: "Authorization: Basic <base64 of user:password>" (also
// Proxy-Authorization, which ends with the same anchor), RFC 7617.
func findBasicAuth(b []byte, s, e int, out []span) []span {
	start := s
	if s >= 6 && bytes.EqualFold(b[s-6:s], []byte("proxy-")) {
		start = s - 6
	}
	if !leftOK(b, start) {
		return out
	}
	i := e
	for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
		i++
	}
	if i+6 > len(b) || !bytes.EqualFold(b[i:i+5], []byte("basic")) || b[i+5] != ' ' {
		return out
	}
	i += 6
	t := i
	for t < len(b) && isB64(b[t]) {
		t++
	}
	for t < len(b) && b[t] == '=' && t-i < 2048 {
		t++
	}
	if t-i < 4 || t-i > 2048 {
		return out
	}
	var buf [1536]byte
	n, err := base64.StdEncoding.Decode(buf[:], b[i:t])
	if err != nil || bytes.IndexByte(buf[:n], ':') < 1 {
		return out
	}
	return append(out, span{start, t, false})
}

// findJWT: base64url header "eyJ..." decoding to a JSON object with "alg",
// a payload segment and an optional (unsigned) signature segment.
func findJWT(b []byte, s, e int, out []span) []span {
	if s > 0 && (isB64URL(b[s-1]) || b[s-1] == '.') || string(b[s:s+3]) != "eyJ" {
		return out
	}
	seg := func(i int) int {
		for i < len(b) && isB64URL(b[i]) {
			i++
		}
		return i
	}
	h := seg(s)
	if h >= len(b) || b[h] != '.' || h-s > 1024 {
		return out
	}
	p := seg(h + 1)
	if p == h+1 || p >= len(b) || b[p] != '.' {
		return out
	}
	sig := seg(p + 1)
	if sig < len(b) && (b[sig] == '.' || b[sig] == '=') {
		return out
	}
	var buf [768]byte
	n, err := base64.RawURLEncoding.Decode(buf[:], b[s:h])
	if err != nil || !bytes.Contains(buf[:n], []byte(`"alg"`)) || buf[0] != '{' {
		return out
	}
	return append(out, span{s, sig, false})
}

// findPEM: a private key block from BEGIN to the matching END line, with a
// body of at least 64 base64 characters (placeholders like "..." are not keys).
func findPEM(b []byte, s, e int, out []span) []span {
	if string(b[s:s+5]) != "-----" {
		return out
	}
	label := b[s+len("-----BEGIN ") : e-5]
	end := make([]byte, 0, 64)
	end = append(append(append(end, "-----END "...), label...), "-----"...)
	limit := min(len(b), e+64<<10)
	k := bytes.Index(b[e:limit], end)
	if k < 0 {
		return out
	}
	body := b[e : e+k]
	n := 0
	for _, c := range body {
		if isB64(c) || c == '=' {
			n++
		}
	}
	if n < 64 {
		return out
	}
	return append(out, span{s, e + k + len(end), false})
}

// findPuTTY: the standard header sequence of a PuTTY .ppk file, in order.
func findPuTTY(b []byte, s, e int, out []span) []span {
	if !leftOK(b, s) || string(b[s:e]) != "PuTTY-User-Key-File-" {
		return out
	}
	lines := func(i int) (string, int) {
		j := bytes.IndexByte(b[i:], '\n')
		if j < 0 {
			return string(bytes.TrimRight(b[i:], "\r")), len(b)
		}
		return string(bytes.TrimRight(b[i:i+j], "\r")), i + j + 1
	}
	want := []string{"PuTTY-User-Key-File-", "Encryption:", "Comment:", "Public-Lines:"}
	i := s
	var line string
	for _, w := range want {
		line, i = lines(i)
		if len(line) < len(w) || line[:len(w)] != w {
			return out
		}
	}
	skip := func(header string) bool {
		n := 0
		for _, c := range []byte(line[len(header):]) {
			if isDigit(c) {
				n = n*10 + int(c-'0')
			}
		}
		for k := 0; k < n && k < 4096; k++ {
			_, i = lines(i)
		}
		return n > 0
	}
	if !skip("Public-Lines:") {
		return out
	}
	for line, i = lines(i); strings.HasPrefix(line, "Key-") || strings.HasPrefix(line, "Argon2"); line, i = lines(i) {
	}
	if len(line) < 14 || line[:14] != "Private-Lines:" || !skip("Private-Lines:") {
		return out
	}
	line, i = lines(i)
	if len(line) < 12 || line[:12] != "Private-MAC:" {
		return out
	}
	end := i
	for end > s && (b[end-1] == '\n' || b[end-1] == '\r') {
		end--
	}
	return append(out, span{s, end, false})
}

var stripeExamples = map[string]bool{"sk_test_4eC39HqLyjWDarjtT1zdp7dc": true, "pk_test_TYooMQauvdEDq54NiTphI7jx": true}

// findStripe: a Stripe secret, publishable or restricted key, not one of
// Stripe's two published sample keys.
func findStripe(b []byte, s, e int, out []span) []span {
	if !leftOK(b, s) || !bytes.Equal(b[s:e], bytes.ToLower(b[s:e])) {
		return out
	}
	i := e
	for i < len(b) && isAlnum(b[i]) {
		i++
	}
	if i-e < 24 || i-e > 247 || (i < len(b) && b[i] == '_') || stripeExamples[string(b[s:i])] {
		return out
	}
	return append(out, span{s, i, false})
}

// findAccessKeyID: AKIA/ASIA/ABIA/ACCA and 16 base32 characters (moat
// extension; Macie has no identifier for access key ids). The documentation
// example AKIAIOSFODNN7EXAMPLE is skipped.
func findAccessKeyID(b []byte, s, e int, out []span) []span {
	end := e + 16
	if end > len(b) || !leftOK(b, s) || !rightOK(b, end) {
		return out
	}
	for _, c := range b[s:end] {
		if !isUpper(c) && !('2' <= c && c <= '7') {
			return out
		}
	}
	if bytes.HasSuffix(b[s:end], []byte("EXAMPLE")) {
		return out
	}
	return append(out, span{s, end, false})
}
