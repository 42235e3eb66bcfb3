package eventpattern

import (
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
)

// Event limits.
const (
	// MaxEventSize is the PutEvents entry size limit: 256 KB.
	MaxEventSize = 256 * 1024
	// MaxEventDepth bounds the nesting of an event's JSON (moat's limit; AWS
	// documents 255 levels only for schema discovery).
	MaxEventDepth = 255
)

// visitor receives an event's leaves. wants tells the scanner whether any
// pattern tests path or a path below it, so that other subtrees are only
// validated, not decoded. The path and value are valid only during the call.
type visitor interface {
	wants(path []byte) (*pathIndex, bool)
	leaf(pi *pathIndex, v *value)
}

// scanner is a validating, allocation-free JSON reader that flattens an event
// into leaves: the path of a leaf joins the object keys leading to it with
// '.', and array elements take the path of their array (as EventBridge and
// Event Ruler do).
type scanner struct {
	data  []byte
	pos   int
	path  []byte
	str   []byte
	v     value // the current leaf, passed by pointer without escaping
	visit visitor
	arrs  []arrPos // the arrays around the current value, outermost first
	nArr  int32    // arrays seen so far in this event
}

// arrPos is an element of an array: which array (numbered in the order
// they open) and which element. Two leaves are array-consistent when they
// agree on the element of every array they share.
type arrPos struct{ id, idx int32 }

func (s *scanner) fail(format string, args ...any) error {
	l, c := lineCol(s.data, s.pos)
	return &EventError{Offset: s.pos, Line: l, Column: c, Reason: fmt.Sprintf(format, args...)}
}

// scan reads a whole event, which must be one JSON object.
func (s *scanner) scan(data []byte) error {
	s.data, s.pos, s.path, s.arrs, s.nArr = data, 0, s.path[:0], s.arrs[:0], 0
	if len(data) > MaxEventSize {
		return fmt.Errorf("%w: %d bytes, the maximum is %d", ErrEventTooLarge, len(data), MaxEventSize)
	}
	s.ws()
	if s.pos >= len(data) || data[s.pos] != '{' {
		return s.fail("the event is not a JSON object")
	}
	if err := s.object(1, true, nil); err != nil {
		return err
	}
	s.ws()
	if s.pos != len(data) {
		return s.fail("unexpected data after the event's JSON object")
	}
	return nil
}

func (s *scanner) ws() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

func (s *scanner) value(depth int, want bool, pi *pathIndex) error {
	s.ws()
	if s.pos >= len(s.data) {
		return s.fail("unexpected end of input")
	}
	switch c := s.data[s.pos]; c {
	case '{':
		return s.object(depth+1, want, pi)
	case '[':
		return s.array(depth+1, want, pi)
	case '"':
		if !want {
			return s.skipString()
		}
		str, err := s.readString(s.str[:0])
		s.str = str
		if err != nil {
			return err
		}
		s.v = value{kind: kString, text: unsafeString(str)}
		s.visit.leaf(pi, &s.v)
		return nil
	case 't':
		return s.literal("true", kTrue, want, pi)
	case 'f':
		return s.literal("false", kFalse, want, pi)
	case 'n':
		return s.literal("null", kNull, want, pi)
	default:
		if c == '-' || ('0' <= c && c <= '9') {
			return s.number(want, pi)
		}
		return s.fail("unexpected character %q", c)
	}
}

func (s *scanner) literal(word string, k kind, want bool, pi *pathIndex) error {
	if len(s.data)-s.pos < len(word) || string(s.data[s.pos:s.pos+len(word)]) != word {
		return s.fail("invalid literal, expected %s", word)
	}
	s.pos += len(word)
	if want {
		s.v = value{kind: k, text: word}
		s.visit.leaf(pi, &s.v)
	}
	return nil
}

func (s *scanner) digits() int {
	n := 0
	for s.pos < len(s.data) && '0' <= s.data[s.pos] && s.data[s.pos] <= '9' {
		s.pos++
		n++
	}
	return n
}

func (s *scanner) number(want bool, pi *pathIndex) error {
	start := s.pos
	if s.data[s.pos] == '-' {
		s.pos++
	}
	if s.pos < len(s.data) && s.data[s.pos] == '0' {
		s.pos++
	} else if s.digits() == 0 {
		return s.fail("invalid number")
	}
	if s.pos < len(s.data) && s.data[s.pos] == '.' {
		s.pos++
		if s.digits() == 0 {
			return s.fail("invalid number: no digits after the decimal point")
		}
	}
	if s.pos < len(s.data) && (s.data[s.pos] == 'e' || s.data[s.pos] == 'E') {
		s.pos++
		if s.pos < len(s.data) && (s.data[s.pos] == '+' || s.data[s.pos] == '-') {
			s.pos++
		}
		if s.digits() == 0 {
			return s.fail("invalid number: no digits in the exponent")
		}
	}
	if want {
		s.v = numberValue(unsafeString(s.data[start:s.pos]))
		s.visit.leaf(pi, &s.v)
	}
	return nil
}

