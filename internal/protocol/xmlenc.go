package protocol

import (
	"encoding/base64"
	"encoding/json"
	"reflect"
	"sort"
	"strconv"
	"time"
	"unicode/utf8"
)

// xmlEnc writes the XML the query, ec2 and rest-xml protocols answer with.
type xmlEnc struct {
	buf      []byte
	item     string // default list item element: "member" or "item"
	tsFormat string // protocol default timestamp format
}

func (e *xmlEnc) open(name string)  { e.buf = append(append(append(e.buf, '<'), name...), '>') }
func (e *xmlEnc) close(name string) { e.buf = append(append(append(e.buf, "</"...), name...), '>') }
func (e *xmlEnc) empty(name string) { e.buf = append(append(append(e.buf, '<'), name...), "/>"...) }

func (e *xmlEnc) element(name, text string) {
	e.open(name)
	e.text(text)
	e.close(name)
}

// text appends s escaped for XML character data; characters XML cannot carry
// become U+FFFD.
func (e *xmlEnc) text(s string) {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '&':
				e.buf = append(e.buf, "&amp;"...)
			case c == '<':
				e.buf = append(e.buf, "&lt;"...)
			case c == '>':
				e.buf = append(e.buf, "&gt;"...)
			case c == '"':
				e.buf = append(e.buf, "&quot;"...)
			case c == '\r':
				e.buf = append(e.buf, "&#xD;"...)
			case c < 0x20 && c != '\n' && c != '\t':
				e.buf = append(e.buf, "\uFFFD"...)
			default:
				e.buf = append(e.buf, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r == 0xFFFE || r == 0xFFFF {
			e.buf = append(e.buf, "\uFFFD"...)
		} else {
			e.buf = append(e.buf, s[i:i+size]...)
		}
		i += size
	}
}

// members writes every present member of struct v.
func (e *xmlEnc) members(v reflect.Value) {
	s := shapeOf(v.Type())
	for i := range s.fields {
		f := &s.fields[i]
		if f.location != locBody {
			continue
		}
		fv := fieldByIndex(v, f.index)
		if f.isOmitted(fv) {
			continue
		}
		e.member(f.name, f, fv)
	}
}

func (e *xmlEnc) member(name string, f *field, v reflect.Value) {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	t := v.Type()
	switch {
	case t == timeType:
		e.element(name, formatTime(v.Interface().(time.Time), pick(f.timestamp, e.tsFormat)))
	case t == rawType:
		e.element(name, string(v.Interface().(json.RawMessage)))
	case t == bytesTyp || (t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8):
		e.element(name, base64.StdEncoding.EncodeToString(v.Bytes()))
	case t.Kind() == reflect.Slice || t.Kind() == reflect.Array:
		e.list(name, f, v)
	case t.Kind() == reflect.Map:
		e.mapping(name, f, v)
	case t.Kind() == reflect.Struct:
		e.open(name)
		e.members(v)
		e.close(name)
	default:
		e.element(name, scalarString(v))
	}
}

func (e *xmlEnc) list(name string, f *field, v reflect.Value) {
	if f.flattened {
		for i := 0; i < v.Len(); i++ {
			e.member(name, f, v.Index(i))
		}
		return
	}
	if v.Len() == 0 {
		e.empty(name)
		return
	}
	item := pick(f.member, e.item)
	elem := &field{timestamp: f.timestamp}
	e.open(name)
	for i := 0; i < v.Len(); i++ {
		e.member(item, elem, v.Index(i))
	}
	e.close(name)
}

func (e *xmlEnc) mapping(name string, f *field, v reflect.Value) {
	keys := sortedKeys(v)
	elem := &field{timestamp: f.timestamp}
	if !f.flattened {
		if len(keys) == 0 {
			e.empty(name)
			return
		}
		e.open(name)
	}
	for _, k := range keys {
		tag := "entry"
		if f.flattened {
			tag = name
		}
		e.open(tag)
		e.element("key", k.String())
		e.member("value", elem, v.MapIndex(k))
		e.close(tag)
	}
	if !f.flattened {
		e.close(name)
	}
}

func sortedKeys(v reflect.Value) []reflect.Value {
	keys := v.MapKeys()
	sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
	return keys
}

// scalarString renders a string, bool or number member as AWS writes it.
func scalarString(v reflect.Value) string {
	switch v.Kind() {
	case reflect.String:
		return v.String()
	case reflect.Bool:
		return strconv.FormatBool(v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(v.Uint(), 10)
	case reflect.Float32, reflect.Float64:
		return strconv.FormatFloat(v.Float(), 'f', -1, 64)
	}
	return ""
}

func pick(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
