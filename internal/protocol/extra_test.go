package protocol

import (
	"math"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestRouterPriority(t *testing.T) {
	t.Parallel()
	rt := NewRouter([]Route{
		{Method: "GET", Path: "/findings/{Id}", Op: "GetFinding"},
		{Method: "GET", Path: "/findings/list", Op: "ListFindings"},
		{Method: "GET", Path: "/{Bucket}/{Key+}", Op: "GetObject"},
		{Method: "GET", Path: "/{Bucket}/{Key}/acl", Op: "GetThingAcl"},
		{Method: "GET", Path: "/{Bucket}/{Key}", Op: "GetThing"},
	})
	cases := map[string]string{
		"/findings/list": "ListFindings",
		"/findings/f-1":  "GetFinding",
		"/b/k/acl":       "GetThingAcl",
		"/b/k":           "GetThing",
		"/b/k/x/y":       "GetObject",
	}
	for target, want := range cases {
		if op, _, _ := rt.Match(httptest.NewRequest("GET", target, nil)); op != want {
			t.Errorf("%s: got %q, want %q", target, op, want)
		}
	}
}

type restKitchen struct {
	IDs      []string          `aws:"ids,location=querystring"`
	All      map[string]string `aws:",location=querystring"`
	Since    *time.Time        `aws:"If-Modified-Since,location=header"`
	Parts    []int             `aws:"X-Parts,location=header"`
	Checksum []byte            `aws:"X-Sum,location=header"`
	Body     restBody          `aws:",location=payload"`
}

type restBody struct {
	Name   string
	Flat   []string `aws:"Item,flattened"`
	Attrs  map[string]int
	FlatM  map[string]string `aws:"Pair,flattened"`
	When   time.Time
	Count  *int
	Nested *restBody
	Raw    []byte
}

func TestRESTXMLBindingsAndBody(t *testing.T) {
	t.Parallel()
	body := `<Doc><Name>n</Name><Item>a</Item><Item>b</Item><Attrs><entry><key>x</key><value>1</value></entry></Attrs>` +
		`<Pair><key>k</key><value>v</value></Pair><When>2026-01-02T03:04:05.5Z</When><Count> 7 </Count>` +
		`<Nested><Name>inner</Name></Nested><Raw>aGk=</Raw></Doc>`
	r := httptest.NewRequest("POST", "/x?ids=a&ids=b&other=1", strings.NewReader(body))
	r.Header.Set("If-Modified-Since", "Fri, 02 Jan 2026 03:04:05 GMT")
	r.Header.Set("X-Parts", "1, 2,3")
	r.Header.Set("X-Sum", "aGk=")
	var in restKitchen
	if err := New(s3Svc).Decode(&Request{HTTP: r, Body: []byte(body)}, &in); err != nil {
		t.Fatal(err)
	}
	want := restKitchen{
		IDs: []string{"a", "b"}, All: map[string]string{"ids": "a", "other": "1"}, Since: &t0, Parts: []int{1, 2, 3}, Checksum: []byte("hi"),
		Body: restBody{Name: "n", Flat: []string{"a", "b"}, Attrs: map[string]int{"x": 1}, FlatM: map[string]string{"k": "v"},
			When: time.Date(2026, 1, 2, 3, 4, 5, 5e8, time.UTC), Count: ptr(7), Nested: &restBody{Name: "inner"}, Raw: []byte("hi")},
	}
	if !reflect.DeepEqual(in, want) {
		t.Errorf("got  %+v\nwant %+v", in, want)
	}
	bad := `<Doc><Count>seven</Count></Doc>`
	err := New(s3Svc).Decode(&Request{HTTP: httptest.NewRequest("POST", "/x", nil), Body: []byte(bad)}, &restKitchen{})
	wantAWSErr(t, err, "MalformedXML", 400, "")
	var js restKitchen
	err = New(gdSvc).Decode(&Request{HTTP: httptest.NewRequest("POST", "/x", nil), Body: []byte(`{"Name":"n","Attrs":{"a":1}}`)}, &js)
	if err != nil || js.Body.Name != "n" || js.Body.Attrs["a"] != 1 {
		t.Errorf("rest-json payload struct: %+v %v", js.Body, err)
	}
}

func TestRESTEncodeHeadersAndPayload(t *testing.T) {
	t.Parallel()
	out := &struct {
		Since   *time.Time        `aws:"Last-Modified,location=header"`
		Parts   []int             `aws:"X-Parts,location=header"`
		Sum     []byte            `aws:"X-Sum,location=header"`
		Meta    map[string]string `aws:"x-amz-meta-,location=headers-prefix"`
		Payload *restBody         `aws:",location=payload"`
	}{&t0, []int{1, 2}, []byte("hi"), map[string]string{"owner": "alice"}, &restBody{Name: "n", Flat: []string{"a"}, FlatM: map[string]string{"k": "v"}}}
	rec := encode(t, New(gdSvc), nil, "Op", out)
	h := rec.Header()
	if h.Get("Last-Modified") != "Fri, 02 Jan 2026 03:04:05 GMT" || h.Get("X-Parts") != "1,2" || h.Get("X-Sum") != "aGk=" || h.Get("X-Amz-Meta-Owner") != "alice" {
		t.Errorf("headers %v", h)
	}
	if got := rec.Body.String(); got != `{"Name":"n","Item":["a"],"Pair":{"k":"v"}}` {
		t.Errorf("rest-json payload %s", got)
	}
	rec = encode(t, New(s3Svc), nil, "Op", out)
	if got := rec.Body.String(); got != xmlDecl+"\n"+`<Payload xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>n</Name><Item>a</Item><Pair><key>k</key><value>v</value></Pair></Payload>` {
		t.Errorf("rest-xml payload %s", got)
	}
	rec = encode(t, New(s3Svc), nil, "Op", &struct {
		Payload []byte `aws:",location=payload"`
	}{[]byte("raw")})
	if rec.Body.String() != "raw" {
		t.Errorf("blob payload %q", rec.Body)
	}
}

type Pagination struct {
	NextToken  *string
	MaxResults *int32
}

func TestEmbeddedStructsAndSkips(t *testing.T) {
	t.Parallel()
	var in struct {
		Pagination
		Name    string
		Skipped string `aws:"-"`
		hidden  string
	}
	if err := New(ctSvc).Decode(jsonRequest("x", `{"Name":"a","NextToken":"t","MaxResults":5,"Skipped":"no","hidden":"no"}`), &in); err != nil {
		t.Fatal(err)
	}
	if in.Name != "a" || *in.NextToken != "t" || *in.MaxResults != 5 || in.Skipped != "" || in.hidden != "" {
		t.Errorf("got %+v", in)
	}
	if got := string(TrailJSON(&in)); got != `{"nextToken":"t","maxResults":5,"name":"a"}` {
		t.Errorf("TrailJSON %s", got)
	}
}

func TestJSONSpecialValues(t *testing.T) {
	t.Parallel()
	e := jsonEnc{}
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0.1} {
		e.float(f)
		e.buf = append(e.buf, ' ')
	}
	e.str("\xff\u2029<>&")
	if got := string(e.buf); got != `"NaN" "Infinity" "-Infinity" 0.1 "\ufffd\u2029<>&"` {
		t.Errorf("got %s", got)
	}
	x := xmlEnc{}
	x.text("a\rb\x01c\xffd\uFFFEe'")
	if got := string(x.buf); got != "a&#xD;b\uFFFDc\uFFFDd\uFFFDe'" {
		t.Errorf("xml text %q", got)
	}
}

