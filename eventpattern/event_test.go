package eventpattern

import (
	"errors"
	"strings"
	"testing"
)

// TestEventErrors checks that bad events are rejected with what and where.
func TestEventErrors(t *testing.T) {
	t.Parallel()
	s := NewSet()
	s.Add("r", mustParse(t, `{"a":[{"exists":false}]}`))
	cases := []struct {
		event, reason string
		line, col     int
	}{
		{``, "the event is not a JSON object", 1, 1},
		{`[]`, "the event is not a JSON object", 1, 1},
		{`"x"`, "the event is not a JSON object", 1, 1},
		{`{"a":1`, "unexpected end of input in an object", 1, 7},
		{`{"a":1} x`, "unexpected data after the event's JSON object", 1, 9},
		{"{\n\"a\":tru}", "invalid literal, expected true", 2, 5},
		{`{"a":01}`, "expected ',' or '}' in an object", 1, 7},
		{`{"a":-}`, "invalid number", 1, 7},
		{`{"a":1.}`, "invalid number: no digits after the decimal point", 1, 8},
		{`{"a":1e}`, "invalid number: no digits in the exponent", 1, 8},
		{`{"a":"x}`, "unterminated string", 1, 9},
		{`{"a":"\x"}`, `invalid escape \x in a string`, 1, 7},
		{`{"a":"\u12"}`, `invalid \u escape in a string`, 1, 7},
		{"{\"a\":\"\x01\"}", "control character in a string", 1, 7},
		{"{\"a\":\"\xff\"}", "invalid UTF-8 in a string", 1, 7},
		{`{a:1}`, "expected a string key", 1, 2},
		{`{"a" 1}`, "expected ':' after an object key", 1, 6},
		{`{"a":[1 2]}`, "expected ',' or ']' in an array", 1, 9},
		{`{"a":[1,`, "unexpected end of input", 1, 9},
		{`{"a":@}`, "unexpected character '@'", 1, 6},
		{`{"b":{"c":[1,{"d":x}]}}`, "unexpected character 'x'", 1, 19},
		{strings.Repeat(`{"a":`, MaxEventDepth+1) + "1" + strings.Repeat("}", MaxEventDepth+1), "the event is nested more than 255 levels deep", 1, 1276},
	}
	for _, tc := range cases {
		t.Run(tc.event[:min(len(tc.event), 30)], func(t *testing.T) {
			t.Parallel()
			ids, err := s.Match([]byte(tc.event))
			var ee *EventError
			if !errors.As(err, &ee) {
				t.Fatalf("got %v %v, want *EventError", ids, err)
			}
			if ee.Reason != tc.reason || ee.Line != tc.line || ee.Column != tc.col {
				t.Errorf("got %d:%d %q, want %d:%d %q", ee.Line, ee.Column, ee.Reason, tc.line, tc.col, tc.reason)
			}
			if len(ids) != 0 {
				t.Errorf("ids %v with an error", ids)
			}
		})
	}
	big := `{"a":"` + strings.Repeat("x", MaxEventSize) + `"}`
	if _, err := s.Match([]byte(big)); !errors.Is(err, ErrEventTooLarge) {
		t.Errorf("oversize event: %v", err)
	}
	// After errors the set still answers.
	if ids, err := s.Match([]byte(`{"b":1}`)); err != nil || len(ids) != 1 {
		t.Errorf("after errors: %v %v", ids, err)
	}
}

// flattenAll runs the scanner with every path wanted and records leaves.
func flattenAll(event []byte) (map[string][]value, error) {
	r := &recorder{out: map[string][]value{}}
	sc := scanner{visit: r}
	r.sc = &sc
	err := sc.scan(event)
	return r.out, err
}

type recorder struct {
	sc  *scanner
	out map[string][]value
}

func (r *recorder) wants([]byte) (*pathIndex, bool) { return nil, true }

func (r *recorder) leaf(_ *pathIndex, v *value) {
	p := string(r.sc.path)
	c := *v
	c.text = strings.Clone(v.text)
	r.out[p] = append(r.out[p], c)
}

func TestScannerLeaves(t *testing.T) {
	t.Parallel()
	got, err := flattenAll([]byte(`{"a":{"b":[1,"x",{"c":null}],"d":true},"e":[[false]],"f":"\u00e9\n","g":{}}`))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"a.b": "1,x", "a.b.c": "null", "a.d": "true", "e": "false", "f": "é\n"}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for p, w := range want {
		var texts []string
		for _, v := range got[p] {
			texts = append(texts, v.text)
		}
		if strings.Join(texts, ",") != w {
			t.Errorf("%s: got %q, want %q", p, texts, w)
		}
	}
}
