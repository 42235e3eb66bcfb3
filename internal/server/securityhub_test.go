package server_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// Security Hub through the real AWS CLI: enabling the hub, importing ASFF
// findings (a bad one refused on its own), filtering, updating the
// workflow; and live GuardDuty findings arriving in it.
func TestSecurityHubCLI(t *testing.T) {
	v2 := cliV2(t)
	t.Parallel()
	ts := start(t)
	f := newFlow(t, ts, v2)
	const root = "moat-root"

	f.denied("InvalidAccessException", "is not subscribed to AWS Security Hub", root, "securityhub", "get-findings")
	f.ok(root, "securityhub", "enable-security-hub", "--no-enable-default-standards")
	f.denied("ResourceConflictException", "already subscribed", root, "securityhub", "enable-security-hub")
	if hub := f.ok(root, "securityhub", "describe-hub"); str(hub, "HubArn") != "arn:aws:securityhub:us-east-1:"+ts.Account+":hub/default" {
		t.Fatalf("describe-hub: %v", hub)
	}

	now := time.Now().UTC().Format(time.RFC3339)
	product := "arn:aws:securityhub:us-east-1:" + ts.Account + ":product/" + ts.Account + "/default"
	finding := func(id, title, label string) map[string]any {
		m := map[string]any{"SchemaVersion": "2018-10-08", "Id": id, "ProductArn": product, "GeneratorId": "moat-test", "AwsAccountId": ts.Account,
			"Types": []string{"Software and Configuration Checks/Vulnerabilities/CVE"}, "CreatedAt": now, "UpdatedAt": now,
			"Severity": map[string]any{"Label": label}, "Description": "found by a test",
			"Resources": []map[string]any{{"Type": "AwsIamUser", "Id": "arn:aws:iam::" + ts.Account + ":user/x"}}}
		m["Title"] = title
		return m
	}
	// The last one's Title is over 256 characters (the CLI does not check
	// lengths): Security Hub refuses it alone.
	doc, _ := json.Marshal([]map[string]any{finding("f-high", "High thing", "HIGH"), finding("f-low", "Low thing", "LOW"), finding("f-bad", strings.Repeat("x", 300), "LOW")})
	res := f.ok(root, "securityhub", "batch-import-findings", "--findings", f.file("findings.json", string(doc)))
	if res["SuccessCount"] != float64(2) || res["FailedCount"] != float64(1) || !strings.Contains(strings.ToLower(str(res["FailedFindings"].([]any)[0].(map[string]any), "ErrorMessage")), "title") {
		t.Fatalf("batch-import-findings: %v", res)
	}
	high := f.ok(root, "securityhub", "get-findings", "--filters", `{"SeverityLabel":[{"Value":"HIGH","Comparison":"EQUALS"}]}`)
	if list := high["Findings"].([]any); len(list) != 1 || list[0].(map[string]any)["Id"] != "f-high" {
		t.Fatalf("get-findings severity HIGH: %v", high)
	}
	upd := f.ok(root, "securityhub", "batch-update-findings", "--finding-identifiers", "Id=f-high,ProductArn="+product, "Id=nope,ProductArn="+product,
		"--workflow", "Status=SUPPRESSED")
	if len(upd["ProcessedFindings"].([]any)) != 1 || len(upd["UnprocessedFindings"].([]any)) != 1 {
		t.Fatalf("batch-update-findings: %v", upd)
	}
	suppressed := f.ok(root, "securityhub", "get-findings", "--filters", `{"WorkflowStatus":[{"Value":"SUPPRESSED","Comparison":"EQUALS"}]}`)
	if list := suppressed["Findings"].([]any); len(list) != 1 || list[0].(map[string]any)["Id"] != "f-high" {
		t.Fatalf("get-findings workflow SUPPRESSED: %v", suppressed)
	}
	f.denied("InvalidInputException", "", root, "securityhub", "get-findings", "--filters", `{"SeverityLabel":[{"Value":"HIGH","Comparison":"SOMETIMES"}]}`)

	// GuardDuty's live findings arrive in Security Hub as ASFF.
	ctx := context.Background()
	if _, err := guardduty.NewFromConfig(ts.config(ts.Root)).CreateDetector(ctx, &guardduty.CreateDetectorInput{Enable: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	if _, err := iam.NewFromConfig(ts.config(ts.Root)).CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("by-root")}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool {
		out := f.ok(root, "securityhub", "get-findings", "--filters", `{"ProductArn":[{"Value":"arn:aws:securityhub:us-east-1::product/aws/guardduty","Comparison":"EQUALS"}]}`)
		for _, x := range out["Findings"].([]any) {
			if strings.Contains(str(x.(map[string]any), "Title")+toJSON(x), "RootCredentialUsage") {
				return true
			}
		}
		return false
	})
}

func toJSON(v any) string { b, _ := json.Marshal(v); return string(b) }
