package authz

import (
	"strings"

	"github.com/moatdev/moat/policy"
)

// side is what the policies of one type say: the first Allow found.
type side struct {
	allow        bool
	policy, stmt int
}

// tally collects, in one pass over every policy, what each type says once no
// policy explicitly denies.
type tally struct {
	identity, boundary, session side
	resource                    policy.Result // zero when there is no resource policy
	scpLevel                    int           // first SCP level without an Allow, -1 when all allow
	vpce                        int           // first VPC endpoint policy without an Allow, -1 when all allow
}

// Evaluate decides one request (iam-evaluation.md §6). It does not allocate
// and is safe for concurrent use when the policies are not modified.
func Evaluate(r *Request, p *Policies) Result {
	c := r.Caller
	if c == nil {
		c = &anonymous
	}
	if c.Kind != policy.Anonymous && isGetCallerIdentity(r.Action) {
		// [STS-GCI]: no permission is required, and an explicit deny does not block it.
		return allowed(IdentityBased, -1, -1)
	}
	pr := policy.Request{Action: r.Action, Resource: r.Resource, Caller: c, Context: r.Context}
	var t tally
	if res, stop := t.collect(&pr, p, hasAccount(c)); stop {
		return res
	}
	return t.decide(r, c, p)
}

var anonymous = policy.Caller{Kind: policy.Anonymous}

// collect evaluates every policy once. It returns the first explicit deny, in
// the order of §6.1 step 1 (RCPs, SCPs, resource policy, identity policies,
// boundary, session policy, VPC endpoint policies), which is the type the
// AccessDenied message names when several types deny.
func (t *tally) collect(pr *policy.Request, p *Policies, governed bool) (Result, bool) {
	for i := range p.RCPs {
		for j := range p.RCPs[i].Policies {
			if res := p.RCPs[i].Policies[j].Compiled.Evaluate(pr); res.Deny {
				return explicit(ResourceControlPolicy, i, j, res.DenyStmt), true
			}
		}
	}
	t.scpLevel = -1
	if governed {
		if res, stop := t.scps(pr, p.SCPs); stop {
			return res, true
		}
	}
	if p.Resource != nil {
		t.resource = p.Resource.Compiled.Evaluate(pr)
		if t.resource.Deny {
			return explicit(ResourceBased, -1, 0, t.resource.DenyStmt), true
		}
	}
	if res, stop := t.identity.over(pr, p.Identity, IdentityBased); stop {
		return res, true
	}
	if res, stop := t.boundary.over(pr, p.PermissionsBoundary, PermissionsBoundary); stop {
		return res, true
	}
	if res, stop := t.session.over(pr, p.Session, SessionPolicy); stop {
		return res, true
	}
	t.vpce = -1
	for i := range p.VPCEndpoint {
		res := p.VPCEndpoint[i].Compiled.Evaluate(pr)
		if res.Deny {
			return explicit(VPCEndpointPolicy, -1, i, res.DenyStmt), true
		}
		if !res.Allow && t.vpce < 0 {
			t.vpce = i
		}
	}
	return Result{}, false
}

// scps evaluates the SCP levels: any Deny denies; the first level without an
// Allow is remembered (every level must allow).
func (t *tally) scps(pr *policy.Request, levels []Level) (Result, bool) {
	for i := range levels {
		levelAllows := false
		for j := range levels[i].Policies {
			res := levels[i].Policies[j].Compiled.Evaluate(pr)
			if res.Deny {
				return explicit(ServiceControlPolicy, i, j, res.DenyStmt), true
			}
			levelAllows = levelAllows || res.Allow
		}
		if !levelAllows && t.scpLevel < 0 {
			t.scpLevel = i
		}
	}
	return Result{}, false
}

// over evaluates a list of policies of one type whose Allows add up (any one
// allowing is enough), remembering the first Allow.
func (s *side) over(pr *policy.Request, list []Policy, typ PolicyType) (Result, bool) {
	s.policy, s.stmt = -1, -1
	for i := range list {
		res := list[i].Compiled.Evaluate(pr)
		if res.Deny {
			return explicit(typ, -1, i, res.DenyStmt), true
		}
		if res.Allow && !s.allow {
			s.allow, s.policy, s.stmt = true, i, res.AllowStmt
		}
	}
	return Result{}, false
}

