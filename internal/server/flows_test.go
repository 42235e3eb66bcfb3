package server_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/moatdev/moat/internal/identity"
)

// newFlow gives the CLI a fresh configuration directory holding the
// server's root credentials (profile moat-root) and an empty config file.
func newFlow(t *testing.T, ts *testServer, bin string) *flow {
	t.Helper()
	dir := t.TempDir()
	creds, err := os.ReadFile(filepath.Join(ts.Data, "credentials"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "credentials"), creds, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	return &flow{cliRun: cliRun{bin: bin, url: ts.URL, dir: dir, t: t}, t: t}
}

// cliV2 is an AWS CLI v2 binary (Debian's awscli package).
func cliV2(t *testing.T) string {
	t.Helper()
	for _, bin := range awsCLIs(t) {
		if out, err := exec.Command(bin, "--version").CombinedOutput(); err == nil && strings.HasPrefix(string(out), "aws-cli/2.") {
			return bin
		}
	}
	t.Skip("no AWS CLI v2 found (apt-get install -y awscli)")
	return ""
}

// flow drives one moat with the AWS CLI as a team would: profiles in a
// credentials file, documents in files, each expectation an exit status and
// an error code.
type flow struct {
	cliRun
	t *testing.T
}

func (f *flow) file(name, content string) string {
	f.t.Helper()
	p := filepath.Join(f.dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		f.t.Fatal(err)
	}
	return "file://" + p
}

// ok runs a call that must succeed and returns its JSON output, decoded.
func (f *flow) ok(profile string, args ...string) map[string]any {
	f.t.Helper()
	out, errs, code := f.run(profile, args...)
	if code != 0 {
		f.t.Fatalf("aws %s (profile %s): exit %d, want success\n%s%s", strings.Join(args, " "), profile, code, out, errs)
	}
	m := map[string]any{}
	if strings.TrimSpace(out) != "" {
		if err := json.Unmarshal([]byte(out), &m); err != nil {
			f.t.Fatalf("aws %s: output is not JSON: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	return m
}

// denied runs a call that must fail with the AWS error code (and, when
// given, a message part), and returns the CLI's error text.
func (f *flow) denied(code, message, profile string, args ...string) string {
	f.t.Helper()
	out, errs, exit := f.run(profile, args...)
	if exit == 0 || !strings.Contains(errs, "("+code+")") || !strings.Contains(errs, message) {
		f.t.Fatalf("aws %s (profile %s): exit %d, want (%s) %q\n%s%s", strings.Join(args, " "), profile, exit, code, message, out, errs)
	}
	return errs
}

// profile appends credentials (a CreateAccessKey or AssumeRole output) as a
// named profile.
func (f *flow) profile(name string, out map[string]any) {
	f.t.Helper()
	var id, secret, token string
	if k, ok := out["AccessKey"].(map[string]any); ok {
		id, secret = k["AccessKeyId"].(string), k["SecretAccessKey"].(string)
	} else if c, ok := out["Credentials"].(map[string]any); ok {
		id, secret, token = c["AccessKeyId"].(string), c["SecretAccessKey"].(string), c["SessionToken"].(string)
	} else {
		f.t.Fatalf("no credentials in %v", out)
	}
	fh, err := os.OpenFile(filepath.Join(f.dir, "credentials"), os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		f.t.Fatal(err)
	}
	defer fh.Close()
	fmt.Fprintf(fh, "\n[%s]\naws_access_key_id = %s\naws_secret_access_key = %s\n", name, id, secret)
	if token != "" {
		fmt.Fprintf(fh, "aws_session_token = %s\n", token)
	}
}

func str(m map[string]any, path ...string) string {
	var v any = m
	for _, p := range path {
		mm, ok := v.(map[string]any)
		if !ok {
			return ""
		}
		v = mm[p]
	}
	s, _ := v.(string)
	return s
}

func trustDoc(principal string, condition string) string {
	if condition != "" {
		condition = `,"Condition":` + condition
	}
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + principal + `"},"Action":"sts:AssumeRole"` + condition + `}]}`
}

func allowDoc(action, resource string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"` + action + `","Resource":"` + resource + `"}]}`
}

// The everyday IAM flows of AWS teams, through the real AWS CLI (v2 for plain
// calls, v1 for role_arn profiles), each expectation allowed or denied with
// AWS's error code.
func TestAWSCLIEverydayFlows(t *testing.T) {
	v2 := cliV2(t)
	t.Parallel() // a CLI call is a Python start: let the package's other tests overlap
	ts := start(t)
	f := newFlow(t, ts, v2)
	dir := f.dir
	const root = "moat-root"
	acct := ts.Account
	arn := func(kind, name string) string { return "arn:aws:iam::" + acct + ":" + kind + "/" + name }

	// 1. Root creates an administrator with a virtual MFA device.
	f.ok(root, "iam", "create-user", "--user-name", "admin")
	f.ok(root, "iam", "attach-user-policy", "--user-name", "admin", "--policy-arn", "arn:aws:iam::aws:policy/AdministratorAccess")
	seedFile := filepath.Join(dir, "admin-seed.txt")
	dev := f.ok(root, "iam", "create-virtual-mfa-device", "--virtual-mfa-device-name", "admin", "--outfile", seedFile, "--bootstrap-method", "Base32StringSeed")
	serial := str(dev, "VirtualMFADevice", "SerialNumber")
	seedBytes, err := os.ReadFile(seedFile)
	if err != nil || serial != "arn:aws:iam::"+acct+":mfa/admin" {
		t.Fatalf("virtual MFA device: serial %q, seed file: %v", serial, err)
	}
	seed := strings.TrimSpace(string(seedBytes))
	code := func(at time.Duration) string {
		c, err := identity.TOTP(seed, ts.Clock.now().Add(at))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	f.denied("InvalidAuthenticationCode", "", root, "iam", "enable-mfa-device", "--user-name", "admin", "--serial-number", serial, "--authentication-code1", code(0), "--authentication-code2", code(0))
	f.ok(root, "iam", "enable-mfa-device", "--user-name", "admin", "--serial-number", serial, "--authentication-code1", code(0), "--authentication-code2", code(30*time.Second))
	f.profile("admin", f.ok(root, "iam", "create-access-key", "--user-name", "admin"))
	if got := f.ok("admin", "iam", "list-mfa-devices"); !strings.Contains(fmt.Sprint(got), serial) {
		t.Fatalf("list-mfa-devices as admin: %v", got)
	}

	// 2. A role whose trust requires MFA: refused without, assumed with
	// --serial-number/--token-code, and a code is good once.
	breakglass := f.file("trust-mfa.json", trustDoc(arn("user", "admin"), `{"Bool":{"aws:MultiFactorAuthPresent":"true"}}`))
	f.ok(root, "iam", "create-role", "--role-name", "breakglass", "--assume-role-policy-document", breakglass)
	f.denied("AccessDenied", "is not authorized to perform: sts:AssumeRole on resource: "+arn("role", "breakglass"),
		"admin", "sts", "assume-role", "--role-arn", arn("role", "breakglass"), "--role-session-name", "no-mfa")
	ts.Clock.set(90 * time.Second) // past the steps enable-mfa-device used
	defer ts.Clock.set(0)
	tok := code(0)
	out := f.ok("admin", "sts", "assume-role", "--role-arn", arn("role", "breakglass"), "--role-session-name", "with-mfa", "--serial-number", serial, "--token-code", tok)
	if !strings.HasSuffix(str(out, "AssumedRoleUser", "Arn"), ":assumed-role/breakglass/with-mfa") {
		t.Fatalf("assume-role with MFA: %v", out)
	}
	f.denied("AccessDenied", "MultiFactorAuthentication failed", "admin", "sts", "assume-role", "--role-arn", arn("role", "breakglass"), "--role-session-name", "replay", "--serial-number", serial, "--token-code", tok)

	// 3. Master-Role trusts prod_role; prod_role's session assumes it (role
	// chaining, one hour at most); nobody else may.
	f.ok(root, "iam", "create-role", "--role-name", "prod_role", "--assume-role-policy-document", f.file("trust-prod.json", trustDoc(arn("user", "admin"), "")))
	f.ok(root, "iam", "put-role-policy", "--role-name", "prod_role", "--policy-name", "to-master", "--policy-document", f.file("to-master.json", allowDoc("sts:AssumeRole", arn("role", "Master-Role"))))
	f.ok(root, "iam", "attach-role-policy", "--role-name", "prod_role", "--policy-arn", "arn:aws:iam::aws:policy/IAMReadOnlyAccess")
	f.ok(root, "iam", "create-role", "--role-name", "Master-Role", "--max-session-duration", "43200", "--assume-role-policy-document", f.file("trust-master.json", trustDoc(arn("role", "prod_role"), "")))
	f.profile("prod", f.ok("admin", "sts", "assume-role", "--role-arn", arn("role", "prod_role"), "--role-session-name", "prod"))
	out = f.ok("prod", "sts", "assume-role", "--role-arn", arn("role", "Master-Role"), "--role-session-name", "chained")
	if !strings.HasSuffix(str(out, "AssumedRoleUser", "Arn"), ":assumed-role/Master-Role/chained") {
		t.Fatalf("prod_role into Master-Role: %v", out)
	}
	f.denied("ValidationError", "role chaining", "prod", "sts", "assume-role", "--role-arn", arn("role", "Master-Role"), "--role-session-name", "long", "--duration-seconds", "7200")
	f.denied("AccessDenied", "", "admin", "sts", "assume-role", "--role-arn", arn("role", "Master-Role"), "--role-session-name", "not-trusted")

	// 4. A role_arn + source_profile profile assumes prod_role transparently
	// (CLI v1 with AWS_ENDPOINT_URL), and so does the credential_process helper.
	config := "[profile assume]\nrole_arn = " + arn("role", "prod_role") + "\nsource_profile = admin\nrole_session_name = from-profile\n" +
		"[profile helper]\ncredential_process = " + os.Args[0] + " -test.run=^TestChildCLI$\n"
	if err := os.WriteFile(filepath.Join(dir, "config"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "AWS_CONFIG_FILE=" + filepath.Join(dir, "config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(dir, "credentials"), "AWS_EC2_METADATA_DISABLED=true", "AWS_PAGER="}
	if v1 := findV1(); v1 != "" {
		cmd := exec.Command(v1, "--profile", "assume", "--region", "us-east-1", "--output", "json", "iam", "list-users")
		cmd.Env = append(env, "AWS_ENDPOINT_URL="+ts.URL)
		got, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(got), `"UserName": "admin"`) {
			t.Fatalf("iam list-users through a role_arn profile (CLI v1): %v\n%s", err, got)
		}
	} else {
		t.Log("no AWS CLI v1: the role_arn profile step is covered by the credential_process helper only")
	}
	cmd := exec.Command(v2, "--profile", "helper", "--endpoint-url", ts.URL, "--region", "us-east-1", "--output", "json", "iam", "list-users")
	cmd.Env = append(env, "MOAT_TEST_CLI_ARGS=credentials assume-role --role-arn "+arn("role", "prod_role")+" --source-profile admin --role-session-name helper --endpoint-url "+ts.URL)
	if got, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(got), `"UserName": "admin"`) {
		t.Fatalf("iam list-users through the credential_process helper: %v\n%s", err, got)
	}

	// 5. A "terraform runner" role assumed by a group of users.
	f.ok(root, "iam", "create-role", "--role-name", "terraform-runner", "--assume-role-policy-document", f.file("trust-acct.json", trustDoc("arn:aws:iam::"+acct+":root", "")))
	f.ok(root, "iam", "attach-role-policy", "--role-name", "terraform-runner", "--policy-arn", "arn:aws:iam::aws:policy/PowerUserAccess")
	f.ok(root, "iam", "create-group", "--group-name", "terraform")
	f.ok(root, "iam", "put-group-policy", "--group-name", "terraform", "--policy-name", "run", "--policy-document", f.file("run.json", allowDoc("sts:AssumeRole", arn("role", "terraform-runner"))))
	for _, u := range []string{"carol", "dave"} {
		f.ok(root, "iam", "create-user", "--user-name", u)
		f.profile(u, f.ok(root, "iam", "create-access-key", "--user-name", u))
	}
	f.ok(root, "iam", "add-user-to-group", "--group-name", "terraform", "--user-name", "carol")
	f.ok("carol", "sts", "assume-role", "--role-arn", arn("role", "terraform-runner"), "--role-session-name", "plan")
	f.denied("AccessDenied", "because no identity-based policy allows the sts:AssumeRole action", "dave", "sts", "assume-role", "--role-arn", arn("role", "terraform-runner"), "--role-session-name", "plan")

	// 6. A boundary caps a delegated administrator.
	f.ok(root, "iam", "create-policy", "--policy-name", "DelegatedAdminBoundary", "--policy-document",
		f.file("boundary.json", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:Get*","iam:List*","iam:CreateUser"],"Resource":"*"}]}`))
	f.ok(root, "iam", "create-user", "--user-name", "delegate", "--permissions-boundary", arn("policy", "DelegatedAdminBoundary"))
	f.ok(root, "iam", "attach-user-policy", "--user-name", "delegate", "--policy-arn", "arn:aws:iam::aws:policy/AdministratorAccess")
	f.profile("delegate", f.ok(root, "iam", "create-access-key", "--user-name", "delegate"))
	f.ok("delegate", "iam", "create-user", "--user-name", "intern")
	f.denied("AccessDenied", "because no permissions boundary allows the iam:CreateRole action", "delegate", "iam", "create-role", "--role-name", "escalate",
		"--assume-role-policy-document", f.file("trust-delegate.json", trustDoc(arn("user", "delegate"), "")))

	// 7. An SCP on an OU denies iam:CreateUser outside an allowed region. IAM
	// is global: its requests are in us-east-1 whatever --region says, so a
	// region list without us-east-1 blocks IAM entirely, as in AWS.
	f.ok(root, "organizations", "create-organization", "--feature-set", "ALL")
	rootID := ""
	if roots := f.ok(root, "organizations", "list-roots"); len(roots["Roots"].([]any)) == 1 {
		rootID = roots["Roots"].([]any)[0].(map[string]any)["Id"].(string)
	}
	f.ok(root, "organizations", "enable-policy-type", "--root-id", rootID, "--policy-type", "SERVICE_CONTROL_POLICY")
	car := f.ok(root, "organizations", "create-account", "--email", "workload@example.com", "--account-name", "workload")
	st := f.ok(root, "organizations", "describe-create-account-status", "--create-account-request-id", str(car, "CreateAccountStatus", "Id"))
	member := str(st, "CreateAccountStatus", "AccountId")
	if str(st, "CreateAccountStatus", "State") != "SUCCEEDED" || len(member) != 12 {
		t.Fatalf("describe-create-account-status: %v", st)
	}
	ou := str(f.ok(root, "organizations", "create-organizational-unit", "--parent-id", rootID, "--name", "workloads"), "OrganizationalUnit", "Id")
	f.ok(root, "organizations", "move-account", "--account-id", member, "--source-parent-id", rootID, "--destination-parent-id", ou)
	regionSCP := func(region string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:CreateUser","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":"` + region + `"}}}]}`
	}
	scp := str(f.ok(root, "organizations", "create-policy", "--name", "CreateUserInOneRegion", "--description", "regions", "--type", "SERVICE_CONTROL_POLICY",
		"--content", f.file("scp.json", regionSCP("eu-west-1"))), "Policy", "PolicySummary", "Id")
	f.ok(root, "organizations", "attach-policy", "--policy-id", scp, "--target-id", ou)
	memberRole := "arn:aws:iam::" + member + ":role/OrganizationAccountAccessRole"
	f.profile("member", f.ok("admin", "sts", "assume-role", "--role-arn", memberRole, "--role-session-name", "ops"))
	f.denied("AccessDenied", "with an explicit deny in a service control policy", "member", "iam", "create-user", "--user-name", "app", "--region", "eu-west-1")
	f.ok(root, "organizations", "update-policy", "--policy-id", scp, "--content", f.file("scp2.json", regionSCP("us-east-1")))
	f.ok("member", "iam", "create-user", "--user-name", "app", "--region", "eu-west-1")
	f.ok(root, "iam", "create-user", "--user-name", "mgmt-exempt") // the management account is never limited

	// 8. Cross-account: the member account's role trusts the management
	// account; carol needs both that trust and her own allow.
	f.ok("member", "iam", "create-role", "--role-name", "from-mgmt", "--assume-role-policy-document", f.file("trust-cross.json", trustDoc("arn:aws:iam::"+acct+":root", "")))
	f.ok("member", "iam", "create-role", "--role-name", "member-only", "--assume-role-policy-document", f.file("trust-self.json", trustDoc("arn:aws:iam::"+member+":root", "")))
	crossRole := "arn:aws:iam::" + member + ":role/from-mgmt"
	f.denied("AccessDenied", "because no identity-based policy allows the sts:AssumeRole action", "carol", "sts", "assume-role", "--role-arn", crossRole, "--role-session-name", "xa")
	f.ok(root, "iam", "put-user-policy", "--user-name", "carol", "--policy-name", "member-roles", "--policy-document", f.file("cross.json", allowDoc("sts:AssumeRole", "arn:aws:iam::"+member+":role/*")))
	out = f.ok("carol", "sts", "assume-role", "--role-arn", crossRole, "--role-session-name", "xa")
	if !strings.Contains(str(out, "AssumedRoleUser", "Arn"), ":"+member+":assumed-role/from-mgmt/xa") {
		t.Fatalf("cross-account assume-role: %v", out)
	}
	f.denied("AccessDenied", "", "carol", "sts", "assume-role", "--role-arn", "arn:aws:iam::"+member+":role/member-only", "--role-session-name", "xa")
}

func findV1() string {
	for _, c := range []string{"aws"} {
		if p, err := exec.LookPath(c); err == nil {
			if out, err := exec.Command(p, "--version").CombinedOutput(); err == nil && strings.HasPrefix(string(out), "aws-cli/1.") {
				return p
			}
		}
	}
	return ""
}
