package waf

import (
	"strconv"
	"unicode/utf8"
)

// jsonElem is one key or scalar value of a JSON body. Offsets point into
// evalCtx.jsonPtr (the element's JSON pointer) and evalCtx.jsonText (its
// unescaped text) so that the buffers can grow without invalidating them.
type jsonElem struct {
	p0, p1 int
	t0, t1 int
	key    bool
}

type jsonFrame struct {
	obj       bool
	idx       int
	expectKey bool
	keyLen    int // length of jsonPtr-cursor before the pending key segment
	hasKey    bool
}

// scanJSON extracts keys and scalar values from body. The scanner is
// lenient as AWS documents ({"key1":"value1""key2":"value2"} yields two
// pairs: separators are optional); it reports invalid JSON (an unknown
// token, an unterminated string, unbalanced brackets) and keeps what it
// read before the error.
func (ec *evalCtx) scanJSON(body []byte) bool {
	cur := ec.jsonCur[:0]
	stack := ec.jsonStack[:0]
	defer func() { ec.jsonCur, ec.jsonStack = cur, stack }()
	i := 0
	seenRoot := false
	for i < len(body) {
		c := body[i]
		switch c {
		case ' ', '\t', '\r', '\n', ',', ':':
			i++
			continue
		case '}', ']':
			if len(stack) == 0 || stack[len(stack)-1].obj != (c == '}') {
				return false
			}
			stack = stack[:len(stack)-1]
			cur = ec.endValue(cur, stack)
			i++
			continue
		}
		if len(stack) == 0 && seenRoot {
			return false // a second top-level value
		}
		seenRoot = true
		// a key?
		if c == '"' && len(stack) > 0 && stack[len(stack)-1].obj && stack[len(stack)-1].expectKey {
			t0 := len(ec.jsonText)
			n, ok := ec.appendJSONString(body[i:])
			if !ok {
				return false
			}
			f := &stack[len(stack)-1]
			f.keyLen, f.expectKey, f.hasKey = len(cur), false, true
			cur = append(cur, '/')
			cur = appendPointerToken(cur, ec.jsonText[t0:])
			ec.addJSONElem(cur, t0, true)
			i += n
			continue
		}
		cur = ec.beginValue(cur, stack)
		switch {
		case c == '{' || c == '[':
			stack = append(stack, jsonFrame{obj: c == '{', expectKey: c == '{'})
			i++
			continue
		case c == '"':
			t0 := len(ec.jsonText)
			n, ok := ec.appendJSONString(body[i:])
			if !ok {
				return false
			}
			ec.addJSONElem(cur, t0, false)
			i += n
		default:
			j := i
			for j < len(body) && isJSONScalarByte(body[j]) {
				j++
			}
			if j == i || !validScalar(body[i:j]) {
				return false
			}
			t0 := len(ec.jsonText)
			ec.jsonText = append(ec.jsonText, body[i:j]...)
			ec.addJSONElem(cur, t0, false)
			i = j
		}
		cur = ec.endValue(cur, stack)
	}
	return len(stack) == 0 && seenRoot
}

func isJSONScalarByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'E'
}

func validScalar(b []byte) bool {
	switch string(b) {
	case "true", "false", "null":
		return true
	}
	_, err := strconv.ParseFloat(stringOf(b), 64)
	return err == nil
}

// beginValue pushes the pointer segment of a value inside an array.
func (ec *evalCtx) beginValue(cur []byte, stack []jsonFrame) []byte {
	if len(stack) == 0 {
		return cur
	}
	f := &stack[len(stack)-1]
	if f.obj {
		if f.expectKey { // a value without a key: lenient, treat as keyless
			f.keyLen, f.hasKey = len(cur), true
		}
		return cur
	}
	f.keyLen, f.hasKey = len(cur), true
	cur = append(cur, '/')
	return strconv.AppendInt(cur, int64(f.idx), 10)
}

// endValue pops the segment of the value that just ended.
func (ec *evalCtx) endValue(cur []byte, stack []jsonFrame) []byte {
	if len(stack) == 0 {
		return cur
	}
	f := &stack[len(stack)-1]
	if f.hasKey {
		cur = cur[:f.keyLen]
		f.hasKey = false
	}
	if f.obj {
		f.expectKey = true
	} else {
		f.idx++
	}
	return cur
}

func (ec *evalCtx) addJSONElem(cur []byte, t0 int, key bool) {
	p0 := len(ec.jsonPtr)
	ec.jsonPtr = append(ec.jsonPtr, cur...)
	ec.jsonElems = append(ec.jsonElems, jsonElem{p0: p0, p1: len(ec.jsonPtr), t0: t0, t1: len(ec.jsonText), key: key})
}

// appendPointerToken escapes a key for a JSON pointer (RFC 6901).
func appendPointerToken(dst, key []byte) []byte {
	for _, c := range key {
		switch c {
		case '~':
			dst = append(dst, '~', '0')
		case '/':
			dst = append(dst, '~', '1')
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// appendJSONString unescapes the string starting at s[0]=='"' into
// ec.jsonText and returns the bytes consumed.
func (ec *evalCtx) appendJSONString(s []byte) (int, bool) {
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			return i + 1, true
		case '\\':
			if i+1 >= len(s) {
				return 0, false
			}
			i++
			switch s[i] {
			case 'n':
				ec.jsonText = append(ec.jsonText, '\n')
			case 't':
				ec.jsonText = append(ec.jsonText, '\t')
			case 'r':
				ec.jsonText = append(ec.jsonText, '\r')
			case 'b':
				ec.jsonText = append(ec.jsonText, '\b')
			case 'f':
				ec.jsonText = append(ec.jsonText, '\f')
			case 'u':
				v, ok := hex4(s[i+1:])
				if !ok {
					return 0, false
				}
				ec.jsonText = utf8.AppendRune(ec.jsonText, rune(v))
				i += 4
			default:
				ec.jsonText = append(ec.jsonText, s[i])
			}
		default:
			ec.jsonText = append(ec.jsonText, c)
		}
	}
	return 0, false
}
