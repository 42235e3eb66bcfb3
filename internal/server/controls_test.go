package server_test

import (
	"strings"
	"testing"
)

// Security Hub's controls on the live account, through the real AWS CLI: a
// weak account (root access key, no trail, no password policy) fails them;
// each fix turns its control PASSED.
func TestSecurityHubLiveControls(t *testing.T) {
	v2 := cliV2(t)
	t.Parallel()
	ts := start(t)
	f := newFlow(t, ts, v2)
	const root = "moat-root"

	f.ok(root, "securityhub", "enable-security-hub")
	std := f.ok(root, "securityhub", "get-enabled-standards")
	if len(std["StandardsSubscriptions"].([]any)) != 2 {
		t.Fatalf("default standards: %v", std)
	}
	status := func(control string) string {
		out := f.ok(root, "securityhub", "get-findings", "--filters",
			`{"GeneratorId":[{"Value":"security-control/`+control+`","Comparison":"EQUALS"}],"RecordState":[{"Value":"ACTIVE","Comparison":"EQUALS"}]}`)
		for _, x := range out["Findings"].([]any) {
			if c, ok := x.(map[string]any)["Compliance"].(map[string]any); ok {
				return c["Status"].(string)
			}
		}
		return ""
	}
	waitFor(t, func() bool { return status("CloudTrail.1") == "FAILED" })
	for _, c := range []string{"IAM.4", "IAM.15"} {
		if s := status(c); s != "FAILED" {
			t.Errorf("%s on a weak account: %q", c, s)
		}
	}

	// The fixes.
	f.ok(root, "cloudtrail", "create-trail", "--name", "main", "--s3-bucket-name", "audit-bucket", "--is-multi-region-trail")
	f.ok(root, "cloudtrail", "start-logging", "--name", "main")
	f.ok(root, "iam", "update-account-password-policy", "--minimum-password-length", "14", "--password-reuse-prevention", "24",
		"--require-symbols", "--require-numbers", "--require-uppercase-characters", "--require-lowercase-characters", "--max-password-age", "90")
	waitFor(t, func() bool { return status("CloudTrail.1") == "PASSED" && status("IAM.15") == "PASSED" })
	if s := status("IAM.4"); s != "FAILED" {
		t.Errorf("IAM.4 with the root key still there: %q", s)
	}
	// moat's own reads leave no trace of the root user in CloudTrail.
	out := f.ok(root, "cloudtrail", "lookup-events", "--lookup-attributes", "AttributeKey=EventName,AttributeValue=GetAccountAuthorizationDetails")
	if n := len(out["Events"].([]any)); n != 0 {
		t.Errorf("%d GetAccountAuthorizationDetails records from moat's own evaluation", n)
	}
	if strings.Contains(toJSON(f.ok(root, "securityhub", "describe-standards")), "cis-aws-foundations-benchmark/v/3.0.0") == false {
		t.Errorf("describe-standards does not list CIS v3.0.0")
	}
}
