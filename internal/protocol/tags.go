package protocol

import (
	"encoding/json"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Locations of a member in a REST request or response (tag option location=).
const (
	locBody          = ""
	locURI           = "uri"
	locQuery         = "querystring"
	locHeader        = "header"
	locHeadersPrefix = "headers-prefix"
	locPayload       = "payload"
	locStatusCode    = "statuscode"
)

// field is one member of a struct as the codecs see it, parsed once from the
// Go field and its `aws` tag.
type field struct {
	index     []int
	goName    string
	name      string // wire name
	required  bool
	sensitive bool
	flattened bool
	omitempty bool
	timestamp string // "", iso8601, epoch, rfc822
	trailTime string // "", legacy, comma, iso8601, epoch
	location  string
	member    string // XML list item element name override
	typ       reflect.Type
}

// shape is a struct type's members, in declaration order.
type shape struct {
	fields  []field
	xmlRoot string // from an XMLName field's tag
	xmlns   string
}

var (
	timeType = reflect.TypeOf(time.Time{})
	bytesTyp = reflect.TypeOf([]byte(nil))
	rawType  = reflect.TypeOf(json.RawMessage(nil))
	shapes   sync.Map // reflect.Type -> *shape
)

func shapeOf(t reflect.Type) *shape {
	if s, ok := shapes.Load(t); ok {
		return s.(*shape)
	}
	s := &shape{}
	collectFields(s, t, nil)
	actual, _ := shapes.LoadOrStore(t, s)
	return actual.(*shape)
}

func collectFields(s *shape, t reflect.Type, prefix []int) {
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		tag, hasTag := sf.Tag.Lookup("aws")
		if sf.Name == "XMLName" {
			name, opts := splitTag(tag)
			s.xmlRoot = name
			s.xmlns = opts["xmlns"]
			continue
		}
		if tag == "-" {
			continue
		}
		idx := append(append([]int(nil), prefix...), i)
		if sf.Anonymous && !hasTag && sf.Type.Kind() == reflect.Struct {
			collectFields(s, sf.Type, idx)
			continue
		}
		if !sf.IsExported() {
			continue
		}
		s.fields = append(s.fields, newField(sf, idx, tag))
	}
}

func newField(sf reflect.StructField, idx []int, tag string) field {
	name, opts := splitTag(tag)
	if name == "" {
		name = sf.Name
	}
	f := field{index: idx, goName: sf.Name, name: name, typ: sf.Type}
	_, f.required = opts["required"]
	_, f.sensitive = opts["sensitive"]
	_, f.flattened = opts["flattened"]
	_, f.omitempty = opts["omitempty"]
	f.timestamp = opts["timestamp"]
	f.trailTime = opts["trailtime"]
	f.location = strings.ToLower(opts["location"])
	f.member = opts["member"]
	return f
}

func splitTag(tag string) (string, map[string]string) {
	parts := strings.Split(tag, ",")
	opts := make(map[string]string, len(parts))
	for _, p := range parts[1:] {
		k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
		opts[k] = v
	}
	return parts[0], opts
}

// fieldByIndex returns the field value, allocating embedded pointers never
// (embedded structs are inlined by value only).
func fieldByIndex(v reflect.Value, idx []int) reflect.Value {
	for _, i := range idx {
		v = v.Field(i)
	}
	return v
}

// lowerFirst lower-cases the first letter: UserName -> userName, ARN -> aRN,
// as AWS does in validation messages and CloudTrail records.
func lowerFirst(s string) string {
	if s == "" || s[0] < 'A' || s[0] > 'Z' {
		return s
	}
	return string(s[0]+('a'-'A')) + s[1:]
}

func itoa(i int) string { return strconv.Itoa(i) }

// isEmptyValue reports whether an output member is absent: nil pointer,
// slice, map or interface; zero time.
func isAbsent(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		return v.IsNil()
	case reflect.Slice, reflect.Map:
		return v.IsNil()
	case reflect.Struct:
		if v.Type() == timeType {
			return v.Interface().(time.Time).IsZero()
		}
	}
	return false
}

// isOmitted says whether encoders leave the member out.
func (f *field) isOmitted(v reflect.Value) bool {
	if isAbsent(v) {
		return true
	}
	if f.omitempty {
		return v.IsZero() || ((v.Kind() == reflect.Slice || v.Kind() == reflect.Map) && v.Len() == 0)
	}
	return false
}

func sortedStrings(m map[string]string) []string {
	if len(m) == 0 {
		return nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
