package waf

import (
	"strings"
	"time"
)

type fieldKind uint8

const (
	fUriPath fieldKind = iota
	fQueryString
	fMethod
	fSingleHeader
	fHeaders
	fCookies
	fBody
	fJsonBody
	fSingleQueryArgument
	fAllQueryArguments
	fHeaderOrder
	fJA3
	fJA4
	fUriFragment
)

// Oversize handling, fallback behaviours and match scopes.
const (
	ovContinue = iota
	ovMatch
	ovNoMatch
	ovEvaluateAsString // JsonBody InvalidFallbackBehavior only
	ovNone             // JsonBody InvalidFallbackBehavior absent
)

const (
	scopeAll = iota
	scopeKey
	scopeValue
)

// AWS's inspection limits for headers and cookies (waf-oversize-request-components).
const (
	maxHeaderBytes = 8 * 1024
	maxHeaderCount = 200
)

// field is a compiled FieldToMatch.
type field struct {
	kind     fieldKind
	name     string // SingleHeader / SingleQueryArgument, lower case
	scope    uint8
	oversize uint8 // ovContinue / ovMatch / ovNoMatch; fallback for JA3/JA4/UriFragment
	invalid  uint8 // JsonBody InvalidFallbackBehavior
	include  []string
	exclude  []string
	paths    []string // JsonBody IncludedPaths
	bodyJSON bool
}

// forced is the outcome of a field whose content is not inspected.
type forced uint8

const (
	inspect forced = iota
	forceMatch
	forceNoMatch
)

// evalCtx is the per-request scratch space, pooled: nothing in it survives
// a request, and the slices keep their capacity between requests.
type evalCtx struct {
	acl *WebACL
	req *Request
	now time.Time

	parsed      bool
	path, query string
	frag        string
	hasFrag     bool

	argsDone    bool
	args        []kv
	cookiesDone bool
	cookies     []kv
	cookieOver  bool

	jsonDone  bool
	jsonValid bool
	jsonElems []jsonElem
	jsonPtr   []byte
	jsonText  []byte
	jsonCur   []byte
	jsonStack []jsonFrame

	vals   [][]byte
	order  []byte
	bufA   []byte
	bufB   []byte
	labels []string
	result *Result

	tokenChecked  bool
	challengeOK   bool
	captchaOK     bool
	tokenPresent  bool
	geoDone       bool
	geoCountry    string
	geoRegion     string
	rateKey       []byte
	insertHeaders []Header
	detail        *MatchDetail // set by SQLi/XSS matches, read by the rule that matched
}

func (ec *evalCtx) reset() {
	*ec = evalCtx{
		args: ec.args[:0], cookies: ec.cookies[:0], jsonElems: ec.jsonElems[:0],
		jsonPtr: ec.jsonPtr[:0], jsonText: ec.jsonText[:0], jsonCur: ec.jsonCur[:0], jsonStack: ec.jsonStack[:0],
		vals: ec.vals[:0], order: ec.order[:0], bufA: ec.bufA[:0], bufB: ec.bufB[:0], labels: ec.labels[:0],
		rateKey: ec.rateKey[:0], insertHeaders: ec.insertHeaders[:0],
	}
}

func (ec *evalCtx) parse() {
	if !ec.parsed {
		ec.path, ec.query, ec.frag, ec.hasFrag = splitURI(ec.req.URI)
		ec.parsed = true
	}
}

func (ec *evalCtx) queryArgs() []kv {
	if !ec.argsDone {
		ec.parse()
		ec.args = parseArgs(ec.args, ec.query)
		ec.argsDone = true
	}
	return ec.args
}

func (ec *evalCtx) cookieList() []kv {
	if !ec.cookiesDone {
		size := 0
		for _, h := range ec.req.Headers {
			if strings.EqualFold(h.Name, "cookie") {
				size += len(h.Value)
				ec.cookies = parseCookies(ec.cookies, h.Value)
			}
		}
		if size > maxHeaderBytes || len(ec.cookies) > maxHeaderCount {
			ec.cookieOver = true
			if len(ec.cookies) > maxHeaderCount {
				ec.cookies = ec.cookies[:maxHeaderCount]
			}
		}
		ec.cookiesDone = true
	}
	return ec.cookies
}

// body returns the inspected part of the body and whether it is oversize.
func (ec *evalCtx) body() ([]byte, bool) {
	b := ec.req.Body
	limit := ec.acl.bodyLimit
	if len(b) > limit {
		return b[:limit], true
	}
	return b, ec.req.BodyTruncated
}

// headersWithin returns the headers inside AWS's 8 KB / 200 limit and
// whether any were left out.
func (ec *evalCtx) headersWithin() ([]Header, bool) {
	hs := ec.req.Headers
	size := 0
	for i, h := range hs {
		size += len(h.Name) + len(h.Value) + 4 // "name: value\r\n"
		if i >= maxHeaderCount || size > maxHeaderBytes {
			return hs[:i], true
		}
	}
	return hs, false
}

