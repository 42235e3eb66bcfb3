package protocol

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"math"
	"reflect"
	"strconv"

	"github.com/moatdev/moat/internal/awserr"
)

// parseJSONBody parses a json/rest-json request body; an empty body is {}.
func parseJSONBody(body []byte) (map[string]any, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return map[string]any{}, nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var x any
	if err := dec.Decode(&x); err != nil {
		return nil, awserr.SerializationException.Wrap(err, "Could not parse request body into json.")
	}
	if dec.More() {
		return nil, awserr.SerializationException.New("Could not parse request body into json.")
	}
	m, ok := x.(map[string]any)
	if !ok {
		if x == nil {
			return map[string]any{}, nil
		}
		return nil, awserr.SerializationException.New("Start of %s found where not expected.", jsonKind(x))
	}
	return m, nil
}

// jsonDec fills tagged structs from parsed JSON; unknown members are ignored,
// as AWS json services do.
type jsonDec struct {
	v violations
}

func (d *jsonDec) object(v reflect.Value, m map[string]any, path string) {
	s := shapeOf(v.Type())
	for i := range s.fields {
		f := &s.fields[i]
		if f.location != locBody {
			continue
		}
		p := joinPath(path, lowerFirst(f.name))
		x, ok := m[f.name]
		if !ok || x == nil {
			if f.required {
				d.v.addMissing(p, f.name)
			}
			continue
		}
		d.value(fieldByIndex(v, f.index), f, x, p)
	}
}

func (d *jsonDec) value(v reflect.Value, f *field, x any, path string) {
	t := v.Type()
	switch {
	case x == nil:
		return
	case t.Kind() == reflect.Pointer:
		nv := reflect.New(t.Elem())
		d.value(nv.Elem(), f, x, path)
		v.Set(nv)
	case t == rawType:
		b, _ := json.Marshal(x)
		v.SetBytes(b)
	case t.Kind() == reflect.Interface && t.NumMethod() == 0:
		// A document member (any): the parsed JSON value, numbers as json.Number.
		v.Set(reflect.ValueOf(x))
	case t == timeType:
		d.time(v, x)
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
		s, ok := x.(string)
		b, err := base64.StdEncoding.DecodeString(s)
		if !ok || err != nil {
			d.mismatch(x, "a Blob")
			return
		}
		v.SetBytes(b)
	case t.Kind() == reflect.Slice:
		list, ok := x.([]any)
		if !ok {
			d.mismatch(x, "a List")
			return
		}
		out := reflect.MakeSlice(t, len(list), len(list))
		elem := &field{name: f.name}
		for i, item := range list {
			d.value(out.Index(i), elem, item, path+"."+strconv.Itoa(i+1)+".member")
		}
		v.Set(out)
	case t.Kind() == reflect.Map:
		m, ok := x.(map[string]any)
		if !ok || t.Key().Kind() != reflect.String {
			d.mismatch(x, "a Map")
			return
		}
		out := reflect.MakeMapWithSize(t, len(m))
		elem := &field{name: f.name}
		for k, item := range m {
			ev := reflect.New(t.Elem()).Elem()
			d.value(ev, elem, item, path+"."+k)
			kv := reflect.New(t.Key()).Elem()
			kv.SetString(k)
			out.SetMapIndex(kv, ev)
		}
		v.Set(out)
	case t.Kind() == reflect.Struct:
		m, ok := x.(map[string]any)
		if !ok {
			d.mismatch(x, "a Structure")
			return
		}
		d.object(v, m, path)
	default:
		d.scalar(v, x)
	}
}

func (d *jsonDec) time(v reflect.Value, x any) {
	switch y := x.(type) {
	case json.Number:
		f, err := y.Float64()
		if err == nil && !math.IsInf(f, 0) {
			v.Set(reflect.ValueOf(epochTime(f)))
			return
		}
	case string:
		if tm, ok := parseTime(y); ok {
			v.Set(reflect.ValueOf(tm))
			return
		}
	}
	d.mismatch(x, "a Timestamp")
}

func (d *jsonDec) scalar(v reflect.Value, x any) {
	switch v.Kind() {
	case reflect.String:
		if s, ok := x.(string); ok {
			v.SetString(s)
			return
		}
		d.mismatch(x, "a String")
	case reflect.Bool:
		if b, ok := x.(bool); ok {
			v.SetBool(b)
			return
		}
		d.mismatch(x, "a Boolean")
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := x.(json.Number)
		if ok {
			if i, err := strconv.ParseInt(string(n), 10, v.Type().Bits()); err == nil {
				v.SetInt(i)
				return
			}
		}
		d.mismatch(x, "an Integer")
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, ok := x.(json.Number)
		if ok {
			if i, err := strconv.ParseUint(string(n), 10, v.Type().Bits()); err == nil {
				v.SetUint(i)
				return
			}
		}
		d.mismatch(x, "an Integer")
	case reflect.Float32, reflect.Float64:
		if n, ok := x.(json.Number); ok {
			if f, err := strconv.ParseFloat(string(n), v.Type().Bits()); err == nil {
				v.SetFloat(f)
				return
			}
		}
		d.mismatch(x, "a Double")
	default:
		d.v.setBad(awserr.SerializationException.New("Unsupported member type %s", v.Type()))
	}
}

// mismatch reports a JSON value of the wrong type the way Coral words it
// ("STRING_VALUE can not be converted to an Integer").
func (d *jsonDec) mismatch(x any, want string) {
	d.v.setBad(awserr.SerializationException.New("%s can not be converted to %s", jsonKind(x), want))
}

func jsonKind(x any) string {
	switch x.(type) {
	case string:
		return "STRING_VALUE"
	case json.Number:
		return "NUMBER_VALUE"
	case bool:
		return "BOOLEAN_VALUE"
	case []any:
		return "START_ARRAY"
	case map[string]any:
		return "START_OBJECT"
	}
	return "VALUE_NULL"
}
