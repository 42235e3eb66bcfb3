package server_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// AWS managed policies attach by their real ARNs and decide with their
// real documents.
func TestAWSManagedPolicies(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	root := iam.NewFromConfig(ts.config(ts.Root))
	if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("auditor")}); err != nil {
		t.Fatal(err)
	}
	k, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("auditor")})
	if err != nil {
		t.Fatal(err)
	}
	auditor := iam.NewFromConfig(ts.config(aws.Credentials{AccessKeyID: aws.ToString(k.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(k.AccessKey.SecretAccessKey)}))
	const ro = "arn:aws:iam::aws:policy/ReadOnlyAccess"
	gp, err := root.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(ro)})
	if err != nil || aws.ToString(gp.Policy.PolicyName) != "ReadOnlyAccess" || !strings.HasPrefix(aws.ToString(gp.Policy.DefaultVersionId), "v") {
		t.Fatalf("GetPolicy ReadOnlyAccess: %v %v", gp, err)
	}
	v, err := root.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(ro), VersionId: gp.Policy.DefaultVersionId})
	if err != nil {
		t.Fatal(err)
	}
	if doc, _ := url.QueryUnescape(aws.ToString(v.PolicyVersion.Document)); !strings.Contains(doc, "iam:List*") {
		t.Fatalf("ReadOnlyAccess document: %.200s", doc)
	}
	if _, err := root.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("auditor"), PolicyArn: aws.String(ro)}); err != nil {
		t.Fatal(err)
	}
	if _, err := auditor.ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Fatalf("ReadOnlyAccess allows iam:ListUsers: %v", err)
	}
	_, err = auditor.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("x")})
	apiError(t, err, "AccessDenied")
	_, err = root.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: aws.String(ro)})
	apiError(t, err, "UnmodifiableEntity")
	_, err = root.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("auditor"), PolicyArn: aws.String("arn:aws:iam::aws:policy/NoSuchThing")})
	apiError(t, err, "NoSuchEntity")
	ents, err := root.ListEntitiesForPolicy(ctx, &iam.ListEntitiesForPolicyInput{PolicyArn: aws.String(ro)})
	if err != nil || len(ents.PolicyUsers) != 1 || aws.ToString(ents.PolicyUsers[0].UserName) != "auditor" || len(ents.PolicyRoles) != 0 {
		t.Fatalf("ListEntitiesForPolicy: %+v %v", ents, err)
	}
	att, err := root.ListAttachedUserPolicies(ctx, &iam.ListAttachedUserPoliciesInput{UserName: aws.String("auditor")})
	if err != nil || len(att.AttachedPolicies) != 1 || aws.ToString(att.AttachedPolicies[0].PolicyName) != "ReadOnlyAccess" {
		t.Fatalf("ListAttachedUserPolicies: %v %v", att, err)
	}
}
