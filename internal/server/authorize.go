package server

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/moatdev/moat/authz"
	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/identity"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
	"github.com/moatdev/moat/policy"
)

// authorize decides the call with the IAM engine, exactly as AWS would for
// the policies the caller has (policies.go) and the service control
// policies of its account's organization, and the resource control
// policies of the resource's account for the services RCPs govern. The root user may do anything in
// its own account that the SCPs allow.
func (s *Server) authorize(ctx context.Context, x *exchange) *awserr.Error {
	if x.op.AuthenticationOnly {
		return nil
	}
	var rp *resourceDoc
	if x.op.ResourcePolicy != nil {
		call := &service.Call{RequestID: x.requestID, Principal: x.principal, Region: x.region, Now: x.start, Deps: s.deps, Resource: x.resource}
		doc, account, err := x.op.ResourcePolicy(ctx, call, x.in)
		if err != nil {
			return awserr.From(err)
		}
		rp = &resourceDoc{doc: doc, account: account}
		x.resourceAccount = account
	}
	var extra []string
	if x.op.ExtraActions != nil {
		extra = x.op.ExtraActions(x.in)
	}
	return s.decide(ctx, x, x.op.Action, x.resource, rp, extra)
}

// resourceDoc is a resource's policy ("" when it has none) and account.
type resourceDoc struct{ doc, account string }

// authorizeMore is service.Call.Authorizer: a further decision for the
// same caller and request on another resource.
func (s *Server) authorizeMore(x *exchange) func(ctx context.Context, action, resource, doc, account string) error {
	return func(ctx context.Context, action, resource, doc, account string) error {
		if err := s.decide(ctx, x, action, resource, &resourceDoc{doc: doc, account: account}, nil); err != nil {
			return err
		}
		return nil
	}
}

// decide evaluates action on resource (and the extra actions on the same
// resource) with every policy that applies.
func (s *Server) decide(ctx context.Context, x *exchange, action, resource string, rp *resourceDoc, extra []string) *awserr.Error {
	p := x.principal
	scps, err := s.orgLevels(ctx, p.Account, identity.SCPType)
	if err != nil {
		return awserr.From(err)
	}
	svcPrefix, _, _ := strings.Cut(action, ":")
	rcpGoverned := identity.RCPServices[svcPrefix]
	if p.Kind == identity.Root && len(scps) == 0 && !rcpGoverned {
		return nil
	}
	req := &authz.Request{
		Caller:          caller(p),
		Action:          action,
		Resource:        resource,
		ResourceAccount: p.Account,
		Context:         s.requestContext(x),
	}
	pols, err := s.policiesOf(ctx, p)
	if err == nil {
		pols, err = s.withSessionPolicies(ctx, p, pols)
	}
	if err != nil {
		return awserr.From(err)
	}
	if len(scps) > 0 {
		with := *pols
		with.SCPs = scps
		pols = &with
	}
	req.Caller.HasPermissionsBoundary = len(pols.PermissionsBoundary) > 0
	if rp != nil {
		withResource, err := s.withResourcePolicy(req, pols, rp)
		if err != nil {
			return awserr.From(err)
		}
		pols = withResource
	}
	if rcpGoverned {
		// RCPs of the resource's account (its organization path) cap what
		// any caller may do to the resource.
		rcps, err := s.orgLevels(ctx, req.ResourceAccount, identity.RCPType)
		if err != nil {
			return awserr.From(err)
		}
		if len(rcps) > 0 {
			with := *pols
			with.RCPs = rcps
			pols = &with
		}
	}
	res := authz.Evaluate(req, pols)
	if s.cfg.Explain || x.http.Header.Get("X-Moat-Explain") != "" {
		s.logExplanation(x, req, pols)
	}
	if res.Decision != authz.Allowed {
		return s.denied(x, req, pols, res)
	}
	for _, action := range extra {
		more := *req
		more.Action = action
		if res := authz.Evaluate(&more, pols); res.Decision != authz.Allowed {
			return s.denied(x, &more, pols, res)
		}
	}
	return nil
}

