// Package jsonpos is a small JSON parser that keeps the line and column of
// every value and member key, rejects duplicate keys inside one object, and
// bounds nesting depth and document size. It exists because encoding/json
// neither reports positions for semantic errors nor rejects duplicate keys,
// both of which the IAM policy grammar needs.
package jsonpos

import (
	"errors"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// Limits applied by Parse.
const (
	MaxDepth = 64      // nested objects/arrays
	MaxSize  = 1 << 20 // bytes
)

// Kind is a JSON value type.
type Kind uint8

// JSON value kinds.
const (
	Null Kind = iota
	Bool
	Number
	String
	Array
	Object
)

var kindNames = [...]string{"null", "boolean", "number", "string", "array", "object"}

func (k Kind) String() string { return kindNames[k] }

// Pos is a 1-based line and column (columns count bytes).
type Pos struct{ Line, Column int }

// Value is one JSON value.
type Value struct {
	Kind    Kind
	Pos     Pos
	Text    string    // String: decoded text; Number/Bool: literal text
	Items   []*Value  // Array
	Members []*Member // Object, in document order
}

// Member is one "key": value pair.
type Member struct {
	Key    string
	KeyPos Pos
	Value  *Value
}

// Get returns the member named key, or nil.
func (v *Value) Get(key string) *Member {
	for _, m := range v.Members {
		if m.Key == key {
			return m
		}
	}
	return nil
}

// SyntaxError is a JSON syntax or limit error.
type SyntaxError struct {
	Pos Pos
	Msg string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("line %d, column %d: %s", e.Pos.Line, e.Pos.Column, e.Msg)
}

// ErrDuplicateKey, ErrTooDeep and ErrTooLarge are wrapped in the corresponding errors.
var (
	ErrDuplicateKey = errors.New("duplicate key")
	ErrTooDeep      = errors.New("nesting too deep")
	ErrTooLarge     = errors.New("document too large")
)

// DuplicateKeyError reports a key repeated inside one object.
type DuplicateKeyError struct {
	Key      string
	Pos      Pos // the repeated key
	FirstPos Pos
	Object   *Value
}

func (e *DuplicateKeyError) Error() string {
	return fmt.Sprintf("line %d, column %d: duplicate key %q (first at line %d, column %d)",
		e.Pos.Line, e.Pos.Column, e.Key, e.FirstPos.Line, e.FirstPos.Column)
}

func (e *DuplicateKeyError) Unwrap() error { return ErrDuplicateKey }

type parser struct {
	s         []byte
	i         int
	line, col int // of s[i]
	depth     int
	dupErr    *DuplicateKeyError
}

// Parse parses exactly one JSON value (surrounding whitespace allowed).
// Syntax errors are *SyntaxError. A duplicate key does not stop parsing: the
// first one found is returned as *DuplicateKeyError together with the tree,
// so callers can name the JSON path of the object holding it.
func Parse(doc []byte) (*Value, error) {
	if len(doc) > MaxSize {
		return nil, &SyntaxError{Pos: Pos{1, 1}, Msg: fmt.Sprintf("%v: %d bytes, the limit is %d", ErrTooLarge, len(doc), MaxSize)}
	}
	p := &parser{s: doc, line: 1, col: 1}
	if len(doc) >= 3 && doc[0] == 0xEF && doc[1] == 0xBB && doc[2] == 0xBF {
		p.i = 3 // UTF-8 byte order mark
	}
	p.skipSpace()
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.i < len(p.s) {
		return nil, p.errf("unexpected %s after the top-level value", p.describe())
	}
	if p.dupErr != nil {
		return v, p.dupErr
	}
	return v, nil
}

func (p *parser) pos() Pos { return Pos{p.line, p.col} }

func (p *parser) errf(format string, args ...any) error {
	return &SyntaxError{Pos: p.pos(), Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) describe() string {
	if p.i >= len(p.s) {
		return "end of input"
	}
	c := p.s[p.i]
	if c >= 0x20 && c < 0x7f {
		return strconv.Quote(string(c))
	}
	return fmt.Sprintf("byte 0x%02x", c)
}

func (p *parser) advance(n int) {
	for k := 0; k < n; k++ {
		if p.s[p.i] == '\n' {
			p.line++
			p.col = 1
		} else if p.s[p.i]&0xC0 != 0x80 { // count runes, not continuation bytes
			p.col++
		}
		p.i++
	}
}

func (p *parser) skipSpace() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\r':
			p.i++
			p.col++
		case '\n':
			p.i++
			p.line++
			p.col = 1
		default:
			return
		}
	}
}

