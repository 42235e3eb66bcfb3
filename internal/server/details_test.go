package server_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// GetAccountAuthorizationDetails exports users, groups, roles and the
// managed policies in use, with their documents, page by page.
func TestGetAccountAuthorizationDetails(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	root := iam.NewFromConfig(ts.config(ts.Root))
	steps := []func() error{
		func() error {
			_, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("u1")})
			return err
		},
		func() error {
			_, err := root.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("g1")})
			return err
		},
		func() error {
			_, err := root.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("g1"), UserName: aws.String("u1")})
			return err
		},
		func() error {
			_, err := root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r1"), AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)})
			return err
		},
		func() error {
			_, err := root.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("r1"), PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")})
			return err
		},
		func() error {
			_, err := root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("u1"), PolicyName: aws.String("p"), PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)})
			return err
		},
	}
	for i, s := range steps {
		if err := s(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	var users, groups, roles, policies int
	pages := 0
	p := iam.NewGetAccountAuthorizationDetailsPaginator(root, &iam.GetAccountAuthorizationDetailsInput{MaxItems: aws.Int32(1)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, u := range out.UserDetailList {
			users++
			if len(u.GroupList) != 1 || len(u.UserPolicyList) != 1 {
				t.Fatalf("user detail: %+v", u)
			}
		}
		groups += len(out.GroupDetailList)
		roles += len(out.RoleDetailList)
		policies += len(out.Policies)
	}
	if users != 1 || groups != 1 || roles != 1 || policies != 1 || pages != 4 {
		t.Fatalf("users %d groups %d roles %d policies %d in %d pages", users, groups, roles, policies, pages)
	}
	only, err := root.GetAccountAuthorizationDetails(ctx, &iam.GetAccountAuthorizationDetailsInput{Filter: []iamtypes.EntityType{iamtypes.EntityTypeRole}})
	if err != nil || len(only.RoleDetailList) != 1 || len(only.UserDetailList) != 0 || len(only.RoleDetailList[0].AttachedManagedPolicies) != 1 {
		t.Fatalf("Filter Role: %+v %v", only, err)
	}
}
