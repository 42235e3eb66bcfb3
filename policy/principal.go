package policy

import (
	"fmt"
	"strings"

	"github.com/moatdev/moat/arn"
)

// cprincipal is a compiled Principal / NotPrincipal.
type cprincipal struct {
	any       bool
	accounts  map[string]bool   // 12-digit ids from "123456789012" and arn:...:iam::123456789012:root
	arns      map[string]bool   // every AWS value verbatim
	roles     map[roleName]bool // IAM role ARNs by partition, account and name (paths dropped)
	services  map[string]bool   // lower-cased
	federated map[string]bool   // lower-cased
}

func compilePrincipal(p *Principals) *cprincipal {
	cp := &cprincipal{any: p.Any, accounts: map[string]bool{}, arns: map[string]bool{},
		roles: map[roleName]bool{}, services: map[string]bool{}, federated: map[string]bool{}}
	for _, a := range p.AWS {
		cp.arns[a] = true
		if rn, ok := splitRoleARN(a); ok {
			cp.roles[rn] = true
		}
		if acct, ok := accountOf(a); ok {
			cp.accounts[acct] = true
		}
	}
	for _, s := range p.Service {
		cp.services[strings.ToLower(s)] = true
	}
	for _, f := range p.Federated {
		cp.federated[strings.ToLower(f)] = true
	}
	return cp
}

