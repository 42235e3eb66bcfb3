package policy

import (
	"net/netip"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/moatdev/moat/policy/internal/glob"
)

// cvalue is one compiled condition value.
type cvalue struct {
	s       string       // String*, Bool, Binary: the literal text
	pat     glob.Pattern // StringLike
	arn     [6]glob.Pattern
	arnAll  bool // ArnLike "*"
	num     float64
	date    instant
	prefix  netip.Prefix
	tmpl    *template // value with policy variables, resolved per request
	invalid bool      // never matches (bad number, date, CIDR, ARN)
}

// ccond is one compiled (operator, key) condition.
type ccond struct {
	key  string // lower-cased
	op   parsedOp
	vals []cvalue
	// Null
	nullTrue, nullFalse bool
}

func compileCondition(c *Condition, vars bool) (ccond, string) {
	op, ok := parseOperator(c.Operator)
	if !ok {
		return ccond{}, "unknown operator " + c.Operator + suggestOperator(c.Operator)
	}
	cc := ccond{key: strings.ToLower(c.Key), op: op}
	for _, v := range c.Values {
		if op.info.base == opNull {
			switch strings.ToLower(v) {
			case "true":
				cc.nullTrue = true
			case "false":
				cc.nullFalse = true
			}
			continue
		}
		cc.vals = append(cc.vals, compileValue(op.info.base, v, vars && op.info.base.acceptsVariables()))
	}
	return cc, ""
}

func compileValue(b baseOp, v string, vars bool) cvalue {
	if vars && hasVars(v) {
		t := parseTemplate(v, b == opStringLike || b == opArnLike, false)
		return cvalue{tmpl: &t}
	}
	switch b {
	case opStringLike:
		return cvalue{pat: glob.Compile(v, false)}
	case opArnLike:
		return compileArnValue(glob.Tokens(v, false))
	case opNumericEquals, opNumericLessThan, opNumericLessThanEquals, opNumericGreaterThan, opNumericGreaterThanEquals:
		f, ok := parseNumber(v)
		return cvalue{num: f, invalid: !ok}
	case opDateEquals, opDateLessThan, opDateLessThanEquals, opDateGreaterThan, opDateGreaterThanEquals:
		d, ok := parseDate(v)
		return cvalue{date: d, invalid: !ok}
	case opIPAddress:
		p, ok := parseCIDR(v)
		return cvalue{prefix: p, invalid: !ok}
	}
	return cvalue{s: v}
}

// parseCIDR parses an IPv4 or IPv6 CIDR; a bare address means /32 or /128.
func parseCIDR(v string) (netip.Prefix, bool) {
	if strings.IndexByte(v, '/') < 0 {
		a, err := netip.ParseAddr(v)
		if err != nil {
			return netip.Prefix{}, false
		}
		return netip.PrefixFrom(a, a.BitLen()), true
	}
	p, err := netip.ParsePrefix(v)
	if err != nil {
		return netip.Prefix{}, false
	}
	return p.Masked(), true
}

func compileArnValue(toks []glob.Token) cvalue {
	if len(toks) == 1 && toks[0] == glob.Star {
		return cvalue{arnAll: true}
	}
	f, ok := splitTokenFields(toks)
	if !ok {
		return cvalue{invalid: true}
	}
	var cv cvalue
	for i := range f {
		cv.arn[i] = glob.CompileTokens(f[i])
	}
	return cv
}

// splitTokenFields splits tokens at the first five ':' into six fields.
func splitTokenFields(toks []glob.Token) (f [6][]glob.Token, ok bool) {
	n, start := 0, 0
	for i, t := range toks {
		if t == ':' && n < 5 {
			f[n] = toks[start:i]
			n++
			start = i + 1
		}
	}
	if n < 5 {
		return f, false
	}
	f[5] = toks[start:]
	return f, true
}

// splitFields splits an ARN at its first five colons.
func splitFields(s string, f *[6]string) bool {
	for n := 0; n < 5; n++ {
		i := strings.IndexByte(s, ':')
		if i < 0 {
			return false
		}
		f[n], s = s[:i], s[i+1:]
	}
	f[5] = s
	return true
}

// eval evaluates the condition against the request context.
func (c *ccond) eval(ctx *Context) bool {
	cv, ok := ctx.get(c.key)
	if c.op.info.base == opNull {
		present := ok && !(cv.multi && len(cv.values) == 0)
		return (c.nullTrue && !present) || (c.nullFalse && present)
	}
	if !ok {
		switch {
		case c.op.ifExists:
			return true
		case c.op.set == setForAll:
			return true
		case c.op.set == setForAny:
			return false
		}
		return c.op.info.negated
	}
	neg := c.op.info.negated
	switch c.op.set {
	case setForAll:
		for _, v := range cv.values {
			if c.anyMatch(v, ctx) == neg {
				return false
			}
		}
		return true
	case setForAny:
		for _, v := range cv.values {
			if c.anyMatch(v, ctx) != neg {
				return true
			}
		}
		return false
	}
	if cv.multi || len(cv.values) != 1 {
		// A multivalued key without ForAllValues/ForAnyValue: AWS only says
		// "use a set operator"; moat (like iam-simulate) reports no match.
		return false
	}
	return c.anyMatch(cv.values[0], ctx) != neg
}

