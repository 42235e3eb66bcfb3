package gen

import (
	"encoding/base64"
	"strconv"
	"strings"
	"time"
)

var (
	stringOps  = []string{"StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike"}
	arnOps     = []string{"ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike"}
	numericOps = []string{"NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals"}
	dateOps    = []string{"DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals"}
)

func isNegated(op string) bool { return strings.Contains(op, "Not") }

// keyFor picks a condition key: mostly one the request carries.
func (g *caseGen) keyFor(kind policyKind) string {
	var preferred []string
	switch kind {
	case kindTrust:
		preferred = []string{"sts:ExternalId", "aws:PrincipalOrgID", "aws:MultiFactorAuthPresent", "aws:SourceIp", "aws:PrincipalTag/team", "aws:RequestTag/team", "aws:TagKeys"}
		switch g.c.kind {
		case pWebOIDC:
			preferred = []string{oidcHost + ":sub", oidcHost + ":aud"}
		case pWebIdP:
			preferred = []string{"accounts.google.com:sub", "accounts.google.com:aud"}
		}
	case kindRCP:
		preferred = []string{"aws:PrincipalOrgID", "aws:SecureTransport", "aws:SourceAccount", "aws:PrincipalIsAWSService", "aws:SourceIp", "aws:ResourceTag/env"}
	case kindSCPDeny:
		preferred = []string{"aws:RequestedRegion", "aws:PrincipalArn", "aws:MultiFactorAuthPresent", "aws:PrincipalTag/team"}
	}
	if len(preferred) > 0 && g.chance(0.7) {
		return pick(g.r, preferred)
	}
	if g.chance(0.7) {
		var present []string
		for _, k := range g.keys {
			if _, ok := g.ctx[k]; ok {
				present = append(present, k)
			}
		}
		if len(present) > 0 {
			return pick(g.r, present)
		}
	}
	return pick(g.r, g.keys)
}

func (g *caseGen) conditionBlock(kind policyKind) map[string]any {
	block := map[string]any{}
	n := 1
	if g.chance(0.25) {
		n = 2
	}
	for i := 0; i < n; i++ {
		key := g.keyFor(kind)
		op, vals := g.condition(key)
		inner, ok := block[op].(map[string]any)
		if !ok {
			inner = map[string]any{}
			block[op] = inner
		}
		if len(vals) == 1 && g.chance(0.6) {
			inner[key] = vals[0]
		} else {
			inner[key] = vals
		}
	}
	return block
}

func (g *caseGen) keyType(key string) keyType {
	if info, ok := keyTypes[key]; ok {
		return info.typ
	}
	return tString
}

// condition returns an operator (with modifiers) and its values for key.
func (g *caseGen) condition(key string) (string, []any) {
	fact, present := g.ctx[key]
	truth := g.facts[key]
	if truth == nil {
		truth = fact
	}
	if g.chance(0.07) {
		g.feature("null")
		if !present {
			g.feature("null-absent")
		}
		return "Null", []any{pick(g.r, []string{"true", "false"})}
	}
	typ := g.keyType(key)
	var op string
	var vals []any
	switch typ {
	case tStrings:
		return g.setCondition(key, truth, present)
	case tARN:
		op, vals = g.arnCondition(truth)
	case tIP:
		op, vals = g.ipCondition(truth)
	case tBool:
		op, vals = "Bool", []any{pick(g.r, []string{"true", "false"})}
		g.feature("bool")
	case tNumeric:
		op, vals = g.numericCondition(truth)
	case tDate:
		op, vals = g.dateCondition(key, truth)
	default:
		op, vals = g.stringCondition(key, truth)
	}
	if typ != tStrings && g.chance(0.04) {
		// a set operator on a single-valued key
		g.feature("set-op-single-valued")
		op = pick(g.r, []string{"ForAnyValue:", "ForAllValues:"}) + op
	}
	if g.chance(0.2) {
		op += "IfExists"
		g.feature("ifexists")
		if !present {
			g.feature("ifexists-absent")
		}
	}
	if !present {
		g.feature("cond-key-absent")
		if isNegated(op) {
			g.feature("negated-absent")
		}
	}
	return op, vals
}

func strOf(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case []any:
		if len(t) > 0 {
			s, _ := t[0].(string)
			return s
		}
	}
	return ""
}

func (g *caseGen) stringCondition(key string, truth any) (string, []any) {
	r := g.r
	v := strOf(truth)
	op := pick(r, stringOps)
	if g.chance(0.03) && v != "" {
		g.feature("binary")
		return "BinaryEquals", []any{base64.StdEncoding.EncodeToString([]byte(pick(r, []string{v, "other"})))}
	}
	var vals []any
	match := truth != nil && g.chance(0.6)
	switch {
	case match && strings.HasPrefix(op, "StringLike") || match && strings.HasPrefix(op, "StringNotLike"):
		if len(v) > 1 {
			vals = append(vals, v[:1+r.IntN(len(v)-1)]+"*")
		} else {
			vals = append(vals, "*")
		}
	case match && strings.Contains(op, "IgnoreCase"):
		vals = append(vals, strings.ToUpper(v))
	case match:
		vals = append(vals, v)
	default:
		vals = append(vals, pick(r, []string{"purple", "o-00000000", "us-west-2", "mallory", "prod", "dev", "AWSPREVIOUS"}))
	}
	// policy variables in values
	if g.chance(0.12) {
		g.feature("var-condition")
		variable := pick(r, []string{"${aws:PrincipalTag/team}", "${aws:username}", "${aws:PrincipalAccount}", "${aws:ResourceTag/team}", "${aws:PrincipalTag/team, 'company-wide'}"})
		if strings.HasPrefix(key, "s3:prefix") {
			variable = "home/" + pick(r, []string{"${aws:username}", "${aws:PrincipalTag/team}"}) + "/"
		}
		vals = []any{variable}
		vk := strings.TrimPrefix(strings.TrimSuffix(strings.SplitN(variable, "${", 2)[1], "}"), "")
		vk = strings.SplitN(strings.SplitN(vk, "}", 2)[0], ",", 2)[0]
		if _, ok := g.ctx[vk]; !ok && !strings.Contains(variable, "'") {
			g.feature("var-unresolved")
			if isNegated(op) {
				g.feature("var-unresolved-negated")
			}
		}
	}
	if g.chance(0.02) {
		g.feature("escape")
		vals = append(vals, pick(r, []string{"${$}" + v, "${*}", v + "${?}"}))
	}
	if g.chance(0.25) {
		vals = append(vals, pick(r, []string{"blue", "yellow", "o-a1b2c3d4e5", "eu-west-1", "alice"}))
	}
	return op, vals
}

