package server_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	m2types "github.com/aws/aws-sdk-go-v2/service/macie2/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/moatdev/moat/internal/server"
	"github.com/moatdev/moat/internal/store"
	"github.com/moatdev/moat/internal/store/sqlite"
)

// The go.mod holds no SDK clients for EventBridge, CloudWatch Logs or
// Security Hub: these tests sign their requests with the SDK's signer.

// feCall sends root's signed request: json 1.1 when target is set, else
// rest-json to method path. It fails the test unless the status is 200.
func feCall(t *testing.T, ts *testServer, service, method, path, target, body string) map[string]any {
	t.Helper()
	req, err := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if target != "" {
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		req.Header.Set("X-Amz-Target", target)
	} else {
		req.Header.Set("Content-Type", "application/json")
	}
	sum := sha256.Sum256([]byte(body))
	if err := v4.NewSigner().SignHTTP(context.Background(), ts.Root, req, hex.EncodeToString(sum[:]), service, "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("%s %s%s: %d %s", service, target, path, resp.StatusCode, b)
	}
	out := map[string]any{}
	if len(b) > 0 {
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatalf("%s %s%s: %v %s", service, target, path, err, b)
		}
	}
	return out
}

// feRule makes log group group and a default-bus rule with pattern that
// targets it.
func feRule(t *testing.T, ts *testServer, name, pattern, group string) {
	t.Helper()
	feCall(t, ts, "logs", "POST", "/", "Logs_20140328.CreateLogGroup", `{"logGroupName":"`+group+`"}`)
	b, _ := json.Marshal(map[string]any{"Name": name, "EventPattern": pattern})
	feCall(t, ts, "events", "POST", "/", "AWSEvents.PutRule", string(b))
	b, _ = json.Marshal(map[string]any{"Rule": name, "Targets": []map[string]any{{"Id": "log",
		"Arn": "arn:aws:logs:us-east-1:" + ts.Account + ":log-group:" + group}}})
	if res := feCall(t, ts, "events", "POST", "/", "AWSEvents.PutTargets", string(b)); res["FailedEntryCount"] != float64(0) {
		t.Fatalf("PutTargets: %v", res)
	}
}