// accountOf recognizes the two spellings of an account principal.
func accountOf(v string) (string, bool) {
	if isAccountID(v) {
		return v, true
	}
	a, err := arn.Parse(v)
	if err == nil && a.Service == "iam" && a.Region == "" && a.Resource == "root" && isAccountID(a.AccountID) {
		return a.AccountID, true
	}
	return "", false
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < 12; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// hasAccount reports whether the caller kind belongs to an AWS account that
// account principals can name.
func (k CallerKind) hasAccount() bool {
	switch k {
	case Root, User, Role, AssumedRole, FederatedUser:
		return true
	}
	return false
}

// grants says how the principal names the caller (0 = not at all).
func (cp *cprincipal) grants(c *Caller) Grant {
	var g Grant
	if cp.any {
		g |= GrantAnyone
	}
	if c == nil {
		return g
	}
	switch c.Kind {
	case ServicePrincipal:
		if cp.services[strings.ToLower(c.ARN)] {
			g |= GrantService
		}
		return g
	case WebIdentity:
		if cp.federated[strings.ToLower(c.ARN)] {
			g |= GrantFederated
		}
		return g
	case Anonymous:
		return g
	}
	if c.ARN != "" && cp.arns[c.ARN] {
		g |= GrantCaller
	}
	if c.Kind.hasAccount() && c.Account != "" && cp.accounts[c.Account] {
		g |= GrantAccount
		if c.Kind == Root {
			g |= GrantCaller
		}
	}
	if c.Kind == Role && cp.namesRole(c.ARN) {
		g |= GrantCaller
	}
	if c.Kind == AssumedRole && cp.namesRole(c.RoleARN) {
		g |= GrantRole
	}
	if c.Kind == FederatedUser && c.SourceUserARN != "" && cp.arns[c.SourceUserARN] {
		g |= GrantSourceUser
	}
	return g
}

// exempts reports whether NotPrincipal lists the caller completely: AWS
// evaluates every identity in the caller's chain, so a user is exempt only
// when its ARN and its account are listed, and a role session only when its
// session ARN, its role ARN and its account are listed [NPRIN].
func (cp *cprincipal) exempts(c *Caller) bool {
	if cp.any {
		return true
	}
	if c == nil {
		return false
	}
	switch c.Kind {
	case Anonymous:
		return false
	case ServicePrincipal:
		return cp.services[strings.ToLower(c.ARN)]
	case WebIdentity:
		return cp.federated[strings.ToLower(c.ARN)]
	case Root:
		return cp.accounts[c.Account] || cp.arns[c.ARN]
	}
	if !cp.accounts[c.Account] || !cp.arns[c.ARN] {
		return false
	}
	if c.Kind == AssumedRole {
		return cp.namesRole(c.RoleARN)
	}
	return true
}

// roleName identifies an IAM role: role names are unique within an account
// whatever their path, and an assumed-role ARN carries the name without the
// path (IAM identifiers), so a principal naming arn:aws:iam::A:role/team/R
// names the sessions arn:aws:sts::A:assumed-role/R/S.
type roleName struct{ partition, account, name string }

// splitRoleARN reads arn:PARTITION:iam::ACCOUNT:role/PATH/NAME without
// allocating (it runs during evaluation).
func splitRoleARN(s string) (roleName, bool) {
	rest, ok := strings.CutPrefix(s, "arn:")
	if !ok {
		return roleName{}, false
	}
	partition, rest, ok := strings.Cut(rest, ":")
	if !ok {
		return roleName{}, false
	}
	rest, ok = strings.CutPrefix(rest, "iam::")
	if !ok {
		return roleName{}, false
	}
	account, rest, ok := strings.Cut(rest, ":")
	if !ok || !isAccountID(account) {
		return roleName{}, false
	}
	rest, ok = strings.CutPrefix(rest, "role/")
	if !ok {
		return roleName{}, false
	}
	name := rest[strings.LastIndexByte(rest, '/')+1:]
	if name == "" || strings.ContainsAny(name, "*?") {
		return roleName{}, false
	}
	return roleName{partition, account, name}, true
}

// namesRole reports whether the principal names the role roleARN.
func (cp *cprincipal) namesRole(roleARN string) bool {
	if roleARN == "" {
		return false
	}
	if cp.arns[roleARN] {
		return true
	}
	rn, ok := splitRoleARN(roleARN)
	return ok && cp.roles[rn]
}

// NewCaller builds a Caller from a case-file principal string
// (iam-cases-schema.md rule 3): "anonymous"; IAM user, role, root,
// assumed-role and federated-user ARNs; service principals
// ("sns.amazonaws.com"); OIDC/SAML provider ARNs or IdP names
// ("accounts.google.com") for web identity callers. For an assumed-role
// session the role ARN is derived without a path (arn:aws:iam::A:role/R);
// set RoleARN yourself when the role has a path.
func NewCaller(principal string) (*Caller, error) {
	if principal == "anonymous" {
		return &Caller{Kind: Anonymous}, nil
	}
	if !strings.HasPrefix(principal, "arn:") {
		if principal == "" || strings.ContainsAny(principal, " /:") || !strings.Contains(principal, ".") {
			return nil, fmt.Errorf("principal %q: not an ARN, a service principal, an IdP name or \"anonymous\"", principal)
		}
		if strings.HasSuffix(principal, ".amazonaws.com") && !strings.HasPrefix(principal, "cognito-identity.") {
			return &Caller{Kind: ServicePrincipal, ARN: principal}, nil
		}
		return &Caller{Kind: WebIdentity, ARN: principal}, nil
	}
	a, err := arn.Parse(principal)
	if err != nil {
		return nil, fmt.Errorf("principal: %w", err)
	}
	c := &Caller{ARN: principal, Account: a.AccountID}
	typ, rest, _ := strings.Cut(a.Resource, "/")
	switch {
	case a.Service == "iam" && a.Resource == "root":
		c.Kind = Root
	case a.Service == "iam" && typ == "user" && rest != "":
		c.Kind = User
	case a.Service == "iam" && typ == "role" && rest != "":
		c.Kind = Role
	case a.Service == "iam" && (typ == "oidc-provider" || typ == "saml-provider") && rest != "":
		c.Kind = WebIdentity
	case a.Service == "sts" && typ == "assumed-role":
		role, session, ok := strings.Cut(rest, "/")
		if !ok || role == "" || session == "" {
			return nil, fmt.Errorf("principal %q: assumed-role ARN must be arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/SESSION", principal)
		}
		c.Kind = AssumedRole
		c.RoleARN = "arn:" + a.Partition + ":iam::" + a.AccountID + ":role/" + role
	case a.Service == "sts" && typ == "federated-user" && rest != "":
		c.Kind = FederatedUser
	default:
		return nil, fmt.Errorf("principal %q: unsupported principal ARN (expected an IAM user, role, root, assumed-role, federated-user or identity-provider ARN)", principal)
	}
	if c.Kind != WebIdentity && !isAccountID(c.Account) {
		return nil, fmt.Errorf("principal %q: account %q is not 12 digits", principal, c.Account)
	}
	return c, nil
}
