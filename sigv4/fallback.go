package sigv4

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/aws/smithy-go/encoding/httpbinding"
)

// The SDK signer cannot be told "sign exactly this list": it never signs
// user-agent, expect, transfer-encoding, x-amzn-trace-id or authorization,
// never signs content-length when it is 0, and always signs x-amz-date.
// Clients that sign otherwise exist (AWS SDK for Java v1 signs user-agent and
// content-length; old clients sign Date instead of X-Amz-Date), so when the
// SDK's signed-headers list differs from the client's, Verify builds the
// canonical request here, from the client's list. TestFallbackMatchesSDK
// checks that this builder and the SDK agree on every request the SDK can
// reproduce.

// fallbackCanonical builds the canonical request of r as a claims.
func fallbackCanonical(r *http.Request, a *Auth, payloadHash string) string {
	var b strings.Builder
	b.WriteString(r.Method)
	b.WriteByte('\n')
	path := escapedPath(r)
	if a.Service != "s3" {
		path = httpbinding.EscapePath(path, false)
	}
	if path == "" {
		path = "/"
	}
	b.WriteString(path)
	b.WriteByte('\n')
	b.WriteString(canonicalQuery(r.URL.RawQuery, a.Presigned))
	b.WriteByte('\n')
	for _, h := range a.SignedHeaders {
		b.WriteString(h)
		b.WriteByte(':')
		b.WriteString(canonicalHeaderValue(r, h))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.WriteString(a.signedHeaders())
	b.WriteByte('\n')
	b.WriteString(payloadHash)
	return b.String()
}

// fallbackStringToSign is the string to sign over a canonical request.
func fallbackStringToSign(a *Auth, canonical string) string {
	sum := sha256.Sum256([]byte(canonical))
	return Algorithm + "\n" + a.Time.UTC().Format(timeFormat) + "\n" + a.Scope() + "\n" + hex.EncodeToString(sum[:])
}

// fallbackSignature signs a string to sign with the key derived from secret.
func fallbackSignature(a *Auth, secret, stringToSign string) string {
	key := hmacSHA256([]byte("AWS4"+secret), a.Date)
	for _, s := range [...]string{a.Region, a.Service, scopeTerminator} {
		key = hmacSHA256(key, s)
	}
	return hex.EncodeToString(hmacSHA256(key, stringToSign))
}

// canonicalQuery sorts the RFC 3986-encoded pairs by key, then value,
// dropping X-Amz-Signature for presigned URLs and pairs that do not decode
// (as url.URL.Query does, which the SDK signer uses).
func canonicalQuery(raw string, presigned bool) string {
	type pair struct{ k, v string }
	var pairs []pair
	for raw != "" {
		var kv string
		kv, raw, _ = strings.Cut(raw, "&")
		if kv == "" || strings.Contains(kv, ";") {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		k, err1 := url.QueryUnescape(k)
		v, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil || (presigned && k == amzSignature) {
			continue
		}
		pairs = append(pairs, pair{encodeRFC3986(k), encodeRFC3986(v)})
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].k != pairs[j].k {
			return pairs[i].k < pairs[j].k
		}
		return pairs[i].v < pairs[j].v
	})
	var b strings.Builder
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.k + "=" + p.v)
	}
	return b.String()
}

func encodeRFC3986(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

// canonicalHeaderValue joins the trimmed values of every header named name.
func canonicalHeaderValue(r *http.Request, name string) string {
	switch name {
	case "host":
		if r.Host != "" {
			return trimAll(r.Host)
		}
		return trimAll(r.URL.Host)
	case "content-length":
		if _, ok := r.Header["Content-Length"]; !ok {
			return strconv.FormatInt(max(r.ContentLength, 0), 10)
		}
	}
	var vals []string
	for k, vs := range r.Header {
		if strings.EqualFold(k, name) {
			for _, v := range vs {
				vals = append(vals, trimAll(v))
			}
		}
	}
	return strings.Join(vals, ",")
}

// trimAll trims a header value and collapses runs of spaces, as the SDK does.
func trimAll(v string) string {
	v = strings.TrimSpace(v)
	if !strings.Contains(v, "  ") {
		return v
	}
	var b strings.Builder
	space := false
	for i := 0; i < len(v); i++ {
		if v[i] == ' ' {
			if space {
				continue
			}
			space = true
		} else {
			space = false
		}
		b.WriteByte(v[i])
	}
	return b.String()
}
