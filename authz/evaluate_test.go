package authz_test

import (
	"strings"
	"testing"

	"github.com/moatdev/moat/authz"
	"github.com/moatdev/moat/policy"
)

// spec describes the policies of a test request as documents.
type spec struct {
	identity, boundary, session, vpce []string
	resource                          string
	scps, rcps                        [][]string
}

func (s spec) build(t testing.TB, r *authz.Request) *authz.Policies {
	t.Helper()
	list := func(kind policy.Kind, docs []string) []authz.Policy {
		var out []authz.Policy
		for _, d := range docs {
			out = append(out, compile(t, kind, "", d))
		}
		return out
	}
	levels := func(kind policy.Kind, ls [][]string) []authz.Level {
		var out []authz.Level
		for _, l := range ls {
			out = append(out, authz.Level{Target: "level", Policies: list(kind, l)})
		}
		return out
	}
	p := &authz.Policies{
		Identity:            list(policy.Identity, s.identity),
		PermissionsBoundary: list(policy.PermissionsBoundary, s.boundary),
		Session:             list(policy.Session, s.session),
		HasSession:          len(s.session) > 0,
		VPCEndpoint:         list(policy.EndpointPolicy, s.vpce),
		SCPs:                levels(policy.SCP, s.scps),
		RCPs:                levels(policy.RCP, s.rcps),
		ResourceKind:        authz.ResourceKindFor(r.Action, r.Resource),
	}
	if s.resource != "" {
		kind := policy.Resource
		if p.ResourceKind == authz.RoleTrust {
			kind = policy.Trust
		}
		rp := compile(t, kind, "resource", s.resource)
		p.Resource = &rp
	}
	r.Caller.HasPermissionsBoundary = len(p.PermissionsBoundary) > 0
	return p
}

