// Package jsontree parses JSON into a tree that keeps the line and column of
// every key and value, and decodes that tree into Go structs by their json
// tags, so that every error (syntax, duplicate key, unknown member, wrong
// type) names a line, a column and a JSON path. encoding/json reports byte
// offsets only for some errors and never for unknown members; the policy
// package has its own position parser under its internal/, which waf cannot
// import.
package jsontree

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
)

// Kind is a JSON value kind.
type Kind int

// The JSON value kinds.
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

// Pos is a 1-based line and column (column counts bytes).
type Pos struct{ Line, Column int }

// Node is one JSON value.
type Node struct {
	Kind    Kind
	Pos     Pos
	Str     string // String value, or the literal text of a Number
	Bool    bool
	Elems   []*Node
	Members []Member
}

// Member is one key of an object.
type Member struct {
	Key    string
	KeyPos Pos
	Value  *Node
}

// Get returns the member named key, or nil.
func (n *Node) Get(key string) *Node {
	if n == nil || n.Kind != Object {
		return nil
	}
	for i := range n.Members {
		if n.Members[i].Key == key {
			return n.Members[i].Value
		}
	}
	return nil
}

// Error is a parse or decode error.
type Error struct {
	Pos     Pos
	Path    string
	Message string
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Pos.Line > 0 {
		fmt.Fprintf(&b, "line %d, column %d: ", e.Pos.Line, e.Pos.Column)
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	return b.String()
}

// MaxDepth bounds nesting so hostile input cannot exhaust the stack.
const MaxDepth = 100

type parser struct {
	data  []byte
	dec   *json.Decoder
	lines []int // offsets of line starts
}

// Parse parses one JSON document; trailing data after it is an error.
func Parse(data []byte) (*Node, error) {
	p := &parser{data: data, dec: json.NewDecoder(bytes.NewReader(data))}
	p.dec.UseNumber()
	p.lines = append(p.lines, 0)
	for i, c := range data {
		if c == '\n' {
			p.lines = append(p.lines, i+1)
		}
	}
	n, err := p.value(0)
	if err != nil {
		return nil, err
	}
	at := p.next()
	if _, err := p.dec.Token(); err != io.EOF {
		return nil, &Error{Pos: at, Message: "unexpected data after the JSON document"}
	}
	return n, nil
}

// pos converts a byte offset to a position.
func (p *parser) pos(off int) Pos {
	lo, hi := 0, len(p.lines)
	for hi-lo > 1 {
		m := (lo + hi) / 2
		if p.lines[m] <= off {
			lo = m
		} else {
			hi = m
		}
	}
	return Pos{Line: lo + 1, Column: off - p.lines[lo] + 1}
}

// next is the position of the next token.
func (p *parser) next() Pos {
	off := int(p.dec.InputOffset())
	for off < len(p.data) {
		switch p.data[off] {
		case ' ', '\t', '\r', '\n', ',', ':':
			off++
			continue
		}
		break
	}
	return p.pos(off)
}

func (p *parser) token() (json.Token, Pos, error) {
	at := p.next()
	t, err := p.dec.Token()
	if err != nil {
		msg := err.Error()
		if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
			msg = "unexpected end of JSON input"
		}
		msg = strings.TrimPrefix(msg, "json: ")
		var se *json.SyntaxError
		if errors.As(err, &se) {
			at = p.pos(int(se.Offset) - 1)
			if se.Offset == 0 {
				at = p.pos(0)
			}
		}
		return nil, at, &Error{Pos: at, Message: "invalid JSON: " + msg}
	}
	return t, at, nil
}

func (p *parser) value(depth int) (*Node, error) {
	t, at, err := p.token()
	if err != nil {
		return nil, err
	}
	return p.fromToken(t, at, depth)
}

