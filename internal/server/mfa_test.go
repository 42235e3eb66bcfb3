package server_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/moatdev/moat/internal/identity"
)

// A virtual MFA device enabled with two consecutive TOTP codes; a role whose
// trust policy requires MFA is assumed with --serial-number/--token-code and
// refused without; a code is accepted once.
func TestMFA(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	root := iam.NewFromConfig(ts.config(ts.Root))
	if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("admin")}); err != nil {
		t.Fatal(err)
	}
	dev, err := root.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("admin")})
	if err != nil {
		t.Fatal(err)
	}
	seed, serial := string(dev.VirtualMFADevice.Base32StringSeed), dev.VirtualMFADevice.SerialNumber
	now := ts.Clock.now()
	c1, _ := identity.TOTP(seed, now)
	c2, _ := identity.TOTP(seed, now.Add(30*time.Second))
	_, err = root.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: aws.String("admin"), SerialNumber: serial, AuthenticationCode1: aws.String(c1), AuthenticationCode2: aws.String("000000")})
	apiError(t, err, "InvalidAuthenticationCode")
	if _, err := root.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: aws.String("admin"), SerialNumber: serial, AuthenticationCode1: aws.String(c1), AuthenticationCode2: aws.String(c2)}); err != nil {
		t.Fatal(err)
	}
	devs, err := root.ListMFADevices(ctx, &iam.ListMFADevicesInput{UserName: aws.String("admin")})
	if err != nil || len(devs.MFADevices) != 1 {
		t.Fatalf("ListMFADevices: %v %v", devs, err)
	}
	k, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("admin")})
	if err != nil {
		t.Fatal(err)
	}
	admin := aws.Credentials{AccessKeyID: aws.ToString(k.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(k.AccessKey.SecretAccessKey)}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + ts.Account + `:user/admin"},"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`
	r, err := root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("breakglass"), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		t.Fatal(err)
	}
	stsAdmin := sts.NewFromConfig(ts.config(admin))
	_, err = stsAdmin.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: r.Role.Arn, RoleSessionName: aws.String("no-mfa")})
	apiError(t, err, "AccessDenied")

	ts.Clock.set(60 * time.Second) // past the steps the enabling codes used
	defer ts.Clock.set(0)
	code, _ := identity.TOTP(seed, ts.Clock.now())
	_, err = stsAdmin.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: r.Role.Arn, RoleSessionName: aws.String("bad"), SerialNumber: serial, TokenCode: aws.String("123456")})
	apiError(t, err, "AccessDenied")
	if _, err := stsAdmin.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: r.Role.Arn, RoleSessionName: aws.String("mfa"), SerialNumber: serial, TokenCode: aws.String(code)}); err != nil {
		t.Fatalf("AssumeRole with MFA: %v", err)
	}
	_, err = stsAdmin.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: r.Role.Arn, RoleSessionName: aws.String("replay"), SerialNumber: serial, TokenCode: aws.String(code)})
	apiError(t, err, "AccessDenied") // the same code twice

	// GetSessionToken with MFA gives a session that counts as MFA.
	ts.Clock.set(120 * time.Second)
	code, _ = identity.TOTP(seed, ts.Clock.now())
	tok, err := stsAdmin.GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: serial, TokenCode: aws.String(code)})
	if err != nil {
		t.Fatal(err)
	}
	sess := aws.Credentials{AccessKeyID: aws.ToString(tok.Credentials.AccessKeyId), SecretAccessKey: aws.ToString(tok.Credentials.SecretAccessKey), SessionToken: aws.ToString(tok.Credentials.SessionToken)}
	if _, err := sts.NewFromConfig(ts.config(sess)).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: r.Role.Arn, RoleSessionName: aws.String("from-mfa-session")}); err != nil {
		t.Fatalf("AssumeRole from an MFA session: %v", err)
	}
	_, err = root.DeleteVirtualMFADevice(ctx, &iam.DeleteVirtualMFADeviceInput{SerialNumber: serial})
	apiError(t, err, "DeleteConflict")
	if _, err := root.DeactivateMFADevice(ctx, &iam.DeactivateMFADeviceInput{UserName: aws.String("admin"), SerialNumber: serial}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.DeleteVirtualMFADevice(ctx, &iam.DeleteVirtualMFADeviceInput{SerialNumber: serial}); err != nil {
		t.Fatal(err)
	}
}
