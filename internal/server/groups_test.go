package server_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// A user may do what its groups' policies allow, from the call after it
// joins until the call after it leaves.
func TestGroupPoliciesApplyToMembers(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	root := iam.NewFromConfig(ts.config(ts.Root))
	if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("erin")}); err != nil {
		t.Fatal(err)
	}
	k, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("erin")})
	if err != nil {
		t.Fatal(err)
	}
	erin := iam.NewFromConfig(ts.config(aws.Credentials{AccessKeyID: aws.ToString(k.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(k.AccessKey.SecretAccessKey)}))
	g, err := root.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("readers"), Path: aws.String("/team/")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(g.Group.Arn) != "arn:aws:iam::"+ts.Account+":group/team/readers" {
		t.Fatalf("CreateGroup: %+v", g.Group)
	}
	_, err = root.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("READERS")})
	apiError(t, err, "EntityAlreadyExists")
	if _, err := root.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: aws.String("readers"), PolicyName: aws.String("List"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:List*","Resource":"*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	_, err = erin.ListGroups(ctx, &iam.ListGroupsInput{})
	apiError(t, err, "AccessDenied")
	if _, err := root.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("readers"), UserName: aws.String("erin")}); err != nil {
		t.Fatal(err)
	}
	gl, err := erin.ListGroups(ctx, &iam.ListGroupsInput{})
	if err != nil || len(gl.Groups) != 1 {
		t.Fatalf("ListGroups as a member: %v %v", gl, err)
	}
	gg, err := root.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String("readers")})
	if err != nil || len(gg.Users) != 1 || aws.ToString(gg.Users[0].UserName) != "erin" {
		t.Fatalf("GetGroup: %v %v", gg, err)
	}
	fu, err := root.ListGroupsForUser(ctx, &iam.ListGroupsForUserInput{UserName: aws.String("erin")})
	if err != nil || len(fu.Groups) != 1 {
		t.Fatalf("ListGroupsForUser: %v %v", fu, err)
	}
	_, err = root.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String("readers")})
	apiError(t, err, "DeleteConflict")
	if _, err := root.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{GroupName: aws.String("readers"), UserName: aws.String("erin")}); err != nil {
		t.Fatal(err)
	}
	_, err = erin.ListGroups(ctx, &iam.ListGroupsInput{})
	apiError(t, err, "AccessDenied")
	if _, err := root.DeleteGroupPolicy(ctx, &iam.DeleteGroupPolicyInput{GroupName: aws.String("readers"), PolicyName: aws.String("List")}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String("readers")}); err != nil {
		t.Fatal(err)
	}
}