func (p *parser) fromToken(t json.Token, at Pos, depth int) (*Node, error) {
	if depth > MaxDepth {
		return nil, &Error{Pos: at, Message: fmt.Sprintf("JSON nested deeper than %d levels", MaxDepth)}
	}
	n := &Node{Pos: at}
	switch v := t.(type) {
	case nil:
		n.Kind = Null
	case bool:
		n.Kind, n.Bool = Bool, v
	case json.Number:
		n.Kind, n.Str = Number, string(v)
	case string:
		n.Kind, n.Str = String, v
	case json.Delim:
		switch v {
		case '[':
			n.Kind = Array
			for p.dec.More() {
				e, err := p.value(depth + 1)
				if err != nil {
					return nil, err
				}
				n.Elems = append(n.Elems, e)
			}
		case '{':
			n.Kind = Object
			seen := map[string]Pos{}
			for p.dec.More() {
				kt, kp, err := p.token()
				if err != nil {
					return nil, err
				}
				key, _ := kt.(string)
				if first, dup := seen[key]; dup {
					return nil, &Error{Pos: kp, Path: key, Message: fmt.Sprintf("duplicate key %q (first at line %d, column %d)", key, first.Line, first.Column)}
				}
				seen[key] = kp
				val, err := p.value(depth + 1)
				if err != nil {
					return nil, err
				}
				n.Members = append(n.Members, Member{Key: key, KeyPos: kp, Value: val})
			}
		}
		if _, _, err := p.token(); err != nil { // closing delimiter
			return nil, err
		}
	}
	return n, nil
}

// Lenient is implemented by structs that accept members they do not model
// (AWS adds read-only members to its outputs over time); Unknown receives
// their names. Structs without it reject unknown members.
type Lenient interface{ Unknown(key string) }

// Decode stores n into v (a pointer), following json tags. Byte slices are
// base64 (as in AWS's JSON); json.RawMessage members keep their JSON text
// re-encoded; pointer members stay nil when absent.
func Decode(n *Node, v any, path string) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return errors.New("jsontree: Decode needs a non-nil pointer")
	}
	return decode(n, rv.Elem(), path)
}

var rawType = reflect.TypeOf(json.RawMessage(nil))

func typeErr(n *Node, path, want string) error {
	return &Error{Pos: n.Pos, Path: path, Message: fmt.Sprintf("expected %s, got %s", want, n.Kind)}
}

func decode(n *Node, v reflect.Value, path string) error {
	if v.Type() == rawType {
		b, err := json.Marshal(toAny(n))
		if err != nil {
			return &Error{Pos: n.Pos, Path: path, Message: err.Error()}
		}
		v.SetBytes(b)
		return nil
	}
	if n.Kind == Null {
		v.SetZero()
		return nil
	}
	switch v.Kind() {
	case reflect.Pointer:
		nv := reflect.New(v.Type().Elem())
		if err := decode(n, nv.Elem(), path); err != nil {
			return err
		}
		v.Set(nv)
	case reflect.String:
		if n.Kind != String {
			return typeErr(n, path, "a string")
		}
		v.SetString(n.Str)
	case reflect.Bool:
		if n.Kind != Bool {
			return typeErr(n, path, "a boolean")
		}
		v.SetBool(n.Bool)
	case reflect.Int, reflect.Int64, reflect.Int32:
		if n.Kind != Number {
			return typeErr(n, path, "a number")
		}
		i, err := strconv.ParseInt(n.Str, 10, 64)
		if err != nil || v.OverflowInt(i) {
			return &Error{Pos: n.Pos, Path: path, Message: fmt.Sprintf("expected an integer, got %s", n.Str)}
		}
		v.SetInt(i)
	case reflect.Float64:
		if n.Kind != Number {
			return typeErr(n, path, "a number")
		}
		f, err := strconv.ParseFloat(n.Str, 64)
		if err != nil {
			return &Error{Pos: n.Pos, Path: path, Message: "bad number " + n.Str}
		}
		v.SetFloat(f)
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			if n.Kind != String {
				return typeErr(n, path, "a base64 string")
			}
			b, err := base64.StdEncoding.DecodeString(n.Str)
			if err != nil {
				return &Error{Pos: n.Pos, Path: path, Message: "invalid base64: " + err.Error()}
			}
			v.SetBytes(b)
			return nil
		}
		if n.Kind != Array {
			return typeErr(n, path, "an array")
		}
		s := reflect.MakeSlice(v.Type(), len(n.Elems), len(n.Elems))
		for i, e := range n.Elems {
			if err := decode(e, s.Index(i), path+"["+strconv.Itoa(i)+"]"); err != nil {
				return err
			}
		}
		v.Set(s)
	case reflect.Map:
		if n.Kind != Object {
			return typeErr(n, path, "an object")
		}
		m := reflect.MakeMapWithSize(v.Type(), len(n.Members))
		for _, mem := range n.Members {
			ev := reflect.New(v.Type().Elem()).Elem()
			if err := decode(mem.Value, ev, join(path, mem.Key)); err != nil {
				return err
			}
			m.SetMapIndex(reflect.ValueOf(mem.Key), ev)
		}
		v.Set(m)
	case reflect.Struct:
		return decodeStruct(n, v, path)
	case reflect.Interface:
		v.Set(reflect.ValueOf(toAny(n)))
	default:
		return &Error{Pos: n.Pos, Path: path, Message: "jsontree: unsupported type " + v.Type().String()}
	}
	return nil
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func decodeStruct(n *Node, v reflect.Value, path string) error {
	if n.Kind != Object {
		return typeErr(n, path, "an object")
	}
	t := v.Type()
	fields := fieldsOf(t)
	for _, m := range n.Members {
		idx, ok := fields[m.Key]
		if !ok {
			if l, ok := v.Addr().Interface().(Lenient); ok {
				l.Unknown(m.Key)
				continue
			}
			return &Error{Pos: m.KeyPos, Path: join(path, m.Key), Message: fmt.Sprintf("unknown member %q%s", m.Key, expected(t))}
		}
		if err := decode(m.Value, v.Field(idx), join(path, m.Key)); err != nil {
			return err
		}
	}
	return nil
}

