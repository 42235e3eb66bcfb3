package waf

import (
	"fmt"
	"net/netip"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// lookupName matches a referenced ARN against a resource's ARN, name/id or name.
func lookupName(ref, arn, name, id string) bool {
	if ref == "" {
		return false
	}
	if ref == arn {
		return true
	}
	// arn:aws:wafv2:region:account:scope/ipset/name/id
	parts := strings.Split(ref, "/")
	if len(parts) >= 3 {
		rn, rid := parts[len(parts)-2], parts[len(parts)-1]
		return rn == name && (id == "" || rid == id)
	}
	return ref == name
}

func (c *compiler) ipSet(ref, p string) *ipSet {
	if s, ok := c.ipsets[ref]; ok {
		return s
	}
	for _, d := range c.opts.IPSets {
		if lookupName(ref, d.ARN, d.Name, d.Id) {
			s, err := compileIPSet(d)
			if err != nil {
				c.errf(p, CodeInvalidParameter, "IP set %s: %v", ref, err)
				return &ipSet{}
			}
			c.ipsets[ref] = s
			return s
		}
	}
	c.errf(p, CodeNonexistentItem, "no IP set %q was supplied (give its get-ip-set JSON)", ref)
	return &ipSet{}
}

func compileIPSet(d *IPSetDoc) (*ipSet, error) {
	s := &ipSet{v4: map[netip.Prefix]struct{}{}, v6: map[netip.Prefix]struct{}{}}
	b4, b6 := map[int]bool{}, map[int]bool{}
	switch d.IPAddressVersion {
	case "", "IPV4", "IPV6":
	default:
		return nil, &Error{Path: "IPAddressVersion", Message: fmt.Sprintf("IPAddressVersion must be IPV4 or IPV6, got %q", d.IPAddressVersion), Code: CodeInvalidParameter}
	}
	if len(d.Addresses) > 10000 {
		return nil, &Error{Path: "Addresses", Message: fmt.Sprintf("%d addresses, more than AWS's 10,000 per IP set", len(d.Addresses)), Code: CodeLimitsExceeded}
	}
	for i, a := range d.Addresses {
		pfx, err := netip.ParsePrefix(a)
		if err != nil {
			return nil, &Error{Path: "Addresses[" + strconv.Itoa(i) + "]", Message: fmt.Sprintf("not a CIDR block: %q", a), Code: CodeInvalidParameter}
		}
		if d.IPAddressVersion == "IPV4" && !pfx.Addr().Is4() || d.IPAddressVersion == "IPV6" && !pfx.Addr().Is6() {
			return nil, &Error{Path: "Addresses[" + strconv.Itoa(i) + "]", Message: fmt.Sprintf("%q is not an %s address", a, d.IPAddressVersion), Code: CodeInvalidParameter}
		}
		pfx = pfx.Masked()
		if pfx.Addr().Is4() {
			s.v4[pfx] = struct{}{}
			b4[pfx.Bits()] = true
		} else {
			s.v6[pfx] = struct{}{}
			b6[pfx.Bits()] = true
		}
	}
	for b := range b4 {
		s.bits4 = append(s.bits4, b)
	}
	for b := range b6 {
		s.bits6 = append(s.bits6, b)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(s.bits4)))
	sort.Sort(sort.Reverse(sort.IntSlice(s.bits6)))
	return s, nil
}

func (c *compiler) regexSet(ref, p string) []*regexp.Regexp {
	if r, ok := c.regexes[ref]; ok {
		return r
	}
	for _, d := range c.opts.RegexPatternSets {
		if lookupName(ref, d.ARN, d.Name, d.Id) {
			var out []*regexp.Regexp
			for i, r := range d.RegularExpressionList {
				re, err := compileRegex(r.RegexString)
				if err != nil {
					c.errf(p, CodeInvalidParameter, "regex pattern set %s, RegularExpressionList[%d]: %v", ref, i, err)
					continue
				}
				out = append(out, re)
			}
			c.regexes[ref] = out
			return out
		}
	}
	c.errf(p, CodeNonexistentItem, "no regex pattern set %q was supplied (give its get-regex-pattern-set JSON)", ref)
	return nil
}
