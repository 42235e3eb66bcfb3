package waf

import (
	"crypto/md5"
	"encoding/base64"
	"unicode/utf8"
)

// A transform appends the transformation of src to dst and returns it; dst
// never aliases src. The 21 TextTransformation types are AWS's
// (waf-rule-statement-transformation); behaviour follows AWS's wording and,
// where AWS is silent, ModSecurity's transformation of the same name, which
// AWS's list mirrors. Each is written here (not taken from Coraza) so that it
// appends into caller buffers without allocating; the choices AWS leaves
// open are listed in docs/waf.md.
type transform func(dst, src []byte) []byte

var transforms = map[string]transform{
	"NONE":                 nil,
	"URL_DECODE":           urlDecode,
	"URL_DECODE_UNI":       urlDecodeUni,
	"HTML_ENTITY_DECODE":   htmlEntityDecode,
	"LOWERCASE":            lowercase,
	"COMPRESS_WHITE_SPACE": compressWhiteSpace,
	"CMD_LINE":             cmdLine,
	"BASE64_DECODE":        base64Decode,
	"BASE64_DECODE_EXT":    base64DecodeExt,
	"HEX_DECODE":           hexDecode,
	"SQL_HEX_DECODE":       sqlHexDecode,
	"MD5":                  md5Sum,
	"REPLACE_COMMENTS":     replaceComments,
	"ESCAPE_SEQ_DECODE":    escapeSeqDecode,
	"CSS_DECODE":           cssDecode,
	"JS_DECODE":            jsDecode,
	"NORMALIZE_PATH":       normalizePath,
	"NORMALIZE_PATH_WIN":   normalizePathWin,
	"REMOVE_NULLS":         removeNulls,
	"REPLACE_NULLS":        replaceNulls,
	"UTF8_TO_UNICODE":      utf8ToUnicode,
}

// TextTransformationTypes lists the transformation types moat accepts (AWS's 21).
func TextTransformationTypes() []string {
	out := make([]string, 0, len(transforms))
	for k := range transforms {
		out = append(out, k)
	}
	return out
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

func hexByte(a, b byte) (byte, bool) {
	h, ok1 := unhex(a)
	l, ok2 := unhex(b)
	return h<<4 | l, ok1 && ok2
}

func isHex(c byte) bool { _, ok := unhex(c); return ok }

// urlDecode decodes %XX and '+'; an invalid escape is kept as it is.
func urlDecode(dst, src []byte) []byte {
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case c == '%' && i+2 < len(src):
			if b, ok := hexByte(src[i+1], src[i+2]); ok {
				dst = append(dst, b)
				i += 2
				continue
			}
			dst = append(dst, c)
		case c == '+':
			dst = append(dst, ' ')
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// uniByte maps a %uHHHH / \uHHHH code unit to one byte as AWS describes:
// full-width ASCII (U+FF01-U+FF5E) becomes its ASCII letter, otherwise the
// high byte is dropped.
func uniByte(code uint16) byte {
	if code >= 0xFF01 && code <= 0xFF5E {
		return byte(code&0xFF) + 0x20
	}
	return byte(code)
}

func hex4(s []byte) (uint16, bool) {
	if len(s) < 4 {
		return 0, false
	}
	var v uint16
	for _, c := range s[:4] {
		d, ok := unhex(c)
		if !ok {
			return 0, false
		}
		v = v<<4 | uint16(d)
	}
	return v, true
}

func urlDecodeUni(dst, src []byte) []byte {
	for i := 0; i < len(src); i++ {
		c := src[i]
		if c == '%' && i+1 < len(src) && (src[i+1] == 'u' || src[i+1] == 'U') {
			if v, ok := hex4(src[i+2:]); ok {
				dst = append(dst, uniByte(v))
				i += 5
				continue
			}
		}
		if c == '%' && i+2 < len(src) {
			if b, ok := hexByte(src[i+1], src[i+2]); ok {
				dst = append(dst, b)
				i += 2
				continue
			}
		}
		if c == '+' {
			c = ' '
		}
		dst = append(dst, c)
	}
	return dst
}

var namedEntities = map[string]string{
	"quot": "\"", "amp": "&", "lt": "<", "gt": ">", "nbsp": "\xa0", "apos": "'",
}

// htmlEntityDecode decodes &quot; &amp; &lt; &gt; &nbsp; &apos; and numeric
// references (&#nnn; &#xhh;, the ';' optional as in ModSecurity). Numeric
// references above 0x7F are written as UTF-8.
func htmlEntityDecode(dst, src []byte) []byte {
	for i := 0; i < len(src); i++ {
		if src[i] != '&' {
			dst = append(dst, src[i])
			continue
		}
		if n, out, ok := entityAt(src[i:]); ok {
			dst = append(dst, out...)
			i += n - 1
			continue
		}
		if r, n, ok := numericEntity(src[i:]); ok {
			if r < 0x80 {
				dst = append(dst, byte(r))
			} else {
				dst = utf8.AppendRune(dst, r)
			}
			i += n - 1
			continue
		}
		dst = append(dst, '&')
	}
	return dst
}

func entityAt(s []byte) (int, string, bool) {
	for j := 1; j < len(s) && j <= 5; j++ {
		if s[j] == ';' {
			if out, ok := namedEntities[lowerASCII(s[1:j])]; ok {
				return j + 1, out, true
			}
			return 0, "", false
		}
	}
	return 0, "", false
}

func lowerASCII(b []byte) string {
	var buf [8]byte
	if len(b) > len(buf) {
		return ""
	}
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			c += 32
		}
		buf[i] = c
	}
	return string(buf[:len(b)])
}

