package eventpattern

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
)

// nleaf is a leaf with the array elements around it.
type nleaf struct {
	v    value
	arrs []arrPos
}

// naiveMatch is the reference matcher the Set is compared with: it decodes
// the event with encoding/json (not the Set's scanner), flattens it, and
// tries every branch of the pattern in turn: for each field the leaves that
// satisfy it (or absence), then every combination, keeping those whose
// leaves are pairwise array-consistent.
func naiveMatch(p *Pattern, leaves map[string][]nleaf) bool {
	for _, b := range p.branches {
		options := make([][]*nleaf, len(b.fields))
		ok := true
		for i := range b.fields {
			options[i] = naiveOptions(&b.fields[i], leaves[b.fields[i].path])
			if len(options[i]) == 0 {
				ok = false
				break
			}
		}
		if ok && naiveCombine(options, nil) {
			return true
		}
	}
	return false
}

// naiveOptions lists the leaves satisfying f; nil stands for "absent".
func naiveOptions(f *field, vals []nleaf) []*nleaf {
	var out []*nleaf
	for j := range vals {
		for i := range f.matchers {
			if f.matchers[i].matchValue(&vals[j].v, nil) {
				out = append(out, &vals[j])
				break
			}
		}
	}
	if len(vals) == 0 && f.allowsAbsent() {
		out = append(out, nil)
	}
	return out
}

func naiveCombine(options [][]*nleaf, picked []*nleaf) bool {
	if len(options) == 0 {
		for i, a := range picked {
			for _, b := range picked[i+1:] {
				if a != nil && b != nil && !naiveConsistent(a.arrs, b.arrs) {
					return false
				}
			}
		}
		return true
	}
	for _, o := range options[0] {
		if naiveCombine(options[1:], append(picked, o)) {
			return true
		}
	}
	return false
}

func naiveConsistent(a, b []arrPos) bool {
	for _, p := range a {
		for _, q := range b {
			if p.id == q.id && p.idx != q.idx {
				return false
			}
		}
	}
	return true
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

// naiveFlatten decodes an event with encoding/json into leaves by path.
func naiveFlatten(event []byte) (map[string][]nleaf, error) {
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
	w := &walker{out: map[string][]nleaf{}}
	for k, x := range obj {
		w.walk(k, x)
	}
	return w.out, nil
}

type walker struct {
	out  map[string][]nleaf
	arrs []arrPos
	n    int32
}

func (w *walker) add(path string, v value) {
	w.out[path] = append(w.out[path], nleaf{v: v, arrs: append([]arrPos(nil), w.arrs...)})
}

func (w *walker) walk(path string, v any) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			w.walk(path+"."+k, x)
		}
	case []any:
		id := w.n
		w.n++
		for i, x := range v {
			w.arrs = append(w.arrs, arrPos{id: id, idx: int32(i)})
			w.walk(path, x)
			w.arrs = w.arrs[:len(w.arrs)-1]
		}
	case string:
		w.add(path, value{kind: kString, text: v})
	case json.Number:
		w.add(path, numberValue(string(v)))
	case bool:
		if v {
			w.add(path, value{kind: kTrue, text: "true"})
		} else {
			w.add(path, value{kind: kFalse, text: "false"})
		}
	case nil:
		w.add(path, value{kind: kNull, text: "null"})
	}
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}
