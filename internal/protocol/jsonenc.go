package protocol

import (
	"encoding/base64"
	"encoding/json"
	"math"
	"reflect"
	"strconv"
	"time"
	"unicode/utf8"
)

// jsonEnc writes JSON bodies from tagged structs: wire names, the protocol's
// timestamp format, absent members left out.
type jsonEnc struct {
	buf      []byte
	tsFormat string
}

func (e *jsonEnc) object(v reflect.Value) {
	e.buf = append(e.buf, '{')
	first := true
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
		if !first {
			e.buf = append(e.buf, ',')
		}
		first = false
		e.str(f.name)
		e.buf = append(e.buf, ':')
		e.value(f, fv)
	}
	e.buf = append(e.buf, '}')
}

func (e *jsonEnc) value(f *field, v reflect.Value) {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			e.buf = append(e.buf, "null"...)
			return
		}
		v = v.Elem()
	}
	t := v.Type()
	switch {
	case t == timeType:
		tm := v.Interface().(time.Time)
		switch pick(f.timestamp, e.tsFormat) {
		case tsEpoch:
			e.buf = append(e.buf, epochString(tm)...)
		default:
			e.str(formatTime(tm, pick(f.timestamp, e.tsFormat)))
		}
	case t == numberType:
		n := v.String()
		if _, err := strconv.ParseFloat(n, 64); err != nil {
			e.buf = append(e.buf, "null"...)
			return
		}
		e.buf = append(e.buf, n...)
	case t == rawType:
		raw := v.Interface().(json.RawMessage)
		if len(raw) == 0 || !json.Valid(raw) {
			e.buf = append(e.buf, "null"...)
			return
		}
		e.buf = append(e.buf, raw...)
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
		e.str(base64.StdEncoding.EncodeToString(v.Bytes()))
	case t.Kind() == reflect.Slice || t.Kind() == reflect.Array:
		elem := &field{timestamp: f.timestamp}
		e.buf = append(e.buf, '[')
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			e.value(elem, v.Index(i))
		}
		e.buf = append(e.buf, ']')
	case t.Kind() == reflect.Map:
		elem := &field{timestamp: f.timestamp}
		e.buf = append(e.buf, '{')
		for i, k := range sortedKeys(v) {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			e.str(k.String())
			e.buf = append(e.buf, ':')
			e.value(elem, v.MapIndex(k))
		}
		e.buf = append(e.buf, '}')
	case t.Kind() == reflect.Struct:
		e.object(v)
	case t.Kind() == reflect.String:
		e.str(v.String())
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		e.float(v.Float())
	default:
		e.buf = append(e.buf, scalarString(v)...)
	}
}

func (e *jsonEnc) float(f float64) {
	switch {
	case math.IsNaN(f):
		e.str("NaN")
	case math.IsInf(f, 1):
		e.str("Infinity")
	case math.IsInf(f, -1):
		e.str("-Infinity")
	default:
		e.buf = strconv.AppendFloat(e.buf, f, 'f', -1, 64)
	}
}

var numberType = reflect.TypeOf(json.Number(""))

const hexDigits = "0123456789abcdef"

// str appends s as a JSON string, escaping as encoding/json does minus the
// HTML escapes (AWS writes '<' and '&' verbatim).
func (e *jsonEnc) str(s string) {
	e.buf = append(e.buf, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				e.buf = append(e.buf, '\\', c)
			case c == '\n':
				e.buf = append(e.buf, '\\', 'n')
			case c == '\r':
				e.buf = append(e.buf, '\\', 'r')
			case c == '\t':
				e.buf = append(e.buf, '\\', 't')
			case c < 0x20:
				e.buf = append(e.buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			default:
				e.buf = append(e.buf, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			e.buf = append(e.buf, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			e.buf = append(e.buf, `\u202`...)
			e.buf = append(e.buf, hexDigits[r&0xF])
		default:
			e.buf = append(e.buf, s[i:i+size]...)
		}
		i += size
	}
	e.buf = append(e.buf, '"')
}

// structValue dereferences out to its struct; ok is false for nil.
func structValue(out any) (reflect.Value, bool) {
	if out == nil {
		return reflect.Value{}, false
	}
	v := reflect.ValueOf(out)
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return reflect.Value{}, false
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return reflect.Value{}, false
	}
	return v, true
}
