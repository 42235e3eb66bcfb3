package eventpattern

import (
	"net/netip"
	"strconv"
	"strings"
)

// Reasons shared by several match types (Event Ruler's wording).
const (
	reasonOneKey   = "Only one key allowed in match expression"
	reasonRange    = "Value must be between -5.0E9 and 5.0E9, inclusive"
	reasonTooMany  = "Too many elements in numeric expression"
	reasonABValue  = "Value of anything-but must be an array or single string/number value."
	reasonABList   = "Inside anything but list, start|null|boolean is not supported."
	reasonABMixed  = "Inside anything but list, either all values are number or string, mixed type is not supported"
	reasonABFold   = "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported."
	reasonABWild   = "Inside anything-but/wildcard list, number|start|null|boolean is not supported."
	reasonPSString = "prefix/suffix match pattern must be a string"
)

// expression compiles one match expression object, e.g. {"prefix": "x"}.
func (c *compiler) expression(path string, n *node) (matcher, error) {
	if len(n.keys) == 0 {
		return matcher{}, c.err(n.off, path, "Match expression name not found")
	}
	if len(n.keys) > 1 {
		return matcher{}, c.err(n.kOffs[1], path, reasonOneKey)
	}
	name, v := n.keys[0], n.vals[0]
	path = path + "." + name
	switch name {
	case "prefix", "suffix":
		return c.affix(path, name, v)
	case "equals-ignore-case":
		if v.kind != 's' {
			return matcher{}, c.err(v.off, path, "equals-ignore-case match pattern must be a string")
		}
		return matcher{op: opEqualsFold, text: fold(v.text)}, nil
	case "wildcard":
		if v.kind != 's' {
			return matcher{}, c.err(v.off, path, "wildcard match pattern must be a string")
		}
		w, err := parseWildcard(v.text)
		if err != nil {
			return matcher{}, c.err(v.off, path, err.Error())
		}
		return matcher{op: opWildcard, text: v.text, wild: w}, nil
	case "numeric":
		if v.kind != '[' {
			return matcher{}, c.err(v.off, path, "Value of numeric must be an array.")
		}
		r, err := c.numeric(path, v)
		return matcher{op: opNumeric, rng: r}, err
	case "exists":
		switch v.kind {
		case 't':
			return matcher{op: opExists}, nil
		case 'f':
			return matcher{op: opAbsent}, nil
		}
		return matcher{}, c.err(v.off, path, "exists match pattern must be either true or false.")
	case "cidr":
		if v.kind != 's' {
			return matcher{}, c.err(v.off, path, "cidr match pattern must be a string")
		}
		pfx, err := parseCIDR(v.text)
		if err != nil {
			return matcher{}, c.err(v.off, path, err.Error())
		}
		return matcher{op: opCIDR, text: v.text, cidr: pfx}, nil
	case "anything-but":
		b, err := c.anythingBut(path, v)
		return matcher{op: opAnythingBut, but: b}, err
	}
	return matcher{}, c.err(n.kOffs[0], path, "Unrecognized match type "+name)
}

// affix compiles prefix and suffix, with or without equals-ignore-case.
func (c *compiler) affix(path, name string, v *node) (matcher, error) {
	plain, folded := opPrefix, opPrefixFold
	if name == "suffix" {
		plain, folded = opSuffix, opSuffixFold
	}
	switch {
	case v.kind == 's':
		return matcher{op: plain, text: v.text}, nil
	case v.kind == '{' && len(v.keys) == 1 && v.keys[0] == "equals-ignore-case":
		if v.vals[0].kind != 's' {
			return matcher{}, c.err(v.vals[0].off, path, "equals-ignore-case match pattern must be a string")
		}
		return matcher{op: folded, text: fold(v.vals[0].text)}, nil
	case v.kind == '{' && len(v.keys) > 1:
		return matcher{}, c.err(v.kOffs[1], path, reasonOneKey)
	}
	return matcher{}, c.err(v.off, path, name+" match pattern must be a string")
}

// numeric compiles [op, n] or [lowerOp, n, upperOp, m].
func (c *compiler) numeric(path string, v *node) (numRange, error) {
	var r numRange
	el := v.elems
	if len(el) == 0 || el[0].kind != 's' {
		off := v.off
		text := "]"
		if len(el) > 0 {
			off, text = el[0].off, el[0].text
		}
		return r, c.err(off, path, "Invalid member in numeric match: "+text)
	}
	if len(el) < 2 || el[1].kind != 'n' {
		return r, c.err(v.off, path, "Value of "+el[0].text+" must be numeric")
	}
	n, err := c.bound(path, el[1])
	if err != nil {
		return r, err
	}
	switch opName := el[0].text; opName {
	case "=":
		r = numRange{lo: n, hi: n, hasLo: true, hasHi: true}
	case "<", "<=":
		r = numRange{hi: n, hasHi: true, hiOpen: opName == "<"}
	case ">", ">=":
		r = numRange{lo: n, hasLo: true, loOpen: opName == ">"}
		if len(el) > 2 {
			return c.upper(path, v, r)
		}
	default:
		return r, c.err(el[0].off, path, "Unrecognized numeric range operator: "+opName)
	}
	if len(el) > 2 {
		return r, c.err(el[2].off, path, reasonTooMany)
	}
	return r, nil
}