// decide applies §6.1 steps 2-8 once no policy explicitly denies.
func (t *tally) decide(r *Request, c *policy.Caller, p *Policies) Result {
	// Step 2, RCPs: RCPFullAWSAccess is attached at every level and never
	// listed (iam-cases-schema.md rule 5), so every level allows; RCPs only deny.
	if t.scpLevel >= 0 {
		res := denied(ServiceControlPolicy)
		res.Level = t.scpLevel
		return res
	}
	if t.vpce >= 0 {
		// VPC endpoint policies never grant, but must allow too (§6.5).
		return denied(VPCEndpointPolicy)
	}
	switch c.Kind {
	case policy.Anonymous:
		// Only a resource policy naming "*" lets an unsigned request in (§6.5).
		return t.resourceOnly(policy.GrantAnyone)
	case policy.ServicePrincipal:
		return t.resourceOnly(policy.GrantService | policy.GrantAnyone)
	case policy.WebIdentity:
		// The trust policy alone authorizes AssumeRoleWithWebIdentity [STS-WI].
		return t.resourceOnly(policy.GrantFederated | policy.GrantAnyone)
	}
	if c.Account != "" && c.Account == r.ResourceAccount {
		return t.sameAccount(c, p)
	}
	return t.crossAccount(c, p)
}

// resourceOnly decides for callers that have no IAM policies of their own:
// only a resource-policy Allow naming them in one of the given ways grants.
func (t *tally) resourceOnly(ways policy.Grant) Result {
	if t.resource.Allow && t.resource.Grants&ways != 0 {
		return allowed(ResourceBased, 0, t.resource.AllowStmt)
	}
	return denied(ResourceBased)
}

// limits returns the first of boundary and session that blocks the caller, or
// ok. A session created with session policies needs one of them to allow; a
// federated-user session created without one has no permissions [STS-GFT].
func (t *tally) limits(c *policy.Caller, p *Policies) (PolicyType, bool) {
	if len(p.PermissionsBoundary) > 0 && !t.boundary.allow {
		return PermissionsBoundary, false
	}
	if p.HasSession || len(p.Session) > 0 {
		if !t.session.allow {
			return SessionPolicy, false
		}
	} else if c.Kind == policy.FederatedUser {
		return SessionPolicy, false
	}
	return 0, true
}

// Same-account resource-policy grants, by how the applicable Allow names the
// caller (iam-evaluation.md table 6.2).
const (
	// direct grants stand even when identity policy, boundary and session
	// policy are silent: the caller's own ARN (user, role session,
	// federated user, root) or "*".
	direct = policy.GrantCaller | policy.GrantAnyone
	// limited grants stand without an identity Allow but are still cut by a
	// silent boundary or session policy: the role ARN of a role session, the
	// IAM user behind a GetFederationToken session.
	limited = policy.GrantRole | policy.GrantSourceUser
	// Account grants (GrantAccount) only delegate to the account's IAM
	// policies: the identity side must allow by itself.
)

func (t *tally) sameAccount(c *policy.Caller, p *Policies) Result {
	g := policy.Grant(0)
	if t.resource.Allow {
		g = t.resource.Grants
	}
	directWays, limitedWays := direct, limited
	if c.Kind == policy.Role {
		// A caller given as the role itself: its own ARN is the role ARN,
		// whose grants a boundary or session policy still limits.
		directWays, limitedWays = policy.GrantAnyone, limited|policy.GrantCaller
	}
	if g&directWays != 0 {
		return allowed(ResourceBased, 0, t.resource.AllowStmt)
	}
	limit, ok := t.limits(c, p)
	if g&limitedWays != 0 {
		if ok {
			return allowed(ResourceBased, 0, t.resource.AllowStmt)
		}
		return denied(limit)
	}
	// Trust policies and KMS key policies grant nothing to the account's IAM
	// policies unless they delegate to the account explicitly (§6.4).
	delegated := p.ResourceKind == GenericResource || g&policy.GrantAccount != 0
	if !delegated {
		return denied(ResourceBased)
	}
	if !t.identity.allow && c.Kind != policy.Root {
		return denied(IdentityBased)
	}
	if !ok {
		return denied(limit)
	}
	return allowed(IdentityBased, t.identity.policy, t.identity.stmt)
}