func fieldsOf(t reflect.Type) map[string]int {
	m := make(map[string]int, t.NumField())
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name := f.Name
		if tag, ok := f.Tag.Lookup("json"); ok {
			tag, _, _ = strings.Cut(tag, ",")
			if tag == "-" {
				continue
			}
			if tag != "" {
				name = tag
			}
		}
		m[name] = i
	}
	return m
}

func expected(t reflect.Type) string {
	var names []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() || f.Tag.Get("json") == "-" {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" {
			name = f.Name
		}
		names = append(names, name)
	}
	if len(names) == 0 || len(names) > 30 {
		return ""
	}
	return " (expected one of " + strings.Join(names, ", ") + ")"
}

func toAny(n *Node) any {
	switch n.Kind {
	case Bool:
		return n.Bool
	case Number:
		return json.Number(n.Str)
	case String:
		return n.Str
	case Array:
		a := make([]any, len(n.Elems))
		for i, e := range n.Elems {
			a[i] = toAny(e)
		}
		return a
	case Object:
		m := make(map[string]any, len(n.Members))
		for _, mem := range n.Members {
			m[mem.Key] = toAny(mem.Value)
		}
		return m
	}
	return nil
}

// Locate returns the position of the value at path (as Decode writes paths:
// "Rules[2].Statement.ByteMatchStatement"), or of the deepest ancestor found.
func Locate(root *Node, path string) Pos {
	n := root
	for path != "" && n != nil {
		var seg string
		if path[0] == '[' {
			end := strings.IndexByte(path, ']')
			if end < 0 {
				break
			}
			i, err := strconv.Atoi(path[1:end])
			if err != nil || n.Kind != Array || i < 0 || i >= len(n.Elems) {
				break
			}
			n, path = n.Elems[i], strings.TrimPrefix(path[end+1:], ".")
			continue
		}
		end := strings.IndexAny(path, ".[")
		if end < 0 {
			seg, path = path, ""
		} else {
			seg, path = path[:end], strings.TrimPrefix(path[end:], ".")
		}
		c := n.Get(seg)
		if c == nil {
			break
		}
		n = c
	}
	if n == nil {
		return Pos{}
	}
	return n.Pos
}
