package protocol

import (
	"encoding/base64"
	"encoding/json"
	"reflect"
	"time"
)

// CloudTrail timestamp styles (tag option trailtime=). CloudTrail renders
// timestamps inside requestParameters/responseElements with Java's date
// format, which differs by service; see the records under
// shared/datasets/detection (IAM CreateUser createDate
// "Aug 1, 2024 1:33:28 PM"; STS AssumeRole credentials.expiration
// "Aug 1, 2024, 11:45:22 AM").
const (
	TrailTimeLegacy  = "legacy"  // "Jan 2, 2006 3:04:05 PM" (IAM; the default)
	TrailTimeComma   = "comma"   // "Jan 2, 2006, 3:04:05 PM" (STS, SSM)
	TrailTimeISO8601 = "iso8601" // "2006-01-02T15:04:05Z"
	TrailTimeEpoch   = "epoch"   // seconds as a JSON number
)

// TrailJSON renders a request or response struct as CloudTrail renders
// requestParameters / responseElements: member names with the first letter
// lower-cased (UserName → userName, SSHPublicKey → sSHPublicKey, as AWS's
// records show), absent members (nil pointers, nil slices and maps, empty
// strings, zero times, empty value structs) omitted, members tagged
// sensitive omitted entirely, timestamps per trailtime (default legacy).
// Non-nil empty slices and maps are kept ([] / {}), as in real records.
// It returns nil for a nil or all-empty struct.
func TrailJSON(v any) json.RawMessage {
	sv, ok := structValue(v)
	if !ok {
		return nil
	}
	e := trailEnc{}
	if !e.object(sv) {
		return nil
	}
	return json.RawMessage(e.buf)
}

type trailEnc struct {
	jsonEnc
}

// object writes struct v; it reports false (and writes nothing) when no
// member is present.
func (e *trailEnc) object(v reflect.Value) bool {
	start := len(e.buf)
	e.buf = append(e.buf, '{')
	n := 0
	s := shapeOf(v.Type())
	for i := range s.fields {
		f := &s.fields[i]
		if f.sensitive || f.location == locStatusCode {
			continue
		}
		mark := len(e.buf)
		if n > 0 {
			e.buf = append(e.buf, ',')
		}
		e.str(lowerFirst(f.name))
		e.buf = append(e.buf, ':')
		if !e.value(f, fieldByIndex(v, f.index), false) {
			e.buf = e.buf[:mark]
			continue
		}
		n++
	}
	if n == 0 {
		e.buf = e.buf[:start]
		return false
	}
	e.buf = append(e.buf, '}')
	return true
}

// value writes v and reports whether it was present. inList keeps empty
// strings and structs, which carry position in a list.
func (e *trailEnc) value(f *field, v reflect.Value, explicit bool) bool {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return false
		}
		v = v.Elem()
		explicit = true
	}
	t := v.Type()
	switch {
	case t == timeType:
		tm := v.Interface().(time.Time)
		if tm.IsZero() {
			return false
		}
		e.trailTime(f.trailTime, tm)
	case t == rawType:
		raw := v.Interface().(json.RawMessage)
		if len(raw) == 0 || !json.Valid(raw) {
			return false
		}
		e.buf = append(e.buf, raw...)
	case t == numberType:
		e.jsonEnc.value(f, v)
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
		if v.IsNil() {
			return false
		}
		e.str(base64.StdEncoding.EncodeToString(v.Bytes()))
	case t.Kind() == reflect.Slice || t.Kind() == reflect.Array:
		if t.Kind() == reflect.Slice && v.IsNil() {
			return false
		}
		elem := &field{trailTime: f.trailTime}
		e.buf = append(e.buf, '[')
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			if !e.value(elem, v.Index(i), true) {
				e.buf = append(e.buf, "null"...)
			}
		}
		e.buf = append(e.buf, ']')
	case t.Kind() == reflect.Map:
		if v.IsNil() {
			return false
		}
		elem := &field{trailTime: f.trailTime}
		e.buf = append(e.buf, '{')
		for i, k := range sortedKeys(v) {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			e.str(k.String())
			e.buf = append(e.buf, ':')
			if !e.value(elem, v.MapIndex(k), true) {
				e.buf = append(e.buf, "null"...)
			}
		}
		e.buf = append(e.buf, '}')
	case t.Kind() == reflect.Struct:
		if !e.object(v) {
			if !explicit {
				return false
			}
			e.buf = append(e.buf, "{}"...)
		}
	case t.Kind() == reflect.String:
		if v.Len() == 0 && !explicit {
			return false
		}
		e.str(v.String())
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		e.float(v.Float())
	default:
		e.buf = append(e.buf, scalarString(v)...)
	}
	return true
}

func (e *trailEnc) trailTime(style string, t time.Time) {
	t = t.UTC()
	switch style {
	case TrailTimeComma:
		e.str(t.Format("Jan 2, 2006, 3:04:05 PM"))
	case TrailTimeISO8601:
		e.str(formatTime(t, tsISO8601))
	case TrailTimeEpoch:
		e.buf = append(e.buf, epochString(t)...)
	default:
		e.str(t.Format("Jan 2, 2006 3:04:05 PM"))
	}
}
