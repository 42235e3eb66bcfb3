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

// The everyday Organizations flow: a member account administered through
// OrganizationAccountAccessRole, and SCPs that limit it (never the
// management account).
func TestOrganizationsAndSCPs(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	org := organizations.NewFromConfig(ts.config(ts.Root))
	root := iam.NewFromConfig(ts.config(ts.Root))
	o, err := org.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: orgtypes.OrganizationFeatureSetAll})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(o.Organization.MasterAccountId) != ts.Account || !strings.HasPrefix(aws.ToString(o.Organization.Id), "o-") {
		t.Fatalf("CreateOrganization: %+v", o.Organization)
	}
	_, err = org.CreateOrganization(ctx, &organizations.CreateOrganizationInput{})
	apiError(t, err, "AlreadyInOrganizationException")
	roots, err := org.ListRoots(ctx, &organizations.ListRootsInput{})
	if err != nil || len(roots.Roots) != 1 {
		t.Fatalf("ListRoots: %v %v", roots, err)
	}
	rootID := roots.Roots[0].Id
	if _, err := org.EnablePolicyType(ctx, &organizations.EnablePolicyTypeInput{RootId: rootID, PolicyType: orgtypes.PolicyTypeServiceControlPolicy}); err != nil {
		t.Fatal(err)
	}
	ca, err := org.CreateAccount(ctx, &organizations.CreateAccountInput{Email: aws.String("dev@example.com"), AccountName: aws.String("dev")})
	if err != nil || ca.CreateAccountStatus.State != orgtypes.CreateAccountStateSucceeded {
		t.Fatalf("CreateAccount: %+v %v", ca, err)
	}
	member := aws.ToString(ca.CreateAccountStatus.AccountId)
	accts, err := org.ListAccounts(ctx, &organizations.ListAccountsInput{})
	if err != nil || len(accts.Accounts) != 2 {
		t.Fatalf("ListAccounts: %v %v", accts, err)
	}

	// An administrator of the management account steps into the member account.
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
	ops := aws.Credentials{AccessKeyID: aws.ToString(k.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(k.AccessKey.SecretAccessKey)}
	ar, err := sts.NewFromConfig(ts.config(ops)).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::" + member + ":role/OrganizationAccountAccessRole"), RoleSessionName: aws.String("ops")})
	if err != nil {
		t.Fatal(err)
	}
	inMember := iam.NewFromConfig(ts.config(aws.Credentials{AccessKeyID: aws.ToString(ar.Credentials.AccessKeyId), SecretAccessKey: aws.ToString(ar.Credentials.SecretAccessKey), SessionToken: aws.ToString(ar.Credentials.SessionToken)}))
	u, err := inMember.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("app")})
	if err != nil || !strings.Contains(aws.ToString(u.User.Arn), ":"+member+":user/app") {
		t.Fatalf("CreateUser in the member account: %v %v", u, err)
	}

	// An SCP denying user creation, on an OU the account moves into.
	ou, err := org.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{ParentId: rootID, Name: aws.String("locked")})
	if err != nil {
		t.Fatal(err)
	}
	scp, err := org.CreatePolicy(ctx, &organizations.CreatePolicyInput{Name: aws.String("NoNewUsers"), Description: aws.String("x"), Type: orgtypes.PolicyTypeServiceControlPolicy,
		Content: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:CreateUser","Resource":"*"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := org.AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: scp.Policy.PolicySummary.Id, TargetId: ou.OrganizationalUnit.Id}); err != nil {
		t.Fatal(err)
	}
	if _, err := inMember.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("app2")}); err != nil {
		t.Fatalf("the account is not in the OU yet: %v", err)
	}
	if _, err := org.MoveAccount(ctx, &organizations.MoveAccountInput{AccountId: aws.String(member), SourceParentId: rootID, DestinationParentId: ou.OrganizationalUnit.Id}); err != nil {
		t.Fatal(err)
	}
	_, err = inMember.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("app3")})
	ae := apiError(t, err, "AccessDenied")
	if !strings.Contains(ae.ErrorMessage(), "with an explicit deny in a service control policy") {
		t.Fatalf("SCP denial: %s", ae.ErrorMessage())
	}
	// The simulator includes the account's SCPs and says whether they allowed.
	sim, err := inMember.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{PolicySourceArn: u.User.Arn, ActionNames: []string{"iam:CreateUser", "iam:ListUsers"}})
	if err != nil {
		t.Fatal(err)
	}
	if r := sim.EvaluationResults[0]; r.EvalDecision != "explicitDeny" || r.OrganizationsDecisionDetail == nil || r.OrganizationsDecisionDetail.AllowedByOrganizations {
		t.Errorf("simulated iam:CreateUser under the SCP: %s %+v", r.EvalDecision, r.OrganizationsDecisionDetail)
	}
	if r := sim.EvaluationResults[1]; r.EvalDecision != "implicitDeny" || r.OrganizationsDecisionDetail == nil || !r.OrganizationsDecisionDetail.AllowedByOrganizations {
		t.Errorf("simulated iam:ListUsers under FullAWSAccess: %s %+v", r.EvalDecision, r.OrganizationsDecisionDetail)
	}
	// An SCP at the root never limits the management account.
	if _, err := org.AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: scp.Policy.PolicySummary.Id, TargetId: rootID}); err != nil {
		t.Fatal(err)
	}
	if _, err := iam.NewFromConfig(ts.config(ops)).CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("mgmt-user")}); err != nil {
		t.Fatalf("management account under a root SCP: %v", err)
	}
	// Without FullAWSAccess on the account, nothing is allowed there.
	if _, err := org.DetachPolicy(ctx, &organizations.DetachPolicyInput{PolicyId: aws.String("p-FullAWSAccess"), TargetId: aws.String(member)}); err != nil {
		t.Fatal(err)
	}
	_, err = inMember.ListUsers(ctx, &iam.ListUsersInput{})
	apiError(t, err, "AccessDenied")
	pols, err := org.ListPoliciesForTarget(ctx, &organizations.ListPoliciesForTargetInput{TargetId: ou.OrganizationalUnit.Id, Filter: orgtypes.PolicyTypeServiceControlPolicy})
	if err != nil || len(pols.Policies) != 2 {
		t.Fatalf("ListPoliciesForTarget: %v %v", pols, err)
	}
	targets, err := org.ListTargetsForPolicy(ctx, &organizations.ListTargetsForPolicyInput{PolicyId: scp.Policy.PolicySummary.Id})
	if err != nil || len(targets.Targets) != 2 {
		t.Fatalf("ListTargetsForPolicy: %v %v", targets, err)
	}
	_, err = org.DeletePolicy(ctx, &organizations.DeletePolicyInput{PolicyId: scp.Policy.PolicySummary.Id})
	apiError(t, err, "PolicyInUseException")
	_, err = org.UpdatePolicy(ctx, &organizations.UpdatePolicyInput{PolicyId: scp.Policy.PolicySummary.Id, Content: aws.String(`{"Statement":[{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}]}`)})
	apiError(t, err, "MalformedPolicyDocumentException") // SCPs have no Principal
	if _, err := org.UpdatePolicy(ctx, &organizations.UpdatePolicyInput{PolicyId: scp.Policy.PolicySummary.Id,
		Content: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:DeleteUser","Resource":"*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	d, err := org.DescribePolicy(ctx, &organizations.DescribePolicyInput{PolicyId: scp.Policy.PolicySummary.Id})
	if err != nil || !strings.Contains(aws.ToString(d.Policy.Content), "iam:DeleteUser") {
		t.Fatalf("DescribePolicy after UpdatePolicy: %v %v", d, err)
	}
}
