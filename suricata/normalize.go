package suricata

// NormalizeURI normalises a request target the way Suricata's HTTP parser
// (libhtp) does for the http.uri buffer with its default settings: an
// absolute-form target keeps only its path, the path is percent-decoded
// (except %2F and %00) and "./" and "../" segments are removed (RFC 3986
// 5.2.4); the query string is percent-decoded but not path-normalised.
// Duplicate slashes are kept. The raw target is the http.uri.raw buffer.
func NormalizeURI(dst, raw []byte) []byte {
	q := len(raw)
	for i, c := range raw {
		if c == '?' {
			q = i
			break
		}
	}
	// Absolute-form targets (proxy requests) keep only the path.
	path := raw[:q]
	if len(path) > 7 && (string(lowerASCII(path[:7])) == "http://" || (len(path) > 8 && string(lowerASCII(path[:8])) == "https://")) {
		rest := path[7:]
		if path[4] == 's' || path[4] == 'S' {
			rest = path[8:]
		}
		slash := -1
		for i, c := range rest {
			if c == '/' {
				slash = i
				break
			}
		}
		if slash < 0 {
			path = []byte("/")
		} else {
			path = rest[slash:]
		}
	}
	start := len(dst)
	dst = percentDecode(append(dst, path...), true)
	dst = append(dst[:start], removeDotSegments(dst[start:])...)
	if q < len(raw) {
		dst = percentDecode(append(dst, raw[q:]...), false)
	}
	return dst
}

func lowerASCII(b []byte) []byte {
	out := make([]byte, len(b))
	for i, c := range b {
		out[i] = lowerTable[c]
	}
	return out
}

// percentDecode decodes %XX in place; with keepSlash, %2F stays encoded (so
// decoding cannot create path separators, as libhtp's default).
func percentDecode(b []byte, keepSlash bool) []byte {
	out := b[:0]
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c == '%' && i+2 < len(b) && isHex(b[i+1]) && isHex(b[i+2]) {
			v := unhex(b[i+1])<<4 | unhex(b[i+2])
			if !(keepSlash && v == '/') && v != 0 {
				out = append(out, v)
				i += 2
				continue
			}
		}
		out = append(out, c)
	}
	return out
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// removeDotSegments applies RFC 3986 section 5.2.4 (what libhtp does to the path).
func removeDotSegments(in []byte) []byte {
	var out []byte
	for len(in) > 0 {
		switch {
		case hasPrefix(in, "../"):
			in = in[3:]
		case hasPrefix(in, "./"):
			in = in[2:]
		case hasPrefix(in, "/./"):
			in = in[2:]
		case string(in) == "/.":
			in = []byte("/")
		case hasPrefix(in, "/../"):
			in = in[3:]
			out = trimLastSegment(out)
		case string(in) == "/..":
			in = []byte("/")
			out = trimLastSegment(out)
		case string(in) == "." || string(in) == "..":
			in = nil
		default:
			j := 1
			if in[0] != '/' {
				j = 0
			}
			for j < len(in) && in[j] != '/' {
				j++
			}
			out = append(out, in[:j]...)
			in = in[j:]
		}
	}
	return out
}

func hasPrefix(b []byte, s string) bool { return len(b) >= len(s) && string(b[:len(s)]) == s }

func trimLastSegment(b []byte) []byte {
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] == '/' {
			return b[:i]
		}
	}
	return b[:0]
}
