package policy

import (
	"net/netip"
	"strings"

	"github.com/moatdev/moat/policy/internal/glob"
)

// WildcardMatch matches s against a pattern where * is any run of
// characters and ? any one character, case-sensitively (the matching of
// Action elements, without variables), in time linear in s: no
// backtracking, whatever the pattern.
func WildcardMatch(pattern, s string) bool {
	p := glob.Compile(pattern, false)
	return p.Match(s)
}

// fixingKeys are the condition keys that, with a fixed value, keep a
// statement for Principal "*" from being public (S3 User Guide, "The
// meaning of 'public'"; PublicAccessBlockConfiguration in the API
// reference).
var fixingKeys = map[string]bool{
	"aws:sourcearn":     true,
	"aws:sourcevpc":     true,
	"aws:sourcevpce":    true,
	"aws:sourceowner":   true,
	"aws:sourceaccount": true,
	"s3:x-amz-server-side-encryption-aws-kms-key-id": true,
	"aws:userid": true,
}

// badActionPrefixes are S3's "bad actions": those that could expose the
// bucket's data to reads or writes by the public.
var badActionPrefixes = []string{"s3:get", "s3:list", "s3:abortmultipartupload", "s3:delete", "s3:put", "s3:restoreobject"}

// S3Public reports whether Amazon S3 considers a bucket policy public: an
// Allow statement for any principal, with a bad action, whose conditions
// fix none of the keys above to values without wildcards and do not limit
// aws:SourceIp to CIDRs. moat reads "limits to a set of CIDRs" as prefixes
// of at least /8 (IPv4) and /32 (IPv6); AWS does not publish the bound.
// Security Hub's S3 controls and Macie's public-bucket findings use the
// same meaning.
func S3Public(p *Policy) bool {
	for _, st := range p.Statements {
		if st.Effect != Allow || st.Principal == nil || !anyPrincipal(st) {
			continue
		}
		if !hasBadAction(st) || fixed(st.Conditions) {
			continue
		}
		return true
	}
	return false
}

func anyPrincipal(st *Statement) bool {
	if st.NotPrincipal || st.Principal.Any {
		return true
	}
	for _, a := range st.Principal.AWS {
		if strings.ContainsAny(a, "*?") {
			return true
		}
	}
	return false
}

func hasBadAction(st *Statement) bool {
	if st.NotAction {
		return true
	}
	for _, a := range st.Actions {
		a = strings.ToLower(a)
		if a == "*" || a == "s3:*" {
			return true
		}
		for _, bad := range badActionPrefixes {
			if strings.HasPrefix(a, bad) || (strings.ContainsAny(a, "*?") && WildcardMatch(a, bad+"x")) {
				return true
			}
		}
	}
	return false
}

// fixed reports a condition that pins the statement to non-public callers.
func fixed(conds []Condition) bool {
	for _, c := range conds {
		op := strings.ToLower(c.Operator)
		key := strings.ToLower(c.Key)
		if strings.HasPrefix(op, "forallvalues:") || strings.HasSuffix(op, "ifexists") || strings.HasPrefix(op, "not") || strings.Contains(op, ":not") {
			continue
		}
		switch {
		case key == "aws:sourceip" && strings.HasSuffix(op, "ipaddress"):
			if narrowCIDRs(c.Values) {
				return true
			}
		case fixingKeys[key] && fixedValues(op, key, c.Values):
			return true
		}
	}
	return false
}

func fixedValues(op, key string, vals []string) bool {
	if len(vals) == 0 {
		return false
	}
	for _, v := range vals {
		if strings.Contains(op, "like") && strings.ContainsAny(v, "*?") {
			if !(key == "aws:userid" && strings.HasSuffix(v, ":*") && !strings.ContainsAny(strings.TrimSuffix(v, ":*"), "*?")) {
				return false
			}
		}
	}
	return true
}

func narrowCIDRs(vals []string) bool {
	if len(vals) == 0 {
		return false
	}
	for _, v := range vals {
		p, err := netip.ParsePrefix(v)
		if err != nil {
			a, aerr := netip.ParseAddr(v)
			if aerr != nil {
				return false
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		if p.Addr().Is4() && p.Bits() < 8 || !p.Addr().Is4() && p.Bits() < 32 {
			return false
		}
	}
	return true
}
