package asff_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/moatdev/moat/asff"
)

func parseOne(t *testing.T, js string) *asff.Finding {
	t.Helper()
	res, err := asff.ParseFindings([]byte("[" + js + "]"))
	if err != nil || len(res.Findings) != 1 {
		t.Fatalf("%v %+v", err, res)
	}
	asff.Normalize(&res.Findings[0])
	return &res.Findings[0]
}

func TestMergeImport(t *testing.T) {
	t.Parallel()
	stored := parseOne(t, with(t, "Compliance", `{"Status":"PASSED"}`))
	stored.Workflow = &asff.Workflow{Status: "RESOLVED"}
	stored.Note = &asff.Note{Text: "mine", UpdatedBy: "alice", UpdatedAt: "2026-11-28T01:00:00Z"}
	stored.UserDefinedFields = map[string]string{"ticket": "SEC-1"}
	stored.VerificationState = "TRUE_POSITIVE"

	newer := func(extra map[string]string) *asff.Finding {
		js := strings.Replace(goodFinding, `"UpdatedAt":"2026-11-28T00:00:00+09:00"`, `"UpdatedAt":"2026-11-29T00:00:00Z"`, 1)
		r := parseRaw(t, js)
		for k, v := range extra {
			r[k] = json.RawMessage(v)
		}
		js = joinRaw(t, r)
		return parseOne(t, js)
	}

	t.Run("older or equal UpdatedAt is ignored", func(t *testing.T) {
		in := parseOne(t, with(t, "Title", `"changed"`))
		got, applied := asff.MergeImport(stored, in, asff.CustomerChanged{})
		if applied || got.Title != "t" {
			t.Fatalf("applied=%v title=%q", applied, got.Title)
		}
	})
	t.Run("provider fields update, customer fields stay", func(t *testing.T) {
		in := newer(map[string]string{"Title": `"changed"`, "Workflow": `{"Status":"SUPPRESSED"}`, "Note": `{"Text":"provider","UpdatedBy":"p","UpdatedAt":"2026-11-29T00:00:00Z"}`,
			"Severity": `{"Label":"LOW"}`, "Compliance": `{"Status":"PASSED"}`})
		got, applied := asff.MergeImport(stored, in, asff.CustomerChanged{})
		if !applied || got.Title != "changed" {
			t.Fatalf("applied=%v title=%q", applied, got.Title)
		}
		if got.Workflow.Status != "RESOLVED" || got.Note.Text != "mine" || got.UserDefinedFields["ticket"] != "SEC-1" || got.VerificationState != "TRUE_POSITIVE" {
			t.Fatalf("customer fields lost: %+v %+v %v %s", got.Workflow, got.Note, got.UserDefinedFields, got.VerificationState)
		}
		if got.Severity.Label != "LOW" || got.FindingProviderFields.Severity.Label != "LOW" {
			t.Fatalf("severity %+v / %+v", got.Severity, got.FindingProviderFields.Severity)
		}
	})
	t.Run("customer-set severity stays while provider's moves", func(t *testing.T) {
		in := newer(map[string]string{"FindingProviderFields": `{"Severity":{"Label":"CRITICAL"}}`, "Compliance": `{"Status":"PASSED"}`})
		got, _ := asff.MergeImport(stored, in, asff.CustomerChanged{Severity: true})
		if got.Severity.Label != "HIGH" || got.FindingProviderFields.Severity.Label != "CRITICAL" {
			t.Fatalf("severity %+v / %+v", got.Severity, got.FindingProviderFields.Severity)
		}
	})
	t.Run("PASSED to FAILED reopens a resolved finding", func(t *testing.T) {
		got, _ := asff.MergeImport(stored, newer(map[string]string{"Compliance": `{"Status":"FAILED"}`}), asff.CustomerChanged{})
		if got.Workflow.Status != "NEW" {
			t.Fatalf("workflow %+v", got.Workflow)
		}
	})
	t.Run("ARCHIVED to ACTIVE reopens", func(t *testing.T) {
		arch := clonePtr(t, stored)
		arch.RecordState, arch.Compliance = "ARCHIVED", nil
		got, _ := asff.MergeImport(arch, newer(map[string]string{"RecordState": `"ACTIVE"`}), asff.CustomerChanged{})
		if got.Workflow.Status != "NEW" {
			t.Fatalf("workflow %+v", got.Workflow)
		}
	})
	t.Run("SUPPRESSED is never reopened", func(t *testing.T) {
		sup := clonePtr(t, stored)
		sup.Workflow = &asff.Workflow{Status: "SUPPRESSED"}
		got, _ := asff.MergeImport(sup, newer(map[string]string{"Compliance": `{"Status":"FAILED"}`}), asff.CustomerChanged{})
		if got.Workflow.Status != "SUPPRESSED" {
			t.Fatalf("workflow %+v", got.Workflow)
		}
	})
	if stored.Title != "t" || stored.Workflow.Status != "RESOLVED" {
		t.Fatal("MergeImport modified its argument")
	}
}

