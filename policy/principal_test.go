package policy_test

import (
	"strings"
	"testing"

	"github.com/moatdev/moat/policy"
)

const (
	acct     = "111122223333"
	alice    = "arn:aws:iam::111122223333:user/alice"
	bob      = "arn:aws:iam::111122223333:user/bob"
	role     = "arn:aws:iam::111122223333:role/app"
	session  = "arn:aws:sts::111122223333:assumed-role/app/s1"
	fed      = "arn:aws:sts::111122223333:federated-user/carol"
	rootARN  = "arn:aws:iam::111122223333:root"
	other    = "arn:aws:iam::444455556666:user/eve"
	oidc     = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC"
	bucket   = "arn:aws:s3:::b/k"
	anyPrinc = `"*"`
)

func rp(principal string) string {
	return doc(`{"Effect":"Allow","Principal":` + principal + `,"Action":"*","Resource":"*"}`)
}

func TestPrincipalGrants(t *testing.T) {
	t.Parallel()
	g := func(name, principal, caller string, want string, grants policy.Grant) evalCase {
		return evalCase{name: name, doc: rp(principal), kind: policy.Resource, action: "s3:GetObject", resource: bucket, principal: caller, want: want, grants: grants}
	}
	runEval(t, []evalCase{
		g("star names anyone", anyPrinc, alice, "allow 0", policy.GrantAnyone),
		g("star names anonymous", anyPrinc, "anonymous", "allow 0", policy.GrantAnyone),
		g("AWS star", `{"AWS":"*"}`, "anonymous", "allow 0", policy.GrantAnyone),
		g("user ARN", `{"AWS":"`+alice+`"}`, alice, "allow 0", policy.GrantCaller),
		g("user ARN other user", `{"AWS":"`+alice+`"}`, bob, "none", 0),
		g("user name case-sensitive", `{"AWS":"arn:aws:iam::111122223333:user/Alice"}`, alice, "none", 0),
		g("account id", `{"AWS":"`+acct+`"}`, alice, "allow 0", policy.GrantAccount),
		g("account root ARN", `{"AWS":"`+rootARN+`"}`, session, "allow 0", policy.GrantAccount),
		g("account of other caller", `{"AWS":"`+acct+`"}`, other, "none", 0),
		g("root caller by root ARN", `{"AWS":"`+rootARN+`"}`, rootARN, "allow 0", policy.GrantCaller|policy.GrantAccount),
		g("role ARN for session", `{"AWS":"`+role+`"}`, session, "allow 0", policy.GrantRole),
		g("session ARN", `{"AWS":"`+session+`"}`, session, "allow 0", policy.GrantCaller),
		g("role session of other session", `{"AWS":"arn:aws:sts::111122223333:assumed-role/app/s2"}`, session, "none", 0),
		g("federated user ARN", `{"AWS":"`+fed+`"}`, fed, "allow 0", policy.GrantCaller),
		g("several forms union", `{"AWS":["`+acct+`","`+role+`","`+session+`"]}`, session, "allow 0", policy.GrantCaller|policy.GrantRole|policy.GrantAccount),
		g("service principal", `{"Service":"sns.amazonaws.com"}`, "sns.amazonaws.com", "allow 0", policy.GrantService),
		g("service principal other", `{"Service":"sns.amazonaws.com"}`, "sqs.amazonaws.com", "none", 0),
		g("service not matched by account", `{"AWS":"`+acct+`"}`, "sns.amazonaws.com", "none", 0),
		g("federated OIDC", `{"Federated":"`+oidc+`"}`, oidc, "allow 0", policy.GrantFederated),
		g("federated IdP name", `{"Federated":"accounts.google.com"}`, "accounts.google.com", "allow 0", policy.GrantFederated),
		g("web identity not matched by account", `{"AWS":"`+acct+`"}`, oidc, "none", 0),
		g("anonymous not matched by account", `{"AWS":"`+acct+`"}`, "anonymous", "none", 0),
		g("canonical user never matches", `{"CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}`, alice, "none", 0),
		{name: "identity policy ignores Principal", doc: rp(`{"AWS":"` + other + `"}`), kind: policy.Identity, action: "s3:GetObject", resource: bucket, principal: alice, want: "allow 0"},
		{name: "deny with principal, grants only for allow", doc: doc(`{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}`), kind: policy.Resource, action: "s3:GetObject", resource: bucket, principal: alice, want: "deny 0"},
		{name: "grants union over allow statements", doc: doc(`{"Effect":"Allow","Principal":{"AWS":"` + acct + `"},"Action":"*","Resource":"*"},{"Effect":"Allow","Principal":{"AWS":"` + alice + `"},"Action":"s3:*","Resource":"*"}`), kind: policy.Resource, action: "s3:GetObject", resource: bucket, principal: alice, want: "allow 0", grants: policy.GrantAccount | policy.GrantCaller},
		{name: "OPS doc: SNS to SQS with ArnEquals aws:SourceArn", doc: snsToSQS, kind: policy.Resource, action: "sqs:SendMessage", resource: queue, principal: "sns.amazonaws.com",
			ctx: map[string]any{"aws:SourceArn": "arn:aws:sns:us-east-2:111122223333:MyTopic"}, want: "allow 0", grants: policy.GrantService},
		{name: "OPS doc: SNS to SQS, other topic", doc: snsToSQS, kind: policy.Resource, action: "sqs:SendMessage", resource: queue, principal: "sns.amazonaws.com",
			ctx: map[string]any{"aws:SourceArn": "arn:aws:sns:us-east-2:111122223333:Other"}, want: "none"},
		{name: "OPS doc: SNS to SQS, IAM user calling directly", doc: snsToSQS, kind: policy.Resource, action: "sqs:SendMessage", resource: queue, principal: alice, want: "none"},
		{name: "IRSA trust policy", doc: irsa, kind: policy.Trust, action: "sts:AssumeRoleWithWebIdentity", resource: role, principal: oidc,
			ctx: map[string]any{"oidc.eks.us-east-1.amazonaws.com/id/ABC:sub": "system:serviceaccount:prod:app", "oidc.eks.us-east-1.amazonaws.com/id/ABC:aud": "sts.amazonaws.com"}, want: "allow 0", grants: policy.GrantFederated},
		{name: "IRSA trust policy, other service account", doc: irsa, kind: policy.Trust, action: "sts:AssumeRoleWithWebIdentity", resource: role, principal: oidc,
			ctx: map[string]any{"oidc.eks.us-east-1.amazonaws.com/id/ABC:sub": "system:serviceaccount:prod:other", "oidc.eks.us-east-1.amazonaws.com/id/ABC:aud": "sts.amazonaws.com"}, want: "none"},
	}, 31)
}

