package server_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

func TestInstanceProfiles(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	root := iam.NewFromConfig(ts.config(ts.Root))
	if _, err := root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("web"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)}); err != nil {
		t.Fatal(err)
	}
	p, err := root.CreateInstanceProfile(ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String("web-profile")})
	if err != nil || aws.ToString(p.InstanceProfile.Arn) != "arn:aws:iam::"+ts.Account+":instance-profile/web-profile" {
		t.Fatalf("CreateInstanceProfile: %v %v", p, err)
	}
	if _, err := root.AddRoleToInstanceProfile(ctx, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("web-profile"), RoleName: aws.String("web")}); err != nil {
		t.Fatal(err)
	}
	_, err = root.AddRoleToInstanceProfile(ctx, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("web-profile"), RoleName: aws.String("web")})
	apiError(t, err, "LimitExceeded") // one role per profile
	got, err := root.GetInstanceProfile(ctx, &iam.GetInstanceProfileInput{InstanceProfileName: aws.String("web-profile")})
	if err != nil || len(got.InstanceProfile.Roles) != 1 {
		t.Fatalf("GetInstanceProfile: %v %v", got, err)
	}
	forRole, err := root.ListInstanceProfilesForRole(ctx, &iam.ListInstanceProfilesForRoleInput{RoleName: aws.String("web")})
	if err != nil || len(forRole.InstanceProfiles) != 1 {
		t.Fatalf("ListInstanceProfilesForRole: %v %v", forRole, err)
	}
	_, err = root.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("web")})
	apiError(t, err, "DeleteConflict")
	_, err = root.DeleteInstanceProfile(ctx, &iam.DeleteInstanceProfileInput{InstanceProfileName: aws.String("web-profile")})
	apiError(t, err, "DeleteConflict")
	if _, err := root.RemoveRoleFromInstanceProfile(ctx, &iam.RemoveRoleFromInstanceProfileInput{InstanceProfileName: aws.String("web-profile"), RoleName: aws.String("web")}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.DeleteInstanceProfile(ctx, &iam.DeleteInstanceProfileInput{InstanceProfileName: aws.String("web-profile")}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("web")}); err != nil {
		t.Fatal(err)
	}
}

func TestAccountSummaryAndUpdateRole(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	root := iam.NewFromConfig(ts.config(ts.Root))
	for _, n := range []string{"a", "b"} {
		if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(n)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)}); err != nil {
		t.Fatal(err)
	}
	s, err := root.GetAccountSummary(ctx, &iam.GetAccountSummaryInput{})
	if err != nil || s.SummaryMap["Users"] != 2 || s.SummaryMap["Roles"] != 1 || s.SummaryMap["AccountAccessKeysPresent"] != 1 || s.SummaryMap["UsersQuota"] != 5000 {
		t.Fatalf("GetAccountSummary: %v %v", s, err)
	}
	_, err = root.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: aws.String("r"), MaxSessionDuration: aws.Int32(100)})
	apiError(t, err, "ValidationError")
	if _, err := root.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: aws.String("r"), MaxSessionDuration: aws.Int32(7200), Description: aws.String("longer")}); err != nil {
		t.Fatal(err)
	}
	r, err := root.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("r")})
	if err != nil || aws.ToInt32(r.Role.MaxSessionDuration) != 7200 || aws.ToString(r.Role.Description) != "longer" {
		t.Fatalf("GetRole after UpdateRole: %+v %v", r, err)
	}
}

// The credential report is AWS's CSV: the root row first, then each user.
func TestCredentialReport(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	root := iam.NewFromConfig(ts.config(ts.Root))
	_, err := root.GetCredentialReport(ctx, &iam.GetCredentialReportInput{})
	apiError(t, err, "ReportNotPresent")
	if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("rep")}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("rep")}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.GenerateCredentialReport(ctx, &iam.GenerateCredentialReportInput{}); err != nil {
		t.Fatal(err)
	}
	r, err := root.GetCredentialReport(ctx, &iam.GetCredentialReportInput{})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(r.Content)).ReadAll()
	if err != nil {
		t.Fatalf("report is not CSV: %v\n%s", err, r.Content)
	}
	if len(rows) != 3 || rows[0][0] != "user" || len(rows[0]) != 22 || rows[1][0] != "<root_account>" || rows[2][0] != "rep" || rows[2][8] != "true" || rows[2][13] != "false" {
		t.Fatalf("report rows: %q", rows)
	}
}
