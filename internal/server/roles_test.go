package server_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// A role's trust policy decides who may assume it; the session acts with the
// role's policies, is named as AWS names it, and is recorded as AssumedRole.
func TestAssumeRole(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	root := iam.NewFromConfig(ts.config(ts.Root))
	user := func(name string) aws.Credentials {
		t.Helper()
		if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
			t.Fatal(err)
		}
		k, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		return aws.Credentials{AccessKeyID: aws.ToString(k.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(k.AccessKey.SecretAccessKey)}
	}
	alice, bob := user("alice"), user("bob")
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + ts.Account + `:user/alice"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"ticket-42"}}}]}`
	r, err := root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("deployer"), Path: aws.String("/ci/"), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		t.Fatal(err)
	}
	roleARN := aws.ToString(r.Role.Arn)
	if roleARN != "arn:aws:iam::"+ts.Account+":role/ci/deployer" || !strings.HasPrefix(aws.ToString(r.Role.RoleId), "AROA") {
		t.Fatalf("CreateRole: %+v", r.Role)
	}
	_, err = root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("bad"), AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}`)})
	apiError(t, err, "MalformedPolicyDocument") // a trust policy needs a Principal
	if _, err := root.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("deployer"), PolicyName: aws.String("ListUsers"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}]}`)}); err != nil {
		t.Fatal(err)
	}

	assume := func(c aws.Credentials, externalID string) (*sts.AssumeRoleOutput, error) {
		in := &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("build-7")}
		if externalID != "" {
			in.ExternalId = aws.String(externalID)
		}
		return sts.NewFromConfig(ts.config(c)).AssumeRole(ctx, in)
	}
	_, err = assume(bob, "ticket-42")
	ae := apiError(t, err, "AccessDenied")
	if !strings.Contains(ae.ErrorMessage(), "is not authorized to perform: sts:AssumeRole on resource: "+roleARN) {
		t.Fatalf("bob: %s", ae.ErrorMessage())
	}
	_, err = assume(alice, "wrong")
	apiError(t, err, "AccessDenied")
	_, err = assume(ts.Root, "ticket-42")
	apiError(t, err, "AccessDenied")
	out, err := assume(alice, "ticket-42")
	if err != nil {
		t.Fatal(err)
	}
	sessARN := "arn:aws:sts::" + ts.Account + ":assumed-role/deployer/build-7"
	if aws.ToString(out.AssumedRoleUser.Arn) != sessARN || !strings.HasSuffix(aws.ToString(out.AssumedRoleUser.AssumedRoleId), ":build-7") {
		t.Fatalf("AssumedRoleUser: %+v", out.AssumedRoleUser)
	}
	sess := aws.Credentials{AccessKeyID: aws.ToString(out.Credentials.AccessKeyId), SecretAccessKey: aws.ToString(out.Credentials.SecretAccessKey), SessionToken: aws.ToString(out.Credentials.SessionToken)}
	id, err := sts.NewFromConfig(ts.config(sess)).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Arn) != sessARN {
		t.Fatalf("GetCallerIdentity of the session: %v %v", id, err)
	}
	sessIAM := iam.NewFromConfig(ts.config(sess))
	if _, err := sessIAM.ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Fatalf("the session may do what its role may: %v", err)
	}
	_, err = sessIAM.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("x")})
	ae = apiError(t, err, "AccessDenied")
	if !strings.HasPrefix(ae.ErrorMessage(), "User: "+sessARN+" is not authorized to perform: iam:CreateUser") {
		t.Fatalf("session denial: %s", ae.ErrorMessage())
	}
	_, err = sts.NewFromConfig(ts.config(alice)).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("long"), ExternalId: aws.String("ticket-42"), DurationSeconds: aws.Int32(7200)})
	if ae := apiError(t, err, "ValidationError"); !strings.Contains(ae.ErrorMessage(), "MaxSessionDuration") {
		t.Fatalf("DurationSeconds over the role's maximum: %s", ae.ErrorMessage())
	}

	// The session's calls are recorded as AssumedRole, with their issuer.
	events, err := cloudtrail.NewFromConfig(ts.config(ts.Root)).LookupEvents(ctx, &cloudtrail.LookupEventsInput{
		LookupAttributes: []cttypes.LookupAttribute{{AttributeKey: cttypes.LookupAttributeKeyEventName, AttributeValue: aws.String("ListUsers")}}})
	if err != nil || len(events.Events) != 1 {
		t.Fatalf("ListUsers events: %v %v", events, err)
	}
	var rec struct {
		UserIdentity struct {
			Type           string
			Arn            string
			SessionContext struct {
				SessionIssuer struct{ Type, Arn, UserName string }
			}
		} `json:"userIdentity"`
	}
	if err := json.Unmarshal([]byte(aws.ToString(events.Events[0].CloudTrailEvent)), &rec); err != nil {
		t.Fatal(err)
	}
	ui := rec.UserIdentity
	if ui.Type != "AssumedRole" || ui.Arn != sessARN || ui.SessionContext.SessionIssuer.Arn != roleARN || ui.SessionContext.SessionIssuer.UserName != "deployer" {
		t.Fatalf("userIdentity: %+v", ui)
	}

	// Deleting the role needs its policies gone; its sessions end with it.
	_, err = root.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("deployer")})
	apiError(t, err, "DeleteConflict")
	if _, err := root.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String("deployer"), PolicyName: aws.String("ListUsers")}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("deployer")}); err != nil {
		t.Fatal(err)
	}
	_, err = sts.NewFromConfig(ts.config(sess)).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	apiError(t, err, "InvalidClientTokenId")
}

