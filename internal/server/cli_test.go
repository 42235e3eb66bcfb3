package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/moatdev/moat/internal/cli"
)

// awsCLIs are the AWS CLI binaries to test with: $MOAT_AWS_CLI (a
// colon-separated list), else Debian's /usr/bin/aws and whatever `aws` is
// first on PATH (often the v1 CLI).
func awsCLIs(t *testing.T) []string {
	t.Helper()
	var list []string
	if v := os.Getenv("MOAT_AWS_CLI"); v != "" {
		list = strings.Split(v, ":")
	} else {
		seen := map[string]bool{}
		for _, c := range []string{"/usr/bin/aws", "aws"} {
			p, err := exec.LookPath(c)
			if err != nil {
				continue
			}
			if r, err := filepath.EvalSymlinks(p); err == nil && !seen[r] {
				seen[r] = true
				list = append(list, p)
			}
		}
	}
	if len(list) == 0 {
		if os.Getenv("MOAT_REQUIRE_AWS_CLI") != "" {
			t.Fatal("no AWS CLI found and MOAT_REQUIRE_AWS_CLI is set (install it: apt-get install -y awscli)")
		}
		t.Skip("no AWS CLI installed (apt-get install -y awscli); set MOAT_AWS_CLI to point at one")
	}
	return list
}

type cliRun struct {
	bin, url, dir string
	t             *testing.T
}

