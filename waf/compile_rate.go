package waf

import (
	"strconv"
	"strings"
	"time"
)

var rateKeyTypes = map[string]int{"IP": aggIP, "FORWARDED_IP": aggForwardedIP, "CONSTANT": aggConstant, "CUSTOM_KEYS": aggCustom}

func (c *compiler) rateBased(st *RateBasedStatement, p, ns string) (node, int64) {
	n := newRateNode()
	n.limit = st.Limit
	if st.Limit < 10 || st.Limit > 2000000000 {
		c.errf(p+".Limit", CodeInvalidParameter, "Limit must be 10 to 2,000,000,000, got %d", st.Limit)
	}
	win := st.EvaluationWindowSec
	if win == 0 {
		win = 300
	}
	switch win {
	case 60, 120, 300, 600:
	default:
		c.errf(p+".EvaluationWindowSec", CodeInvalidParameter, "EvaluationWindowSec must be 60, 120, 300 or 600, got %d", win)
		win = 300
	}
	n.window = time.Duration(win) * time.Second
	n.bucket = n.window / rateBuckets
	agg, ok := rateKeyTypes[st.AggregateKeyType]
	if !ok {
		c.errf(p+".AggregateKeyType", CodeInvalidParameter, "AggregateKeyType must be IP, FORWARDED_IP, CONSTANT or CUSTOM_KEYS, got %q", st.AggregateKeyType)
	}
	n.agg = agg
	if agg == aggForwardedIP {
		if st.ForwardedIPConfig == nil {
			c.errf(p+".ForwardedIPConfig", CodeInvalidParameter, "FORWARDED_IP needs ForwardedIPConfig")
			n.agg = aggIP
		} else {
			n.fwd = c.forwarded(st.ForwardedIPConfig, "", p+".ForwardedIPConfig")
		}
	}
	if agg == aggConstant && st.ScopeDownStatement == nil {
		c.errf(p+".ScopeDownStatement", CodeInvalidParameter, "CONSTANT aggregation needs a ScopeDownStatement")
	}
	var wcu int64 = 2
	if agg == aggCustom {
		if len(st.CustomKeys) == 0 || len(st.CustomKeys) > 5 {
			c.errf(p+".CustomKeys", CodeInvalidParameter, "CUSTOM_KEYS needs 1 to 5 CustomKeys, got %d", len(st.CustomKeys))
		}
		for i := range st.CustomKeys {
			k, w := c.customKey(&st.CustomKeys[i], p+".CustomKeys["+strconv.Itoa(i)+"]", ns, st.ForwardedIPConfig)
			n.keys = append(n.keys, k)
			wcu += w
		}
	} else if len(st.CustomKeys) > 0 {
		c.errf(p+".CustomKeys", CodeInvalidParameter, "CustomKeys needs AggregateKeyType CUSTOM_KEYS")
	}
	if st.ScopeDownStatement != nil {
		sd, w := c.stmt(st.ScopeDownStatement, p+".ScopeDownStatement", ns, false)
		n.scopeDown = sd
		wcu += w
	}
	return n, wcu
}

func (c *compiler) customKey(k *RateBasedCustomKey, p, ns string, fwd *ForwardedIPConfig) (customKey, int64) {
	var out customKey
	set := 0
	text := func(kind string, t *RateLimitText, f field) {
		set++
		out.kind = kind
		out.tx.f = f
		if t.Name != "" {
			out.tx.f.name = strings.ToLower(t.Name)
			out.name = t.Name
		}
		for _, tr := range t.TextTransformations {
			fn, ok := transforms[tr.Type]
			if !ok {
				c.errf(p+"."+kind+".TextTransformations", CodeInvalidParameter, "unknown TextTransformation Type %q", tr.Type)
			}
			if fn != nil {
				out.tx.tx = append(out.tx.tx, fn)
			}
		}
	}
	var wcu int64
	if k.Header != nil {
		text("Header", k.Header, field{kind: fSingleHeader})
	}
	if k.Cookie != nil {
		text("Cookie", k.Cookie, field{kind: fCookies, scope: scopeValue, include: []string{k.Cookie.Name}})
	}
	if k.QueryArgument != nil {
		text("QueryArgument", k.QueryArgument, field{kind: fSingleQueryArgument})
	}
	if k.QueryString != nil {
		text("QueryString", k.QueryString, field{kind: fQueryString})
	}
	if k.UriPath != nil {
		text("UriPath", k.UriPath, field{kind: fUriPath})
	}
	if k.JA3Fingerprint != nil {
		text("JA3Fingerprint", &RateLimitText{}, field{kind: fJA3, oversize: ovNoMatch})
	}
	if k.JA4Fingerprint != nil {
		text("JA4Fingerprint", &RateLimitText{}, field{kind: fJA4, oversize: ovNoMatch})
	}
	if k.HTTPMethod != nil {
		set++
		out.kind = "HTTPMethod"
	}
	if k.IP != nil {
		set++
		out.kind = "IP"
	}
	if k.ASN != nil {
		set++
		out.kind = "ASN"
	}
	if k.ForwardedIP != nil {
		set++
		out.kind = "ForwardedIP"
		if fwd == nil {
			c.errf(p+".ForwardedIP", CodeInvalidParameter, "a ForwardedIP key needs the statement's ForwardedIPConfig")
		} else {
			out.fwd = c.forwarded(fwd, "", p)
		}
	}
	if k.LabelNamespace != nil {
		set++
		out.kind = "LabelNamespace"
		out.name = k.LabelNamespace.Namespace
		if !strings.HasSuffix(out.name, ":") {
			c.errf(p+".LabelNamespace.Namespace", CodeInvalidParameter, "a label namespace ends with ':', got %q", out.name)
		}
		if !strings.HasPrefix(out.name, "awswaf:") {
			out.name = ns + out.name
		}
	}
	if set != 1 {
		c.errf(p, CodeInvalidParameter, "a custom key needs exactly one key type, got %d", set)
	}
	wcu += int64(len(out.tx.tx)) * 10
	return out, wcu + 30
}
