package eventpattern

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
)

// naiveMatch is the reference matcher the Set is compared with: it decodes
// the event with encoding/json (not the Set's scanner), flattens it, and
// tries every branch of the pattern in turn, each matcher checked directly.
func naiveMatch(p *Pattern, leaves map[string][]value) bool {
	for _, b := range p.branches {
		ok := true
		for i := range b.fields {
			if !naiveField(&b.fields[i], leaves[b.fields[i].path]) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func naiveField(f *field, vals []value) bool {
	for i := range f.matchers {
		m := &f.matchers[i]
		if m.op == opAbsent && len(vals) == 0 {
			return true
		}
		for j := range vals {
			if m.matchValue(&vals[j], nil) {
				return true
			}
		}
	}
	return false
}

// naiveMatchAll returns the ids of the patterns that match, in id order.
func naiveMatchAll(ids []string, pats map[string]*Pattern, event []byte) ([]string, error) {
	leaves, err := naiveFlatten(event)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, id := range ids {
		if naiveMatch(pats[id], leaves) {
			out = append(out, id)
		}
	}
	return out, nil
}

// naiveFlatten decodes an event with encoding/json into leaf values by path.
func naiveFlatten(event []byte) (map[string][]value, error) {
	dec := json.NewDecoder(bytes.NewReader(event))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("trailing data")
	}
	obj, ok := doc.(map[string]any)
	if !ok {
		return nil, errors.New("not an object")
	}
	out := map[string][]value{}
	naiveWalk(out, "", obj)
	return out, nil
}

func naiveWalk(out map[string][]value, path string, v any) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			naiveWalk(out, join(path, k), x)
		}
	case []any:
		for _, x := range v {
			naiveWalk(out, path, x)
		}
	case string:
		out[path] = append(out[path], value{kind: String, text: v})
	case json.Number:
		out[path] = append(out[path], numberValue(string(v)))
	case bool:
		if v {
			out[path] = append(out[path], value{kind: True, text: "true"})
		} else {
			out[path] = append(out[path], value{kind: False, text: "false"})
		}
	case nil:
		out[path] = append(out[path], value{kind: Null, text: "null"})
	}
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}
