package server_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// shResults reads GetInsightResults as value → count.
func shResults(t *testing.T, out map[string]any) map[string]int {
	t.Helper()
	res, _ := out["InsightResults"].(map[string]any)
	vals, ok := res["ResultValues"].([]any)
	if !ok {
		t.Fatalf("no ResultValues: %v", out)
	}
	m := map[string]int{}
	for _, v := range vals {
		r := v.(map[string]any)
		m[r["GroupByAttributeValue"].(string)] = int(r["Count"].(float64))
	}
	return m
}

// Insights and custom actions through the real AWS CLI, against a
// hand-checked table of findings: custom insights count findings grouped
// as expected, managed insights are listed and evaluated, updates regroup,
// errors carry AWS's codes, and permissions apply to the hub and to one
// custom action.
func TestSecurityHubInsightsCLI(t *testing.T) {
	v2 := cliV2(t)
	t.Parallel()
	ts := start(t)
	f := newFlow(t, ts, v2)
	const root = "moat-root"

	f.denied("InvalidAccessException", "not subscribed", root, "securityhub", "get-insights")
	f.ok(root, "securityhub", "enable-security-hub", "--no-enable-default-standards")

	now := time.Now().UTC().Format(time.RFC3339)
	product := "arn:aws:securityhub:us-east-1:" + ts.Account + ":product/" + ts.Account + "/default"
	user := func(n string) string { return "arn:aws:iam::" + ts.Account + ":user/" + n }
	finding := func(id, label, typ, resType, resID string) map[string]any {
		return map[string]any{"SchemaVersion": "2018-10-08", "Id": id, "ProductArn": product, "GeneratorId": "moat-test", "AwsAccountId": ts.Account,
			"Types": []string{typ}, "CreatedAt": now, "UpdatedAt": now, "Severity": map[string]any{"Label": label}, "Title": id, "Description": "table",
			"Resources": []map[string]any{{"Type": resType, "Id": resID}}}
	}
	// The table: resource → HIGH findings: user/a 2, user/b 1; LOW: user/b 1;
	// one public-bucket finding (MEDIUM).
	const vuln = "Software and Configuration Checks/Vulnerabilities/CVE"
	doc, _ := json.Marshal([]map[string]any{
		finding("h1", "HIGH", vuln, "AwsIamUser", user("a")),
		finding("h2", "HIGH", vuln, "AwsIamUser", user("a")),
		finding("h3", "HIGH", vuln, "AwsIamUser", user("b")),
		finding("l1", "LOW", vuln, "AwsIamUser", user("b")),
		finding("s1", "MEDIUM", "Effects/Data Exposure/Public bucket", "AwsS3Bucket", "arn:aws:s3:::open-bucket"),
	})
	if res := f.ok(root, "securityhub", "batch-import-findings", "--findings", f.file("table.json", string(doc))); res["SuccessCount"] != float64(5) {
		t.Fatalf("batch-import-findings: %v", res)
	}

	// A custom insight: HIGH findings by resource.
	created := f.ok(root, "securityhub", "create-insight", "--name", "High by resource", "--group-by-attribute", "ResourceId",
		"--filters", `{"SeverityLabel":[{"Value":"HIGH","Comparison":"EQUALS"}]}`)
	arn := str(created, "InsightArn")
	if !strings.HasPrefix(arn, "arn:aws:securityhub:us-east-1:"+ts.Account+":insight/"+ts.Account+"/custom/") {
		t.Fatalf("create-insight ARN: %v", created)
	}
	got := shResults(t, f.ok(root, "securityhub", "get-insight-results", "--insight-arn", arn))
	if len(got) != 2 || got[user("a")] != 2 || got[user("b")] != 1 {
		t.Fatalf("HIGH by ResourceId: %v", got)
	}
	// Regrouped by severity over every finding.
	f.ok(root, "securityhub", "update-insight", "--insight-arn", arn, "--name", "All by severity", "--group-by-attribute", "SeverityLabel",
		"--filters", `{"RecordState":[{"Value":"ACTIVE","Comparison":"EQUALS"}]}`)
	got = shResults(t, f.ok(root, "securityhub", "get-insight-results", "--insight-arn", arn))
	if len(got) != 3 || got["HIGH"] != 3 || got["LOW"] != 1 || got["MEDIUM"] != 1 {
		t.Fatalf("ACTIVE by SeverityLabel: %v", got)
	}
	one := f.ok(root, "securityhub", "get-insights", "--insight-arns", arn)
	if list := one["Insights"].([]any); len(list) != 1 || str(list[0].(map[string]any), "Name") != "All by severity" ||
		str(list[0].(map[string]any), "GroupByAttribute") != "SeverityLabel" || !strings.Contains(toJSON(list[0]), "RecordState") {
		t.Fatalf("get-insights after update: %v", one)
	}

	// Managed insights are listed with the custom one and evaluated.
	all := f.ok(root, "securityhub", "get-insights")
	arns := map[string]bool{}
	for _, x := range all["Insights"].([]any) {
		arns[str(x.(map[string]any), "InsightArn")] = true
	}
	for _, want := range []string{arn, "arn:aws:securityhub:::insight/securityhub/default/1", "arn:aws:securityhub:::insight/securityhub/default/10",
		"arn:aws:securityhub:::insight/securityhub/default/3"} {
		if !arns[want] {
			t.Errorf("get-insights lacks %s: %v", want, all)
		}
	}
	got = shResults(t, f.ok(root, "securityhub", "get-insight-results", "--insight-arn", "arn:aws:securityhub:::insight/securityhub/default/10"))
	if len(got) != 1 || got["arn:aws:s3:::open-bucket"] != 1 {
		t.Fatalf("managed insight 10 (public S3 buckets): %v", got)
	}
	got = shResults(t, f.ok(root, "securityhub", "get-insight-results", "--insight-arn", "arn:aws:securityhub:::insight/securityhub/default/1"))
	if got[user("a")] != 2 || got[user("b")] != 2 || got["arn:aws:s3:::open-bucket"] != 1 {
		t.Fatalf("managed insight 1 (resources with most findings): %v", got)
	}

	// Errors.
	f.denied("InvalidInputException", "GroupByAttribute", root, "securityhub", "create-insight", "--name", "x", "--group-by-attribute", "Colour",
		"--filters", `{}`)
	f.denied("InvalidInputException", "SeverityLabel", root, "securityhub", "create-insight", "--name", "x", "--group-by-attribute", "ResourceId",
		"--filters", `{"SeverityLabel":[{"Value":"HIGH","Comparison":"SOMETIMES"}]}`)
	f.denied("InvalidInputException", "Managed insight", root, "securityhub", "update-insight", "--insight-arn",
		"arn:aws:securityhub:::insight/securityhub/default/1", "--name", "mine")
	f.denied("InvalidInputException", "Managed insight", root, "securityhub", "delete-insight", "--insight-arn", "arn:aws:securityhub:::insight/securityhub/default/1")
	missing := "arn:aws:securityhub:us-east-1:" + ts.Account + ":insight/" + ts.Account + "/custom/00000000-0000-4000-8000-000000000000"
	f.denied("ResourceNotFoundException", "not found", root, "securityhub", "get-insight-results", "--insight-arn", missing)
	f.denied("ResourceNotFoundException", "not found", root, "securityhub", "delete-insight", "--insight-arn", missing)
	if del := f.ok(root, "securityhub", "delete-insight", "--insight-arn", arn); str(del, "InsightArn") != arn {
		t.Fatalf("delete-insight: %v", del)
	}
	f.denied("ResourceNotFoundException", "not found", root, "securityhub", "get-insights", "--insight-arns", arn)

	// Custom actions.
	actionARN := "arn:aws:securityhub:us-east-1:" + ts.Account + ":action/custom/SendToChat"
	if out := f.ok(root, "securityhub", "create-action-target", "--name", "Send to chat", "--description", "posts findings", "--id", "SendToChat"); str(out, "ActionTargetArn") != actionARN {
		t.Fatalf("create-action-target: %v", out)
	}
	f.ok(root, "securityhub", "create-action-target", "--name", "Ticket", "--description", "opens a ticket", "--id", "Ticket")
	f.denied("ResourceConflictException", "already exists", root, "securityhub", "create-action-target", "--name", "Again", "--description", "d", "--id", "SendToChat")
	f.denied("InvalidInputException", "Id", root, "securityhub", "create-action-target", "--name", "Bad", "--description", "d", "--id", "not-alnum!")
	f.denied("InvalidInputException", "Name", root, "securityhub", "create-action-target", "--name", strings.Repeat("n", 21), "--description", "d", "--id", "Long")
	f.ok(root, "securityhub", "update-action-target", "--action-target-arn", actionARN, "--name", "Send to Slack")
	desc := f.ok(root, "securityhub", "describe-action-targets", "--action-target-arns", actionARN)
	if list := desc["ActionTargets"].([]any); len(list) != 1 || str(list[0].(map[string]any), "Name") != "Send to Slack" ||
		str(list[0].(map[string]any), "Description") != "posts findings" {
		t.Fatalf("describe-action-targets: %v", desc)
	}
	if list := f.ok(root, "securityhub", "describe-action-targets")["ActionTargets"].([]any); len(list) != 2 {
		t.Fatalf("describe-action-targets (all): %v", list)
	}

	// Permissions: a user may read insights on the hub and update one action.
	f.ok(root, "iam", "create-user", "--user-name", "soc")
	f.profile("soc", f.ok(root, "iam", "create-access-key", "--user-name", "soc"))
	policy := `{"Version":"2012-10-17","Statement":[` +
		`{"Effect":"Allow","Action":["securityhub:GetInsights","securityhub:GetInsightResults"],"Resource":"arn:aws:securityhub:us-east-1:` + ts.Account + `:hub/default"},` +
		`{"Effect":"Allow","Action":"securityhub:UpdateActionTarget","Resource":"` + actionARN + `"}]}`
	f.ok(root, "iam", "put-user-policy", "--user-name", "soc", "--policy-name", "sh", "--policy-document", policy)
	f.ok("soc", "securityhub", "get-insights")
	f.denied("AccessDeniedException", "", "soc", "securityhub", "create-insight", "--name", "x", "--group-by-attribute", "ResourceId", "--filters", `{}`)
	f.ok("soc", "securityhub", "update-action-target", "--action-target-arn", actionARN, "--description", "by the SOC")
	f.denied("AccessDeniedException", "", "soc", "securityhub", "update-action-target", "--action-target-arn",
		"arn:aws:securityhub:us-east-1:"+ts.Account+":action/custom/Ticket", "--description", "no")
	f.denied("AccessDeniedException", "", "soc", "securityhub", "create-action-target", "--name", "x", "--description", "d", "--id", "X")

	f.ok(root, "securityhub", "delete-action-target", "--action-target-arn", actionARN)
	f.denied("ResourceNotFoundException", "not found", root, "securityhub", "delete-action-target", "--action-target-arn", actionARN)
}
