package server_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
)

// Session tags need sts:TagSession in the trust policy and become the
// session's principal tags; a source identity needs sts:SetSourceIdentity.
func TestSessionTagsAndSourceIdentity(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	root := iam.NewFromConfig(ts.config(ts.Root))
	if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("ci")}); err != nil {
		t.Fatal(err)
	}
	k, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("ci")})
	if err != nil {
		t.Fatal(err)
	}
	ci := sts.NewFromConfig(ts.config(aws.Credentials{AccessKeyID: aws.ToString(k.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(k.AccessKey.SecretAccessKey)}))
	mkRole := func(name, actions string) *string {
		t.Helper()
		trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + ts.Account + `:user/ci"},"Action":` + actions + `}]}`
		r, err := root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := root.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String("abac"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/project":"blue"}}}]}`)}); err != nil {
			t.Fatal(err)
		}
		return r.Role.Arn
	}
	tagging := mkRole("tagging", `["sts:AssumeRole","sts:TagSession","sts:SetSourceIdentity"]`)
	plain := mkRole("plain", `"sts:AssumeRole"`)
	blue := []ststypes.Tag{{Key: aws.String("project"), Value: aws.String("blue")}}

	_, err = ci.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: plain, RoleSessionName: aws.String("s1"), Tags: blue})
	apiError(t, err, "AccessDenied") // no sts:TagSession in the trust policy
	_, err = ci.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: plain, RoleSessionName: aws.String("s1"), SourceIdentity: aws.String("alice")})
	apiError(t, err, "AccessDenied") // no sts:SetSourceIdentity

	session := func(tags []ststypes.Tag) *iam.Client {
		t.Helper()
		out, err := ci.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: tagging, RoleSessionName: aws.String("s1"), Tags: tags, SourceIdentity: aws.String("alice")})
		if err != nil {
			t.Fatal(err)
		}
		return iam.NewFromConfig(ts.config(aws.Credentials{AccessKeyID: aws.ToString(out.Credentials.AccessKeyId), SecretAccessKey: aws.ToString(out.Credentials.SecretAccessKey), SessionToken: aws.ToString(out.Credentials.SessionToken)}))
	}
	if _, err := session(blue).ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Fatalf("session tagged project=blue: %v", err)
	}
	_, err = session([]ststypes.Tag{{Key: aws.String("project"), Value: aws.String("red")}}).ListUsers(ctx, &iam.ListUsersInput{})
	apiError(t, err, "AccessDenied")
}