// A session policy passed to AssumeRole narrows the session to what both
// it and the role allow.
func TestAssumeRoleSessionPolicy(t *testing.T) {
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
	ci := aws.Credentials{AccessKeyID: aws.ToString(k.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(k.AccessKey.SecretAccessKey)}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + ts.Account + `:user/ci"},"Action":"sts:AssumeRole"}]}`
	r, err := root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("ops"), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := root.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("ops"), PolicyArn: aws.String("arn:aws:iam::aws:policy/IAMReadOnlyAccess")}); err != nil {
		t.Fatal(err)
	}
	out, err := sts.NewFromConfig(ts.config(ci)).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: r.Role.Arn, RoleSessionName: aws.String("narrow"),
		Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	if out.PackedPolicySize == nil {
		t.Fatal("AssumeRole with a session policy reports PackedPolicySize")
	}
	sess := iam.NewFromConfig(ts.config(aws.Credentials{AccessKeyID: aws.ToString(out.Credentials.AccessKeyId), SecretAccessKey: aws.ToString(out.Credentials.SecretAccessKey), SessionToken: aws.ToString(out.Credentials.SessionToken)}))
	if _, err := sess.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("ci")}); err != nil {
		t.Fatalf("allowed by the role and the session policy: %v", err)
	}
	_, err = sess.ListUsers(ctx, &iam.ListUsersInput{})
	ae := apiError(t, err, "AccessDenied")
	if !strings.Contains(ae.ErrorMessage(), "because no session policy allows the iam:ListUsers action") {
		t.Fatalf("session policy denial: %s", ae.ErrorMessage())
	}
	_, err = sts.NewFromConfig(ts.config(ci)).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: r.Role.Arn, RoleSessionName: aws.String("bad"), Policy: aws.String(`{"Statement":`)})
	apiError(t, err, "MalformedPolicyDocument")
}

// A "terraform runner" role assumed by the members of a group (the group's
// policy allows sts:AssumeRole, the trust policy names the account), and a
// role chained from it, limited to one hour.
func TestRoleAssumedByAGroupAndChained(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	root := iam.NewFromConfig(ts.config(ts.Root))
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err := root.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("platform")})
	must(err)
	_, err = root.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: aws.String("platform"), PolicyName: aws.String("assume-runner"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::` + ts.Account + `:role/terraform-runner"}]}`)})
	must(err)
	trustAccount := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + ts.Account + `:root"},"Action":"sts:AssumeRole"}]}`
	runner, err := root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("terraform-runner"), AssumeRolePolicyDocument: aws.String(trustAccount)})
	must(err)
	_, err = root.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("terraform-runner"), PolicyName: aws.String("chain"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`)})
	must(err)
	prod, err := root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("prod_role"), MaxSessionDuration: aws.Int32(43200),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + aws.ToString(runner.Role.Arn) + `"},"Action":"sts:AssumeRole"}]}`)})
	must(err)
	creds := map[string]aws.Credentials{}
	for _, u := range []string{"member", "outsider"} {
		_, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(u)})
		must(err)
		k, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(u)})
		must(err)
		creds[u] = aws.Credentials{AccessKeyID: aws.ToString(k.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(k.AccessKey.SecretAccessKey)}
	}
	_, err = root.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("platform"), UserName: aws.String("member")})
	must(err)
	_, err = sts.NewFromConfig(ts.config(creds["outsider"])).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: runner.Role.Arn, RoleSessionName: aws.String("tf")})
	apiError(t, err, "AccessDenied") // the trust names the account: the caller's own allow is needed
	out, err := sts.NewFromConfig(ts.config(creds["member"])).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: runner.Role.Arn, RoleSessionName: aws.String("tf")})
	must(err)
	sess := sts.NewFromConfig(ts.config(aws.Credentials{AccessKeyID: aws.ToString(out.Credentials.AccessKeyId), SecretAccessKey: aws.ToString(out.Credentials.SecretAccessKey), SessionToken: aws.ToString(out.Credentials.SessionToken)}))
	_, err = sess.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: prod.Role.Arn, RoleSessionName: aws.String("chained"), DurationSeconds: aws.Int32(7200)})
	if ae := apiError(t, err, "ValidationError"); !strings.Contains(ae.ErrorMessage(), "role chaining") {
		t.Fatalf("chained over one hour: %s", ae.ErrorMessage())
	}
	chained, err := sess.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: prod.Role.Arn, RoleSessionName: aws.String("chained")})
	if err != nil || !strings.HasSuffix(aws.ToString(chained.AssumedRoleUser.Arn), ":assumed-role/prod_role/chained") {
		t.Fatalf("role chaining: %v %v", chained, err)
	}
}