func TestApplyUpdate(t *testing.T) {
	t.Parallel()
	f := parseOne(t, goodFinding)
	f.UserDefinedFields = map[string]string{"keep": "1", "drop": "2"}
	updatedAt := f.UpdatedAt
	now := time.Date(2026, 11, 29, 1, 2, 3, 0, time.UTC)
	n := int32(95)
	changed := asff.ApplyUpdate(f, &asff.BatchUpdate{
		Severity: &asff.SeverityUpdate{Normalized: &n}, Note: &asff.NoteUpdate{Text: "looked", UpdatedBy: "bob"},
		Workflow: &asff.WorkflowUpdate{Status: "NOTIFIED"}, UserDefinedFields: map[string]string{"drop": "", "new": "x"},
		VerificationState: "FALSE_POSITIVE", Types: []string{"Effects/Data Exposure"},
	}, asff.CustomerChanged{}, now)
	want := asff.CustomerChanged{Severity: true, Types: true}
	if changed != want {
		t.Fatalf("changed %+v, want %+v", changed, want)
	}
	if f.Severity.Label != "CRITICAL" || *f.Severity.Normalized != 95 || f.FindingProviderFields.Severity.Label != "HIGH" {
		t.Fatalf("severity %+v, provider %+v", f.Severity, f.FindingProviderFields.Severity)
	}
	if f.Note.UpdatedAt != "2026-11-29T01:02:03Z" || f.Workflow.Status != "NOTIFIED" || f.VerificationState != "FALSE_POSITIVE" {
		t.Fatalf("%+v %+v %s", f.Note, f.Workflow, f.VerificationState)
	}
	if !reflect.DeepEqual(f.UserDefinedFields, map[string]string{"keep": "1", "new": "x"}) {
		t.Fatalf("user fields %v", f.UserDefinedFields)
	}
	if f.UpdatedAt != updatedAt {
		t.Fatal("BatchUpdateFindings must not change UpdatedAt")
	}
}

func TestParseBatchUpdate(t *testing.T) {
	t.Parallel()
	ids, u, err := asff.ParseBatchUpdate([]byte(`{"FindingIdentifiers":[{"Id":"a","ProductArn":"arn:aws:securityhub:us-east-1::product/aws/securityhub"}],"Workflow":{"Status":"SUPPRESSED"}}`))
	if err != nil || len(ids) != 1 || u.Workflow.Status != "SUPPRESSED" {
		t.Fatalf("%v %v %+v", err, ids, u)
	}
	for _, tc := range []struct{ body, want string }{
		{`{"FindingIdentifiers":[],"Workflow":{"Status":"NEW"}}`, "between 1 and 100 (got 0)"},
		{`{"FindingIdentifiers":[{"Id":"a"}],"Workflow":{"Status":"NEW"}}`, "FindingIdentifiers[0]: Id and ProductArn are required"},
		{`{"FindingIdentifiers":[{"Id":"a","ProductArn":"p"}]}`, "should update at least one field"},
		{`{"FindingIdentifiers":[{"Id":"a","ProductArn":"p"}],"Workflow":{"Status":"CLOSED"}}`, "data.Workflow.Status should be equal to one of the allowed values"},
		{`{"FindingIdentifiers":[{"Id":"a","ProductArn":"p"}],"Note":{"Text":""}}`, "data.Note.Text should NOT be shorter than 1 characters"},
		{`{"FindingIdentifiers":[{"Id":"a","ProductArn":"p"}],"Confidence":101}`, "data.Confidence should be <= 100"},
		{`{"FindingIdentifiers":[{"Id":"a","ProductArn":"p"}],"Severity":{}}`, "data.Severity should have Label"},
		{`{"FindingIdentifiers":[{"Id":"a","ProductArn":"p"}],"Types":["a/b/c/d"]}`, "data.Types[0] should match pattern"},
		{`{"FindingIdentifiers":[{"Id":"a","ProductArn":"p"}],"VerificationState":"MAYBE"}`, "data.VerificationState"},
		{`{"FindingIdentifiers":`, "malformed JSON"},
	} {
		if _, _, err := asff.ParseBatchUpdate([]byte(tc.body)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.body, err, tc.want)
		}
	}
}