func numericEntity(s []byte) (rune, int, bool) {
	if len(s) < 3 || s[1] != '#' {
		return 0, 0, false
	}
	j := 2
	hex := false
	if s[j] == 'x' || s[j] == 'X' {
		hex = true
		j++
	}
	start := j
	var v rune
	for j < len(s) && j-start < 8 {
		c := s[j]
		if hex {
			d, ok := unhex(c)
			if !ok {
				break
			}
			v = v*16 + rune(d)
		} else {
			if c < '0' || c > '9' {
				break
			}
			v = v*10 + rune(c-'0')
		}
		j++
	}
	if j == start {
		return 0, 0, false
	}
	if j < len(s) && s[j] == ';' {
		j++
	}
	if v > utf8.MaxRune {
		v = utf8.RuneError
	}
	return v, j, true
}

func lowercase(dst, src []byte) []byte {
	for _, c := range src {
		if c >= 'A' && c <= 'Z' {
			c += 32
		}
		dst = append(dst, c)
	}
	return dst
}

func isSpaceLike(c byte) bool {
	switch c {
	case ' ', '\f', '\t', '\n', '\r', '\v', 0xA0:
		return true
	}
	return false
}

func compressWhiteSpace(dst, src []byte) []byte {
	prevSpace := false
	for _, c := range src {
		if isSpaceLike(c) {
			if !prevSpace {
				dst = append(dst, ' ')
			}
			prevSpace = true
			continue
		}
		prevSpace = false
		dst = append(dst, c)
	}
	return dst
}

// cmdLine: delete \ " ' ^; delete spaces before / and (; replace , and ; by
// a space; collapse whitespace runs into one space; lowercase.
func cmdLine(dst, src []byte) []byte {
	space := false
	for _, c := range src {
		switch c {
		case '\\', '"', '\'', '^':
			continue
		case ' ', '\t', '\n', '\r', '\f', '\v', ',', ';':
			space = true
			continue
		case '/', '(':
			space = false // spaces before / and ( are deleted
		default:
			if space {
				dst = append(dst, ' ')
			}
			space = false
		}
		if c >= 'A' && c <= 'Z' {
			c += 32
		}
		dst = append(dst, c)
	}
	if space {
		dst = append(dst, ' ')
	}
	return dst
}

// base64Decode decodes standard base64 (padding optional); text that is not
// valid base64 is left unchanged.
func base64Decode(dst, src []byte) []byte {
	enc := base64.StdEncoding
	if len(src)%4 != 0 {
		enc = base64.RawStdEncoding
	}
	n := len(dst)
	dst = append(dst, make([]byte, enc.DecodedLen(len(src)))...)
	m, err := enc.Decode(dst[n:], src)
	if err != nil {
		return append(dst[:n], src...)
	}
	return dst[:n+m]
}

var b64val = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xFF
	}
	const alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for i := 0; i < len(alpha); i++ {
		t[alpha[i]] = byte(i)
	}
	t['-'], t['_'] = 62, 63
	return t
}()

// base64DecodeExt is forgiving: characters outside the alphabet (including
// '=') are skipped and a trailing partial group is decoded as far as it goes.
func base64DecodeExt(dst, src []byte) []byte {
	var acc uint32
	bits := 0
	for _, c := range src {
		v := b64val[c]
		if v == 0xFF {
			continue
		}
		acc = acc<<6 | uint32(v)
		bits += 6
		if bits >= 8 {
			bits -= 8
			dst = append(dst, byte(acc>>uint(bits)))
		}
	}
	return dst
}

