package server_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// The default version of a managed policy is the one that decides.
func TestPolicyVersions(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	root := iam.NewFromConfig(ts.config(ts.Root))
	doc := func(action string) *string {
		return aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"` + action + `","Resource":"*"}]}`)
	}
	p, err := root.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("Evolving"), PolicyDocument: doc("iam:GetUser")})
	if err != nil {
		t.Fatal(err)
	}
	arn := p.Policy.Arn
	if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("vera")}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("vera"), PolicyArn: arn}); err != nil {
		t.Fatal(err)
	}
	k, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("vera")})
	if err != nil {
		t.Fatal(err)
	}
	vera := iam.NewFromConfig(ts.config(aws.Credentials{AccessKeyID: aws.ToString(k.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(k.AccessKey.SecretAccessKey)}))
	_, err = vera.ListUsers(ctx, &iam.ListUsersInput{})
	apiError(t, err, "AccessDenied")

	v2, err := root.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: arn, PolicyDocument: doc("iam:ListUsers"), SetAsDefault: true})
	if err != nil || aws.ToString(v2.PolicyVersion.VersionId) != "v2" || !v2.PolicyVersion.IsDefaultVersion {
		t.Fatalf("CreatePolicyVersion: %+v %v", v2, err)
	}
	if _, err := vera.ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Fatalf("the new default version allows ListUsers: %v", err)
	}
	for i := 3; i <= 5; i++ {
		if _, err := root.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: arn, PolicyDocument: doc(fmt.Sprintf("iam:Get%d", i))}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = root.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: arn, PolicyDocument: doc("iam:Get6")})
	apiError(t, err, "LimitExceeded")
	_, err = root.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: arn, VersionId: aws.String("v2")})
	apiError(t, err, "DeleteConflict")
	if _, err := root.SetDefaultPolicyVersion(ctx, &iam.SetDefaultPolicyVersionInput{PolicyArn: arn, VersionId: aws.String("v1")}); err != nil {
		t.Fatal(err)
	}
	_, err = vera.ListUsers(ctx, &iam.ListUsersInput{})
	apiError(t, err, "AccessDenied")
	if _, err := root.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: arn, VersionId: aws.String("v2")}); err != nil {
		t.Fatal(err)
	}
	vs, err := root.ListPolicyVersions(ctx, &iam.ListPolicyVersionsInput{PolicyArn: arn})
	if err != nil || len(vs.Versions) != 4 {
		t.Fatalf("ListPolicyVersions: %v %v", vs, err)
	}
	local, err := root.ListPolicies(ctx, &iam.ListPoliciesInput{Scope: iamtypes.PolicyScopeTypeLocal})
	if err != nil || len(local.Policies) != 1 || aws.ToString(local.Policies[0].PolicyName) != "Evolving" {
		t.Fatalf("ListPolicies Local: %v %v", local, err)
	}
	awsPage, err := root.ListPolicies(ctx, &iam.ListPoliciesInput{Scope: iamtypes.PolicyScopeTypeAws, MaxItems: aws.Int32(100)})
	if err != nil || len(awsPage.Policies) != 100 || !awsPage.IsTruncated {
		t.Fatalf("ListPolicies AWS: %d %v", len(awsPage.Policies), err)
	}
	_, err = root.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess"), PolicyDocument: doc("s3:*")})
	apiError(t, err, "UnmodifiableEntity")
}
