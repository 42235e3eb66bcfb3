package server_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// An inactive key stops working until it is made active again, and IAM
// says when and where a key was last used.
func TestAccessKeyStatusAndLastUsed(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	root := iam.NewFromConfig(ts.config(ts.Root))
	if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("kim")}); err != nil {
		t.Fatal(err)
	}
	k, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("kim")})
	if err != nil {
		t.Fatal(err)
	}
	id := k.AccessKey.AccessKeyId
	lu, err := root.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: id})
	if err != nil || aws.ToString(lu.AccessKeyLastUsed.ServiceName) != "N/A" || lu.AccessKeyLastUsed.LastUsedDate != nil {
		t.Fatalf("never used: %+v %v", lu, err)
	}
	kim := sts.NewFromConfig(ts.config(aws.Credentials{AccessKeyID: aws.ToString(id), SecretAccessKey: aws.ToString(k.AccessKey.SecretAccessKey)}))
	if _, err := kim.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatal(err)
	}
	lu, err = root.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: id})
	if err != nil || aws.ToString(lu.AccessKeyLastUsed.ServiceName) != "sts" || aws.ToString(lu.AccessKeyLastUsed.Region) != "us-east-1" || lu.AccessKeyLastUsed.LastUsedDate == nil || aws.ToString(lu.UserName) != "kim" {
		t.Fatalf("after a call: %+v %v", lu.AccessKeyLastUsed, err)
	}
	if _, err := root.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String("kim"), AccessKeyId: id, Status: iamtypes.StatusTypeInactive}); err != nil {
		t.Fatal(err)
	}
	_, err = kim.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	apiError(t, err, "InvalidClientTokenId")
	if _, err := root.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String("kim"), AccessKeyId: id, Status: iamtypes.StatusTypeActive}); err != nil {
		t.Fatal(err)
	}
	if _, err := kim.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("active again: %v", err)
	}
	_, err = root.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String("kim"), AccessKeyId: aws.String("AKIANOTAKEY000000000"), Status: iamtypes.StatusTypeActive})
	apiError(t, err, "NoSuchEntity")
}