func (p *parser) value() (*Value, error) {
	if p.i >= len(p.s) {
		return nil, p.errf("unexpected end of input, expected a value")
	}
	switch c := p.s[p.i]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		pos := p.pos()
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		return &Value{Kind: String, Pos: pos, Text: s}, nil
	case c == 't':
		return p.literal("true", Bool)
	case c == 'f':
		return p.literal("false", Bool)
	case c == 'n':
		return p.literal("null", Null)
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	default:
		return nil, p.errf("unexpected %s, expected a value", p.describe())
	}
}

func (p *parser) literal(word string, k Kind) (*Value, error) {
	pos := p.pos()
	if len(p.s)-p.i < len(word) || string(p.s[p.i:p.i+len(word)]) != word {
		return nil, p.errf("invalid literal, expected %s", word)
	}
	p.advance(len(word))
	return &Value{Kind: k, Pos: pos, Text: word}, nil
}

func (p *parser) number() (*Value, error) {
	pos := p.pos()
	start := p.i
	j := p.i
	if p.s[j] == '-' {
		j++
	}
	digits := func() int {
		n := 0
		for j < len(p.s) && p.s[j] >= '0' && p.s[j] <= '9' {
			j++
			n++
		}
		return n
	}
	if j < len(p.s) && p.s[j] == '0' {
		j++
	} else if digits() == 0 {
		return nil, p.errf("invalid number")
	}
	if j < len(p.s) && p.s[j] == '.' {
		j++
		if digits() == 0 {
			p.advance(j - p.i)
			return nil, p.errf("invalid number: expected a digit after '.'")
		}
	}
	if j < len(p.s) && (p.s[j] == 'e' || p.s[j] == 'E') {
		j++
		if j < len(p.s) && (p.s[j] == '+' || p.s[j] == '-') {
			j++
		}
		if digits() == 0 {
			p.advance(j - p.i)
			return nil, p.errf("invalid number: expected a digit in the exponent")
		}
	}
	p.advance(j - start)
	return &Value{Kind: Number, Pos: pos, Text: string(p.s[start:j])}, nil
}

func (p *parser) enter() error {
	p.depth++
	if p.depth > MaxDepth {
		return &SyntaxError{Pos: p.pos(), Msg: fmt.Sprintf("%v: more than %d nested objects or arrays", ErrTooDeep, MaxDepth)}
	}
	return nil
}

func (p *parser) array() (*Value, error) {
	v := &Value{Kind: Array, Pos: p.pos()}
	if err := p.enter(); err != nil {
		return nil, err
	}
	p.advance(1)
	p.skipSpace()
	if p.i < len(p.s) && p.s[p.i] == ']' {
		p.advance(1)
		p.depth--
		return v, nil
	}
	for {
		p.skipSpace()
		item, err := p.value()
		if err != nil {
			return nil, err
		}
		v.Items = append(v.Items, item)
		p.skipSpace()
		if p.i >= len(p.s) {
			return nil, p.errf("unexpected end of input, expected ',' or ']'")
		}
		switch p.s[p.i] {
		case ',':
			p.advance(1)
		case ']':
			p.advance(1)
			p.depth--
			return v, nil
		default:
			return nil, p.errf("unexpected %s, expected ',' or ']'", p.describe())
		}
	}
}

