package authz

import "github.com/moatdev/moat/policy"

// MatchedStatement is one applicable statement of one policy.
type MatchedStatement struct {
	Type         PolicyType
	Level        int    // SCP/RCP level index, -1 otherwise
	Target       string // SCP/RCP level target ("r-root", "ou-...", account), "" otherwise
	Policy       int    // index of the policy within its list (0 for the resource policy)
	Name, ARN    string // the policy's name and ARN, when known
	Stmt         int    // statement index within the policy
	Sid          string
	Effect       policy.Effect
	Grants       policy.Grant // how an Allow of a resource-type policy names the caller
	Line, Column int          // statement position in the policy document
}

// Explanation is a decision with every statement that applied to the request
// and the AccessDenied message AWS would return.
type Explanation struct {
	Result
	Matched []MatchedStatement // in the order of §6.1 step 1: RCPs, SCPs, resource, identity, boundary, session, VPC endpoint
	// Message is the AccessDenied text ("" when Allowed): Result.Message, plus
	// ": <policy ARN>" when an explicit deny comes from a policy with an ARN.
	Message string
}

// Explain decides the request like Evaluate and lists every applicable
// statement of every policy. It allocates; Evaluate pays nothing for it.
func Explain(r *Request, p *Policies) *Explanation {
	e := &Explanation{Result: Evaluate(r, p)}
	e.Message = e.Result.Message(r)
	if pol := p.deciding(e.Result); pol != nil && pol.ARN != "" && e.Decision == ExplicitDeny {
		// AWS now names the denying policy when it has an ARN: "... with an
		// explicit deny in an identity-based policy: arn:aws:iam::123456789012:policy/ExampleDenyPolicy"
		// (IAM User Guide, troubleshoot_access-denied-authorization-id.html).
		e.Message += ": " + pol.ARN
	}
	c := r.Caller
	if c == nil {
		c = &anonymous
	}
	pr := &policy.Request{Action: r.Action, Resource: r.Resource, Caller: c, Context: r.Context}
	for i, l := range p.RCPs {
		e.collect(pr, ResourceControlPolicy, i, l.Target, l.Policies)
	}
	for i, l := range p.SCPs {
		e.collect(pr, ServiceControlPolicy, i, l.Target, l.Policies)
	}
	if p.Resource != nil {
		e.collect(pr, ResourceBased, -1, "", []Policy{*p.Resource})
	}
	e.collect(pr, IdentityBased, -1, "", p.Identity)
	e.collect(pr, PermissionsBoundary, -1, "", p.PermissionsBoundary)
	e.collect(pr, SessionPolicy, -1, "", p.Session)
	e.collect(pr, VPCEndpointPolicy, -1, "", p.VPCEndpoint)
	return e
}

func (e *Explanation) collect(pr *policy.Request, typ PolicyType, level int, target string, list []Policy) {
	for i := range list {
		pol := &list[i]
		stmts := pol.Compiled.Policy().Statements
		pol.Compiled.Matches(pr, func(stmt int, effect policy.Effect, grants policy.Grant) {
			m := MatchedStatement{
				Type: typ, Level: level, Target: target, Policy: i, Name: pol.Name, ARN: pol.ARN,
				Stmt: stmt, Effect: effect, Grants: grants,
			}
			if stmt >= 0 && stmt < len(stmts) && stmts[stmt] != nil {
				s := stmts[stmt]
				m.Sid, m.Line, m.Column = s.Sid, s.Line, s.Column
			}
			e.Matched = append(e.Matched, m)
		})
	}
}

// deciding returns the policy a result names, or nil.
func (p *Policies) deciding(res Result) *Policy {
	if res.Policy < 0 {
		return nil
	}
	var list []Policy
	switch res.Type {
	case IdentityBased:
		list = p.Identity
	case ResourceBased:
		return p.Resource
	case PermissionsBoundary:
		list = p.PermissionsBoundary
	case SessionPolicy:
		list = p.Session
	case VPCEndpointPolicy:
		list = p.VPCEndpoint
	case ServiceControlPolicy, ResourceControlPolicy:
		levels := p.SCPs
		if res.Type == ResourceControlPolicy {
			levels = p.RCPs
		}
		if res.Level < 0 || res.Level >= len(levels) {
			return nil
		}
		list = levels[res.Level].Policies
	}
	if res.Policy >= len(list) {
		return nil
	}
	return &list[res.Policy]
}

// Deciding returns the statement that decided, when one did (an explicit
// deny, or the Allow that granted), and false otherwise.
func (e *Explanation) Deciding() (MatchedStatement, bool) {
	if e.Stmt < 0 {
		return MatchedStatement{}, false
	}
	for _, m := range e.Matched {
		if m.Type == e.Type && m.Level == e.Level && m.Policy == e.Policy && m.Stmt == e.Stmt {
			return m, true
		}
	}
	return MatchedStatement{}, false
}