func oversizeOutcome(h uint8) forced {
	switch h {
	case ovMatch:
		return forceMatch
	case ovNoMatch:
		return forceNoMatch
	}
	return inspect
}

func nameIn(name string, list []string, fold bool) bool {
	for _, n := range list {
		if n == name || fold && strings.EqualFold(n, name) {
			return true
		}
	}
	return false
}

func (f *field) wanted(name string, fold bool) bool {
	if f.include != nil {
		return nameIn(name, f.include, fold)
	}
	return !nameIn(name, f.exclude, fold)
}

func (f *field) addKV(ec *evalCtx, k, v string) {
	if f.scope != scopeValue {
		ec.vals = append(ec.vals, bytesOf(k))
	}
	if f.scope != scopeKey {
		ec.vals = append(ec.vals, bytesOf(v))
	}
}

// extract puts the values to inspect in ec.vals, or says that the field's
// oversize handling or fallback decides without inspection.
func (f *field) extract(ec *evalCtx) forced {
	ec.vals = ec.vals[:0]
	r := ec.req
	switch f.kind {
	case fUriPath:
		ec.parse()
		ec.vals = append(ec.vals, bytesOf(ec.path))
	case fQueryString:
		ec.parse()
		ec.vals = append(ec.vals, bytesOf(ec.query))
	case fMethod:
		ec.vals = append(ec.vals, bytesOf(r.Method))
	case fUriFragment:
		ec.parse()
		if !ec.hasFrag {
			return oversizeOutcome(f.oversize)
		}
		ec.vals = append(ec.vals, bytesOf(ec.frag))
	case fJA3, fJA4:
		v := r.JA3
		if f.kind == fJA4 {
			v = r.JA4
		}
		if v == "" {
			return oversizeOutcome(f.oversize)
		}
		ec.vals = append(ec.vals, bytesOf(v))
	case fSingleHeader:
		for _, h := range r.Headers {
			if strings.EqualFold(h.Name, f.name) {
				ec.vals = append(ec.vals, bytesOf(h.Value))
			}
		}
	case fSingleQueryArgument:
		for _, a := range ec.queryArgs() {
			if strings.EqualFold(a.k, f.name) {
				ec.vals = append(ec.vals, bytesOf(a.v))
			}
		}
	case fAllQueryArguments:
		for _, a := range ec.queryArgs() {
			ec.vals = append(ec.vals, bytesOf(a.v))
		}
	case fHeaders:
		hs, over := ec.headersWithin()
		if over && f.oversize != ovContinue {
			return oversizeOutcome(f.oversize)
		}
		for _, h := range hs {
			if f.wanted(h.Name, true) {
				f.addKV(ec, h.Name, h.Value)
			}
		}
	case fHeaderOrder:
		hs, over := ec.headersWithin()
		if over && f.oversize != ovContinue {
			return oversizeOutcome(f.oversize)
		}
		ec.order = ec.order[:0]
		for i, h := range hs {
			if i > 0 {
				ec.order = append(ec.order, ':')
			}
			ec.order = append(ec.order, h.Name...)
		}
		ec.vals = append(ec.vals, ec.order)
	case fCookies:
		cs := ec.cookieList()
		if ec.cookieOver && f.oversize != ovContinue {
			return oversizeOutcome(f.oversize)
		}
		for _, c := range cs {
			if f.wanted(c.k, false) {
				f.addKV(ec, c.k, c.v)
			}
		}
	case fBody:
		b, over := ec.body()
		if over && f.oversize != ovContinue {
			return oversizeOutcome(f.oversize)
		}
		ec.vals = append(ec.vals, b)
	case fJsonBody:
		return f.extractJSON(ec)
	}
	return inspect
}

func (f *field) extractJSON(ec *evalCtx) forced {
	b, over := ec.body()
	if over && f.oversize != ovContinue {
		return oversizeOutcome(f.oversize)
	}
	if !ec.jsonDone {
		ec.jsonValid = ec.scanJSON(b)
		ec.jsonDone = true
	}
	if !ec.jsonValid {
		switch f.invalid {
		case ovMatch:
			return forceMatch
		case ovNoMatch:
			return forceNoMatch
		case ovEvaluateAsString:
			ec.vals = append(ec.vals, b)
			return inspect
		}
	}
	for _, e := range ec.jsonElems {
		if e.key && f.scope == scopeValue || !e.key && f.scope == scopeKey {
			continue
		}
		if f.paths != nil && !pathIncluded(ec.jsonPtr[e.p0:e.p1], f.paths) {
			continue
		}
		ec.vals = append(ec.vals, ec.jsonText[e.t0:e.t1])
	}
	return inspect
}

// pathIncluded reports whether ptr is one of paths or below one of them.
func pathIncluded(ptr []byte, paths []string) bool {
	for _, p := range paths {
		if p == "" || p == "/" {
			return true
		}
		if len(ptr) >= len(p) && string(ptr[:len(p)]) == p && (len(ptr) == len(p) || ptr[len(p)] == '/') {
			return true
		}
	}
	return false
}
