package posture_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/moatdev/moat/posture"
)

// bigAccount builds an account of users users and roles roles with a
// credential report, inline and managed policies, and EC2 state.
func bigAccount(users, roles int) *posture.Account {
	now := evalNow
	a := &posture.Account{Now: now, Auth: &posture.AuthDetails{}, PasswordPolicy: &posture.PasswordPolicy{MinimumPasswordLength: 14},
		EC2: &posture.EC2State{Seen: map[string]bool{"SecurityGroups": true, "NetworkAcls": true, "Reservations": true}}}
	admin := posture.PolicyDocument{Statements: []posture.Statement{{Effect: "Allow", Action: []string{"s3:GetObject", "s3:PutObject"}, Resource: []string{"arn:aws:s3:::b/*"}}}}
	a.Credentials = append(a.Credentials, posture.Credential{User: posture.RootUser, Arn: "arn:aws:iam::111122223333:root", MFAActive: true})
	for i := range users {
		name := fmt.Sprintf("user-%05d", i)
		arn := "arn:aws:iam::111122223333:user/" + name
		u := posture.UserDetail{UserName: name, Arn: arn, GroupList: []string{"g"}}
		if i%10 == 0 {
			u.UserPolicyList = []posture.InlinePolicy{{PolicyName: "p", PolicyDocument: admin}}
		}
		a.Auth.UserDetailList = append(a.Auth.UserDetailList, u)
		a.Credentials = append(a.Credentials, posture.Credential{User: name, Arn: arn, PasswordEnabled: i%2 == 0, MFAActive: i%3 != 0,
			UserCreationTime: now.Add(-400 * 24 * time.Hour), PasswordLastUsed: now.Add(-time.Duration(i%100) * 24 * time.Hour),
			AccessKey: [2]posture.KeyInfo{{Active: true, LastRotated: now.Add(-time.Duration(i%200) * 24 * time.Hour), LastUsedDate: now}, {}}})
	}
	for i := range roles {
		a.Auth.RoleDetailList = append(a.Auth.RoleDetailList, posture.RoleDetail{RoleName: fmt.Sprintf("role-%04d", i), Arn: fmt.Sprintf("arn:aws:iam::111122223333:role/role-%04d", i),
			AttachedManagedPolicies: []posture.AttachedPolicy{{PolicyArn: fmt.Sprintf("arn:aws:iam::111122223333:policy/p-%04d", i)}}})
		a.Auth.Policies = append(a.Auth.Policies, posture.ManagedPolicy{PolicyName: fmt.Sprintf("p-%04d", i), Arn: fmt.Sprintf("arn:aws:iam::111122223333:policy/p-%04d", i),
			DefaultVersionId: "v1", PolicyVersionList: []posture.PolicyVersion{{VersionId: "v1", IsDefaultVersion: true, Document: admin}}})
	}
	for i := range 2000 {
		from, to := 443, 443
		g := posture.SecurityGroup{GroupId: fmt.Sprintf("sg-%06d", i), GroupName: "g", IpPermissions: []posture.IpPermission{{IpProtocol: "tcp", FromPort: &from, ToPort: &to}}}
		a.EC2.SecurityGroups = append(a.EC2.SecurityGroups, g)
		a.EC2.Instances = append(a.EC2.Instances, posture.Instance{InstanceId: fmt.Sprintf("i-%06d", i)})
	}
	return a
}

// BenchmarkEvaluate10kUsers1kRoles: every control over 10,000 users, 1,000
// roles and policies, 2,000 security groups and instances (issue target: < 5 s).
func BenchmarkEvaluate10kUsers1kRoles(b *testing.B) {
	a := bigAccount(10_000, 1_000)
	b.ReportAllocs()
	for b.Loop() {
		r := posture.Evaluate(a)
		if r.Score < 0 {
			b.Fatal("no score")
		}
	}
}

func TestBigAccountUnderFiveSeconds(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("timing target: skipped with -short and under the race detector")
	}
	a := bigAccount(10_000, 1_000)
	start := time.Now()
	r := posture.Evaluate(a)
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("evaluation took %s, target < 5s", d)
	}
	if n := len(r.Findings()); n < 10_000 {
		t.Fatalf("%d findings", n)
	}
}

// BenchmarkParseAndEvaluate10kUsers includes decoding the
// get-account-authorization-details JSON of that account.
func BenchmarkParseAndEvaluate10kUsers(b *testing.B) {
	a := bigAccount(10_000, 1_000)
	data, err := json.Marshal(a.Auth)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		d, err := posture.ParseAuthDetails("auth.json", data)
		if err != nil {
			b.Fatal(err)
		}
		a.Auth = d
		posture.Evaluate(a)
	}
}
