package authz_test

import (
	"testing"

	"github.com/moatdev/moat/authz"
	"github.com/moatdev/moat/policy"
)

const acct = "111122223333"

// compile parses and compiles a policy document for tests.
func compile(t testing.TB, kind policy.Kind, name, doc string) authz.Policy {
	t.Helper()
	p, err := policy.Parse([]byte(doc))
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	c, err := policy.Compile(p, kind)
	if err != nil {
		t.Fatalf("compile %s: %v", name, err)
	}
	return authz.Policy{Name: name, Compiled: c}
}

func caller(t testing.TB, principal string) *policy.Caller {
	t.Helper()
	c, err := policy.NewCaller(principal)
	if err != nil {
		t.Fatalf("caller %s: %v", principal, err)
	}
	return c
}

func request(t testing.TB, principal, action, resource, account string) *authz.Request {
	t.Helper()
	return &authz.Request{Caller: caller(t, principal), Action: action, Resource: resource, ResourceAccount: account, Context: policy.NewContext()}
}

func TestDecisionAndTypeNames(t *testing.T) {
	t.Parallel()
	decisions := map[authz.Decision]string{authz.ImplicitDeny: "ImplicitDeny", authz.Allowed: "Allowed", authz.ExplicitDeny: "ExplicitDeny", 9: "Decision(?)"}
	for d, want := range decisions {
		if got := d.String(); got != want {
			t.Errorf("Decision(%d).String() = %q, want %q", d, got, want)
		}
	}
	types := map[authz.PolicyType]string{
		authz.IdentityBased: "identity-based policy", authz.ResourceBased: "resource-based policy",
		authz.PermissionsBoundary: "permissions boundary", authz.SessionPolicy: "session policy",
		authz.ServiceControlPolicy: "service control policy", authz.ResourceControlPolicy: "resource control policy",
		authz.VPCEndpointPolicy: "VPC endpoint policy", 42: "PolicyType(?)",
	}
	for pt, want := range types {
		if got := pt.String(); got != want {
			t.Errorf("PolicyType(%d).String() = %q, want %q", pt, got, want)
		}
	}
}

func TestResourceKindFor(t *testing.T) {
	t.Parallel()
	role := "arn:aws:iam::" + acct + ":role/app"
	key := "arn:aws:kms:us-east-1:" + acct + ":key/1234abcd-12ab-34cd-56ef-1234567890ab"
	tests := []struct {
		name, action, resource string
		want                   authz.ResourceKind
	}{
		{"assume role on a role is its trust policy", "sts:AssumeRole", role, authz.RoleTrust},
		{"action names are case-insensitive", "STS:assumerole", role, authz.RoleTrust},
		{"web identity", "sts:AssumeRoleWithWebIdentity", role, authz.RoleTrust},
		{"tag session", "sts:TagSession", role, authz.RoleTrust},
		{"SAML goes beyond rule 7 the same way", "sts:AssumeRoleWithSAML", role, authz.RoleTrust},
		{"iam action on a role is generic", "iam:GetRole", role, authz.GenericResource},
		{"assume role on a non-role resource", "sts:AssumeRole", "arn:aws:iam::" + acct + ":user/x", authz.GenericResource},
		{"get caller identity", "sts:GetCallerIdentity", "*", authz.GenericResource},
		{"kms on a key is its key policy", "kms:Decrypt", key, authz.KMSKeyPolicy},
		{"kms on an alias is generic", "kms:Decrypt", "arn:aws:kms:us-east-1:" + acct + ":alias/app", authz.GenericResource},
		{"kms with resource star", "kms:ListKeys", "*", authz.GenericResource},
		{"s3 object", "s3:GetObject", "arn:aws:s3:::b/k", authz.GenericResource},
		{"action without a colon", "AssumeRole", role, authz.GenericResource},
		{"truncated ARN", "kms:Decrypt", "arn:aws:kms", authz.GenericResource},
	}
	for _, tt := range tests {
		if got := authz.ResourceKindFor(tt.action, tt.resource); got != tt.want {
			t.Errorf("%s: ResourceKindFor(%q, %q) = %d, want %d", tt.name, tt.action, tt.resource, got, tt.want)
		}
	}
}