const (
	alice   = "arn:aws:iam::111122223333:user/alice"
	session = "arn:aws:sts::111122223333:assumed-role/app/s1"
	fedUser = "arn:aws:sts::111122223333:federated-user/bob"
	object  = "arn:aws:s3:::example-bucket/k"

	allowAll   = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`
	allowS3    = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"},{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`
	allowEC2   = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ec2:*","Resource":"*"}}`
	denyGet    = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"NoGet","Effect":"Deny","Action":"s3:GetObject","Resource":"*"}]}`
	grantAlice = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::example-bucket/*"}}`
	grantRole  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"s3:*","Resource":"*"},{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::example-bucket/*"}]}`
	grantAcct  = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"*"}}`
	grantFed   = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:sts::111122223333:federated-user/bob"},"Action":"s3:GetObject","Resource":"*"}}`
	publicRead = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}}`
	vpceOnly   = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::other/*"}}`
)

// TestEvaluateReasons checks the decision and the place that decided it.
func TestEvaluateReasons(t *testing.T) {
	t.Parallel()
	type want struct {
		d                   authz.Decision
		typ                 authz.PolicyType
		level, policy, stmt int
	}
	tests := []struct {
		name      string
		principal string
		action    string
		account   string
		spec      spec
		want      want
	}{
		{"nothing allows: identity", alice, "s3:GetObject", acct, spec{}, want{authz.ImplicitDeny, authz.IdentityBased, -1, -1, -1}},
		{"identity allow names the statement", alice, "s3:GetObject", acct, spec{identity: []string{allowEC2, allowS3}}, want{authz.Allowed, authz.IdentityBased, -1, 1, 1}},
		{"identity deny names the statement", alice, "s3:GetObject", acct, spec{identity: []string{allowS3, denyGet}}, want{authz.ExplicitDeny, authz.IdentityBased, -1, 1, 1}},
		{"boundary silent", alice, "s3:GetObject", acct, spec{identity: []string{allowS3}, boundary: []string{allowEC2}}, want{authz.ImplicitDeny, authz.PermissionsBoundary, -1, -1, -1}},
		{"boundary deny", alice, "s3:GetObject", acct, spec{identity: []string{allowS3}, boundary: []string{denyGet}}, want{authz.ExplicitDeny, authz.PermissionsBoundary, -1, 0, 1}},
		{"session silent", session, "s3:GetObject", acct, spec{identity: []string{allowS3}, session: []string{allowEC2}}, want{authz.ImplicitDeny, authz.SessionPolicy, -1, -1, -1}},
		{"federated user without session policy", fedUser, "s3:GetObject", acct, spec{identity: []string{allowAll}}, want{authz.ImplicitDeny, authz.SessionPolicy, -1, -1, -1}},
		{"scp deny at level 1 beats identity deny", alice, "s3:GetObject", acct,
			spec{identity: []string{denyGet}, scps: [][]string{{allowAll}, {allowEC2, denyGet}}}, want{authz.ExplicitDeny, authz.ServiceControlPolicy, 1, 1, 1}},
		{"scp level without allow", alice, "s3:GetObject", acct,
			spec{identity: []string{allowS3}, scps: [][]string{{allowAll}, {allowAll}, {allowEC2}}}, want{authz.ImplicitDeny, authz.ServiceControlPolicy, 2, -1, -1}},
		{"rcp deny", alice, "s3:GetObject", acct,
			spec{identity: []string{allowS3}, rcps: [][]string{{`{"Version":"2012-10-17","Statement":{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"*"}}`}}}, want{authz.ExplicitDeny, authz.ResourceControlPolicy, 0, 0, 0}},
		{"vpce silent", alice, "s3:GetObject", acct, spec{identity: []string{allowS3}, vpce: []string{vpceOnly}}, want{authz.ImplicitDeny, authz.VPCEndpointPolicy, -1, -1, -1}},
		{"same-account user grant", alice, "s3:GetObject", acct, spec{resource: grantAlice}, want{authz.Allowed, authz.ResourceBased, -1, 0, 0}},
		{"same-account role grant", session, "s3:GetObject", acct, spec{resource: grantRole}, want{authz.Allowed, authz.ResourceBased, -1, 0, 1}},
		{"role grant cut by silent boundary", session, "s3:GetObject", acct, spec{resource: grantRole, boundary: []string{allowEC2}}, want{authz.ImplicitDeny, authz.PermissionsBoundary, -1, -1, -1}},
		{"role caller: own-ARN grant is a role grant, cut by a silent boundary", "arn:aws:iam::111122223333:role/app", "s3:GetObject", acct,
			spec{resource: grantRole, boundary: []string{allowEC2}}, want{authz.ImplicitDeny, authz.PermissionsBoundary, -1, -1, -1}},
		{"role caller: own-ARN grant without boundary", "arn:aws:iam::111122223333:role/app", "s3:GetObject", acct,
			spec{resource: grantRole}, want{authz.Allowed, authz.ResourceBased, -1, 0, 1}},
		{"account grant needs identity", alice, "s3:GetObject", acct, spec{resource: grantAcct}, want{authz.ImplicitDeny, authz.IdentityBased, -1, -1, -1}},
		{"federated grant without session policy", fedUser, "s3:GetObject", acct, spec{resource: grantFed}, want{authz.Allowed, authz.ResourceBased, -1, 0, 0}},
		{"cross-account needs resource policy", alice, "s3:GetObject", "444455556666", spec{identity: []string{allowS3}}, want{authz.ImplicitDeny, authz.ResourceBased, -1, -1, -1}},
		{"cross-account identity silent", alice, "s3:GetObject", "444455556666", spec{resource: grantAlice}, want{authz.ImplicitDeny, authz.IdentityBased, -1, -1, -1}},
		{"cross-account both allow", alice, "s3:GetObject", "444455556666", spec{resource: grantAlice, identity: []string{allowS3}}, want{authz.Allowed, authz.ResourceBased, -1, 0, 0}},
		{"anonymous public read", "anonymous", "s3:GetObject", acct, spec{resource: publicRead}, want{authz.Allowed, authz.ResourceBased, -1, 0, 0}},
		{"anonymous without resource policy", "anonymous", "s3:GetObject", acct, spec{identity: []string{allowAll}}, want{authz.ImplicitDeny, authz.ResourceBased, -1, -1, -1}},
		{"get caller identity under deny", alice, "sts:GetCallerIdentity", acct, spec{identity: []string{`{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":"*"}}`}}, want{authz.Allowed, authz.IdentityBased, -1, -1, -1}},
		{"trust policy without delegation", alice, "sts:AssumeRole", acct,
			spec{identity: []string{allowAll}, resource: `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/bob"},"Action":"sts:AssumeRole"}}`},
			want{authz.ImplicitDeny, authz.ResourceBased, -1, -1, -1}},
	}
	for _, tt := range tests {
		resource := object
		if tt.action == "sts:AssumeRole" {
			resource = "arn:aws:iam::111122223333:role/target"
		}
		r := request(t, tt.principal, tt.action, resource, tt.account)
		p := tt.spec.build(t, r)
		got := authz.Evaluate(r, p)
		w := authz.Result{Decision: tt.want.d, Type: tt.want.typ, Level: tt.want.level, Policy: tt.want.policy, Stmt: tt.want.stmt}
		if got != w {
			t.Errorf("%s: got %+v (%s), want %+v", tt.name, got, got.Message(r), w)
		}
	}
}

func TestEvaluateNilCallerIsAnonymous(t *testing.T) {
	t.Parallel()
	r := &authz.Request{Action: "s3:GetObject", Resource: object, ResourceAccount: acct}
	p := spec{resource: publicRead}.build(t, request(t, "anonymous", "s3:GetObject", object, acct))
	if got := authz.Evaluate(r, p); got.Decision != authz.Allowed {
		t.Fatalf("nil caller on a public object: %+v", got)
	}
	if got := authz.Evaluate(&authz.Request{Action: "sts:GetCallerIdentity", Resource: "*"}, &authz.Policies{}); got.Decision != authz.ImplicitDeny {
		t.Fatalf("GetCallerIdentity needs an authenticated caller: %+v", got)
	}
}

func TestExplain(t *testing.T) {
	t.Parallel()
	r := request(t, alice, "s3:GetObject", object, acct)
	p := spec{identity: []string{allowS3, denyGet}, resource: grantAlice}.build(t, r)
	p.Identity[1].Name = "DenyGet"
	e := authz.Explain(r, p)
	if e.Decision != authz.ExplicitDeny || e.Message == "" {
		t.Fatalf("explain: %+v", e)
	}
	if len(e.Matched) != 4 {
		t.Fatalf("matched %d statements, want 4 (resource allow, s3 allow, allow-all, deny): %+v", len(e.Matched), e.Matched)
	}
	if m := e.Matched[0]; m.Type != authz.ResourceBased || m.Effect != policy.Allow || m.Grants&policy.GrantCaller == 0 {
		t.Errorf("first match should be the resource grant to the caller: %+v", m)
	}
	m, ok := e.Deciding()
	if !ok || m.Sid != "NoGet" || m.Name != "DenyGet" || m.Effect != policy.Deny || m.Line == 0 {
		t.Errorf("deciding statement: %+v %v", m, ok)
	}
	p.Identity[1].ARN = "arn:aws:iam::111122223333:policy/DenyGet"
	const want = "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::example-bucket/k with an explicit deny in an identity-based policy: arn:aws:iam::111122223333:policy/DenyGet"
	if got := authz.Explain(r, p).Message; got != want {
		t.Errorf("explicit deny by a policy with an ARN:\n got %q\nwant %q", got, want)
	}
	scp := spec{identity: []string{allowS3}, scps: [][]string{{allowAll}, {allowAll, denyGet}}}.build(t, r)
	scp.SCPs[1].Policies[1].ARN = "arn:aws:organizations::111111111111:policy/o-exampleorgid/service_control_policy/p-examplepolicyid"
	if got := authz.Explain(r, scp).Message; !strings.HasSuffix(got, "with an explicit deny in a service control policy: "+scp.SCPs[1].Policies[1].ARN) {
		t.Errorf("SCP deny message: %q", got)
	}
	allowed := authz.Explain(r, spec{identity: []string{allowS3}}.build(t, r))
	if allowed.Message != "" || allowed.Decision != authz.Allowed {
		t.Errorf("allowed explanation: %+v", allowed)
	}
	none := authz.Explain(r, &authz.Policies{})
	if _, ok := none.Deciding(); ok || len(none.Matched) != 0 {
		t.Errorf("no policies: %+v", none)
	}
}

// TestEvaluateDoesNotAllocate guards the hot path's zero-allocation promise.
func TestEvaluateDoesNotAllocate(t *testing.T) {
	r := request(t, session, "s3:GetObject", object, acct)
	r.Context.Set("aws:SourceIp", "203.0.113.9")
	p := spec{identity: []string{allowS3, denyGet}, boundary: []string{allowAll}, session: []string{allowS3},
		scps: [][]string{{allowAll}, {allowAll}}, resource: grantRole}.build(t, r)
	if n := testing.AllocsPerRun(100, func() { authz.Evaluate(r, p) }); n != 0 {
		t.Fatalf("Evaluate allocates %v times per call", n)
	}
}

// TestSourceUserGrant covers the row of table 6.2 that case files cannot
// express: a resource policy naming the IAM user who called
// GetFederationToken grants to the federated-user session, cut by a silent
// boundary or session policy.
func TestSourceUserGrant(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		spec spec
		want authz.Result
	}{
		{"session policy allows", spec{resource: grantAlice, session: []string{allowS3}}, authz.Result{Decision: authz.Allowed, Type: authz.ResourceBased, Level: -1, Policy: 0, Stmt: 0}},
		{"session policy silent", spec{resource: grantAlice, session: []string{allowEC2}}, authz.Result{Decision: authz.ImplicitDeny, Type: authz.SessionPolicy, Level: -1, Policy: -1, Stmt: -1}},
		{"no session policy: no permissions", spec{resource: grantAlice}, authz.Result{Decision: authz.ImplicitDeny, Type: authz.SessionPolicy, Level: -1, Policy: -1, Stmt: -1}},
		{"boundary silent", spec{resource: grantAlice, session: []string{allowS3}, boundary: []string{allowEC2}}, authz.Result{Decision: authz.ImplicitDeny, Type: authz.PermissionsBoundary, Level: -1, Policy: -1, Stmt: -1}},
	}
	for _, tt := range tests {
		r := request(t, fedUser, "s3:GetObject", object, acct)
		r.Caller.SourceUserARN = alice
		p := tt.spec.build(t, r)
		if got := authz.Evaluate(r, p); got != tt.want {
			t.Errorf("%s: got %+v, want %+v", tt.name, got, tt.want)
		}
	}
}
