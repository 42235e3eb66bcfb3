package eventpattern

import (
	"errors"
	"strings"
	"testing"
)

// TestParseErrors checks each invalid pattern is rejected with Event Ruler's
// reason (the text AWS returns in InvalidEventPatternException), at the right
// place.
func TestParseErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		pattern, reason, path string
		line, col             int
	}{
		{`[]`, "Filter is not an object", "", 1, 1},
		{`"x"`, "Filter is not an object", "", 1, 1},
		{`{}`, "Empty objects are not allowed", "", 1, 1},
		{`{"a":{}}`, "Empty objects are not allowed", "a", 1, 6},
		{`{"a":"x"}`, `"a" must be an object or an array`, "a", 1, 6},
		{`{"a":5}`, `"a" must be an object or an array`, "a", 1, 6},
		{`{"a":[]}`, "Empty arrays are not allowed", "a", 1, 6},
		{`{"a":[[1]]}`, "Match value must be String, number, true, false, or null", "a", 1, 7},
		{`{"a":[{}]}`, "Match expression name not found", "a", 1, 7},
		{`{"a":[{"prefi":"x"}]}`, "Unrecognized match type prefi", "a.prefi", 1, 8},
		{`{"a":[{"prefix":"x","suffix":"y"}]}`, "Only one key allowed in match expression", "a", 1, 21},
		{`{"a":[{"prefix":5}]}`, "prefix match pattern must be a string", "a.prefix", 1, 17},
		{`{"a":[{"suffix":null}]}`, "suffix match pattern must be a string", "a.suffix", 1, 17},
		{`{"a":[{"prefix":{"equals-ignore-case":1}}]}`, "equals-ignore-case match pattern must be a string", "a.prefix", 1, 39},
		{`{"a":[{"equals-ignore-case":["x"]}]}`, "equals-ignore-case match pattern must be a string", "a.equals-ignore-case", 1, 29},
		{`{"a":[{"wildcard":1}]}`, "wildcard match pattern must be a string", "a.wildcard", 1, 19},
		{`{"a":[{"wildcard":"a**b"}]}`, "Consecutive wildcard characters at pos 1", "a.wildcard", 1, 19},
		{`{"a":[{"wildcard":"a\\b"}]}`, "Invalid escape character at pos 1", "a.wildcard", 1, 19},
		{`{"a":[{"numeric":5}]}`, "Value of numeric must be an array.", "a.numeric", 1, 18},
		{`{"a":[{"numeric":[5]}]}`, "Invalid member in numeric match: 5", "a.numeric", 1, 19},
		{`{"a":[{"numeric":["~",5]}]}`, "Unrecognized numeric range operator: ~", "a.numeric", 1, 19},
		{`{"a":[{"numeric":[">","5"]}]}`, "Value of > must be numeric", "a.numeric", 1, 18},
		{`{"a":[{"numeric":["<",5,"<",6]}]}`, "Too many elements in numeric expression", "a.numeric", 1, 25},
		{`{"a":[{"numeric":[">",5,">",6]}]}`, "Bad numeric range operator: >", "a.numeric", 1, 25},
		{`{"a":[{"numeric":[">",5,"<"]}]}`, "Value of < must be numeric", "a.numeric", 1, 18},
		{`{"a":[{"numeric":[">",5,"<",6,7]}]}`, "Too many terms in numeric range expression", "a.numeric", 1, 31},
		{`{"a":[{"numeric":[">",6,"<",5]}]}`, "Bad numeric range: the lower bound must be below the upper bound", "a.numeric", 1, 29},
		{`{"a":[{"numeric":[">",5e9,"<",6e9]}]}`, "Value must be between -5.0E9 and 5.0E9, inclusive", "a.numeric", 1, 31},
		{`{"a":[{"numeric":["=",-5000000001]}]}`, "Value must be between -5.0E9 and 5.0E9, inclusive", "a.numeric", 1, 23},
		{`{"a":[{"exists":"true"}]}`, "exists match pattern must be either true or false.", "a.exists", 1, 17},
		{`{"a":[{"cidr":1}]}`, "cidr match pattern must be a string", "a.cidr", 1, 15},
		{`{"a":[{"cidr":"10.0.0.0/33"}]}`, "Malformed CIDR, one '/' required: 10.0.0.0/33", "a.cidr", 1, 15},
		{`{"a":[{"cidr":"10.0.0"}]}`, "Nonstandard IP address: 10.0.0", "a.cidr", 1, 15},
		{`{"a":[{"anything-but":true}]}`, "Value of anything-but must be an array or single string/number value.", "a.anything-but", 1, 23},
		{`{"a":[{"anything-but":[null]}]}`, "Inside anything but list, start|null|boolean is not supported.", "a.anything-but", 1, 24},
		{`{"a":[{"anything-but":["x",1]}]}`, "Inside anything but list, either all values are number or string, mixed type is not supported", "a.anything-but", 1, 23},
		{`{"a":[{"anything-but":[]}]}`, "Inside anything but list, either all values are number or string, mixed type is not supported", "a.anything-but", 1, 23},
		{`{"a":[{"anything-but":{"prefix":""}}]}`, "Null prefix/suffix not allowed", "a.anything-but", 1, 33},
		{`{"a":[{"anything-but":{"suffix":1}}]}`, "prefix/suffix match pattern must be a string", "a.anything-but", 1, 33},
		{`{"a":[{"anything-but":{"numeric":[">",1]}}]}`, "Unsupported anything-but pattern: numeric", "a.anything-but", 1, 24},
		{`{"a":[{"anything-but":{}}]}`, "Anything-But expression name not found", "a.anything-but", 1, 23},
		{`{"a":[{"anything-but":{"equals-ignore-case":[1]}}]}`, "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.", "a.anything-but", 1, 46},
		{`{"a":[{"anything-but":{"wildcard":["a**"]}}]}`, "Consecutive wildcard characters at pos 1", "a.anything-but", 1, 35},
		{`{"a":[{"anything-but":6e9}]}`, "Value must be between -5.0E9 and 5.0E9, inclusive", "a.anything-but", 1, 23},
		{`{"$or":{"a":["x"]}}`, "It must be an Array followed with $or.", "", 1, 8},
		{`{"$or":[{"a":["x"]}]}`, "There must have at least 2 Objects in $or relationship.", "", 1, 8},
		{`{"$or":[{"a":["x"]},"b"]}`, "Only JSON object is allowed in array of $or relationship.", "", 1, 21},
		{`{"$or":[{"a":["x"]},{"prefix":["y"]}]}`, "prefix is Ruler reserved fieldName which cannot be used inside $or.", "", 1, 22},
		{`{"$or":[{"a":["x"]},{"b":{"<=":["y"]}}]}`, "<= is Ruler reserved fieldName which cannot be used inside $or.", "b", 1, 27},
		{"{\"a\":\n  [\"x\",]}", "Invalid JSON: unexpected character ']' looking for beginning of value", "", 2, 8},
		{`{"a":["x"]`, "Invalid JSON: unexpected end of input", "", 1, 11},
		{`{"a":["x"]} {}`, "Invalid JSON: unexpected data after the top-level value", "", 1, 13},
		{`{"a":["x"],}`, "Invalid JSON: unexpected character '}' looking for beginning of object key string", "", 1, 12},
		{``, "Invalid JSON: unexpected end of input", "", 1, 1},
	}
	for _, tc := range cases {
		t.Run(tc.pattern, func(t *testing.T) {
			t.Parallel()
			_, err := Parse([]byte(tc.pattern))
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("got %v, want *Error", err)
			}
			if pe.Reason != tc.reason || pe.Path != tc.path || pe.Line != tc.line || pe.Column != tc.col {
				t.Errorf("got %d:%d %q %q\nwant %d:%d %q %q", pe.Line, pe.Column, pe.Path, pe.Reason, tc.line, tc.col, tc.path, tc.reason)
			}
			if !strings.HasPrefix(pe.AWSMessage(), "Event pattern is not valid. Reason: "+tc.reason) {
				t.Errorf("AWSMessage %q", pe.AWSMessage())
			}
		})
	}
}

