package iam

import (
	"context"
	"strings"

	"github.com/moatdev/moat/arn"
	"github.com/moatdev/moat/authz"
	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/identity"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/policy"
)

// The IAM policy simulator API, answered by moat's own engine: the same
// decision a real request would get, with the matched statements.

func simulateOps() []*service.Operation {
	return []*service.Operation{
		service.Op("SimulatePrincipalPolicy", "iam:SimulatePrincipalPolicy", simulatePrincipalPolicy, service.ReadOnly[SimulatePrincipalPolicyInput](),
			service.Resource(func(_ context.Context, _ *service.Call, in *SimulatePrincipalPolicyInput) (string, error) {
				return in.PolicySourceArn, nil
			})),
		service.Op("SimulateCustomPolicy", "iam:SimulateCustomPolicy", simulateCustomPolicy, service.ReadOnly[SimulateCustomPolicyInput]()),
	}
}

// ContextEntry is IAM's ContextEntry shape.
type ContextEntry struct {
	ContextKeyName   *string
	ContextKeyValues []string
	ContextKeyType   *string // string, stringList, numeric, numericList, boolean, booleanList, ip, ipList, binary, binaryList, date, dateList
}

// SimulationInput is what both simulation calls share.
type SimulationInput struct {
	PolicyInputList                    []string
	PermissionsBoundaryPolicyInputList []string
	ActionNames                        []string `aws:",required"`
	ResourceArns                       []string
	ResourcePolicy                     *string
	ResourceOwner                      *string
	CallerArn                          *string
	ContextEntries                     []ContextEntry
	MaxItems                           *int32
	Marker                             *string
}

// SimulatePrincipalPolicyInput is IAM's SimulatePrincipalPolicy request.
type SimulatePrincipalPolicyInput struct {
	PolicySourceArn string `aws:",required"`
	SimulationInput
}

// SimulateCustomPolicyInput is IAM's SimulateCustomPolicy request.
type SimulateCustomPolicyInput struct{ SimulationInput }

// Position is IAM's Position shape.
type Position struct{ Line, Column int32 }

// Statement is IAM's Statement shape (a matched statement).
type Statement struct {
	SourcePolicyId   string
	SourcePolicyType string
	StartPosition    *Position
}

// PermissionsBoundaryDecisionDetail is IAM's shape of the boundary's part.
type PermissionsBoundaryDecisionDetail struct{ AllowedByPermissionsBoundary bool }

// OrganizationsDecisionDetail is IAM's shape of the SCPs' part.
type OrganizationsDecisionDetail struct{ AllowedByOrganizations bool }

// EvaluationResult is IAM's EvaluationResult shape.
type EvaluationResult struct {
	EvalActionName                    string
	EvalResourceName                  string
	EvalDecision                      string // allowed | explicitDeny | implicitDeny
	MatchedStatements                 []Statement
	MissingContextValues              []string
	PermissionsBoundaryDecisionDetail *PermissionsBoundaryDecisionDetail
	OrganizationsDecisionDetail       *OrganizationsDecisionDetail
}

// SimulatePolicyResult is IAM's SimulatePrincipalPolicy and SimulateCustomPolicy response.
type SimulatePolicyResult struct {
	EvaluationResults []EvaluationResult
	IsTruncated       bool
}

