package waf

import (
	"net/netip"
	"strings"
	"unsafe"
)

// Header is one request header as received (name case kept).
type Header struct{ Name, Value string }

// Request is one web request as AWS WAF sees it.
type Request struct {
	Method string
	// URI is the request target as on the wire: path, then ?query; moat
	// never decodes it (transformations do).
	URI     string
	Headers []Header
	// Body is the body, or its first bytes when BodyTruncated is set (a
	// proxy reads at most the inspection limit plus one byte).
	Body          []byte
	BodyTruncated bool
	ClientIP      netip.Addr
	HTTPVersion   string
	// JA3 and JA4 are the TLS client fingerprints when the listener saw a
	// ClientHello; empty otherwise (FallbackBehavior applies).
	JA3, JA4 string
	// ID is copied into log records (httpRequest.requestId).
	ID string
}

// Header returns the first value of the named header (case-insensitive).
func (r *Request) Header(name string) (string, bool) {
	for _, h := range r.Headers {
		if strings.EqualFold(h.Name, name) {
			return h.Value, true
		}
	}
	return "", false
}

// bytesOf views s as bytes without copying; callers never write to it.
func bytesOf(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// stringOf views b as a string without copying; b must not change after.
func stringOf(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

type kv struct{ k, v string }

// splitURI splits a request target into path, query and fragment.
func splitURI(uri string) (path, query, frag string, hasFrag bool) {
	if i := strings.IndexByte(uri, '#'); i >= 0 {
		uri, frag, hasFrag = uri[:i], uri[i+1:], true
	}
	path = uri
	if i := strings.IndexByte(uri, '?'); i >= 0 {
		path, query = uri[:i], uri[i+1:]
	}
	// absolute-form targets ("http://host/path") inspect only the path
	if strings.HasPrefix(path, "http://") || strings.HasPrefix(path, "https://") {
		rest := path[strings.Index(path, "//")+2:]
		if j := strings.IndexByte(rest, '/'); j >= 0 {
			path = rest[j:]
		} else {
			path = "/"
		}
	}
	return
}

// parseArgs splits a query string into raw (undecoded) name/value pairs.
func parseArgs(dst []kv, q string) []kv {
	for q != "" {
		var part string
		if i := strings.IndexByte(q, '&'); i >= 0 {
			part, q = q[:i], q[i+1:]
		} else {
			part, q = q, ""
		}
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		dst = append(dst, kv{k, v})
	}
	return dst
}

// parseCookies appends the cookies of one Cookie header.
func parseCookies(dst []kv, h string) []kv {
	for h != "" {
		var part string
		if i := strings.IndexByte(h, ';'); i >= 0 {
			part, h = h[:i], h[i+1:]
		} else {
			part, h = h, ""
		}
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		dst = append(dst, kv{strings.TrimSpace(k), strings.TrimSpace(v)})
	}
	return dst
}
