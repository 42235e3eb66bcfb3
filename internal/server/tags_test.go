package server_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// ABAC: a user may act only while its tags say so, and may create users
// only with the tags the policy allows.
func TestPrincipalAndRequestTags(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	root := iam.NewFromConfig(ts.config(ts.Root))
	if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("dev1"), Tags: []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String("blue")}}}); err != nil {
		t.Fatal(err)
	}
	doc := `{"Version":"2012-10-17","Statement":[
	  {"Effect":"Allow","Action":"iam:ListUsers","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"blue"}}},
	  {"Effect":"Allow","Action":["iam:CreateUser","iam:TagUser"],"Resource":"*","Condition":{"StringEquals":{"aws:RequestTag/team":"${aws:PrincipalTag/team}"},"ForAllValues:StringEquals":{"aws:TagKeys":["team"]}}}]}`
	if _, err := root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("dev1"), PolicyName: aws.String("abac"), PolicyDocument: aws.String(doc)}); err != nil {
		t.Fatal(err)
	}
	k, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("dev1")})
	if err != nil {
		t.Fatal(err)
	}
	dev := iam.NewFromConfig(ts.config(aws.Credentials{AccessKeyID: aws.ToString(k.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(k.AccessKey.SecretAccessKey)}))
	if _, err := dev.ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Fatalf("team blue may list: %v", err)
	}
	if _, err := dev.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("dev2"), Tags: []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String("blue")}}}); err != nil {
		t.Fatalf("creating a blue user: %v", err)
	}
	_, err = dev.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("dev3"), Tags: []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String("red")}}})
	apiError(t, err, "AccessDenied")
	_, err = dev.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("dev4"), Tags: []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String("blue")}, {Key: aws.String("cost"), Value: aws.String("x")}}})
	apiError(t, err, "AccessDenied")
	tags, err := root.ListUserTags(ctx, &iam.ListUserTagsInput{UserName: aws.String("dev2")})
	if err != nil || len(tags.Tags) != 1 {
		t.Fatalf("ListUserTags: %v %v", tags, err)
	}
	// Retagged: the next call sees the new principal tag.
	if _, err := root.TagUser(ctx, &iam.TagUserInput{UserName: aws.String("dev1"), Tags: []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String("red")}}}); err != nil {
		t.Fatal(err)
	}
	_, err = dev.ListUsers(ctx, &iam.ListUsersInput{})
	apiError(t, err, "AccessDenied")
	if _, err := root.UntagUser(ctx, &iam.UntagUserInput{UserName: aws.String("dev1"), TagKeys: []string{"team"}}); err != nil {
		t.Fatal(err)
	}
	tags, err = root.ListUserTags(ctx, &iam.ListUserTagsInput{UserName: aws.String("dev1")})
	if err != nil || len(tags.Tags) != 0 {
		t.Fatalf("after UntagUser: %v %v", tags, err)
	}
}

// aws:ResourceTag on IAM users: a user may manage only users of its team.
func TestResourceTagsOnIAMUsers(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	root := iam.NewFromConfig(ts.config(ts.Root))
	for name, team := range map[string]string{"lead": "blue", "blue1": "blue", "red1": "red"} {
		if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name), Tags: []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String(team)}}}); err != nil {
			t.Fatal(err)
		}
	}
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}}]}`
	if _, err := root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("lead"), PolicyName: aws.String("team"), PolicyDocument: aws.String(doc)}); err != nil {
		t.Fatal(err)
	}
	k, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("lead")})
	if err != nil {
		t.Fatal(err)
	}
	lead := iam.NewFromConfig(ts.config(aws.Credentials{AccessKeyID: aws.ToString(k.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(k.AccessKey.SecretAccessKey)}))
	if _, err := lead.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("blue1")}); err != nil {
		t.Fatalf("same team: %v", err)
	}
	_, err = lead.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("red1")})
	apiError(t, err, "AccessDenied")
}

// Customer managed policies carry tags (CreatePolicy Tags, TagPolicy,
// UntagPolicy, ListPolicyTags), GetPolicy returns them, and they are the
// aws:ResourceTag of calls on the policy.
func TestPolicyTags(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	root := iam.NewFromConfig(ts.config(ts.Root))
	doc := aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)
	blue, err := root.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("blue-read"), PolicyDocument: doc,
		Tags: []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String("blue")}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(blue.Policy.Tags) != 1 || aws.ToString(blue.Policy.Tags[0].Value) != "blue" {
		t.Errorf("CreatePolicy returned tags %+v", blue.Policy.Tags)
	}
	red, err := root.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("red-read"), PolicyDocument: doc})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := root.TagPolicy(ctx, &iam.TagPolicyInput{PolicyArn: red.Policy.Arn, Tags: []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String("red")}, {Key: aws.String("cost"), Value: aws.String("42")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.UntagPolicy(ctx, &iam.UntagPolicyInput{PolicyArn: red.Policy.Arn, TagKeys: []string{"COST"}}); err != nil {
		t.Fatal(err)
	}
	tags, err := root.ListPolicyTags(ctx, &iam.ListPolicyTagsInput{PolicyArn: red.Policy.Arn})
	if err != nil || len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Key) != "team" {
		t.Fatalf("ListPolicyTags after untag: %+v %v", tags, err)
	}
	got, err := root.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: red.Policy.Arn})
	if err != nil || len(got.Policy.Tags) != 1 || aws.ToString(got.Policy.Tags[0].Value) != "red" {
		t.Fatalf("GetPolicy tags: %+v %v", got, err)
	}
	_, err = root.ListPolicyTags(ctx, &iam.ListPolicyTagsInput{PolicyArn: aws.String("arn:aws:iam::" + ts.Account + ":policy/nope")})
	apiError(t, err, "NoSuchEntity")

	// ABAC on policies: a user may read only blue-tagged policies.
	if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("reader")}); err != nil {
		t.Fatal(err)
	}
	abac := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetPolicy","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/team":"blue"}}}]}`
	if _, err := root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("reader"), PolicyName: aws.String("abac"), PolicyDocument: aws.String(abac)}); err != nil {
		t.Fatal(err)
	}
	k, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("reader")})
	if err != nil {
		t.Fatal(err)
	}
	reader := iam.NewFromConfig(ts.config(aws.Credentials{AccessKeyID: aws.ToString(k.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(k.AccessKey.SecretAccessKey)}))
	if _, err := reader.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: blue.Policy.Arn}); err != nil {
		t.Errorf("GetPolicy on a blue policy: %v", err)
	}
	_, err = reader.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: red.Policy.Arn})
	apiError(t, err, "AccessDenied")
}