// upper completes a range that began with > or >=.
func (c *compiler) upper(path string, v *node, r numRange) (numRange, error) {
	el := v.elems
	if el[2].kind != 's' {
		return r, c.err(el[2].off, path, "Bad value in numeric range: "+el[2].text)
	}
	if el[2].text != "<" && el[2].text != "<=" {
		return r, c.err(el[2].off, path, "Bad numeric range operator: "+el[2].text)
	}
	if len(el) < 4 || el[3].kind != 'n' {
		return r, c.err(v.off, path, "Value of "+el[2].text+" must be numeric")
	}
	if len(el) > 4 {
		return r, c.err(el[4].off, path, "Too many terms in numeric range expression")
	}
	hi, err := c.bound(path, el[3])
	if err != nil {
		return r, err
	}
	r.hi, r.hasHi, r.hiOpen = hi, true, el[2].text == "<"
	if r.lo > r.hi || (r.lo == r.hi && (r.loOpen || r.hiOpen)) {
		return r, c.err(el[3].off, path, "Bad numeric range: the lower bound must be below the upper bound")
	}
	return r, nil
}

func (c *compiler) bound(path string, n *node) (int64, error) {
	f, err := strconv.ParseFloat(n.text, 64)
	if err != nil {
		return 0, c.err(n.off, path, reasonRange)
	}
	v, ok := toComparable(f)
	if !ok {
		return 0, c.err(n.off, path, reasonRange)
	}
	return v, nil
}

// parseCIDR accepts an IPv4 or IPv6 prefix, or a single address (a /32 or
// /128), and normalizes it to its masked form.
func parseCIDR(s string) (netip.Prefix, error) {
	if !strings.Contains(s, "/") {
		a, err := netip.ParseAddr(s)
		if err != nil || a.Zone() != "" {
			return netip.Prefix{}, errString("Nonstandard IP address: " + s)
		}
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, errString("Malformed CIDR, one '/' required: " + s)
	}
	return p.Masked(), nil
}

type errString string

func (e errString) Error() string { return string(e) }

func (c *compiler) anythingBut(path string, v *node) (*anythingBut, error) {
	switch v.kind {
	case 's':
		return &anythingBut{strs: map[string]struct{}{v.text: {}}}, nil
	case 'n':
		n, err := c.bound(path, v)
		return &anythingBut{nums: map[int64]struct{}{n: {}}}, err
	case '[':
		return c.anythingButList(path, v)
	case '{':
		return c.anythingButObject(path, v)
	}
	return nil, c.err(v.off, path, reasonABValue)
}

func (c *compiler) anythingButList(path string, v *node) (*anythingBut, error) {
	b := &anythingBut{}
	var strs, nums int
	for _, e := range v.elems {
		switch e.kind {
		case 's':
			if b.strs == nil {
				b.strs = map[string]struct{}{}
			}
			b.strs[e.text] = struct{}{}
			strs++
		case 'n':
			n, err := c.bound(path, e)
			if err != nil {
				return nil, err
			}
			if b.nums == nil {
				b.nums = map[int64]struct{}{}
			}
			b.nums[n] = struct{}{}
			nums++
		default:
			return nil, c.err(e.off, path, reasonABList)
		}
	}
	if (strs > 0) == (nums > 0) {
		return nil, c.err(v.off, path, reasonABMixed)
	}
	return b, nil
}

func (c *compiler) anythingButObject(path string, v *node) (*anythingBut, error) {
	if len(v.keys) == 0 {
		return nil, c.err(v.off, path, "Anything-But expression name not found")
	}
	if len(v.keys) > 1 {
		return nil, c.err(v.kOffs[1], path, reasonOneKey)
	}
	name, e := v.keys[0], v.vals[0]
	switch name {
	case "prefix", "suffix":
		if e.kind != 's' {
			return nil, c.err(e.off, path, reasonPSString)
		}
		if e.text == "" {
			return nil, c.err(e.off, path, "Null prefix/suffix not allowed")
		}
		if name == "prefix" {
			return &anythingBut{prefix: e.text, hasPrefix: true}, nil
		}
		return &anythingBut{suffix: e.text, hasSuffix: true}, nil
	case "equals-ignore-case":
		strs, err := c.stringList(path, e, reasonABFold)
		if err != nil {
			return nil, err
		}
		b := &anythingBut{fold: true, strs: map[string]struct{}{}}
		for _, s := range strs {
			b.strs[fold(s)] = struct{}{}
		}
		return b, nil
	case "wildcard":
		strs, err := c.stringList(path, e, reasonABWild)
		if err != nil {
			return nil, err
		}
		b := &anythingBut{wilds: []wildcard{}}
		for _, s := range strs {
			w, err := parseWildcard(s)
			if err != nil {
				return nil, c.err(e.off, path, err.Error())
			}
			b.wilds = append(b.wilds, w)
		}
		return b, nil
	}
	return nil, c.err(v.kOffs[0], path, "Unsupported anything-but pattern: "+name)
}

// stringList accepts a string or a non-empty array of strings.
func (c *compiler) stringList(path string, e *node, reason string) ([]string, error) {
	if e.kind == 's' {
		return []string{e.text}, nil
	}
	if e.kind != '[' || len(e.elems) == 0 {
		return nil, c.err(e.off, path, reason)
	}
	out := make([]string, 0, len(e.elems))
	for _, x := range e.elems {
		if x.kind != 's' {
			return nil, c.err(x.off, path, reason)
		}
		out = append(out, x.text)
	}
	return out, nil
}
