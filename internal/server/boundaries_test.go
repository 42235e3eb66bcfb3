package server_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// A permissions boundary caps what identity policies grant, and AWS's
// message names it.
func TestPermissionsBoundary(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	root := iam.NewFromConfig(ts.config(ts.Root))
	p, err := root.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("ListOnly"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:List*","Resource":"*"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("shirley"), PermissionsBoundary: aws.String("arn:aws:iam::" + ts.Account + ":policy/Nope")})
	apiError(t, err, "NoSuchEntity")
	if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("shirley"), PermissionsBoundary: p.Policy.Arn}); err != nil {
		t.Fatal(err)
	}
	u, err := root.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("shirley")})
	if err != nil || u.User.PermissionsBoundary == nil || aws.ToString(u.User.PermissionsBoundary.PermissionsBoundaryArn) != aws.ToString(p.Policy.Arn) {
		t.Fatalf("GetUser boundary: %+v %v", u, err)
	}
	if _, err := root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("shirley"), PolicyName: aws.String("All"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	k, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("shirley")})
	if err != nil {
		t.Fatal(err)
	}
	shirley := iam.NewFromConfig(ts.config(aws.Credentials{AccessKeyID: aws.ToString(k.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(k.AccessKey.SecretAccessKey)}))
	if _, err := shirley.ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Fatalf("allowed by both: %v", err)
	}
	_, err = shirley.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("x")})
	ae := apiError(t, err, "AccessDenied")
	if !strings.Contains(ae.ErrorMessage(), "because no permissions boundary allows the iam:CreateUser action") {
		t.Fatalf("boundary denial: %s", ae.ErrorMessage())
	}
	if _, err := root.DeleteUserPermissionsBoundary(ctx, &iam.DeleteUserPermissionsBoundaryInput{UserName: aws.String("shirley")}); err != nil {
		t.Fatal(err)
	}
	if _, err := shirley.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("x")}); err != nil {
		t.Fatalf("without the boundary: %v", err)
	}
	// An AWS managed policy as a role's boundary.
	if _, err := root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("capped"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + ts.Account + `:root"},"Action":"sts:AssumeRole"}]}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String("capped"), PermissionsBoundary: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}); err != nil {
		t.Fatal(err)
	}
	r, err := root.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("capped")})
	if err != nil || r.Role.PermissionsBoundary == nil {
		t.Fatalf("GetRole boundary: %+v %v", r, err)
	}
}