// run calls the CLI against the server with an isolated configuration, so
// nothing can fall back to a real AWS address or a user's profile.
func (c cliRun) run(profile string, args ...string) (stdout, stderr string, code int) {
	c.t.Helper()
	full := append([]string{"--endpoint-url", c.url, "--region", "us-east-1", "--output", "json"}, args...)
	if profile != "" {
		full = append([]string{"--profile", profile}, full...)
	}
	cmd := exec.Command(c.bin, full...)
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + c.dir,
		"AWS_CONFIG_FILE=" + filepath.Join(c.dir, "config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(c.dir, "credentials"),
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_PAGER=",
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		c.t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

func TestAWSCLI(t *testing.T) {
	for _, bin := range awsCLIs(t) {
		t.Run(filepath.Base(filepath.Dir(bin))+"-"+filepath.Base(bin), func(t *testing.T) {
			t.Parallel() // each CLI call is a Python start; two CLIs overlap well
			ts := start(t)
			dir := t.TempDir()
			creds, err := os.ReadFile(filepath.Join(ts.Data, "credentials"))
			if err != nil {
				t.Fatal(err)
			}
			extra := "\n[wrong-secret]\naws_access_key_id = " + ts.Root.AccessKeyID + "\naws_secret_access_key = " + strings.Repeat("x", 40) +
				"\n\n[unknown-key]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
			if err := os.WriteFile(filepath.Join(dir, "credentials"), append(creds, extra...), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "config"), nil, 0o600); err != nil {
				t.Fatal(err)
			}
			c := cliRun{bin: bin, url: ts.URL, dir: dir, t: t}

			out, errs, code := c.run("moat-root", "sts", "get-caller-identity")
			var id struct{ Account, Arn string }
			if code != 0 || json.Unmarshal([]byte(out), &id) != nil || id.Account != ts.Account {
				t.Fatalf("get-caller-identity: exit %d\n%s\n%s", code, out, errs)
			}
			out, errs, code = c.run("moat-root", "iam", "create-user", "--user-name", "cli-user", "--path", "/ops/")
			if code != 0 || !strings.Contains(out, `"Arn": "arn:aws:iam::`+ts.Account+`:user/ops/cli-user"`) {
				t.Fatalf("create-user: exit %d\n%s\n%s", code, out, errs)
			}
			if _, _, code = c.run("moat-root", "iam", "create-user", "--user-name", "cli-user-2"); code != 0 {
				t.Fatalf("create-user 2: exit %d", code)
			}
			out, errs, code = c.run("moat-root", "iam", "list-users", "--max-items", "1")
			if code != 0 || !strings.Contains(out, `"NextToken"`) || strings.Count(out, `"UserName"`) != 1 {
				t.Fatalf("list-users --max-items 1: exit %d\n%s\n%s", code, out, errs)
			}
			out, errs, code = c.run("moat-root", "cloudtrail", "lookup-events", "--lookup-attributes", "AttributeKey=EventName,AttributeValue=CreateUser")
			if code != 0 || strings.Count(out, `"EventName": "CreateUser"`) != 2 {
				t.Fatalf("lookup-events: exit %d\n%s\n%s", code, out, errs)
			}
			_, errs, code = c.run("moat-root", "iam", "get-user", "--user-name", "nobody")
			// CLI v2 exits 254 on a service error, v1 255.
			if (code != 254 && code != 255) || !strings.Contains(errs, "(NoSuchEntity)") || !strings.Contains(errs, "The user with name nobody cannot be found.") {
				t.Fatalf("get-user nobody: exit %d\n%s", code, errs)
			}
			for _, neg := range []struct{ profile, want string }{
				{"wrong-secret", "(SignatureDoesNotMatch)"},
				{"unknown-key", "(InvalidClientTokenId)"},
			} {
				_, errs, code = c.run(neg.profile, "sts", "get-caller-identity")
				if code == 0 || !strings.Contains(errs, neg.want) {
					t.Fatalf("%s: exit %d, want %s in:\n%s", neg.profile, code, neg.want, errs)
				}
			}
			_, errs, code = c.run("", "sts", "get-caller-identity", "--no-sign-request")
			if code == 0 || !strings.Contains(errs, "(MissingAuthenticationToken)") {
				t.Fatalf("--no-sign-request: exit %d\n%s", code, errs)
			}
			_, errs, code = c.run("wrong-secret", "cloudtrail", "lookup-events", "--max-results", "1")
			if code == 0 || !strings.Contains(errs, "(InvalidSignatureException)") {
				t.Fatalf("json protocol, wrong secret: exit %d\n%s", code, errs)
			}

			// A session, then time: the server's clock runs 16 minutes ahead.
			out, errs, code = c.run("moat-root", "sts", "get-session-token", "--duration-seconds", "900")
			var tok struct {
				Credentials struct{ AccessKeyId, SecretAccessKey, SessionToken string }
			}
			if code != 0 || json.Unmarshal([]byte(out), &tok) != nil {
				t.Fatalf("get-session-token: exit %d\n%s\n%s", code, out, errs)
			}
			f, err := os.OpenFile(filepath.Join(dir, "credentials"), os.O_APPEND|os.O_WRONLY, 0o600)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(f, "\n[session]\naws_access_key_id = %s\naws_secret_access_key = %s\naws_session_token = %s\n",
				tok.Credentials.AccessKeyId, tok.Credentials.SecretAccessKey, tok.Credentials.SessionToken)
			f.Close()
			if _, errs, code = c.run("session", "sts", "get-caller-identity"); code != 0 {
				t.Fatalf("session credentials: exit %d\n%s", code, errs)
			}
			ts.Clock.set(16 * time.Minute)
			_, errs, code = c.run("session", "sts", "get-caller-identity")
			if code == 0 || !strings.Contains(errs, "(ExpiredToken)") {
				t.Fatalf("expired session token: exit %d\n%s", code, errs)
			}
			_, errs, code = c.run("moat-root", "sts", "get-caller-identity")
			if code == 0 || !strings.Contains(errs, "(SignatureDoesNotMatch)") || !strings.Contains(errs, "Signature expired") {
				t.Fatalf("clock skew: exit %d\n%s", code, errs)
			}
		})
	}
}

// cliV1 is an AWS CLI v1 binary, which (unlike Debian's v2.9) sends the
// AssumeRole call of a role_arn profile to AWS_ENDPOINT_URL.
func cliV1(t *testing.T) string {
	t.Helper()
	for _, bin := range awsCLIs(t) {
		out, err := exec.Command(bin, "--version").CombinedOutput()
		if err == nil && strings.HasPrefix(string(out), "aws-cli/1.") {
			return bin
		}
	}
	t.Skip("no AWS CLI v1 found (pip install awscli); role_arn profiles need it with a custom endpoint")
	return ""
}

// A ~/.aws/config profile with role_arn and source_profile assumes the role
// through moat transparently.
func TestAWSCLIRoleProfile(t *testing.T) {
	bin := cliV1(t)
	ts := start(t)
	ctx := context.Background()
	root := iam.NewFromConfig(ts.config(ts.Root))
	k, r := devAndRole(t, ts, "admin-ish")
	if _, err := root.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("admin-ish"), PolicyArn: aws.String("arn:aws:iam::aws:policy/IAMReadOnlyAccess")}); err != nil {
		t.Fatal(err)
	}
	config := "[profile assume]\nrole_arn = " + aws.ToString(r.Role.Arn) + "\nsource_profile = dev\nrole_session_name = cli-test\n"
	cmd := exec.Command(bin, "--profile", "assume", "--region", "us-east-1", "--output", "json", "sts", "get-caller-identity")
	cmd.Env = append(profileEnv(t, k, config), "AWS_ENDPOINT_URL="+ts.URL)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "assumed-role/admin-ish/cli-test") {
		t.Fatalf("get-caller-identity through a role_arn profile: %v\n%s", err, out)
	}
}

