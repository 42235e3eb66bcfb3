package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/moatdev/moat/internal/cli"
	"github.com/moatdev/moat/internal/server"
)

// Export an account with GetAccountAuthorizationDetails, import the JSON
// into a new data directory of the same account with `moat iam import`, and
// the export of the copy is the same; the copy enforces the same policies.
func TestImportRoundTrip(t *testing.T) {
	src := start(t)
	ctx := context.Background()
	root := iam.NewFromConfig(src.config(src.Root))
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err := root.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("Local"), PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}]}`)})
	must(err)
	_, err = root.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("devs")})
	must(err)
	_, err = root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("ann")})
	must(err)
	_, err = root.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("devs"), UserName: aws.String("ann")})
	must(err)
	_, err = root.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("devs"), PolicyArn: aws.String("arn:aws:iam::" + src.Account + ":policy/Local")})
	must(err)
	_, err = root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("app"), AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)})
	must(err)
	_, err = root.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("app"), PolicyName: aws.String("inline"), PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)})
	must(err)
	export := func(c *iam.Client) []byte {
		t.Helper()
		out, err := c.GetAccountAuthorizationDetails(ctx, &iam.GetAccountAuthorizationDetailsInput{})
		must(err)
		out.ResultMetadata = iam.GetAccountAuthorizationDetailsOutput{}.ResultMetadata
		b, err := json.Marshal(out)
		must(err)
		return b
	}
	before := export(root)
	file := filepath.Join(t.TempDir(), "details.json")
	must(os.WriteFile(file, before, 0o600))

	// A new data directory of the same account, initialised once, then imported.
	dir := t.TempDir()
	s, err := server.Open(server.Config{Addr: "127.0.0.1:0", DataDir: dir, AccountID: src.Account})
	must(err)
	must(s.Close())
	var stdout, stderr bytes.Buffer
	if code := cli.Run([]string{"iam", "import", "--data", dir, file}, strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("moat iam import: exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "1 users, 1 groups, 1 roles, 1 managed policies") {
		t.Fatalf("import summary: %s", stdout.String())
	}
	copyTS := start(t, dataDir(dir))
	after := export(iam.NewFromConfig(copyTS.config(copyTS.Root)))
	if !bytes.Equal(before, after) {
		t.Fatalf("round trip differs:\nbefore %s\nafter  %s", before, after)
	}
	// Importing again refuses duplicates and writes nothing.
	if code := cli.Run([]string{"iam", "import", "--data", dir, file}, strings.NewReader(""), &stdout, &stderr); code == 0 {
		t.Fatal("a second import of the same entities succeeded")
	}
}

// Bad input gets an error naming what and where, and writes nothing.
func TestImportErrors(t *testing.T) {
	dir := t.TempDir()
	s, err := server.Open(server.Config{Addr: "127.0.0.1:0", DataDir: dir, AccountID: "111122223333"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ name, content, want string }{
		{"not json", `{"UserDetailList": [`, "not an authorization-details document"},
		{"other account", `{"UserDetailList":[{"UserName":"x","Path":"/","Arn":"arn:aws:iam::999999999999:user/x"}]}`, "--account-id"},
		{"bad inline policy", `{"UserDetailList":[{"UserName":"x","Path":"/","Arn":"arn:aws:iam::111122223333:user/x","UserPolicyList":[{"PolicyName":"p","PolicyDocument":{"Statement":[{"Effect":"allow","Action":"*","Resource":"*"}]}}]}]}`, "UserDetailList[0] x: policy p"},
		{"unknown group", `{"UserDetailList":[{"UserName":"x","Path":"/","Arn":"arn:aws:iam::111122223333:user/x","GroupList":["nope"]}]}`, "group nope"},
	}
	for _, tc := range cases {
		file := filepath.Join(t.TempDir(), "f.json")
		if err := os.WriteFile(file, []byte(tc.content), 0o600); err != nil {
			t.Fatal(err)
		}
		var stdout, stderr bytes.Buffer
		code := cli.Run([]string{"iam", "import", "--data", dir, file}, strings.NewReader(""), &stdout, &stderr)
		if code == 0 || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("%s: exit %d, want %q in %q", tc.name, code, tc.want, stderr.String())
		}
	}
	// Nothing was written by the failed imports.
	ts := start(t, dataDir(dir))
	out, err := iam.NewFromConfig(ts.config(ts.Root)).ListUsers(context.Background(), &iam.ListUsersInput{})
	if err != nil || len(out.Users) != 0 {
		t.Fatalf("users after failed imports: %v %v", out, err)
	}
}
