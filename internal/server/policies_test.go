package server_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// Inline and attached managed policies decide what a user may do, on the
// next call after they change, and explicit denies say so in AWS's words.
func TestUserPoliciesAreEnforced(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	root := iam.NewFromConfig(ts.config(ts.Root))
	if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("dave")}); err != nil {
		t.Fatal(err)
	}
	k, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("dave")})
	if err != nil {
		t.Fatal(err)
	}
	dave := iam.NewFromConfig(ts.config(aws.Credentials{AccessKeyID: aws.ToString(k.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(k.AccessKey.SecretAccessKey)}))
	_, err = dave.ListUsers(ctx, &iam.ListUsersInput{})
	apiError(t, err, "AccessDenied")

	allow := `{"Version":"2012-10-17","Statement":[{"Sid":"List","Effect":"Allow","Action":["iam:ListUsers","iam:GetUser"],"Resource":"*"}]}`
	if _, err := root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("dave"), PolicyName: aws.String("ListThem"), PolicyDocument: aws.String(allow)}); err != nil {
		t.Fatal(err)
	}
	if _, err := dave.ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Fatalf("ListUsers with an inline policy that allows it: %v", err)
	}
	got, err := root.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: aws.String("dave"), PolicyName: aws.String("ListThem")})
	if err != nil {
		t.Fatal(err)
	}
	if doc, _ := url.QueryUnescape(aws.ToString(got.PolicyDocument)); doc != allow || aws.ToString(got.PolicyDocument) == allow {
		t.Fatalf("GetUserPolicy must return the document URL-encoded, as IAM does: %q", aws.ToString(got.PolicyDocument))
	}
	names, err := root.ListUserPolicies(ctx, &iam.ListUserPoliciesInput{UserName: aws.String("dave")})
	if err != nil || len(names.PolicyNames) != 1 || names.PolicyNames[0] != "ListThem" {
		t.Fatalf("ListUserPolicies: %v %v", names, err)
	}

	// Bad documents: what and where.
	_, err = root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("dave"), PolicyName: aws.String("Bad"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"allow","Action":"s3:*","Resource":"*"}]}`)})
	if ae := apiError(t, err, "MalformedPolicyDocument"); !strings.Contains(ae.ErrorMessage(), "Statement[0].Effect") {
		t.Fatalf("message does not say where: %s", ae.ErrorMessage())
	}
	_, err = root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("dave"), PolicyName: aws.String("Big"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + strings.Repeat("b", 2100) + `"}]}`)})
	apiError(t, err, "LimitExceeded")

	// An explicit deny in an attached managed policy wins.
	deny := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:ListUsers","Resource":"*"}]}`
	p, err := root.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("NoListing"), PolicyDocument: aws.String(deny)})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(p.Policy.Arn)
	if arn != "arn:aws:iam::"+ts.Account+":policy/NoListing" || aws.ToString(p.Policy.DefaultVersionId) != "v1" {
		t.Fatalf("CreatePolicy: %+v", p.Policy)
	}
	_, err = root.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("nolisting"), PolicyDocument: aws.String(deny)})
	apiError(t, err, "EntityAlreadyExists")
	if _, err := root.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("dave"), PolicyArn: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	_, err = dave.ListUsers(ctx, &iam.ListUsersInput{})
	ae := apiError(t, err, "AccessDenied")
	if !strings.Contains(ae.ErrorMessage(), "with an explicit deny in an identity-based policy") {
		t.Fatalf("explicit deny message: %s", ae.ErrorMessage())
	}
	if _, err := dave.GetUser(ctx, &iam.GetUserInput{}); err != nil {
		t.Fatalf("GetUser is still allowed: %v", err)
	}
	att, err := root.ListAttachedUserPolicies(ctx, &iam.ListAttachedUserPoliciesInput{UserName: aws.String("dave")})
	if err != nil || len(att.AttachedPolicies) != 1 || aws.ToString(att.AttachedPolicies[0].PolicyArn) != arn {
		t.Fatalf("ListAttachedUserPolicies: %v %v", att, err)
	}
	gp, err := root.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(arn)})
	if err != nil || aws.ToInt32(gp.Policy.AttachmentCount) != 1 {
		t.Fatalf("GetPolicy: %v %v", gp, err)
	}
	v, err := root.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v1")})
	if err != nil || !v.PolicyVersion.IsDefaultVersion {
		t.Fatalf("GetPolicyVersion: %v %v", v, err)
	}
	_, err = root.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: aws.String(arn)})
	apiError(t, err, "DeleteConflict")
	_, err = root.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("dave"), PolicyArn: aws.String("arn:aws:iam::" + ts.Account + ":policy/Nope")})
	apiError(t, err, "NoSuchEntity")

	// Detached: the inline policy's allow applies again. Then clean up in
	// the order IAM requires.
	if _, err := root.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: aws.String("dave"), PolicyArn: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	if _, err := dave.ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Fatalf("ListUsers after the deny was detached: %v", err)
	}
	if _, err := root.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String("dave"), AccessKeyId: k.AccessKey.AccessKeyId}); err != nil {
		t.Fatal(err)
	}
	_, err = root.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("dave")})
	if ae := apiError(t, err, "DeleteConflict"); ae.ErrorMessage() != "Cannot delete entity, must delete policies first." {
		t.Fatalf("message %q", ae.ErrorMessage())
	}
	if _, err := root.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: aws.String("dave"), PolicyName: aws.String("ListThem")}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("dave")}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
}