// hexDecode decodes pairs of hex digits; input that is not entirely hex
// pairs is left unchanged.
func hexDecode(dst, src []byte) []byte {
	if len(src)%2 != 0 {
		return append(dst, src...)
	}
	n := len(dst)
	for i := 0; i+1 < len(src); i += 2 {
		b, ok := hexByte(src[i], src[i+1])
		if !ok {
			return append(dst[:n], src...)
		}
		dst = append(dst, b)
	}
	return dst
}

// sqlHexDecode decodes every 0x-prefixed run of hex pairs (0x414243 -> ABC).
func sqlHexDecode(dst, src []byte) []byte {
	for i := 0; i < len(src); i++ {
		if src[i] == '0' && i+3 < len(src) && (src[i+1] == 'x' || src[i+1] == 'X') && isHex(src[i+2]) && isHex(src[i+3]) {
			j := i + 2
			for j+1 < len(src) && isHex(src[j]) && isHex(src[j+1]) {
				b, _ := hexByte(src[j], src[j+1])
				dst = append(dst, b)
				j += 2
			}
			i = j - 1
			continue
		}
		dst = append(dst, src[i])
	}
	return dst
}

func md5Sum(dst, src []byte) []byte {
	sum := md5.Sum(src)
	return append(dst, sum[:]...)
}

// replaceComments turns each /* ... */ into one space; an unterminated
// comment becomes one space; a lone */ is kept.
func replaceComments(dst, src []byte) []byte {
	for i := 0; i < len(src); i++ {
		if src[i] == '/' && i+1 < len(src) && src[i+1] == '*' {
			end := -1
			for j := i + 2; j+1 < len(src); j++ {
				if src[j] == '*' && src[j+1] == '/' {
					end = j + 2
					break
				}
			}
			dst = append(dst, ' ')
			if end < 0 {
				return dst
			}
			i = end - 1
			continue
		}
		dst = append(dst, src[i])
	}
	return dst
}

var cEscapes = [256]byte{'a': '\a', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t', 'v': '\v', '\\': '\\', '?': '?', '\'': '\'', '"': '"'}

// escapeSeqDecode decodes ANSI C escapes: \a \b \f \n \r \t \v \\ \? \' \"
// \xHH and octal \OOO (one to three digits); invalid escapes are kept.
func escapeSeqDecode(dst, src []byte) []byte {
	for i := 0; i < len(src); i++ {
		c := src[i]
		if c != '\\' || i+1 >= len(src) {
			dst = append(dst, c)
			continue
		}
		n := src[i+1]
		if e := cEscapes[n]; e != 0 {
			dst = append(dst, e)
			i++
			continue
		}
		if (n == 'x' || n == 'X') && i+3 < len(src) {
			if b, ok := hexByte(src[i+2], src[i+3]); ok {
				dst = append(dst, b)
				i += 3
				continue
			}
		}
		if n >= '0' && n <= '7' {
			v, j := 0, i+1
			for j < len(src) && j < i+4 && src[j] >= '0' && src[j] <= '7' {
				v = v*8 + int(src[j]-'0')
				j++
			}
			dst = append(dst, byte(v))
			i = j - 1
			continue
		}
		dst = append(dst, c)
	}
	return dst
}

// cssDecode decodes CSS 2.x escapes: a backslash and 1-6 hex digits (the
// last two give the byte, full-width ASCII adjusted as in URL_DECODE_UNI),
// one following whitespace consumed; a backslash before a newline is
// removed; a backslash before any other character is dropped (ja\vascript ->
// javascript).
func cssDecode(dst, src []byte) []byte {
	for i := 0; i < len(src); i++ {
		c := src[i]
		if c != '\\' {
			dst = append(dst, c)
			continue
		}
		if i+1 >= len(src) {
			return dst
		}
		j := i + 1
		var v uint32
		for j < len(src) && j < i+7 && isHex(src[j]) {
			d, _ := unhex(src[j])
			v = v<<4 | uint32(d)
			j++
		}
		if j > i+1 {
			if v >= 0xFF01 && v <= 0xFF5E {
				dst = append(dst, byte(v-0xFF00+0x20))
			} else {
				dst = append(dst, byte(v))
			}
			if j < len(src) && isSpaceLike(src[j]) && src[j] != 0xA0 {
				j++
			}
			i = j - 1
			continue
		}
		if src[i+1] == '\n' {
			i++
			continue
		}
		dst = append(dst, src[i+1])
		i++
	}
	return dst
}

