package s3

import (
	"errors"
	"net/netip"
	"strings"

	"github.com/moatdev/moat/policy"
)

// validBucketPolicy checks a bucket policy as S3 does on PutBucketPolicy,
// with S3's MalformedPolicy messages; moat's policy parser adds where the
// problem is (line and column).
func validBucketPolicy(bucketName, doc string) error {
	p, err := policy.Parse([]byte(doc))
	if err != nil {
		var pe *policy.Error
		if errors.As(err, &pe) && pe.Code == "JSON_SYNTAX_ERROR" {
			return errMalformedPolicy.New("This policy contains invalid Json (%s)", pe.Error())
		}
		return errMalformedPolicy.New("%s", err.Error())
	}
	for _, st := range p.Statements {
		if st.Principal == nil {
			return errMalformedPolicy.New("Missing required field Principal")
		}
		if !st.HasResource {
			return errMalformedPolicy.New("Missing required field Resource")
		}
		for _, a := range st.Actions {
			if a != "*" && !strings.HasPrefix(strings.ToLower(a), "s3:") {
				return errMalformedPolicy.New("Policy has invalid action")
			}
		}
		for _, r := range st.Resources {
			if r == "*" {
				continue
			}
			name, _, _ := strings.Cut(strings.TrimPrefix(r, "arn:aws:s3:::"), "/")
			if !strings.HasPrefix(r, "arn:aws:s3:::") || !wildcardMatch(name, bucketName) {
				return errMalformedPolicy.New("Policy has invalid resource")
			}
		}
	}
	if _, err := policy.Compile(p, policy.Resource); err != nil {
		return errMalformedPolicy.New("%s", err.Error())
	}
	return nil
}

// wildcardMatch matches s against a pattern with * and ?.
func wildcardMatch(pattern, s string) bool {
	for len(pattern) > 0 {
		switch pattern[0] {
		case '*':
			for i := len(s); i >= 0; i-- {
				if wildcardMatch(pattern[1:], s[i:]) {
					return true
				}
			}
			return false
		case '?':
			if s == "" {
				return false
			}
			pattern, s = pattern[1:], s[1:]
		default:
			if s == "" || s[0] != pattern[0] {
				return false
			}
			pattern, s = pattern[1:], s[1:]
		}
	}
	return s == ""
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

// isPublicPolicy reports whether S3 considers the policy public: an Allow
// statement for any principal, with a bad action, whose conditions fix
// none of the keys above to values without wildcards and do not limit
// aws:SourceIp to CIDRs. moat reads "limits to a set of CIDRs" as prefixes
// of at least /8 (IPv4) and /32 (IPv6); AWS does not publish the bound.
// An unparsable policy is not public (PutBucketPolicy refuses it first).
func isPublicPolicy(doc string) bool {
	p, err := policy.Parse([]byte(doc))
	if err != nil {
		return false
	}
	for _, st := range p.Statements {
		if st.Effect != policy.Allow || st.Principal == nil || !anyPrincipal(st) {
			continue
		}
		if !hasBadAction(st) || fixed(st.Conditions) {
			continue
		}
		return true
	}
	return false
}

func anyPrincipal(st *policy.Statement) bool {
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

func hasBadAction(st *policy.Statement) bool {
	if st.NotAction {
		return true
	}
	for _, a := range st.Actions {
		a = strings.ToLower(a)
		if a == "*" || a == "s3:*" {
			return true
		}
		for _, bad := range badActionPrefixes {
			if strings.HasPrefix(a, bad) || (strings.ContainsAny(a, "*?") && wildcardMatch(a, bad+"x")) {
				return true
			}
		}
	}
	return false
}

// fixed reports a condition that pins the statement to non-public callers.
func fixed(conds []policy.Condition) bool {
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
