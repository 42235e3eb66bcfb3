package protocol

import (
	"encoding/base64"
	"net/url"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/moatdev/moat/internal/awserr"
)

// formDec fills tagged structs from a query/ec2 form: nested members with
// dots, lists Name.member.N (ec2 and flattened: Name.N), maps
// Name.entry.N.key/value (flattened: Name.N.key/value), all 1-based.
type formDec struct {
	form url.Values
	ec2  bool
	v    violations
}

// decodeStruct fills struct v from keys under prefix; it reports whether any
// key for v was present.
func (d *formDec) decodeStruct(v reflect.Value, prefix, path string) bool {
	s := shapeOf(v.Type())
	found := false
	for i := range s.fields {
		f := &s.fields[i]
		key := joinPath(prefix, f.name)
		p := joinPath(path, lowerFirst(f.name))
		present := d.value(fieldByIndex(v, f.index), f, key, p)
		if present {
			found = true
		} else if f.required {
			d.v.addMissing(p, f.name)
		}
	}
	return found
}

func (d *formDec) value(v reflect.Value, f *field, key, path string) bool {
	t := v.Type()
	switch {
	case t.Kind() == reflect.Pointer:
		nv := reflect.New(t.Elem())
		if !d.value(nv.Elem(), f, key, path) {
			return false
		}
		v.Set(nv)
		return true
	case t == timeType || t == rawType || t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
		s, ok := d.lookup(key)
		if ok {
			d.setText(v, f, s, key)
		}
		return ok
	case t.Kind() == reflect.Slice:
		return d.list(v, f, key, path)
	case t.Kind() == reflect.Map:
		return d.mapping(v, f, key, path)
	case t.Kind() == reflect.Struct:
		return d.decodeStruct(v, key, path)
	}
	s, ok := d.lookup(key)
	if ok {
		d.setText(v, f, s, key)
	}
	return ok
}

func (d *formDec) lookup(key string) (string, bool) {
	vs, ok := d.form[key]
	if !ok || len(vs) == 0 {
		return "", false
	}
	return vs[0], true
}

// indices returns the distinct N of keys "<prefix>N" or "<prefix>N.…", sorted.
func (d *formDec) indices(prefix string) []int {
	var out []int
	for k := range d.form {
		if !strings.HasPrefix(k, prefix) {
			continue
		}
		rest := k[len(prefix):]
		if i := strings.IndexByte(rest, '.'); i >= 0 {
			rest = rest[:i]
		}
		n, err := strconv.Atoi(rest)
		if err != nil || n < 1 || rest[0] == '0' {
			continue
		}
		out = append(out, n)
	}
	sort.Ints(out)
	j := 0
	for i, n := range out {
		if i == 0 || n != out[j-1] {
			out[j] = n
			j++
		}
	}
	return out[:j]
}

func (d *formDec) itemPrefix(f *field, key, infix string) string {
	if d.ec2 || f.flattened {
		return key + "."
	}
	return key + "." + infix + "."
}

func (d *formDec) list(v reflect.Value, f *field, key, path string) bool {
	prefix := d.itemPrefix(f, key, "member")
	idx := d.indices(prefix)
	if len(idx) == 0 {
		// An empty list is sent as "Name=" (botocore).
		if _, ok := d.form[key]; ok {
			v.Set(reflect.MakeSlice(v.Type(), 0, 0))
			return true
		}
		return false
	}
	out := reflect.MakeSlice(v.Type(), 0, len(idx))
	elem := &field{name: f.name, timestamp: f.timestamp}
	for _, n := range idx {
		ev := reflect.New(v.Type().Elem()).Elem()
		ns := strconv.Itoa(n)
		d.value(ev, elem, prefix+ns, path+"."+ns+".member")
		out = reflect.Append(out, ev)
	}
	v.Set(out)
	return true
}

func (d *formDec) mapping(v reflect.Value, f *field, key, path string) bool {
	prefix := d.itemPrefix(f, key, "entry")
	idx := d.indices(prefix)
	if len(idx) == 0 {
		if _, ok := d.form[key]; ok {
			v.Set(reflect.MakeMap(v.Type()))
			return true
		}
		return false
	}
	m := reflect.MakeMapWithSize(v.Type(), len(idx))
	elem := &field{name: f.name, timestamp: f.timestamp}
	for _, n := range idx {
		ns := strconv.Itoa(n)
		// Most query maps name their parts key and value; some members
		// (SNS's MessageAttributes) use Name and Value.
		keyPart, valuePart := ".key", ".value"
		k, ok := d.lookup(prefix + ns + keyPart)
		if !ok {
			if k, ok = d.lookup(prefix + ns + ".Name"); ok {
				keyPart, valuePart = ".Name", ".Value"
			}
		}
		if !ok {
			d.v.addMissing(path+"."+ns+".key", "key")
			continue
		}
		ev := reflect.New(v.Type().Elem()).Elem()
		if !d.value(ev, elem, prefix+ns+valuePart, path+"."+ns+strings.ToLower(valuePart)) {
			d.v.addMissing(path+"."+ns+".value", "value")
		}
		kv := reflect.New(v.Type().Key()).Elem()
		kv.SetString(k)
		m.SetMapIndex(kv, ev)
	}
	v.Set(m)
	return true
}

// setText parses s into the scalar, time or blob v; a bad value is reported
// as InvalidParameterValue naming the wire parameter.
func (d *formDec) setText(v reflect.Value, f *field, s, key string) {
	if err := setScalar(v, s); err != nil {
		d.v.setBad(awserr.InvalidParameterValue.New("Value (%s) for parameter %s is invalid. %s", s, key, err.Error()))
	}
}

// setScalar parses text into v (string, bool, number, time.Time, []byte).
func setScalar(v reflect.Value, s string) error {
	t := v.Type()
	switch {
	case t == timeType:
		tm, ok := parseTime(s)
		if !ok {
			return errText("Expected a timestamp.")
		}
		v.Set(reflect.ValueOf(tm))
		return nil
	case t == rawType:
		v.SetBytes([]byte(s))
		return nil
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return errText("Expected base64 encoded binary data.")
		}
		v.SetBytes(b)
		return nil
	}
	switch t.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Bool:
		switch strings.ToLower(s) {
		case "true":
			v.SetBool(true)
		case "false":
			v.SetBool(false)
		default:
			return errText("Expected true or false.")
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, t.Bits())
		if err != nil {
			return errText("Expected an integer.")
		}
		v.SetInt(n)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, err := strconv.ParseUint(strings.TrimSpace(s), 10, t.Bits())
		if err != nil {
			return errText("Expected a non-negative integer.")
		}
		v.SetUint(n)
	case reflect.Float32, reflect.Float64:
		n, err := strconv.ParseFloat(strings.TrimSpace(s), t.Bits())
		if err != nil {
			return errText("Expected a number.")
		}
		v.SetFloat(n)
	default:
		return errText("Unsupported member type " + t.String() + ".")
	}
	return nil
}

type errText string

func (e errText) Error() string { return string(e) }
