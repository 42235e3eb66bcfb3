package jsontree

import (
	"encoding/json"
	"testing"
)

type inner struct {
	A string
	B []int `json:"bee"`
}

type outer struct {
	In    *inner
	Map   map[string]inner
	Raw   json.RawMessage
	Blob  []byte
	Flag  bool
	extra []string
}

type lenientOuter struct {
	Name  string
	extra []string
}

func (l *lenientOuter) Unknown(k string) { l.extra = append(l.extra, k) }

func TestDecode(t *testing.T) {
	t.Parallel()
	n, err := Parse([]byte(`{"In":{"A":"x","bee":[1,2]},"Map":{"k":{"A":"y"}},"Raw":{"z":[1,"2"]},"Blob":"aGk=","Flag":true}`))
	if err != nil {
		t.Fatal(err)
	}
	var o outer
	if err := Decode(n, &o, ""); err != nil {
		t.Fatal(err)
	}
	if o.In.A != "x" || len(o.In.B) != 2 || o.Map["k"].A != "y" || string(o.Raw) != `{"z":[1,"2"]}` || string(o.Blob) != "hi" || !o.Flag {
		t.Fatalf("decoded %+v", o)
	}
	n, _ = Parse([]byte(`{"Name":"a","Later":1}`))
	var l lenientOuter
	if err := Decode(n, &l, ""); err != nil || l.Name != "a" || len(l.extra) != 1 {
		t.Fatalf("lenient: %v %+v", err, l)
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		doc       string
		line, col int
		path      string
	}{
		{`{"In":{"A":1}}`, 1, 12, "In.A"},
		{"{\n \"In\": {\"C\": 1}}", 2, 9, "In.C"},
		{`{"In":{"bee":[1,"x"]}}`, 1, 17, "In.bee[1]"},
		{`{"Blob":"%%%"}`, 1, 9, "Blob"},
		{`{"Map":[]}`, 1, 8, "Map"},
	}
	for _, c := range cases {
		n, err := Parse([]byte(c.doc))
		if err != nil {
			t.Fatalf("%s: %v", c.doc, err)
		}
		var o outer
		err = Decode(n, &o, "")
		e, ok := err.(*Error)
		if !ok || e.Pos.Line != c.line || e.Pos.Column != c.col || e.Path != c.path {
			t.Errorf("%s: got %v, want %d:%d %s", c.doc, err, c.line, c.col, c.path)
		}
	}
	deep := make([]byte, 0, 300)
	for i := 0; i < 150; i++ {
		deep = append(deep, '[')
	}
	if _, err := Parse(deep); err == nil {
		t.Fatal("150 levels of nesting accepted")
	}
	if p := Locate(mustParse(t, "{\"a\":\n [0, {\"b\": true}]}"), "a[1].b"); p.Line != 2 || p.Column != 12 {
		t.Fatalf("Locate: %+v", p)
	}
}

func mustParse(t *testing.T, s string) *Node {
	t.Helper()
	n, err := Parse([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{`{"a":[1,2,{"b":null}]}`, `{"a":1,"a":2}`, `[`, `"\u12"`, `{"In":{"A":"x"}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := Parse(data)
		if err != nil {
			return
		}
		var o outer
		_ = Decode(n, &o, "")
		Locate(n, "In.bee[0]")
	})
}