func TestTimestampFormats(t *testing.T) {
	t.Parallel()
	ms := time.Date(2026, 1, 2, 3, 4, 5, 120e6, time.UTC)
	for _, c := range []struct{ got, want string }{
		{formatTime(t0, tsISO8601), "2026-01-02T03:04:05Z"},
		{formatTime(ms, tsISO8601), "2026-01-02T03:04:05.120Z"},
		{formatTime(ms, tsEpoch), "1767323045.12"},
		{formatTime(t0, tsRFC822), "Fri, 02 Jan 2026 03:04:05 GMT"},
		{epochString(time.Date(2026, 1, 2, 3, 4, 5, 1e6, time.UTC)), "1767323045.001"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	for in, want := range map[string]time.Time{
		"2026-01-02T03:04:05Z":          t0,
		"2026-01-02T04:04:05+01:00":     t0,
		"2026-01-02T03:04:05":           t0,
		"1767323045":                    t0,
		"Fri, 02 Jan 2026 03:04:05 GMT": t0,
	} {
		if got, ok := parseTime(in); !ok || !got.Equal(want) {
			t.Errorf("parseTime(%q) = %v %v", in, got, ok)
		}
	}
	for _, bad := range []string{"", "yesterday", "1e999", "2026-13-01T00:00:00Z"} {
		if _, ok := parseTime(bad); ok {
			t.Errorf("parseTime(%q) accepted", bad)
		}
	}
}

// A route that needs a header wins over the same template without it, and
// is skipped when the header is absent (S3's CopyObject vs PutObject).
func TestRouterHeader(t *testing.T) {
	t.Parallel()
	rt := NewRouter([]Route{
		{Method: "PUT", Path: "/{Bucket}/{Key+}", Op: "PutObject"},
		{Method: "PUT", Path: "/{Bucket}/{Key+}", Op: "CopyObject", Header: "X-Amz-Copy-Source"},
		{Method: "PUT", Path: "/{Bucket}/{Key+}?partNumber&uploadId", Op: "UploadPart"},
		{Method: "PUT", Path: "/{Bucket}/{Key+}?partNumber&uploadId", Op: "UploadPartCopy", Header: "X-Amz-Copy-Source"},
	})
	for _, c := range []struct {
		target, copySource, want string
	}{
		{"/b/k", "", "PutObject"},
		{"/b/k", "src/obj", "CopyObject"},
		{"/b/k?partNumber=1&uploadId=u", "", "UploadPart"},
		{"/b/k?partNumber=1&uploadId=u", "src/obj", "UploadPartCopy"},
	} {
		r := httptest.NewRequest("PUT", c.target, nil)
		if c.copySource != "" {
			r.Header.Set("x-amz-copy-source", c.copySource)
		}
		if op, _, _ := rt.Match(r); op != c.want {
			t.Errorf("%s (copy source %q): got %q, want %q", c.target, c.copySource, op, c.want)
		}
	}
}