// withResourcePolicy adds a resource-based policy (a role's trust policy,
// a bucket policy) to the caller's policies and sets the resource's
// account: a resource of another account without a policy grants nothing.
func (s *Server) withResourcePolicy(req *authz.Request, pols *authz.Policies, rp *resourceDoc) (*authz.Policies, error) {
	if rp.account != "" {
		req.ResourceAccount = rp.account
	}
	if rp.doc == "" {
		return pols, nil
	}
	kind := authz.ResourceKindFor(req.Action, req.Resource)
	pk := policy.Resource
	if kind == authz.RoleTrust {
		pk = policy.Trust
	}
	compiled, err := s.compiledResourcePolicy(rp.doc, pk)
	if err != nil {
		return nil, err
	}
	with := *pols
	with.Resource = &authz.Policy{Name: "resource policy", ARN: req.Resource, Compiled: compiled}
	with.ResourceKind = kind
	return &with, nil
}

// compiledResourcePolicy compiles a resource policy once: the same bucket
// policy or trust policy serves many requests. The cache is dropped when
// it grows past maxCompiledResourcePolicies distinct documents.
func (s *Server) compiledResourcePolicy(doc string, kind policy.Kind) (*policy.Compiled, error) {
	key := resourcePolicyKey{doc: doc, kind: kind}
	s.resourcePoliciesMu.Lock()
	c, ok := s.resourcePolicies[key]
	s.resourcePoliciesMu.Unlock()
	if ok {
		return c, nil
	}
	parsed, err := policy.Parse([]byte(doc))
	if err != nil {
		return nil, err
	}
	c, err = policy.Compile(parsed, kind)
	if err != nil {
		return nil, err
	}
	s.resourcePoliciesMu.Lock()
	if s.resourcePolicies == nil || len(s.resourcePolicies) >= maxCompiledResourcePolicies {
		s.resourcePolicies = map[resourcePolicyKey]*policy.Compiled{}
	}
	s.resourcePolicies[key] = c
	s.resourcePoliciesMu.Unlock()
	return c, nil
}

const maxCompiledResourcePolicies = 4096

type resourcePolicyKey struct {
	doc  string
	kind policy.Kind
}

func caller(p *identity.Principal) *policy.Caller {
	c := &policy.Caller{ARN: p.ARN, Account: p.Account}
	switch p.Kind {
	case identity.Root:
		c.Kind = policy.Root
	case identity.AssumedRole:
		c.Kind, c.RoleARN = policy.AssumedRole, p.Role.ARN()
	case identity.WebIdentityUser:
		c.Kind, c.Account = policy.WebIdentity, ""
	case identity.IAMUser:
		c.Kind = policy.User
	default:
		c.Kind = policy.Anonymous
	}
	return c
}

