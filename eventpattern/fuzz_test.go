package eventpattern

import (
	"sort"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParse feeds arbitrary bytes to the pattern parser; an accepted pattern
// must then match events exactly as the naive matcher does.
func FuzzParse(f *testing.F) {
	for _, tc := range matchCases {
		f.Add([]byte(tc.pattern))
	}
	for _, s := range []string{`{"a":[{"wildcard":"*\\**"}]}`, `{"$or":[{"a":["x"]},{"$or":[{"b":[1]},{"c":[null]}]}]}`,
		`{"a":[{"numeric":[">=",-5e9,"<",5e9]}]}`, `{"a":[{"anything-but":{"equals-ignore-case":"X"}}]}`, `{"a":`, "{\"a\":[\"\xff\"]}"} {
		f.Add([]byte(s))
	}
	events := [][]byte{[]byte(ec2Event), []byte(`{"a":"x","b":1,"c":null,"detail":{"state":["TERMINATED","x*y"],"c-count":0}}`)}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseLimit(data, MaxPatternSize)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error %T %v is not *Error", err, err)
			}
			return
		}
		s := NewSet()
		s.Add("r", p)
		for _, ev := range events {
			got, err := s.Match(ev)
			if err != nil {
				t.Fatal(err)
			}
			leaves, _ := naiveFlatten(ev)
			if want := naiveMatch(p, leaves); want != (len(got) == 1) {
				t.Fatalf("pattern %s event %s: set %v naive %v", data, ev, got, want)
			}
		}
	})
}

// FuzzEvent feeds arbitrary bytes to the event scanner and compares it with
// encoding/json: the same documents accepted (the scanner is stricter only
// on invalid UTF-8 and nesting), the same leaves, the same matches.
func FuzzEvent(f *testing.F) {
	for _, tc := range matchCases {
		f.Add([]byte(tc.event))
	}
	for _, s := range []string{`{"a":"\ud800"}`, `{"a":[[[{}]]],"b":-0.0e+1}`, `{"a":1,"a":2}`, `{"a":"x"} `, `{"a":1e400}`, "{\"\xff\":1}"} {
		f.Add([]byte(s))
	}
	s := NewSet()
	pats := map[string]*Pattern{}
	var ids []string
	for _, tc := range matchCases {
		p, _ := Parse([]byte(tc.pattern))
		s.Add(tc.name, p)
		pats[tc.name] = p
		ids = append(ids, tc.name)
	}
	sort.Strings(ids)
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := flattenAll(data)
		want, jerr := naiveFlatten(data)
		// Skipping subtrees no rule reads must not change what is valid.
		if _, serr := s.Match(data); (serr == nil) != (err == nil) {
			t.Fatalf("full scan error %v, skipping scan error %v", err, serr)
		}
		if err != nil {
			if jerr == nil && utf8.Valid(data) && !strings.Contains(err.Error(), "nested") {
				t.Fatalf("scanner rejects what encoding/json accepts: %v", err)
			}
			return
		}
		if jerr != nil {
			t.Fatalf("scanner accepts what encoding/json rejects: %v", jerr)
		}
		dup := false
		for p, vs := range want {
			if len(got[p]) != len(vs) {
				dup = true // duplicate keys: encoding/json keeps the last
				continue
			}
			if leafTexts(got[p]) != nleafTexts(vs) {
				t.Fatalf("path %q: scanner %v, encoding/json %v", p, got[p], vs)
			}
		}
		if dup {
			return
		}
		m, err := s.Match(data)
		if err != nil {
			t.Fatal(err)
		}
		n, _ := naiveMatchAll(ids, pats, data)
		if strings.Join(m, "|") != strings.Join(n, "|") {
			t.Fatalf("set %v naive %v", m, n)
		}
	})
}

func leafTexts(vs []value) string {
	var out []string
	for _, v := range vs {
		out = append(out, string(rune('0'+v.kind))+v.text)
	}
	sort.Strings(out)
	return strings.Join(out, "\x00")
}

func nleafTexts(ls []nleaf) string {
	vs := make([]value, len(ls))
	for i, l := range ls {
		vs[i] = l.v
	}
	return leafTexts(vs)
}
