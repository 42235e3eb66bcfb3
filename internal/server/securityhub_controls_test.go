package server_test

import (
	"strings"
	"testing"
)

// DescribeStandardsControls lists a standard's controls; turning a control
// off in every enabled standard that has it archives its findings, as
// Security Hub does, and turning it on again brings them back.
func TestSecurityHubStandardsControls(t *testing.T) {
	v2 := cliV2(t)
	t.Parallel()
	ts := start(t)
	f := newFlow(t, ts, v2)
	const root = "moat-root"
	f.ok(root, "securityhub", "enable-security-hub")
	fsbp := "arn:aws:securityhub:us-east-1:" + ts.Account + ":subscription/aws-foundational-security-best-practices/v/1.0.0"
	cis := "arn:aws:securityhub:us-east-1:" + ts.Account + ":subscription/cis-aws-foundations-benchmark/v/3.0.0"
	out := f.ok(root, "securityhub", "describe-standards-controls", "--standards-subscription-arn", fsbp)
	var iam4 string
	for _, c := range out["Controls"].([]any) {
		m := c.(map[string]any)
		if m["ControlId"] == "IAM.4" {
			iam4 = m["StandardsControlArn"].(string)
			if m["ControlStatus"] != "ENABLED" || m["SeverityRating"] != "CRITICAL" {
				t.Errorf("IAM.4 in FSBP: %v", m)
			}
		}
	}
	if iam4 != "arn:aws:securityhub:us-east-1:"+ts.Account+":control/aws-foundational-security-best-practices/v/1.0.0/IAM.4" {
		t.Fatalf("IAM.4's standards control ARN: %q", iam4)
	}
	f.denied("ResourceNotFoundException", "not found", root, "securityhub", "describe-standards-controls", "--standards-subscription-arn", strings.Replace(fsbp, "1.0.0", "9.9.9", 1))
	f.denied("InvalidInputException", "DisabledReason", root, "securityhub", "update-standards-control", "--standards-control-arn", iam4, "--control-status", "DISABLED")
	f.denied("ResourceNotFoundException", "not found", root, "securityhub", "update-standards-control", "--standards-control-arn", strings.Replace(iam4, "IAM.4", "IAM.999", 1),
		"--control-status", "DISABLED", "--disabled-reason", "x")

	var createdAt string
	state := func() string {
		out := f.ok(root, "securityhub", "get-findings", "--filters", `{"GeneratorId":[{"Value":"security-control/IAM.4","Comparison":"EQUALS"}]}`)
		for _, x := range out["Findings"].([]any) {
			createdAt = x.(map[string]any)["CreatedAt"].(string)
			return x.(map[string]any)["RecordState"].(string)
		}
		return ""
	}
	waitFor(t, func() bool { return state() == "ACTIVE" })
	first := createdAt
	f.ok(root, "securityhub", "update-standards-control", "--standards-control-arn", iam4, "--control-status", "DISABLED", "--disabled-reason", "root keys are managed elsewhere")
	out = f.ok(root, "securityhub", "describe-standards-controls", "--standards-subscription-arn", fsbp, "--max-results", "100")
	if !strings.Contains(toJSON(out), `"DisabledReason":"root keys are managed elsewhere"`) {
		t.Errorf("the disabled control's reason is not listed")
	}
	// Still in CIS v3.0.0 (requirement 1.4): the finding stays active.
	f.ok(root, "iam", "create-user", "--user-name", "nudge") // a write, so controls are evaluated again
	if s := state(); s != "ACTIVE" {
		t.Errorf("IAM.4 disabled in FSBP only: %q", s)
	}
	f.ok(root, "securityhub", "update-standards-control", "--standards-control-arn",
		"arn:aws:securityhub:us-east-1:"+ts.Account+":control/cis-aws-foundations-benchmark/v/3.0.0/1.4", "--control-status", "DISABLED", "--disabled-reason", "same")
	f.ok(root, "iam", "create-user", "--user-name", "nudge2")
	waitFor(t, func() bool { return state() == "ARCHIVED" })
	f.ok(root, "securityhub", "update-standards-control", "--standards-control-arn", iam4, "--control-status", "ENABLED")
	f.ok(root, "iam", "create-user", "--user-name", "nudge3")
	waitFor(t, func() bool { return state() == "ACTIVE" })
	if createdAt != first {
		t.Errorf("re-evaluations moved the control finding's CreatedAt from %s to %s", first, createdAt)
	}
	if out := f.ok(root, "securityhub", "describe-standards-controls", "--standards-subscription-arn", cis); !strings.Contains(toJSON(out), `"ControlId":"1.4"`) {
		t.Errorf("CIS v3.0.0's controls do not list 1.4")
	}
}