// crossAccount needs both sides (§6.3): the caller's account allows (identity
// policies, boundary, session policy; SCPs were checked already) and the
// resource's account allows by a resource policy naming the caller, its role,
// its account or "*".
func (t *tally) crossAccount(c *policy.Caller, p *Policies) Result {
	if !t.identity.allow && c.Kind != policy.Root {
		return denied(IdentityBased)
	}
	if limit, ok := t.limits(c, p); !ok {
		return denied(limit)
	}
	const names = direct | limited | policy.GrantAccount
	if !t.resource.Allow || t.resource.Grants&names == 0 {
		return denied(ResourceBased)
	}
	return allowed(ResourceBased, 0, t.resource.AllowStmt)
}

// hasAccount reports whether SCPs can govern the caller: only principals of
// an account do (anonymous, service and web-identity callers have none).
func hasAccount(c *policy.Caller) bool {
	switch c.Kind {
	case policy.Root, policy.User, policy.Role, policy.AssumedRole, policy.FederatedUser:
		return true
	}
	return false
}

func isGetCallerIdentity(action string) bool {
	const gci = "sts:GetCallerIdentity"
	return len(action) == len(gci) && strings.EqualFold(action, gci)
}

// ResourceKindFor says how the resource policy of a request grants
// (iam-cases-schema.md §3 rule 7): the trust policy of a role for
// sts:AssumeRole, sts:AssumeRoleWithWebIdentity, sts:AssumeRoleWithSAML,
// sts:TagSession and sts:SetSourceIdentity on a role ARN; the key policy for
// kms:* on a key ARN; a generic resource policy otherwise.
// AssumeRoleWithSAML and SetSourceIdentity go beyond rule 7: they are
// authorized by the trust policy in the same way [STS-AR].
func ResourceKindFor(action, resource string) ResourceKind {
	svc, name, ok := strings.Cut(action, ":")
	if !ok {
		return GenericResource
	}
	switch {
	case strings.EqualFold(svc, "kms") && arnService(resource) == "kms" && strings.HasPrefix(arnResource(resource), "key/"):
		return KMSKeyPolicy
	case strings.EqualFold(svc, "sts") && isTrustAction(name) && arnService(resource) == "iam" && strings.HasPrefix(arnResource(resource), "role/"):
		return RoleTrust
	}
	return GenericResource
}

func isTrustAction(name string) bool {
	for _, a := range [...]string{"AssumeRole", "AssumeRoleWithWebIdentity", "AssumeRoleWithSAML", "TagSession", "SetSourceIdentity"} {
		if strings.EqualFold(name, a) {
			return true
		}
	}
	return false
}

// arnService returns the third field of an ARN ("" when not an ARN).
func arnService(arn string) string {
	f, ok := arnField(arn, 2)
	if !ok {
		return ""
	}
	return f
}

// arnResource returns everything after the fifth colon of an ARN.
func arnResource(arn string) string {
	if !strings.HasPrefix(arn, "arn:") {
		return ""
	}
	rest := arn
	for range 5 {
		i := strings.IndexByte(rest, ':')
		if i < 0 {
			return ""
		}
		rest = rest[i+1:]
	}
	return rest
}

func arnField(arn string, n int) (string, bool) {
	if !strings.HasPrefix(arn, "arn:") {
		return "", false
	}
	rest := arn
	for range n {
		i := strings.IndexByte(rest, ':')
		if i < 0 {
			return "", false
		}
		rest = rest[i+1:]
	}
	if i := strings.IndexByte(rest, ':'); i >= 0 {
		return rest[:i], true
	}
	return "", false
}