const queue = "arn:aws:sqs:us-east-2:111122223333:MyQueue"

var snsToSQS = doc(`{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"` + queue + `",
	"Condition":{"ArnEquals":{"aws:SourceArn":"arn:aws:sns:us-east-2:111122223333:MyTopic"}}}`)

var irsa = doc(`{"Effect":"Allow","Principal":{"Federated":"` + oidc + `"},"Action":"sts:AssumeRoleWithWebIdentity",
	"Condition":{"StringEquals":{"oidc.eks.us-east-1.amazonaws.com/id/ABC:sub":"system:serviceaccount:prod:app","oidc.eks.us-east-1.amazonaws.com/id/ABC:aud":"sts.amazonaws.com"}}}`)

// TestNotPrincipal covers [NPRIN] and the permissions-boundary rule of [PB].
func TestNotPrincipal(t *testing.T) {
	t.Parallel()
	np := func(list ...string) string {
		return doc(`{"Effect":"Deny","NotPrincipal":{"AWS":["` + strings.Join(list, `","`) + `"]},"Action":"s3:*","Resource":"*"}`)
	}
	d := func(name, doc, caller string, boundary bool, want string) evalCase {
		return evalCase{name: name, doc: doc, kind: policy.Resource, action: "s3:GetObject", resource: bucket, principal: caller, boundary: boundary, want: want}
	}
	runEval(t, []evalCase{
		d("user and account listed: user exempt", np(alice, rootARN), alice, false, "none"),
		d("user and account listed: other user denied", np(alice, rootARN), bob, false, "deny 0"),
		d("user and account listed: other account denied", np(alice, rootARN), other, false, "deny 0"),
		d("only user listed: user still denied", np(alice), alice, false, "deny 0"),
		d("session needs session, role and account", np(session, role, rootARN), session, false, "none"),
		d("session without role ARN denied", np(session, rootARN), session, false, "deny 0"),
		d("role and account listed: session denied", np(role, rootARN), session, false, "deny 0"),
		d("root exempt by account", np(acct), rootARN, false, "none"),
		d("anonymous always denied", np(alice, rootARN), "anonymous", false, "deny 0"),
		d("boundary: exempt user still denied", np(alice, rootARN), alice, true, "deny 0"),
		d("NotPrincipal star exempts everyone", doc(`{"Effect":"Deny","NotPrincipal":"*","Action":"s3:*","Resource":"*"}`), alice, false, "none"),
		d("service exempt", doc(`{"Effect":"Deny","NotPrincipal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:*","Resource":"*"}`), "cloudtrail.amazonaws.com", false, "none"),
		{name: "Allow NotPrincipal grants others as anyone", doc: doc(`{"Effect":"Allow","NotPrincipal":{"AWS":["` + alice + `","` + rootARN + `"]},"Action":"s3:*","Resource":"*"}`), kind: policy.Resource, action: "s3:GetObject", resource: bucket, principal: bob, want: "allow 0", grants: policy.GrantAnyone},
	}, 13)
}

