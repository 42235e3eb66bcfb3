package waf

import (
	"strconv"
	"strings"
)

// field compiles one FieldToMatch; it returns its extra WCU.
func (c *compiler) field(f *field, m *FieldToMatch, p string) int64 {
	n := 0
	var extra int64
	set := func(k fieldKind) { n++; f.kind = k }
	if m.UriPath != nil {
		set(fUriPath)
	}
	if m.QueryString != nil {
		set(fQueryString)
	}
	if m.Method != nil {
		set(fMethod)
	}
	if m.SingleHeader != nil {
		set(fSingleHeader)
		f.name = strings.ToLower(m.SingleHeader.Name)
		if f.name == "" {
			c.errf(p+".SingleHeader.Name", CodeInvalidParameter, "missing header name")
		}
	}
	if m.SingleQueryArgument != nil {
		set(fSingleQueryArgument)
		f.name = strings.ToLower(m.SingleQueryArgument.Name)
		if f.name == "" {
			c.errf(p+".SingleQueryArgument.Name", CodeInvalidParameter, "missing argument name")
		}
	}
	if m.AllQueryArguments != nil {
		set(fAllQueryArguments)
		extra += 10
	}
	if m.Body != nil {
		set(fBody)
		f.oversize = c.oversize(m.Body.OversizeHandling, p+".Body.OversizeHandling")
	}
	if m.JsonBody != nil {
		set(fJsonBody)
		j := m.JsonBody
		jp := p + ".JsonBody"
		f.bodyJSON = true
		f.oversize = c.oversize(j.OversizeHandling, jp+".OversizeHandling")
		f.scope = c.scope(j.MatchScope, jp+".MatchScope")
		switch j.InvalidFallbackBehavior {
		case "":
			f.invalid = ovNone
		case "MATCH":
			f.invalid = ovMatch
		case "NO_MATCH":
			f.invalid = ovNoMatch
		case "EVALUATE_AS_STRING":
			f.invalid = ovEvaluateAsString
		default:
			c.errf(jp+".InvalidFallbackBehavior", CodeInvalidParameter, "InvalidFallbackBehavior must be MATCH, NO_MATCH or EVALUATE_AS_STRING, got %q", j.InvalidFallbackBehavior)
		}
		switch mp := j.MatchPattern; {
		case mp == nil || (mp.All == nil) == (mp.IncludedPaths == nil):
			c.errf(jp+".MatchPattern", CodeInvalidParameter, "MatchPattern needs exactly one of All, IncludedPaths")
		case mp.IncludedPaths != nil:
			for i, ip := range mp.IncludedPaths {
				if !strings.HasPrefix(ip, "/") && ip != "" {
					c.errf(jp+".MatchPattern.IncludedPaths["+strconv.Itoa(i)+"]", CodeInvalidParameter, "not a JSON pointer: %q", ip)
				}
			}
			f.paths = mp.IncludedPaths
		}
	}
	if m.Headers != nil {
		set(fHeaders)
		h := m.Headers
		f.oversize = c.oversize(h.OversizeHandling, p+".Headers.OversizeHandling")
		f.scope = c.scope(h.MatchScope, p+".Headers.MatchScope")
		f.include, f.exclude = c.pattern(h.MatchPattern == nil, func() (*struct{}, []string, []string) {
			return h.MatchPattern.All, h.MatchPattern.IncludedHeaders, h.MatchPattern.ExcludedHeaders
		}, p+".Headers.MatchPattern")
	}
	if m.Cookies != nil {
		set(fCookies)
		ck := m.Cookies
		f.oversize = c.oversize(ck.OversizeHandling, p+".Cookies.OversizeHandling")
		f.scope = c.scope(ck.MatchScope, p+".Cookies.MatchScope")
		f.include, f.exclude = c.pattern(ck.MatchPattern == nil, func() (*struct{}, []string, []string) {
			return ck.MatchPattern.All, ck.MatchPattern.IncludedCookies, ck.MatchPattern.ExcludedCookies
		}, p+".Cookies.MatchPattern")
	}
	if m.HeaderOrder != nil {
		set(fHeaderOrder)
		f.oversize = c.oversize(m.HeaderOrder.OversizeHandling, p+".HeaderOrder.OversizeHandling")
	}
	if m.JA3Fingerprint != nil {
		set(fJA3)
		f.oversize = c.fallback(m.JA3Fingerprint.FallbackBehavior, p+".JA3Fingerprint.FallbackBehavior")
	}
	if m.JA4Fingerprint != nil {
		set(fJA4)
		f.oversize = c.fallback(m.JA4Fingerprint.FallbackBehavior, p+".JA4Fingerprint.FallbackBehavior")
	}
	if m.UriFragment != nil {
		set(fUriFragment)
		f.oversize = ovNoMatch
		if m.UriFragment.FallbackBehavior != "" {
			f.oversize = c.fallback(m.UriFragment.FallbackBehavior, p+".UriFragment.FallbackBehavior")
		}
	}
	if n != 1 {
		c.errf(p, CodeInvalidParameter, "FieldToMatch needs exactly one component, got %d", n)
	}
	return extra
}

func (c *compiler) pattern(missing bool, get func() (*struct{}, []string, []string), p string) ([]string, []string) {
	if missing {
		c.errf(p, CodeInvalidParameter, "missing required member MatchPattern")
		return nil, nil
	}
	all, inc, exc := get()
	n := 0
	for _, b := range []bool{all != nil, inc != nil, exc != nil} {
		if b {
			n++
		}
	}
	if n != 1 {
		c.errf(p, CodeInvalidParameter, "MatchPattern needs exactly one of All, Included..., Excluded...")
	}
	if all != nil {
		return nil, nil
	}
	if inc != nil {
		return inc, nil
	}
	return nil, exc
}

func (c *compiler) forwarded(fc *ForwardedIPConfig, position, p string) *forwardedIP {
	if fc == nil {
		return nil
	}
	f := &forwardedIP{header: fc.HeaderName}
	if fc.HeaderName == "" {
		c.errf(p+".HeaderName", CodeInvalidParameter, "missing HeaderName")
	}
	f.fallbackMatch = c.fallback(fc.FallbackBehavior, p+".FallbackBehavior") == ovMatch
	switch position {
	case "", "FIRST":
		f.position = posFirst
	case "LAST":
		f.position = posLast
	case "ANY":
		f.position = posAny
	default:
		c.errf(p+".Position", CodeInvalidParameter, "Position must be FIRST, LAST or ANY, got %q", position)
	}
	return f
}