func simulatePrincipalPolicy(ctx context.Context, c *service.Call, in *SimulatePrincipalPolicyInput) (*SimulatePolicyResult, error) {
	a, err := arn.Parse(in.PolicySourceArn)
	if err != nil || a.Service != "iam" || a.AccountID != c.Account() {
		return nil, awserr.InvalidInput.New("Invalid ARN: %s", in.PolicySourceArn)
	}
	kind, rest, _ := strings.Cut(a.Resource, "/")
	name := rest[strings.LastIndexByte(rest, '/')+1:]
	o := identity.Owner{Account: c.Account()}
	caller := &policy.Caller{ARN: in.PolicySourceArn, Account: c.Account()}
	switch kind {
	case "user":
		o.Key, o.Record, o.Inline, o.Attached = identity.UserKey(c.Account(), name), identity.TableUsers, identity.TableUserPolicies, identity.TableUserAttached
		caller.Kind = policy.User
	case "role":
		o.Key, o.Record, o.Inline, o.Attached = identity.RoleKey(c.Account(), name), identity.TableRoles, identity.TableRolePolicies, identity.TableRoleAttached
		caller.Kind = policy.Role
	case "group":
		o.Key, o.Record, o.Inline, o.Attached = identity.GroupKey(c.Account(), name), identity.TableGroups, identity.TableGroupPolicies, identity.TableGroupAttached
		caller.Kind = policy.User // a group's policies as they apply to a member
	default:
		return nil, awserr.InvalidInput.New("Invalid ARN: %s", in.PolicySourceArn)
	}
	pols, err := identity.LoadPolicies(ctx, c.Deps.Store, o)
	if err != nil {
		if awserr.From(err).Code == awserr.InternalFailure.Code {
			return nil, awserr.NoSuchEntity.New("The %s with name %s cannot be found.", kind, name)
		}
		return nil, err
	}
	// As IAM's simulator does for a principal, include the service control
	// policies that govern its account and report their part.
	scps, err := identity.OrgLevels(ctx, c.Deps.Store, c.Account(), identity.SCPType)
	if err != nil {
		return nil, err
	}
	pols.SCPs = scps
	return simulate(c, caller, pols, &in.SimulationInput)
}

func simulateCustomPolicy(_ context.Context, c *service.Call, in *SimulateCustomPolicyInput) (*SimulatePolicyResult, error) {
	if len(in.PolicyInputList) == 0 {
		return nil, validationError("Value null at 'policyInputList' failed to satisfy constraint: Member must not be null")
	}
	caller := &policy.Caller{Kind: policy.User, ARN: "arn:aws:iam::" + c.Account() + ":user/simulated", Account: c.Account()}
	if in.CallerArn != nil {
		var err error
		if caller, err = policy.NewCaller(*in.CallerArn); err != nil {
			return nil, awserr.InvalidInput.New("Invalid CallerArn: %s", *in.CallerArn)
		}
	}
	return simulate(c, caller, &authz.Policies{}, &in.SimulationInput)
}

