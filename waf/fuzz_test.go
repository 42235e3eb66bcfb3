package waf

import (
	"testing"
)

// FuzzParseWebACL: any input either fails with an *Error or compiles into
// an ACL that evaluates requests without panicking.
func FuzzParseWebACL(f *testing.F) {
	f.Add([]byte(readTestdata(f, "webacl.json")))
	f.Add([]byte(oneRule(`{"SqliMatchStatement":{"FieldToMatch":{"JsonBody":{"MatchPattern":{"All":{}},"MatchScope":"ALL"}},"TextTransformations":[{"Priority":0,"Type":"URL_DECODE"}]}}`)))
	f.Add([]byte(aclWithGroup(`{"None":{}}`, "")))
	f.Add([]byte(`{"WebACL":{"Name":"x","DefaultAction":{"Block":{}},"Rules":[]}}`))
	f.Add([]byte(`{"Name":"a",,}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		acl, err := ParseWebACL(data)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		w, err := Compile(acl, Options{SearchString: "raw"})
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("compile error of type %T: %v", err, err)
			}
			return
		}
		var res Result
		w.Evaluate(withBody(get("/a/../b?x=1%27&y=<script>", "Cookie", "a=b"), `{"k":["v",1,{"z":null}]}`), &res)
	})
}

// FuzzTestRequest: `moat waf test` input lines.
func FuzzTestRequest(f *testing.F) {
	f.Add([]byte(`{"id":"a","method":"GET","uri":"/path?a=b","headers":[["Host","example.com"]],"body":"x","clientIp":"203.0.113.9"}`))
	f.Add([]byte(`{"id":"a","uri":"/","clientIp":"::1","timestamp":1700000000000}`))
	f.Add([]byte(`{"id":1}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		r, _, err := DecodeTestRequest(line, 1)
		if err != nil {
			if _, ok := err.(*LineError); !ok {
				t.Fatalf("error of type %T", err)
			}
			return
		}
		var res Result
		AppendTestResult(nil, r.ID, &res)
	})
}

// FuzzJSONBody: the lenient JSON scanner on arbitrary bodies.
func FuzzJSONBody(f *testing.F) {
	w := compileJSON(f, oneRule(`{"ByteMatchStatement":{"FieldToMatch":{"JsonBody":{"MatchPattern":{"IncludedPaths":["/a"]},"MatchScope":"ALL","InvalidFallbackBehavior":"EVALUATE_AS_STRING"}},"SearchString":"zz","PositionalConstraint":"CONTAINS","TextTransformations":[{"Priority":0,"Type":"NONE"}]}}`), Options{})
	for _, s := range []string{`{"a":"zz"}`, `{"key1":"value1""key2":"value2"}`, `[1,2,{"a":[true,null]}]`, `{"a":"\u00zz"}`, `]`, `{"~/":1}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		var res Result
		w.Evaluate(withBody(get("/"), body), &res)
	})
}
