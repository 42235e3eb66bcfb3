package asff_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/moatdev/moat/asff"
)

const goodFinding = `{"SchemaVersion":"2018-10-08","Id":"id-1","ProductArn":"arn:aws:securityhub:us-east-1:111122223333:product/111122223333/default",
"GeneratorId":"gen","AwsAccountId":"111122223333","Types":["Software and Configuration Checks"],"CreatedAt":"2026-11-28T00:00:00.123Z",
"UpdatedAt":"2026-11-28T00:00:00+09:00","Severity":{"Label":"HIGH"},"Title":"t","Description":"d","Resources":[{"Type":"Other","Id":"r"}]}`

// with returns goodFinding with one member replaced (or removed when v is "").
func with(t *testing.T, key, v string) string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(goodFinding), &m); err != nil {
		t.Fatal(err)
	}
	if v == "" {
		delete(m, key)
	} else {
		m[key] = json.RawMessage(v)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestValidateFinding(t *testing.T) {
	t.Parallel()
	long := func(n int) string { return `"` + strings.Repeat("x", n) + `"` }
	tests := []struct{ name, finding, want string }{
		{"good", goodFinding, ""},
		{"missing Title", with(t, "Title", ""), "data should have required property 'Title'"},
		{"missing Resources", with(t, "Resources", ""), "data should have required property 'Resources'"},
		{"empty Resources", with(t, "Resources", `[]`), "data.Resources should NOT have fewer than 1 items"},
		{"33 Resources", with(t, "Resources", "["+strings.TrimSuffix(strings.Repeat(`{"Type":"Other","Id":"r"},`, 33), ",")+"]"), "data.Resources should NOT have more than 32 items"},
		{"resource without Type", with(t, "Resources", `[{"Id":"r"}]`), "data.Resources[0] should have required property 'Type'"},
		{"empty resource Type", with(t, "Resources", `[{"Type":"","Id":"r"}]`), "data.Resources[0] should have required property 'Type'"},
		{"bad partition", with(t, "Resources", `[{"Type":"Other","Id":"r","Partition":"mars"}]`), "data.Resources[0].Partition should be equal to one of the allowed values"},
		{"schema version", with(t, "SchemaVersion", `"2020-01-01"`), "data.SchemaVersion should be equal to one of the allowed values"},
		{"long Title", with(t, "Title", long(257)), "data.Title should NOT be longer than 256 characters"},
		{"Title of 256 is fine", with(t, "Title", long(256)), ""},
		{"long Description", with(t, "Description", long(1025)), "data.Description should NOT be longer than 1024 characters"},
		{"long Id", with(t, "Id", long(513)), "data.Id should NOT be longer than 512 characters"},
		{"short ProductArn", with(t, "ProductArn", `"arn:aws:x"`), "data.ProductArn should NOT be shorter than 12 characters"},
		{"account id", with(t, "AwsAccountId", `"1234"`), `data.AwsAccountId should match pattern "^\d{12}$"`},
		{"bad timestamp", with(t, "CreatedAt", `"2026-11-28 00:00:00"`), `data.CreatedAt should match format "date-time"`},
		{"bad severity label", with(t, "Severity", `{"Label":"SEVERE"}`), "data.Severity.Label should be equal to one of the allowed values"},
		{"normalized out of range", with(t, "Severity", `{"Normalized":101}`), "data.Severity.Normalized should be <= 100 and >= 0"},
		{"normalized only is fine", with(t, "Severity", `{"Normalized":50}`), ""},
		{"no Severity nor FindingProviderFields", with(t, "Severity", ""), "data should have required property 'FindingProviderFields', data should match some schema in anyOf"},
		{"FindingProviderFields instead", strings.Replace(with(t, "Severity", ""), `"Title"`, `"FindingProviderFields":{"Severity":{"Label":"LOW"},"Types":["TTPs"]},"Title"`, 1), ""},
		{"bad Types pattern", with(t, "Types", `["a/b/c/d"]`), `data.Types[0] should match pattern "^([^/]+)(/[^/]+){0,2}$"`},
		{"empty type", with(t, "Types", `[""]`), `data.Types[0] should match pattern`},
		{"recommendation too long", with(t, "Remediation", `{"Recommendation":{"Text":`+long(513)+`}}`), "data.Remediation.Recommendation.Text should NOT be longer than 512 characters"},
		{"recommendation empty", with(t, "Remediation", `{"Recommendation":{"Text":""}}`), "data.Remediation.Recommendation.Text should NOT be shorter than 1 characters"},
		{"workflow status", with(t, "Workflow", `{"Status":"OPEN"}`), "data.Workflow.Status should be equal to one of the allowed values"},
		{"compliance status", with(t, "Compliance", `{"Status":"OK"}`), "data.Compliance.Status should be equal to one of the allowed values"},
		{"record state", with(t, "RecordState", `"DELETED"`), "data.RecordState should be equal to one of the allowed values"},
		{"note needs all three", with(t, "Note", `{"Text":"x"}`), "data.Note should have required property 'UpdatedBy'"},
		{"confidence", with(t, "Confidence", `-1`), "data.Confidence should be <= 100 and >= 0"},
		{"too many malware", with(t, "Malware", "["+strings.TrimSuffix(strings.Repeat(`{"Name":"m"},`, 6), ",")+"]"), "data.Malware should NOT have more than 5 items"},
		{"wrong JSON type", with(t, "Title", `42`), "data.Title should be string"},
		{"wrong nested JSON type", with(t, "Resources", `[{"Type":"Other","Id":7}]`), "data.Resources.Id should be string"},
		{"several problems at once", strings.Replace(with(t, "Title", long(300)), `"gen"`, `""`, 1),
			"data should have required property 'GeneratorId', data.Title should NOT be longer than 256 characters"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := asff.ParseFindings([]byte("[" + tc.finding + "]"))
			if err != nil {
				t.Fatalf("request error: %v", err)
			}
			if tc.want == "" {
				if len(res.FailedFindings) != 0 || len(res.Findings) != 1 {
					t.Fatalf("rejected: %+v", res.FailedFindings)
				}
				return
			}
			if len(res.FailedFindings) != 1 {
				t.Fatalf("accepted, want %q", tc.want)
			}
			ff := res.FailedFindings[0]
			if ff.ErrorCode != "InvalidInput" || !strings.HasPrefix(ff.ErrorMessage, "Finding does not adhere to Amazon Finding Format. ") {
				t.Fatalf("bad error %+v", ff)
			}
			if !strings.Contains(ff.ErrorMessage, tc.want) {
				t.Fatalf("message %q does not contain %q", ff.ErrorMessage, tc.want)
			}
		})
	}
}