// TestChildCLI is not a test: the credential_process test runs this test
// binary as `moat` with the arguments in MOAT_TEST_CLI_ARGS.
func TestChildCLI(t *testing.T) {
	args := os.Getenv("MOAT_TEST_CLI_ARGS")
	if args == "" {
		t.Skip("runs only as a child process of the credential_process test")
	}
	os.Exit(cli.Main(strings.Fields(args)))
}

// `moat credentials assume-role` as a credential_process lets the CLI v2
// (which sends a role_arn profile's AssumeRole to AWS) assume a role in moat.
func TestCredentialProcessHelper(t *testing.T) {
	var bin string
	for _, b := range awsCLIs(t) {
		if out, err := exec.Command(b, "--version").CombinedOutput(); err == nil && strings.HasPrefix(string(out), "aws-cli/2.") {
			bin = b
		}
	}
	if bin == "" {
		t.Skip("no AWS CLI v2 found (apt-get install -y awscli)")
	}
	ts := start(t)
	k, r := devAndRole(t, ts, "deploy")
	config := "[profile deploy]\ncredential_process = " + os.Args[0] + " -test.run=^TestChildCLI$\n"
	cmd := exec.Command(bin, "--profile", "deploy", "--endpoint-url", ts.URL, "--region", "us-east-1", "--output", "json", "sts", "get-caller-identity")
	cmd.Env = append(profileEnv(t, k, config),
		"MOAT_TEST_CLI_ARGS=credentials assume-role --role-arn "+aws.ToString(r.Role.Arn)+" --source-profile dev --role-session-name helper --endpoint-url "+ts.URL)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "assumed-role/deploy/helper") {
		t.Fatalf("get-caller-identity through credential_process: %v\n%s", err, out)
	}
}

// devAndRole creates the user "dev" with an access key and a role that
// trusts it, for the CLI profile tests.
func devAndRole(t *testing.T, ts *testServer, roleName string) (*iam.CreateAccessKeyOutput, *iam.CreateRoleOutput) {
	t.Helper()
	ctx := context.Background()
	root := iam.NewFromConfig(ts.config(ts.Root))
	if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("dev")}); err != nil {
		t.Fatal(err)
	}
	k, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("dev")})
	if err != nil {
		t.Fatal(err)
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + ts.Account + `:user/dev"},"Action":"sts:AssumeRole"}]}`
	r, err := root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(roleName), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		t.Fatal(err)
	}
	return k, r
}

// profileEnv writes a credentials file holding k as profile "dev" and the
// given config file into a fresh HOME, and returns the environment that
// points the AWS CLI at them.
func profileEnv(t *testing.T, k *iam.CreateAccessKeyOutput, config string) []string {
	t.Helper()
	dir := t.TempDir()
	creds := "[dev]\naws_access_key_id = " + aws.ToString(k.AccessKey.AccessKeyId) + "\naws_secret_access_key = " + aws.ToString(k.AccessKey.SecretAccessKey) + "\n"
	if err := os.WriteFile(filepath.Join(dir, "credentials"), []byte(creds), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	return []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "AWS_CONFIG_FILE=" + filepath.Join(dir, "config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(dir, "credentials"), "AWS_EC2_METADATA_DISABLED=true"}
}
