package protocol

import (
	"net/http"
	"net/url"
	"strings"
)

// Route binds an HTTP method and a URI template to an operation. Path is the
// model's requestUri: literal segments, {Label} (one segment) and {Label+}
// (greedy: the rest of the path, slashes included), optionally followed by
// "?key" or "?key=value" pairs the query string must carry (S3
// sub-resources: "/{Bucket}?policy", "/{Bucket}/{Key+}?tagging",
// "/{Bucket}?list-type=2").
type Route struct {
	Method, Path, Op string
	// Header, when set, is a header the request must carry (S3's CopyObject
	// is a PUT of the object with x-amz-copy-source); it counts as one more
	// required key when routes compete.
	Header string
}

type segment struct {
	literal string
	label   string
	greedy  bool
}

type compiledRoute struct {
	Route
	segs     []segment
	query    [][2]string // required key, optional value ("" = any)
	literals int
	greedy   bool
}

// Router matches requests to REST operations. It is immutable after
// NewRouter and safe for concurrent use.
type Router struct {
	routes []compiledRoute
}

// NewRouter compiles routes; it panics on a malformed template, which is a
// programming error in a service table.
func NewRouter(routes []Route) *Router {
	r := &Router{routes: make([]compiledRoute, 0, len(routes))}
	for _, rt := range routes {
		r.routes = append(r.routes, compileRoute(rt))
	}
	return r
}

func compileRoute(rt Route) compiledRoute {
	cr := compiledRoute{Route: rt}
	path, query, _ := strings.Cut(rt.Path, "?")
	for _, part := range splitPath(path) {
		if strings.HasPrefix(part, "{") && strings.HasSuffix(part, "}") {
			label := part[1 : len(part)-1]
			s := segment{label: strings.TrimSuffix(label, "+"), greedy: strings.HasSuffix(label, "+")}
			if s.label == "" || cr.greedy {
				panic("protocol: bad route template " + rt.Path)
			}
			cr.greedy = cr.greedy || s.greedy
			cr.segs = append(cr.segs, s)
			continue
		}
		if strings.ContainsAny(part, "{}") {
			panic("protocol: bad route template " + rt.Path)
		}
		cr.segs = append(cr.segs, segment{literal: part})
		cr.literals++
	}
	for _, kv := range strings.Split(query, "&") {
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		cr.query = append(cr.query, [2]string{k, v})
	}
	return cr
}

// splitPath splits an escaped path into segments, dropping the leading and a
// trailing slash ("/a/b/" -> ["a","b"], "/" -> []).
func splitPath(p string) []string {
	p = strings.TrimPrefix(p, "/")
	p = strings.TrimSuffix(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// Match returns the operation for req and its URI labels (unescaped). When
// several templates match, the one with more required query keys wins, then
// the one with more literal segments, then a non-greedy one.
func (r *Router) Match(req *http.Request) (op string, params map[string]string, ok bool) {
	if req == nil || req.URL == nil {
		return "", nil, false
	}
	escaped := req.URL.EscapedPath()
	segs := splitPath(escaped)
	trailing := strings.HasSuffix(escaped, "/") && len(segs) > 0
	query := req.URL.Query()
	best := -1
	var bestParams map[string]string
	for i := range r.routes {
		cr := &r.routes[i]
		if cr.Method != req.Method {
			continue
		}
		if cr.Header != "" && req.Header.Get(cr.Header) == "" {
			continue
		}
		p, matched := cr.match(segs, trailing, query)
		if !matched {
			continue
		}
		if best < 0 || cr.better(&r.routes[best]) {
			best, bestParams = i, p
		}
	}
	if best < 0 {
		return "", nil, false
	}
	return r.routes[best].Op, bestParams, true
}

func (cr *compiledRoute) better(o *compiledRoute) bool {
	if a, b := cr.required(), o.required(); a != b {
		return a > b
	}
	if cr.literals != o.literals {
		return cr.literals > o.literals
	}
	if cr.greedy != o.greedy {
		return !cr.greedy
	}
	return len(cr.segs) > len(o.segs)
}

// required counts the query keys and header a route needs.
func (cr *compiledRoute) required() int {
	n := len(cr.query)
	if cr.Header != "" {
		n++
	}
	return n
}

func (cr *compiledRoute) match(segs []string, trailing bool, query url.Values) (map[string]string, bool) {
	for _, kv := range cr.query {
		vals, ok := query[kv[0]]
		if !ok || (kv[1] != "" && (len(vals) == 0 || vals[0] != kv[1])) {
			return nil, false
		}
	}
	var params map[string]string
	for i, s := range cr.segs {
		if s.greedy {
			if i >= len(segs) {
				return nil, false
			}
			rest := strings.Join(segs[i:], "/")
			if trailing {
				rest += "/"
			}
			val, err := url.PathUnescape(rest)
			if err != nil {
				return nil, false
			}
			params = setParam(params, s.label, val)
			return params, true
		}
		if i >= len(segs) {
			return nil, false
		}
		val, err := url.PathUnescape(segs[i])
		if err != nil {
			return nil, false
		}
		if s.label == "" {
			if val != s.literal {
				return nil, false
			}
			continue
		}
		if val == "" {
			return nil, false
		}
		params = setParam(params, s.label, val)
	}
	if len(segs) != len(cr.segs) {
		return nil, false
	}
	return params, true
}

func setParam(m map[string]string, k, v string) map[string]string {
	if m == nil {
		m = make(map[string]string, 2)
	}
	m[k] = v
	return m
}