// anyMatch reports whether request value v matches at least one policy value
// under the positive form of the operator. Unresolved variables match nothing.
func (c *ccond) anyMatch(v string, ctx *Context) bool {
	switch c.op.info.base {
	case opStringEquals, opBinaryEquals:
		for i := range c.vals {
			if c.vals[i].equals(v, ctx, false) {
				return true
			}
		}
	case opStringEqualsIgnoreCase, opBool:
		for i := range c.vals {
			if c.vals[i].equals(v, ctx, true) {
				return true
			}
		}
	case opStringLike:
		for i := range c.vals {
			if c.vals[i].like(v, ctx) {
				return true
			}
		}
	case opArnLike:
		var f [6]string
		isArn := splitFields(v, &f)
		for i := range c.vals {
			if c.vals[i].arnLike(v, &f, isArn, ctx) {
				return true
			}
		}
	case opIPAddress:
		a, err := netip.ParseAddr(v)
		if err != nil {
			return false
		}
		for i := range c.vals {
			if !c.vals[i].invalid && c.vals[i].prefix.Contains(a) {
				return true
			}
		}
	case opDateEquals, opDateLessThan, opDateLessThanEquals, opDateGreaterThan, opDateGreaterThanEquals:
		d, ok := parseDate(v)
		if !ok {
			return false
		}
		for i := range c.vals {
			if !c.vals[i].invalid && cmpOK(c.op.info.base, d.cmp(c.vals[i].date)) {
				return true
			}
		}
	default: // numeric
		n, ok := parseNumber(v)
		if !ok {
			return false
		}
		for i := range c.vals {
			if !c.vals[i].invalid && cmpOK(c.op.info.base, cmpFloat(n, c.vals[i].num)) {
				return true
			}
		}
	}
	return false
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	case a == b:
		return 0
	}
	return 2 // NaN: no relation holds
}

// cmpOK says whether "request <op> policy" holds given cmp(request, policy).
func cmpOK(b baseOp, c int) bool {
	switch b {
	case opNumericEquals, opDateEquals:
		return c == 0
	case opNumericLessThan, opDateLessThan:
		return c == -1
	case opNumericLessThanEquals, opDateLessThanEquals:
		return c == -1 || c == 0
	case opNumericGreaterThan, opDateGreaterThan:
		return c == 1
	case opNumericGreaterThanEquals, opDateGreaterThanEquals:
		return c == 1 || c == 0
	}
	return false
}

func (cv *cvalue) equals(v string, ctx *Context, fold bool) bool {
	if cv.tmpl == nil {
		if fold {
			return strings.EqualFold(cv.s, v)
		}
		return cv.s == v
	}
	var buf [512]byte
	b, ok := cv.tmpl.expandBytes(ctx, buf[:0])
	if !ok {
		return false
	}
	if fold {
		return equalFoldBytes(b, v)
	}
	return string(b) == v
}

func (cv *cvalue) like(v string, ctx *Context) bool {
	if cv.tmpl == nil {
		return cv.pat.Match(v)
	}
	var buf [256]glob.Token
	toks, ok := cv.tmpl.expandTokens(ctx, buf[:0])
	return ok && glob.MatchTokens(toks, v)
}

func (cv *cvalue) arnLike(v string, f *[6]string, isArn bool, ctx *Context) bool {
	if cv.invalid {
		return false
	}
	if cv.tmpl == nil {
		if cv.arnAll {
			return true
		}
		if !isArn {
			return false
		}
		for i := range f {
			if !cv.arn[i].Match(f[i]) {
				return false
			}
		}
		return true
	}
	var buf [256]glob.Token
	toks, ok := cv.tmpl.expandTokens(ctx, buf[:0])
	if !ok {
		return false
	}
	if len(toks) == 1 && toks[0] == glob.Star {
		return true
	}
	pf, ok := splitTokenFields(toks)
	if !isArn || !ok {
		return false
	}
	for i := range f {
		if !glob.MatchTokens(pf[i], f[i]) {
			return false
		}
	}
	return true
}

// equalFoldBytes is strings.EqualFold for a byte slice and a string.
func equalFoldBytes(b []byte, s string) bool {
	for len(b) > 0 && len(s) > 0 {
		r1, n1 := utf8.DecodeRune(b)
		r2, n2 := utf8.DecodeRuneInString(s)
		b, s = b[n1:], s[n2:]
		if r1 == r2 {
			continue
		}
		if unicode.ToLower(r1) != unicode.ToLower(r2) && unicode.ToUpper(r1) != unicode.ToUpper(r2) {
			return false
		}
	}
	return len(b) == 0 && len(s) == 0
}
