package server_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// Resource control policies: a data perimeter on a member account's roles.
// A partner account's user may assume a role that trusts it until an RCP
// on the role's account denies sts:AssumeRole to principals outside the
// organization's management account; RCPFullAWSAccess cannot be detached.
func TestResourceControlPolicies(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	org := organizations.NewFromConfig(ts.config(ts.Root))
	root := iam.NewFromConfig(ts.config(ts.Root))
	o, err := org.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: orgtypes.OrganizationFeatureSetAll})
	if err != nil {
		t.Fatal(err)
	}
	roots, err := org.ListRoots(ctx, &organizations.ListRootsInput{})
	if err != nil {
		t.Fatal(err)
	}
	rootID := roots.Roots[0].Id
	deny := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"sts:AssumeRole","Resource":"*",
	  "Condition":{"StringNotEqualsIfExists":{"aws:PrincipalAccount":"` + ts.Account + `"}}}]}`
	rcp, err := org.CreatePolicy(ctx, &organizations.CreatePolicyInput{Name: aws.String("OnlyOurAccount"), Description: aws.String("perimeter"),
		Type: orgtypes.PolicyTypeResourceControlPolicy, Content: aws.String(deny)})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(aws.ToString(rcp.Policy.PolicySummary.Arn), "/resource_control_policy/") {
		t.Errorf("RCP ARN = %s", aws.ToString(rcp.Policy.PolicySummary.Arn))
	}
	_, err = org.AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: rcp.Policy.PolicySummary.Id, TargetId: rootID})
	apiError(t, err, "PolicyTypeNotEnabledException")
	_, err = org.CreatePolicy(ctx, &organizations.CreatePolicyInput{Name: aws.String("AllowSome"), Description: aws.String("x"),
		Type: orgtypes.PolicyTypeResourceControlPolicy, Content: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}`)})
	apiError(t, err, "MalformedPolicyDocumentException") // RCPs may only deny
	_, err = org.CreatePolicy(ctx, &organizations.CreatePolicyInput{Name: aws.String("Tags"), Description: aws.String("x"), Type: orgtypes.PolicyTypeTagPolicy, Content: aws.String(`{}`)})
	apiError(t, err, "ConstraintViolationException")

	en, err := org.EnablePolicyType(ctx, &organizations.EnablePolicyTypeInput{RootId: rootID, PolicyType: orgtypes.PolicyTypeResourceControlPolicy})
	if err != nil {
		t.Fatal(err)
	}
	if len(en.Root.PolicyTypes) != 1 || en.Root.PolicyTypes[0].Type != orgtypes.PolicyTypeResourceControlPolicy {
		t.Errorf("EnablePolicyType root = %+v", en.Root.PolicyTypes)
	}
	_, err = org.EnablePolicyType(ctx, &organizations.EnablePolicyTypeInput{RootId: rootID, PolicyType: orgtypes.PolicyTypeResourceControlPolicy})
	apiError(t, err, "PolicyTypeAlreadyEnabledException")

	newAccount := func(name string) string {
		t.Helper()
		ca, err := org.CreateAccount(ctx, &organizations.CreateAccountInput{Email: aws.String(name + "@example.com"), AccountName: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		st, err := org.DescribeCreateAccountStatus(ctx, &organizations.DescribeCreateAccountStatusInput{CreateAccountRequestId: ca.CreateAccountStatus.Id})
		if err != nil || st.CreateAccountStatus.State != orgtypes.CreateAccountStateSucceeded || aws.ToString(st.CreateAccountStatus.AccountId) != aws.ToString(ca.CreateAccountStatus.AccountId) {
			t.Fatalf("DescribeCreateAccountStatus: %+v %v", st, err)
		}
		return aws.ToString(ca.CreateAccountStatus.AccountId)
	}
	owner, partner := newAccount("owner"), newAccount("partner")
	_, err = org.DescribeCreateAccountStatus(ctx, &organizations.DescribeCreateAccountStatusInput{CreateAccountRequestId: aws.String("car-0123456789abcdef0123456789abcdef")})
	apiError(t, err, "CreateAccountStatusNotFoundException")
	statuses, err := org.ListCreateAccountStatus(ctx, &organizations.ListCreateAccountStatusInput{States: []orgtypes.CreateAccountState{orgtypes.CreateAccountStateSucceeded}})
	if err != nil || len(statuses.CreateAccountStatuses) != 2 {
		t.Fatalf("ListCreateAccountStatus: %+v %v", statuses, err)
	}

	attached, err := org.ListPoliciesForTarget(ctx, &organizations.ListPoliciesForTargetInput{TargetId: aws.String(owner), Filter: orgtypes.PolicyTypeResourceControlPolicy})
	if err != nil || len(attached.Policies) != 1 || aws.ToString(attached.Policies[0].Name) != "RCPFullAWSAccess" {
		t.Fatalf("a new account's RCPs: %+v %v", attached, err)
	}
	_, err = org.DetachPolicy(ctx, &organizations.DetachPolicyInput{PolicyId: aws.String("p-RCPFullAWSAccess"), TargetId: aws.String(owner)})
	apiError(t, err, "ConstraintViolationException")

	// ops (management account) administers both members through their
	// OrganizationAccountAccessRole.
	if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("ops")}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("ops"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")}); err != nil {
		t.Fatal(err)
	}
	k, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("ops")})
	if err != nil {
		t.Fatal(err)
	}
	opsSTS := sts.NewFromConfig(ts.config(aws.Credentials{AccessKeyID: aws.ToString(k.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(k.AccessKey.SecretAccessKey)}))
	adminIn := func(account string) *iam.Client {
		t.Helper()
		ar, err := opsSTS.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + account + ":role/OrganizationAccountAccessRole"), RoleSessionName: aws.String("ops")})
		if err != nil {
			t.Fatalf("ops into %s: %v", account, err)
		}
		return iam.NewFromConfig(ts.config(aws.Credentials{AccessKeyID: aws.ToString(ar.Credentials.AccessKeyId), SecretAccessKey: aws.ToString(ar.Credentials.SecretAccessKey), SessionToken: aws.ToString(ar.Credentials.SessionToken)}))
	}
	inPartner, inOwner := adminIn(partner), adminIn(owner)
	if _, err := inPartner.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bot")}); err != nil {
		t.Fatal(err)
	}
	if _, err := inPartner.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("bot"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")}); err != nil {
		t.Fatal(err)
	}
	bk, err := inPartner.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("bot")})
	if err != nil {
		t.Fatal(err)
	}
	bot := sts.NewFromConfig(ts.config(aws.Credentials{AccessKeyID: aws.ToString(bk.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(bk.AccessKey.SecretAccessKey)}))
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + partner + `:root"},"Action":"sts:AssumeRole"}]}`
	role, err := inOwner.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("partner-access"), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bot.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: role.Role.Arn, RoleSessionName: aws.String("before")}); err != nil {
		t.Fatalf("before the RCP: %v", err)
	}

	if _, err := org.AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: rcp.Policy.PolicySummary.Id, TargetId: aws.String(owner)}); err != nil {
		t.Fatal(err)
	}
	_, err = bot.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: role.Role.Arn, RoleSessionName: aws.String("after")})
	ae := apiError(t, err, "AccessDenied")
	if !strings.Contains(ae.ErrorMessage(), "with an explicit deny in a resource control policy") {
		t.Errorf("RCP denial message: %s", ae.ErrorMessage())
	}
	adminIn(owner) // the management account's principal is inside the perimeter
	// The RCP governs the owner account's resources only: the partner's own roles are untouched.
	adminIn(partner)

	pols, err := org.ListPolicies(ctx, &organizations.ListPoliciesInput{Filter: orgtypes.PolicyTypeResourceControlPolicy})
	if err != nil || len(pols.Policies) != 2 {
		t.Fatalf("ListPolicies(RCP): %+v %v", pols, err)
	}
	if _, err := org.DisablePolicyType(ctx, &organizations.DisablePolicyTypeInput{RootId: rootID, PolicyType: orgtypes.PolicyTypeResourceControlPolicy}); err != nil {
		t.Fatal(err)
	}
	if _, err := bot.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: role.Role.Arn, RoleSessionName: aws.String("disabled")}); err != nil {
		t.Fatalf("after DisablePolicyType: %v", err)
	}
	d, err := org.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	if err != nil || aws.ToString(d.Organization.Id) != aws.ToString(o.Organization.Id) {
		t.Fatalf("DescribeOrganization: %v %v", d, err)
	}

	// aws:PrincipalOrgID is the caller's organization.
	if _, err := inPartner.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("bot"), PolicyName: aws.String("org-only"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:ListUsers","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"` + aws.ToString(o.Organization.Id) + `"}}},
		  {"Effect":"Deny","Action":"iam:ListRoles","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"` + aws.ToString(o.Organization.Id) + `"}}}]}`)}); err != nil {
		t.Fatal(err)
	}
	botIAM := iam.NewFromConfig(ts.config(aws.Credentials{AccessKeyID: aws.ToString(bk.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(bk.AccessKey.SecretAccessKey)}))
	if _, err := botIAM.ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Errorf("ListUsers inside the organization: %v", err)
	}
	_, err = botIAM.ListRoles(ctx, &iam.ListRolesInput{})
	apiError(t, err, "AccessDenied")
}