func (s *scanner) object(depth int, want bool, _ *pathIndex) error {
	if depth > MaxEventDepth {
		return s.fail("the event is nested more than %d levels deep", MaxEventDepth)
	}
	s.pos++ // '{'
	s.ws()
	if s.pos < len(s.data) && s.data[s.pos] == '}' {
		s.pos++
		return nil
	}
	for {
		s.ws()
		if s.pos >= len(s.data) || s.data[s.pos] != '"' {
			return s.fail("expected a string key")
		}
		mark := len(s.path)
		if !want { // no rule reads below: validate only
			if err := s.skipString(); err != nil {
				return err
			}
		} else {
			if depth > 1 { // below the top-level object (an empty key is a name too)
				s.path = append(s.path, '.')
			}
			var err error
			if s.path, err = s.readString(s.path); err != nil {
				return err
			}
		}
		s.ws()
		if s.pos >= len(s.data) || s.data[s.pos] != ':' {
			return s.fail("expected ':' after an object key")
		}
		s.pos++
		var child *pathIndex
		childWant := false
		if want {
			child, childWant = s.visit.wants(s.path)
		}
		if err := s.value(depth, childWant, child); err != nil {
			return err
		}
		s.path = s.path[:mark]
		s.ws()
		if s.pos >= len(s.data) {
			return s.fail("unexpected end of input in an object")
		}
		switch s.data[s.pos] {
		case ',':
			s.pos++
		case '}':
			s.pos++
			return nil
		default:
			return s.fail("expected ',' or '}' in an object")
		}
	}
}

func (s *scanner) array(depth int, want bool, pi *pathIndex) error {
	if depth > MaxEventDepth {
		return s.fail("the event is nested more than %d levels deep", MaxEventDepth)
	}
	s.pos++ // '['
	s.ws()
	if s.pos < len(s.data) && s.data[s.pos] == ']' {
		s.pos++
		return nil
	}
	id := s.nArr
	s.nArr++
	for i := int32(0); ; i++ {
		s.arrs = append(s.arrs, arrPos{id: id, idx: i})
		err := s.value(depth, want, pi)
		s.arrs = s.arrs[:len(s.arrs)-1]
		if err != nil {
			return err
		}
		s.ws()
		if s.pos >= len(s.data) {
			return s.fail("unexpected end of input in an array")
		}
		switch s.data[s.pos] {
		case ',':
			s.pos++
		case ']':
			s.pos++
			return nil
		default:
			return s.fail("expected ',' or ']' in an array")
		}
	}
}

// readString reads the JSON string at s.pos, appends its decoded bytes to dst
// and returns dst. Invalid UTF-8 is an error; escaped lone surrogates become
// U+FFFD as in encoding/json.
func (s *scanner) readString(dst []byte) ([]byte, error) {
	s.pos++ // opening quote
	for {
		start := s.pos
		for s.pos < len(s.data) {
			c := s.data[s.pos]
			if c == '"' || c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
				break
			}
			s.pos++
		}
		dst = append(dst, s.data[start:s.pos]...)
		if s.pos >= len(s.data) {
			return dst, s.fail("unterminated string")
		}
		switch c := s.data[s.pos]; {
		case c == '"':
			s.pos++
			return dst, nil
		case c == '\\':
			var err error
			if dst, err = s.escape(dst); err != nil {
				return dst, err
			}
		case c < 0x20:
			return dst, s.fail("control character in a string")
		default:
			r, n := utf8.DecodeRune(s.data[s.pos:])
			if r == utf8.RuneError && n == 1 {
				return dst, s.fail("invalid UTF-8 in a string")
			}
			dst = append(dst, s.data[s.pos:s.pos+n]...)
			s.pos += n
		}
	}
}

// skipString validates the JSON string at s.pos without decoding it.
func (s *scanner) skipString() error {
	s.pos++ // opening quote
	for s.pos < len(s.data) {
		c := s.data[s.pos]
		switch {
		case c == '"':
			s.pos++
			return nil
		case c == '\\':
			var err error
			if s.str, err = s.escape(s.str[:0]); err != nil {
				return err
			}
		case c < 0x20:
			return s.fail("control character in a string")
		case c >= utf8.RuneSelf:
			r, n := utf8.DecodeRune(s.data[s.pos:])
			if r == utf8.RuneError && n == 1 {
				return s.fail("invalid UTF-8 in a string")
			}
			s.pos += n
		default:
			s.pos++
		}
	}
	return s.fail("unterminated string")
}

var simpleEscapes = [256]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

func (s *scanner) escape(dst []byte) ([]byte, error) {
	if s.pos+1 >= len(s.data) {
		return dst, s.fail("unterminated string")
	}
	c := s.data[s.pos+1]
	if e := simpleEscapes[c]; e != 0 {
		s.pos += 2
		return append(dst, e), nil
	}
	if c != 'u' {
		return dst, s.fail("invalid escape \\%c in a string", c)
	}
	r, ok := s.hex4(s.pos + 2)
	if !ok {
		return dst, s.fail("invalid \\u escape in a string")
	}
	s.pos += 6
	if utf16.IsSurrogate(r) {
		if s.pos+1 < len(s.data) && s.data[s.pos] == '\\' && s.data[s.pos+1] == 'u' {
			if r2, ok := s.hex4(s.pos + 2); ok {
				if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
					s.pos += 6
					return utf8.AppendRune(dst, d), nil
				}
			}
		}
		r = utf8.RuneError
	}
	return utf8.AppendRune(dst, r), nil
}

func (s *scanner) hex4(i int) (rune, bool) {
	if i+4 > len(s.data) {
		return 0, false
	}
	var r rune
	for _, c := range s.data[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}