func TestMessage(t *testing.T) {
	t.Parallel()
	user := &policy.Caller{Kind: policy.User, ARN: "arn:aws:iam::123456789012:user/MaryMajor", Account: "123456789012"}
	r := &authz.Request{Caller: user, Action: "codecommit:ListRepositories", Resource: "arn:aws:codecommit:us-east-1:123456789012:*"}
	const prefix = "User: arn:aws:iam::123456789012:user/MaryMajor is not authorized to perform: codecommit:ListRepositories on resource: arn:aws:codecommit:us-east-1:123456789012:* "
	tests := []struct {
		name string
		res  authz.Result
		want string
	}{
		{"allowed has no message", authz.Result{Decision: authz.Allowed}, ""},
		{"identity implicit", authz.Result{Decision: authz.ImplicitDeny, Type: authz.IdentityBased}, prefix + "because no identity-based policy allows the codecommit:ListRepositories action"},
		{"identity explicit", authz.Result{Decision: authz.ExplicitDeny, Type: authz.IdentityBased}, prefix + "with an explicit deny in an identity-based policy"},
		{"resource implicit", authz.Result{Decision: authz.ImplicitDeny, Type: authz.ResourceBased}, prefix + "because no resource-based policy allows the codecommit:ListRepositories action"},
		{"resource explicit", authz.Result{Decision: authz.ExplicitDeny, Type: authz.ResourceBased}, prefix + "with an explicit deny in a resource-based policy"},
		{"boundary implicit", authz.Result{Decision: authz.ImplicitDeny, Type: authz.PermissionsBoundary}, prefix + "because no permissions boundary allows the codecommit:ListRepositories action"},
		{"boundary explicit", authz.Result{Decision: authz.ExplicitDeny, Type: authz.PermissionsBoundary}, prefix + "with an explicit deny in a permissions boundary"},
		{"session implicit", authz.Result{Decision: authz.ImplicitDeny, Type: authz.SessionPolicy}, prefix + "because no session policy allows the codecommit:ListRepositories action"},
		{"session explicit", authz.Result{Decision: authz.ExplicitDeny, Type: authz.SessionPolicy}, prefix + "with an explicit deny in a session policy"},
		{"scp implicit", authz.Result{Decision: authz.ImplicitDeny, Type: authz.ServiceControlPolicy}, prefix + "because no service control policy allows the codecommit:ListRepositories action"},
		{"scp explicit", authz.Result{Decision: authz.ExplicitDeny, Type: authz.ServiceControlPolicy}, prefix + "with an explicit deny in a service control policy"},
		{"rcp explicit", authz.Result{Decision: authz.ExplicitDeny, Type: authz.ResourceControlPolicy}, prefix + "with an explicit deny in a resource control policy"},
		{"vpce implicit", authz.Result{Decision: authz.ImplicitDeny, Type: authz.VPCEndpointPolicy}, prefix + "because no VPC endpoint policy allows the codecommit:ListRepositories action"},
		{"vpce explicit", authz.Result{Decision: authz.ExplicitDeny, Type: authz.VPCEndpointPolicy}, prefix + "with an explicit deny in a VPC endpoint policy"},
	}
	for _, tt := range tests {
		if got := tt.res.Message(r); got != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, got, tt.want)
		}
	}
}

func TestMessageCallers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		caller *policy.Caller
		want   string
	}{
		{"role session shows the session ARN", &policy.Caller{Kind: policy.AssumedRole, ARN: "arn:aws:sts::123456789012:assumed-role/app/s1"},
			"User: arn:aws:sts::123456789012:assumed-role/app/s1 is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::b/k because no resource-based policy allows the s3:GetObject action"},
		{"anonymous", &policy.Caller{Kind: policy.Anonymous},
			"User: anonymous is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::b/k because no resource-based policy allows the s3:GetObject action"},
		{"nil caller is anonymous", nil,
			"User: anonymous is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::b/k because no resource-based policy allows the s3:GetObject action"},
		{"service principal", &policy.Caller{Kind: policy.ServicePrincipal, ARN: "sns.amazonaws.com"},
			"User: sns.amazonaws.com is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::b/k because no resource-based policy allows the s3:GetObject action"},
	}
	for _, tt := range tests {
		r := &authz.Request{Caller: tt.caller, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"}
		res := authz.Result{Decision: authz.ImplicitDeny, Type: authz.ResourceBased}
		if got := res.Message(r); got != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, got, tt.want)
		}
	}
}
