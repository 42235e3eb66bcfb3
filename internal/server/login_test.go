package server_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// Console passwords follow the account's password policy (or AWS's default)
// and are never returned.
func TestLoginProfilesAndPasswordPolicy(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	root := iam.NewFromConfig(ts.config(ts.Root))
	if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("web")}); err != nil {
		t.Fatal(err)
	}
	_, err := root.GetAccountPasswordPolicy(ctx, &iam.GetAccountPasswordPolicyInput{})
	apiError(t, err, "NoSuchEntity")
	_, err = root.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: aws.String("web"), Password: aws.String("short")})
	apiError(t, err, "PasswordPolicyViolation") // AWS's default policy
	if _, err := root.UpdateAccountPasswordPolicy(ctx, &iam.UpdateAccountPasswordPolicyInput{MinimumPasswordLength: aws.Int32(14), RequireSymbols: true}); err != nil {
		t.Fatal(err)
	}
	_, err = root.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: aws.String("web"), Password: aws.String("Correct-Horse")})
	if ae := apiError(t, err, "PasswordPolicyViolation"); ae.ErrorMessage() != "Password should have a minimum length of 14" {
		t.Fatalf("message %q", ae.ErrorMessage())
	}
	lp, err := root.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: aws.String("web"), Password: aws.String("Correct-Horse-Battery"), PasswordResetRequired: true})
	if err != nil || !lp.LoginProfile.PasswordResetRequired {
		t.Fatalf("CreateLoginProfile: %v %v", lp, err)
	}
	_, err = root.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: aws.String("web"), Password: aws.String("Correct-Horse-Battery")})
	apiError(t, err, "EntityAlreadyExists")
	pp, err := root.GetAccountPasswordPolicy(ctx, &iam.GetAccountPasswordPolicyInput{})
	if err != nil || aws.ToInt32(pp.PasswordPolicy.MinimumPasswordLength) != 14 || !pp.PasswordPolicy.RequireSymbols {
		t.Fatalf("GetAccountPasswordPolicy: %+v %v", pp, err)
	}
	_, err = root.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("web")})
	if ae := apiError(t, err, "DeleteConflict"); !strings.Contains(ae.ErrorMessage(), "login profile") {
		t.Fatalf("message %q", ae.ErrorMessage())
	}
	if _, err := root.DeleteLoginProfile(ctx, &iam.DeleteLoginProfileInput{UserName: aws.String("web")}); err != nil {
		t.Fatal(err)
	}
	_, err = root.GetLoginProfile(ctx, &iam.GetLoginProfileInput{UserName: aws.String("web")})
	apiError(t, err, "NoSuchEntity")
	if _, err := root.DeleteAccountPasswordPolicy(ctx, &iam.DeleteAccountPasswordPolicyInput{}); err != nil {
		t.Fatal(err)
	}
}