// requestContext fills the global condition keys AWS sets for every request
// (IAM User Guide, "AWS global condition context keys").
func (s *Server) requestContext(x *exchange) *policy.Context {
	p := x.principal
	c := policy.NewContext()
	if p.Kind == identity.AssumedRole {
		c.Set("aws:PrincipalArn", p.Role.ARN()) // a session's principal ARN is its role's
	} else {
		c.Set("aws:PrincipalArn", p.ARN)
	}
	c.Set("aws:PrincipalAccount", p.Account)
	if id, err := s.orgID(x.http.Context(), p.Account); err == nil && id != "" {
		c.Set("aws:PrincipalOrgID", id) // the data-perimeter key of SCPs, RCPs and resource policies
	} else if err != nil {
		s.log.Warn("organization lookup failed", "account", p.Account, "err", err)
	}
	c.Set("aws:userid", p.PrincipalID)
	switch p.Kind {
	case identity.Root:
		c.Set("aws:PrincipalType", "Account")
	case identity.IAMUser:
		c.Set("aws:PrincipalType", "User")
		c.Set("aws:username", p.UserName)
	case identity.AssumedRole:
		c.Set("aws:PrincipalType", "AssumedRole")
	}
	for _, t := range p.Tags {
		c.Set("aws:PrincipalTag/"+t.Key, t.Value)
	}
	for k, v := range x.extraContext {
		c.Set(k, v)
	}
	if strings.HasPrefix(x.resource, "arn:aws:iam::") {
		_ = s.db.View(context.Background(), func(tx store.Tx) error {
			for _, t := range identity.ResourceTags(tx, x.resource) {
				c.Set("aws:ResourceTag/"+t.Key, t.Value)
				c.Set("iam:ResourceTag/"+t.Key, t.Value)
			}
			return nil
		})
	}
	if x.op.Context != nil {
		var tagKeys []string
		x.op.Context(x.in, func(k, v string) {
			if tk, ok := strings.CutPrefix(k, "aws:RequestTag/"); ok {
				tagKeys = append(tagKeys, tk)
			}
			c.Set(k, v)
		})
		if tagKeys != nil {
			c.SetMulti("aws:TagKeys", tagKeys)
		}
	}
	switch {
	case x.mfa: // this call carries a valid code (AssumeRole, GetSessionToken)
		c.Set("aws:MultiFactorAuthPresent", "true")
		c.Set("aws:MultiFactorAuthAge", "0")
	case p.Session != nil:
		c.Set("aws:MultiFactorAuthPresent", strconv.FormatBool(p.Session.MFAAuthenticated))
		if p.Session.MFAAuthenticated {
			c.Set("aws:MultiFactorAuthAge", strconv.FormatInt(int64(x.start.Sub(p.Session.Issued).Seconds()), 10))
		}
	}
	if p.Session != nil {
		c.Set("aws:TokenIssueTime", p.Session.Issued.UTC().Format(time.RFC3339))
		if p.Session.SourceIdentity != "" {
			c.Set("aws:SourceIdentity", p.Session.SourceIdentity)
		}
	}
	c.Set("aws:SourceIp", sourceIP(x.http))
	c.Set("aws:SecureTransport", strconv.FormatBool(x.http.TLS != nil))
	c.Set("aws:CurrentTime", x.start.UTC().Format(time.RFC3339))
	c.Set("aws:EpochTime", strconv.FormatInt(x.start.Unix(), 10))
	// Global services (IAM, Organizations) have one endpoint in us-east-1:
	// their requests' aws:RequestedRegion is us-east-1 whatever region the
	// client signed with (IAM User Guide, "Denies access to AWS based on the
	// requested Region").
	c.Set("aws:RequestedRegion", x.region) // s.region: us-east-1 for global services
	if x.http.UserAgent() != "" {
		c.Set("aws:UserAgent", x.http.UserAgent())
	}
	return c
}

// accessDenied is the AccessDenied error of a protocol family.
// denied is the AccessDenied error of a refused request. EC2-style services
// (the ec2 protocol) answer UnauthorizedOperation with AWS's lead sentence
// and an encoded authorization failure message that
// sts:DecodeAuthorizationMessage reads back.
func (s *Server) denied(x *exchange, req *authz.Request, pols *authz.Policies, res authz.Result) *awserr.Error {
	msg := res.Message(req)
	if x.svc.Meta.Protocol != "ec2" {
		return accessDenied(x.svc.Meta.Protocol).New("%s", msg)
	}
	msg = "You are not authorized to perform this operation. " + msg
	enc, err := identity.SealAuthorizationMessage(x.http.Context(), s.db, decodedMessage(x.principal, req, pols))
	if err != nil {
		s.log.Warn("encoding the authorization failure message", "requestId", x.requestID, "err", err)
		return awserr.UnauthorizedOperation.New("%s", msg)
	}
	return awserr.UnauthorizedOperation.New("%s Encoded authorization failure message: %s", msg, enc)
}

