package jsonpos

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		in        string
		line, col int
		msg       string
	}{
		{name: "missing comma", in: "{\"a\": 1\n \"b\": 2}", line: 2, col: 2, msg: "expected ',' or '}'"},
		{name: "trailing comma", in: `{"a": [1,]}`, line: 1, col: 10, msg: "expected a value"},
		{name: "unterminated string", in: `{"a": "x`, line: 1, col: 9, msg: "end of input in string"},
		{name: "bad literal", in: `[tru]`, line: 1, col: 2, msg: "expected true"},
		{name: "garbage after", in: `{} x`, line: 1, col: 4, msg: "after the top-level value"},
		{name: "control char", in: "[\"a\tb\"]", line: 1, col: 4, msg: "control character"},
		{name: "bad escape", in: `["\x"]`, line: 1, col: 3, msg: `invalid escape \x`},
		{name: "bad number", in: `[1.]`, line: 1, col: 4, msg: "expected a digit after '.'"},
		{name: "empty", in: ``, line: 1, col: 1, msg: "expected a value"},
		{name: "column counts runes", in: `["é" x]`, line: 1, col: 6, msg: "expected ',' or ']'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse([]byte(tt.in))
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) error = %v, want *SyntaxError", tt.in, err)
			}
			if se.Pos.Line != tt.line || se.Pos.Column != tt.col || !strings.Contains(se.Msg, tt.msg) {
				t.Fatalf("Parse(%q) = %v, want line %d column %d containing %q", tt.in, err, tt.line, tt.col, tt.msg)
			}
		})
	}
}

func TestDuplicateKey(t *testing.T) {
	t.Parallel()
	v, err := Parse([]byte("{\"a\": {\"b\": 1,\n  \"b\": 2}}"))
	var de *DuplicateKeyError
	if !errors.As(err, &de) || !errors.Is(err, ErrDuplicateKey) {
		t.Fatalf("error = %v, want *DuplicateKeyError", err)
	}
	if de.Key != "b" || de.Pos != (Pos{2, 3}) || de.FirstPos != (Pos{1, 8}) || v == nil || de.Object != v.Members[0].Value {
		t.Fatalf("got %+v", de)
	}
}

func TestLimits(t *testing.T) {
	t.Parallel()
	deep := strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1)
	if _, err := Parse([]byte(deep)); err == nil || !strings.Contains(err.Error(), "nesting too deep") {
		t.Fatalf("deep: %v", err)
	}
	ok := strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth)
	if _, err := Parse([]byte(ok)); err != nil {
		t.Fatalf("depth %d: %v", MaxDepth, err)
	}
	big := make([]byte, MaxSize+1)
	if _, err := Parse(big); err == nil || !strings.Contains(err.Error(), "document too large") {
		t.Fatalf("big: %v", err)
	}
}

func TestValues(t *testing.T) {
	t.Parallel()
	v, err := Parse([]byte("\xEF\xBB\xBF{\"s\": \"a\\u00e9\\ud83d\\ude00\\n\", \"n\": -1.5e3, \"t\": true, \"z\": null, \"a\": []}"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"s": "aé😀\n", "n": "-1.5e3", "t": "true", "z": "null"}
	for k, w := range want {
		if got := v.Get(k).Value.Text; got != w {
			t.Errorf("%s = %q, want %q", k, got, w)
		}
	}
	if v.Get("a").Value.Kind != Array || v.Get("missing") != nil {
		t.Error("array or missing member wrong")
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{`{"Version":"2012-10-17","Statement":[]}`, `[1,2,{"a":"\u0041"}]`, `{"a":1,"a":2}`, `"x`, `[[[[`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		v, err := Parse(doc)
		var de *DuplicateKeyError
		if err != nil && !errors.As(err, &de) {
			if json.Valid(doc) && len(doc) <= MaxSize && !strings.Contains(err.Error(), "nesting") && !strings.Contains(err.Error(), "UTF-8") {
				t.Fatalf("rejected valid JSON %q: %v", doc, err)
			}
			return
		}
		if v == nil {
			t.Fatal("nil value without error")
		}
		if !json.Valid(doc) && !(len(doc) >= 3 && doc[0] == 0xEF) {
			t.Fatalf("accepted invalid JSON %q", doc)
		}
	})
}