func TestBatchImportKeepsGoodFindings(t *testing.T) {
	t.Parallel()
	bad := with(t, "Title", "")
	body := `{"Findings":[` + goodFinding + `,` + bad + `,` + strings.Replace(goodFinding, `"id-1"`, `"id-2"`, 1) + `]}`
	res, err := asff.ParseBatchImport([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 2 || res.Findings[0].Id != "id-1" || res.Findings[1].Id != "id-2" {
		t.Fatalf("accepted %+v", res.Findings)
	}
	if len(res.FailedFindings) != 1 || res.FailedFindings[0].Id != "id-1" {
		t.Fatalf("failed %+v", res.FailedFindings)
	}
}

func TestBatchImportFailedFindingIdWhenUndecodable(t *testing.T) {
	t.Parallel()
	res, err := asff.ParseBatchImport([]byte(`{"Findings":[{"Id":"keep-me","Resources":"nope"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.FailedFindings) != 1 || res.FailedFindings[0].Id != "keep-me" || !strings.Contains(res.FailedFindings[0].ErrorMessage, "data.Resources should be array") {
		t.Fatalf("got %+v", res.FailedFindings)
	}
}

func TestBatchImportRequestErrors(t *testing.T) {
	t.Parallel()
	var many strings.Builder
	many.WriteString(`{"Findings":[`)
	for i := 0; i < 101; i++ {
		if i > 0 {
			many.WriteString(",")
		}
		many.WriteString(strings.Replace(goodFinding, `"id-1"`, fmt.Sprintf(`"id-%d"`, i), 1))
	}
	many.WriteString("]}")
	tests := []struct{ name, body, want string }{
		{"syntax error located", "{\"Findings\": [\n  {\"Id\": }\n]}", "line 2, column 10"},
		{"no Findings", `{}`, "Findings: missing required member Findings"},
		{"Findings not an array", `{"Findings":{}}`, "Findings"},
		{"empty body", ``, "empty request body"},
		{"zero findings", `{"Findings":[]}`, "Member must have length between 1 and 100 (got 0)"},
		{"101 findings", many.String(), "Member must have length between 1 and 100 (got 101)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := asff.ParseBatchImport([]byte(tc.body))
			var re *asff.RequestError
			if !errors.As(err, &re) || re.Code != "InvalidInputException" {
				t.Fatalf("error %v is not an InvalidInputException RequestError", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not contain %q", err, tc.want)
			}
		})
	}
}

func TestBatchImportOversizedFinding(t *testing.T) {
	t.Parallel()
	big := with(t, "ProductFields", `{"blob":"`+strings.Repeat("a", asff.MaxFindingSize)+`"}`)
	res, err := asff.ParseBatchImport([]byte(`{"Findings":[` + big + `,` + goodFinding + `]}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.FailedFindings) != 1 || !strings.Contains(res.FailedFindings[0].ErrorMessage, "240 KB") || res.FailedFindings[0].Id != "id-1" {
		t.Fatalf("got %+v", res.FailedFindings)
	}
	if len(res.Findings) != 1 {
		t.Fatalf("the good finding was lost")
	}
}

func TestRoundTripKeepsUnmodelledMembers(t *testing.T) {
	t.Parallel()
	in := with(t, "Resources", `[{"Type":"AwsS3Bucket","Id":"arn:aws:s3:::b","Details":{"AwsS3Bucket":{"OwnerId":"o","BucketVersioningConfiguration":{"Status":"Enabled"}},"AwsKmsKey":{"KeyId":"k"}}}]`)
	in = strings.Replace(in, `"Title"`, `"Action":{"ActionType":"PORT_PROBE"},"Title"`, 1)
	res, err := asff.ParseFindings([]byte("[" + in + "]"))
	if err != nil || len(res.Findings) != 1 {
		t.Fatalf("%v %+v", err, res)
	}
	out, err := json.Marshal(res.Findings[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"BucketVersioningConfiguration":{"Status":"Enabled"}`, `"AwsKmsKey":{"KeyId":"k"}`, `"OwnerId":"o"`, `"Action":{"ActionType":"PORT_PROBE"}`} {
		if !strings.Contains(string(out), want) {
			t.Fatalf("round trip lost %s:\n%s", want, out)
		}
	}
}

func TestNormalize(t *testing.T) {
	t.Parallel()
	n := int32(75)
	f := &asff.Finding{Severity: &asff.Severity{Normalized: &n}, Types: []string{"TTPs"}}
	asff.Normalize(f)
	if f.Severity.Label != "HIGH" || f.FindingProviderFields == nil || f.FindingProviderFields.Severity.Label != "HIGH" || f.FindingProviderFields.Types[0] != "TTPs" {
		t.Fatalf("got %+v %+v", f.Severity, f.FindingProviderFields)
	}
	g := &asff.Finding{FindingProviderFields: &asff.FindingProviderFields{Severity: &asff.FindingProviderSeverity{Label: "CRITICAL"}}}
	asff.Normalize(g)
	if g.Severity == nil || g.Severity.Label != "CRITICAL" || *g.Severity.Normalized != 90 {
		t.Fatalf("got %+v", g.Severity)
	}
	for label, want := range map[string]int32{"INFORMATIONAL": 0, "LOW": 1, "MEDIUM": 40, "HIGH": 70, "CRITICAL": 90, "bogus": 0} {
		if got := asff.NormalizedForLabel(label); got != want {
			t.Errorf("NormalizedForLabel(%s) = %d, want %d", label, got, want)
		}
	}
	for n, want := range map[int32]string{0: "INFORMATIONAL", 1: "LOW", 39: "LOW", 40: "MEDIUM", 69: "MEDIUM", 70: "HIGH", 89: "HIGH", 90: "CRITICAL", 100: "CRITICAL"} {
		if got := asff.LabelForNormalized(n); got != want {
			t.Errorf("LabelForNormalized(%d) = %s, want %s", n, got, want)
		}
	}
}