func TestParseLimits(t *testing.T) {
	t.Parallel()
	big := `{"a":["` + strings.Repeat("x", DefaultMaxPatternSize) + `"]}`
	if _, err := Parse([]byte(big)); err == nil || !strings.Contains(err.Error(), "too long") {
		t.Fatalf("2 KB quota: %v", err)
	}
	if _, err := ParseLimit([]byte(big), MaxPatternSize); err != nil {
		t.Fatalf("raised quota: %v", err)
	}
	if _, err := ParseLimit([]byte(big), 0); err != nil {
		t.Fatalf("ParseLimit 0 means MaxPatternSize: %v", err)
	}
	if _, err := ParseLimit([]byte(`{"a":["`+strings.Repeat("x", MaxPatternSize)+`"]}`), 1<<20); err == nil {
		t.Fatal("the API's 4096 limit is not enforced")
	}
	// Characters, not bytes: 2000 two-byte characters fit the 2048 quota.
	if _, err := Parse([]byte(`{"a":["` + strings.Repeat("é", 2000) + `"]}`)); err != nil {
		t.Fatalf("multi-byte pattern: %v", err)
	}
	deep := strings.Repeat(`{"a":`, MaxPatternDepth+1) + `["x"]` + strings.Repeat(`}`, MaxPatternDepth+1)
	if _, err := ParseLimit([]byte(deep), MaxPatternSize); err == nil || !strings.Contains(err.Error(), "nested too deeply") {
		t.Fatalf("depth: %v", err)
	}
	// 2^11 combinations of $or exceed MaxBranches.
	var b strings.Builder
	b.WriteString("{")
	for i := range 11 {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`"k` + itoa(i) + `":{"$or":[{"a":["1"]},{"b":["2"]}]}`)
	}
	b.WriteString("}")
	if _, err := ParseLimit([]byte(b.String()), MaxPatternSize); err == nil || !strings.Contains(err.Error(), "too complex") {
		t.Fatalf("$or combinations: %v", err)
	}
}

func TestPatternAccessors(t *testing.T) {
	t.Parallel()
	src := `{"detail":{"b":["x"],"a":[1]},"$or":[{"source":["s"]},{"detail":{"a":[2]}}]}`
	p := mustParse(t, src)
	if p.String() != src {
		t.Errorf("String() = %q", p.String())
	}
	if got := strings.Join(p.Paths(), ","); got != "detail.a,detail.b,source" {
		t.Errorf("Paths() = %s", got)
	}
	if len(p.branches) != 2 {
		t.Errorf("%d branches, want 2", len(p.branches))
	}
	var pe Error = Error{Line: 2, Column: 3, Path: "a", Reason: "r"}
	if pe.Error() != "event pattern 2:3: a: r" {
		t.Errorf("Error() = %q", pe.Error())
	}
}