// feEvents returns the events delivered to group, decoded.
func feEvents(t *testing.T, ts *testServer, group string) []map[string]any {
	t.Helper()
	res := feCall(t, ts, "logs", "POST", "/", "Logs_20140328.FilterLogEvents", `{"logGroupName":"`+group+`"}`)
	var out []map[string]any
	evs, _ := res["events"].([]any)
	for _, e := range evs {
		var m map[string]any
		if err := json.Unmarshal([]byte(str(e.(map[string]any), "message")), &m); err != nil {
			t.Fatalf("a delivered event is not JSON: %v", e)
		}
		out = append(out, m)
	}
	return out
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// feEnvelope checks the fields every AWS service event carries.
func feEnvelope(t *testing.T, ts *testServer, ev map[string]any, source, detailType string) map[string]any {
	t.Helper()
	if ev["version"] != "0" || !uuidRE.MatchString(str(ev, "id")) || ev["source"] != source || ev["detail-type"] != detailType ||
		ev["account"] != ts.Account || ev["region"] != "us-east-1" {
		t.Errorf("envelope: %v", ev)
	}
	if tm, err := time.Parse(time.RFC3339, str(ev, "time")); err != nil || time.Since(tm) > time.Hour || time.Until(tm) > time.Minute {
		t.Errorf("envelope time %q: %v", ev["time"], err)
	}
	if _, ok := ev["resources"].([]any); !ok {
		t.Errorf("envelope resources is not an array: %v", ev["resources"])
	}
	d, ok := ev["detail"].(map[string]any)
	if !ok {
		t.Fatalf("envelope detail: %v", ev["detail"])
	}
	return d
}

func fastPoll() option { return func(c *server.Config) { c.PollInterval = 100 * time.Millisecond } }

// A finding the live detectors raise (root credential usage) reaches a
// "GuardDuty Finding" rule's log group in GuardDuty's event envelope, the
// detail being the finding GetFindings returns (same id, type, count); a
// rule for another source sees nothing of it.
func TestFindingEventsGuardDuty(t *testing.T) {
	t.Parallel()
	ts := start(t, fastPoll())
	ctx := context.Background()
	feRule(t, ts, "gd", `{"source":["aws.guardduty"],"detail-type":["GuardDuty Finding"]}`, "/moat/guardduty")
	feRule(t, ts, "macie", `{"source":["aws.macie"]}`, "/moat/macie")
	gd := guardduty.NewFromConfig(ts.config(ts.Root))
	det, err := gd.CreateDetector(ctx, &guardduty.CreateDetectorInput{Enable: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := iam.NewFromConfig(ts.config(ts.Root)).CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("ops")}); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	waitFor(t, func() bool {
		for _, ev := range feEvents(t, ts, "/moat/guardduty") {
			if d, _ := ev["detail"].(map[string]any); d != nil && d["type"] == "Policy:IAMUser/RootCredentialUsage" {
				got = ev
				return true
			}
		}
		return false
	})
	d := feEnvelope(t, ts, got, "aws.guardduty", "GuardDuty Finding")
	if rs := got["resources"].([]any); len(rs) != 0 {
		t.Errorf("resources: %v (AWS's GuardDuty events carry none)", rs)
	}
	if d["schemaVersion"] != "2.0" || d["accountId"] != ts.Account || d["region"] != "us-east-1" || str(d, "service", "detectorId") != aws.ToString(det.DetectorId) {
		t.Errorf("detail: %v", d)
	}
	fs, err := gd.GetFindings(ctx, &guardduty.GetFindingsInput{DetectorId: det.DetectorId, FindingIds: []string{str(d, "id")}})
	if err != nil || len(fs.Findings) != 1 {
		t.Fatalf("GetFindings of the event's finding: %+v %v", fs, err)
	}
	f := fs.Findings[0]
	if aws.ToString(f.Type) != d["type"] || aws.ToString(f.Arn) != d["arn"] || f.Severity == nil || *f.Severity != d["severity"] ||
		aws.ToInt32(f.Service.Count) < 1 || d["service"].(map[string]any)["count"] == nil {
		t.Errorf("event detail %v\nis not the finding %+v", d, f)
	}
	if evs := feEvents(t, ts, "/moat/macie"); len(evs) != 0 {
		t.Errorf("a Macie rule received %v", evs)
	}
}

// A BatchImportFindings of one HIGH finding reaches a rule matching on the
// ASFF severity inside "Security Hub Findings - Imported"; a LOW one is
// published (a rule on every import sees it) but does not match; a
// BatchUpdateFindings raising the LOW one to HIGH publishes it again and
// now matches. Each event carries one finding and names it in resources.
func TestFindingEventsSecurityHub(t *testing.T) {
	t.Parallel()
	ts := start(t, fastPoll())
	feCall(t, ts, "securityhub", "POST", "/accounts", "", `{"EnableDefaultStandards":false}`)
	feRule(t, ts, "high", `{"source":["aws.securityhub"],"detail":{"findings":{"Severity":{"Label":["HIGH"]}}}}`, "/moat/high")
	feRule(t, ts, "all", `{"source":["aws.securityhub"],"detail-type":["Security Hub Findings - Imported"]}`, "/moat/all")

	now := time.Now().UTC().Format(time.RFC3339)
	product := "arn:aws:securityhub:us-east-1:" + ts.Account + ":product/" + ts.Account + "/default"
	finding := func(id, label string) string {
		b, _ := json.Marshal(map[string]any{"Findings": []map[string]any{{"SchemaVersion": "2018-10-08", "Id": id, "ProductArn": product,
			"GeneratorId": "moat-test", "AwsAccountId": ts.Account, "Types": []string{"Software and Configuration Checks/Vulnerabilities/CVE"},
			"CreatedAt": now, "UpdatedAt": now, "Severity": map[string]any{"Label": label}, "Title": id, "Description": "found by a test",
			"Resources": []map[string]any{{"Type": "AwsIamUser", "Id": "arn:aws:iam::" + ts.Account + ":user/x"}}}}})
		return string(b)
	}
	for _, f := range []string{finding("f-high", "HIGH"), finding("f-low", "LOW")} {
		if res := feCall(t, ts, "securityhub", "POST", "/findings/import", "", f); res["SuccessCount"] != float64(1) {
			t.Fatalf("BatchImportFindings: %v", res)
		}
	}
	waitFor(t, func() bool { return len(feEvents(t, ts, "/moat/all")) == 2 })
	ids := func(evs []map[string]any) (out []string) {
		for _, ev := range evs {
			d := feEnvelope(t, ts, ev, "aws.securityhub", "Security Hub Findings - Imported")
			list, _ := d["findings"].([]any)
			if len(list) != 1 {
				t.Fatalf("an event carries %d findings: %v", len(list), d)
			}
			f := list[0].(map[string]any)
			if rs, _ := ev["resources"].([]any); len(rs) != 1 || rs[0] != product+"/"+str(f, "Id") {
				t.Errorf("resources %v for finding %s", ev["resources"], f["Id"])
			}
			if str(f, "Workflow", "Status") != "NEW" || str(f, "RecordState") != "ACTIVE" || f["AwsAccountId"] != ts.Account {
				t.Errorf("finding as stored: %v", f)
			}
			out = append(out, str(f, "Id"))
		}
		return out
	}
	if got := strings.Join(ids(feEvents(t, ts, "/moat/all")), ","); got != "f-high,f-low" {
		t.Errorf("all imports: %s", got)
	}
	if got := strings.Join(ids(feEvents(t, ts, "/moat/high")), ","); got != "f-high" {
		t.Errorf("HIGH rule: %s", got)
	}

	// A customer raises f-low's severity.
	upd, _ := json.Marshal(map[string]any{"FindingIdentifiers": []map[string]any{{"Id": "f-low", "ProductArn": product}},
		"Severity": map[string]any{"Label": "HIGH"}, "Note": map[string]any{"Text": "worse than it looks", "UpdatedBy": "test"}})
	if res := feCall(t, ts, "securityhub", "PATCH", "/findings/batchupdate", "", string(upd)); len(res["ProcessedFindings"].([]any)) != 1 {
		t.Fatalf("BatchUpdateFindings: %v", res)
	}
	waitFor(t, func() bool { return len(feEvents(t, ts, "/moat/high")) == 2 })
	evs := feEvents(t, ts, "/moat/high")
	if got := strings.Join(ids(evs), ","); got != "f-high,f-low" {
		t.Errorf("HIGH rule after the update: %s", got)
	}
	if str(evs[1]["detail"].(map[string]any)["findings"].([]any)[0].(map[string]any), "Note", "Text") != "worse than it looks" {
		t.Errorf("the update's event does not carry the updated finding: %v", evs[1])
	}
}

// A ONE_TIME Macie job over an object holding a credit card number raises
// a sensitive-data finding that reaches a "Macie Finding" rule, the detail
// being the finding as GetFindings returns it.
func TestFindingEventsMacie(t *testing.T) {
	t.Parallel()
	ts := start(t, fastPoll())
	ctx := context.Background()
	feRule(t, ts, "macie", `{"source":["aws.macie"],"detail-type":["Macie Finding"]}`, "/moat/macie")
	mc := macie2.NewFromConfig(ts.config(ts.Root))
	s3c := s3.NewFromConfig(ts.config(ts.Root), func(o *s3.Options) { o.UsePathStyle = true })
	if _, err := mc.EnableMacie(ctx, &macie2.EnableMacieInput{}); err != nil {
		t.Fatal(err)
	}
	putObjects(t, s3c, "records", map[string]string{"notes/cards.txt": "hello\ncard: 4532015112830366 ok\n"}, nil)
	job, err := mc.CreateClassificationJob(ctx, &macie2.CreateClassificationJobInput{Name: aws.String("cards"), JobType: m2types.JobTypeOneTime,
		S3JobDefinition: &m2types.S3JobDefinition{BucketDefinitions: []m2types.S3BucketDefinitionForJob{{AccountId: aws.String(ts.Account), Buckets: []string{"records"}}}},
		ClientToken:     aws.String("t1")})
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	waitFor(t, func() bool {
		for _, ev := range feEvents(t, ts, "/moat/macie") {
			if d, _ := ev["detail"].(map[string]any); d != nil && d["category"] == "CLASSIFICATION" {
				got = ev
				return true
			}
		}
		return false
	})
	d := feEnvelope(t, ts, got, "aws.macie", "Macie Finding")
	if d["type"] != "SensitiveData:S3Object/Financial" || str(d, "classificationDetails", "jobId") != aws.ToString(job.JobId) ||
		str(d, "resourcesAffected", "s3Object", "key") != "notes/cards.txt" || d["accountId"] != ts.Account {
		t.Errorf("detail: %v", d)
	}
	fs, err := mc.GetFindings(ctx, &macie2.GetFindingsInput{FindingIds: []string{str(d, "id")}})
	if err != nil || len(fs.Findings) != 1 || string(fs.Findings[0].Type) != d["type"] || aws.ToString(fs.Findings[0].Id) != d["id"] {
		t.Fatalf("GetFindings of the event's finding: %+v %v", fs, err)
	}
}

// With no rule, findings go on the findings stream, the delivery loop's
// offset moves past them unread and nothing reaches a log group; a rule
// made later receives the findings published after it, not the old ones.
func TestFindingEventsNoRule(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ts := start(t, fastPoll(), dataDir(dir))
	feCall(t, ts, "securityhub", "POST", "/accounts", "", `{"EnableDefaultStandards":false}`)
	feCall(t, ts, "logs", "POST", "/", "Logs_20140328.CreateLogGroup", `{"logGroupName":"/moat/all"}`)
	product := "arn:aws:securityhub:us-east-1:" + ts.Account + ":product/" + ts.Account + "/default"
	now := time.Now().UTC().Format(time.RFC3339)
	finding := func(id string) string {
		b, _ := json.Marshal(map[string]any{"Findings": []map[string]any{{"SchemaVersion": "2018-10-08", "Id": id, "ProductArn": product,
			"GeneratorId": "moat-test", "AwsAccountId": ts.Account, "Types": []string{"Software and Configuration Checks"},
			"CreatedAt": now, "UpdatedAt": now, "Severity": map[string]any{"Label": "HIGH"}, "Title": id, "Description": "found by a test",
			"Resources": []map[string]any{{"Type": "Other", "Id": "x"}}}}})
		return string(b)
	}
	feCall(t, ts, "securityhub", "POST", "/findings/import", "", finding("before-rule"))
	time.Sleep(600 * time.Millisecond) // several ticks of the loop
	if evs := feEvents(t, ts, "/moat/all"); len(evs) != 0 {
		t.Fatalf("delivered without a rule: %v", evs)
	}
	ts.close()

	db, err := sqlite.Open(dir + "/moat.db")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	evs, err := db.ReadEvents(ctx, store.StreamFindings, 0, 0)
	if err != nil || len(evs) != 1 || evs[0].Attrs["Source"] != "aws.securityhub" || !strings.Contains(string(evs[0].Body), `"Id":"before-rule"`) {
		t.Fatalf("findings stream: %+v %v", evs, err)
	}
	if off, err := db.Offset(ctx, "eventbridge.findings"); err != nil || off != evs[0].Seq {
		t.Errorf("consumer offset %d (%v), want %d: the loop did not skip the unread finding", off, err, evs[0].Seq)
	}
	outbox := 0
	_ = db.View(ctx, func(tx store.Tx) error {
		return tx.Scan("events.outbox", "", "", 0, func(string, []byte) error { outbox++; return nil })
	})
	if outbox != 0 {
		t.Errorf("%d events left in the outbox", outbox)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	ts = start(t, fastPoll(), dataDir(dir))
	feRule(t, ts, "all", `{"source":["aws.securityhub"],"detail-type":["Security Hub Findings - Imported"]}`, "/moat/later")
	feCall(t, ts, "securityhub", "POST", "/findings/import", "", finding("after-rule"))
	waitFor(t, func() bool { return len(feEvents(t, ts, "/moat/later")) > 0 })
	time.Sleep(300 * time.Millisecond)
	if evs := feEvents(t, ts, "/moat/later"); len(evs) != 1 || str(evs[0]["detail"].(map[string]any)["findings"].([]any)[0].(map[string]any), "Id") != "after-rule" {
		t.Errorf("the later rule received %v", evs)
	}
}

// Control findings are published when they are first imported; when a
// change of state re-evaluates the controls and none changes, no event is
// sent again (moat re-imports every control finding on each change).
func TestFindingEventsControlsOnce(t *testing.T) {
	t.Parallel()
	ts := start(t, fastPoll())
	feRule(t, ts, "all", `{"source":["aws.securityhub"],"detail-type":["Security Hub Findings - Imported"]}`, "/moat/controls")
	feCall(t, ts, "securityhub", "POST", "/accounts", "", `{"EnableDefaultStandards":true}`)
	n := 0
	waitFor(t, func() bool {
		m := len(feEvents(t, ts, "/moat/controls"))
		stable := m > 0 && m == n
		n = m
		time.Sleep(300 * time.Millisecond)
		return stable
	})
	for _, ev := range feEvents(t, ts, "/moat/controls") {
		f := ev["detail"].(map[string]any)["findings"].([]any)[0].(map[string]any)
		if str(f, "Compliance", "Status") == "" {
			t.Fatalf("not a control finding: %v", f)
		}
	}
	// A write the controls do not read: the log grows, controls run again.
	feCall(t, ts, "logs", "POST", "/", "Logs_20140328.CreateLogGroup", `{"logGroupName":"/moat/unrelated"}`)
	time.Sleep(time.Second)
	if m := len(feEvents(t, ts, "/moat/controls")); m != n {
		t.Errorf("%d control finding events after an unrelated change, %d before", m, n)
	}
}
