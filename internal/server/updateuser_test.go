package server_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/moatdev/moat/internal/identity"
)

// UpdateUser renames a user and moves it to a new path; its keys, policies,
// groups and MFA device go with it, and its old name is free.
func TestUpdateUserRename(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	root := iam.NewFromConfig(ts.config(ts.Root))
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bob")}))
	must(root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("carol")}))
	must(root.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("devs")}))
	must(root.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("devs"), UserName: aws.String("bob")}))
	must(root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("bob"), PolicyName: aws.String("self"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}]}`)}))
	k, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("bob")})
	must(k, err)
	dev, err := root.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("bob")})
	must(dev, err)
	seed := string(dev.VirtualMFADevice.Base32StringSeed)
	c1, _ := identity.TOTP(seed, ts.Clock.now())
	c2, _ := identity.TOTP(seed, ts.Clock.now().Add(30*time.Second))
	must(root.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: aws.String("bob"), SerialNumber: dev.VirtualMFADevice.SerialNumber, AuthenticationCode1: aws.String(c1), AuthenticationCode2: aws.String(c2)}))

	_, err = root.UpdateUser(ctx, &iam.UpdateUserInput{UserName: aws.String("bob"), NewUserName: aws.String("CAROL")})
	apiError(t, err, "EntityAlreadyExists")
	_, err = root.UpdateUser(ctx, &iam.UpdateUserInput{UserName: aws.String("nobody"), NewUserName: aws.String("x")})
	apiError(t, err, "NoSuchEntity")
	_, err = root.UpdateUser(ctx, &iam.UpdateUserInput{UserName: aws.String("bob"), NewUserName: aws.String("bad name!")})
	apiError(t, err, "ValidationError")
	_, err = root.UpdateUser(ctx, &iam.UpdateUserInput{UserName: aws.String("bob"), NewPath: aws.String("no-slashes")})
	apiError(t, err, "ValidationError")

	must(root.UpdateUser(ctx, &iam.UpdateUserInput{UserName: aws.String("bob"), NewUserName: aws.String("robert"), NewPath: aws.String("/eng/")}))

	_, err = root.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("bob")})
	apiError(t, err, "NoSuchEntity")
	u, err := root.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("robert")})
	must(u, err)
	if got, want := aws.ToString(u.User.Arn), "arn:aws:iam::"+ts.Account+":user/eng/robert"; got != want {
		t.Errorf("renamed user's ARN = %s, want %s", got, want)
	}
	// The key keeps working and now signs as robert; the inline policy went along.
	bob := aws.Credentials{AccessKeyID: aws.ToString(k.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(k.AccessKey.SecretAccessKey)}
	id, err := sts.NewFromConfig(ts.config(bob)).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	must(id, err)
	if !strings.HasSuffix(aws.ToString(id.Arn), ":user/eng/robert") {
		t.Errorf("caller after rename = %s", aws.ToString(id.Arn))
	}
	must(iam.NewFromConfig(ts.config(bob)).GetUser(ctx, &iam.GetUserInput{}))
	keys, err := root.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String("robert")})
	must(keys, err)
	if len(keys.AccessKeyMetadata) != 1 || aws.ToString(keys.AccessKeyMetadata[0].UserName) != "robert" {
		t.Errorf("ListAccessKeys(robert) = %+v", keys.AccessKeyMetadata)
	}
	groups, err := root.ListGroupsForUser(ctx, &iam.ListGroupsForUserInput{UserName: aws.String("robert")})
	must(groups, err)
	if len(groups.Groups) != 1 {
		t.Errorf("ListGroupsForUser(robert) = %d groups, want 1", len(groups.Groups))
	}
	g, err := root.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String("devs")})
	must(g, err)
	if len(g.Users) != 1 || aws.ToString(g.Users[0].UserName) != "robert" {
		t.Errorf("GetGroup(devs) users = %+v", g.Users)
	}
	devs, err := root.ListMFADevices(ctx, &iam.ListMFADevicesInput{UserName: aws.String("robert")})
	must(devs, err)
	if len(devs.MFADevices) != 1 {
		t.Errorf("ListMFADevices(robert) = %d, want 1", len(devs.MFADevices))
	}
	// The old name is free again.
	must(root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bob")}))

	// DeleteUser refuses while an MFA device is enabled, as AWS.
	must(root.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String("robert"), AccessKeyId: k.AccessKey.AccessKeyId}))
	must(root.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: aws.String("robert"), PolicyName: aws.String("self")}))
	must(root.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{GroupName: aws.String("devs"), UserName: aws.String("robert")}))
	_, err = root.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("robert")})
	apiError(t, err, "DeleteConflict")
	must(root.DeactivateMFADevice(ctx, &iam.DeactivateMFADeviceInput{UserName: aws.String("robert"), SerialNumber: dev.VirtualMFADevice.SerialNumber}))
	must(root.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("robert")}))
}

// ResyncMFADevice: a device whose clock runs four minutes ahead is refused
// until two consecutive codes resynchronise it.
func TestMFAResync(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	root := iam.NewFromConfig(ts.config(ts.Root))
	if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("dana")}); err != nil {
		t.Fatal(err)
	}
	dev, err := root.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("dana")})
	if err != nil {
		t.Fatal(err)
	}
	seed, serial := string(dev.VirtualMFADevice.Base32StringSeed), dev.VirtualMFADevice.SerialNumber
	now := ts.Clock.now()
	c1, _ := identity.TOTP(seed, now)
	c2, _ := identity.TOTP(seed, now.Add(30*time.Second))
	if _, err := root.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: aws.String("dana"), SerialNumber: serial, AuthenticationCode1: aws.String(c1), AuthenticationCode2: aws.String(c2)}); err != nil {
		t.Fatal(err)
	}
	k, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("dana")})
	if err != nil {
		t.Fatal(err)
	}
	dana := sts.NewFromConfig(ts.config(aws.Credentials{AccessKeyID: aws.ToString(k.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(k.AccessKey.SecretAccessKey)}))

	ts.Clock.set(2 * time.Minute)
	defer ts.Clock.set(0)
	ahead := func(d time.Duration) string {
		c, _ := identity.TOTP(seed, ts.Clock.now().Add(4*time.Minute+d))
		return c
	}
	_, err = dana.GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: serial, TokenCode: aws.String(ahead(0))})
	apiError(t, err, "AccessDenied")

	_, err = root.ResyncMFADevice(ctx, &iam.ResyncMFADeviceInput{UserName: aws.String("dana"), SerialNumber: serial, AuthenticationCode1: aws.String(ahead(0)), AuthenticationCode2: aws.String(ahead(0))})
	apiError(t, err, "InvalidAuthenticationCode") // the same code twice is not two consecutive codes
	_, err = root.ResyncMFADevice(ctx, &iam.ResyncMFADeviceInput{UserName: aws.String("nobody"), SerialNumber: serial, AuthenticationCode1: aws.String(ahead(0)), AuthenticationCode2: aws.String(ahead(30 * time.Second))})
	apiError(t, err, "NoSuchEntity")
	if _, err := root.ResyncMFADevice(ctx, &iam.ResyncMFADeviceInput{UserName: aws.String("dana"), SerialNumber: serial, AuthenticationCode1: aws.String(ahead(-30 * time.Second)), AuthenticationCode2: aws.String(ahead(0))}); err != nil {
		t.Fatal(err)
	}
	ts.Clock.set(3 * time.Minute)
	if _, err := dana.GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: serial, TokenCode: aws.String(ahead(0))}); err != nil {
		t.Fatalf("GetSessionToken after resync: %v", err)
	}
}
