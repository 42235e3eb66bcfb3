package posture_test

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/moatdev/moat/asff"
	"github.com/moatdev/moat/posture"
)

// Every control finding is valid ASFF that BatchImportFindings would accept,
// and the filters Security Hub users run find the failed ones.
func TestFindingsAreValidASFF(t *testing.T) {
	t.Parallel()
	r := posture.Evaluate(loadAccount(t, "weak"))
	var buf bytes.Buffer
	if err := r.WriteASFF(&buf); err != nil {
		t.Fatal(err)
	}
	var all []json.RawMessage
	if err := json.Unmarshal(buf.Bytes(), &all); err != nil {
		t.Fatal(err)
	}
	res := &asff.ImportResult{}
	for i := 0; i < len(all); i += asff.MaxImportFindings { // BatchImportFindings takes 100 at a time
		batch, err := json.Marshal(all[i:min(i+asff.MaxImportFindings, len(all))])
		if err != nil {
			t.Fatal(err)
		}
		part, err := asff.ParseFindings(batch)
		if err != nil {
			t.Fatal(err)
		}
		if len(part.FailedFindings) != 0 {
			t.Fatalf("rejected findings: %+v", part.FailedFindings[0])
		}
		res.Findings = append(res.Findings, part.Findings...)
	}
	if len(res.Findings) < len(r.Controls) {
		t.Fatalf("%d findings for %d controls", len(res.Findings), len(r.Controls))
	}
	ids := map[string]bool{}
	for _, f := range res.Findings {
		if ids[f.Id] {
			t.Fatalf("duplicate finding id %s", f.Id)
		}
		ids[f.Id] = true
	}
	pf, _ := asff.ParseFilters([]byte(`{"ComplianceStatus":[{"Comparison":"EQUALS","Value":"FAILED"}],"ComplianceSecurityControlId":[{"Comparison":"EQUALS","Value":"IAM.4"}],
		"ComplianceAssociatedStandardsId":[{"Comparison":"EQUALS","Value":"standards/cis-aws-foundations-benchmark/v/3.0.0"}]}`))
	flt, err := asff.Compile(pf, evalNow)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for i := range res.Findings {
		if flt.Match(&res.Findings[i]) {
			n++
			f := &res.Findings[i]
			if f.Resources[0].Id != "AWS::::Account:111122223333" || f.Severity.Label != "CRITICAL" || f.GeneratorId != "security-control/IAM.4" {
				t.Fatalf("IAM.4 finding %+v", f)
			}
		}
	}
	if n != 1 {
		t.Fatalf("%d FAILED IAM.4 findings, want 1", n)
	}
	// Stable ids: evaluating again gives the same ids (re-import updates in place).
	again := posture.Evaluate(loadAccount(t, "weak")).Findings()
	for _, f := range again {
		if !ids[f.Id] {
			t.Fatalf("finding id %s changed between runs", f.Id)
		}
	}
}

func TestJSONReport(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := posture.Evaluate(loadAccount(t, "fixed")).WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var got struct {
		AccountId string
		Score     *int
		Standards []struct {
			StandardsId string
			Score       *int
		}
		Controls []struct {
			SecurityControlId, Status string
			Results                   []struct{ ComplianceStatus, Reason string }
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.AccountId != "111122223333" || got.Score == nil || *got.Score != 100 || len(got.Standards) != 3 || len(got.Controls) != len(posture.Controls()) {
		t.Fatalf("report %+v", got)
	}
	for _, c := range got.Controls {
		if c.SecurityControlId == "RDS.2" && (c.Status != "NO_DATA" || c.Results[0].ComplianceStatus != "NOT_AVAILABLE" || c.Results[0].Reason == "") {
			t.Fatalf("RDS.2 %+v", c)
		}
	}
}

func TestTableReport(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := posture.Evaluate(loadAccount(t, "weak")).WriteTable(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"Security score: 2%",
		"CIS AWS Foundations Benchmark v3.0.0",
		"CRITICAL IAM.4",
		"AwsAccount AWS::::Account:111122223333: the root user has an active access key",
		"fix: Delete the root user's access keys",
		"sg-0ssh00000000000001 allows TCP port 22 from 0.0.0.0/0",
		"warning: --ec2: skipped",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

func TestHTMLReportIsSelfContained(t *testing.T) {
	t.Parallel()
	a := loadAccount(t, "weak")
	a.Auth.UserDetailList[0].Arn = `arn:aws:iam::111122223333:user/<script>alert(1)</script>`
	a.Credentials[1].Arn = a.Auth.UserDetailList[0].Arn
	var buf bytes.Buffer
	if err := posture.Evaluate(a).WriteHTML(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"<!DOCTYPE html>", "<svg", "Failed controls by severity", "IAM.4", "the root user has an active access key", "Fix: ", "data-f=\"FAILED\""} {
		if !strings.Contains(out, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	if lastFailed, firstNoData := strings.LastIndex(out, `data-s="FAILED"`), strings.Index(out, `data-s="NO_DATA"`); lastFailed < 0 || firstNoData < lastFailed {
		t.Error("failed controls are not listed before those without data")
	}
	if strings.Contains(out, "<script>alert(1)") {
		t.Error("resource names are not escaped")
	}
	if regexp.MustCompile(`<(script|link|img)[^>]+(src|href)=`).MatchString(out) {
		t.Error("HTML loads external resources")
	}
}