func (g *caseGen) arnCondition(truth any) (string, []any) {
	r := g.r
	v := strOf(truth)
	op := pick(r, arnOps)
	if g.chance(0.1) {
		op = pick(r, []string{"StringLike", "StringEquals"})
	}
	if v == "" || g.chance(0.3) {
		return op, []any{"arn:aws:iam::" + AcctC + ":role/other"}
	}
	parts := strings.SplitN(v, ":", 6)
	switch r.IntN(4) {
	case 0:
		return op, []any{v}
	case 1:
		parts[4] = "*"
		return op, []any{strings.Join(parts, ":")}
	case 2:
		if len(parts) == 6 {
			parts[5] = parts[5][:typeEnd(parts[5])] + "*"
		}
		return op, []any{strings.Join(parts, ":")}
	default:
		return op, []any{"arn:aws:*:*:" + parts[min(4, len(parts)-1)] + ":*"}
	}
}

func (g *caseGen) ipCondition(truth any) (string, []any) {
	r := g.r
	v := strOf(truth)
	op := pick(r, []string{"IpAddress", "NotIpAddress"})
	var vals []any
	switch x := r.Float64(); {
	case x < 0.03:
		g.feature("cidr0")
		vals = []any{"0.0.0.0/0"}
	case x < 0.1:
		g.feature("ipv6")
		vals = []any{pick(r, []string{"2001:db8::/32", "2001:db8::1", "::/0"})}
	case x < 0.55 && v != "" && !strings.Contains(v, ":"):
		o := strings.Split(v, ".")
		vals = []any{pick(r, []string{v, v + "/32", o[0] + "." + o[1] + "." + o[2] + ".0/24", o[0] + ".0.0.0/8"})}
	default:
		vals = []any{pick(r, []string{"192.0.2.0/24", "10.0.0.0/8", "203.0.113.0/24", "198.51.100.0/25"})}
	}
	if g.chance(0.2) {
		vals = append(vals, "172.16.0.0/12")
	}
	return op, vals
}

func (g *caseGen) numericCondition(truth any) (string, []any) {
	r := g.r
	op := pick(r, numericOps)
	f, err := strconv.ParseFloat(strOf(truth), 64)
	if err != nil {
		f = 10
	}
	d := pick(r, []float64{-1, 0, 0, 1, 0.5})
	s := strconv.FormatFloat(f+d, 'f', -1, 64)
	return op, []any{s}
}

func (g *caseGen) dateCondition(key string, truth any) (string, []any) {
	r := g.r
	op := pick(r, dateOps)
	t := requestTime
	if s := strOf(truth); s != "" {
		if p, err := time.Parse(time.RFC3339, s); err == nil {
			t = p
		} else if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			t = time.Unix(n, 0).UTC()
		}
	}
	t = t.Add(pick(r, []time.Duration{-time.Hour, 0, time.Hour, -24 * time.Hour}))
	epochKey := key == "aws:EpochTime"
	epoch := g.chance(0.1)
	if epoch != epochKey {
		g.feature("date-mixed-format")
	}
	if epoch {
		return op, []any{strconv.FormatInt(t.Unix(), 10)}
	}
	return op, []any{t.Format(time.RFC3339)}
}

func (g *caseGen) setCondition(key string, truth any, present bool) (string, []any) {
	r := g.r
	base := pick(r, []string{"StringEquals", "StringEquals", "StringLike", "StringNotEquals"})
	var vals []any
	tv, _ := truth.([]any)
	if len(tv) > 0 && g.chance(0.6) {
		vals = append(vals, tv[r.IntN(len(tv))])
		if g.chance(0.5) {
			vals = append(vals, tv...)
		}
	}
	vals = append(vals, pick(r, []any{"team", "env", "ID", "Message", "Tags", "Department", "cloudformation.amazonaws.com"}))
	var op string
	switch x := r.Float64(); {
	case x < 0.45:
		op = "ForAllValues:" + base
	case x < 0.9:
		op = "ForAnyValue:" + base
	default:
		op = base
		g.feature("multi-plain-op")
	}
	if g.chance(0.15) {
		op += "IfExists"
		g.feature("ifexists")
		if !present && strings.HasPrefix(op, "ForAnyValue:") {
			g.feature("foranyvalue-ifexists-absent")
		}
	}
	if !present {
		g.feature("cond-key-absent")
		if strings.HasPrefix(op, "ForAllValues:") {
			g.feature("forallvalues-absent")
		}
	}
	return op, vals
}