func TestNewCaller(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want policy.Caller
		err  string
	}{
		{in: alice, want: policy.Caller{Kind: policy.User, ARN: alice, Account: acct}},
		{in: role, want: policy.Caller{Kind: policy.Role, ARN: role, Account: acct}},
		{in: rootARN, want: policy.Caller{Kind: policy.Root, ARN: rootARN, Account: acct}},
		{in: session, want: policy.Caller{Kind: policy.AssumedRole, ARN: session, Account: acct, RoleARN: role}},
		{in: fed, want: policy.Caller{Kind: policy.FederatedUser, ARN: fed, Account: acct}},
		{in: "sns.amazonaws.com", want: policy.Caller{Kind: policy.ServicePrincipal, ARN: "sns.amazonaws.com"}},
		{in: "accounts.google.com", want: policy.Caller{Kind: policy.WebIdentity, ARN: "accounts.google.com"}},
		{in: "cognito-identity.amazonaws.com", want: policy.Caller{Kind: policy.WebIdentity, ARN: "cognito-identity.amazonaws.com"}},
		{in: oidc, want: policy.Caller{Kind: policy.WebIdentity, ARN: oidc, Account: acct}},
		{in: "anonymous", want: policy.Caller{Kind: policy.Anonymous}},
		{in: "arn:aws:sts::111122223333:assumed-role/app", err: "assumed-role ARN must be"},
		{in: "arn:aws:iam::111122223333:group/devs", err: "unsupported principal ARN"},
		{in: "arn:aws:iam::1234:user/x", err: "is not 12 digits"},
		{in: "alice", err: "not an ARN"},
		{in: "arn:aws", err: "malformed ARN"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			c, err := policy.NewCaller(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("NewCaller(%q) error = %v, want %q", tt.in, err, tt.err)
				}
				return
			}
			if err != nil || *c != tt.want {
				t.Fatalf("NewCaller(%q) = %+v, %v; want %+v", tt.in, c, err, tt.want)
			}
		})
	}
}