// jsDecode decodes JavaScript escapes: \uHHHH (as URL_DECODE_UNI), \xHH,
// octal \OOO, the C single-character escapes; \ before any other character
// yields the character.
func jsDecode(dst, src []byte) []byte {
	for i := 0; i < len(src); i++ {
		c := src[i]
		if c != '\\' || i+1 >= len(src) {
			dst = append(dst, c)
			continue
		}
		n := src[i+1]
		switch {
		case n == 'u' && i+5 < len(src):
			if v, ok := hex4(src[i+2:]); ok {
				dst = append(dst, uniByte(v))
				i += 5
				continue
			}
		case n == 'x' && i+3 < len(src):
			if b, ok := hexByte(src[i+2], src[i+3]); ok {
				dst = append(dst, b)
				i += 3
				continue
			}
		case n >= '0' && n <= '7':
			v, j := 0, i+1
			for j < len(src) && j < i+4 && src[j] >= '0' && src[j] <= '7' && v*8+int(src[j]-'0') <= 0xFF {
				v = v*8 + int(src[j]-'0')
				j++
			}
			dst = append(dst, byte(v))
			i = j - 1
			continue
		}
		if e := cEscapes[n]; e != 0 {
			dst = append(dst, e)
		} else {
			dst = append(dst, n)
		}
		i++
	}
	return dst
}

// normalizePath removes repeated slashes, "./" self references and
// "dir/../" back references; a "../" at the start is kept.
func normalizePath(dst, src []byte) []byte {
	start := len(dst)
	abs := len(src) > 0 && src[0] == '/'
	trailing := len(src) > 0 && src[len(src)-1] == '/'
	if abs {
		dst = append(dst, '/')
	}
	segStart := len(dst)
	var segsBuf [64]int // output offsets where segments start; grows past 64
	segs := segsBuf[:0]
	i := 0
	for i < len(src) {
		for i < len(src) && src[i] == '/' {
			i++
		}
		j := i
		for j < len(src) && src[j] != '/' {
			j++
		}
		seg := src[i:j]
		i = j
		switch {
		case len(seg) == 0:
			continue
		case len(seg) == 1 && seg[0] == '.':
			continue
		case len(seg) == 2 && seg[0] == '.' && seg[1] == '.':
			if n := len(segs); n > 0 && !isDotDot(dst[segs[n-1]:]) {
				dst = dst[:segs[n-1]]
				segs = segs[:n-1]
				continue
			}
			if abs && len(segs) == 0 {
				continue // "/../x" cannot go above the root
			}
		}
		if len(dst) > segStart && dst[len(dst)-1] != '/' {
			dst = append(dst, '/')
		}
		segs = append(segs, len(dst))
		dst = append(dst, seg...)
	}
	if trailing && len(dst) > start && dst[len(dst)-1] != '/' {
		dst = append(dst, '/')
	}
	return dst
}

func isDotDot(b []byte) bool {
	if len(b) > 0 && b[0] == '/' {
		b = b[1:]
	}
	return len(b) == 2 && b[0] == '.' && b[1] == '.'
}

func normalizePathWin(dst, src []byte) []byte {
	n := len(dst)
	for _, c := range src {
		if c == '\\' {
			c = '/'
		}
		dst = append(dst, c)
	}
	// normalise in place through a second pass over the copy
	tmp := dst[n:]
	out := normalizePath(make([]byte, 0, len(tmp)), tmp)
	return append(dst[:n], out...)
}

func removeNulls(dst, src []byte) []byte {
	for _, c := range src {
		if c != 0 {
			dst = append(dst, c)
		}
	}
	return dst
}

func replaceNulls(dst, src []byte) []byte {
	for _, c := range src {
		if c == 0 {
			c = ' '
		}
		dst = append(dst, c)
	}
	return dst
}

// utf8ToUnicode writes every multi-byte UTF-8 sequence as %uHHHH (as
// ModSecurity's utf8toUnicode); ASCII and invalid bytes are kept.
func utf8ToUnicode(dst, src []byte) []byte {
	const hexd = "0123456789abcdef"
	for i := 0; i < len(src); {
		c := src[i]
		if c < utf8.RuneSelf {
			dst = append(dst, c)
			i++
			continue
		}
		r, size := utf8.DecodeRune(src[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, c)
			i++
			continue
		}
		if r > 0xFFFF {
			r = 0xFFFD
		}
		dst = append(dst, '%', 'u', hexd[r>>12&0xF], hexd[r>>8&0xF], hexd[r>>4&0xF], hexd[r&0xF])
		i += size
	}
	return dst
}