// simulate adds the input's policies to pols and decides every action on
// every resource.
func simulate(c *service.Call, caller *policy.Caller, pols *authz.Policies, in *SimulationInput) (*SimulatePolicyResult, error) {
	add := func(list *[]authz.Policy, docs []string, kind policy.Kind, label string) error {
		for i, d := range docs {
			p, err := policy.Parse([]byte(d))
			if err != nil {
				return awserr.MalformedPolicyDocument.New("%s", err.Error())
			}
			compiled, err := policy.Compile(p, kind)
			if err != nil {
				return awserr.MalformedPolicyDocument.New("%s", err.Error())
			}
			*list = append(*list, authz.Policy{Name: label + itoa(i+1), Compiled: compiled})
		}
		return nil
	}
	with := *pols
	with.Identity = append([]authz.Policy(nil), pols.Identity...)
	if err := add(&with.Identity, in.PolicyInputList, policy.Identity, "PolicyInputList."); err != nil {
		return nil, err
	}
	if err := add(&with.PermissionsBoundary, in.PermissionsBoundaryPolicyInputList, policy.PermissionsBoundary, "PermissionsBoundaryPolicyInputList."); err != nil {
		return nil, err
	}
	if in.ResourcePolicy != nil {
		var rp []authz.Policy
		if err := add(&rp, []string{*in.ResourcePolicy}, policy.Resource, "ResourcePolicy"); err != nil {
			return nil, err
		}
		with.Resource = &rp[0]
	}
	caller.HasPermissionsBoundary = len(with.PermissionsBoundary) > 0
	ctxKeys := policy.NewContext()
	for _, e := range in.ContextEntries {
		if e.ContextKeyName == nil {
			continue
		}
		if t := deref(e.ContextKeyType, "string"); strings.HasSuffix(t, "List") {
			ctxKeys.SetMulti(*e.ContextKeyName, e.ContextKeyValues)
		} else if len(e.ContextKeyValues) > 0 {
			ctxKeys.Set(*e.ContextKeyName, e.ContextKeyValues[0])
		}
	}
	resources := in.ResourceArns
	if len(resources) == 0 {
		resources = []string{"*"}
	}
	owner := deref(in.ResourceOwner, c.Account())
	if a, err := arn.Parse(owner); err == nil {
		owner = a.AccountID
	}
	out := &SimulatePolicyResult{EvaluationResults: []EvaluationResult{}}
	for _, action := range in.ActionNames {
		for _, res := range resources {
			req := &authz.Request{Caller: caller, Action: action, Resource: res, ResourceAccount: owner, Context: ctxKeys}
			with.ResourceKind = authz.ResourceKindFor(action, res)
			e := authz.Explain(req, &with)
			r := EvaluationResult{EvalActionName: action, EvalResourceName: res, EvalDecision: evalDecision(e.Decision), MatchedStatements: []Statement{}, MissingContextValues: missingKeys(&with, action, ctxKeys)}
			for _, m := range e.Matched {
				if m.Type == authz.ServiceControlPolicy || m.Type == authz.ResourceControlPolicy {
					continue // IAM's PolicySourceType has no value for them; OrganizationsDecisionDetail reports them
				}
				r.MatchedStatements = append(r.MatchedStatements, Statement{SourcePolicyId: m.Name, SourcePolicyType: sourceType(m), StartPosition: &Position{Line: int32(m.Line), Column: int32(m.Column)}})
			}
			if len(with.PermissionsBoundary) > 0 {
				allowed := !(e.Decision != authz.Allowed && e.Type == authz.PermissionsBoundary)
				r.PermissionsBoundaryDecisionDetail = &PermissionsBoundaryDecisionDetail{AllowedByPermissionsBoundary: allowed}
			}
			if len(with.SCPs) > 0 {
				allowed := !(e.Decision != authz.Allowed && e.Type == authz.ServiceControlPolicy)
				r.OrganizationsDecisionDetail = &OrganizationsDecisionDetail{AllowedByOrganizations: allowed}
			}
			out.EvaluationResults = append(out.EvaluationResults, r)
		}
	}
	return out, nil
}

// missingKeys lists the condition keys the policies would consult for
// action that the simulation's context entries do not give.
func missingKeys(p *authz.Policies, action string, ctx *policy.Context) []string {
	out := []string{}
	seen := map[string]bool{}
	add := func(pol *authz.Policy) {
		if pol == nil || pol.Compiled == nil {
			return
		}
		for _, k := range pol.Compiled.ConditionKeys(action) {
			lk := strings.ToLower(k)
			if _, _, ok := ctx.Get(k); ok || seen[lk] {
				continue
			}
			seen[lk] = true
			out = append(out, k)
		}
	}
	for i := range p.Identity {
		add(&p.Identity[i])
	}
	for i := range p.PermissionsBoundary {
		add(&p.PermissionsBoundary[i])
	}
	add(p.Resource)
	return out
}

func evalDecision(d authz.Decision) string {
	switch d {
	case authz.Allowed:
		return "allowed"
	case authz.ExplicitDeny:
		return "explicitDeny"
	}
	return "implicitDeny"
}

// sourceType is IAM's PolicySourceType of a matched statement.
func sourceType(m authz.MatchedStatement) string {
	switch {
	case m.Type == authz.ResourceBased:
		return "resource"
	case strings.HasPrefix(m.ARN, "arn:aws:iam::aws:policy/"):
		return "aws-managed"
	case m.ARN != "":
		return "user-managed"
	}
	return "user"
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}