func (p *parser) object() (*Value, error) {
	v := &Value{Kind: Object, Pos: p.pos()}
	if err := p.enter(); err != nil {
		return nil, err
	}
	p.advance(1)
	p.skipSpace()
	if p.i < len(p.s) && p.s[p.i] == '}' {
		p.advance(1)
		p.depth--
		return v, nil
	}
	for {
		p.skipSpace()
		if p.i >= len(p.s) || p.s[p.i] != '"' {
			return nil, p.errf("unexpected %s, expected a string key", p.describe())
		}
		kpos := p.pos()
		key, err := p.str()
		if err != nil {
			return nil, err
		}
		p.skipSpace()
		if p.i >= len(p.s) || p.s[p.i] != ':' {
			return nil, p.errf("unexpected %s, expected ':' after key %q", p.describe(), key)
		}
		p.advance(1)
		p.skipSpace()
		val, err := p.value()
		if err != nil {
			return nil, err
		}
		if prev := v.Get(key); prev != nil && p.dupErr == nil {
			p.dupErr = &DuplicateKeyError{Key: key, Pos: kpos, FirstPos: prev.KeyPos, Object: v}
		}
		v.Members = append(v.Members, &Member{Key: key, KeyPos: kpos, Value: val})
		p.skipSpace()
		if p.i >= len(p.s) {
			return nil, p.errf("unexpected end of input, expected ',' or '}'")
		}
		switch p.s[p.i] {
		case ',':
			p.advance(1)
		case '}':
			p.advance(1)
			p.depth--
			return v, nil
		default:
			return nil, p.errf("unexpected %s, expected ',' or '}'", p.describe())
		}
	}
}

// str parses a string starting at the opening quote.
func (p *parser) str() (string, error) {
	p.advance(1)
	start := p.i
	// Fast path: no escapes.
	j := p.i
	for j < len(p.s) {
		c := p.s[j]
		if c == '"' {
			if !utf8.Valid(p.s[start:j]) {
				return "", p.errf("invalid UTF-8 in string")
			}
			s := string(p.s[start:j])
			p.advance(j - p.i + 1)
			return s, nil
		}
		if c == '\\' || c < 0x20 {
			break
		}
		j++
	}
	var b []byte
	for {
		if p.i >= len(p.s) {
			return "", p.errf("unexpected end of input in string")
		}
		c := p.s[p.i]
		switch {
		case c == '"':
			p.advance(1)
			if !utf8.Valid(b) {
				return "", p.errf("invalid UTF-8 in string")
			}
			return string(b), nil
		case c < 0x20:
			return "", p.errf("control character 0x%02x in string", c)
		case c == '\\':
			r, n, err := p.escape()
			if err != nil {
				return "", err
			}
			b = utf8.AppendRune(b, r)
			p.advance(n)
		default:
			b = append(b, c)
			p.advance(1)
		}
	}
}

// escape decodes the escape at p.i, returning the rune and the bytes consumed.
func (p *parser) escape() (rune, int, error) {
	if p.i+1 >= len(p.s) {
		return 0, 0, p.errf("unexpected end of input in escape")
	}
	switch c := p.s[p.i+1]; c {
	case '"', '\\', '/':
		return rune(c), 2, nil
	case 'b':
		return '\b', 2, nil
	case 'f':
		return '\f', 2, nil
	case 'n':
		return '\n', 2, nil
	case 'r':
		return '\r', 2, nil
	case 't':
		return '\t', 2, nil
	case 'u':
		r, ok := p.hex4(p.i + 2)
		if !ok {
			return 0, 0, p.errf("invalid \\u escape")
		}
		if utf16.IsSurrogate(r) {
			if p.i+7 < len(p.s) && p.s[p.i+6] == '\\' && p.s[p.i+7] == 'u' {
				if r2, ok := p.hex4(p.i + 8); ok {
					if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
						return d, 12, nil
					}
				}
			}
			return utf8.RuneError, 6, nil
		}
		return r, 6, nil
	default:
		return 0, 0, p.errf("invalid escape \\%c", c)
	}
}

func (p *parser) hex4(at int) (rune, bool) {
	if at+4 > len(p.s) {
		return 0, false
	}
	var r rune
	for _, c := range p.s[at : at+4] {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return 0, false
		}
	}
	return r, true
}