// decodedMessage is the JSON DecodeAuthorizationMessage returns, in the
// shape AWS's decoded messages have (allowed, explicitDeny,
// matchedStatements, failures, context with principal, action, resource and
// conditions). AWS does not document the fields of a matched statement;
// moat's name the statement and the policy it is in.
func decodedMessage(p *identity.Principal, req *authz.Request, pols *authz.Policies) []byte {
	type value struct {
		Value string `json:"value"`
	}
	type values struct {
		Items []value `json:"items"`
	}
	type condition struct {
		Key    string `json:"key"`
		Values values `json:"values"`
	}
	type statement struct {
		StatementID      string `json:"statementId,omitempty"`
		Effect           string `json:"effect"`
		SourcePolicyType string `json:"sourcePolicyType"`
		SourcePolicy     string `json:"sourcePolicy,omitempty"`
		Line             int    `json:"line"`
		Column           int    `json:"column"`
	}
	e := authz.Explain(req, pols)
	var doc struct {
		Allowed           bool `json:"allowed"`
		ExplicitDeny      bool `json:"explicitDeny"`
		MatchedStatements struct {
			Items []statement `json:"items"`
		} `json:"matchedStatements"`
		Failures struct {
			Items []string `json:"items"`
		} `json:"failures"`
		Context struct {
			Principal struct {
				ID   string `json:"id"`
				Name string `json:"name,omitempty"`
				ARN  string `json:"arn"`
			} `json:"principal"`
			Action     string `json:"action"`
			Resource   string `json:"resource"`
			Conditions struct {
				Items []condition `json:"items"`
			} `json:"conditions"`
		} `json:"context"`
	}
	doc.Allowed, doc.ExplicitDeny = e.Decision == authz.Allowed, e.Decision == authz.ExplicitDeny
	doc.MatchedStatements.Items, doc.Failures.Items, doc.Context.Conditions.Items = []statement{}, []string{}, []condition{}
	for _, m := range e.Matched {
		name := m.Name
		if m.ARN != "" {
			name = m.ARN
		}
		doc.MatchedStatements.Items = append(doc.MatchedStatements.Items, statement{StatementID: m.Sid, Effect: strings.ToUpper(m.Effect.String()),
			SourcePolicyType: m.Type.String(), SourcePolicy: name, Line: m.Line, Column: m.Column})
	}
	doc.Context.Principal.ID, doc.Context.Principal.Name, doc.Context.Principal.ARN = p.PrincipalID, p.UserName, p.ARN
	doc.Context.Action, doc.Context.Resource = req.Action, req.Resource
	for _, k := range req.Context.Keys() {
		vs, _, _ := req.Context.Get(k)
		c := condition{Key: k, Values: values{Items: []value{}}}
		for _, v := range vs {
			c.Values.Items = append(c.Values.Items, value{v})
		}
		doc.Context.Conditions.Items = append(doc.Context.Conditions.Items, c)
	}
	b, _ := json.Marshal(&doc)
	return b
}

func accessDenied(protocol string) awserr.Def {
	switch protocol {
	case "query", "rest-xml":
		return awserr.AccessDenied
	case "ec2":
		return awserr.UnauthorizedOperation
	default:
		return awserr.AccessDeniedException
	}
}

// logExplanation writes the full decision trace of a request to the log
// (moat serve --explain, or the request header X-Moat-Explain).
func (s *Server) logExplanation(x *exchange, req *authz.Request, pols *authz.Policies) {
	e := authz.Explain(req, pols)
	matched := make([]string, 0, len(e.Matched))
	for _, m := range e.Matched {
		name := m.Name
		if m.ARN != "" {
			name = m.ARN
		}
		matched = append(matched, fmt.Sprintf("%s %s %s statement %d (%s) at %d:%d", m.Effect, m.Type, name, m.Stmt, m.Sid, m.Line, m.Column))
	}
	s.log.Info("authorization", "requestId", x.requestID, "principal", req.Caller.ARN, "action", req.Action, "resource", req.Resource,
		"decision", e.Decision.String(), "decidedBy", e.Type.String(), "matched", matched, "message", e.Message)
}
