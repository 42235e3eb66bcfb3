package waf

import (
	"net/netip"
	"strings"
)

const (
	posFirst = iota
	posLast
	posAny
)

// forwardedIP is a compiled ForwardedIPConfig / IPSetForwardedIPConfig: the
// client address comes from a header such as X-Forwarded-For, a
// comma-separated list. AWS uses the first address for ForwardedIPConfig;
// IP set references choose FIRST, LAST or ANY. A missing header or an
// invalid address applies FallbackBehavior.
type forwardedIP struct {
	header        string
	fallbackMatch bool
	position      int
}

func (f *forwardedIP) value(ec *evalCtx) (string, bool) {
	for _, h := range ec.req.Headers {
		if strings.EqualFold(h.Name, f.header) {
			return h.Value, true
		}
	}
	return "", false
}

func parseAddr(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	a, err := netip.ParseAddr(s)
	if err != nil {
		// "[2001:db8::1]:443" or "192.0.2.1:443"
		if ap, err2 := netip.ParseAddrPort(s); err2 == nil {
			return ap.Addr(), true
		}
		return netip.Addr{}, false
	}
	return a.WithZone(""), true
}

// first returns the first address of the header.
func (f *forwardedIP) first(ec *evalCtx) (netip.Addr, bool) {
	v, ok := f.value(ec)
	if !ok {
		return netip.Addr{}, false
	}
	first, _, _ := strings.Cut(v, ",")
	return parseAddr(first)
}

// matchAny applies the position to an IP set test.
func (f *forwardedIP) matchAny(ec *evalCtx, in func(netip.Addr) bool) bool {
	v, ok := f.value(ec)
	if !ok {
		return f.fallbackMatch
	}
	switch f.position {
	case posFirst:
		first, _, _ := strings.Cut(v, ",")
		a, ok := parseAddr(first)
		if !ok {
			return f.fallbackMatch
		}
		return in(a)
	case posLast:
		last := v
		if i := strings.LastIndexByte(v, ','); i >= 0 {
			last = v[i+1:]
		}
		a, ok := parseAddr(last)
		if !ok {
			return f.fallbackMatch
		}
		return in(a)
	}
	valid := false
	for v != "" {
		var part string
		part, v, _ = strings.Cut(v, ",")
		a, ok := parseAddr(part)
		if !ok {
			continue
		}
		valid = true
		if in(a) {
			return true
		}
	}
	if !valid {
		return f.fallbackMatch
	}
	return false
}
